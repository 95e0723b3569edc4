#pragma once
// DRAM behind the memory controllers: `channels` channels, addresses interleaved across them in
// units of interleave_bytes. Two kinds of channel (dram-model, docs/MODELS.md):
// - simple: each channel has its own data bus (busy_until) so that concurrent requests queue. A
//   request arriving at t puts its share of bytes b_c on channel c at
//     start_c = max(t + latency, busy_until[c]),  end_c = start_c + ceil(b_c / channel_bw)
//   so back-to-back requests keep a channel's bus busy at exactly its bandwidth; the latency of a
//   request overlaps the transfers queued before it.
// - ddr4, hbm2: each channel is a DramChannel (dram_engine.h): banks, open rows, refresh and
//   command timing, FR-FCFS. Its share of a request is one channel request of b_c bytes at the
//   channel-local address (the channel's interleave units packed together); access() submits it
//   and serves the channel's queue until it is done (call order, see docs/MODELS.md).
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <unordered_map>
#include <utility>
#include <tlm>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/core/dram_engine.h"
#include "spikepipe/models/probe.h"

namespace spikepipe {

// Channel timing, plain C++. It keeps no statistics: its MemoryEvents carry them (stats.h).
class DramTiming {
 public:
  // clock_ghz converts the device's tCK into cycles (ddr4, hbm2; simple ignores it).
  explicit DramTiming(const MemoryParams& p, double clock_ghz = 1.0);
  struct Access {
    Cycles first = 0, done = 0;  // first channel starts, last channel ends
  };
  // Reports one MemoryEvent per channel touched (requester, kind, write, spill taken from `proto`).
  Access access(uint64_t address, uint64_t bytes, Cycles t, const MemoryEvent& proto, Probe& probe);
  // Bytes of [address, address + bytes) that fall on each channel.
  void split(uint64_t address, uint64_t bytes, std::vector<uint64_t>& per_channel) const;
  // Where the part of [address, ...) on `channel` starts in that channel's own address space
  // (the channel's interleave units packed together). The part must not be empty.
  uint64_t channel_address(uint64_t address, uint32_t channel) const;
  const MemoryParams& params() const { return p_; }

  // Causal driving (docs/MODELS.md, "Driving it"): submit() a request when it reaches the
  // controller, in any call order, and advance() with the simulation to next_event_time(). With
  // ddr4 / hbm2 the channels then serve requests in the order they become ready (FR-FCFS among
  // those queued); with simple, submit() reserves the channels at once (busy_until, call order).
  // A completion comes when the last channel's part of the request is scheduled; its MemoryEvents
  // are reported then.
  struct Completion {
    uint64_t tag = 0;
    Cycles first = 0, done = 0;
  };
  void submit(uint64_t tag, uint64_t address, uint64_t bytes, Cycles ready,
              const MemoryEvent& proto, Probe& probe);
  Cycles next_event_time() const;  // kNoEvent when nothing is queued
  void advance(Cycles to, Probe& probe, std::vector<Completion>& done);
  static constexpr Cycles kNoEvent = ~Cycles(0);
  // The device of ddr4 / hbm2 (nullptr for simple).
  const DramSpec* spec() const { return engines_.empty() ? nullptr : &engines_[0].spec(); }

 private:
  Access access_banked(uint64_t address, Cycles t, const MemoryEvent& proto, Probe& probe);
  MemoryParams p_;
  double clock_ghz_;
  std::vector<Cycles> busy_until_;
  std::vector<uint64_t> share_;  // scratch
  std::vector<DramChannel> engines_;  // ddr4 / hbm2: one per channel
  std::vector<DramCompletion> done_;  // scratch
  uint64_t next_request_ = 0;
  // Causal driving: requests submitted and not yet complete (engine request id = seq << 10 |
  // channel), and simple's completions, known at submission.
  struct Outstanding {
    uint64_t tag = 0;
    MemoryEvent proto;
    uint32_t parts = 0;
    Completion c;
  };
  std::unordered_map<uint64_t, Outstanding> outstanding_;
  std::unordered_map<uint64_t, uint64_t> part_bytes_;
  std::vector<std::pair<Cycles, Completion>> simple_done_;  // (ready, completion)
  uint64_t next_seq_ = 0;
};

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;
  Dram(const sc_core::sc_module_name& name, const MemoryParams& p, Probe& probe,
       double clock_ghz = 1.0);
  const DramTiming& timing() const { return timing_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  DramTiming timing_;
  Probe& probe_;
};

}  // namespace spikepipe

#pragma once
// DRAM behind the memory controllers: `channels` channels, addresses interleaved across them in
// units of interleave_bytes, each channel with its own data bus (busy_until) so that concurrent
// requests queue. A request arriving at t puts its share of bytes b_c on channel c at
//   start_c = max(t + latency, busy_until[c]),  end_c = start_c + ceil(b_c / channel_bw)
// so back-to-back requests keep a channel's bus busy at exactly its bandwidth; the latency of a
// request overlaps the transfers queued before it.
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/models/probe.h"

namespace spikepipe {

// Channel timing, plain C++. It keeps no statistics: its MemoryEvents carry them (stats.h).
class DramTiming {
 public:
  explicit DramTiming(const MemoryParams& p);
  struct Access {
    Cycles first = 0, done = 0;  // first channel starts, last channel ends
  };
  // Reports one MemoryEvent per channel touched (requester, kind, write, spill taken from `proto`).
  Access access(uint64_t address, uint64_t bytes, Cycles t, const MemoryEvent& proto, Probe& probe);
  // Bytes of [address, address + bytes) that fall on each channel.
  void split(uint64_t address, uint64_t bytes, std::vector<uint64_t>& per_channel) const;

 private:
  MemoryParams p_;
  std::vector<Cycles> busy_until_;
  std::vector<uint64_t> share_;  // scratch
};

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;
  Dram(const sc_core::sc_module_name& name, const MemoryParams& p, Probe& probe);
  const DramTiming& timing() const { return timing_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  DramTiming timing_;
  Probe& probe_;
};

}  // namespace spikepipe

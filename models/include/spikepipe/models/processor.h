#pragma once
// A systolic-array processor: one SC_THREAD runs its cyclic program (docs/EXECUTION.md): in round r
// an op with offset o runs iteration k = r - o when 0 <= k < iterations. For each instance it
//   1. waits until every dep into it is satisfied (local producer finished / message arrived),
//   2. reads from DRAM what it needs: F1's input (dram_read_bytes), its spilled inputs and the
//      part of its weights that does not fit in SRAM; it waits for the last byte,
//   3. runs array_cycles on the systolic array, then vector_cycles on the vector unit,
//   4. posts its DRAM writes, releases its inputs from SRAM, holds its outputs for local
//      consumers, and sends one message per remote out-dep in dep order, busy for each
//      message's injection time (the NoC returns it).
// Messages are received by `inbox` (no process): the arrival time is known when the transfer
// starts, so the thread waits either for a message to be announced or for a known arrival time.
// The spilled part of such a message is written to DRAM at that arrival time (`post_due`).
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/probe.h"
#include "spikepipe/core/sram.h"
#include "spikepipe/core/schedule.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {

class SystolicProcessor;

// What all processors of one run share: totals for SimResult, message ids, progress, errors,
// and the collectives in progress (docs/EXECUTION.md §7).
struct RunLog {
  explicit RunLog(uint32_t iterations);
  uint32_t iterations;
  std::vector<Cycles> iteration_start, iteration_end;
  uint64_t ops_run = 0, ops_total = 0, messages = 0;
  uint64_t next_id = 1;
  bool progress = false;
  double last_progress = 0.0;  // wall seconds since the start, of the last progress line
  std::string error;           // first failure inside a thread; simulate() rethrows it
  // Collectives: which ops are srcs of which, each one's member deps (set by simulate()), every
  // processor (to send a member from its src's NoC interface) and, per started instance
  // (collective << 32 | iteration), the srcs still to end and the latest end so far.
  // index(): per op its index in its processor's program; per processor the deps into and out
  // of its ops; the collectives. The first processor built calls it.
  void index(const Schedule& s);
  bool indexed = false;
  std::optional<CollectiveIndex> collectives;
  std::vector<uint32_t> local;
  std::vector<std::vector<uint32_t>> deps_into, deps_from;
  std::vector<SystolicProcessor*> processors;
  std::unordered_map<uint64_t, std::pair<uint32_t, Cycles>> collective_open;
  void record_task(uint32_t iteration, Cycles start, Cycles end);
  void maybe_progress();
};

class SystolicProcessor : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<SystolicProcessor> noc;  // to the NoC (messages, DRAM)
  tlm_utils::simple_target_socket<SystolicProcessor> inbox;   // messages from the NoC

  SC_HAS_PROCESS(SystolicProcessor);
  SystolicProcessor(const sc_core::sc_module_name& name, ProcessorId id, const ProcessorParams& p,
                    const Schedule& schedule, RunLog& log, PayloadPool& pool, Probe& probe);

  bool finished() const { return finished_; }
  // Collective member dep `d` of producer iteration k, started at `start` (>= now): sent from
  // this processor's NoC interface beside its thread (its src is here), or, when its dst is
  // here too, satisfied at `start`.
  void collective_send(uint32_t d, uint32_t k, Cycles start);
  void collective_local(uint32_t d, uint32_t k, Cycles start);
  // Why it cannot go on: "processor 1 waits for E2 (op 7) of iteration 3: missing ...".
  std::string blocked() const;
  const SramModel& sram() const { return sram_; }

 private:
  struct Slot {
    Cycles arrival = kNever;
    SramModel::Hold held;
    uint64_t spill_address = 0;  // where its spilled part lives in DRAM
  };
  static constexpr Cycles kNever = ~Cycles(0);
  static uint64_t key(uint32_t dep, uint32_t iteration) {
    return (uint64_t(dep) << 32) | iteration;
  }

  uint32_t local(OpId o) const { return log_.local[o.value]; }
  void run();
  void run_program();
  void wait_inputs(const Op& op, uint32_t k);
  bool satisfied(uint32_t dep, uint32_t k, Cycles& at) const;
  void read_memory(const Op& op, uint32_t k);
  void finish(const Op& op, uint32_t k, Cycles end);
  tlm::tlm_generic_payload& message(uint32_t dep, uint32_t k);
  void send(uint32_t dep, uint32_t k, Cycles at);
  // A DRAM access at now + `after` cycles; returns its completion (absolute cycles).
  Cycles memory(bool write, bool spill, TensorKind kind, uint64_t address, uint64_t bytes,
                Cycles after);
  // Holds `bytes` in SRAM for `slot`; the part that does not fit is written to DRAM at now + after.
  void hold(Slot& slot, TensorKind kind, uint64_t bytes, uint64_t to_dram, Cycles after);
  // Spill writes of data still arriving are issued when the data are in (a min-heap on `at`, ties
  // in the order they were held): the DRAM channels serve requests in call order, so a write
  // called at the start of a long transfer for its end would hold up every DRAM request called
  // after it and ready before it (posted_due_ wakes post_due, a method).
  struct Posted {
    Cycles at;
    uint64_t seq;
    TensorKind kind;
    uint64_t address, bytes;
    bool operator>(const Posted& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::vector<Posted> posted_;
  uint64_t posted_seq_ = 0;
  sc_core::sc_event posted_due_;
  void post_due();
  void issue_posted(Cycles now);
  void inbox_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void sram_changed(Cycles at);
  void check(tlm::tlm_generic_payload& trans, const char* what) const;

  ProcessorId id_;
  ProcessorParams params_;
  const Schedule& s_;
  RunLog& log_;
  PayloadPool& pool_;
  Probe& probe_;
  SramModel sram_;
  uint64_t weight_total_ = 0;

  // Per op of this processor (local(op)): dep indices, instances finished (or scheduled to
  // finish), end of its last instance.
  std::vector<std::vector<uint32_t>> in_, out_remote_, out_local_;
  std::vector<uint32_t> done_;
  std::vector<Cycles> finish_;
  Cycles vector_free_ = 0;      // overlap-units: the vector unit is busy until then
  Cycles dma_free_ = 0;         // overlap-units: the injection DMA is busy until then
  std::unordered_map<uint64_t, Slot> slots_;  // (dep, producer iteration) -> arrival, SRAM hold
  sc_core::sc_event announced_;               // a message into this processor was announced
  sc_core::sc_event noc_done_;                // the causal NoC finished one of our requests
  std::vector<tlm::tlm_generic_payload*> pending_reads_;  // DRAM reads in flight (causal NoC)

  bool finished_ = false;
  bool waiting_ = false;
  OpId wait_op_;
  uint32_t wait_iter_ = 0;
  uint64_t region_;  // this processor's DRAM region
  uint64_t spill_cursor_ = 0;
};

}  // namespace spikepipe

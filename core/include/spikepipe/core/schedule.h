#pragma once
// The one schedule format every scheduler emits and every simulator run consumes: the data of
// the execution contract (docs/EXECUTION.md); the rules that run it are in core/execution.h.
//
// A schedule is a set of ops (a task, or one part of a split task, or one micro-batch of it) placed
// on processors, a cyclic program per processor, and the dependencies between ops. Processor p
// runs its program round after round; in round r an op with offset o runs iteration r - o
// (skipped when that is before the first or after the last iteration). Before it runs, every
// dependency into it must be satisfied: the producer's instance of iteration k - distance has
// finished (same processor) or its message has arrived (other processor, `bytes` over the NoC).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/core/ids.h"
#include "spikepipe/core/kinds.h"

namespace spikepipe {

struct Op {
  OpId id;
  TaskId task;
  TaskKind kind = TaskKind::F;
  uint32_t layer = 0;
  uint16_t part = 0, parts = 1;    // split by output columns over `parts` processors
  uint16_t micro = 0, micros = 1;  // micro-batch index (gpipe)
  ProcessorId proc;
  int32_t offset = 0;  // iteration lag: in round r the op runs iteration r - offset
  Cycles array_cycles = 0;
  Cycles vector_cycles = 0;
  uint64_t dram_read_bytes = 0;   // e.g. input spikes of F1
  uint64_t dram_write_bytes = 0;
  uint64_t weight_bytes = 0;      // weights this op reads or writes (its share when split)
  // A second run of an F op (same task, part and micro-batch) that re-materialises its outputs
  // for the backward pass instead of stashing them (gpipe --recompute). Not a task instance of
  // its own: the task still runs exactly once per iteration.
  bool recompute = false;
  Cycles cycles() const { return array_cycles + vector_cycles; }
  std::string label() const;      // "F3", "F3[1/4]", "F3.m2", "F3.m2.re"
};

struct Dep {
  OpId src, dst;
  uint32_t distance = 0;  // dst of iteration k needs src of iteration k - distance
  TensorKind kind = TensorKind::Spikes;
  uint64_t bytes = 0;     // moved over the NoC when src and dst are on different processors
  // Planned spill (--memory spill): of `bytes`, what the consumer's processor writes to DRAM when
  // the tensor arrives (a posted write) and reads back before the consumer runs, instead of
  // holding it in SRAM. 0: held (what does not fit at run time still spills, unplanned).
  uint64_t spill_bytes = 0;
  // -1: a point-to-point dep, sent when `src` ends by src's processor (busy injecting).
  // c >= 0: a member of collective c (Schedule::collectives): it is sent when the last of the
  // collective's srcs has ended, by the NoC interface of src's processor beside compute (no
  // processor is busy), and carries what dst's processor needs from the collective's srcs on
  // other processors (docs/EXECUTION.md §7).
  int32_t collective = -1;
  bool in_collective() const { return collective >= 0; }
};

// A collective exchange of one tensor between the parts of two cut tasks (all-gather of a cut
// tensor that every consumer part needs whole, reduce-scatter of partial weight gradients,
// all-to-all of blocks): as direct messages it would take srcs x dsts deps. Here it is one
// dependency group: its member deps (Dep::collective) run as a ring over the processors of its
// srcs (each receiving processor gets one message from the src processor before it, in
// ascending cyclic order; processors without a src part take the src processors in turn),
// all sent once every src has ended. docs/EXECUTION.md §7.
enum class CollectiveKind : uint8_t { AllGather, ReduceScatter, AllToAll };
const char* to_string(CollectiveKind k);  // "all-gather", "reduce-scatter", "all-to-all"
struct Collective {
  CollectiveKind kind = CollectiveKind::AllGather;
  std::vector<OpId> srcs;  // every instance k of the group waits for all of them (iteration k)
};

struct Schedule {
  std::string scheduler;  // a name of the registry (workloads/scheduler.h)
  uint32_t processors = 0;
  bool split = false;
  uint32_t micro_batches = 1;

  std::vector<Op> ops;
  std::vector<std::vector<OpId>> programs;  // per processor, in execution order
  std::vector<Dep> deps;
  std::vector<Collective> collectives;  // groups of deps (Dep::collective indexes this)

  std::vector<uint32_t> delays;          // gradient delay d_l per layer
  std::vector<uint32_t> weight_versions; // per layer: d_l + 1 (weight stashing)
  Cycles predicted_period = 0;
  Cycles predicted_latency = 0;
  // No schedule of this task graph on this many processors of this platform can have a shorter
  // period (workloads/analysis.h lower_bound(graph, options)): the same for every scheduler.
  Cycles lower_bound = 0;
  // This schedule's own bound: max(op time / P, largest op, T-inf with its placement and delays)
  // (workloads/analysis.h schedule_bound). Another schedule can beat it.
  Cycles schedule_bound = 0;
  // How many iterations a run needs to measure this schedule's steady state, from the machine
  // replay (workloads/analysis.h plan_run_length): a warm-up past its transient and a measured
  // count covering its repeating pattern twice. 0 = no prediction (plan_iterations then keeps
  // 4 x the depth and 8).
  uint32_t run_warmup = 0, run_measured = 0;
  std::vector<Cycles> loads;             // per processor: compute + its communication, per period
  std::vector<uint64_t> sram_peak;       // per processor: predicted SRAM need (analysis.h)
  std::array<uint64_t, kTensorKinds> bytes_by_kind{};  // inter-processor bytes per iteration
  std::string note;  // what the scheduler chose that the numbers do not show (e.g. processors left idle)

  const Op& op(OpId id) const { return ops[id.value]; }
  bool remote(const Dep& d) const { return op(d.src).proc != op(d.dst).proc; }
};

// Pipeline depth in rounds: the largest op offset minus the smallest.
uint32_t pipeline_depth(const Schedule& s);
// Iterations a run goes on past its last measured one, so that every message of a measured
// iteration has a consumer that runs: the pipeline depth, and at least the longest dependency
// distance (weights reach F_l d_l + 1 iterations on). The simulator's run plan and the
// planner's replay count it the same way.
uint32_t drain_iterations(const Schedule& s);
// Two completion intervals count as equal within this fraction of the mean interval: the steady
// state that the metrics check and that the planner's run-length search looks for (METHOD.md §6).
inline constexpr double kSteadyTolerance = 0.005;

}  // namespace spikepipe

#pragma once
// What a schedule will do, computed without SystemC: a list simulation that follows exactly the
// execution and communication rules of the scheduler/simulator contract (cyclic programs, deps
// with distances, sends that keep the sender busy, head latency per hop, DRAM reads), the
// iteration bound T-inf and the lower bound of METHOD.md §5.
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/core/comm_model.h"
#include "spikepipe/core/execution.h"  // resident_weight_bytes
#include "spikepipe/core/schedule.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

// An op's time on its processor: DRAM wait, then array, then vector unit (no sends). This one
// knows the op alone: its own DRAM input (F1), not spills or streamed weights (op_durations).
Cycles op_duration(const Op& op, const CommModel& c);
// What each op reads from DRAM before it runs, as models/src/processor.cpp read_memory() does:
// its dram_read_bytes, the planned spills of its inputs (Dep::spill_bytes), and its share of its
// processor's weights that do not fit in c.sram_bytes (streamed weights).
std::vector<uint64_t> op_dram_reads(const Schedule& s, const CommModel& c);
// Per op: c.dram_read(op_dram_reads) + c.op_wait (when sized for s) + array + vector: what the
// list simulation times.
std::vector<Cycles> op_durations(const Schedule& s, const CommModel& c);
// The DRAM channels are shared: per op, the cycles its DRAM read waits for the data queued
// ahead of it. On predict_run()'s uncontended times, every DRAM access of the run (reads over
// their read time, posted writes and planned spills over their link serialisation) is spread
// evenly over its window; an op's read waits for the bytes of all other accesses in its own
// window, at the rate of all channels (the simple model serves each channel in order), averaged
// over its instances in the measured window; or, when longer, until its own processor's last
// posted write (issued before the read) has crossed the NoC to its controller, waited the
// latency and left the channels (the simulator's channels serve in call order, busy_until). A
// first-order estimate: it does not stretch the other accesses by the waits it finds.
std::vector<Cycles> dram_waits(const Schedule& s, const CommModel& c);
// Per processor: resident weights beyond c.sram_bytes (streamed from DRAM by the ops using them).
std::vector<uint64_t> weight_excess(const Schedule& s, const CommModel& c);

// The sharing the list simulation does not see, as per-iteration loads: every iteration moves the
// same bytes over the same links and DRAM channels, so no period is below the busiest link's
// busy cycles per iteration or the busiest DRAM channel's (the bounds are exact for a link or
// channel that is the bottleneck). Links: every remote dep on each link of its route
// (core/noc_graph.h), DRAM reads from the controller to the reader, DRAM writes (dram_write_bytes,
// planned spills) from the writer to its controller. DRAM: every access's largest channel share
// at the channel rate (the simple model's busy_until), reads and writes.
struct SharedLoads {
  std::vector<Cycles> links;     // per LinkId: cycles busy per iteration
  Cycles dram_channel = 0;       // the busiest channel's busy cycles per iteration
  uint64_t dram_bytes = 0;       // all DRAM bytes per iteration (reads + writes)
  uint64_t spilled_bytes = 0;    // of them, planned spills (written once, read once: 2x this)
  Cycles link_max() const;
};
SharedLoads shared_loads(const Schedule& s, const CommModel& c);
// Remote out-deps of every op, in dep order (the order the contract sends them in).
std::vector<std::vector<uint32_t>> remote_out_deps(const Schedule& s);
// Injection cycles of all remote sends of every op.
std::vector<Cycles> send_cycles(const Schedule& s, const CommModel& c);
// Per processor per iteration: op durations + injection cycles (docs/EXECUTION.md "load").
std::vector<Cycles> processor_loads(const Schedule& s, const CommModel& c);

struct PredictedRun {
  bool deadlock = false;
  std::string blocked;          // on deadlock: which processor waits for what
  uint32_t iterations = 0;
  double period = 0;   // mean completion interval, second half of the iterations before the drain
  double latency = 0;           // mean (last end - first start) over the same iterations
  std::vector<Cycles> completion;  // per iteration: its last op end
  std::vector<Cycles> first_start; // per iteration: its first op start
  Cycles makespan = 0;
  // The instances' times (index op * iterations + k, resp. dep * iterations + k; UINT64_MAX if
  // not run): when each op instance ends and when each remote send starts injecting.
  std::vector<Cycles> op_end, send_start;
  Cycles window_begin = 0, window_end = 0;  // completions of the first and last measured iteration
};

// Runs `iterations` iterations (0: enough for the steady state, from the largest offset).
PredictedRun predict_run(const Schedule& s, const CommModel& c, uint32_t iterations = 0);

// The run the simulator makes of s on the machine c describes when c.replayable (the ideal
// NoC: links reserved per message in call order; or the causal NoC: the simulator's router
// engine driven as the simulator drives it, within causal_replay_budget(); each DRAM channel
// serves in call order, the simple model as latency + rate, ddr4 / hbm2 with their bank engine;
// overlap-units off): every processor's waits, DRAM reads, compute, posted writes, run-time
// spills and sends replayed in time order with the models' rules (analysis_replay.cpp), over the
// iterations `spikepipe run` simulates by default (warm-up 4 x the pipeline depth, `measured`,
// drain), the period measured as the metrics do (the last whole cycles of the completion
// intervals). ok = false when it cannot tell (no NoC layout, a deadlock).
struct MachineReplay {
  bool ok = false;
  bool steady = false;  // the measured intervals repeat (metrics.h steady)
  uint32_t iterations = 0;
  double period = 0, latency = 0;
  std::vector<Cycles> completion;  // per simulated iteration: its last op end
};
// warmup < 1: the automatic 4 x drain (a warm-up of 0 would leave no interval before the first
// measured iteration).
MachineReplay replay_machine(const Schedule& s, const CommModel& c, uint32_t measured = 8,
                             int warmup = -1);
// The schedule as chosen on the machine that runs it: when c.replayable, its predicted period
// and latency become replay_machine()'s (the contention that finalize_schedule's terms only
// bound, replayed). make_schedule applies it to what plan_memory returns or compares (the
// schedule, or its spill and recompute variants) and to the P/4 candidate; searches keep the
// fast terms.
// Only within kReplayBudget op + dep instances (drain_iterations, core/schedule.h: a run
// simulates about 5 x drain + 8 iterations).
void replay_prediction(Schedule& s, const CommModel& c);
inline constexpr uint64_t kReplayBudget = 100000;
// With the causal NoC the replay simulates the routers too (core/noc_engine.h, as the simulator
// does): it costs about what the simulation costs, growing with the contended traffic. A replay
// stops (ok = false, the prediction keeps finalize_schedule's terms) once the engine's work
// (cycles simulated + flits switched: NocEngine::counters, deterministic) passes
// causal_replay_budget(), or is on course to pass it (the work so far scaled to the run by the
// simulated time against the schedule's predicted period, or by the ops run)
// (kCausalReplayBudget, about a second on a 2-core machine; SPIKEPIPE_REPLAY_BUDGET=N in the
// environment sets another, 0 none). The ideal NoC's replay has no such budget (kReplayBudget).
inline constexpr uint64_t kCausalReplayBudget = 20000000;
uint64_t causal_replay_budget();

// Where a sequence of completions settles: from iteration `from` on, every completion interval
// equals (within the metrics' 0.5% of the mean) the one `cycle` iterations later, seen over at
// least three patterns; the smallest such cycle up to max_cycle. found = false when none.
struct SteadyPattern {
  bool found = false;
  uint32_t from = 0, cycle = 0;
};
SteadyPattern find_steady_pattern(const std::vector<Cycles>& completion, uint32_t max_cycle);
// Sets s.run_warmup and s.run_measured (Schedule) from the machine replay run kSteadySearch
// iterations past the default warm-up: warm-up max(4 x drain, the transient), measured
// max(8, 2 x the pattern); when that differs from the default run, the predicted period and
// latency become the replay of that run. Nothing when c is not replayable, when the replay is
// over kSteadyBudget op + dep instances (or, on the causal NoC, its work budget), or when no
// pattern of up to kMaxSteadyCycle iterations shows (a run then keeps the default and says
// whether it settled).
void plan_run_length(Schedule& s, const CommModel& c);
inline constexpr uint32_t kSteadySearch = 96, kMaxSteadyCycle = 32;
inline constexpr uint64_t kSteadyBudget = 1000000;

// The exact steady-state period of predict_run()'s execution (the maximum cycle ratio of its
// max-plus recursion over rounds; no transient to wait out). Throws Error on a deadlock cycle.
double steady_period(const Schedule& s, const CommModel& c);

// T-inf = max over dependency cycles of (op times + communication on it) / (sum of distances),
// on the task-level quotient of the op graph (parts and micro-batches of a task merged, with the
// shortest part time and communication), which is exact for unsplit schedules and a valid lower
// bound otherwise. Returns 0 for a graph without cycles; throws Error for a cycle of distance 0.
double iteration_bound(const Schedule& s, const CommModel& c);

// This schedule's own bound (Schedule::schedule_bound): max(total op time / P, largest op,
// T-inf), rounded up. It depends on the schedule's placement and delays, so another schedule of
// the same graph can have a shorter period.
Cycles schedule_bound(const Schedule& s, const CommModel& c);

// The lower bound that no schedule of `g` on o.processors processors of the platform that `o`
// describes can beat (Schedule::lower_bound, `lower_bound_cycles`), the same for every scheduler:
// the largest of
//  - work: ceil(sum of task cycles (array + vector) / P); cutting a task into parts or
//    micro-batches never lowers its total cycles under the fold model (tested), and a processor
//    does one op at a time (docs/EXECUTION.md §1, §3);
//  - the largest task: over tasks, the shortest largest part when the task is cut into
//    min(P, what it allows) parts by the best layout the schedulers use (columns, rows, samples;
//    builder.h), or its whole time if it cannot be cut;
//  - memory: the DRAM bytes that every iteration must move (F1's input, plus the weights that do
//    not fit in P x sram-bytes even held once) / (dram-channels x dram-channel-bytes).
// Nothing that depends on placement or delays (communication, T-inf) enters it. It holds under
// the execution contract (overlap-units off).
struct LowerBound {
  Cycles work = 0, largest_task = 0, memory = 0;
  Cycles value() const;
};
LowerBound lower_bound_terms(const TaskGraph& g, const SchedulerOptions& o);
Cycles lower_bound(const TaskGraph& g, const SchedulerOptions& o);

// Each processor's SRAM need in the steady state of predict_run()'s execution, by the processor
// model's accounting (models/src/processor.cpp); see analysis_sram.cpp for what is approximated.
struct SramPrediction {
  std::vector<uint64_t> weights;    // per processor: resident weights (x weight versions)
  std::vector<uint64_t> in_flight;  // per processor: peak of the held tensors
  std::vector<uint64_t> peak;       // per processor: weights + in_flight
  // per processor: weights + the most held at any time of the run, the fill included (a
  // processor can run ahead while the pipeline fills and briefly hold more than in steady state)
  std::vector<uint64_t> run_peak;
};
SramPrediction predict_sram(const Schedule& s, const CommModel& c, uint32_t iterations = 0);
SramPrediction predict_sram(const Schedule& s, const PredictedRun& r);  // r = predict_run(s, ...)
// predict_sram(s, c).peak
std::vector<uint64_t> predicted_sram_peak(const Schedule& s, const CommModel& c);

// Fills loads, bytes_by_kind, weight_versions, schedule_bound, predicted_period and
// predicted_latency (steady_period() rounded up; latency from predict_run()) and sram_peak
// (predicted_sram_peak(), unless `memory` is false: search loops that finalize many candidates
// predict the memory of the chosen one only); throws Error if the schedule deadlocks.
void finalize_schedule(Schedule& s, const CommModel& c, bool memory = true);

}  // namespace spikepipe

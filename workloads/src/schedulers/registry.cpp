// The explicit name -> scheduler table (no registration by static initialisation).
#include "schedulers.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe {

SchedulerOptions SchedulerOptions::for_platform(const PlatformParams& p) {
  SchedulerOptions o;
  o.processors = p.processors;
  o.comm = CommModel::of(p);
  o.sram_bytes = p.processor.sram_bytes;
  o.dram_channels = p.memory.channels;
  return o;
}

void SchedulerOptions::validate() const {
  const std::string where = "scheduler options";
  if (processors == 0 || processors > PlatformParams::kMaxProcessors)
    fail(where, "processors = " + std::to_string(processors),
         "1.." + std::to_string(PlatformParams::kMaxProcessors));
  if (micro_batches == 0) fail(where, "micro-batches = 0", ">= 1");
  if (sram_bytes == 0) fail(where, "sram-bytes = 0", ">= 1");
  if (dram_channels == 0) fail(where, "dram-channels = 0", ">= 1");
  comm.validate(where.c_str());
}

const std::vector<SchedulerEntry>& schedulers() {
  static const std::vector<SchedulerEntry> table = {
      {"sequential", "no pipelining: every task split over all processors, a barrier between tasks",
       sched::sequential},
      {"data-parallel",
       "every processor trains B/P samples of every layer, then an all-reduce of the weight "
       "gradients over the NoC; no stale weights",
       sched::data_parallel},
      {"gpipe",
       "balanced stages of whole layers, m micro-batches, a flush every iteration (no stale "
       "weights); --recompute re-runs a stage's forward before its backward instead of stashing",
       sched::gpipe, false, true, true},
      {"standard",
       "standard pipelining (LayerPipe's term, the SpikePipe paper's baseline): one processor per "
       "stage of whole layers, 1F1B, weight stashing",
       sched::standard},
      {"pipedream",
       "PipeDream's planner: stages of whole layers, each replicated over processors with its "
       "gradients all-reduced, 1F1B, weight stashing, within sram-bytes",
       sched::pipedream},
      {"spikepipe", "F/D/E/G/U tasks placed on processors for the smallest period, minimal delays",
       sched::spikepipe, true, false},
  };
  return table;
}

const SchedulerEntry* find_scheduler(const std::string& name) {
  for (const SchedulerEntry& e : schedulers())
    if (name == e.name) return &e;
  return nullptr;
}

namespace {

Schedule make_chosen(const std::string& name, const TaskGraph& g, const SchedulerOptions& o) {
  std::string known;
  for (const SchedulerEntry& e : schedulers()) {
    if (name == e.name) {
      // These end with finalize_schedule(s, o.comm) with memory (sequential.cpp,
      // data_parallel.cpp, standard.cpp).
      const bool finalized =
          e.fn == sched::sequential || e.fn == sched::data_parallel || e.fn == sched::standard;
      Schedule s = sched::plan_memory(e.fn(g, o), g, o,
                                      e.recompute && !o.recompute ? e.fn : nullptr, finalized);
      // More processors never hurt: above 64 processors the plan for a quarter of them (the
      // first P/4, the rest idle; recursively P/16 while above 64) is kept when it is predicted
      // faster. That adds about a third to the planning time at P = 1024. gpipe already chooses
      // how many processors to use; pipedream does too, but by its fast terms, and at 256
      // processors those chose a plan whose replayed period (fmnist-conv: 4.21 M cycles) is
      // far above the one for 64 (2.37 M), so it takes the same check.
      const bool chooses_count = e.fn == sched::gpipe;
      if (o.processors > 64 && !chooses_count) {
        SchedulerOptions fewer = o;
        fewer.processors = o.processors / 4;
        fewer.progress = nullptr;
        Schedule q = make_chosen(name, g, fewer);
        if (q.predicted_period < s.predicted_period) {
          q.processors = o.processors;
          q.programs.resize(o.processors);
          finalize_schedule(q, o.comm, true);
          replay_prediction(q, o.comm);
          q.note += std::string(q.note.empty() ? "" : "; ") + "on " +
                    std::to_string(fewer.processors) + " of " + std::to_string(o.processors) +
                    " processors: using all was predicted slower (" +
                    std::to_string(s.predicted_period) + " cycles)";
          s = std::move(q);
        }
      }
      s.lower_bound = lower_bound(g, o);
      return s;
    }
    known += (known.empty() ? "" : ", ") + std::string(e.name);
  }
  fail("--scheduler", "unknown scheduler '" + name + "'", known);
}

}  // namespace

Schedule make_schedule(const std::string& name, const TaskGraph& g, const SchedulerOptions& o) {
  Schedule s = make_chosen(name, g, o);
  // Once, for the schedule returned: how long a run must be to see its steady state.
  plan_run_length(s, o.comm);
  return s;
}

}  // namespace spikepipe

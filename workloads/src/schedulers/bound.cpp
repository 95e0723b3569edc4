// The lower bound of METHOD.md §5 (analysis.h lower_bound): a function of the task graph, the
// processor count and the platform only, so every scheduler reports the same figure and any of
// their periods can be compared with it. The largest-task term costs a task's parts with the
// schedulers' own Builder (builder.h), so that "the shortest a part can be" is what a scheduler
// could actually emit.
#include <algorithm>
#include <cmath>

#include "builder.h"
#include "spikepipe/workloads/analysis.h"

namespace spikepipe {

Cycles LowerBound::value() const { return std::max({work, largest_task, memory}); }

LowerBound lower_bound_terms(const TaskGraph& g, const SchedulerOptions& o) {
  LowerBound b;
  const uint32_t P = std::max(1u, o.processors);
  Cycles total = 0;
  for (const Task& t : g.tasks) total += t.cycles();
  b.work = (total + P - 1) / P;
  for (const Task& t : g.tasks) {
    Cycles best = t.cycles();
    for (sched::Layout l : {sched::Layout::Cols, sched::Layout::Rows, sched::Layout::Samples}) {
      const uint32_t k = std::min(P, sched::max_parts(t, l));
      if (k <= 1) continue;
      sched::Builder builder(g, "lower-bound", k);
      std::vector<ProcessorId> procs;
      for (uint32_t i = 0; i < k; ++i) procs.push_back(ProcessorId(i));
      Cycles part = 0;
      for (OpId id : builder.add(t.id, procs, 0, 1, l))
        part = std::max(part, builder.schedule().op(id).cycles());
      best = std::min(best, part);
    }
    b.largest_task = std::max(b.largest_task, best);
  }
  // Compulsory DRAM bytes per iteration: F1's input, and the weights that do not fit on chip even
  // with one copy each and nothing else held.
  uint64_t weights = 0;
  for (uint64_t w : g.weight_bytes) weights += w;
  const double on_chip = double(o.sram_bytes) * double(P);
  const double spilled = std::max(0.0, double(weights) - on_chip);
  const double bytes = double(g.input_bytes) + spilled;
  const double rate = double(std::max(1u, o.dram_channels)) * o.comm.dram_bytes_per_cycle;
  b.memory = bytes > 0 ? Cycles(std::ceil(bytes / rate - 1e-9)) : 0;
  return b;
}

Cycles lower_bound(const TaskGraph& g, const SchedulerOptions& o) {
  return lower_bound_terms(g, o).value();
}

}  // namespace spikepipe

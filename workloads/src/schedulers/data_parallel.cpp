// `data-parallel`: plain data parallelism, the first thing a user compares pipelining with.
// Every processor trains its share of the mini-batch: F, D, E and G of every layer are cut by
// samples into P parts (builder.h Layout::Samples; processor i runs part i of every task, so
// activations, errors and stashes never leave it), and the weight gradients are all-reduced over
// the NoC before the next iteration:
//  - reduce-scatter: U_l is cut into P element ranges, part i on processor i; every G_l part
//    sends U_l part j its partial gradient of range j, and U_l part j sums the P partials
//    (the cost model charges the P - 1 additions per weight) and updates its range;
//  - all-gather: U_l part j sends its updated range to the F_l part of every processor (E_l reads
//    the same copy: local_weights_for_e), so each processor sends (P - 1)/P of the gradients and
//    (P - 1)/P of the weights of every layer: a ring all-reduce's 2 (P - 1)/P of the bytes, as
//    two collectives per layer (docs/EXECUTION.md §7: one message into each processor, sent by
//    the NoC interfaces once the last G part, resp. U part, has ended).
// Every processor runs the tasks in the task graph's topological order; all offsets and delays
// are 0 (no stale weights): iteration k + 1's F_l waits for the all-gather of iteration k.
// Tasks with fewer rows (or elements) than P run on fewer processors.
#include <algorithm>

#include "builder.h"
#include "schedulers.h"

namespace spikepipe::sched {

Schedule data_parallel(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  Builder b(g, "data-parallel", o.processors);
  for (const Task& t : g.tasks) {
    const Layout l = t.kind == TaskKind::U ? Layout::Cols : Layout::Samples;
    const uint32_t parts = std::min(o.processors, max_parts(t, l));
    std::vector<ProcessorId> procs;
    for (uint32_t i = 0; i < parts; ++i) procs.push_back(ProcessorId(i));
    b.add(t.id, procs, 0, 1, l);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  local_weights_for_e(s);
  finalize_schedule(s, o.comm);
  return s;
}

}  // namespace spikepipe::sched

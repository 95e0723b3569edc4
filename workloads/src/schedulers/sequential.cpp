// `sequential`: the no-pipelining reference. Every task is cut by output columns over all P
// processors (GEMM N / P columns each, element-wise work by elements; fewer parts when a task
// has fewer columns than processors), and every processor runs the tasks in the task graph's
// topological order. A part waits for the producer parts whose data it needs (for a GEMM's
// input: all of them, i.e. a barrier), so the tasks run one after the other across the machine.
// All offsets and delays are 0: iteration k + 1 starts with weights updated by iteration k.
#include <algorithm>

#include "builder.h"
#include "schedulers.h"

namespace spikepipe::sched {

Schedule sequential(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  Builder b(g, "sequential", o.processors);
  for (const Task& t : g.tasks) {
    const uint32_t parts = std::min(o.processors, max_parts(t));
    std::vector<ProcessorId> procs;
    for (uint32_t i = 0; i < parts; ++i) procs.push_back(ProcessorId(i));
    b.add(t.id, procs);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  finalize_schedule(s, o.comm);
  return s;
}

}  // namespace spikepipe::sched

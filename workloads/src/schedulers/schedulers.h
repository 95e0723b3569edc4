#pragma once
// The schedulers of METHOD.md §5 (one file each); registry.cpp names them.
#include <vector>

#include "spikepipe/core/schedule.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::sched {

Schedule sequential(const TaskGraph& g, const SchedulerOptions& o);
Schedule gpipe(const TaskGraph& g, const SchedulerOptions& o);
Schedule standard(const TaskGraph& g, const SchedulerOptions& o);
Schedule pipedream(const TaskGraph& g, const SchedulerOptions& o);
Schedule data_parallel(const TaskGraph& g, const SchedulerOptions& o);
Schedule spikepipe(const TaskGraph& g, const SchedulerOptions& o);

// Processor (= stage) of every layer in standard pipelining's balanced partition; stages =
// min(P, layers).
std::vector<uint32_t> standard_stages(const TaskGraph& g, const SchedulerOptions& o);

// Layer-stage schedulers (gpipe, standard) use at most one processor per layer; say so.
void note_unused_processors(Schedule& s, uint32_t stages, uint32_t processors);

// spikepipe::plan_memory (memory.cpp); `finalized`: the scheduler's last step was
// finalize_schedule(s, o.comm) with memory, so plan_memory need not repeat it.
Schedule plan_memory(Schedule s, const TaskGraph& g, const SchedulerOptions& o,
                     Schedule (*rebuild_recompute)(const TaskGraph&, const SchedulerOptions&),
                     bool finalized);

}  // namespace spikepipe::sched

#pragma once
// METHOD.md §5: the schedulers, behind one explicit name -> function table.
#include <functional>
#include <string>
#include <vector>

#include "spikepipe/core/comm_model.h"
#include "spikepipe/core/platform.h"
#include "spikepipe/core/schedule.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

struct SchedulerOptions {
  uint32_t processors = 4;
  bool split = false;           // spikepipe --split: GEMMs may be cut over processors
  uint32_t micro_batches = 4;   // gpipe
  bool recompute = false;       // gpipe --recompute: re-run a stage's F before its backward
  CommModel comm;               // the machine as the planner times it (core/comm_model.h)
  // The memory side of the machine as the planners and the lower bound see it: each processor's
  // SRAM (sram-bytes; pipedream plans within it) and the DRAM channels (dram-channels) whose
  // combined rate bounds the compulsory DRAM traffic (lower_bound()).
  uint64_t sram_bytes = 4ull << 20;
  uint32_t dram_channels = 2;
  // Told what a slow scheduler is doing ("placing candidate 3/8"), now and then; may be empty.
  // The CLI prints it once a schedule has taken more than two seconds.
  std::function<void(const std::string& what)> progress;

  // The processor count, communication costs, SRAM and DRAM channels of `p`.
  static SchedulerOptions for_platform(const PlatformParams& p);
  void validate() const;
  void report(const std::string& what) const {
    if (progress) progress(what);
  }
};

using SchedulerFn = Schedule (*)(const TaskGraph&, const SchedulerOptions&);

struct SchedulerEntry {
  const char* name;
  const char* description;
  SchedulerFn fn;
  bool splits = false;          // takes --split (SchedulerOptions::split)
  bool micro_batches = false;   // takes --micro-batches
  bool recompute = false;       // takes --recompute
};

const std::vector<SchedulerEntry>& schedulers();  // in registry.cpp's order
const SchedulerEntry* find_scheduler(const std::string& name);  // nullptr if unknown
// Throws Error listing the known names if `name` is unknown. Sets the schedule's lower_bound to
// lower_bound(g, o) (analysis.h), the same for every scheduler.
Schedule make_schedule(const std::string& name, const TaskGraph& g, const SchedulerOptions& o);

}  // namespace spikepipe

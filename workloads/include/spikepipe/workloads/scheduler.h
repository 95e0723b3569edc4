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

// How a schedule meets each processor's SRAM (--memory; workloads/src/schedulers/memory.cpp):
// fit = refuse a schedule that does not fit; spill = stashed tensors that do not fit go to DRAM
// as planned, timed reads and writes; recompute = activation checkpointing (F re-run before D),
// the rest spilled; auto = the faster of spill and recompute by the predicted period.
enum class MemoryMode : uint8_t { Fit, Spill, Recompute, Auto };
const char* to_string(MemoryMode m);
// Throws Error naming the allowed values.
MemoryMode parse_memory_mode(const std::string& s, const std::string& where = "--memory");

struct SchedulerOptions {
  uint32_t processors = 4;
  bool split = false;           // spikepipe --split: GEMMs may be cut over processors
  uint32_t micro_batches = 4;   // gpipe
  bool recompute = false;       // gpipe --recompute: re-run a stage's F before its backward
  MemoryMode memory = MemoryMode::Auto;  // --memory: every scheduler
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

// o.memory applied to a scheduler's schedule `s` (memory.cpp); `rebuild_recompute`, when given,
// re-plans with o.recompute = true (gpipe's own re-materialisation) instead of the generic one.
Schedule plan_memory(Schedule s, const TaskGraph& g, const SchedulerOptions& o,
                     Schedule (*rebuild_recompute)(const TaskGraph&, const SchedulerOptions&));

const std::vector<SchedulerEntry>& schedulers();  // in registry.cpp's order
const SchedulerEntry* find_scheduler(const std::string& name);  // nullptr if unknown
// Throws Error listing the known names if `name` is unknown. Plans the SRAM by o.memory
// (plan_memory) and sets the schedule's lower_bound to lower_bound(g, o) (analysis.h), the same
// for every scheduler.
Schedule make_schedule(const std::string& name, const TaskGraph& g, const SchedulerOptions& o);

}  // namespace spikepipe

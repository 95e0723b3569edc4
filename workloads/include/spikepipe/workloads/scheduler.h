#pragma once
// METHOD.md §5: the schedulers, behind one explicit name -> function table.
#include <string>
#include <vector>

#include "spikepipe/workloads/schedule.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

struct SchedulerOptions {
  uint32_t processors = 4;
  bool split = false;           // spikepipe --split: GEMMs may be split by output columns
  uint32_t micro_batches = 4;   // gpipe
  // What the schedulers know of the network-on-chip, to cost the communication they add.
  double link_bytes_per_cycle = 32.0;
  Cycles hop_latency = 2;
  double mean_hops = 1.0;
  // What they know of DRAM, to cost F1's input read (contract.md: latency + bytes / channel rate).
  Cycles dram_latency = 100;
  double dram_bytes_per_cycle = 25.6;

  void validate() const;
};

using SchedulerFn = Schedule (*)(const TaskGraph&, const SchedulerOptions&);

struct SchedulerEntry {
  const char* name;
  const char* description;
  SchedulerFn fn;
};

const std::vector<SchedulerEntry>& schedulers();  // sequential, gpipe, pipedream, spikepipe
// Throws Error listing the known names if `name` is unknown.
Schedule make_schedule(const std::string& name, const TaskGraph& g, const SchedulerOptions& o);

}  // namespace spikepipe

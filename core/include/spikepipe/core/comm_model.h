#pragma once
// The machine as the planner times it: what a message, a DRAM read and a hop cost, taken from the
// platform description in one place (CommModel::of) and charged with the execution rules of
// core/execution.h, so that the schedulers and the simulator round alike.
//
// Today's planner view is coarser than the simulated machine: every message crosses the mean hop
// count of the processors' placement, links are not shared and DRAM is one uncontended channel.
#include <cstdint>

#include "spikepipe/core/ids.h"
#include "spikepipe/core/platform.h"

namespace spikepipe {

struct CommModel {
  double link_bytes_per_cycle = 32.0;  // noc-link-bytes
  Cycles hop_latency = 2;              // noc-router-latency
  double mean_hops = 1.0;              // over ordered pairs of distinct processors
  Cycles dram_latency = 100;           // dram-latency (ddr4/hbm2: tRCD + CL of the device)
  double dram_bytes_per_cycle = 25.6;  // dram-channel-bytes (ddr4/hbm2: the peak of a channel)

  static CommModel of(const PlatformParams& p);
  Cycles inject(uint64_t bytes) const;  // serial_cycles at the link rate: the sender is busy
  Cycles flight() const;                // head latency: round(mean_hops * hop_latency)
  Cycles dram(uint64_t bytes) const;    // dram_access_cycles: latency + bytes / channel rate
  void validate(const char* where) const;
};

}  // namespace spikepipe

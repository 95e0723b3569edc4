#pragma once
// Builds the SystemC platform from its parameters, loads a schedule's programs and runs it.
// One call per process (SystemC elaborates once).
#include <cstdint>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/models/probe.h"
#include "spikepipe/core/schedule.h"

namespace spikepipe {

struct SimOptions {
  uint32_t iterations = 8;
  bool progress = false;  // a progress line on stderr for long runs
};

struct SimResult {
  Cycles end_time = 0;
  std::vector<Cycles> iteration_start;  // first op of iteration k started
  std::vector<Cycles> iteration_end;    // last op of iteration k finished
  uint64_t ops_run = 0;
  uint64_t messages = 0;
};

// Throws Error on bad parameters and on a deadlock (naming which processors wait for which op).
SimResult simulate(const PlatformParams& platform, const Schedule& schedule,
                   const SimOptions& options, Probe& probe);

}  // namespace spikepipe

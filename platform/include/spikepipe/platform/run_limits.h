#pragma once
// How much one run may simulate. Every op instance leaves events (task, messages, link and
// memory accesses: about 400 bytes each, measured on mnist-fc) that the metrics and the CSV
// files need, so memory grows with ops x iterations; a run past the budget is refused before
// it starts, with the most iterations this schedule allows.
#include <cstdint>

#include "spikepipe/core/schedule.h"

namespace spikepipe {

inline constexpr uint64_t kMaxOpInstances = 4000000;  // ~1.6 GB of events

// Throws Error naming --iterations/--warmup when `total_iterations` of `s` exceed the budget.
void check_run_size(const Schedule& s, uint64_t total_iterations, uint64_t warmup_and_drain);

}  // namespace spikepipe

// How many iterations a run simulates: warm-up, measured, drain (metrics.h).
#include <algorithm>
#include <limits>

#include "spikepipe/core/error.h"
#include "spikepipe/platform/metrics.h"

namespace spikepipe {

void check_iteration_counts(int64_t measured, int64_t warmup) {
  const std::string max = std::to_string(kMaxIterations);
  if (measured < 1 || measured > kMaxIterations)
    fail("--iterations", std::to_string(measured) + " is out of range", "1 .. " + max);
  if (warmup < -1 || warmup > kMaxIterations)
    fail("--warmup", std::to_string(warmup) + " is out of range", "-1 (automatic) or 0 .. " + max);
}

IterationPlan plan_iterations(const Schedule& s, uint32_t measured, int warmup) {
  check_iteration_counts(measured == 0 ? 1 : measured, warmup);
  // The schedule's own run length (Schedule::run_warmup / run_measured), when its planner
  // predicted one: a file may carry any number, so it is checked like the flags.
  const bool predicted = s.run_measured != 0;
  if (predicted && (s.run_measured > kMaxIterations || s.run_warmup > kMaxIterations)) {
    fail("schedule: run_measured_iterations / run_warmup_iterations",
         std::to_string(s.run_measured) + " / " + std::to_string(s.run_warmup) +
             " is out of range",
         "0 .. " + std::to_string(kMaxIterations));
  }
  IterationPlan p;
  p.drain = drain_iterations(s);
  // Without a prediction, the automatic warm-up is four times the depth and 8 iterations are
  // measured. Ops that may run d_l iterations ahead (weights with a delay) keep filling buffers
  // for several depths before the completions settle; measured on cifar10-vgg with 8 processors,
  // the intervals settled after about 3x the depth. A prediction replaces both (a pattern of 11
  // iterations on cifar10-vgg spikepipe mesh16 needs 22 measured).
  const uint64_t auto_warmup = predicted ? s.run_warmup : std::max<uint64_t>(4ull * p.drain, 1);
  const uint64_t w = warmup < 0 ? auto_warmup : static_cast<uint64_t>(warmup);
  p.measured = measured != 0 ? measured : predicted ? s.run_measured : 8;
  p.basis = measured != 0 && warmup >= 0 ? "given"
            : predicted                  ? "predicted steady state"
                                         : "default";
  // total() is a 32-bit count; a schedule deep enough to overflow it cannot be simulated anyway.
  if (w + p.measured + p.drain > std::numeric_limits<uint32_t>::max()) {
    fail("--warmup",
         "warm-up " + std::to_string(w) + " + measured " + std::to_string(p.measured) +
             " + drain " + std::to_string(p.drain) + " iterations is too many",
         "a total below 2^32");
  }
  p.warmup = static_cast<uint32_t>(w);
  return p;
}

}  // namespace spikepipe

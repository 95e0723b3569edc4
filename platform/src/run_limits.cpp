#include "spikepipe/platform/run_limits.h"

#include <string>

#include "spikepipe/core/error.h"

namespace spikepipe {

void check_run_size(const Schedule& s, uint64_t total_iterations, uint64_t warmup_and_drain) {
  const uint64_t per = s.ops.empty() ? 1 : s.ops.size();
  if (per * total_iterations <= kMaxOpInstances) return;
  const uint64_t fit = kMaxOpInstances / per;
  const std::string most = fit > warmup_and_drain ? std::to_string(fit - warmup_and_drain) : "0";
  fail("--iterations",
       std::to_string(total_iterations) + " iterations (with warm-up and drain) of this schedule's " +
           std::to_string(per) + " ops are " + std::to_string(per * total_iterations) +
           " op instances",
       "at most " + std::to_string(kMaxOpInstances) + " op instances: --iterations <= " + most +
           " here with this warm-up");
}

}  // namespace spikepipe

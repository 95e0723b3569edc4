// How long a run must be to measure a schedule's steady state (analysis.h plan_run_length): the
// machine replay run on well past the default run, its completion intervals searched for the
// iteration where they start to repeat and the length of the pattern they repeat.
#include <algorithm>
#include <cmath>

#include "spikepipe/workloads/analysis.h"

namespace spikepipe {

SteadyPattern find_steady_pattern(const std::vector<Cycles>& completion, uint32_t max_cycle) {
  SteadyPattern best;
  const size_t n = completion.size();
  if (n < 3) return best;
  // iv[k]: the interval that ends at iteration k's completion, as the metrics count it.
  std::vector<double> iv(n, 0.0);
  for (size_t k = 1; k < n; ++k)
    iv[k] = completion[k] > completion[k - 1] ? double(completion[k] - completion[k - 1]) : 0.0;
  // The metrics' tolerance, on the mean of the second half, which is past any transient the
  // search can see.
  double mean = 0;
  for (size_t k = n / 2; k < n; ++k) mean += iv[k] / double(n - n / 2);
  const double tol = kSteadyTolerance * mean;
  for (uint32_t c = 1; c <= max_cycle && 3ull * c < n; ++c) {
    // The earliest k from which every interval equals the one c iterations later.
    size_t from = n - c;
    while (from > 1 && std::fabs(iv[from - 1 + c] - iv[from - 1]) <= tol) --from;
    // Three whole patterns seen, so that a coincidence at the end is not taken for one.
    if (n - from < 3ull * c) continue;
    best.found = true;
    best.from = uint32_t(from);
    best.cycle = c;
    return best;
  }
  return best;
}

void plan_run_length(Schedule& s, const CommModel& c) {
  if (!c.replayable || s.ops.empty()) return;
  const uint32_t drain = drain_iterations(s);
  const uint32_t auto_warmup = std::max<uint32_t>(4 * drain, 1);
  // The replay runs the default warm-up and kSteadySearch iterations past it (plus the drain).
  const uint64_t horizon = uint64_t(auto_warmup) + kSteadySearch + drain;
  // Within replay_prediction's budget too, so that the period this may replace is a replay's.
  const uint64_t instances = s.ops.size() + s.deps.size();
  if (instances * horizon > kSteadyBudget || instances * (5ull * drain + 9) > kReplayBudget) return;
  CommModel alone = c;
  alone.op_wait.clear();
  const MachineReplay longer = replay_machine(s, alone, kSteadySearch);
  if (!longer.ok) return;
  // Only the iterations before the drain: a draining pipeline finishes its last ones faster.
  const std::vector<Cycles> seen(longer.completion.begin(),
                                 longer.completion.begin() + auto_warmup + kSteadySearch);
  const SteadyPattern p = find_steady_pattern(seen, kMaxSteadyCycle);
  if (!p.found) return;  // no pattern within the search: keep the default run
  // Warm-up past the transient; measured: at least 8 and two whole patterns (the metrics need
  // the pattern to repeat inside the measured window), a multiple of the pattern when longer.
  const uint32_t warmup = std::max(auto_warmup, p.from);
  uint32_t measured = 8;
  if (2 * p.cycle > measured) measured = 2 * p.cycle;
  s.run_warmup = warmup;
  s.run_measured = measured;
  if (warmup == auto_warmup && measured == 8) return;  // the prediction is already this run's
  // The predicted period and latency are the replay of the run that will be made.
  const MachineReplay run = replay_machine(s, alone, measured, int(warmup));
  if (!run.ok) return;
  s.predicted_period = static_cast<Cycles>(std::ceil(run.period - 1e-6));
  s.predicted_latency = static_cast<Cycles>(std::llround(run.latency));
}

}  // namespace spikepipe

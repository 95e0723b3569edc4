// Iterations: when each started and completed, which of them are in steady state, and the period,
// latency and throughput over those.
#include <algorithm>
#include <cmath>
#include <limits>

#include "sections.h"
#include "spikepipe/core/error.h"

namespace spikepipe::metrics {

namespace {

constexpr Cycles kNever = std::numeric_limits<Cycles>::max();

// First op start and last op end of every iteration of the plan.
void iteration_times(const EventLog& log, uint32_t n, Metrics& m) {
  m.iteration_start.assign(n, kNever);
  m.iteration_end.assign(n, 0);
  std::vector<bool> seen(n, false);
  for (const auto& e : log.tasks) {
    if (e.iteration >= n) continue;
    seen[e.iteration] = true;
    m.iteration_start[e.iteration] = std::min(m.iteration_start[e.iteration], e.start);
    m.iteration_end[e.iteration] = std::max(m.iteration_end[e.iteration], e.end);
  }
  for (uint32_t k = 0; k < n; ++k) {
    if (!seen[k])
      fail("run", "iteration " + std::to_string(k) + " ran no task (the run is incomplete)");
    m.iteration_latency.push_back(m.iteration_end[k] - m.iteration_start[k]);
  }
}

// The completion intervals of the measured iterations repeat with a cycle of c iterations (c = 1
// when every interval is the period; DRAM interleaving or a schedule whose rounds differ can give
// c = 2 or 3). The window is the last whole cycles.
Window steady_state(const IterationPlan& plan, Metrics& m) {
  uint32_t W = plan.warmup, I = plan.measured;
  std::vector<double> iv;
  for (uint32_t k = W; k < W + I; ++k) {
    const Cycles prev = k == 0 ? 0 : m.iteration_end[k - 1];
    iv.push_back(static_cast<double>(m.iteration_end[k] > prev ? m.iteration_end[k] - prev : 0));
  }
  double mean = 0;
  for (double v : iv) mean += v / I;
  const auto [lo, hi] = std::minmax_element(iv.begin(), iv.end());
  m.interval_spread = mean > 0 ? (*hi - *lo) / mean : 0.0;
  for (uint32_t c = 1; c <= I / 2 && m.cycle == 0; ++c) {
    bool repeats = true;
    for (uint32_t k = 0; k + c < I; ++k)
      repeats = repeats && std::fabs(iv[k + c] - iv[k]) <= kSteadyTolerance * mean;
    if (repeats) m.cycle = c;
  }
  m.steady = m.cycle != 0 || I == 1;
  if (m.cycle > 1) {
    const uint32_t used = (I / m.cycle) * m.cycle;
    W += I - used;
    I = used;
  }
  Window w;
  w.first = m.measured_from = W;
  w.iterations = m.measured_used = I;
  w.begin = m.span_begin = W == 0 ? 0 : m.iteration_end[W - 1];
  w.end = m.span_end = m.iteration_end[W + I - 1];
  if (w.end <= w.begin) {
    fail("run", "the last measured iteration completed before the warm-up did",
         "a schedule whose iterations complete in order");
  }
  return w;
}

}  // namespace

Window iterations(const MetricsInput& in, Metrics& m) {
  const uint32_t n = in.plan.total();
  iteration_times(in.log, n, m);
  const Window w = steady_state(in.plan, m);
  m.period_cycles = static_cast<double>(w.span()) / w.iterations;
  double lat = 0;
  m.latency_min = kNever;
  for (uint32_t k = w.first; k < w.first + w.iterations; ++k) {
    lat += static_cast<double>(m.iteration_latency[k]);
    m.latency_min = std::min(m.latency_min, m.iteration_latency[k]);
    m.latency_max = std::max(m.latency_max, m.iteration_latency[k]);
  }
  m.latency_cycles = lat / w.iterations;
  m.fill_cycles = *std::min_element(m.iteration_end.begin(), m.iteration_end.end());
  m.drain_cycles = m.end_time - m.iteration_start[n - 1];
  m.throughput_samples_per_s = m.batch * m.clock_ghz * 1e9 / m.period_cycles;
  return w;
}

}  // namespace spikepipe::metrics

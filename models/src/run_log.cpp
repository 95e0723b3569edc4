// Totals shared by the processors of one run, and the progress line.
#include <chrono>
#include <cstdio>

#include "spikepipe/models/processor.h"
#include "spikepipe/models/sim_time.h"

namespace spikepipe {

namespace {
double wall_seconds() {
  static const auto t0 = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

RunLog::RunLog(uint32_t n) : iterations(n), iteration_start(n, ~Cycles(0)), iteration_end(n, 0) {
  wall_seconds();
}

void RunLog::record_task(uint32_t k, Cycles start, Cycles end) {
  ++ops_run;
  if (start < iteration_start[k]) iteration_start[k] = start;
  if (end > iteration_end[k]) iteration_end[k] = end;
}

void RunLog::maybe_progress() {
  if (!progress || (ops_run & 255) != 0) return;
  const double now = wall_seconds();
  if (now - last_progress < 2.0) return;
  last_progress = now;
  std::fprintf(
      stderr,
      "spikepipe: simulated %llu cycles, %llu/%llu task instances, %llu messages (%.0f s)\n",
      static_cast<unsigned long long>(now_cycles()), static_cast<unsigned long long>(ops_run),
      static_cast<unsigned long long>(ops_total), static_cast<unsigned long long>(messages), now);
}

}  // namespace spikepipe

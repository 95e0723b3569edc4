// What the schedule predicted, kept beside the simulated figures so that summary.json compares
// them (period and latency against the simulation, the gap to the lower bound).
#include "sections.h"

namespace spikepipe::metrics {

void predictions(const MetricsInput& in, Metrics& m) {
  const Schedule& sch = in.schedule;
  m.predicted_period_cycles = sch.predicted_period;
  m.predicted_sram_peak = sch.sram_peak;
  m.predicted_latency_cycles = sch.predicted_latency;
  m.lower_bound_cycles = sch.lower_bound;
  m.schedule_bound_cycles = sch.schedule_bound;
  m.simulated_over_predicted =
      sch.predicted_period ? m.period_cycles / static_cast<double>(sch.predicted_period) : 0.0;
  m.gap_to_lower_bound =
      sch.lower_bound ? m.period_cycles / static_cast<double>(sch.lower_bound) - 1.0 : 0.0;
  m.delays = sch.delays;
  m.weight_versions = sch.weight_versions;
  m.predicted_loads = sch.loads;
  m.predicted_bytes_by_kind = sch.bytes_by_kind;
}

}  // namespace spikepipe::metrics

// METHOD.md §6 from the event log, section by section (sections.h): iterations and the steady
// state first, then every figure counted inside that window.
#include "sections.h"

namespace spikepipe {

uint64_t total(const std::array<uint64_t, kTensorKinds>& a) {
  uint64_t s = 0;
  for (auto v : a) s += v;
  return s;
}

Metrics compute_metrics(const MetricsInput& in) {
  Metrics m;
  m.scheduler = in.schedule.scheduler;
  m.split = in.schedule.split;
  m.processors = in.platform.processors;
  m.batch = in.graph.batch;
  m.clock_ghz = in.platform.clock_ghz;
  m.plan = in.plan;
  m.end_time = in.log.end_time();

  const metrics::Window w = metrics::iterations(in, m);
  metrics::predictions(in, m);
  metrics::processors(in, w, m);
  metrics::links(in, w, m);
  metrics::dram(in, w, m);
  metrics::communication(in, w, m);
  metrics::energy(in, w, m);
  return m;
}

}  // namespace spikepipe

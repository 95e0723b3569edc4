// Processors: what each did inside the steady-state span (busy per task kind, sending, waiting),
// its SRAM peaks over the run and the weights it holds.
#include <algorithm>

#include "sections.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe::metrics {

void processors(const MetricsInput& in, const Window& w, Metrics& m) {
  const EventLog& log = in.log;
  const uint32_t P = in.platform.processors;
  m.per_processor.assign(P, {});
  auto proc = [&](ProcessorId p) -> ProcessorMetrics& {
    if (p.value >= P)
      fail("run",
           "an event names processor " + std::to_string(p.value) + " of " + std::to_string(P));
    return m.per_processor[p.value];
  };
  for (const auto& e : log.tasks) {
    auto& pm = proc(e.proc);
    const Cycles c = w.clip(e.start, e.end);
    pm.busy += c;
    pm.busy_by_kind[static_cast<int>(e.kind)] += c;
    ++pm.ops;
  }
  m.ops_run = log.tasks.size();
  for (const auto& e : log.waits) proc(e.proc).waiting += w.clip(e.start, e.end);
  // The sender is busy while it injects: until `injected`, or for the serialisation time when
  // the event does not say.
  const double link_bpc = in.platform.noc.link_bytes_per_cycle;
  for (const auto& e : log.messages) {
    const Cycles until =
        e.injected > e.sent ? e.injected : e.sent + serial_cycles(e.bytes, link_bpc);
    proc(e.src).sending += w.clip(e.sent, until);
  }
  for (const auto& e : log.sram) {
    auto& pm = proc(e.proc);
    pm.peak_sram_bytes = std::max(pm.peak_sram_bytes, e.bytes);
    pm.peak_spilled_bytes = std::max(pm.peak_spilled_bytes, e.spilled);
  }
  // Weights each processor holds: the residency rule of core/execution.h, as the model holds them.
  const std::vector<uint64_t> resident = resident_weight_bytes(in.schedule);
  for (uint32_t p = 0; p < P && p < resident.size(); ++p)
    m.per_processor[p].weight_footprint_bytes = resident[p];
  double usum = 0;
  for (auto& pm : m.per_processor) {
    pm.utilisation = w.utilisation(pm.busy);
    usum += pm.utilisation;
    m.peak_sram_bytes = std::max(m.peak_sram_bytes, pm.peak_sram_bytes);
  }
  m.mean_utilisation = P ? usum / P : 0.0;
}

}  // namespace spikepipe::metrics

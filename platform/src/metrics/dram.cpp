// DRAM: the channels' MemoryEvents inside the steady-state span, per channel and per tensor kind.
#include <algorithm>

#include "sections.h"

namespace spikepipe::metrics {

void dram(const MetricsInput& in, const Window& w, Metrics& m) {
  uint32_t n = in.platform.memory.channels;
  for (const auto& e : in.log.memory) n = std::max(n, e.channel + 1);
  m.channels.assign(n, {});
  std::array<double, kTensorKinds> by_kind{};
  std::vector<double> by_channel(n, 0);
  double spill = 0;
  for (const auto& e : in.log.memory) {
    auto& cm = m.channels[e.channel];
    cm.busy += w.clip(e.start, e.end);
    ++cm.accesses;
    const double b = w.prorated(e.bytes, e.start, e.end);
    by_kind[static_cast<int>(e.kind)] += b;
    by_channel[e.channel] += b;
    if (e.spill) spill += b;
  }
  for (int k = 0; k < kTensorKinds; ++k) m.dram_bytes_by_kind[k] = w.per_iteration(by_kind[k]);
  for (uint32_t c = 0; c < n; ++c) {
    m.channels[c].bytes = w.per_iteration(by_channel[c]);
    m.channels[c].utilisation = w.utilisation(m.channels[c].busy);
  }
  m.dram_bytes = total(m.dram_bytes_by_kind);
  m.dram_spill_bytes = w.per_iteration(spill);
}

}  // namespace spikepipe::metrics

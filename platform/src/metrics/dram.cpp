// DRAM: the channels' MemoryEvents inside the steady-state span, per channel and per tensor kind.
#include <algorithm>

#include "sections.h"
#include "spikepipe/core/dram_spec.h"

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
    cm.row_hits += e.row_hits;
    cm.row_misses += e.row_misses;
    cm.row_conflicts += e.row_conflicts;
    cm.refreshes += e.refreshes;
    const double b = w.prorated(e.bytes, e.start, e.end);
    by_kind[static_cast<int>(e.kind)] += b;
    by_channel[e.channel] += b;
    if (e.spill) spill += b;
  }
  for (int k = 0; k < kTensorKinds; ++k) m.dram_bytes_by_kind[k] = w.per_iteration(by_kind[k]);
  for (uint32_t c = 0; c < n; ++c) {
    m.channels[c].bytes = w.per_iteration(by_channel[c]);
    m.channels[c].utilisation = w.utilisation(m.channels[c].busy);
    m.channels[c].achieved_bytes_per_cycle =
        w.span() ? by_channel[c] / static_cast<double>(w.span()) : 0.0;
    const uint64_t bursts =
        m.channels[c].row_hits + m.channels[c].row_misses + m.channels[c].row_conflicts;
    m.channels[c].row_hit_rate = bursts ? double(m.channels[c].row_hits) / double(bursts) : 0.0;
  }
  const MemoryParams& mp = in.platform.memory;
  m.dram_model = to_string(mp.model);
  m.dram_peak_bytes_per_cycle = mp.model == DramModel::Simple
                                    ? mp.channel_bytes_per_cycle
                                    : dram_spec(mp).peak_bytes_per_cycle(in.platform.clock_ghz);
  m.dram_bytes = total(m.dram_bytes_by_kind);
  m.dram_spill_bytes = w.per_iteration(spill);
}

}  // namespace spikepipe::metrics

// Links: the NoC's LinkEvents inside the steady-state span, per link.
#include <algorithm>

#include "sections.h"

namespace spikepipe::metrics {

void links(const MetricsInput& in, const Window& w, Metrics& m) {
  // Every link of the NoC has an entry, also one that carried nothing; an event may name a link
  // beyond the names given (a hand-made log).
  uint32_t n = static_cast<uint32_t>(in.link_names.size());
  for (const auto& e : in.log.links) n = std::max(n, e.link.value + 1);
  m.links.assign(n, {});
  for (uint32_t l = 0; l < n; ++l) {
    m.links[l].name = l < in.link_names.size() && !in.link_names[l].empty()
                          ? in.link_names[l]
                          : "link" + std::to_string(l);
  }
  std::vector<double> bytes(n, 0);
  for (const auto& e : in.log.links) {
    auto& lm = m.links[e.link.value];
    lm.busy += w.clip(e.start, e.end);
    ++lm.transfers;
    bytes[e.link.value] += w.prorated(e.bytes, e.start, e.end);
  }
  double sum = 0;
  for (uint32_t l = 0; l < n; ++l) {
    auto& lm = m.links[l];
    lm.bytes = w.per_iteration(bytes[l]);
    lm.utilisation = w.utilisation(lm.busy);
    sum += lm.utilisation;
    m.max_link_utilisation = std::max(m.max_link_utilisation, lm.utilisation);
  }
  m.mean_link_utilisation = n ? sum / n : 0.0;
}

}  // namespace spikepipe::metrics

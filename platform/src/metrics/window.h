#pragma once
// The measured window (METHOD.md §6): the steady-state span and the iterations whose
// completions define it. Every steady-state figure counts an event by the part of it inside.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "spikepipe/core/ids.h"

namespace spikepipe::metrics {

struct Window {
  Cycles begin = 0, end = 0;           // the span: completion of the last warm-up iteration ..
  uint32_t first = 0, iterations = 0;  // .. completion of iteration first + iterations - 1

  Cycles span() const { return end - begin; }
  bool measured(uint32_t k) const { return k >= first && k < first + iterations; }

  // Cycles of [s, e) inside the span.
  Cycles clip(Cycles s, Cycles e) const {
    const Cycles lo = std::max(s, begin), hi = std::min(e, end);
    return hi > lo ? hi - lo : 0;
  }
  // The share of an access's bytes that falls inside the span: in a periodic steady state the
  // shares cut off at one end of the span are made up at the other, so the sum is exact.
  double prorated(uint64_t bytes, Cycles s, Cycles e) const {
    if (e <= s) return (s >= begin && s < end) ? static_cast<double>(bytes) : 0.0;
    return static_cast<double>(bytes) * static_cast<double>(clip(s, e)) /
           static_cast<double>(e - s);
  }
  // busy / span.
  double utilisation(Cycles busy) const {
    return static_cast<double>(busy) / static_cast<double>(span());
  }
  uint64_t per_iteration(double bytes) const {
    return iterations ? static_cast<uint64_t>(std::llround(bytes / iterations)) : 0;
  }
  uint64_t per_iteration(uint64_t bytes) const { return per_iteration(static_cast<double>(bytes)); }
};

}  // namespace spikepipe::metrics

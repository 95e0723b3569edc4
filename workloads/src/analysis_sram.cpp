// The SRAM a schedule needs per processor, by the same accounting as the processor model
// (the residency rules of core/execution.h, which models/src/processor.cpp follows too), so that
// a schedule that will spill is known before it is simulated.
//
// Approximation: the times are those of predict_run() (the schedulers' list simulation: uncontended
// links at the mean hop count, DRAM reads without queueing, no --overlap-units, nothing spilled).
// The SystemC run on a mesh shifts sends and ends by the real hop counts and contention, which
// can reorder a release and a hold that are close in time and so move the peak by one tensor.
// At equal times releases go first, as in SystolicProcessor::finish. The peak is the maximum
// over the measured steady-state window of predict_run() (iterations w..e), not over the fill and
// drain: a short run that never reaches the steady state may peak lower, and the fill can peak
// higher (run_peak: a processor that runs ahead while the pipeline fills; this costs the fill,
// not the period). The capacity is ignored (what the need would be, not what fits).
#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {

namespace {

constexpr Cycles kUnknown = std::numeric_limits<Cycles>::max();

}  // namespace

namespace {

struct Event {
  Cycles time;
  int hold;  // 0: release, 1: hold (releases first at equal times)
  uint64_t bytes;
  bool operator<(const Event& o) const {
    return time != o.time ? time < o.time : hold < o.hold;
  }
};

}  // namespace

SramPrediction predict_sram(const Schedule& s, const PredictedRun& r) {
  SramPrediction out;
  out.weights = resident_weight_bytes(s);
  out.in_flight.assign(s.processors, 0);
  const uint32_t N = r.iterations;
  if (r.deadlock || r.op_end.size() != s.ops.size() * size_t(N) ||
      r.send_start.size() != s.deps.size() * size_t(N)) {
    fail("SRAM prediction of schedule '" + s.scheduler + "'",
         "needs a completed predict_run() of it", "a schedule that does not deadlock");
  }
  std::vector<std::vector<Event>> ev(s.processors);
  for (uint32_t d = 0; d < s.deps.size(); ++d) {
    const Dep& dep = s.deps[d];
    if (!occupies_sram(dep) || dep.spill_bytes >= dep.bytes) continue;
    const uint64_t held = dep.bytes - dep.spill_bytes;  // a planned spill is not held
    const bool remote = s.remote(dep);
    const uint32_t q = s.op(dep.dst).proc.value;
    for (uint32_t k = 0; has_consumer(dep, k, N); ++k) {
      const Cycles from = remote ? r.send_start[size_t(d) * N + k]
                                 : r.op_end[size_t(dep.src.value) * N + k];
      const Cycles to = r.op_end[size_t(dep.dst.value) * N + k + dep.distance];
      if (from == kUnknown || to == kUnknown) continue;
      ev[q].push_back({from, 1, held});
      ev[q].push_back({to, 0, held});
    }
  }
  for (uint32_t p = 0; p < s.processors; ++p) {
    std::sort(ev[p].begin(), ev[p].end());
    uint64_t used = 0, peak = 0, all = 0;
    bool entered = false, left = false;
    for (const Event& e : ev[p]) {
      if (e.time > r.window_end && !left) {
        if (!entered) peak = used;  // no change inside the window
        entered = left = true;
      }
      if (e.time >= r.window_begin && !entered) {
        peak = std::max(peak, used);  // what is held when the window opens
        entered = true;
      }
      used = e.hold ? used + e.bytes : used - e.bytes;
      all = std::max(all, used);
      if (entered && !left) peak = std::max(peak, used);
    }
    if (!entered) peak = used;
    out.in_flight[p] = peak;
    out.run_peak.push_back(out.weights[p] + all);
  }
  out.peak.resize(s.processors);
  for (uint32_t p = 0; p < s.processors; ++p) out.peak[p] = out.weights[p] + out.in_flight[p];
  return out;
}

SramPrediction predict_sram(const Schedule& s, const CommModel& c, uint32_t iterations) {
  const PredictedRun r = predict_run(s, c, iterations);
  if (r.deadlock) fail("schedule '" + s.scheduler + "'", "deadlocks: " + r.blocked);
  return predict_sram(s, r);
}

std::vector<uint64_t> predicted_sram_peak(const Schedule& s, const CommModel& c) {
  return predict_sram(s, c).peak;
}

}  // namespace spikepipe

// The SRAM a schedule needs per processor, by the same accounting as the processor model
// (models/src/processor.cpp, docs/MODELS.md "SRAM"), so that a schedule that will spill is known
// before it is simulated.
//
// Resident: per (layer, part) on the processor, the largest of its F/E/U ops' weight_bytes, times
// weight_versions[layer] for F and E (weight stashing), once for U alone; G holds nothing.
// Held: every non-weight dep instance, from its production (local: the producer's end) or the
// start of its transfer (remote: the receive buffer is taken when the sender starts injecting)
// until its consumer's end; an instance whose consumer iteration is past the run is not held.
//
// Approximation: the times are those of simulate() (the schedulers' list simulation: uncontended
// links at the mean hop count, DRAM reads without queueing, no --overlap-units, nothing spilled).
// The SystemC run on a mesh shifts sends and ends by the real hop counts and contention, which
// can reorder a release and a hold that are close in time and so move the peak by one tensor.
// At equal times releases go first, as in SystolicProcessor::finish. The peak is the maximum
// over the measured steady-state window of simulate() (iterations w..e), not over the fill and
// drain: a short run that never reaches the steady state may peak lower, and the fill can peak
// higher (run_peak: a processor that runs ahead while the pipeline fills; this costs the fill,
// not the period). The capacity is ignored (what the need would be, not what fits).
#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe {

namespace {

constexpr Cycles kUnknown = std::numeric_limits<Cycles>::max();

}  // namespace

std::vector<uint64_t> resident_weight_bytes(const Schedule& s) {
  std::vector<uint64_t> out(s.processors, 0);
  for (uint32_t p = 0; p < s.processors && p < s.programs.size(); ++p) {
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> w;
    for (OpId o : s.programs[p]) {
      const Op& op = s.op(o);
      if (!op.weight_bytes ||
          (op.kind != TaskKind::F && op.kind != TaskKind::E && op.kind != TaskKind::U))
        continue;
      uint64_t copies = 1;
      if (op.kind != TaskKind::U && op.layer < s.weight_versions.size())
        copies = std::max(1u, s.weight_versions[op.layer]);
      auto& v = w[{op.layer, op.part}];
      v = std::max(v, op.weight_bytes * copies);
    }
    for (const auto& kv : w) out[p] += kv.second;
  }
  return out;
}

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

SramPrediction predict_sram(const Schedule& s, const SimulationResult& r) {
  SramPrediction out;
  out.weights = resident_weight_bytes(s);
  out.in_flight.assign(s.processors, 0);
  const uint32_t N = r.iterations;
  if (r.deadlock || r.op_end.size() != s.ops.size() * size_t(N) ||
      r.send_start.size() != s.deps.size() * size_t(N)) {
    fail("SRAM prediction of schedule '" + s.scheduler + "'",
         "needs a completed simulate() of it", "a schedule that does not deadlock");
  }
  std::vector<std::vector<Event>> ev(s.processors);
  for (uint32_t d = 0; d < s.deps.size(); ++d) {
    const Dep& dep = s.deps[d];
    if (dep.kind == TensorKind::Weights || dep.bytes == 0) continue;
    const bool remote = s.remote(dep);
    const uint32_t q = s.op(dep.dst).proc.value;
    for (uint32_t k = 0; uint64_t(k) + dep.distance < N; ++k) {
      const Cycles from = remote ? r.send_start[size_t(d) * N + k]
                                 : r.op_end[size_t(dep.src.value) * N + k];
      const Cycles to = r.op_end[size_t(dep.dst.value) * N + k + dep.distance];
      if (from == kUnknown || to == kUnknown) continue;
      ev[q].push_back({from, 1, dep.bytes});
      ev[q].push_back({to, 0, dep.bytes});
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
  const SimulationResult r = simulate(s, c, iterations);
  if (r.deadlock) fail("schedule '" + s.scheduler + "'", "deadlocks: " + r.blocked);
  return predict_sram(s, r);
}

std::vector<uint64_t> predicted_sram_peak(const Schedule& s, const CommModel& c) {
  return predict_sram(s, c).peak;
}

}  // namespace spikepipe

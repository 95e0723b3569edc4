// Capacity planning (--memory fit|spill|recompute|auto), applied to every scheduler's schedule by
// make_schedule(): the schedule's predicted SRAM need per processor (predict_sram, the processor
// model's accounting) against sram-bytes.
//  - fit: a schedule that needs more than some processor's SRAM is refused (Error naming the
//    processor, its need and the capacity).
//  - spill: tensors are marked to live in DRAM (Dep::spill_bytes) until every processor fits; the
//    processor writes them when they arrive (posted) and reads them back before the consumer
//    (models/src/processor.cpp), and the planner times the same reads (op_dram_reads) and the
//    DRAM and link traffic (shared_loads), so the predicted period includes them.
//  - recompute: activation checkpointing. For every stash F_l -> D_l on one processor, a re-run
//    of F_l (Op::recompute) goes right before D_l and feeds it; F_l -> re-run keeps only F_l's
//    input (its spikes), so the large membrane/spike stash is held from the re-run to D_l only.
//    gpipe uses its own re-materialisation (--recompute). What still does not fit is spilled.
// Only with o.comm.sram_bytes set (SchedulerOptions::for_platform sets it).
//  - auto: the schedule as planned if it fits, else the faster of spill and recompute by the
//    predicted period.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "schedulers.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"
#include "spikepipe/workloads/analysis.h"

namespace spikepipe {

const char* to_string(MemoryMode m) {
  switch (m) {
    case MemoryMode::Fit: return "fit";
    case MemoryMode::Spill: return "spill";
    case MemoryMode::Recompute: return "recompute";
    case MemoryMode::Auto: return "auto";
  }
  return "?";
}

MemoryMode parse_memory_mode(const std::string& s, const std::string& where) {
  for (MemoryMode m : {MemoryMode::Fit, MemoryMode::Spill, MemoryMode::Recompute, MemoryMode::Auto})
    if (s == to_string(m)) return m;
  fail(where, "unknown memory mode '" + s + "'", "fit, spill, recompute or auto");
}

namespace {

std::vector<uint32_t> over_capacity(const std::vector<uint64_t>& need, uint64_t cap) {
  std::vector<uint32_t> out;
  for (uint32_t p = 0; p < need.size(); ++p)
    if (need[p] > cap) out.push_back(p);
  return out;
}

// Marks deps into the processors that do not fit as spilled, the longest-held bytes first, until
// predict_sram says every processor fits (or everything into it is spilled).
void plan_spill(Schedule& s, const CommModel& c, uint64_t cap) {
  for (int round = 0; round < 12; ++round) {
    const PredictedRun r = predict_run(s, c);
    if (r.deadlock) fail("schedule '" + s.scheduler + "'", "deadlocks: " + r.blocked);
    const SramPrediction m = predict_sram(s, r);
    const auto over = over_capacity(m.peak, cap);
    if (over.empty()) break;
    const uint32_t N = r.iterations;
    const double period = std::max(1.0, r.period);
    // Per processor over capacity: candidate deps with the bytes they hold on average.
    std::map<uint32_t, std::vector<std::pair<double, uint32_t>>> cand;
    for (uint32_t p : over) cand[p];
    for (uint32_t d = 0; d < s.deps.size(); ++d) {
      const Dep& dep = s.deps[d];
      if (!occupies_sram(dep) || dep.spill_bytes >= dep.bytes) continue;
      const uint32_t q = s.op(dep.dst).proc.value;
      auto it = cand.find(q);
      if (it == cand.end()) continue;
      double held = 0;
      uint32_t n = 0;
      for (uint32_t k = N / 4; k < N / 2 && has_consumer(dep, k, N); ++k) {
        const Cycles from = s.remote(dep) ? r.send_start[size_t(d) * N + k]
                                          : r.op_end[size_t(dep.src.value) * N + k];
        const Cycles to = r.op_end[size_t(dep.dst.value) * N + k + dep.distance];
        if (to == ~Cycles(0) || from == ~Cycles(0) || to < from) continue;
        held += double(to - from);
        ++n;
      }
      const double copies = n ? held / n / period : 1.0;
      it->second.push_back({std::max(copies, 1e-3), d});
    }
    bool changed = false;
    for (auto& [p, list] : cand) {
      // The bytes held longest first (held bytes x copies in flight on average).
      auto avg = [&](const std::pair<double, uint32_t>& x) {
        const Dep& dep = s.deps[x.second];
        return double(dep.bytes - dep.spill_bytes) * x.first;
      };
      std::sort(list.begin(), list.end(), [&](auto& a, auto& b) { return avg(a) > avg(b); });
      // Weights that do not fit leave no room for any tensor: spill everything into p.
      const bool all = m.weights[p] >= cap;
      // Spill what the peak exceeds, a little more each round the prediction still does not fit;
      // the last dep only in part (what the processor would spill at run time, planned).
      double excess = double(m.peak[p] - cap) * (1.0 + 0.25 * round) + 4096.0 * round;
      for (const auto& x : list) {
        if (!all && excess <= 0) break;
        Dep& dep = s.deps[x.second];
        const double a = avg(x);
        if (all || a <= excess) {
          dep.spill_bytes = dep.bytes;
        } else {
          const auto more = static_cast<uint64_t>(std::ceil(excess / x.first));
          dep.spill_bytes = std::min(dep.bytes, dep.spill_bytes + std::max<uint64_t>(more, 1));
        }
        excess -= a;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

// Activation checkpointing for every schedule but gpipe's (which has its own).
bool rematerialise(Schedule& s) {
  const size_t n = s.ops.size();
  // Checkpoint of an F op: the bytes of its non-weight inputs (its input spikes).
  std::vector<uint64_t> checkpoint(n, 0);
  for (const Dep& d : s.deps)
    if (d.kind != TensorKind::Weights && d.dst.value < n) checkpoint[d.dst.value] += d.bytes;
  std::map<std::pair<uint32_t, uint32_t>, OpId> rerun;  // (F op, D op) -> re-run
  std::vector<Dep> added;
  for (size_t i = 0; i < s.deps.size(); ++i) {
    Dep& dep = s.deps[i];
    if (dep.kind != TensorKind::Stash || dep.distance != 0) continue;
    const Op& f = s.op(dep.src);
    const Op& d = s.op(dep.dst);
    if (f.kind != TaskKind::F || f.recompute || d.kind != TaskKind::D || f.proc != d.proc ||
        f.layer != d.layer)
      continue;
    // Worth it only when the stash is larger than the checkpoint that replaces it.
    if (dep.bytes <= checkpoint[f.id.value]) continue;
    auto key = std::make_pair(f.id.value, d.id.value);
    auto it = rerun.find(key);
    if (it == rerun.end()) {
      Op r = f;
      r.id = OpId(uint32_t(s.ops.size()));
      r.recompute = true;
      r.offset = d.offset;
      if (f.layer != 0) r.dram_read_bytes = 0;  // layer 1 re-reads its input from DRAM
      r.dram_write_bytes = 0;
      const OpId fid = f.id, did = d.id;
      s.ops.push_back(r);
      it = rerun.emplace(key, r.id).first;
      added.push_back(Dep{fid, r.id, 0, TensorKind::Stash, checkpoint[fid.value], 0});
      auto& prog = s.programs[s.op(did).proc.value];
      prog.insert(std::find(prog.begin(), prog.end(), did), r.id);
    }
    s.deps[i].src = it->second;
  }
  s.deps.insert(s.deps.end(), added.begin(), added.end());
  return !rerun.empty();
}

std::string describe_need(const Schedule& s, const std::vector<uint64_t>& need, uint64_t cap) {
  std::string msg;
  for (uint32_t p : over_capacity(need, cap)) {
    if (!msg.empty()) msg += "; ";
    msg += "processor " + std::to_string(p) + " needs " + std::to_string(need[p]) + " bytes";
  }
  return "schedule '" + s.scheduler + "' does not fit in sram-bytes = " + std::to_string(cap) +
         ": " + msg;
}

}  // namespace

Schedule plan_memory(Schedule s, const TaskGraph& g, const SchedulerOptions& o,
                     Schedule (*rebuild_recompute)(const TaskGraph&, const SchedulerOptions&)) {
  return sched::plan_memory(std::move(s), g, o, rebuild_recompute, false);
}

Schedule sched::plan_memory(Schedule s, const TaskGraph& g, const SchedulerOptions& o,
                            Schedule (*rebuild_recompute)(const TaskGraph&, const SchedulerOptions&),
                            bool finalized) {
  const CommModel& c = o.comm;
  // The capacity the machine has (CommModel::of fills it from sram-bytes); a hand-made model
  // without it (0) plans nothing, as before capacity planning.
  const uint64_t cap = c.sram_bytes;
  if (!cap) return s;
  // finalize_schedule is a function of (s, c): a schedule its scheduler has just finalized with
  // memory on o.comm would come out the same (at P = 1024 this is half of sequential's time).
  if (!finalized) finalize_schedule(s, c, true);
  const bool fits = over_capacity(s.sram_peak, cap).empty();
  auto tag = [](Schedule& x, const char* how) {
    x.note += std::string(x.note.empty() ? "" : "; ") + "memory: " + how;
  };
  if (fits) {
    replay_prediction(s, c);
    return s;
  }
  if (o.memory == MemoryMode::Fit)
    fail("--memory fit", describe_need(s, s.sram_peak, cap),
         "--memory spill, recompute or auto; a larger --sram-bytes; or more processors");
  auto spill = [&](Schedule x) {
    plan_spill(x, c, cap);
    finalize_schedule(x, c, true);
    return x;
  };
  auto recompute = [&]() {
    Schedule x;
    if (rebuild_recompute) {
      SchedulerOptions ro = o;
      ro.recompute = true;
      x = rebuild_recompute(g, ro);
    } else {
      x = s;
      for (Dep& d : x.deps) d.spill_bytes = 0;
      rematerialise(x);
    }
    finalize_schedule(x, c, true);
    if (!over_capacity(x.sram_peak, cap).empty()) {
      x = spill(std::move(x));
      tag(x, "recompute, the rest spilled");
    } else {
      tag(x, "recompute");
    }
    return x;
  };
  // What is returned or compared is timed on the machine (replay_prediction), once each.
  if (o.memory == MemoryMode::Spill) {
    Schedule x = spill(s);
    tag(x, "spill");
    replay_prediction(x, c);
    return x;
  }
  if (o.memory == MemoryMode::Recompute) {
    Schedule x = recompute();
    replay_prediction(x, c);
    return x;
  }
  Schedule a = spill(s);
  tag(a, "spill (auto)");
  replay_prediction(a, c);
  if (!rebuild_recompute) {
    // Nothing to re-materialise: the recompute variant would be s again, spilled the same way,
    // and a tie keeps the spill variant, so it cannot win.
    Schedule x = s;
    if (!rematerialise(x)) return a;
  }
  Schedule b = recompute();
  b.note += " (auto)";
  replay_prediction(b, c);
  return b.predicted_period < a.predicted_period ? b : a;
}

}  // namespace spikepipe

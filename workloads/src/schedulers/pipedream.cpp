// `pipedream`: PipeDream's planner (Narayanan et al., SOSP 2019) on this machine.
//
// The layers are cut into contiguous stages and stage s is replicated over r_s processors (data
// parallelism inside a stage): its F, D, E and G are cut by samples into r_s parts (builder.h
// Layout::Samples, the --split machinery's "by samples" layout; replica i runs part i of each),
// and its weight gradients are all-reduced over the NoC as explicit ops and deps, so that the
// list simulation and the SystemC run both time it: U_l is cut into r_s element ranges, one per
// replica, every G_l part sends each U_l part its partial gradient of that range (reduce-scatter;
// U_l's part sums the r_s partials, charged by the cost model), and every U_l part sends its
// updated range to each replica's F_l (all-gather; E_l reads F_l's copy, local_weights_for_e).
// Each replica sends (r - 1)/r of the layer's gradients and of its weights: a ring all-reduce's
// 2 (r - 1)/r of the bytes, as direct messages. Samples flow between stages of different
// replication by range (a sample slice goes where its next stage's slice is). With every
// r_s = 1 this is standard pipelining (standard.cpp).
//
// The plan: PipeDream's dynamic programme over (layers, processors). best(i, m, n) = the smallest
// possible slowest-stage time for layers [i, L) as n stages on at most m processors, choosing the
// first stage [i, j) and its replication r:
//     best(i, m, n) = min over j, r of max(T(i, j, r), best(j, m - r, n - 1))
// with T = the largest replica's compute (the cost model's part costs, F1's DRAM read) + the
// all-reduce injection + the injection of the stage's share of the messages that leave it.
// "At most m": a plan may leave processors idle when using them would be slower. Memory is a
// constraint: a stage's replica needs its layers' weights x (n stages after it + 1) versions
// (weight stashing; 1F1B's delays are the stages after) plus the stashed activations of its
// share of the samples x the same number of iterations in flight, and this must fit in
// sram-bytes. If no plan fits, the plan spills in any case (as any scheduler's schedule may): it
// is then chosen for time alone, which keeps "more processors never hurt" (choosing the smallest
// need instead would tighten the limit as P grows and could slow the plan down), and the note
// gives the smallest need the programme found. The DP's estimates rank the plans; the best
// plans for every processor budget are built and the one with the shortest predicted period
// wins (each one's 1F1B steady state comes from modulo scheduling, as in standard.cpp), among
// those whose predicted SRAM need (with the delays they actually got) fits when any does. The
// candidates are the budgets m <= P whose estimate improves on every smaller budget's, so P + 1
// processors never give a longer period than P.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "../analysis_internal.h"
#include "builder.h"
#include "schedulers.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"
#include "spikepipe/workloads/analysis.h"

namespace spikepipe::sched {
namespace {

struct Stage {
  uint32_t first = 0, end = 0, replicas = 1;  // layers [first, end)
  bool operator==(const Stage& o) const {
    return first == o.first && end == o.end && replicas == o.replicas;
  }
};
using Plan = std::vector<Stage>;

constexpr Cycles kInf = std::numeric_limits<Cycles>::max();

Layout layout_of(TaskKind k) { return k == TaskKind::U ? Layout::Cols : Layout::Samples; }

// The replication counts the programme tries: every r up to 64, then a geometric grid (each
// about 1/16 above the previous) up to the budget, which keeps the programme's work linear in P
// (L^3 x P x ~110 steps at P = 1024) instead of quadratic. Up to 64 processors (every figure of
// docs/RESULTS.md) it is PipeDream's exhaustive search.
std::vector<uint32_t> replications(uint32_t budget) {
  std::vector<uint32_t> rs;
  for (uint32_t r = 1; r <= budget; r = r < 64 ? r + 1 : r + std::max(1u, r / 16)) rs.push_back(r);
  if (rs.back() != budget) rs.push_back(budget);
  return rs;
}

class Planner {
 public:
  Planner(const TaskGraph& g, const SchedulerOptions& o) : g_(g), c_(o.comm) {
    for (const Edge& e : g.edges) {
      const Task& s = g.task(e.src);
      if (e.kind == TensorKind::Gradients) grad_[s.layer] += e.bytes;
    }
  }

  // The largest part of task t cut r ways (the schedule's costing).
  Cycles part(TaskId t, uint32_t r) {
    auto key = std::make_pair(t.value, r);
    if (auto it = part_.find(key); it != part_.end()) return it->second;
    const Task& task = g_.task(t);
    const uint32_t k = std::min(r, max_parts(task, layout_of(task.kind)));
    Cycles v = task.cycles();
    if (k > 1) {
      Builder b(g_, "pipedream", k);
      std::vector<ProcessorId> procs;
      for (uint32_t i = 0; i < k; ++i) procs.push_back(ProcessorId(i));
      if (task.kind == TaskKind::U && g_.has(TaskKind::G, task.layer)) {  // U sums G's partials
        const Task& gt = g_.task(g_.find(TaskKind::G, task.layer));
        std::vector<ProcessorId> gp(procs.begin(),
                                    procs.begin() + std::min(k, max_parts(gt, Layout::Samples)));
        b.add(gt.id, gp, 0, 1, Layout::Samples);
      }
      v = 0;
      for (OpId id : b.add(t, procs, 0, 1, layout_of(task.kind)))
        v = std::max(v, b.schedule().op(id).cycles());
    }
    part_.emplace(key, v);
    return v;
  }

  // Stage [i, j) replicated r ways: one replica's time per iteration.
  Cycles time(uint32_t i, uint32_t j, uint32_t r) {
    const size_t key = cache_index(i, j, r);
    if (time_[key] != kInf) return time_[key];
    Cycles t = 0;
    for (const Task& task : g_.tasks)
      if (task.layer >= i && task.layer < j) t += part(task.id, r);
    if (i == 0) t += c_.dram((g_.input_bytes + r - 1) / r);
    for (const Edge& e : g_.edges) {
      const uint32_t a = g_.task(e.src).layer, b = g_.task(e.dst).layer;
      if (a >= i && a < j && (b < i || b >= j)) t += c_.inject((e.bytes + r - 1) / r);
    }
    if (r > 1)
      for (uint32_t l = i; l < j; ++l) {
        const uint64_t w = g_.weight_bytes[l], gr = grad_.count(l) ? grad_[l] : w;
        t += (r - 1) * (c_.inject((gr + r - 1) / r) + c_.inject((w + r - 1) / r));
      }
    time_[key] = t;
    return t;
  }

  // One replica's SRAM need with `after` stages after the stage.
  uint64_t need(uint32_t i, uint32_t j, uint32_t r, uint32_t after) {
    const size_t key = cache_index(i, j, r);
    if (need_[key] != kInf) return need_[key] * (uint64_t(after) + 1);
    uint64_t weights = 0, held = 0;
    for (uint32_t l = i; l < j; ++l) weights += g_.weight_bytes[l];
    for (const Edge& e : g_.edges) {
      if (e.kind != TensorKind::Stash) continue;
      const uint32_t b = g_.task(e.dst).layer;
      if (b >= i && b < j) held += (e.bytes + r - 1) / r;
    }
    need_[key] = weights + held;
    return (weights + held) * (uint64_t(after) + 1);
  }

  // Fills the table for at most `budget` processors, every stage needing at most `limit`; with
  // `by_need`, minimising the largest need instead of the slowest stage.
  void solve(uint32_t budget, uint64_t limit, bool by_need) {
    const uint32_t L = g_.layers;
    budget_ = budget;
    if (time_.size() != size_t(L) * (L + 1) * (budget + 1)) {
      time_.assign(size_t(L) * (L + 1) * (budget + 1), kInf);
      need_.assign(time_.size(), kInf);
    }
    const std::vector<uint32_t> rs = replications(budget);
    best_.assign(size_t(L + 1) * (budget + 1) * (L + 1), kInf);
    choice_.assign(best_.size(), Stage{});
    for (uint32_t m = 0; m <= budget; ++m) best_[idx(L, m, 0)] = 0;
    for (uint32_t i = L; i-- > 0;)
      for (uint32_t n = 1; n <= L - i; ++n)
        for (uint32_t m = n; m <= budget; ++m) {
          Cycles& b = best_[idx(i, m, n)];
          for (uint32_t j = i + 1; j + (n - 1) <= L; ++j)
            for (uint32_t r : rs) {
              if (r + (n - 1) > m) break;
              const Cycles rest = best_[idx(j, m - r, n - 1)];
              if (rest == kInf) continue;
              const uint64_t nd = need(i, j, r, n - 1);
              if (!by_need && nd > limit) continue;
              const Cycles v = std::max(rest, by_need ? Cycles(nd) : time(i, j, r));
              if (v < b) {
                b = v;
                choice_[idx(i, m, n)] = Stage{i, j, r};
              }
            }
        }
  }

  // The estimated slowest-stage time of the best plan on at most m <= budget processors.
  Cycles estimate(uint32_t m) const {
    Cycles top = kInf;
    for (uint32_t n = 1; n <= g_.layers; ++n) top = std::min(top, best_[idx(0, m, n)]);
    return top;
  }

  // The best plan of the table on at most m <= budget processors; empty if none.
  Plan plan(uint32_t m) const {
    const uint32_t L = g_.layers;
    Cycles top = kInf;
    uint32_t stages = 0;
    for (uint32_t n = 1; n <= L; ++n)
      if (best_[idx(0, m, n)] < top) {
        top = best_[idx(0, m, n)];
        stages = n;
      }
    Plan p;
    if (top == kInf) return p;
    for (uint32_t i = 0, n = stages; n > 0; --n) {
      const Stage st = choice_[idx(i, m, n)];
      p.push_back(st);
      i = st.end;
      m -= st.replicas;
    }
    return p;
  }

  uint64_t plan_need(const Plan& p) {
    uint64_t n = 0;
    for (size_t s = 0; s < p.size(); ++s)
      n = std::max(n, need(p[s].first, p[s].end, p[s].replicas, uint32_t(p.size() - 1 - s)));
    return n;
  }

 private:
  const TaskGraph& g_;
  CommModel c_;
  std::map<uint32_t, uint64_t> grad_;
  std::map<std::pair<uint32_t, uint32_t>, Cycles> part_;
  // Per (first layer i, end j, replicas r), kInf until computed: flat, because the programme
  // looks them up L^3 x P x |replications| times.
  std::vector<Cycles> time_;
  std::vector<uint64_t> need_;
  size_t cache_index(uint32_t i, uint32_t j, uint32_t r) const {
    return (size_t(i) * (g_.layers + 1) + j) * (budget_ + 1) + r;
  }
  uint32_t budget_ = 0;
  std::vector<Cycles> best_;  // best[i][m][n], flattened (idx)
  std::vector<Stage> choice_;
  size_t idx(uint32_t i, uint32_t m, uint32_t n) const {
    return (size_t(i) * (budget_ + 1) + m) * (g_.layers + 1) + n;
  }
};

std::string describe(const Plan& p) {
  std::string out;
  for (const Stage& s : p) {
    out += out.empty() ? "" : " | ";
    out += "L" + std::to_string(s.first + 1);
    if (s.end - s.first > 1) out += "-" + std::to_string(s.end);
    if (s.replicas > 1) out += " x" + std::to_string(s.replicas);
  }
  return out;
}

Schedule build(const TaskGraph& g, const SchedulerOptions& o, const Plan& plan) {
  Builder b(g, "pipedream", o.processors);
  const uint32_t S = uint32_t(plan.size());
  // Per stage: the blocks of each replica processor (forward, backward, update).
  std::vector<std::map<uint32_t, Block>> fwd(S), bwd(S), upd(S);
  uint32_t base = 0;
  for (uint32_t s = 0; s < S; ++s) {
    const Stage& st = plan[s];
    auto place = [&](TaskKind k, uint32_t l, std::vector<std::map<uint32_t, Block>>& into) {
      if (!g.has(k, l)) return;
      const Task& t = g.task(g.find(k, l));
      const uint32_t parts = std::min(st.replicas, max_parts(t, layout_of(k)));
      std::vector<ProcessorId> procs;
      for (uint32_t i = 0; i < parts; ++i) procs.push_back(ProcessorId(base + i));
      for (OpId id : b.add(t.id, procs, 0, 1, layout_of(k)))
        into[s][b.schedule().op(id).proc.value].ops.push_back(id);
    };
    for (uint32_t l = st.first; l < st.end; ++l) place(TaskKind::F, l, fwd);
    for (uint32_t l = st.end; l-- > st.first;) {
      for (TaskKind k : {TaskKind::D, TaskKind::E, TaskKind::G}) place(k, l, bwd);
      // Unreplicated, the update runs inside the backward block (standard pipelining); replicated,
      // it waits for every replica's partial gradients, so it is a block of its own.
      place(TaskKind::U, l, st.replicas > 1 ? upd : bwd);
    }
    base += st.replicas;
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  local_weights_for_e(s);
  std::vector<Block> blocks;
  for (uint32_t st = 0; st < S; ++st)
    for (auto& [p, bl] : fwd[st]) blocks.push_back(bl);
  for (uint32_t st = S; st-- > 0;) {
    for (auto& [p, bl] : bwd[st]) blocks.push_back(bl);
    for (auto& [p, bl] : upd[st]) blocks.push_back(bl);
  }
  modulo_schedule(s, blocks, o.comm, g.layers);
  return s;  // not finalized: pipedream() finalizes the candidates that can still win
}

}  // namespace

Schedule pipedream(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  Planner pl(g, o);
  const uint32_t P = o.processors;
  std::string memory;
  pl.solve(P, o.sram_bytes, false);
  if (pl.plan(P).empty()) {
    // Nothing fits: the plan will spill whatever it does, as every other scheduler's may. Plan
    // for time alone (so that more processors still never hurt) and say how far over it is.
    pl.solve(P, 0, true);
    const uint64_t least = pl.plan_need(pl.plan(P));
    pl.solve(P, std::numeric_limits<uint64_t>::max(), false);
    memory = "; no plan fits sram-bytes = " + std::to_string(o.sram_bytes) +
             " per processor (the smallest need is " + std::to_string(least) +
             " bytes, estimated), so the plan ignores the SRAM size and spills";
  }
  // The best plan of every processor budget m <= P whose estimate beats every smaller budget's
  // (the estimates rank plans, the built schedules decide). The candidates for P + 1 include
  // those for P, so a larger machine never gets a longer period.
  std::vector<Plan> plans;
  Cycles best_estimate = kInf;
  for (uint32_t m = 1; m <= P; ++m) {
    const Cycles e = pl.estimate(m);
    if (e >= best_estimate) continue;
    plans.push_back(pl.plan(m));
    best_estimate = e;
  }
  if (plans.empty()) fail("pipedream", "no plan found");
  // No period is below the largest processor load, nor (above 64 processors, where it is worth
  // its cost) below the link, DRAM channel and NoC interface loads (finalize_schedule): the exact
  // steady state (the costly part) is computed in the order of that bound, and only while the
  // bound could still beat the best period so far. At 1024 processors the plans with the least
  // processor load are the DRAM-bound ones, so ordering by the load alone evaluated them first.
  std::vector<std::pair<Cycles, size_t>> order;
  std::vector<Schedule> built;
  for (size_t i = 0; i < plans.size(); ++i) {
    built.push_back(build(g, o, plans[i]));
    const Schedule& s = built.back();
    const std::vector<Cycles> loads = processor_loads(s, o.comm);
    Cycles bound = *std::max_element(loads.begin(), loads.end());
    if (o.processors > 64) {
      const SharedLoads sh = shared_loads(s, o.comm);
      std::vector<Cycles> interface(s.processors, 0);
      for (const Dep& d : s.deps)
        if (s.remote(d) && !sent_by_processor(d))
          interface[s.op(d.src).proc.value] += o.comm.inject(d.bytes);
      bound = std::max({bound, sh.link_max(), sh.dram_channel,
                        *std::max_element(interface.begin(), interface.end())});
    }
    order.push_back({bound, i});
  }
  std::sort(order.begin(), order.end());
  // When the estimates found plans that fit, a candidate is kept only if its predicted SRAM
  // need (analysis.h predict_sram, with the delays modulo scheduling actually gave it) fits too;
  // if none does, the fastest candidate is used and the note says so.
  const bool fit = memory.empty();
  std::optional<Schedule> best, fallback;
  std::vector<uint64_t> best_peak, fallback_peak;
  Plan chosen, fallback_plan;
  auto faster = [](const Schedule& a, const std::optional<Schedule>& b) {
    return !b || a.predicted_period < b->predicted_period ||
           (a.predicted_period == b->predicted_period && a.predicted_latency < b->predicted_latency);
  };
  for (const auto& [bound, i] : order) {
    // A bound equal to the best period may still tie it with a shorter latency (faster()).
    if (best && bound > best->predicted_period) break;
    Schedule& s = built[i];
    PredictedRun alone;
    std::vector<Cycles> waits = dram_waits_keep_run(s, o.comm, &alone);
    if (best && o.processors > 64) {
      // And so does the largest load with those DRAM waits.
      CommModel c = o.comm;
      c.op_wait = waits;
      const std::vector<Cycles> l = processor_loads(s, c);
      if (*std::max_element(l.begin(), l.end()) > best->predicted_period) continue;
    }
    finalize_with_waits(s, o.comm, /*memory=*/false, std::move(waits), std::move(alone));
    if (!faster(s, best)) continue;
    std::vector<uint64_t> peak;  // only where it decides; else for the chosen one below
    if (fit) peak = predicted_sram_peak(s, o.comm);
    const bool fits = std::all_of(peak.begin(), peak.end(),
                                  [&](uint64_t b) { return b <= o.sram_bytes; });
    if (!fits) {
      if (faster(s, fallback)) {
        fallback = s;
        fallback_peak = std::move(peak);
        fallback_plan = plans[i];
      }
      continue;
    }
    best = std::move(s);
    best_peak = std::move(peak);
    chosen = plans[i];
  }
  if (!best) {
    best = std::move(fallback);
    best_peak = std::move(fallback_peak);
    chosen = fallback_plan;
    memory = "; no candidate's predicted SRAM need fits sram-bytes = " +
             std::to_string(o.sram_bytes) + " per processor, so the fastest is used and spills";
  }
  Schedule s = std::move(*best);
  uint32_t used = 0;
  for (const Stage& st : chosen) used += st.replicas;
  s.note = "stages " + describe(chosen) + " (x r: replicated r ways, gradients all-reduced)";
  if (used < P) s.note += "; " + std::to_string(used) + " of " + std::to_string(P) +
                          " processors used (more would be slower or not fit)";
  s.note += memory;
  s.sram_peak = best_peak.empty() ? predicted_sram_peak(s, o.comm) : std::move(best_peak);
  return s;
}

}  // namespace spikepipe::sched

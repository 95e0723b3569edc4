// Iteration bound T-inf (METHOD.md §4) and each schedule's own bound; the lower bound of
// METHOD.md §5, the same for every schedule, is in schedulers/bound.cpp.
// T-inf is a maximum cycle ratio. It is computed on the task-level quotient of the op graph: all
// parts / micro-batches of a task become one node weighted with the shortest of them, and an edge
// between two tasks carries the cheapest of its deps' communication. Every quotient cycle, lifted
// to the op graph and repeated until it closes (finitely many parts), gives an op cycle at least
// as heavy with the same distances, so the quotient's ratio never exceeds the op graph's: a valid
// lower bound, and exact when no task is split. The quotient has at most 5 x layers nodes, so
// Lawler's parametric search (bisection + Bellman-Ford) is instant even for P = 64.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "analysis_internal.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/error.h"

namespace spikepipe {
namespace {

struct QEdge {
  uint32_t a, b;
  Cycles w;  // time of a + communication a -> b
  uint32_t dist;
};

// Longest-path Bellman-Ford on weights w - lambda * dist. Returns a node on a positive cycle
// (with parents to walk it) or -1.
int positive_cycle(uint32_t n, const std::vector<QEdge>& e, double lambda, std::vector<int>& parent) {
  std::vector<double> h(n, 0.0);
  parent.assign(n, -1);
  int last = -1;
  for (uint32_t pass = 0; pass <= n; ++pass) {
    last = -1;
    for (uint32_t i = 0; i < e.size(); ++i) {
      const double v = h[e[i].a] + double(e[i].w) - lambda * double(e[i].dist);
      if (v > h[e[i].b] + 1e-9 * (1.0 + std::fabs(v))) {
        h[e[i].b] = v;
        parent[e[i].b] = int(i);
        last = int(e[i].b);
      }
    }
    if (last < 0) return -1;
  }
  return last;
}

}  // namespace

double iteration_bound(const Schedule& s, const CommModel& c) {
  std::map<uint32_t, uint32_t> node;  // task id -> quotient node
  std::vector<Cycles> w;
  for (const Op& op : s.ops) {
    auto it = node.find(op.task.value);
    const Cycles d = op_duration(op, c);
    if (it == node.end()) {
      node.emplace(op.task.value, uint32_t(w.size()));
      w.push_back(d);
    } else {
      w[it->second] = std::min(w[it->second], d);
    }
  }
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, Cycles> comm;
  for (const Dep& d : s.deps) {
    const uint32_t a = node[s.op(d.src).task.value], b = node[s.op(d.dst).task.value];
    if (a == b && d.distance == 0) continue;
    const Cycles cc = s.remote(d) ? c.inject(d.bytes) + c.flight() : 0;
    auto key = std::make_tuple(a, b, d.distance);
    auto it = comm.find(key);
    if (it == comm.end()) comm.emplace(key, cc);
    else it->second = std::min(it->second, cc);
  }
  std::vector<QEdge> e;
  double hi = 1.0;
  for (const auto& [key, cc] : comm) {
    const auto [a, b, dist] = key;
    e.push_back({a, b, w[a] + cc, dist});
    hi += double(w[a] + cc);
  }
  const uint32_t n = uint32_t(w.size());
  std::vector<int> parent;
  // A cycle of distance 0 would wait on itself forever; with lambda huge only those stay positive.
  {
    std::vector<QEdge> zero;
    for (const QEdge& q : e)
      if (q.dist == 0) zero.push_back({q.a, q.b, 1, 0});
    if (positive_cycle(n, zero, 0.0, parent) >= 0)
      fail("schedule '" + s.scheduler + "'", "a dependency cycle with distance 0 (deadlock)");
  }
  if (positive_cycle(n, e, 0.0, parent) < 0) return 0.0;  // no cycle with any weight
  double lo = 0.0;
  while (hi - lo > 1e-7 * hi + 1e-9) {
    const double mid = 0.5 * (lo + hi);
    if (positive_cycle(n, e, mid, parent) >= 0) lo = mid;
    else hi = mid;
  }
  // The cycle that is still positive just below the optimum is a critical one: its exact ratio.
  int v = positive_cycle(n, e, lo, parent);
  if (v < 0) return lo;
  for (uint32_t i = 0; i < n; ++i) {
    if (parent[size_t(v)] < 0) return lo;
    v = int(e[size_t(parent[size_t(v)])].a);
  }
  uint64_t num = 0, den = 0;
  int u = v;
  uint32_t steps = 0;
  do {
    if (parent[size_t(u)] < 0 || ++steps > n) return lo;
    const QEdge& q = e[size_t(parent[size_t(u)])];
    num += q.w;
    den += q.dist;
    u = int(q.a);
  } while (u != v);
  return den ? std::max(lo, double(num) / double(den)) : lo;
}

Cycles schedule_bound(const Schedule& s, const CommModel& c) {
  Cycles total = 0, largest = 0;
  const std::vector<Cycles> dur = op_durations(s, c);
  for (const Op& op : s.ops) {
    const Cycles d = dur[op.id.value];
    total += d;
    largest = std::max(largest, d);
  }
  const double work = s.processors ? double(total) / double(s.processors) : double(total);
  const double bound = std::max({work, double(largest), iteration_bound(s, c)});
  return static_cast<Cycles>(std::ceil(bound - 1e-6));
}

void finalize_schedule(Schedule& s, const CommModel& c_alone, bool memory) {
  PredictedRun alone;  // dram_waits' list simulation without waits, when it ran one
  std::vector<Cycles> waits = dram_waits_keep_run(s, c_alone, &alone);
  finalize_with_waits(s, c_alone, memory, std::move(waits), std::move(alone));
}

void finalize_with_waits(Schedule& s, const CommModel& c_alone, bool memory,
                         std::vector<Cycles> waits, PredictedRun alone) {
  // Everything below is timed with the DRAM waits of this schedule (dram_waits).
  CommModel c = c_alone;
  c.op_wait = std::move(waits);
  s.loads = processor_loads(s, c);
  s.bytes_by_kind.fill(0);
  for (const Dep& d : s.deps)
    if (s.remote(d)) s.bytes_by_kind[size_t(d.kind)] += d.bytes;
  for (const Op& op : s.ops) s.bytes_by_kind[size_t(TensorKind::Input)] += op.dram_read_bytes;
  s.weight_versions.resize(s.delays.size());
  for (size_t l = 0; l < s.delays.size(); ++l) s.weight_versions[l] = s.delays[l] + 1;
  s.schedule_bound = schedule_bound(s, c);
  // With every wait 0 the durations are those without waits, so that run is this one.
  const bool no_wait = std::all_of(c.op_wait.begin(), c.op_wait.end(), [](Cycles w) { return w == 0; });
  const PredictedRun r = no_wait && !alone.op_end.empty() ? std::move(alone) : predict_run(s, c);
  if (r.deadlock) fail("schedule '" + s.scheduler + "'", "deadlocks: " + r.blocked);
  // Every processor works through its whole load each round, so no period is below the
  // largest load; the max guards the exact period against rounding in its floating point. The
  // list simulation does not share links or DRAM channels: their per-iteration loads bound the
  // period too (shared_loads). A NoC interface injects its collective messages one after the
  // other (they share its first link), so none can be busier per period than the period either.
  const SharedLoads sh = shared_loads(s, c);
  std::vector<Cycles> interface(s.processors, 0);
  for (const Dep& d : s.deps)
    if (s.remote(d) && !sent_by_processor(d)) interface[s.op(d.src).proc.value] += c.inject(d.bytes);
  s.predicted_period = std::max({static_cast<Cycles>(std::ceil(steady_period(s, c) - 1e-6)),
                                 *std::max_element(s.loads.begin(), s.loads.end()),
                                 *std::max_element(interface.begin(), interface.end()),
                                 sh.link_max(), sh.dram_channel});
  s.predicted_latency = static_cast<Cycles>(std::llround(r.latency));
  if (memory) s.sram_peak = predict_sram(s, r).peak;
}

void replay_prediction(Schedule& s, const CommModel& c) {
  if (!c.replayable) return;
  // A budget of op and dep instances: the replay is the simulation, and sequential or
  // data-parallel at P >= 256 (60,000+ ops x 13 iterations, every link's calendar long) would
  // take seconds per candidate; those keep the terms.
  const uint64_t iterations = 5ull * drain_iterations(s) + 9;
  if ((s.ops.size() + s.deps.size()) * iterations > kReplayBudget) return;
  CommModel alone = c;
  alone.op_wait.clear();
  const MachineReplay m = replay_machine(s, alone);
  if (!m.ok) return;
  s.predicted_period = static_cast<Cycles>(std::ceil(m.period - 1e-6));
  s.predicted_latency = static_cast<Cycles>(std::llround(m.latency));
}

}  // namespace spikepipe

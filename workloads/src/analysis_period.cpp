// The exact steady-state period of a schedule's self-timed execution.
//
// In round r every op's start is the max of (its processor's previous op start + that op's time
// and sends) and (each producer's start in an earlier or the same round + its time + message
// time): a max-plus linear recursion over rounds. Its growth per round, i.e. the period, is the
// maximum cycle ratio of the graph with those edges, the ratio being (sum of times) / (sum of
// round distances). A finite list simulation can sit in a transient for many iterations when
// two processors' loads are close, so the period is computed here instead, with Howard's policy
// iteration (Cochet-Terrasson et al., 1998): near-linear per step and a handful of steps, so it
// also handles the 10^5 deps of `sequential` on 64 processors.
#include <algorithm>
#include <cmath>
#include <limits>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {
namespace {

struct HEdge {
  uint32_t to;
  int64_t w;  // cycles from the start of `from` to the earliest start of `to`
  int64_t t;  // round distance
};

}  // namespace

double steady_period(const Schedule& s, const CommModel& c) {
  const uint32_t n_ops = uint32_t(s.ops.size());
  if (n_ops == 0) return 0.0;
  // One node per op, then one per collective (docs/EXECUTION.md §7): its srcs' ends -> it
  // (instance k counted in the round of its latest src) -> its members' dsts.
  const uint32_t n = n_ops + uint32_t(s.collectives.size());
  const std::string where = "schedule '" + s.scheduler + "'";
  std::vector<std::vector<HEdge>> out(n);
  std::vector<int64_t> dur(n, 0), sends(n, 0);
  {
    const std::vector<Cycles> d = op_durations(s, c);
    for (const Op& op : s.ops) dur[op.id.value] = int64_t(d[op.id.value]);
  }
  std::vector<int64_t> send_end(s.deps.size(), 0);
  std::vector<int64_t> group_offset(s.collectives.size(), 0);
  std::vector<char> has_members(s.collectives.size(), 0);
  for (const Dep& d : s.deps)
    if (d.in_collective()) has_members[size_t(d.collective)] = 1;
  for (size_t g = 0; g < s.collectives.size(); ++g) {
    if (!has_members[g]) {  // nothing waits for it: a node without edges, always its own tree
      out[n_ops + g].push_back({uint32_t(n_ops + g), 0, 1});
      continue;
    }
    for (OpId o : s.collectives[g].srcs)
      group_offset[g] = std::max<int64_t>(group_offset[g], s.op(o).offset);
    for (OpId o : s.collectives[g].srcs)
      out[o.value].push_back({uint32_t(n_ops + g), dur[o.value], group_offset[g] - s.op(o).offset});
  }
  for (size_t d = 0; d < s.deps.size(); ++d)
    if (s.remote(s.deps[d]) && sent_by_processor(s.deps[d])) {
      sends[s.deps[d].src.value] += int64_t(c.inject(s.deps[d].bytes));
      send_end[d] = sends[s.deps[d].src.value];
    }
  for (size_t d = 0; d < s.deps.size(); ++d) {
    const Dep& dep = s.deps[d];
    const Op& a = s.op(dep.src);
    const Op& b = s.op(dep.dst);
    if (dep.in_collective()) {
      const size_t g = size_t(dep.collective);
      const int64_t t = int64_t(dep.distance) + b.offset - group_offset[g];
      if (t < 0)
        fail(where, "op " + b.label() + " needs a collective of " + a.label() +
                        " of a later round (deadlock)");
      const int64_t w = s.remote(dep) ? int64_t(c.inject(dep.bytes) + c.flight(a.proc, b.proc)) : 0;
      out[n_ops + g].push_back({b.id.value, w, t});
      continue;
    }
    const int64_t t = int64_t(dep.distance) + b.offset - a.offset;
    if (t < 0) fail(where, "op " + b.label() + " needs " + a.label() + " of a later round (deadlock)");
    const int64_t w =
        dur[a.id.value] + (s.remote(dep) ? send_end[d] + int64_t(c.flight(a.proc, b.proc)) : 0);
    out[a.id.value].push_back({b.id.value, w, t});
  }
  for (const auto& prog : s.programs)
    for (size_t i = 0; i < prog.size(); ++i) {
      const uint32_t u = prog[i].value, v = prog[(i + 1) % prog.size()].value;
      out[u].push_back({v, dur[u] + sends[u], i + 1 == prog.size() ? 1 : 0});
    }

  // Howard's policy iteration for the maximum cycle ratio.
  std::vector<uint32_t> pol(n, 0);
  for (uint32_t v = 0; v < n; ++v)
    for (uint32_t e = 1; e < out[v].size(); ++e)
      if (out[v][e].w > out[v][pol[v]].w) pol[v] = e;
  std::vector<long double> eta(n), x(n);  // long double: values reach 1e10 cycles
  std::vector<int> state(n);
  std::vector<uint32_t> path;
  std::vector<std::vector<uint32_t>> rev(n);
  long double best = 0.0;
  // Each step is a function of the policy alone (value determination, then improvement), so
  // once a policy comes back the steps repeat with its period: floating-point ties can make the
  // value improvement cycle for ever (seen with --split at P = 1024), which used to run all
  // 10000 steps. The answer is then what the 10000th step would have given, known from the
  // cycle: the largest ratio of the policy at that step.
  constexpr int kSteps = 10000;
  std::vector<uint64_t> seen;        // hash of the policy of each step
  std::vector<long double> ratio;    // the largest ratio after each step's value determination
  auto hash_policy = [&]() {
    uint64_t h = 1469598103934665603ull;
    for (uint32_t p : pol) h = (h ^ p) * 1099511628211ull;
    return h;
  };
  bool cycled = false;
  for (int iter = 0; iter < kSteps; ++iter) {
    // Value determination on the policy graph (one out-edge per node).
    std::fill(state.begin(), state.end(), 0);  // 0 new, 1 on the current walk, 2 done
    for (auto& r : rev) r.clear();
    for (uint32_t v = 0; v < n; ++v) rev[out[v][pol[v]].to].push_back(v);
    std::vector<uint32_t> done_order;
    for (uint32_t v0 = 0; v0 < n; ++v0) {
      if (state[v0]) continue;
      path.clear();
      uint32_t v = v0;
      while (state[v] == 0) {
        state[v] = 1;
        path.push_back(v);
        v = out[v][pol[v]].to;
      }
      if (state[v] == 1) {  // a new cycle starting at v
        int64_t W = 0, T = 0;
        uint32_t u = v;
        std::vector<uint32_t> cyc;
        do {
          cyc.push_back(u);
          W += out[u][pol[u]].w;
          T += out[u][pol[u]].t;
          u = out[u][pol[u]].to;
        } while (u != v);
        if (T == 0) fail(where, "a cycle of ops within one round waits on itself (deadlock) at " +
                                    (v < n_ops ? s.op(OpId(v)).label() : "a collective"));
        const long double r = (long double)W / (long double)T;
        x[v] = 0;
        eta[v] = r;
        for (size_t i = cyc.size(); i-- > 1;) {
          const HEdge& e = out[cyc[i]][pol[cyc[i]]];
          eta[cyc[i]] = r;
          x[cyc[i]] = (long double)e.w - r * (long double)e.t + x[e.to];
        }
        // Everything that leads into the cycle takes its ratio; values back along the tree.
        std::vector<uint32_t> queue(cyc.begin(), cyc.end());
        for (uint32_t q : cyc) state[q] = 2;
        for (size_t qi = 0; qi < queue.size(); ++qi)
          for (uint32_t p : rev[queue[qi]]) {
            if (state[p] == 2) continue;
            const HEdge& e = out[p][pol[p]];
            eta[p] = eta[e.to];
            x[p] = (long double)e.w - eta[p] * (long double)e.t + x[e.to];
            state[p] = 2;
            queue.push_back(p);
          }
      }
      for (uint32_t p : path) state[p] = 2;  // walks that joined an old tree are set already
    }
    // Policy improvement: first towards larger ratios, then larger values.
    bool changed = false;
    for (uint32_t v = 0; v < n; ++v)
      for (uint32_t e = 0; e < out[v].size(); ++e)
        if (eta[out[v][e].to] > eta[out[v][pol[v]].to] * (1 + 1e-15L) + 1e-12L) {
          pol[v] = e;
          changed = true;
        }
    if (!changed)
      for (uint32_t v = 0; v < n; ++v) {
        long double xv = x[v];
        for (uint32_t e = 0; e < out[v].size(); ++e) {
          const HEdge& h = out[v][e];
          if (std::fabs(eta[h.to] - eta[v]) > 1e-15L * (1 + eta[v])) continue;
          const long double val = (long double)h.w - eta[v] * (long double)h.t + x[h.to];
          if (val > xv + 1e-13L * (1 + std::fabs(xv))) {
            xv = val;
            pol[v] = e;
            changed = true;
          }
        }
      }
    if (!changed) break;
    // Policy iter was evaluated above; pol is now the policy of step iter + 1.
    if (seen.empty()) seen.push_back(0);  // step 0's policy is not needed: it never recurs first
    {
      long double mx = 0.0;
      for (uint32_t v = 0; v < n; ++v) mx = std::max(mx, eta[v]);
      ratio.push_back(mx);  // ratio[iter]
    }
    const uint64_t h = hash_policy();
    const size_t next = size_t(iter) + 1;
    if (next >= size_t(kSteps)) break;
    size_t j = next;
    // Only after a stall of the ratio (the cycling regime); the search is over recent steps.
    for (size_t m = next > 64 ? next - 64 : 1; m < next; ++m)
      if (seen[m] == h) j = m;
    if (j < next) {
      const size_t L = next - j;
      best = ratio[j + (size_t(kSteps - 1) - j) % L];
      cycled = true;
      break;
    }
    seen.push_back(h);  // seen[next]
  }
  if (cycled) return double(best);
  for (uint32_t v = 0; v < n; ++v) best = std::max(best, eta[v]);
  return double(best);
}

}  // namespace spikepipe

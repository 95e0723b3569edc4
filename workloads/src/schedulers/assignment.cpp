// Greedy placement (LPT) and local search for spikepipe. The objective is the period a modulo
// schedule can reach at best (the largest processor load, compute + injection); the sum of
// squared loads breaks ties so that the search keeps draining the critical processors.
#include "assignment.h"

#include <algorithm>
#include <climits>
#include <numeric>

namespace spikepipe::sched {

LoadModel::LoadModel(const Schedule& s, const CommModel& c, uint32_t processors)
    : dur_(s.ops.size()),
      out_(s.ops.size()),
      in_(s.ops.size()),
      a_(s.ops.size(), -1),
      load_(processors, 0) {
  while (leaves_ < processors) leaves_ *= 2;
  max_.assign(2 * leaves_, 0);
  for (const Op& op : s.ops) dur_[op.id.value] = int64_t(op_duration(op, c));
  for (const Dep& d : s.deps) {
    const int64_t inj = int64_t(c.inject(d.bytes));
    if (d.src == d.dst || inj == 0 || !sent_by_processor(d)) continue;  // collectives: no load
    out_[d.src.value].push_back({d.dst.value, inj});
    in_[d.dst.value].push_back({d.src.value, inj});
  }
}

// Adds (sign = +1) or removes (-1) everything op contributes given the current placement:
// its time, its sends to ops elsewhere, and its producers' sends to it.
void LoadModel::account(uint32_t op, int sign) {
  const int32_t p = a_[op];
  if (p < 0) return;
  int64_t own = dur_[op];
  for (const auto& [o, inj] : out_[op])
    if (a_[o] >= 0 && a_[o] != p) own += inj;
  add_load(size_t(p), sign * own);
  for (const auto& [o, inj] : in_[op])
    if (a_[o] >= 0 && a_[o] != p) add_load(size_t(a_[o]), sign * inj);
}

void LoadModel::add_load(size_t p, int64_t delta) {
  if (delta == 0) return;
  const Int128 before = load_[p];
  load_[p] += delta;
  squares_ += Int128(load_[p]) * load_[p] - before * before;
  size_t i = leaves_ + p;
  max_[i] = load_[p];
  for (i /= 2; i >= 1; i /= 2) {
    const int64_t m = std::max(max_[2 * i], max_[2 * i + 1]);
    if (max_[i] == m) break;  // the ancestors only see this node's value
    max_[i] = m;
  }
}

void LoadModel::move(uint32_t op, int32_t proc) {
  account(op, -1);
  a_[op] = proc;
  account(op, +1);
}

std::pair<int64_t, double> LoadModel::objective() const {
  return {load_.empty() ? 0 : max_[1], double(squares_)};
}

std::vector<std::pair<int64_t, double>> LoadModel::objectives_if_put(
    const std::vector<uint32_t>& bundle) const {
  // account() with every op of the bundle on p: p gets the ops' time and their sends to placed
  // ops elsewhere; every placed producer elsewhere gets its sends to them. Ops of the bundle
  // are unassigned, so edges inside it count as local (as after the moves).
  const size_t P = load_.size();
  int64_t own = 0, out_total = 0;
  std::vector<int64_t> out_on(P, 0), in_on(P, 0);
  std::vector<uint32_t> touched;
  for (uint32_t v : bundle) {
    own += dur_[v];
    for (const auto& [o, inj] : out_[v])
      if (a_[o] >= 0) {
        out_total += inj;
        out_on[size_t(a_[o])] += inj;
      }
    for (const auto& [o, inj] : in_[v])
      if (a_[o] >= 0) {
        if (!in_on[size_t(a_[o])]) touched.push_back(uint32_t(a_[o]));
        in_on[size_t(a_[o])] += inj;
      }
  }
  // Base: every producer pays (as if the bundle were elsewhere); then p is corrected.
  Int128 squares = squares_;
  for (uint32_t q : touched) {
    const Int128 b = load_[q], a = load_[q] + in_on[q];
    squares += a * a - b * b;
  }
  int64_t top1 = INT64_MIN, top2 = INT64_MIN;
  size_t arg1 = P;
  for (size_t q = 0; q < P; ++q) {
    const int64_t l = load_[q] + in_on[q];
    if (l > top1) {
      top2 = top1;
      top1 = l;
      arg1 = q;
    } else if (l > top2) {
      top2 = l;
    }
  }
  std::vector<std::pair<int64_t, double>> out(P);
  for (size_t p = 0; p < P; ++p) {
    const int64_t base = load_[p] + in_on[p];
    const int64_t v = load_[p] + own + out_total - out_on[p];
    const Int128 sq = squares - Int128(base) * base + Int128(v) * v;
    out[p] = {std::max(v, p == arg1 ? top2 : top1), double(sq)};
  }
  return out;
}

void assign_lpt(LoadModel& m) {
  std::vector<std::vector<uint32_t>> single(m.ops());
  for (uint32_t v = 0; v < m.ops(); ++v) single[v] = {v};
  assign_lpt(m, single);
}

void assign_lpt(LoadModel& m, const std::vector<std::vector<uint32_t>>& bundles) {
  auto put = [&](const std::vector<uint32_t>& b, int32_t p) {
    for (uint32_t v : b) m.move(v, p);
  };
  std::vector<uint32_t> order(bundles.size());
  std::iota(order.begin(), order.end(), 0u);
  std::vector<int64_t> size(bundles.size());
  for (uint32_t i : order) {  // a bundle's time alone: place it, read the load, take it back
    put(bundles[i], 0);
    const int64_t with = m.loads()[0];
    put(bundles[i], -1);
    size[i] = with - m.loads()[0];
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return size[a] > size[b]; });
  for (uint32_t i : order) {
    int32_t best = 0;
    std::pair<int64_t, double> bo{0, 0};
    const auto objectives = m.objectives_if_put(bundles[i]);
    for (uint32_t p = 0; p < m.processors(); ++p) {
      const auto& o = objectives[p];
      if (p == 0 || o < bo) {
        bo = o;
        best = int32_t(p);
      }
    }
    put(bundles[i], best);
  }
}

void local_search(LoadModel& m, uint64_t max_trials, bool one_critical) {
  const uint32_t P = m.processors();
  uint64_t trials = 0;
  for (int iter = 0; iter < 20000 && trials < max_trials; ++iter) {
    const auto cur = m.objective();
    auto best = cur;
    uint32_t bv = 0, bu = 0;
    int32_t bq = -1;
    bool swap = false;
    std::vector<uint32_t> critical;
    int32_t first = -1;
    for (uint32_t v = 0; v < m.ops(); ++v)
      if (m.loads()[size_t(m.proc(v))] == cur.first) {
        if (first < 0) first = m.proc(v);
        if (!one_critical || m.proc(v) == first) critical.push_back(v);
      }
    for (uint32_t v : critical) {
      if (trials >= max_trials) break;
      const int32_t home = m.proc(v);
      for (uint32_t q = 0; q < P; ++q) {
        if (int32_t(q) == home) continue;
        m.move(v, int32_t(q));
        ++trials;
        const auto o = m.objective();
        if (o < best) {
          best = o;
          bv = v;
          bq = int32_t(q);
          swap = false;
        }
        m.move(v, home);
      }
      for (uint32_t u = 0; u < m.ops(); ++u) {
        const int32_t there = m.proc(u);
        if (there == home) continue;
        m.move(v, there);
        m.move(u, home);
        ++trials;
        const auto o = m.objective();
        if (o < best) {
          best = o;
          bv = v;
          bu = u;
          swap = true;
        }
        m.move(u, there);
        m.move(v, home);
      }
    }
    if (!(best < cur)) return;
    if (swap) {
      const int32_t home = m.proc(bv), there = m.proc(bu);
      m.move(bv, there);
      m.move(bu, home);
    } else {
      m.move(bv, bq);
    }
  }
}

}  // namespace spikepipe::sched

// Ops from tasks and deps from edges. The cost of a part or a micro-batch comes from the cost
// model with the smaller shape (fold counts do not divide evenly), scaled like the whole task
// (sparsity), so that cutting a task never looks cheaper than the array can do it.
#include "builder.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "spikepipe/core/error.h"

namespace spikepipe::sched {
namespace {

uint64_t share(uint64_t total, uint32_t i, uint32_t n) {
  return total / n + (i < total % n ? 1 : 0);
}
uint64_t cut(uint64_t total, uint32_t i, uint32_t n) { return total * i / n; }  // start of part i
uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

bool micro_batched(TaskKind k) { return k != TaskKind::U; }

// Which GEMM dimension a part of task t with layout `l` cuts: 'N' output columns, 'M' rows,
// 'K' the reduction (G by samples), 0 for element-wise tasks.
char cut_dim(const Task& t, Layout l) {
  if (t.gemm.empty()) return 0;
  if (l == Layout::Rows) return t.kind == TaskKind::G || t.kind == TaskKind::E ? 'M' : 'N';
  if (l == Layout::Samples)
    return t.kind == TaskKind::G ? 'K' : t.kind == TaskKind::F || t.kind == TaskKind::E ? 'M' : 'N';
  return 'N';
}

// Whether a dst op needs the whole tensor of this edge (the GEMM operand that is not cut): F and
// E cut by output columns need all spikes / errors; G = delta^T x (M = fan_out, N = fan_in) cut
// by columns needs all of delta, cut by rows all of the (1-bit) input spikes x. F and E cut by
// samples (rows M = samples x time steps x positions) need all of W, which is small next to the
// activations in conv layers; G cut by samples (its reduction K) needs nothing whole.
bool needs_whole(const Edge& e, TaskKind dst, Layout l) {
  if ((dst == TaskKind::E || dst == TaskKind::F) && l == Layout::Samples)
    return e.kind == TensorKind::Weights;
  if (dst == TaskKind::G && l == Layout::Samples) return false;
  if (dst == TaskKind::G && l == Layout::Rows)
    return e.kind == TensorKind::Stash || e.kind == TensorKind::Spikes;
  const bool gemm = dst == TaskKind::F || dst == TaskKind::E || dst == TaskKind::G;
  return gemm && (e.kind == TensorKind::Spikes || e.kind == TensorKind::Errors);
}

}  // namespace

Layout normalize(const Task& t, Layout l, uint32_t parts) {
  if (parts <= 1) return Layout::Cols;
  switch (t.kind) {
    case TaskKind::F:
    case TaskKind::D:
      return l == Layout::Samples ? l : Layout::Cols;
    case TaskKind::E:
      return l == Layout::Cols ? l : Layout::Samples;  // E's rows are samples
    case TaskKind::G:
      return l;
    case TaskKind::U:
      return l == Layout::Rows ? l : Layout::Cols;
  }
  return Layout::Cols;
}

uint32_t max_parts(const Task& t, Layout l) {
  uint64_t n = t.vector_elements;
  switch (cut_dim(t, normalize(t, l, 2))) {
    case 'M':
      n = t.gemm.M;
      break;
    case 'N':
      n = t.gemm.N;
      break;
    case 'K':
      n = t.gemm.K;
      break;
    default:
      break;
  }
  return uint32_t(std::max<uint64_t>(1, std::min<uint64_t>(n, 0xFFFF)));
}

uint32_t useful_parts(const Task& t, const ArrayParams& a, Layout l) {
  const uint32_t most = max_parts(t, l);
  const char d = cut_dim(t, normalize(t, l, 2));
  if (!d) return most;
  const uint64_t dim = d == 'M' ? t.gemm.M : d == 'N' ? t.gemm.N : t.gemm.K;
  uint64_t extent = 0;   // array extent the cut dimension is laid out on (0: streamed)
  switch (a.dataflow) {  // cost_model.cpp: os M x N spatial, ws K x N, is K x M
    case Dataflow::OS:
      extent = d == 'M' ? a.rows : d == 'N' ? a.cols : 0;
      break;
    case Dataflow::WS:
      extent = d == 'K' ? a.rows : d == 'N' ? a.cols : 0;
      break;
    case Dataflow::IS:
      extent = d == 'K' ? a.rows : d == 'M' ? a.cols : 0;
      break;
  }
  const uint64_t n = extent ? ceil_div(dim, extent) : dim;
  return uint32_t(std::max<uint64_t>(1, std::min<uint64_t>(n, most)));
}

Builder::Builder(const TaskGraph& g, std::string scheduler, uint32_t processors) : g_(g) {
  s_.scheduler = std::move(scheduler);
  s_.processors = processors;
  s_.programs.assign(processors, {});
  s_.delays.assign(g.layers, 0);
  ops_of_task_.assign(g.tasks.size(), {});
}

std::vector<OpId> Builder::add(TaskId id, const std::vector<ProcessorId>& procs, uint16_t micro,
                               uint16_t micros, Layout layout) {
  const Task& t = g_.task(id);
  const uint32_t parts = uint32_t(procs.size());
  layout = normalize(t, layout, parts);
  if (parts == 0 || parts > max_parts(t, layout))
    fail("scheduler " + s_.scheduler,
         "task " + t.name + " cut into " + std::to_string(parts) + " parts",
         "1.." + std::to_string(max_parts(t, layout)));
  const uint32_t m = micro_batched(t.kind) ? micros : 1;
  const double whole = t.gemm.empty() ? 0.0 : double(gemm_cost(t.gemm, g_.array).cycles);
  const double scale = whole > 0 ? double(t.array_cycles) / whole : 0.0;
  // U after a G cut by samples sums G's partial gradients: (parts of G) - 1 more additions per
  // weight before the update.
  uint64_t partials = 1;
  if (t.kind == TaskKind::U && g_.has(TaskKind::G, t.layer)) {
    const auto& gops = ops_of_task_[g_.find(TaskKind::G, t.layer).value];
    if (!gops.empty() && layouts_[gops.front().value] == uint8_t(Layout::Samples))
      partials = s_.op(gops.front()).parts;
  }
  std::vector<OpId> out;
  for (uint32_t i = 0; i < parts; ++i) {
    Op op;
    op.id = OpId(uint32_t(s_.ops.size()));
    op.task = id;
    op.kind = t.kind;
    op.layer = t.layer;
    op.part = uint16_t(i);
    op.parts = uint16_t(parts);
    op.micro = uint16_t(m > 1 ? micro : 0);
    op.micros = uint16_t(m);
    op.proc = procs[i];
    if (parts == 1 && m == 1 && partials == 1) {
      op.array_cycles = t.array_cycles;
      op.vector_cycles = t.vector_cycles;
    } else {
      if (!t.gemm.empty()) {
        GemmShape sh = t.gemm;
        switch (cut_dim(t, layout)) {
          case 'M':
            sh.M = share(sh.M, i, parts);
            break;
          case 'K':
            sh.K = share(sh.K, i, parts);
            break;
          default:
            sh.N = share(sh.N, i, parts);
            break;
        }
        if (t.kind == TaskKind::G)
          sh.K = ceil_div(sh.K, m);
        else
          sh.M = ceil_div(sh.M, m);
        op.array_cycles =
            sh.empty() ? 0 : Cycles(std::ceil(double(gemm_cost(sh, g_.array).cycles) * scale));
      } else if (t.array_cycles) {
        // Array work without a GEMM of its own (a recurrent layer's D): an even share.
        op.array_cycles = Cycles(ceil_div(ceil_div(t.array_cycles, m), parts));
      }
      if (t.vector_elements) {
        const uint64_t el = share(ceil_div(t.vector_elements, m), i, parts) * partials;
        op.vector_cycles = el ? vector_cycles(el, t.vector_steps, g_.array.vector_lanes) : 0;
      }
    }
    // F1 by samples reads only its samples' input; by columns each part reads all of it.
    if (t.kind == TaskKind::F && t.layer == 0)
      op.dram_read_bytes = layout == Layout::Samples ? share(ceil_div(g_.input_bytes, m), i, parts)
                                                     : ceil_div(g_.input_bytes, m);
    if (t.kind != TaskKind::D)
      op.weight_bytes = layout == Layout::Samples ? g_.weight_bytes[t.layer]
                                                  : share(g_.weight_bytes[t.layer], i, parts);
    s_.ops.push_back(op);
    layouts_.push_back(uint8_t(layout));
    s_.programs[op.proc.value].push_back(op.id);
    ops_of_task_[id.value].push_back(op.id);
    out.push_back(op.id);
  }
  return out;
}

bool Builder::sample_cut(const Op& op) const {
  return layouts_[op.id.value] == uint8_t(Layout::Samples);
}

WeightAxis Builder::axis(const Op& op) const {
  const bool rows = layouts_[op.id.value] == uint8_t(Layout::Rows);
  switch (op.kind) {
    case TaskKind::F:
      return WeightAxis::Rows;
    case TaskKind::E:
      return WeightAxis::Cols;
    case TaskKind::G:
    case TaskKind::U:
      return rows ? WeightAxis::Rows : WeightAxis::Cols;
    default:
      return WeightAxis::None;
  }
}

void Builder::connect() {
  for (const Edge& e : g_.edges) {
    const auto& src = ops_of_task_[e.src.value];
    const auto& dst = ops_of_task_[e.dst.value];
    if (src.empty() || dst.empty())
      fail("scheduler " + s_.scheduler, "edge between unscheduled tasks");
    const Op& s0 = s_.op(src.front());
    const Op& d0 = s_.op(dst.front());
    const uint32_t ps = s0.parts, pd = d0.parts;
    const bool both_micro = s0.micros > 1 && d0.micros > 1;
    const uint64_t bytes = both_micro ? ceil_div(e.bytes, s0.micros) : e.bytes;
    const bool whole = needs_whole(e, d0.kind, Layout(layouts_[d0.id.value]));
    // Every part of F1 cut by columns reads the whole input from DRAM, so a part of G1 that needs
    // all of it gets it from one F1 part (the one with its index scaled, which the placement
    // tends to co-locate).
    const bool replicated = whole && e.kind == TensorKind::Stash && s0.kind == TaskKind::F &&
                            s0.layer == 0 && !sample_cut(s0);
    const bool weightish = e.kind == TensorKind::Weights || e.kind == TensorKind::Gradients;
    // G cut by samples: every part holds a partial gradient of all of W.
    const bool partial = e.kind == TensorKind::Gradients && sample_cut(s0);
    const size_t first_dep = s_.deps.size();
    const bool block =
        !whole && !partial && ps > 1 && pd > 1 &&
        ((weightish &&
          (layouts_[src.front().value] == uint8_t(Layout::Rows) ||
           layouts_[dst.front().value] == uint8_t(Layout::Rows)) &&
          axis(s0) != axis(d0)) ||
         (!weightish && sample_cut(s0) != sample_cut(d0)));
    if (ps > 1 && pd > 1 && s0.micros == 1 && d0.micros == 1 &&
        ((whole && !replicated) || partial || block)) {
      // Every dst part needs something from every src part: one collective (docs/EXECUTION.md
      // §7) instead of ps x pd deps. Each dst op gets one member dep carrying the bytes the
      // direct exchange would bring it from src parts on other processors, from the src
      // processor before its own in ascending cyclic order (a ring over the src processors);
      // a dst processor without a src part gets it from the src processors in turn, so that no
      // interface sends more than about its share.
      const int32_t c = int32_t(s_.collectives.size());
      Collective col;
      col.kind = partial ? CollectiveKind::ReduceScatter
                 : block ? CollectiveKind::AllToAll
                         : CollectiveKind::AllGather;
      col.srcs = src;
      s_.collectives.push_back(std::move(col));
      std::vector<uint64_t> local_share(s_.processors, 0);
      std::vector<uint32_t> local_parts(s_.processors, 0);
      std::vector<int64_t> first_on(s_.processors, -1);
      std::vector<uint32_t> hosts;
      for (OpId a : src) {
        const Op& so = s_.op(a);
        local_share[so.proc.value] += share(bytes, so.part, ps);
        ++local_parts[so.proc.value];
        if (first_on[so.proc.value] < 0) {
          first_on[so.proc.value] = a.value;
          hosts.push_back(so.proc.value);
        }
      }
      std::sort(hosts.begin(), hosts.end());
      size_t turn = 0;  // dst processors without a src part take the src processors in turn
      for (OpId b : dst) {
        const Op& dop = s_.op(b);
        const uint32_t q = dop.proc.value;
        uint64_t need = 0;
        if (whole) {
          need = bytes - local_share[q];
        } else if (partial) {
          need = share(bytes, dop.part, pd) * (ps - local_parts[q]);
        } else {
          for (OpId a : src) {
            const Op& so = s_.op(a);
            if (so.proc.value != q) need += share(share(bytes, so.part, ps), dop.part, pd);
          }
        }
        auto it = std::lower_bound(hosts.begin(), hosts.end(), q);
        uint32_t from = it == hosts.begin() ? hosts.back() : *(it - 1);
        if (it == hosts.end() || *it != q) from = hosts[turn++ % hosts.size()];
        s_.deps.push_back(Dep{OpId(uint32_t(first_on[from])), b, e.distance, e.kind,
                              from == q ? 0 : need, 0, c});
      }
      continue;
    }
    for (OpId a : src) {
      const Op& so = s_.op(a);
      for (OpId b : dst) {
        const Op& dop = s_.op(b);
        if (both_micro && so.micro != dop.micro) continue;
        uint64_t pair = 0;
        if (replicated) {
          if (so.part != uint32_t(dop.part) * ps / pd) continue;
          pair = bytes;
        } else if (whole) {
          pair = share(bytes, so.part, ps);
        } else if (partial) {
          pair = share(bytes, dop.part, pd);
        } else if (block) {
          // A row range of W meets a column range, or a range of samples a range of neurons:
          // every pair shares one block.
          pair = share(share(bytes, so.part, ps), dop.part, pd);
        } else if (ps == 1 || pd == 1) {
          pair = ps == 1 ? share(bytes, dop.part, pd) : share(bytes, so.part, ps);
        } else {
          const uint64_t lo = std::max(cut(bytes, so.part, ps), cut(bytes, dop.part, pd));
          const uint64_t hi = std::min(cut(bytes, so.part + 1u, ps), cut(bytes, dop.part + 1u, pd));
          if (hi <= lo) continue;
          pair = hi - lo;
        }
        s_.deps.push_back(Dep{a, b, e.distance, e.kind, pair});
      }
    }
    // Every dst op must wait for its producer task, even when it receives no bytes from it.
    std::vector<char> has(s_.ops.size(), 0);
    for (size_t d = first_dep; d < s_.deps.size(); ++d) has[s_.deps[d].dst.value] = 1;
    for (OpId b : dst) {
      if (!has[b.value]) {
        const Op& dop = s_.op(b);
        OpId a = src[std::min<size_t>(src.size() - 1, size_t(dop.part) * ps / pd)];
        if (both_micro)
          for (OpId x : src)
            if (s_.op(x).micro == dop.micro && s_.op(x).part == s_.op(a).part) a = x;
        s_.deps.push_back(Dep{a, b, e.distance, e.kind, 0});
      }
    }
  }
}

void local_weights_for_e(Schedule& s) {
  std::vector<char> drop(s.ops.size(), 0);
  using Key = std::tuple<uint32_t, uint32_t, uint16_t, uint16_t, uint16_t, uint16_t>;
  auto key = [](const Op& o) {
    return Key{o.layer, o.proc.value, o.part, o.parts, o.micro, o.micros};
  };
  std::set<Key> f_ops;  // F ops by (layer, processor, part, parts, micro-batch, micro-batches)
  for (const Op& f : s.ops)
    if (f.kind == TaskKind::F) f_ops.insert(key(f));
  for (const Op& e : s.ops)
    if (e.kind == TaskKind::E && e.parts > 1 && f_ops.count(key(e))) drop[e.id.value] = 1;
  std::vector<Dep> kept;
  for (const Dep& d : s.deps)
    if (!(d.kind == TensorKind::Weights && drop[d.dst.value])) kept.push_back(d);
  s.deps = std::move(kept);
}

std::vector<Block> single_op_blocks(const Schedule& s) {
  const size_t n = s.ops.size();
  // Nodes: the ops, then one per collective (all its srcs -> it -> its member deps' dsts).
  const size_t nodes = n + s.collectives.size();
  std::vector<uint32_t> indeg(nodes, 0);
  std::vector<std::vector<uint32_t>> succ(nodes);
  auto edge = [&](uint32_t a, uint32_t b) {
    ++indeg[b];
    succ[a].push_back(b);
  };
  for (uint32_t c = 0; c < s.collectives.size(); ++c)
    for (OpId o : s.collectives[c].srcs) edge(o.value, uint32_t(n + c));
  for (const Dep& d : s.deps)
    if (d.distance == 0)
      edge(d.in_collective() ? uint32_t(n + size_t(d.collective)) : d.src.value, d.dst.value);
  // Kahn's algorithm; ties by op id so that the order (and the schedule) is deterministic.
  std::set<uint32_t> ready;
  for (uint32_t i = 0; i < nodes; ++i)
    if (!indeg[i]) ready.insert(i);
  std::vector<Block> out;
  while (!ready.empty()) {
    const uint32_t v = *ready.begin();
    ready.erase(ready.begin());
    if (v < n) out.push_back(Block{{OpId(v)}});
    for (uint32_t w : succ[v])
      if (--indeg[w] == 0) ready.insert(w);
  }
  if (out.size() != n) fail("schedule '" + s.scheduler + "'", "the in-iteration deps form a cycle");
  return out;
}

}  // namespace spikepipe::sched

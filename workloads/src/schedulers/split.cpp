// spikepipe --split: the layouts (builder.h Layout) and part counts the search tries, and its
// greedy refinement. Why several layouts: a GEMM part needs the whole of the operand its cut does
// not partition, so which cut is cheap depends on the layer. Cut by output columns on their
// own, E and G need all of the layer's errors; cut by neuron (F, D, G by rows, U of a layer in the
// same output-neuron ranges, kept together), a layer exchanges only its 1-bit input spikes and
// what E needs; cut by samples (data parallel), only weights and partial gradients travel, which
// is cheapest where weights are small next to activations (conv layers).
#include "split.h"

#include <algorithm>
#include <cmath>

namespace spikepipe::sched {
namespace {

bool cut_as(const TaskGraph& g, const Cut& cut, TaskKind k, uint32_t l, Layout layout) {
  if (!g.has(k, l)) return false;
  const TaskId t = g.find(k, l);
  return cut.parts[t.value] > 1 && cut.layout[t.value] == layout;
}

}  // namespace

Cut uncut(const TaskGraph& g, bool narrow) {
  return Cut{std::vector<uint32_t>(g.tasks.size(), 1),
             std::vector<Layout>(g.tasks.size(), Layout::Cols), narrow};
}

bool by_neuron(const TaskGraph& g, const Cut& cut, uint32_t l) {
  return cut_as(g, cut, TaskKind::D, l, Layout::Cols) ||
         cut_as(g, cut, TaskKind::U, l, Layout::Cols) ||
         cut_as(g, cut, TaskKind::U, l, Layout::Rows);
}
bool by_samples(const TaskGraph& g, const Cut& cut, uint32_t l) {
  return cut_as(g, cut, TaskKind::F, l, Layout::Samples) ||
         cut_as(g, cut, TaskKind::D, l, Layout::Samples);
}

std::vector<std::vector<uint32_t>> bundles(const TaskGraph& g, const Schedule& s, const Cut& cut) {
  std::vector<std::vector<uint32_t>> out;
  const uint32_t S = g.layers;                    // group index S: the by-samples layers together
  std::vector<std::vector<int32_t>> slot(S + 1);  // [group][range] -> bundle index
  std::vector<uint32_t> kmax(S + 1, 1);
  auto group = [&](const Op& op) -> int32_t {
    if (op.kind != TaskKind::U && by_samples(g, cut, op.layer)) return int32_t(S);
    if (op.kind != TaskKind::E && by_neuron(g, cut, op.layer)) return int32_t(op.layer);
    return -1;
  };
  for (const Op& op : s.ops)
    if (group(op) >= 0)
      kmax[size_t(group(op))] = std::max<uint32_t>(kmax[size_t(group(op))], op.parts);
  for (const Op& op : s.ops) {
    const int32_t gr = group(op);
    if (gr < 0) {
      out.push_back({op.id.value});
      continue;
    }
    auto& sl = slot[size_t(gr)];
    sl.resize(kmax[size_t(gr)], -1);
    const uint32_t r = uint32_t(op.part) * kmax[size_t(gr)] / op.parts;
    if (sl[r] < 0) {
      sl[r] = int32_t(out.size());
      out.emplace_back();
    }
    out[size_t(sl[r])].push_back(op.id.value);
  }
  return out;
}

bool better(const Schedule& a, const Schedule& b) {
  if (a.predicted_period != b.predicted_period) return a.predicted_period < b.predicted_period;
  return a.predicted_latency < b.predicted_latency;
}

std::string describe(const TaskGraph& g, const Cut& cut) {
  std::string out;
  for (const Task& t : g.tasks) {
    if (cut.parts[t.id.value] <= 1) continue;
    const Layout l = cut.layout[t.id.value];
    out += (out.empty() ? "" : ", ") + t.name + " in " + std::to_string(cut.parts[t.id.value]) +
           " by " +
           (l == Layout::Samples ? "samples"
            : l == Layout::Rows  ? "rows"
                                 : "columns");
  }
  return out.empty() ? "no task is cut" : "cut: " + out;
}

namespace {

// The largest part count the search tries for a task with a layout (at most P). `useful`: stop
// at the useful count (narrower parts are no shorter); otherwise the full range, where narrow
// parts, no shorter but more of them, can still fill idle processors.
uint32_t cap(const TaskGraph& g, const SchedulerOptions& o, TaskId t, Layout l, bool useful) {
  const Task& task = g.task(t);
  const uint32_t n = useful ? useful_parts(task, g.array, l) : max_parts(task, l);
  return std::max(1u, std::min(o.processors, n));
}

// E_l's parts need either all of delta_l (cut by fan-in columns) or all of W_l (cut by samples):
// whichever is smaller per part. Conv layers have few weights and large activations; fc layers
// are closer.
bool weights_smaller(const TaskGraph& g, const Task& e) {
  uint64_t delta = 0;
  for (uint32_t i : g.in_edges(e.id))
    if (g.edges[i].kind == TensorKind::Errors) delta += g.edges[i].bytes;
  return g.weight_bytes[e.layer] < delta;
}

enum class Mode { Neuron, Samples };

// Cut layer l into k ranges: by neuron (F by output columns, D by neurons, G and U by rows; E
// is left to the caller) or by samples (F, D, E, G; U whole).
void cut_layer(const TaskGraph& g, const SchedulerOptions& o, Cut& cut, uint32_t l, uint32_t k,
               Mode m) {
  for (TaskKind kind : {TaskKind::F, TaskKind::D, TaskKind::E, TaskKind::G, TaskKind::U}) {
    if (!g.has(kind, l)) continue;
    const TaskId t = g.find(kind, l);
    Layout lay = Layout::Cols;
    if (m == Mode::Samples) {
      if (kind == TaskKind::U) continue;
      lay = Layout::Samples;
    } else {
      if (kind == TaskKind::E) continue;
      if (kind == TaskKind::G || kind == TaskKind::U) lay = Layout::Rows;
    }
    cut.parts[t.value] = std::min(k, cap(g, o, t, lay, m == Mode::Samples || !cut.narrow));
    cut.layout[t.value] = cut.parts[t.value] > 1 ? lay : Layout::Cols;
  }
}

// The largest part count among a layer's tasks of the given mode.
uint32_t layer_parts(const TaskGraph& g, const Cut& cut, uint32_t l) {
  uint32_t k = 1;
  for (TaskKind kind : {TaskKind::F, TaskKind::D, TaskKind::G, TaskKind::U})
    if (g.has(kind, l)) k = std::max(k, cut.parts[g.find(kind, l).value]);
  return k;
}

// Greedy refinement of a split schedule: cut the longest splittable op of the most loaded
// processor one part finer (a by-neuron layer's F, D, G and U together), keep the result if the
// period improves, give up after a few cuts that do not help. With `merge`, parts of one task
// that the search put on the same processor (each receiving the whole input) are first merged
// into fewer parts.
Cand refine_split(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c, Cand start,
                  bool merge) {
  std::optional<Cand> best(std::move(start));
  std::vector<Cut> tried;
  for (uint32_t step = 0, misses = 0; step < 4 * o.processors && misses < 8; ++step) {
    const Cut& cur = best->cut;
    const Schedule& bs = best->s;
    const uint32_t used =
        uint32_t(std::count_if(bs.loads.begin(), bs.loads.end(), [](Cycles l) { return l > 0; }));
    Cut merged = cur;
    {
      std::vector<std::vector<uint32_t>> procs(g.tasks.size());
      for (const Op& op : bs.ops) procs[op.task.value].push_back(op.proc.value);
      for (const Task& t : g.tasks) {
        auto& ps = procs[t.id.value];
        std::sort(ps.begin(), ps.end());
        merged.parts[t.id.value] = uint32_t(std::unique(ps.begin(), ps.end()) - ps.begin());
        if (merged.parts[t.id.value] == 1) merged.layout[t.id.value] = Layout::Cols;
      }
    }
    std::optional<Cut> next;
    if (merge && !(merged == cur) && std::find(tried.begin(), tried.end(), merged) == tried.end()) {
      next = merged;
    } else {
      const auto crit = std::max_element(bs.loads.begin(), bs.loads.end()) - bs.loads.begin();
      const Op* pick = nullptr;
      Cut pick_cut;
      for (OpId id : bs.programs[size_t(crit)]) {
        const Op& op = bs.op(id);
        const Task& t = g.task(op.task);
        Cut cand = cur;
        // One part finer; above kHuge processors about 1/16 finer (split.h).
        auto finer = [&](uint32_t k) {
          return k + (o.processors > kHuge ? std::max(1u, k / 16) : 1u);
        };
        if (t.kind != TaskKind::U && by_samples(g, cur, t.layer)) {
          cut_layer(g, o, cand, t.layer, finer(layer_parts(g, cur, t.layer)), Mode::Samples);
        } else if (t.kind != TaskKind::E && by_neuron(g, cur, t.layer)) {
          cut_layer(g, o, cand, t.layer, finer(layer_parts(g, cur, t.layer)), Mode::Neuron);
        } else {
          if (t.gemm.empty()) continue;
          const Layout lay = cur.layout[t.id.value];
          const uint32_t most = cap(g, o, t.id, lay, lay != Layout::Cols);
          if (cur.parts[t.id.value] >= most) continue;
          cand.parts[t.id.value] = std::min(most, finer(cur.parts[t.id.value]));
        }
        if (cand == cur || std::find(tried.begin(), tried.end(), cand) != tried.end()) continue;
        if (!pick || op.cycles() > pick->cycles()) {
          pick = &op;
          pick_cut = cand;
        }
      }
      if (!pick) break;
      next = pick_cut;
    }
    tried.push_back(*next);
    Schedule s = candidate(g, o, c, *next, nullptr, std::min(o.processors, used + 1), &best->s);
    if (better(s, best->s)) {
      best = Cand{std::move(s), *next};
      misses = 0;
    } else {
      ++misses;
    }
  }
  return std::move(*best);
}

}  // namespace

void search_split(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                  std::optional<Cand>& best) {
  auto consider = [&](Schedule s, const Cut& cut) {
    if (!best || better(s, best->s)) best = Cand{std::move(s), cut};
  };
  // Cut tasks longer than `target` into ceil(cycles / target) parts (at most P, at most their
  // useful count); the target is a share of the ideal per-processor work, for a few targets.
  Cycles total = 0;
  for (const Task& t : g.tasks) total += t.cycles();
  const double ideal = double(total) / double(o.processors);
  // Layouts: 0 by columns; 1-4 by neuron, with E by samples where W_l is smaller than delta_l
  // (1, 3) or by columns (2, 4), layer ranges up to the useful count (1, 2) or narrower (3,
  // 4); 5 every layer by samples (data parallel); 6 by samples where W_l < delta_l (conv
  // layers), by neuron elsewhere.
  constexpr int kLayouts = 7;
  std::optional<Cand> family[kLayouts];  // best per layout
  int step = 0;
  for (double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) {
    if (factor < 0.5 && o.processors > kHuge) continue;  // effort bound (split.h)
    o.report("--split: trying cuts, target " + std::to_string(++step) + "/" +
             (o.processors > kHuge ? "4" : "5"));
    const double target = std::max(1.0, ideal * factor);
    auto n_for = [&](Cycles cycles) { return uint32_t(std::ceil(double(cycles) / target)); };
    std::vector<Cut> cuts{uncut(g),       uncut(g), uncut(g), uncut(g, true),
                          uncut(g, true), uncut(g), uncut(g)};
    for (const Task& t : g.tasks) {
      if (t.gemm.empty() || double(t.cycles()) <= target) continue;
      cuts[0].parts[t.id.value] =
          std::max(1u, std::min(n_for(t.cycles()), cap(g, o, t.id, Layout::Cols, false)));
    }
    for (uint32_t l = 0; l < g.layers; ++l) {
      Cycles work = 0, all = 0;
      for (TaskKind k : {TaskKind::F, TaskKind::D, TaskKind::G, TaskKind::U})
        if (g.has(k, l)) work += g.task(g.find(k, l)).cycles();
      all = work;
      const Task* e = g.has(TaskKind::E, l) ? &g.task(g.find(TaskKind::E, l)) : nullptr;
      if (e) all += e->cycles();
      // Layout 6 goes by samples where weights are the cheaper operand to move; the first layer,
      // which has no E, follows the second.
      const bool conv_like = e ? weights_smaller(g, *e)
                               : g.layers > 1 && l == 0 && g.has(TaskKind::E, 1) &&
                                     weights_smaller(g, g.task(g.find(TaskKind::E, 1)));
      for (int f = 1; f < kLayouts; ++f) {
        Cut& cut = cuts[size_t(f)];
        if (f == 5 || (f == 6 && conv_like)) {
          if (double(all) > target) cut_layer(g, o, cut, l, n_for(all), Mode::Samples);
          continue;
        }
        if (double(work) > target) cut_layer(g, o, cut, l, n_for(work), Mode::Neuron);
        if (!e) continue;
        const Layout lay =
            (f % 2 == 1 || f == 6) && weights_smaller(g, *e) ? Layout::Samples : Layout::Cols;
        uint32_t& n = cut.parts[e->id.value];
        if (double(e->cycles()) > target)
          n = std::max(1u,
                       std::min(n_for(e->cycles()), cap(g, o, e->id, lay, lay != Layout::Cols)));
        cut.layout[e->id.value] = n > 1 ? lay : Layout::Cols;
      }
    }
    for (int f = 0; f < kLayouts; ++f) {
      const Cut& cut = cuts[size_t(f)];
      bool seen = cut == uncut(g);
      for (int h = 0; h < f; ++h)
        seen = seen || (cut == cuts[size_t(h)] && cut.narrow == cuts[size_t(h)].narrow);
      if (seen) continue;
      for (uint32_t use :
           {o.processors, o.processors >= 4 && o.processors <= kWide ? o.processors / 2 : 0u}) {
        if (use == 0) continue;
        Schedule s = candidate(g, o, c, cut, nullptr, use, family[f] ? &family[f]->s : nullptr);
        if (!family[f] || better(s, family[f]->s)) family[f] = Cand{std::move(s), cut};
      }
    }
  }
  // Then refine greedily from the best unsplit schedule and from each layout's best, once
  // cutting only and once also merging co-located parts: the greedy path depends on its first
  // steps, so every path is kept and the best result wins.
  std::vector<Cand> starts{*best};
  for (auto& f : family)
    if (f) starts.push_back(std::move(*f));
  for (const Cand& st : starts) consider(st.s, st.cut);
  if (o.processors > kWide && starts.size() > 2) {  // effort bound: the two best starts
    std::stable_sort(starts.begin(), starts.end(),
                     [](const Cand& a, const Cand& b) { return better(a.s, b.s); });
    starts.resize(2);
  }
  size_t refined = 0;
  for (const Cand& st : starts)
    for (bool merge : {false, true}) {
      o.report("--split: refining " + std::to_string(++refined) + "/" +
               std::to_string(2 * starts.size()));
      Cand r = refine_split(g, o, c, st, merge);
      consider(std::move(r.s), r.cut);
    }
}

}  // namespace spikepipe::sched

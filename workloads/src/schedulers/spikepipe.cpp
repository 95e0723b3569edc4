// `spikepipe`: fine-grained multiprocessor scheduling of the F/D/E/G/U tasks of all layers.
//
// Why it can beat pipedream: a stage of whole layers cannot be cut below one layer's training
// work, and stage boundaries fall where whole layers happen to add up. Scheduling F, D, E, G and
// U separately lets the search (LayerPipe's refinements) put E_l next to layer l-1, run E_l and
// G_l on different processors, and fill idle processors with single tasks. What limits it: a
// task away from its layer's weights pays for them every iteration (U_l -> F_l, U_l -> E_l
// weights and G_l -> U_l gradients are as large as the layer), so the search has to weigh each
// move's communication, which the load model does (contract.md: injection keeps the sender busy).
//
// Procedure: candidate placements (pipedream's stages refined to task granularity; longest task
// first on all P processors, and on 1, 2, 4, ... of them), each improved by local search (moves
// and swaps off the most loaded processors while the largest load, then the sum of squared
// loads, improves); each candidate is modulo scheduled
// (builder.h: offsets, program order, the smallest delays that reach the period) and verified by
// the list simulation; the best simulated period wins. With --split, GEMM tasks longer than a
// target share of the work are also cut by output columns into parts placed independently, for
// a few targets. If no candidate beats pipedream's period, pipedream's own schedule is returned
// (it is a valid task-level schedule too), so spikepipe is never slower than the baseline.
#include <algorithm>
#include <cmath>
#include <optional>

#include "assignment.h"
#include "builder.h"
#include "schedulers.h"

namespace spikepipe::sched {
namespace {

// How every task is cut: its part count and, for G and U, whether by rows (output neurons).
struct Cut {
  std::vector<uint32_t> parts;
  std::vector<char> rows;
  bool operator==(const Cut& o) const { return parts == o.parts && rows == o.rows; }
};

Cut uncut(const TaskGraph& g) { return Cut{std::vector<uint32_t>(g.tasks.size(), 1), std::vector<char>(g.tasks.size(), 0)}; }

// A layer is "by neuron" when its D or U is cut: then F, D, G (rows) and U (rows) parts with the
// same output-neuron range start on one processor, so that stash, errors, gradients and weights
// stay there and only the 1-bit spikes, the errors into E and E's weight blocks travel.
bool by_neuron(const TaskGraph& g, const Cut& cut, uint32_t l) {
  for (TaskKind k : {TaskKind::D, TaskKind::U})
    if (g.has(k, l) && cut.parts[g.find(k, l).value] > 1) return true;
  return false;
}

// Initial bundles for LPT: one per op, except that the ops of a by-neuron layer's F, D, G and U
// whose ranges line up (part scaled to the layer's largest part count) form one bundle.
std::vector<std::vector<uint32_t>> bundles(const TaskGraph& g, const Schedule& s, const Cut& cut) {
  std::vector<std::vector<uint32_t>> out;
  std::vector<std::vector<int32_t>> slot(g.layers);  // [layer][range] -> bundle index
  std::vector<uint32_t> kmax(g.layers, 1);
  auto grouped = [&](const Op& op) { return op.kind != TaskKind::E && by_neuron(g, cut, op.layer); };
  for (const Op& op : s.ops)
    if (grouped(op)) kmax[op.layer] = std::max<uint32_t>(kmax[op.layer], op.parts);
  for (const Op& op : s.ops) {
    if (!grouped(op)) {
      out.push_back({op.id.value});
      continue;
    }
    auto& sl = slot[op.layer];
    sl.resize(kmax[op.layer], -1);
    const uint32_t r = uint32_t(op.part) * kmax[op.layer] / op.parts;
    if (sl[r] < 0) {
      sl[r] = int32_t(out.size());
      out.emplace_back();
    }
    out[size_t(sl[r])].push_back(op.id.value);
  }
  return out;
}

// Builds, places (from `init` per task, or LPT), searches, modulo-schedules and verifies.
// `use` limits the search to the first `use` processors: on a machine where communication is
// dear, spreading over every processor can lose to a tighter placement on fewer.
Schedule candidate(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                   const Cut& cut, const std::vector<int32_t>* init, uint32_t use = 0) {
  if (use == 0) use = o.processors;
  Builder b(g, "spikepipe", o.processors);
  for (const Task& t : g.tasks) {
    std::vector<ProcessorId> procs;
    for (uint32_t i = 0; i < cut.parts[t.id.value]; ++i) procs.push_back(ProcessorId(i % use));
    b.add(t.id, procs, 0, 1, cut.rows[t.id.value] != 0);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  LoadModel m(s, c, use);
  if (init) {
    for (const Op& op : s.ops) m.move(op.id.value, (*init)[op.task.value]);
  } else {
    assign_lpt(m, bundles(g, s, cut));
  }
  local_search(m);
  for (auto& prog : s.programs) prog.clear();
  for (Op& op : s.ops) {
    op.proc = ProcessorId(uint32_t(m.proc(op.id.value)));
    s.programs[op.proc.value].push_back(op.id);
  }
  modulo_schedule(s, single_op_blocks(s), c, g.layers);
  s.split = o.split;
  finalize_schedule(s, c);
  return s;
}

struct Cand {
  Schedule s;
  Cut cut;
};

bool better(const Schedule& a, const Schedule& b) {
  if (a.predicted_period != b.predicted_period) return a.predicted_period < b.predicted_period;
  return a.predicted_latency < b.predicted_latency;
}

// The largest useful part count of a task (at most P): cutting below the array's width along
// the cut dimension adds folds without shortening any part, so the cost model stops it there too.
uint32_t cap(const TaskGraph& g, const SchedulerOptions& o, TaskId t, bool rows) {
  return std::max(1u, std::min(o.processors, max_parts(g.task(t), rows)));
}

// E_l's parts need either all of delta_l (cut by fan-in columns) or all of W_l (cut by rows of
// samples x steps x positions): whichever is smaller per part. Conv layers have few weights and
// large activations (rows); fc layers are closer.
bool e_by_rows(const TaskGraph& g, const Task& e) {
  uint64_t delta = 0;
  for (uint32_t i : g.in_edges(e.id))
    if (g.edges[i].kind == TensorKind::Errors) delta += g.edges[i].bytes;
  return g.weight_bytes[e.layer] < delta;
}

// Cut a by-neuron layer l into k ranges: F by output columns, D by neurons, G and U by rows.
void cut_layer(const TaskGraph& g, const SchedulerOptions& o, Cut& cut, uint32_t l, uint32_t k) {
  for (TaskKind kind : {TaskKind::F, TaskKind::D, TaskKind::G, TaskKind::U}) {
    if (!g.has(kind, l)) continue;
    const TaskId t = g.find(kind, l);
    const bool rows = kind == TaskKind::G || kind == TaskKind::U;
    cut.parts[t.value] = std::min(k, cap(g, o, t, rows));
    cut.rows[t.value] = rows && cut.parts[t.value] > 1;
  }
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
    const uint32_t used = uint32_t(std::count_if(bs.loads.begin(), bs.loads.end(),
                                                 [](Cycles l) { return l > 0; }));
    Cut merged = cur;
    {
      std::vector<std::vector<uint32_t>> procs(g.tasks.size());
      for (const Op& op : bs.ops) procs[op.task.value].push_back(op.proc.value);
      for (const Task& t : g.tasks) {
        auto& ps = procs[t.id.value];
        std::sort(ps.begin(), ps.end());
        merged.parts[t.id.value] = uint32_t(std::unique(ps.begin(), ps.end()) - ps.begin());
        if (merged.parts[t.id.value] == 1) merged.rows[t.id.value] = 0;
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
        if (t.kind != TaskKind::E && by_neuron(g, cur, t.layer)) {
          uint32_t k = 1;
          for (TaskKind kind : {TaskKind::F, TaskKind::D, TaskKind::G, TaskKind::U})
            if (g.has(kind, t.layer)) k = std::max(k, cur.parts[g.find(kind, t.layer).value]);
          cut_layer(g, o, cand, t.layer, k + 1);
        } else {
          if (t.gemm.empty()) continue;
          const bool rows = cur.rows[t.id.value] != 0;
          if (cur.parts[t.id.value] >= cap(g, o, t.id, rows)) continue;
          ++cand.parts[t.id.value];
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
    Schedule s = candidate(g, o, c, *next, nullptr, std::min(o.processors, used + 1));
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

Schedule spikepipe(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  const CommModel c = CommModel::from(o);
  const Schedule base = pipedream(g, o);

  std::optional<Cand> best;
  auto consider = [&](Schedule s, const Cut& cut) {
    if (!best || better(s, best->s)) best = Cand{std::move(s), cut};
  };
  const Cut whole = uncut(g);
  const std::vector<uint32_t> stage = pipedream_stages(g, o);
  std::vector<int32_t> refined(g.tasks.size());
  for (const Task& t : g.tasks) refined[t.id.value] = int32_t(stage[t.layer]);
  consider(candidate(g, o, c, whole, &refined), whole);
  consider(candidate(g, o, c, whole, nullptr), whole);
  // Fewer processors: when messages cost more than the tasks they separate, the best placement
  // may leave processors idle, which moves of single tasks cannot reach from a spread start.
  for (uint32_t use = 1; use < o.processors; use *= 2)
    consider(candidate(g, o, c, whole, nullptr, use), whole);

  if (o.split) {
    // Cut tasks longer than `target` into ceil(cycles / target) parts (at most P, at most their
    // useful count); the target is a share of the ideal per-processor work. Two layouts: every
    // GEMM cut by output columns on its own (G by fan-in, which needs all of the layer's
    // errors), and by neuron (F, D, G by rows, U of a layer cut alike and kept together; E by
    // fan-in columns on its own). The search keeps whichever gives the shorter period.
    Cycles total = 0;
    for (const Task& t : g.tasks) total += t.cycles();
    const double ideal = double(total) / double(o.processors);
    std::optional<Cand> family[2];  // best per layout: by columns, by neuron
    auto keep = [&](int f, Schedule s, const Cut& cut) {
      if (!family[f] || better(s, family[f]->s)) family[f] = Cand{std::move(s), cut};
    };
    for (double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) {
      const double target = std::max(1.0, ideal * factor);
      auto n_for = [&](Cycles cycles) { return uint32_t(std::ceil(double(cycles) / target)); };
      Cut cols = uncut(g), neuron = uncut(g);
      bool any_cols = false, any_neuron = false;
      for (const Task& t : g.tasks) {
        if (t.gemm.empty() || double(t.cycles()) <= target) continue;
        cols.parts[t.id.value] = std::max(1u, std::min(n_for(t.cycles()), cap(g, o, t.id, false)));
        any_cols = any_cols || cols.parts[t.id.value] > 1;
      }
      for (uint32_t l = 0; l < g.layers; ++l) {
        Cycles work = 0;
        for (TaskKind k : {TaskKind::F, TaskKind::D, TaskKind::G, TaskKind::U})
          if (g.has(k, l)) work += g.task(g.find(k, l)).cycles();
        if (double(work) > target) {
          cut_layer(g, o, neuron, l, n_for(work));
          any_neuron = any_neuron || by_neuron(g, neuron, l);
        }
        if (g.has(TaskKind::E, l)) {
          const Task& e = g.task(g.find(TaskKind::E, l));
          const bool rows = e_by_rows(g, e);
          if (double(e.cycles()) > target)
            neuron.parts[e.id.value] = std::max(1u, std::min(n_for(e.cycles()), cap(g, o, e.id, rows)));
          neuron.rows[e.id.value] = rows && neuron.parts[e.id.value] > 1;
          any_neuron = any_neuron || neuron.parts[e.id.value] > 1;
        }
      }
      const Cut* cuts[2] = {&cols, &neuron};
      const bool any[2] = {any_cols, any_neuron};
      for (int f = 0; f < 2; ++f) {
        if (!any[f]) continue;
        keep(f, candidate(g, o, c, *cuts[f], nullptr), *cuts[f]);
        if (o.processors >= 4) keep(f, candidate(g, o, c, *cuts[f], nullptr, o.processors / 2), *cuts[f]);
      }
    }
    // Then refine greedily from the best unsplit schedule and from each layout's best, once
    // cutting only and once also merging co-located parts: the greedy path depends on its first
    // steps, so every path is kept and the best result wins.
    std::vector<Cand> starts{*best};
    for (auto& f : family)
      if (f) starts.push_back(std::move(*f));
    for (const Cand& st : starts) consider(st.s, st.cut);
    for (const Cand& st : starts)
      for (bool merge : {false, true}) {
        Cand r = refine_split(g, o, c, st, merge);
        consider(std::move(r.s), r.cut);
      }
  }

  if (base.predicted_period < best->s.predicted_period) {
    Schedule s = base;
    s.scheduler = "spikepipe";
    s.split = o.split;
    s.note = "no finer placement beat pipedream's period; pipedream's schedule is used";
    return s;
  }
  return std::move(best->s);
}

}  // namespace spikepipe::sched

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

// Builds, places (from `init` per task, or LPT), searches, modulo-schedules and verifies.
// `use` limits the search to the first `use` processors: on a machine where communication is
// dear, spreading over every processor can lose to a tighter placement on fewer.
Schedule candidate(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                   const std::vector<uint32_t>& parts, const std::vector<int32_t>* init,
                   uint32_t use = 0) {
  if (use == 0) use = o.processors;
  Builder b(g, "spikepipe", o.processors);
  for (const Task& t : g.tasks) {
    std::vector<ProcessorId> procs;
    for (uint32_t i = 0; i < parts[t.id.value]; ++i) procs.push_back(ProcessorId(i % use));
    b.add(t.id, procs);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  LoadModel m(s, c, use);
  if (init) {
    for (const Op& op : s.ops) m.move(op.id.value, (*init)[op.task.value]);
  } else {
    assign_lpt(m);
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

std::vector<OpId> ops_of(const Schedule& s, TaskId t) {
  std::vector<OpId> out;
  for (const Op& op : s.ops)
    if (op.task == t) out.push_back(op.id);
  return out;
}

bool better(const Schedule& a, const Schedule& b) {
  if (a.predicted_period != b.predicted_period) return a.predicted_period < b.predicted_period;
  return a.predicted_latency < b.predicted_latency;
}

// Greedy refinement of a split schedule: cut the longest splittable op of the most loaded
// processor one part finer, keep the result if the period improves, give up after a few cuts
// that do not help. With `merge`, parts of one task that the search put on the same processor
// (each receiving the whole input) are first merged into fewer parts.
Schedule refine_split(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                      Schedule start, bool merge) {
  std::optional<Schedule> best(std::move(start));
  std::vector<std::vector<uint32_t>> tried;
  for (uint32_t step = 0, misses = 0; step < 4 * o.processors && misses < 8; ++step) {
    std::vector<uint32_t> parts(g.tasks.size(), 1);
    for (const Op& op : best->ops) parts[op.task.value] = op.parts;
    const uint32_t used = uint32_t(std::count_if(best->loads.begin(), best->loads.end(),
                                                 [](Cycles l) { return l > 0; }));
    std::vector<uint32_t> merged = parts;
    for (const Task& t : g.tasks) {
      std::vector<uint32_t> procs;
      for (OpId id : ops_of(*best, t.id)) procs.push_back(best->op(id).proc.value);
      std::sort(procs.begin(), procs.end());
      merged[t.id.value] = uint32_t(std::unique(procs.begin(), procs.end()) - procs.begin());
    }
    std::vector<uint32_t> next;
    if (merge && merged != parts && std::find(tried.begin(), tried.end(), merged) == tried.end()) {
      next = merged;
    } else {
      const auto crit = std::max_element(best->loads.begin(), best->loads.end()) - best->loads.begin();
      const Op* pick = nullptr;
      for (OpId id : best->programs[size_t(crit)]) {
        const Op& op = best->op(id);
        const Task& t = g.task(op.task);
        if (t.gemm.empty() || parts[t.id.value] >= std::min(o.processors, max_parts(t))) continue;
        std::vector<uint32_t> cut = parts;
        ++cut[t.id.value];
        if (std::find(tried.begin(), tried.end(), cut) != tried.end()) continue;
        if (!pick || op.cycles() > pick->cycles()) pick = &op;
      }
      if (!pick) break;
      next = parts;
      ++next[pick->task.value];
    }
    tried.push_back(next);
    Schedule s = candidate(g, o, c, next, nullptr, std::min(o.processors, used + 1));
    if (better(s, *best)) {
      best = std::move(s);
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

  std::optional<Schedule> best;
  auto consider = [&](Schedule s) {
    if (!best || better(s, *best)) best = std::move(s);
  };
  const std::vector<uint32_t> whole(g.tasks.size(), 1);
  const std::vector<uint32_t> stage = pipedream_stages(g, o);
  std::vector<int32_t> refined(g.tasks.size());
  for (const Task& t : g.tasks) refined[t.id.value] = int32_t(stage[t.layer]);
  consider(candidate(g, o, c, whole, &refined));
  consider(candidate(g, o, c, whole, nullptr));
  // Fewer processors: when messages cost more than the tasks they separate, the best placement
  // may leave processors idle, which moves of single tasks cannot reach from a spread start.
  for (uint32_t use = 1; use < o.processors; use *= 2) consider(candidate(g, o, c, whole, nullptr, use));

  if (o.split) {
    // Cut GEMM tasks longer than `target` into ceil(cycles / target) parts (at most P, at most
    // their column count); the target is a share of the ideal per-processor work.
    Cycles total = 0;
    for (const Task& t : g.tasks) total += t.cycles();
    const double ideal = double(total) / double(o.processors);
    for (double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) {
      const double target = std::max(1.0, ideal * factor);
      std::vector<uint32_t> parts(g.tasks.size(), 1);
      bool any = false;
      for (const Task& t : g.tasks) {
        if (t.gemm.empty() || double(t.cycles()) <= target) continue;
        const uint32_t n = uint32_t(std::ceil(double(t.cycles()) / target));
        parts[t.id.value] = std::max(1u, std::min({n, o.processors, max_parts(t)}));
        any = any || parts[t.id.value] > 1;
      }
      if (!any) continue;
      consider(candidate(g, o, c, parts, nullptr));
      if (o.processors >= 4) consider(candidate(g, o, c, parts, nullptr, o.processors / 2));
    }
    // Then refine greedily, once cutting only and once also merging co-located parts: the
    // greedy path depends on its first steps, so both are kept and the better one wins.
    Schedule a = refine_split(g, o, c, *best, false);
    Schedule b = refine_split(g, o, c, *best, true);
    consider(std::move(a));
    consider(std::move(b));
  }

  if (base.predicted_period < best->predicted_period) {
    Schedule s = base;
    s.scheduler = "spikepipe";
    s.split = o.split;
    s.note = "no finer placement beat pipedream's period; pipedream's schedule is used";
    return s;
  }
  return std::move(*best);
}

}  // namespace spikepipe::sched

// `spikepipe`: fine-grained multiprocessor scheduling of the F/D/E/G/U tasks of all layers.
//
// Why it can beat standard pipelining (standard.cpp): a stage of whole layers cannot be cut below one layer's training
// work, and stage boundaries fall where whole layers happen to add up. Scheduling F, D, E, G and
// U separately lets the search (LayerPipe's refinements) put E_l next to layer l-1, run E_l and
// G_l on different processors, and fill idle processors with single tasks. What limits it: a
// task away from its layer's weights pays for them every iteration (U_l -> F_l, U_l -> E_l
// weights and G_l -> U_l gradients are as large as the layer), so the search has to weigh each
// move's communication, which the load model does (docs/EXECUTION.md: injection keeps the sender busy).
//
// Procedure: candidate placements (standard pipelining's stages refined to task granularity; longest task
// first on all P processors, and on 1, 2, 4, ... of them), each improved by local search (moves
// and swaps off the most loaded processors while the largest load, then the sum of squared
// loads, improves); each candidate is modulo scheduled
// (builder.h: offsets, program order, the smallest delays that reach the period) and verified by
// the list simulation; the best simulated period wins. With --split, tasks are also cut into
// parts in several layouts (split.h, split.cpp). If no candidate beats standard pipelining's
// period, its schedule is returned (it is a valid task-level schedule too), so spikepipe is never
// slower than standard pipelining. (PipeDream's replicated planner, pipedream.cpp, is a baseline
// only: spikepipe does not fall back to it.)
#include <algorithm>
#include <optional>

#include "assignment.h"
#include "schedulers.h"
#include "split.h"

namespace spikepipe::sched {

// Builds, places (from `init` per task, or LPT), searches, modulo-schedules and verifies.
// `use` limits the search to the first `use` processors: on a machine where communication is
// dear, spreading over every processor can lose to a tighter placement on fewer.
Schedule candidate(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                   const Cut& cut, const std::vector<int32_t>* init, uint32_t use,
                   const Schedule* rival) {
  if (use == 0) use = o.processors;
  Builder b(g, "spikepipe", o.processors);
  for (const Task& t : g.tasks) {
    std::vector<ProcessorId> procs;
    for (uint32_t i = 0; i < cut.parts[t.id.value]; ++i) procs.push_back(ProcessorId(i % use));
    b.add(t.id, procs, 0, 1, cut.layout[t.id.value]);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  LoadModel m(s, c, use);
  if (init) {
    for (const Op& op : s.ops) m.move(op.id.value, (*init)[op.task.value]);
  } else {
    assign_lpt(m, bundles(g, s, cut));
  }
  // Above kWide processors, a cut graph has hundreds of ops: the search is bounded (assignment.h)
  // to keep scheduling under a second at P = 64; unsplit graphs and P <= kWide search fully.
  if (o.processors > kWide && s.ops.size() > g.tasks.size())
    local_search(m, kLargeTrials, true);
  else
    local_search(m);
  for (auto& prog : s.programs) prog.clear();
  for (Op& op : s.ops) {
    op.proc = ProcessorId(uint32_t(m.proc(op.id.value)));
    s.programs[op.proc.value].push_back(op.id);
  }
  modulo_schedule(s, single_op_blocks(s), c, g.layers);
  s.split = o.split;
  if (rival && o.processors > kHuge) {
    // Each term is at most what finalize_schedule puts in predicted_period: the loads without
    // DRAM waits (op_wait >= 0) and the same link, channel and interface loads (split.h).
    CommModel alone = c;
    alone.op_wait.clear();
    const std::vector<Cycles> loads = processor_loads(s, alone);
    const SharedLoads sh = shared_loads(s, alone);
    std::vector<Cycles> interface(s.processors, 0);
    for (const Dep& d : s.deps)
      if (s.remote(d) && !sent_by_processor(d))
        interface[s.op(d.src).proc.value] += alone.inject(d.bytes);
    const Cycles bound = std::max({*std::max_element(loads.begin(), loads.end()),
                                   *std::max_element(interface.begin(), interface.end()),
                                   sh.link_max(), sh.dram_channel});
    if (bound > rival->predicted_period) {
      s.loads = loads;
      s.predicted_period = bound;
      s.note = "not finalized: its period is above the best candidate's";
      return s;
    }
  }
  finalize_schedule(s, c, /*memory=*/false);  // one of many candidates; see spikepipe()
  return s;
}

Schedule spikepipe(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  const CommModel c = o.comm;
  const Schedule base = standard(g, o);

  std::optional<Cand> best;
  uint32_t n_cand = 2, i_cand = 0;
  for (uint32_t use = 1; use < o.processors; use *= 2) ++n_cand;
  auto consider = [&](Schedule s, const Cut& cut) {
    o.report("placing whole tasks: candidate " + std::to_string(++i_cand) + "/" +
             std::to_string(n_cand) + " done");
    if (!best || better(s, best->s)) best = Cand{std::move(s), cut};
  };
  const Cut whole = uncut(g);
  const std::vector<uint32_t> stage = standard_stages(g, o);
  std::vector<int32_t> refined(g.tasks.size());
  for (const Task& t : g.tasks) refined[t.id.value] = int32_t(stage[t.layer]);
  consider(candidate(g, o, c, whole, &refined), whole);
  consider(candidate(g, o, c, whole, nullptr), whole);
  // Fewer processors: when messages cost more than the tasks they separate, the best placement
  // may leave processors idle, which moves of single tasks cannot reach from a spread start.
  for (uint32_t use = 1; use < o.processors; use *= 2)
    consider(candidate(g, o, c, whole, nullptr, use, best ? &best->s : nullptr), whole);

  if (o.split) search_split(g, o, c, best);

  if (base.predicted_period < best->s.predicted_period) {
    Schedule s = base;
    s.scheduler = "spikepipe";
    s.split = o.split;
    s.note = "no finer placement beat standard pipelining's period; its schedule is used";
    return s;
  }
  Schedule out = std::move(best->s);
  if (o.split) out.note = describe(g, best->cut);
  out.sram_peak = predicted_sram_peak(out, c);
  return out;
}

}  // namespace spikepipe::sched

// `gpipe`: contiguous stages of whole layers (balanced by dynamic programming, one stage per
// processor; the stage count up to min(P, layers) with the shortest period), the mini-batch cut
// into m micro-batches. Each stage runs the forward of every
// micro-batch, then the backward (D, E, G) of every micro-batch in reverse order, then one
// weight update U per layer. F of the next iteration needs this iteration's U (delay 0), so the
// pipeline fills and drains every iteration: the flush that keeps GPipe's gradients fresh.
// A micro-batch's cost comes from the cost model with batch / m (fold counts do not shrink
// linearly), so many micro-batches cost more array time than one mini-batch.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "builder.h"
#include "schedulers.h"
#include "spikepipe/core/error.h"

namespace spikepipe::sched {

namespace {

// gpipe --recompute (GPipe's re-materialisation): each stage keeps only its input per
// micro-batch and re-runs the F of its layers for a micro-batch right before that micro-batch's
// backward. The re-run ops (Op::recompute) copy the F ops' costs (layer 1's re-reads its input
// from DRAM); the stashes that the stage's own D and G read (F_l -> D_l, F_l-1 -> G_l inside the
// stage) now come from them, so they are held from the re-run to the backward instead of from the
// forward of every micro-batch to its backward. The stage input that G of the stage's first layer
// reads still arrives with the forward (that is the input GPipe keeps).
void rematerialise(Schedule& s, const std::vector<std::vector<OpId>>& fwd_ops,
                   const std::vector<uint32_t>& stage_of_layer) {
  const size_t n = s.ops.size();
  // (layer, micro) -> the F op and its re-run
  std::map<std::pair<uint32_t, uint16_t>, OpId> fop, rop;
  for (const auto& ops : fwd_ops)
    for (OpId id : ops) fop[{s.op(id).layer, s.op(id).micro}] = id;
  for (const auto& [key, id] : fop) {
    Op r = s.op(id);
    r.id = OpId(uint32_t(s.ops.size()));
    r.recompute = true;
    if (r.layer != 0) r.dram_read_bytes = 0;
    s.ops.push_back(r);
    rop[key] = r.id;
  }
  for (size_t d = 0; d < s.deps.size(); ++d) {
    Dep& dep = s.deps[d];
    if (dep.src.value >= n) continue;
    const Op& src = s.op(dep.src);
    const Op& dst = s.op(dep.dst);
    if (src.kind != TaskKind::F || src.recompute || dep.kind != TensorKind::Stash) continue;
    if (dst.kind == TaskKind::F || stage_of_layer[dst.layer] != stage_of_layer[src.layer]) continue;
    dep.src = rop.at({src.layer, src.micro});
  }
  // The re-runs chain like the forward inside the stage: R_l-1 -> R_l with the same spikes.
  std::vector<Dep> chain;
  for (const Dep& dep : s.deps) {
    if (dep.kind != TensorKind::Spikes || dep.src.value >= n) continue;
    const Op& src = s.op(dep.src);
    const Op& dst = s.op(dep.dst);
    if (src.kind != TaskKind::F || dst.kind != TaskKind::F || src.recompute) continue;
    if (stage_of_layer[dst.layer] != stage_of_layer[src.layer]) continue;
    chain.push_back(Dep{rop.at({src.layer, src.micro}), rop.at({dst.layer, dst.micro}), 0,
                        TensorKind::Spikes, dep.bytes});
  }
  s.deps.insert(s.deps.end(), chain.begin(), chain.end());
  // Program order: the re-runs of a micro-batch (forward layer order) right before its first
  // backward op.
  for (auto& prog : s.programs) {
    std::vector<OpId> out;
    std::set<uint16_t> done;
    for (OpId id : prog) {
      const Op& op = s.op(id);
      if (op.kind != TaskKind::F && op.kind != TaskKind::U && !done.count(op.micro)) {
        done.insert(op.micro);
        for (const auto& [key, r] : rop)
          if (key.second == op.micro && s.op(r).proc == op.proc) out.push_back(r);
      }
      out.push_back(id);
    }
    prog = std::move(out);
  }
}

Schedule gpipe_stages(const TaskGraph& g, const SchedulerOptions& o, uint32_t S) {
  const uint32_t m = o.micro_batches;
  const CommModel c = o.comm;
  const std::vector<uint32_t> first = partition_layers(g, S, c);
  Builder b(g, "gpipe", o.processors);
  std::vector<std::vector<OpId>> fwd(S);
  std::vector<uint32_t> stage_of_layer(g.layers, 0);
  for (uint32_t st = 0; st < S; ++st) {
    const uint32_t lo = first[st], hi = st + 1 < S ? first[st + 1] : g.layers;
    const std::vector<ProcessorId> proc{ProcessorId(st)};
    for (uint32_t l = lo; l < hi; ++l) stage_of_layer[l] = st;
    for (uint32_t mb = 0; mb < m; ++mb)
      for (uint32_t l = lo; l < hi; ++l)
        for (OpId id : b.add(g.find(TaskKind::F, l), proc, uint16_t(mb), uint16_t(m)))
          fwd[st].push_back(id);
    for (uint32_t mb = m; mb-- > 0;)
      for (uint32_t l = hi; l-- > lo;)
        for (TaskKind k : {TaskKind::D, TaskKind::E, TaskKind::G})
          if (g.has(k, l)) b.add(g.find(k, l), proc, uint16_t(mb), uint16_t(m));
    for (uint32_t l = hi; l-- > lo;) b.add(g.find(TaskKind::U, l), proc);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
  if (o.recompute) rematerialise(s, fwd, stage_of_layer);
  s.micro_batches = m;
  finalize_schedule(s, c, /*memory=*/false);
  return s;
}

}  // namespace

Schedule gpipe(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  const uint32_t m = o.micro_batches;
  if (m > g.batch)
    fail("gpipe", std::to_string(m) + " micro-batches for a batch of " + std::to_string(g.batch),
         "1.." + std::to_string(g.batch));
  // Every stage count up to min(P, layers): with a flush per iteration, more stages add fill and
  // drain, so fewer can be faster (more processors never hurt: the others stay idle).
  const uint32_t most = std::min(o.processors, g.layers);
  std::optional<Schedule> best;
  uint32_t stages = 0;
  for (uint32_t S = 1; S <= most; ++S) {
    Schedule s = gpipe_stages(g, o, S);
    if (!best || s.predicted_period < best->predicted_period) {
      best = std::move(s);
      stages = S;
    }
  }
  Schedule s = std::move(*best);
  note_unused_processors(s, stages, o.processors);
  if (o.recompute)
    s.note += std::string(s.note.empty() ? "" : "; ") +
              "recompute: each stage re-runs its forward before each micro-batch's backward";
  s.sram_peak = predicted_sram_peak(s, o.comm);
  return s;
}

}  // namespace spikepipe::sched

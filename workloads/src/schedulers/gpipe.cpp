// `gpipe`: contiguous stages of whole layers (balanced by dynamic programming, one stage per
// processor; the stage count up to min(P, layers) with the shortest period), the mini-batch cut
// into m micro-batches. Each stage runs the forward of every
// micro-batch, then the backward (D, E, G) of every micro-batch in reverse order, then one
// weight update U per layer. F of the next iteration needs this iteration's U (delay 0), so the
// pipeline fills and drains every iteration: the flush that keeps GPipe's gradients fresh.
// A micro-batch's cost comes from the cost model with batch / m (fold counts do not shrink
// linearly), so many micro-batches cost more array time than one mini-batch.
#include <algorithm>
#include <optional>

#include "builder.h"
#include "schedulers.h"
#include "spikepipe/core/error.h"

namespace spikepipe::sched {

namespace {

Schedule gpipe_stages(const TaskGraph& g, const SchedulerOptions& o, uint32_t S) {
  const uint32_t m = o.micro_batches;
  const CommModel c = o.comm;
  const std::vector<uint32_t> first = partition_layers(g, S, c);
  Builder b(g, "gpipe", o.processors);
  for (uint32_t st = 0; st < S; ++st) {
    const uint32_t lo = first[st], hi = st + 1 < S ? first[st + 1] : g.layers;
    const std::vector<ProcessorId> proc{ProcessorId(st)};
    for (uint32_t mb = 0; mb < m; ++mb)
      for (uint32_t l = lo; l < hi; ++l) b.add(g.find(TaskKind::F, l), proc, uint16_t(mb), uint16_t(m));
    for (uint32_t mb = m; mb-- > 0;)
      for (uint32_t l = hi; l-- > lo;)
        for (TaskKind k : {TaskKind::D, TaskKind::E, TaskKind::G})
          if (g.has(k, l)) b.add(g.find(k, l), proc, uint16_t(mb), uint16_t(m));
    for (uint32_t l = hi; l-- > lo;) b.add(g.find(TaskKind::U, l), proc);
  }
  b.connect();
  Schedule s = std::move(b.schedule());
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
  s.sram_peak = predicted_sram_peak(s, o.comm);
  return s;
}

}  // namespace spikepipe::sched

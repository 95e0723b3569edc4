// `standard`: "standard pipelining" as LayerPipe (and, presumably, the SpikePipe paper) uses the
// term: PipeDream's pipeline with every stage on one processor (no replication; pipedream.cpp
// is PipeDream's full planner). Kept because it is the paper's baseline, spikepipe's starting
// placement and the reference of the communication overhead (METHOD.md §6).
// Contiguous stages of whole layers, balanced by dynamic programming, one stage per processor
// (when P > layers only `layers` processors have work; the summary says so). Each stage has a
// forward block (F of its layers) and a backward block (D, E, G, U of its layers, last layer
// first) that runs as one unit: consecutive ops, nothing in between. Modulo scheduling the two
// blocks per stage at the period Pi = the largest stage load gives the one-forward-one-backward
// steady state: stage s holds the forward of a newer mini-batch and the backward of an older
// one, and weight stashing lets the backward use the weights its forward used. The delays come
// out as d_l = (stages after l's stage) when forward and backward fill the period exactly; the
// LayerPipe2 rule d_l = 2 S(l) counts one period per forward and per backward stage crossing,
// which a 1F1B stage that runs both in one period halves (tests/unit/workloads check both).
#include <algorithm>

#include "builder.h"
#include "schedulers.h"

namespace spikepipe::sched {

void note_unused_processors(Schedule& s, uint32_t stages, uint32_t processors) {
  if (stages < processors) {
    s.note = "only " + std::to_string(stages) + " of " + std::to_string(processors) +
             " processors used (one stage per processor, a stage of whole layers)";
  }
}

std::vector<uint32_t> standard_stages(const TaskGraph& g, const SchedulerOptions& o) {
  const uint32_t S = std::min(o.processors, g.layers);
  const std::vector<uint32_t> first = partition_layers(g, S, o.comm);
  std::vector<uint32_t> stage(g.layers, 0);
  for (uint32_t st = 0; st < S; ++st)
    for (uint32_t l = first[st]; l < (st + 1 < S ? first[st + 1] : g.layers); ++l) stage[l] = st;
  return stage;
}

Schedule standard(const TaskGraph& g, const SchedulerOptions& o) {
  o.validate();
  const CommModel c = o.comm;
  const std::vector<uint32_t> stage = standard_stages(g, o);
  const uint32_t S = stage.back() + 1;
  Builder b(g, "standard", o.processors);
  std::vector<Block> fwd(S), bwd(S);
  for (uint32_t l = 0; l < g.layers; ++l)
    fwd[stage[l]].ops.push_back(b.add(g.find(TaskKind::F, l), {ProcessorId(stage[l])}).front());
  for (uint32_t l = g.layers; l-- > 0;)
    for (TaskKind k : {TaskKind::D, TaskKind::E, TaskKind::G, TaskKind::U})
      if (g.has(k, l)) bwd[stage[l]].ops.push_back(b.add(g.find(k, l), {ProcessorId(stage[l])}).front());
  b.connect();
  Schedule s = std::move(b.schedule());
  std::vector<Block> blocks = fwd;
  for (uint32_t st = S; st-- > 0;) blocks.push_back(bwd[st]);
  modulo_schedule(s, blocks, c, g.layers);
  note_unused_processors(s, S, o.processors);
  finalize_schedule(s, c);
  return s;
}

}  // namespace spikepipe::sched

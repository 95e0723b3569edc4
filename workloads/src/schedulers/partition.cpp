// Contiguous stages of whole layers, balanced by dynamic programming (gpipe, pipedream).
// A stage's cost is everything its processor does per iteration: all tasks of its layers (F1's
// DRAM read included) plus injecting the messages that leave the stage (spikes and stash
// forward, errors backward). best[s][j] = smallest possible largest cost when layers [0, j) form
// s stages; O(L^2 S) with L <= a few dozen layers.
#include <algorithm>
#include <limits>

#include "builder.h"
#include "spikepipe/core/error.h"

namespace spikepipe::sched {

std::vector<uint32_t> partition_layers(const TaskGraph& g, uint32_t stages, const CommModel& c) {
  const uint32_t L = g.layers;
  if (stages == 0 || stages > L) fail("partition", "cannot cut " + std::to_string(L) + " layers into " +
                                                        std::to_string(stages) + " stages");
  std::vector<Cycles> compute(L, 0);
  for (const Task& t : g.tasks) compute[t.layer] += t.cycles();
  compute[0] += c.dram(g.input_bytes);
  auto cost = [&](uint32_t i, uint32_t j) {  // layers [i, j)
    Cycles sum = 0;
    for (uint32_t l = i; l < j; ++l) sum += compute[l];
    for (const Edge& e : g.edges) {
      const uint32_t a = g.task(e.src).layer, b = g.task(e.dst).layer;
      if (a >= i && a < j && (b < i || b >= j)) sum += c.inject(e.bytes);
    }
    return sum;
  };
  constexpr Cycles kInf = std::numeric_limits<Cycles>::max();
  std::vector<std::vector<Cycles>> best(stages + 1, std::vector<Cycles>(L + 1, kInf));
  std::vector<std::vector<uint32_t>> cut(stages + 1, std::vector<uint32_t>(L + 1, 0));
  best[0][0] = 0;
  for (uint32_t s = 1; s <= stages; ++s)
    for (uint32_t j = s; j <= L; ++j)
      for (uint32_t i = s - 1; i < j; ++i) {
        if (best[s - 1][i] == kInf) continue;
        const Cycles v = std::max(best[s - 1][i], cost(i, j));
        if (v < best[s][j]) {
          best[s][j] = v;
          cut[s][j] = i;
        }
      }
  std::vector<uint32_t> first(stages);
  uint32_t j = L;
  for (uint32_t s = stages; s >= 1; --s) {
    first[s - 1] = cut[s][j];
    j = cut[s][j];
  }
  return first;
}

}  // namespace spikepipe::sched

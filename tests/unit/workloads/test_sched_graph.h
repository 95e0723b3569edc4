#pragma once
// Hand-built task graphs for the scheduler tests: element-wise tasks on a 1-lane vector unit,
// so that a task (or a part, or a micro-batch) costs exactly its element count in cycles.
#include <map>
#include <string>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::test {

// Cycles per task of a 2-layer net; names as in the paper ("F1", "E2").
inline const std::map<std::string, Cycles>& two_layer_costs() {
  static const std::map<std::string, Cycles> c = {{"F1", 40}, {"F2", 20}, {"D2", 10},
                                                  {"E2", 20}, {"G2", 20}, {"U2", 10},
                                                  {"D1", 10}, {"G1", 30}, {"U1", 20}};
  return c;
}

// The METHOD.md §4 edges of a 2-layer net, all carrying `bytes`.
inline TaskGraph two_layer_graph(uint64_t bytes = 0) {
  TaskGraph g;
  g.network = "hand-2layer";
  g.layers = 2;
  g.batch = 4;
  g.timesteps = 1;
  g.array.vector_lanes = 1;
  g.index.assign(2, {-1, -1, -1, -1, -1});
  const char* order[] = {"F1", "F2", "D2", "E2", "G2", "U2", "D1", "G1", "U1"};
  for (const char* name : order) {
    Task t;
    t.id = TaskId(uint32_t(g.tasks.size()));
    t.name = name;
    t.kind = name[0] == 'F' ? TaskKind::F
             : name[0] == 'D' ? TaskKind::D
             : name[0] == 'E' ? TaskKind::E
             : name[0] == 'G' ? TaskKind::G
                              : TaskKind::U;
    t.layer = uint32_t(name[1] - '1');
    t.vector_elements = two_layer_costs().at(name);
    t.vector_steps = 1;
    t.vector_cycles = t.vector_elements;
    g.index[t.layer][size_t(t.kind)] = int32_t(t.id.value);
    g.tasks.push_back(t);
  }
  auto id = [&](TaskKind k, uint32_t l) { return TaskId(uint32_t(g.index[l][size_t(k)])); };
  auto edge = [&](TaskId a, TaskId b, TensorKind k, uint32_t dist = 0) {
    g.edges.push_back(Edge{a, b, k, bytes, dist});
  };
  using K = TaskKind;
  using T = TensorKind;
  edge(id(K::F, 0), id(K::F, 1), T::Spikes);
  edge(id(K::F, 0), id(K::G, 0), T::Stash);
  edge(id(K::F, 0), id(K::D, 0), T::Stash);
  edge(id(K::F, 0), id(K::G, 1), T::Stash);
  edge(id(K::F, 1), id(K::D, 1), T::Stash);
  edge(id(K::D, 1), id(K::E, 1), T::Errors);
  edge(id(K::D, 1), id(K::G, 1), T::Errors);
  edge(id(K::E, 1), id(K::D, 0), T::Errors);
  edge(id(K::D, 0), id(K::G, 0), T::Errors);
  edge(id(K::G, 1), id(K::U, 1), T::Gradients);
  edge(id(K::G, 0), id(K::U, 0), T::Gradients);
  edge(id(K::U, 1), id(K::F, 1), T::Weights, 1);
  edge(id(K::U, 1), id(K::E, 1), T::Weights, 1);
  edge(id(K::U, 0), id(K::F, 0), T::Weights, 1);
  g.weight_bytes = {bytes, bytes};
  return g;
}

// Communication that costs nothing (no bytes cross; no head latency).
inline SchedulerOptions free_comm(uint32_t processors) {
  SchedulerOptions o;
  o.processors = processors;
  o.comm.hop_latency = 0;
  return o;
}

}  // namespace spikepipe::test

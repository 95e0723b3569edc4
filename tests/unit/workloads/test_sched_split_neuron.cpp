// Bytes of the by-neuron split (spikepipe --split): a layer's F, D, G (by rows) and U (by rows)
// cut into the same output-neuron ranges on the same processors, E cut by rows or by columns.
// Hand-built 2-layer graph, 64 bytes on every edge (test_sched_graph.h), layer 2 cut in two
// (part i on processor i), layer 1 whole on processor 0.
#include <gtest/gtest.h>

#include <array>

#include "../../../workloads/src/schedulers/builder.h"
#include "spikepipe/workloads/analysis.h"
#include "test_sched_graph.h"

namespace spikepipe {
namespace {

using K = TaskKind;
using T = TensorKind;

// Remote bytes per tensor kind when layer 2 is cut by neuron and E2 by rows (`e_rows`) or columns.
std::array<uint64_t, kTensorKinds> remote_bytes(bool e_rows, Schedule* out = nullptr) {
  const TaskGraph g = test::two_layer_graph(64);
  sched::Builder b(g, "spikepipe", 2);
  const std::vector<ProcessorId> both{ProcessorId(0), ProcessorId(1)}, p0{ProcessorId(0)};
  for (const Task& t : g.tasks) {
    if (t.layer == 0) b.add(t.id, p0);
    else b.add(t.id, both, 0, 1, t.kind == K::G || t.kind == K::U || (t.kind == K::E && e_rows));
  }
  b.connect();
  const Schedule& s = b.schedule();
  std::array<uint64_t, kTensorKinds> by{};
  for (const Dep& d : s.deps)
    if (s.remote(d)) by[size_t(d.kind)] += d.bytes;
  if (out) *out = s;
  return by;
}

TEST(SchedSplitNeuron, SlicesOfOneLayerStayLocalWithERows) {
  // spikes: F2[2] needs all of F1's output: 64 B.  stash: G2[2] by rows needs all input spikes
  // of layer 2 (64 B); F2 -> D2 stays in its neuron range (local).  errors: D2 -> G2 by rows is
  // local; E2 by rows gets one 16 B block from the other D2 part each (2 x 16), and E2[2] sends
  // its 32 B half to D1 on processor 0: 64 B.  weights: E2 by rows needs all of W2, the other U2
  // part's 32 B each: 64 B; U2 -> F2 same rows (local).  gradients: G2 -> U2 same rows: 0.
  const auto by = remote_bytes(true);
  EXPECT_EQ(by[size_t(T::Spikes)], 64u);
  EXPECT_EQ(by[size_t(T::Stash)], 64u);
  EXPECT_EQ(by[size_t(T::Errors)], 64u);
  EXPECT_EQ(by[size_t(T::Weights)], 64u);
  EXPECT_EQ(by[size_t(T::Gradients)], 0u);
}

TEST(SchedSplitNeuron, EByColumnsGathersAllErrorsAndWeightBlocks) {
  // errors: each E2 part by fan-in columns needs all of delta2, the other D2 part's 32 B each
  // (64), plus E2[2] -> D1 32 B: 96 B.  weights: a row range of W2 (U2) meets a column range
  // (E2): 16 B blocks, the 2 off-diagonal ones cross: 32 B.  The rest as with E by rows.
  const auto by = remote_bytes(false);
  EXPECT_EQ(by[size_t(T::Spikes)], 64u);
  EXPECT_EQ(by[size_t(T::Stash)], 64u);
  EXPECT_EQ(by[size_t(T::Errors)], 96u);
  EXPECT_EQ(by[size_t(T::Weights)], 32u);
  EXPECT_EQ(by[size_t(T::Gradients)], 0u);
}

TEST(SchedSplitNeuron, LoadsCountTheInjectionOfEverySend) {
  // Processor 0 computes all of layer 1 (40 + 10 + 30 + 20) and half of layer 2 (10 + 5 + 10 +
  // 10 + 5 = 40): 140 cycles; it sends F1 -> F2[2] 64 B, F1 -> G2[2] 64 B (2 + 2 cycles at
  // 32 B/cycle), D2[1] -> E2[2] 16 B, U2[1] -> E2[2] 32 B (1 + 1): 146. Processor 1: 40 cycles,
  // sends D2[2] -> E2[1] 16 B, E2[2] -> D1 32 B, U2[2] -> E2[1] 32 B: 3 cycles: 43.
  Schedule s;
  remote_bytes(true, &s);
  EXPECT_EQ(processor_loads(s, CommModel::from(test::free_comm(2))), (std::vector<Cycles>{146, 43}));
}

TEST(SchedSplitNeuron, ReplicatedInputComesFromOnePartOfF1) {
  // Every part of F1 reads the whole input from DRAM, so a row-cut G1 part takes all of it from
  // the F1 part with its own index (64 B each, 0 remote when co-located) instead of a share from
  // every part.
  const TaskGraph g = test::two_layer_graph(64);
  sched::Builder b(g, "spikepipe", 2);
  const std::vector<ProcessorId> both{ProcessorId(0), ProcessorId(1)};
  for (const Task& t : g.tasks) b.add(t.id, both, 0, 1, t.kind == K::G || t.kind == K::U);
  b.connect();
  const Schedule& s = b.schedule();
  const TaskId f1 = g.find(K::F, 0), g1 = g.find(K::G, 0);
  uint32_t n = 0;
  for (const Dep& d : s.deps) {
    if (s.op(d.src).task != f1 || s.op(d.dst).task != g1) continue;
    ++n;
    EXPECT_EQ(d.bytes, 64u);
    EXPECT_EQ(s.op(d.src).part, s.op(d.dst).part);
    EXPECT_FALSE(s.remote(d));
  }
  EXPECT_EQ(n, 2u);
}

}  // namespace
}  // namespace spikepipe

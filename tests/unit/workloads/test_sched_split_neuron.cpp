// Bytes of the split layouts of spikepipe --split (builder.h Layout): by neuron (a layer's F, D,
// G by rows and U by rows cut into the same output-neuron ranges on the same processors, E by
// samples or by columns) and by samples (data parallel). Hand-built 2-layer graph, 64 bytes on
// every edge (test_sched_graph.h), layer 2 cut in two (part i on processor i), layer 1 whole on
// processor 0 unless said otherwise.
#include <gtest/gtest.h>

#include <array>

#include "../../../workloads/src/schedulers/builder.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"
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
    if (t.layer == 0)
      b.add(t.id, p0);
    else
      b.add(t.id, both, 0, 1,
            t.kind == K::G || t.kind == K::U || (t.kind == K::E && e_rows) ? sched::Layout::Rows
                                                                           : sched::Layout::Cols);
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
  // 32 B/cycle): 144. Processor 1: 40 cycles, sends E2[2] -> D1 32 B: 1 cycle: 41. The exchanges
  // between two cut tasks, D2 -> E2 (neuron ranges meet sample ranges: 16 B blocks) and U2 -> E2
  // (each E2 part by samples needs all of W2: 32 B), are collectives (docs/EXECUTION.md §7),
  // sent by the NoC interfaces beside compute: in no processor's load.
  Schedule s;
  remote_bytes(true, &s);
  EXPECT_EQ(processor_loads(s, test::free_comm(2).comm),
            (std::vector<Cycles>{144, 41}));
}

TEST(SchedSplitNeuron, ReplicatedInputComesFromOnePartOfF1) {
  // Every part of F1 reads the whole input from DRAM, so a row-cut G1 part takes all of it from
  // the F1 part with its own index (64 B each, 0 remote when co-located) instead of a share from
  // every part.
  const TaskGraph g = test::two_layer_graph(64);
  sched::Builder b(g, "spikepipe", 2);
  const std::vector<ProcessorId> both{ProcessorId(0), ProcessorId(1)};
  for (const Task& t : g.tasks)
    b.add(t.id, both, 0, 1,
          t.kind == K::G || t.kind == K::U ? sched::Layout::Rows : sched::Layout::Cols);
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

TEST(SchedSplitSamples, DataParallelLayerMovesWeightsAndPartialGradients) {
  // Layer 2 cut by samples (F2, D2, E2, G2 halves on processors 0 and 1), U2 whole on 0, layer 1
  // whole on 0. Activations stay with their samples: F1 -> F2[2] and F1 -> G2[2] carry half of
  // the spikes / stash (32 B each), E2[2] -> D1 half of the errors (32 B); F2 -> D2 -> E2, G2
  // are local. Every F2 and E2 part needs all of W2 (64 B to F2[2] and to E2[2]), and every G2
  // part sends a partial gradient of all of W2 to U2 (64 B from G2[2]).
  TaskGraph g = test::two_layer_graph(64);
  sched::Builder b(g, "spikepipe", 2);
  const std::vector<ProcessorId> both{ProcessorId(0), ProcessorId(1)}, p0{ProcessorId(0)};
  for (const Task& t : g.tasks)
    b.add(t.id, t.layer == 1 && t.kind != K::U ? both : p0, 0, 1, sched::Layout::Samples);
  b.connect();
  const Schedule& s = b.schedule();
  std::array<uint64_t, kTensorKinds> by{};
  for (const Dep& d : s.deps)
    if (s.remote(d)) by[size_t(d.kind)] += d.bytes;
  EXPECT_EQ(by[size_t(T::Spikes)], 32u);
  EXPECT_EQ(by[size_t(T::Stash)], 32u);
  EXPECT_EQ(by[size_t(T::Errors)], 32u);
  EXPECT_EQ(by[size_t(T::Weights)], 128u);
  EXPECT_EQ(by[size_t(T::Gradients)], 64u);
  // U2 sums the two partial gradients: 2 x 10 elements on a 1-lane vector unit.
  for (const Op& op : s.ops) {
    if (op.task == g.find(K::U, 1)) {
      EXPECT_EQ(op.vector_cycles, 20u);
    }
  }
}

TEST(SchedSplitSamples, FirstLayerBySamplesReadsOnlyItsInput) {
  TaskGraph g = test::two_layer_graph(64);
  g.input_bytes = 101;
  for (sched::Layout l : {sched::Layout::Samples, sched::Layout::Cols}) {
    sched::Builder b(g, "spikepipe", 2);
    for (const Task& t : g.tasks) b.add(t.id, {ProcessorId(0), ProcessorId(1)}, 0, 1, l);
    std::vector<uint64_t> reads;
    for (const Op& op : b.schedule().ops)
      if (op.task == g.find(K::F, 0)) reads.push_back(op.dram_read_bytes);
    if (l == sched::Layout::Samples)
      EXPECT_EQ(reads, (std::vector<uint64_t>{51, 50}));
    else
      EXPECT_EQ(reads, (std::vector<uint64_t>{101, 101}));
  }
}

TEST(SchedSplitSamples, UsefulPartsFollowTheDataflow) {
  // G: M = 100 (fan_out), N = 64 (fan_in), K = 640 (samples x steps x positions), 32 x 32 array.
  Task t;
  t.kind = K::G;
  t.gemm = GemmShape{100, 64, 640};
  ArrayParams a;  // os: M on rows, N on columns, K streamed
  EXPECT_EQ(sched::useful_parts(t, a, sched::Layout::Cols), 2u);       // ceil(64 / 32)
  EXPECT_EQ(sched::useful_parts(t, a, sched::Layout::Rows), 4u);       // ceil(100 / 32)
  EXPECT_EQ(sched::useful_parts(t, a, sched::Layout::Samples), 640u);  // streamed: every row
  a.dataflow = Dataflow::WS;  // ws: K on rows, N on columns, M streamed
  EXPECT_EQ(sched::useful_parts(t, a, sched::Layout::Rows), 100u);
  EXPECT_EQ(sched::useful_parts(t, a, sched::Layout::Samples), 20u);  // ceil(640 / 32)
  EXPECT_EQ(sched::max_parts(t, sched::Layout::Samples), 640u);
}

TEST(SchedSplitSamples, LargeMachinesKeepTheInvariants) {
  // Above 16 processors the split search is effort-bounded; its schedules stay valid.
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  SchedulerOptions o;
  o.processors = 32;
  o.comm.mean_hops = 3.0;
  const Schedule pd = make_schedule("standard", g, o);
  const Schedule whole = make_schedule("spikepipe", g, o);
  o.split = true;
  const Schedule s = make_schedule("spikepipe", g, o);
  ASSERT_NO_THROW(validate_schedule(s, g));
  EXPECT_GE(s.predicted_period, s.lower_bound);
  EXPECT_LE(s.predicted_period, whole.predicted_period);
  EXPECT_LE(s.predicted_period, pd.predicted_period);
}

}  // namespace
}  // namespace spikepipe

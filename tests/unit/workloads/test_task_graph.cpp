// Task shapes, costs and edge bytes of a small network worked out by hand (docs/EXECUTION.md).
#include <gtest/gtest.h>

#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {
namespace {

// 4x4x1 input -> conv 3x3x2 pad 1 + pool 2 -> fc 5; T = 2, B = 3 (BT = 6), 8-bit errors,
// 16-bit weights.
//   conv: 4x4 positions, fan_in 9, fan_out 2, 18 weights, 16 inputs, 32 neurons, 8 outputs.
//   fc:   1 position,   fan_in 8, fan_out 5, 40 weights,  8 inputs,  5 neurons, 5 outputs.
Network two_layer() {
  Network n;
  n.name = "tiny";
  n.in_h = n.in_w = 4;
  n.in_c = 1;
  n.timesteps = 2;
  n.batch = 3;
  n.act_bits = 8;
  n.weight_bits = 16;
  Layer c;
  c.kind = LayerKind::Conv;
  c.in_h = c.in_w = 4;
  c.in_c = 1;
  c.kernel_h = c.kernel_w = 3;
  c.pad = 1;
  c.out_c = 2;
  c.pool = 2;
  Layer f;
  f.kind = LayerKind::FC;
  f.in_c = 8;
  f.out_c = 5;
  n.layers = {c, f};
  return n;
}

ArrayParams array4() {
  ArrayParams a;
  a.rows = a.cols = 4;
  a.dataflow = Dataflow::OS;
  a.vector_lanes = 4;
  return a;
}

const Task& task(const TaskGraph& g, TaskKind k, uint32_t l) { return g.task(g.find(k, l)); }

const Edge& edge(const TaskGraph& g, TaskKind sk, uint32_t sl, TaskKind dk, uint32_t dl) {
  const TaskId s = g.find(sk, sl), d = g.find(dk, dl);
  for (const Edge& e : g.edges)
    if (e.src == s && e.dst == d) return e;
  ADD_FAILURE() << "no edge";
  return g.edges.front();
}

TEST(ConvLowering, Im2colShapes) {
  Layer c;
  c.kind = LayerKind::Conv;
  c.in_h = c.in_w = 32;
  c.in_c = 3;
  c.kernel_h = c.kernel_w = 3;
  c.stride = 2;
  c.pad = 1;
  c.out_c = 16;
  // (32 + 2 - 3) / 2 + 1 = 16 per side: P = 256, K = 3*3*3 = 27, N = 16.
  EXPECT_EQ(c.conv_h(), 16u);
  EXPECT_EQ(c.positions(), 256u);
  EXPECT_EQ(c.fan_in(), 27u);
  EXPECT_EQ(c.fan_out(), 16u);
  EXPECT_EQ(c.weights(), 432u);
  c.stride = 1;
  c.pad = 0;
  c.in_h = 8;
  c.in_w = 6;
  // (8 - 3) + 1 = 6 rows, (6 - 3) + 1 = 4 columns.
  EXPECT_EQ(c.conv_h(), 6u);
  EXPECT_EQ(c.conv_w(), 4u);
  c.pool = 2;
  EXPECT_EQ(c.outputs(), 3u * 2 * 16);
  EXPECT_EQ(c.neurons(), 24u * 16);
}

TEST(TaskGraph, TasksInTopologicalOrder) {
  const TaskGraph g = build_task_graph(two_layer(), array4());
  std::string order;
  for (const Task& t : g.tasks) order += t.name + " ";
  EXPECT_EQ(order, "F1 F2 D2 E2 G2 U2 D1 G1 U1 ");
  EXPECT_FALSE(g.has(TaskKind::E, 0));
  EXPECT_THROW(g.find(TaskKind::E, 0), Error);
  for (uint32_t i = 0; i < g.tasks.size(); ++i) EXPECT_EQ(g.tasks[i].id.value, i);
}

TEST(TaskGraph, ShapesAndCyclesOfATwoLayerNet) {
  const TaskGraph g = build_task_graph(two_layer(), array4());
  // 4x4 os: cycles/fold = K + 6.
  const Task& f1 = task(g, TaskKind::F, 0);  // M = 6*16 = 96, N = 2, K = 9: 24 folds * 15
  EXPECT_EQ(f1.gemm.M, 96u);
  EXPECT_EQ(f1.gemm.N, 2u);
  EXPECT_EQ(f1.gemm.K, 9u);
  EXPECT_EQ(f1.array_cycles, 360u);
  EXPECT_EQ(f1.vector_elements, 192u);       // 3 * 32 neurons, doubled by the pool
  EXPECT_EQ(f1.vector_cycles, 48u * 2);      // ceil(192/4) per step, 2 steps
  const Task& f2 = task(g, TaskKind::F, 1);  // M = 6, N = 5, K = 8: 2*2 folds * 14
  EXPECT_EQ(f2.array_cycles, 56u);
  EXPECT_EQ(f2.vector_cycles, 8u);  // ceil(15/4) = 4, 2 steps
  const Task& d2 = task(g, TaskKind::D, 1);
  EXPECT_TRUE(d2.gemm.empty());
  EXPECT_EQ(d2.array_cycles, 0u);
  EXPECT_EQ(d2.vector_cycles, 8u);
  const Task& e2 = task(g, TaskKind::E, 1);  // M = 6, N = 8, K = 5: 2*2 folds * 11
  EXPECT_EQ(e2.gemm.M, 6u);
  EXPECT_EQ(e2.gemm.N, 8u);
  EXPECT_EQ(e2.gemm.K, 5u);
  EXPECT_EQ(e2.cycles(), 44u);
  const Task& g2 = task(g, TaskKind::G, 1);  // M = 5, N = 8, K = 6: 2*2 folds * 12
  EXPECT_EQ(g2.gemm.M, 5u);
  EXPECT_EQ(g2.gemm.N, 8u);
  EXPECT_EQ(g2.gemm.K, 6u);
  EXPECT_EQ(g2.cycles(), 48u);
  EXPECT_EQ(task(g, TaskKind::U, 1).cycles(), 10u);  // 40 weights / 4 lanes
  EXPECT_EQ(task(g, TaskKind::D, 0).cycles(), 48u);  // ceil(96/4) * 2
  const Task& g1 = task(g, TaskKind::G, 0);          // M = 2, N = 9, K = 96: 1*3 folds * 102
  EXPECT_EQ(g1.cycles(), 306u);
  EXPECT_EQ(task(g, TaskKind::U, 0).cycles(), 5u);  // ceil(18/4)
  EXPECT_EQ(g.total_cycles(), 456u + 64 + 8 + 44 + 48 + 10 + 48 + 306 + 5);
}

TEST(TaskGraph, EdgeBytesOfATwoLayerNet) {
  const TaskGraph g = build_task_graph(two_layer(), array4());
  using K = TaskKind;
  EXPECT_EQ(g.edges.size(), 14u);
  EXPECT_EQ(edge(g, K::F, 0, K::F, 1).bytes, 6u);  // 6 * 8 spikes = 48 bits
  EXPECT_EQ(edge(g, K::F, 0, K::F, 1).kind, TensorKind::Spikes);
  EXPECT_EQ(edge(g, K::F, 0, K::D, 0).bytes, 216u);  // 6 * 32 * (8+1) bits
  EXPECT_EQ(edge(g, K::F, 1, K::D, 1).bytes, 34u);   // 6 * 5 * 9 = 270 bits -> 34 bytes
  EXPECT_EQ(edge(g, K::D, 1, K::E, 1).bytes, 30u);   // 6 * 5 * 8 bits
  EXPECT_EQ(edge(g, K::E, 1, K::D, 0).bytes, 48u);   // 6 * 8 inputs * 8 bits
  EXPECT_EQ(edge(g, K::E, 1, K::D, 0).kind, TensorKind::Errors);
  EXPECT_EQ(edge(g, K::D, 1, K::G, 1).bytes, 30u);
  EXPECT_EQ(edge(g, K::D, 0, K::G, 0).bytes, 192u);  // 6 * 32 * 8 bits
  EXPECT_EQ(edge(g, K::F, 0, K::G, 1).bytes, 6u);    // stashed input spikes of layer 2
  EXPECT_EQ(edge(g, K::F, 0, K::G, 1).kind, TensorKind::Stash);
  EXPECT_EQ(edge(g, K::F, 0, K::G, 0).bytes, 12u);  // F1 holds the 6 * 16 input spikes
  EXPECT_EQ(edge(g, K::G, 0, K::U, 0).bytes, 36u);  // 18 * 16 bits
  EXPECT_EQ(edge(g, K::G, 1, K::U, 1).kind, TensorKind::Gradients);
  const Edge& w = edge(g, K::U, 1, K::E, 1);
  EXPECT_EQ(w.bytes, 80u);
  EXPECT_EQ(w.distance, 1u);
  EXPECT_TRUE(w.weight_feedback());
  EXPECT_EQ(edge(g, K::U, 0, K::F, 0).distance, 1u);
  EXPECT_EQ(edge(g, K::F, 0, K::D, 0).distance, 0u);
  EXPECT_EQ(g.input_bytes, 12u);
  ASSERT_EQ(g.weight_bytes.size(), 2u);
  EXPECT_EQ(g.weight_bytes[0], 36u);
  EXPECT_EQ(g.weight_bytes[1], 80u);
  // bytes_in / bytes_out are the sums over the task's edges.
  EXPECT_EQ(task(g, K::F, 0).bytes_in, 36u);
  EXPECT_EQ(task(g, K::F, 0).bytes_out, 6u + 216 + 12 + 6);
  EXPECT_EQ(task(g, K::D, 0).bytes_in, 216u + 48);
  EXPECT_EQ(task(g, K::D, 0).bytes_out, 192u);
  EXPECT_EQ(task(g, K::U, 1).bytes_out, 160u);
}

// SRAM <-> array / vector operand traffic (bytes) of the two-layer net on 4x4 os, BT = 6,
// act_bits = 8, weight_bits = 16. GEMM elements from cost_model.cpp's closed forms.
TEST(TaskGraph, SramOperandTrafficOfATwoLayerNet) {
  const TaskGraph g = build_task_graph(two_layer(), array4());
  using K = TaskKind;
  // F1: M = 96, N = 2, K = 9. X = 96*9*ceil(2/4) = 864 spikes -> 108 B; W = 9*2*ceil(96/4) = 432
  // x 16 bit = 864 B; Y = 192 currents x 8 bit = 192 B.
  const Task& f1 = task(g, K::F, 0);
  EXPECT_EQ(f1.gemm_cost.ifmap_reads, 864u);
  EXPECT_EQ(f1.gemm_cost.filter_reads, 432u);
  EXPECT_EQ(f1.gemm_cost.ofmap_writes, 192u);
  EXPECT_EQ(f1.array_read_bytes, 108u + 864);
  EXPECT_EQ(f1.array_write_bytes, 192u);
  // Scan: 6*32 = 192 element-steps reading 2*8+1 bits (408 B), writing 8+1 bits (216 B);
  // pooling reads the 192 spikes (24 B) and writes 6*8 pooled ones (6 B).
  EXPECT_EQ(f1.vector_read_bytes, 408u + 24);
  EXPECT_EQ(f1.vector_write_bytes, 216u + 6);
  EXPECT_EQ(f1.sram_read_bytes(), 972u + 432);
  EXPECT_EQ(f1.sram_write_bytes(), 192u + 222);
  // F2: M = 6, N = 5, K = 8: X = 6*8*2 = 96 -> 12 B, W = 8*5*2 = 80 -> 160 B, Y = 30 -> 30 B;
  // scan 30 element-steps: 510 bits -> 64 B read, 270 bits -> 34 B written.
  const Task& f2 = task(g, K::F, 1);
  EXPECT_EQ(f2.array_read_bytes, 12u + 160);
  EXPECT_EQ(f2.array_write_bytes, 30u);
  EXPECT_EQ(f2.vector_read_bytes, 64u);
  EXPECT_EQ(f2.vector_write_bytes, 34u);
  // D2: 30 element-steps reading 3*8+1 bits (750 bits -> 94 B), writing 8 bits (30 B).
  EXPECT_EQ(task(g, K::D, 1).sram_read_bytes(), 94u);
  EXPECT_EQ(task(g, K::D, 1).sram_write_bytes(), 30u);
  EXPECT_EQ(task(g, K::D, 1).array_read_bytes, 0u);
  // E2: M = 6, N = 8, K = 5: X = 6*5*2 = 60 errors (60 B), W = 5*8*2 = 80 weights (160 B),
  // Y = 48 errors (48 B).
  EXPECT_EQ(task(g, K::E, 1).sram_read_bytes(), 60u + 160);
  EXPECT_EQ(task(g, K::E, 1).sram_write_bytes(), 48u);
  // G2: M = 5, N = 8, K = 6: X = 5*6*2 = 60 errors (60 B), W = 6*8*2 = 96 spikes (12 B),
  // Y = 40 gradients (80 B).
  EXPECT_EQ(task(g, K::G, 1).sram_read_bytes(), 60u + 12);
  EXPECT_EQ(task(g, K::G, 1).sram_write_bytes(), 80u);
  // U2: 40 weights, reading weight + gradient (160 B), writing the weight (80 B).
  EXPECT_EQ(task(g, K::U, 1).sram_read_bytes(), 160u);
  EXPECT_EQ(task(g, K::U, 1).sram_write_bytes(), 80u);
  // D1: 192 element-steps: 4800 bits -> 600 B read, 1536 bits -> 192 B written.
  EXPECT_EQ(task(g, K::D, 0).sram_read_bytes(), 600u);
  EXPECT_EQ(task(g, K::D, 0).sram_write_bytes(), 192u);
  // G1: M = 2, N = 9, K = 96: X = 2*96*3 = 576 errors (576 B), W = 96*9*1 = 864 spikes (108 B),
  // Y = 18 gradients (36 B).
  EXPECT_EQ(task(g, K::G, 0).sram_read_bytes(), 576u + 108);
  EXPECT_EQ(task(g, K::G, 0).sram_write_bytes(), 36u);
  EXPECT_EQ(task(g, K::U, 0).sram_read_bytes(), 72u);
  EXPECT_EQ(task(g, K::U, 0).sram_write_bytes(), 36u);
  EXPECT_EQ(g.sram_bytes(), 1818u + 300 + 124 + 268 + 152 + 240 + 792 + 720 + 108);
}

TEST(TaskGraph, ZeroSkippingLeavesOperandTrafficDense) {
  ArrayParams a = array4();
  a.sparsity = true;
  a.firing_rate = 0.5;
  const TaskGraph g = build_task_graph(two_layer(), a);
  EXPECT_EQ(task(g, TaskKind::F, 0).array_read_bytes, 972u);
  EXPECT_EQ(task(g, TaskKind::G, 0).array_read_bytes, 684u);
}

TEST(TaskGraph, EveryEdgeGoesForwardInsideAnIteration) {
  const TaskGraph g = build_task_graph(two_layer(), array4());
  for (const Edge& e : g.edges) {
    if (e.distance == 0) {
      EXPECT_LT(e.src.value, e.dst.value) << g.task(e.src).name << "->" << g.task(e.dst).name;
    } else {
      EXPECT_TRUE(e.weight_feedback());
    }
  }
  EXPECT_EQ(g.in_edges(g.find(TaskKind::E, 1)).size(), 2u);   // D2, U2
  EXPECT_EQ(g.out_edges(g.find(TaskKind::F, 0)).size(), 4u);  // F2, D1, G1, G2
}

TEST(TaskGraph, SparsityScalesOnlySpikeDrivenGemms) {
  ArrayParams a = array4();
  a.sparsity = true;
  a.firing_rate = 0.5;
  const TaskGraph g = build_task_graph(two_layer(), a);
  EXPECT_EQ(task(g, TaskKind::F, 0).array_cycles, 180u);  // 360 * 0.5
  EXPECT_EQ(task(g, TaskKind::G, 0).array_cycles, 153u);  // 306 * 0.5
  EXPECT_EQ(task(g, TaskKind::E, 1).array_cycles, 44u);   // errors are dense
  EXPECT_EQ(task(g, TaskKind::F, 0).vector_cycles, 96u);
  EXPECT_EQ(task(g, TaskKind::F, 0).gemm_cost.macs, 1728u);  // dense MACs: 96*2*9
}

TEST(TaskGraph, RejectsAnUnchainedNetwork) {
  Network n = two_layer();
  n.layers[1].in_c = 9;  // the conv + pool gives 2x2x2 = 8 features
  try {
    build_task_graph(n, array4());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace spikepipe

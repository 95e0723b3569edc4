// The action table, its file, and the actions of a task, on cases worked out by hand
// (docs/ENERGY.md, METHOD.md §8).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/energy.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {
namespace {

// One FC layer 8 -> 4, T = 2, B = 1, 16-bit errors and weights, on a 4x4 os array, 4 lanes.
Network fc() {
  Network n;
  n.name = "fc";
  n.in_h = n.in_w = 1;
  n.in_c = 8;
  n.timesteps = 2;
  n.batch = 1;
  n.act_bits = 16;
  n.weight_bits = 16;
  Layer f;
  f.kind = LayerKind::FC;
  f.in_c = 8;
  f.out_c = 4;
  n.layers = {f};
  return n;
}

ArrayParams array4() {
  ArrayParams a;
  a.rows = a.cols = 4;
  a.dataflow = Dataflow::OS;
  a.vector_lanes = 4;
  return a;
}

const Task& task(const TaskGraph& g, TaskKind k) { return g.task(g.find(k, 0)); }

std::string message_of(const std::string& text) {
  try {
    parse_energy_text(text, "e.cfg");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(EnergyTable, DefaultsAreTheSourcedFigures) {
  const EnergyTable t;
  EXPECT_DOUBLE_EQ(t.mac_pj(16), 1.1 + 0.4);  // Horowitz: 16-bit FP mult + add
  EXPECT_DOUBLE_EQ(t.ac_pj(16), 0.4);
  EXPECT_DOUBLE_EQ(t.mac_pj(8), 0.2 + 0.03);
  EXPECT_DOUBLE_EQ(t.ac_pj(4), 0.03);   // narrower than 8 bits: the 8-bit figure
  EXPECT_DOUBLE_EQ(t.mac_pj(32), 3.7 + 0.9);
  EXPECT_DOUBLE_EQ(t.ac_pj(64), 0.9);   // wider than 32: the 32-bit figure
  EXPECT_DOUBLE_EQ(t.dram_pj_per_byte(), 1300.0 / 8);  // 1.3 nJ per 64 bits
  EXPECT_DOUBLE_EQ(t.noc_pj_per_byte_hop(), 2.4);
  // Every key listed, with a unit and a source.
  for (const auto& k : energy_keys()) {
    EXPECT_TRUE(k.unit && *k.unit) << k.name;
    EXPECT_TRUE(k.source && *k.source) << k.name;
  }
}

TEST(EnergyTable, SramBySize) {
  const EnergyTable t;
  EXPECT_DOUBLE_EQ(t.sram_read_pj_per_byte(8 << 10), 10.0 / 8);
  EXPECT_DOUBLE_EQ(t.sram_read_pj_per_byte(4 << 10), 10.0 / 8);  // below the table: its smallest
  EXPECT_NEAR(t.sram_read_pj_per_byte(32 << 10), 20.0 / 8, 1e-12);
  EXPECT_NEAR(t.sram_read_pj_per_byte(1 << 20), 100.0 / 8, 1e-12);
  // Log-log between the points: 16 KiB is the geometric mean of 8 and 32 KiB.
  EXPECT_NEAR(t.sram_read_pj_per_byte(16 << 10), std::sqrt(1.25 * 2.5), 1e-12);
  // Larger than a bank: the bank's figure.
  EXPECT_NEAR(t.sram_read_pj_per_byte(4 << 20), 12.5, 1e-12);
  EnergyTable w = t;
  w.sram_write_over_read = 2;
  EXPECT_NEAR(w.sram_write_pj_per_byte(32 << 10), 5.0, 1e-12);
  w.sram_bank_kib = 32;
  EXPECT_NEAR(w.sram_read_pj_per_byte(4 << 20), 2.5, 1e-12);
}

TEST(EnergyTable, StaticPower) {
  EnergyTable t;
  ProcessorParams p;
  p.array.rows = p.array.cols = 4;
  p.array.vector_lanes = 2;
  p.sram_bytes = 2 << 20;
  // 16 PEs x 0.15 mW + 2 lanes x 0.3 mW + 2 MiB x 30 mW.
  EXPECT_NEAR(t.processor_static_w(p), 1e-3 * (16 * 0.15 + 2 * 0.3 + 2 * 30), 1e-15);
}

TEST(EnergyFile, OverridesAndRefuses) {
  const EnergyTable t = parse_energy_text(
      "# comment\n\nac16_pj = 0.5   ; trailing\ndram_type = hbm2\nsram_8kib_read_pj_per_byte=2\n",
      "e.cfg");
  EXPECT_DOUBLE_EQ(t.ac16_pj, 0.5);
  EXPECT_DOUBLE_EQ(t.dram_pj_per_byte(), t.dram_hbm2_pj_per_byte);
  EXPECT_DOUBLE_EQ(t.sram_read_pj_per_byte(1024), 2.0);
  EXPECT_DOUBLE_EQ(t.mac16_pj, EnergyTable{}.mac16_pj);  // untouched
  EXPECT_EQ(t.source, "e.cfg");

  const std::string unknown = message_of("ac16_pj = 1\nmac_pj = 2\n");
  EXPECT_NE(unknown.find("e.cfg:2"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("mac_pj"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("mac16_pj"), std::string::npos) << unknown;  // the allowed list
  EXPECT_NE(message_of("ac16_pj = 1\nac16_pj = 2\n").find("e.cfg:2"), std::string::npos);
  EXPECT_NE(message_of("ac16_pj = cheap\n").find("e.cfg:1"), std::string::npos);
  EXPECT_NE(message_of("ac16_pj = -1\n").find("e.cfg:1"), std::string::npos);
  EXPECT_NE(message_of("ac16_pj\n").find("e.cfg:1"), std::string::npos);
  EXPECT_NE(message_of("dram_type = sdram\n").find("ddr3, ddr4, hbm2"), std::string::npos);
  EXPECT_NE(message_of("[section]\n").find("e.cfg:1"), std::string::npos);
}

TEST(EnergyFile, WrittenTableReadsBack) {
  EnergyTable t;
  t.mac16_pj = 2.25;
  t.dram_type = "ddr4";
  const EnergyTable r = parse_energy_text(energy_file_text(t), "back");
  EXPECT_DOUBLE_EQ(r.mac16_pj, 2.25);
  EXPECT_EQ(r.dram_type, "ddr4");
}

// F1: GEMM M = B*T = 2, N = 4, K = 8: 64 accumulates (spikes select the weights), 16-bit.
// SRAM (os): spikes 2*8*ceil(4/4) = 16 elements x 1 bit = 2 B; weights 8*4*ceil(2/4) = 32 x 16
// bit = 64 B; currents 2*4 x 16 bit = 16 B written. IIR scan: 4 neurons x 2 steps = 8 ops,
// reading 8 x 33 bits = 33 B and writing 8 x 17 bits = 17 B.
TEST(TaskActions, ForwardIsAccumulatesOnSpikes) {
  const TaskGraph g = build_task_graph(fc(), array4());
  const TaskActions f = task_actions(task(g, TaskKind::F), array4());
  EXPECT_DOUBLE_EQ(f.macs, 0);
  EXPECT_DOUBLE_EQ(f.acs, 64);
  EXPECT_EQ(f.width_bits, 16u);
  EXPECT_DOUBLE_EQ(f.vector_ops, 8);
  EXPECT_DOUBLE_EQ(f.sram_read_bytes, 2 + 64 + 33);
  EXPECT_DOUBLE_EQ(f.sram_write_bytes, 16 + 17);
  // 8 KiB SRAM: 1.25 pJ/B both ways.
  const TaskEnergy e = task_energy(f, EnergyTable{}, 8 << 10);
  EXPECT_NEAR(e.array_pj, 64 * 0.4, 1e-9);
  EXPECT_NEAR(e.vector_pj, 8 * 3.0, 1e-9);
  EXPECT_NEAR(e.sram_pj, (99 + 33) * 1.25, 1e-9);
  EXPECT_NEAR(e.total_pj(), 25.6 + 24 + 165, 1e-9);
}

// G1: GEMM M = 4 (fan-out), N = 8 (fan-in), K = 2 (samples x steps): errors selected by the
// stashed spikes, 64 accumulates. U1: 32 weights, one op each.
TEST(TaskActions, GradientAndUpdate) {
  const TaskGraph g = build_task_graph(fc(), array4());
  const TaskActions gr = task_actions(task(g, TaskKind::G), array4());
  EXPECT_DOUBLE_EQ(gr.acs, 64);
  EXPECT_DOUBLE_EQ(gr.macs, 0);
  const TaskActions u = task_actions(task(g, TaskKind::U), array4());
  EXPECT_DOUBLE_EQ(u.vector_ops, 32);
  EXPECT_DOUBLE_EQ(u.acs + u.macs, 0);
  const TaskActions d = task_actions(task(g, TaskKind::D), array4());
  EXPECT_DOUBLE_EQ(d.vector_ops, 8);
}

// E has no spike operand: MACs. Two layers 8 -> 4 -> 3: E2 is M = 2, K = 3, N = 4.
TEST(TaskActions, ErrorIsMultiplyAccumulates) {
  Network n = fc();
  Layer f2;
  f2.kind = LayerKind::FC;
  f2.in_c = 4;
  f2.out_c = 3;
  n.layers.push_back(f2);
  const TaskGraph g = build_task_graph(n, array4());
  const TaskActions e = task_actions(g.task(g.find(TaskKind::E, 1)), array4());
  EXPECT_DOUBLE_EQ(e.macs, 2 * 3 * 4);
  EXPECT_DOUBLE_EQ(e.acs, 0);
  EXPECT_NEAR(task_energy(e, EnergyTable{}, 8 << 10).array_pj, 24 * 1.5, 1e-9);
}

// Zero skipping: a quarter of the spikes are ones, so a quarter of the accumulates and of the
// weights read; the spikes, the outputs and the scan stay dense.
TEST(TaskActions, FiringRateSkipsZeros) {
  ArrayParams a = array4();
  a.sparsity = true;
  a.firing_rate = 0.25;
  const TaskGraph g = build_task_graph(fc(), a);
  const TaskActions f = task_actions(task(g, TaskKind::F), a);
  EXPECT_DOUBLE_EQ(f.acs, 16);
  EXPECT_DOUBLE_EQ(f.sram_read_bytes, 2 + 16 + 33);
  EXPECT_DOUBLE_EQ(f.sram_write_bytes, 16 + 17);
  const TaskActions dense = task_actions(task(build_task_graph(fc(), array4()), TaskKind::F),
                                         array4());
  EXPECT_LT(task_energy(f, EnergyTable{}, 8 << 10).total_pj(),
            task_energy(dense, EnergyTable{}, 8 << 10).total_pj());
}

// A recurrent layer (8 -> 4 with a 4x4 W_rec, T = 2, B = 1): F adds W_rec s[t-1], a 1x4 by 4x4
// product per step on spikes (2 x 16 = 32 accumulates); D carries the error back through
// W_rec^T, the same product on 16-bit errors (32 MACs, its only array work); G adds the 4x4
// recurrent gradient over B*T = 2 (32 accumulates).
TEST(TaskActions, RecurrentProductCounts) {
  Network n = fc();
  n.layers[0].recurrent = true;
  const TaskGraph g = build_task_graph(n, array4());
  const TaskActions f = task_actions(task(g, TaskKind::F), array4());
  EXPECT_DOUBLE_EQ(f.acs, 64 + 32);
  EXPECT_DOUBLE_EQ(f.macs, 0);
  const TaskActions d = task_actions(task(g, TaskKind::D), array4());
  EXPECT_DOUBLE_EQ(d.macs, 32);
  EXPECT_DOUBLE_EQ(d.acs, 0);
  EXPECT_EQ(d.width_bits, 16u);
  EXPECT_GT(d.sram_read_bytes, task_actions(task(build_task_graph(fc(), array4()), TaskKind::D),
                                            array4())
                                   .sram_read_bytes);
  EXPECT_NEAR(task_energy(d, EnergyTable{}, 8 << 10).array_pj, 32 * 1.5, 1e-9);
  const TaskActions gr = task_actions(task(g, TaskKind::G), array4());
  EXPECT_DOUBLE_EQ(gr.acs, 64 + 32);
}

}  // namespace
}  // namespace spikepipe

// The fold model of METHOD.md §3 against numbers worked out by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "spikepipe/workloads/cost_model.h"
#include "spikepipe/core/error.h"

namespace spikepipe {
namespace {

ArrayParams array(uint32_t r, uint32_t c, Dataflow d, uint32_t lanes = 32) {
  ArrayParams a;
  a.rows = r;
  a.cols = c;
  a.dataflow = d;
  a.vector_lanes = lanes;
  return a;
}

const GemmShape kShape{10, 6, 7};  // M = 10, N = 6, K = 7: 420 MACs

TEST(CostModel, OutputStationarySquare) {
  // os: Sr = M = 10, Sc = N = 6, Tt = K = 7 on 4x4: folds ceil(10/4)*ceil(6/4) = 3*2 = 6,
  // cycles/fold = 7 + 4 + 4 - 2 = 13, cycles = 78, util = 420 / (78*16) = 420/1248.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::OS));
  EXPECT_EQ(c.folds, 6u);
  EXPECT_EQ(c.cycles_per_fold, 13u);
  EXPECT_EQ(c.cycles, 78u);
  EXPECT_EQ(c.macs, 420u);
  EXPECT_DOUBLE_EQ(c.utilisation, 420.0 / 1248.0);
}

TEST(CostModel, WeightStationarySquare) {
  // ws: Sr = K = 7, Sc = N = 6, Tt = M = 10: folds 2*2 = 4, cycles/fold = 2*4 + 4 + 10 - 2 = 20.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::WS));
  EXPECT_EQ(c.folds, 4u);
  EXPECT_EQ(c.cycles_per_fold, 20u);
  EXPECT_EQ(c.cycles, 80u);
  EXPECT_DOUBLE_EQ(c.utilisation, 420.0 / (80.0 * 16));
}

TEST(CostModel, InputStationarySquare) {
  // is: Sr = K = 7, Sc = M = 10, Tt = N = 6: folds 2*3 = 6, cycles/fold = 8 + 4 + 6 - 2 = 16.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::IS));
  EXPECT_EQ(c.folds, 6u);
  EXPECT_EQ(c.cycles_per_fold, 16u);
  EXPECT_EQ(c.cycles, 96u);
}

TEST(CostModel, NonSquareArrayKeepsRowsAndColumnsApart) {
  // R = 2, C = 8.
  // os: folds ceil(10/2)*ceil(6/8) = 5*1 = 5, cycles/fold = 7 + 2 + 8 - 2 = 15 -> 75.
  GemmCost c = gemm_cost(kShape, array(2, 8, Dataflow::OS));
  EXPECT_EQ(c.folds, 5u);
  EXPECT_EQ(c.cycles, 75u);
  // ws: folds ceil(7/2)*ceil(6/8) = 4*1 = 4, cycles/fold = 2*2 + 8 + 10 - 2 = 20 -> 80.
  c = gemm_cost(kShape, array(2, 8, Dataflow::WS));
  EXPECT_EQ(c.folds, 4u);
  EXPECT_EQ(c.cycles, 80u);
  // is: folds ceil(7/2)*ceil(10/8) = 4*2 = 8, cycles/fold = 4 + 8 + 6 - 2 = 16 -> 128.
  c = gemm_cost(kShape, array(2, 8, Dataflow::IS));
  EXPECT_EQ(c.folds, 8u);
  EXPECT_EQ(c.cycles, 128u);
  EXPECT_DOUBLE_EQ(c.utilisation, 420.0 / (128.0 * 16));
}

TEST(CostModel, ShapeSmallerThanArrayIsOneFold) {
  // 1x1x1 on 32x32 os: 1 fold of 1 + 32 + 32 - 2 = 63 cycles, 1 MAC out of 63*1024 slots.
  const GemmCost c = gemm_cost({1, 1, 1}, array(32, 32, Dataflow::OS));
  EXPECT_EQ(c.folds, 1u);
  EXPECT_EQ(c.cycles, 63u);
  EXPECT_DOUBLE_EQ(c.utilisation, 1.0 / (63.0 * 1024));
}

TEST(CostModel, ExactMultiplesHaveNoPartialFold) {
  // M = 64, N = 32, K = 100 on 32x32 os: folds 2*1 = 2, cycles/fold = 100 + 62 = 162 -> 324;
  // util = 204800 / (324*1024).
  GemmCost c = gemm_cost({64, 32, 100}, array(32, 32, Dataflow::OS));
  EXPECT_EQ(c.folds, 2u);
  EXPECT_EQ(c.cycles, 324u);
  EXPECT_DOUBLE_EQ(c.utilisation, 204800.0 / (324.0 * 1024));
  // One more row of M adds a whole fold.
  c = gemm_cost({65, 32, 100}, array(32, 32, Dataflow::OS));
  EXPECT_EQ(c.folds, 3u);
}

TEST(CostModel, UtilisationApproachesOneForLongStreams) {
  // A full 32x32 tile streamed for K = 1e6 cycles: util = 1e6 / (1e6 + 62).
  const GemmCost c = gemm_cost({32, 32, 1000000}, array(32, 32, Dataflow::OS));
  EXPECT_DOUBLE_EQ(c.utilisation, 1e6 / (1e6 + 62));
  EXPECT_LT(c.utilisation, 1.0);
}

TEST(CostModel, EmptyGemmCostsNothing) {
  const GemmCost c = gemm_cost({10, 0, 5}, array(4, 4, Dataflow::WS));
  EXPECT_EQ(c.folds, 0u);
  EXPECT_EQ(c.cycles, 0u);
  EXPECT_EQ(c.macs, 0u);
}

TEST(CostModel, VectorUnitCyclesPerStepAreRoundedUp) {
  EXPECT_EQ(vector_cycles(100, 20, 32), 80u);  // ceil(100/32) = 4 per step, 20 steps
  EXPECT_EQ(vector_cycles(64, 1, 32), 2u);
  EXPECT_EQ(vector_cycles(65, 1, 32), 3u);
  EXPECT_EQ(vector_cycles(0, 5, 32), 0u);
  EXPECT_THROW(vector_cycles(1, 1, 0), Error);
}

// SRAM <-> array operand traffic (SCALE-Sim's SRAM reads/writes) of kShape on 4x4. Folds: os
// M = 4+4+2 by N = 4+2; ws K = 4+3 by N = 4+2; is K = 4+3 by M = 4+4+2.
TEST(CostModel, OperandTrafficOutputStationary) {
  // Every fold streams its rows of X (rows*7) and its columns of W (7*cols); outputs once.
  // X = (4+4+2)*7 * 2 column folds = 140; W = 7*(4+2) * 3 row folds = 126; Y = 60.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::OS));
  EXPECT_EQ(c.ifmap_reads, 140u);
  EXPECT_EQ(c.filter_reads, 126u);
  EXPECT_EQ(c.ofmap_writes, 60u);
}

TEST(CostModel, OperandTrafficWeightStationary) {
  // W loaded once (42); X: 10 rows x (4+3) inputs per column fold, 2 column folds = 140;
  // partial sums 10 x (4+2) per row fold, 2 row folds = 120.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::WS));
  EXPECT_EQ(c.ifmap_reads, 140u);
  EXPECT_EQ(c.filter_reads, 42u);
  EXPECT_EQ(c.ofmap_writes, 120u);
}

TEST(CostModel, OperandTrafficInputStationary) {
  // X loaded once (70); W: 6 columns x (4+3) inputs per M fold, 3 M folds = 126;
  // partial sums 6 x (4+4+2) per K fold, 2 K folds = 120.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::IS));
  EXPECT_EQ(c.ifmap_reads, 70u);
  EXPECT_EQ(c.filter_reads, 126u);
  EXPECT_EQ(c.ofmap_writes, 120u);
}

TEST(CostModel, OperandTrafficKeepsRowsAndColumnsApart) {
  // 2 rows x 8 columns: os W re-read ceil(10/2) = 5 times, X once (N = 6 fits 8 columns);
  // ws/is partial sums written ceil(7/2) = 4 times; is W re-read ceil(10/8) = 2 times.
  const GemmCost os = gemm_cost(kShape, array(2, 8, Dataflow::OS));
  EXPECT_EQ(os.ifmap_reads, 70u);
  EXPECT_EQ(os.filter_reads, 210u);
  EXPECT_EQ(os.ofmap_writes, 60u);
  const GemmCost ws = gemm_cost(kShape, array(2, 8, Dataflow::WS));
  EXPECT_EQ(ws.ifmap_reads, 70u);
  EXPECT_EQ(ws.filter_reads, 42u);
  EXPECT_EQ(ws.ofmap_writes, 240u);
  const GemmCost is = gemm_cost(kShape, array(2, 8, Dataflow::IS));
  EXPECT_EQ(is.ifmap_reads, 70u);
  EXPECT_EQ(is.filter_reads, 84u);
  EXPECT_EQ(is.ofmap_writes, 240u);
}

// The closed forms against an explicit walk over the fold table (METHOD.md §3).
TEST(CostModel, OperandTrafficMatchesAFoldByFoldWalk) {
  for (Dataflow d : {Dataflow::OS, Dataflow::WS, Dataflow::IS}) {
    for (const GemmShape g : {GemmShape{33, 5, 17}, GemmShape{8, 40, 3}, GemmShape{1, 1, 1}}) {
      const uint64_t R = 3, C = 5;
      const uint64_t Sr = d == Dataflow::OS ? g.M : g.K;
      const uint64_t Sc = d == Dataflow::IS ? g.M : g.N;
      const uint64_t Tt = d == Dataflow::OS ? g.K : d == Dataflow::WS ? g.M : g.N;
      uint64_t x = 0, w = 0, y = 0;
      for (uint64_t i = 0; i < Sr; i += R) {
        for (uint64_t j = 0; j < Sc; j += C) {
          const uint64_t r = std::min(R, Sr - i), c = std::min(C, Sc - j);
          if (d == Dataflow::OS) x += r * Tt, w += Tt * c, y += r * c;
          if (d == Dataflow::WS) w += r * c, x += Tt * r, y += Tt * c;
          if (d == Dataflow::IS) x += r * c, w += Tt * r, y += Tt * c;
        }
      }
      const GemmCost cost = gemm_cost(g, array(uint32_t(R), uint32_t(C), d));
      EXPECT_EQ(cost.ifmap_reads, x) << to_string(d);
      EXPECT_EQ(cost.filter_reads, w) << to_string(d);
      EXPECT_EQ(cost.ofmap_writes, y) << to_string(d);
    }
  }
}

TEST(CostModel, OperandTrafficInBytes) {
  // os 4x4: X 140 one-bit spikes -> 18 B (17.5 rounded up), W 126 x 16 bit = 252 B, Y 60 x 8 bit.
  const GemmCost c = gemm_cost(kShape, array(4, 4, Dataflow::OS));
  EXPECT_EQ(gemm_sram_read_bytes(c, {1, 16, 8}), 18u + 252u);
  EXPECT_EQ(gemm_sram_write_bytes(c, {1, 16, 8}), 60u);
  const GemmCost none = gemm_cost({0, 6, 7}, array(4, 4, Dataflow::OS));
  EXPECT_EQ(gemm_sram_read_bytes(none, {}), 0u);
  EXPECT_EQ(gemm_sram_write_bytes(none, {}), 0u);
}

TEST(CostModel, DataflowNamesRoundTrip) {
  for (Dataflow d : {Dataflow::OS, Dataflow::WS, Dataflow::IS})
    EXPECT_EQ(parse_dataflow(to_string(d), "test"), d);
  try {
    parse_dataflow("rs", "cfg.ini: dataflow");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cfg.ini: dataflow"), std::string::npos) << m;
    EXPECT_NE(m.find("'rs'"), std::string::npos) << m;
    EXPECT_NE(m.find("allowed: os"), std::string::npos) << m;
  }
}

TEST(CostModel, ArrayValidationNamesTheKey) {
  ArrayParams a;
  a.rows = 0;
  try {
    a.validate("mesh4.cfg");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mesh4.cfg: array-rows: is 0 (allowed: 1 .. 65536)"), std::string::npos)
        << e.what();
  }
  a = ArrayParams{};
  a.firing_rate = 0.0;
  EXPECT_THROW(a.validate("x"), Error);
  a = ArrayParams{};
  a.vector_lanes = 0;
  EXPECT_THROW(a.validate("x"), Error);
  EXPECT_NO_THROW(ArrayParams{}.validate("x"));
}

}  // namespace
}  // namespace spikepipe

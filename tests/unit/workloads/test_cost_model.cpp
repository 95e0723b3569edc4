// The fold model of METHOD.md §3 against numbers worked out by hand.
#include <gtest/gtest.h>

#include "spikepipe/workloads/cost_model.h"
#include "spikepipe/workloads/error.h"

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
    EXPECT_NE(std::string(e.what()).find("mesh4.cfg: array-rows = 0"), std::string::npos)
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

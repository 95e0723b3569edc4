// The register-level array multiplies correctly and takes exactly the cycles the cost model
// charges (gemm_cost), for every dataflow on random shapes with fixed seeds.
#include <gtest/gtest.h>

#include <random>

#include "spikepipe/models/systolic_reference.h"
#include "spikepipe/workloads/cost_model.h"
#include "spikepipe/core/error.h"

namespace spikepipe {
namespace {

Matrix random_matrix(uint32_t r, uint32_t c, std::mt19937& rng) {
  std::uniform_int_distribution<int> v(-9, 9);
  Matrix m(r, c);
  for (auto& x : m.v) x = v(rng);
  return m;
}

class SystolicReference : public ::testing::TestWithParam<Dataflow> {};

TEST_P(SystolicReference, EqualsGemmAndClosedForm) {
  const Dataflow df = GetParam();
  std::mt19937 rng(1234 + static_cast<int>(df));
  std::uniform_int_distribution<uint32_t> dim(1, 40), arr(1, 16);
  for (int trial = 0; trial < 25; ++trial) {
    const uint32_t M = dim(rng), K = dim(rng), N = dim(rng), R = arr(rng), C = arr(rng);
    const Matrix x = random_matrix(M, K, rng), w = random_matrix(K, N, rng);
    const ArrayRun run = run_systolic(x, w, R, C, df);
    ASSERT_EQ(run.y, gemm(x, w)) << "M=" << M << " K=" << K << " N=" << N << " R=" << R
                                 << " C=" << C;
    ArrayParams a;
    a.rows = R;
    a.cols = C;
    a.dataflow = df;
    const GemmCost cost = gemm_cost(GemmShape{M, N, K}, a);
    EXPECT_EQ(run.cycles, cost.cycles)
        << to_string(df) << " M=" << M << " K=" << K << " N=" << N << " R=" << R << " C=" << C;
    EXPECT_EQ(run.folds, cost.folds);
    EXPECT_EQ(run.macs, uint64_t(M) * N * K);
  }
}

TEST_P(SystolicReference, OneFoldByHand) {
  // 4x4 array, one fold: os K + R + C - 2; ws/is 2R + C + T - 2.
  const Dataflow df = GetParam();
  std::mt19937 rng(7);
  const Matrix x = random_matrix(4, 4, rng), w = random_matrix(4, 4, rng);
  const ArrayRun run = run_systolic(x, w, 4, 4, df);
  EXPECT_EQ(run.y, gemm(x, w));
  EXPECT_EQ(run.folds, 1u);
  EXPECT_EQ(run.cycles, df == Dataflow::OS ? 4u + 4 + 4 - 2 : 8u + 4 + 4 - 2);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, SystolicReference,
                         ::testing::Values(Dataflow::OS, Dataflow::WS, Dataflow::IS),
                         [](const auto& p) { return std::string(to_string(p.param)); });

TEST(SystolicReferenceLimits, ArrayLargerThan16Rejected) {
  Matrix x(2, 2), w(2, 2);
  EXPECT_THROW(run_systolic(x, w, 17, 4, Dataflow::OS), Error);
  EXPECT_THROW(run_systolic(x, w, 4, 0, Dataflow::OS), Error);
}

}  // namespace
}  // namespace spikepipe

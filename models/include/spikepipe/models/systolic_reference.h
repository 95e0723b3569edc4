#pragma once
// A cycle-by-cycle functional model of an R x C systolic array (R, C <= 16) that really
// multiplies: PEs with operand and partial-sum registers, skewed operand streams, and the three
// dataflows of METHOD.md §3. Tests use it to check the numbers (against a plain GEMM) and the
// closed-form cycle count the cost model charges (gemm_cost). It is slow on purpose: registers
// move every cycle.
//
// Per fold the whole array is clocked (short folds are padded with zeros, as the fold model
// assumes), and the fold's cycles run from its first cycle to the cycle of its last MAC:
//   os: operands enter from the left (A rows) and top (B columns), skewed by one cycle per row /
//       column; PE(i,j) accumulates a[i][t] * b[t][j] at cycle i + j + t  ->  K + R + C - 2.
//   ws: R cycles shift the stationary weights down into the array, then the streamed rows enter
//       from the left skewed per row, partial sums flow down; PE(k,j) sees row m at cycle
//       R + m + k + j  ->  2R + C + M - 2.
//   is: as ws with the inputs stationary and the weights streamed  ->  2R + C + N - 2.
#include <cstdint>
#include <vector>

#include "spikepipe/workloads/cost_model.h"

namespace spikepipe {

struct Matrix {
  uint32_t rows = 0, cols = 0;
  std::vector<int64_t> v;
  Matrix() = default;
  Matrix(uint32_t r, uint32_t c) : rows(r), cols(c), v(size_t(r) * c, 0) {}
  int64_t& at(uint32_t r, uint32_t c) { return v[size_t(r) * cols + c]; }
  int64_t at(uint32_t r, uint32_t c) const { return v[size_t(r) * cols + c]; }
  bool operator==(const Matrix& o) const { return rows == o.rows && cols == o.cols && v == o.v; }
};

Matrix gemm(const Matrix& x, const Matrix& w);  // plain triple loop

struct ArrayRun {
  Matrix y;
  uint64_t cycles = 0;
  uint64_t folds = 0;
  uint64_t macs = 0;  // multiply-accumulates on real (not padding) operands
};

// Y[M x N] = X[M x K] * W[K x N] on the array; throws Error if R or C is outside 1..16.
ArrayRun run_systolic(const Matrix& x, const Matrix& w, uint32_t rows, uint32_t cols, Dataflow df);

}  // namespace spikepipe

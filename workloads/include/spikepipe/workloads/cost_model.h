#pragma once
// METHOD.md §3: cycles of a GEMM on an RxC systolic array (SCALE-Sim's fold model) and of
// element-wise work on the vector unit.
#include <cstdint>
#include <string>

#include "spikepipe/workloads/ids.h"

namespace spikepipe {

enum class Dataflow { OS, WS, IS };
const char* to_string(Dataflow d);
Dataflow parse_dataflow(const std::string& s, const std::string& where);  // "os"|"ws"|"is"

struct ArrayParams {
  uint32_t rows = 32;
  uint32_t cols = 32;
  Dataflow dataflow = Dataflow::OS;
  uint32_t vector_lanes = 32;
  // H2Learn-style zero skipping on the spike-driven GEMMs (F, G): cycles scaled by firing_rate.
  bool sparsity = false;
  double firing_rate = 0.15;

  void validate(const std::string& where) const;
};

struct GemmShape {
  uint64_t M = 0, N = 0, K = 0;
  bool empty() const { return M == 0 || N == 0 || K == 0; }
  uint64_t macs() const { return M * N * K; }
};

struct GemmCost {
  uint64_t folds = 0;
  Cycles cycles_per_fold = 0;
  Cycles cycles = 0;
  uint64_t macs = 0;
  double utilisation = 0.0;  // macs / (cycles * R * C)
};

GemmCost gemm_cost(const GemmShape& g, const ArrayParams& a);

// ceil(elements_per_step / lanes) cycles per step, steps sequential.
Cycles vector_cycles(uint64_t elements_per_step, uint64_t steps, uint32_t lanes);

}  // namespace spikepipe

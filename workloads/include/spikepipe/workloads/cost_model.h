#pragma once
// METHOD.md §3: cycles of a GEMM on an RxC systolic array (SCALE-Sim's fold model) and of
// element-wise work on the vector unit.
#include <cstdint>
#include <string>

#include "spikepipe/core/ids.h"
#include "spikepipe/core/platform.h"  // ArrayParams

namespace spikepipe {

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
  // SRAM <-> array operand traffic in elements (SCALE-Sim's SRAM reads/writes), summed over all
  // folds: the streamed and stationary operands read, and the outputs (or partial sums) written.
  // Derivation per dataflow in cost_model.cpp. Dense: zero skipping shortens time, not traffic.
  uint64_t ifmap_reads = 0;   // elements of X [M x K]
  uint64_t filter_reads = 0;  // elements of W [K x N]
  uint64_t ofmap_writes = 0;  // elements of Y [M x N], partial sums included
};

// Bits per element of a GEMM's three operands, to turn its element traffic into bytes.
struct OperandBits {
  uint64_t ifmap = 16, filter = 16, ofmap = 16;
};
// ceil(elements * bits / 8) per operand; reads = ifmap + filter, writes = ofmap.
uint64_t gemm_sram_read_bytes(const GemmCost& c, const OperandBits& b);
uint64_t gemm_sram_write_bytes(const GemmCost& c, const OperandBits& b);

GemmCost gemm_cost(const GemmShape& g, const ArrayParams& a);
// The same GEMM run `times` times one after the other (a recurrent product, once per time step:
// step t needs the spikes of step t-1, so the T steps cannot batch into one GEMM). Folds, cycles,
// MACs and traffic scale by `times`; cycles_per_fold and utilisation stay.
GemmCost repeated(const GemmCost& c, uint64_t times);

// ceil(elements_per_step / lanes) cycles per step, steps sequential.
Cycles vector_cycles(uint64_t elements_per_step, uint64_t steps, uint32_t lanes);

}  // namespace spikepipe

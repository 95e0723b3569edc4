// METHOD.md §3: SCALE-Sim's fold model. A GEMM is cut into folds of at most R x C spatial
// elements; each fold streams its temporal dimension through the array and pays the fill and
// drain skew of the dataflow.
#include "spikepipe/workloads/cost_model.h"

#include <string>

#include "spikepipe/core/error.h"

namespace spikepipe {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

GemmCost gemm_cost(const GemmShape& g, const ArrayParams& a) {
  GemmCost c;
  if (g.empty()) return c;
  const uint64_t R = a.rows, C = a.cols;
  uint64_t Sr = 0, Sc = 0, Tt = 0;
  switch (a.dataflow) {
    case Dataflow::OS:
      Sr = g.M;
      Sc = g.N;
      Tt = g.K;
      break;
    case Dataflow::WS:
      Sr = g.K;
      Sc = g.N;
      Tt = g.M;
      break;
    case Dataflow::IS:
      Sr = g.K;
      Sc = g.M;
      Tt = g.N;
      break;
  }
  c.folds = ceil_div(Sr, R) * ceil_div(Sc, C);
  // os: operands enter from two edges, the last PE starts R + C - 2 cycles late.
  // ws/is: a stationary operand is loaded first (R cycles), then the stream and its skew.
  c.cycles_per_fold = a.dataflow == Dataflow::OS ? Tt + R + C - 2 : 2 * R + C + Tt - 2;
  c.cycles = c.folds * c.cycles_per_fold;
  c.macs = g.macs();
  // SRAM <-> array traffic, summed over the fold table of METHOD.md §3 (SCALE-Sim's SRAM reads
  // and writes). Fold (i, j) covers r_i <= R of Sr and c_j <= C of Sc; sum_i r_i = Sr and
  // sum_j c_j = Sc, and there are ceil(Sr/R) values of i and ceil(Sc/C) of j.
  //  os (Sr = M, Sc = N, Tt = K): each fold streams its r_i rows of X (r_i*K) and its c_j
  //     columns of W (K*c_j) and writes its finished r_i*c_j outputs once:
  //     X = M*K*ceil(N/C), W = K*N*ceil(M/R), Y = M*N.
  //  ws (Sr = K, Sc = N, Tt = M): each fold loads its r_i x c_j block of W once (W = K*N), streams
  //     the M rows of X restricted to its r_i inputs (M*r_i, so X = M*K*ceil(N/C)) and writes
  //     M*c_j partial sums (Y = M*N*ceil(K/R)).
  //  is (Sr = K, Sc = M, Tt = N): the symmetric case with X stationary: each fold loads its
  //     r_i x c_j block of X once (X = K*M), streams the N columns of W restricted to its r_i
  //     inputs (N*r_i, so W = K*N*ceil(M/C)) and writes N*c_j partial sums (Y = M*N*ceil(K/R)).
  // Partial sums are written per fold and not read back, as SCALE-Sim counts them.
  switch (a.dataflow) {
    case Dataflow::OS:
      c.ifmap_reads = g.M * g.K * ceil_div(g.N, C);
      c.filter_reads = g.K * g.N * ceil_div(g.M, R);
      c.ofmap_writes = g.M * g.N;
      break;
    case Dataflow::WS:
      c.ifmap_reads = g.M * g.K * ceil_div(g.N, C);
      c.filter_reads = g.K * g.N;
      c.ofmap_writes = g.M * g.N * ceil_div(g.K, R);
      break;
    case Dataflow::IS:
      c.ifmap_reads = g.M * g.K;
      c.filter_reads = g.K * g.N * ceil_div(g.M, C);
      c.ofmap_writes = g.M * g.N * ceil_div(g.K, R);
      break;
  }
  c.utilisation = double(c.macs) / (double(c.cycles) * double(R) * double(C));
  return c;
}

GemmCost repeated(const GemmCost& c, uint64_t times) {
  GemmCost r = c;
  r.folds *= times;
  r.cycles *= times;
  r.macs *= times;
  r.ifmap_reads *= times;
  r.filter_reads *= times;
  r.ofmap_writes *= times;
  return r;
}

uint64_t gemm_sram_read_bytes(const GemmCost& c, const OperandBits& b) {
  return ceil_div(c.ifmap_reads * b.ifmap, 8) + ceil_div(c.filter_reads * b.filter, 8);
}

uint64_t gemm_sram_write_bytes(const GemmCost& c, const OperandBits& b) {
  return ceil_div(c.ofmap_writes * b.ofmap, 8);
}

Cycles vector_cycles(uint64_t elements_per_step, uint64_t steps, uint32_t lanes) {
  if (lanes == 0) fail("vector unit", "vector-lanes = 0", ">= 1");
  return ceil_div(elements_per_step, lanes) * steps;
}

}  // namespace spikepipe

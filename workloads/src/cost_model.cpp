// METHOD.md §3: SCALE-Sim's fold model. A GEMM is cut into folds of at most R x C spatial
// elements; each fold streams its temporal dimension through the array and pays the fill and
// drain skew of the dataflow.
#include "spikepipe/workloads/cost_model.h"

#include <string>

#include "spikepipe/workloads/error.h"

namespace spikepipe {

const char* to_string(Dataflow d) {
  switch (d) {
    case Dataflow::OS:
      return "os";
    case Dataflow::WS:
      return "ws";
    case Dataflow::IS:
      return "is";
  }
  return "?";
}

Dataflow parse_dataflow(const std::string& s, const std::string& where) {
  if (s == "os" || s == "OS") return Dataflow::OS;
  if (s == "ws" || s == "WS") return Dataflow::WS;
  if (s == "is" || s == "IS") return Dataflow::IS;
  fail(where, "unknown dataflow '" + s + "'",
       "os (output stationary), ws (weight stationary), is (input stationary)");
}

void ArrayParams::validate(const std::string& where) const {
  // Upper limits only catch typos (an extra zero); real arrays are far smaller.
  constexpr uint32_t kMaxDim = 1u << 16;
  if (rows == 0 || rows > kMaxDim)
    fail(where, "array-rows = " + std::to_string(rows), "1 .. " + std::to_string(kMaxDim));
  if (cols == 0 || cols > kMaxDim)
    fail(where, "array-cols = " + std::to_string(cols), "1 .. " + std::to_string(kMaxDim));
  if (vector_lanes == 0 || vector_lanes > kMaxDim)
    fail(where, "vector-lanes = " + std::to_string(vector_lanes),
         "1 .. " + std::to_string(kMaxDim));
  if (!(firing_rate > 0.0 && firing_rate <= 1.0))
    fail(where, "firing-rate = " + std::to_string(firing_rate), "0 < firing-rate <= 1");
}

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
  c.utilisation = double(c.macs) / (double(c.cycles) * double(R) * double(C));
  return c;
}

Cycles vector_cycles(uint64_t elements_per_step, uint64_t steps, uint32_t lanes) {
  if (lanes == 0) fail("vector unit", "vector-lanes = 0", ">= 1");
  return ceil_div(elements_per_step, lanes) * steps;
}

}  // namespace spikepipe

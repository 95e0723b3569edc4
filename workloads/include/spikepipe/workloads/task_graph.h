#pragma once
// METHOD.md §2 and §4: the training tasks of one iteration (F, D, E, G, U per layer), each costed
// on the systolic array, and the dataflow edges between them with byte counts and delays.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/workloads/cost_model.h"
#include "spikepipe/core/ids.h"
#include "spikepipe/core/kinds.h"
#include "spikepipe/workloads/network.h"

namespace spikepipe {

struct Task {
  TaskId id;
  TaskKind kind = TaskKind::F;
  uint32_t layer = 0;  // 0-based layer index
  std::string name;    // "F1", "E3" (1-based layer number, as in the paper's figures)

  GemmShape gemm;       // empty for D and U
  GemmCost gemm_cost;   // on the array (sparsity already applied to cycles)
  OperandBits gemm_bits;      // bits per element of X, W and Y (1 for a spike operand)
  bool spike_driven = false;  // F and G: one operand is binary spikes (zero skipping applies)
  uint64_t vector_elements = 0;  // element-wise work per step on the vector unit
  uint64_t vector_steps = 0;     // sequential steps (T for the IIR scans, 1 otherwise)
  Cycles array_cycles = 0;
  Cycles vector_cycles = 0;
  Cycles cycles() const { return array_cycles + vector_cycles; }  // array then vector unit

  // Recurrent layers (Layer::recurrent): the product with the out_c x out_c recurrent weights.
  // rec_gemm is one run's shape, rec_cost covers all runs (F and D: one per time step, in
  // sequence; G: one). Already included in array_cycles and array_read/write_bytes.
  GemmShape rec_gemm;
  GemmCost rec_cost;
  OperandBits rec_bits;          // as gemm_bits, for the recurrent product
  bool rec_spike_driven = false;  // F and G: its spike operand is the layer's own spikes
  uint64_t rec_read_bytes = 0, rec_write_bytes = 0;

  uint64_t bytes_in = 0;   // sum over in-edges
  uint64_t bytes_out = 0;  // sum over out-edges

  // Operand traffic between the processor's SRAM and its array / vector unit for one run of the
  // task (SCALE-Sim's SRAM reads and writes; widths in task_graph.cpp). Local: never on the NoC.
  uint64_t array_read_bytes = 0, array_write_bytes = 0;
  uint64_t vector_read_bytes = 0, vector_write_bytes = 0;
  uint64_t sram_read_bytes() const { return array_read_bytes + vector_read_bytes; }
  uint64_t sram_write_bytes() const { return array_write_bytes + vector_write_bytes; }
};

// dst of iteration k consumes what src produced for iteration k - distance.
// Inside an iteration distance = 0. The weight feedback edges U_l -> F_l and U_l -> E_l carry
// distance 1 here (gradient delay d_l = 0); a schedule adds its d_l on top.
struct Edge {
  TaskId src, dst;
  TensorKind kind = TensorKind::Spikes;
  uint64_t bytes = 0;
  uint32_t distance = 0;
  bool weight_feedback() const { return kind == TensorKind::Weights; }
};

struct TaskGraph {
  std::string network;
  uint32_t layers = 0;
  uint32_t batch = 0, timesteps = 0;
  ArrayParams array;
  std::vector<Task> tasks;  // topological order of one iteration (forward, then backward)
  std::vector<Edge> edges;
  std::vector<uint64_t> weight_bytes;  // per layer
  uint64_t input_bytes = 0;            // one mini-batch of input spikes, read from DRAM by F1

  const Task& task(TaskId id) const { return tasks[id.value]; }
  // Throws Error if the task does not exist (E of the first layer).
  TaskId find(TaskKind kind, uint32_t layer) const;
  bool has(TaskKind kind, uint32_t layer) const;
  std::vector<uint32_t> in_edges(TaskId id) const;   // indices into edges
  std::vector<uint32_t> out_edges(TaskId id) const;
  Cycles total_cycles() const;
  uint64_t sram_bytes() const;  // every task's SRAM reads + writes for one iteration

  std::vector<std::array<int32_t, kTaskKinds>> index;  // [layer][kind] -> task index or -1
};

TaskGraph build_task_graph(const Network& net, const ArrayParams& array);

}  // namespace spikepipe

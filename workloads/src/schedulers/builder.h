#pragma once
// Machinery shared by the schedulers (private to workloads/src/schedulers).
//  - Builder: turns tasks into ops (whole, split by output columns, or one micro-batch) and the
//    task graph's edges into deps between those ops with their bytes.
//  - Modulo scheduling: places ops at start times modulo a period and derives offsets, program
//    order and the smallest gradient delays that reach that period.
//  - Partitioning of layers into contiguous stages (gpipe, pipedream).
#include <string>
#include <vector>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/schedule.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::sched {

// How a task is cut into parts. Cols: by output columns (GEMM N; D and U by element ranges).
// Rows: G by GEMM rows M = fan_out (output neurons: each part needs only its slice of the
// layer's errors plus all input spikes), U by the matching weight rows, E by rows (= Samples).
// Samples: F, E by rows M = samples x time steps x positions and G by its reduction K (the same
// samples), D by samples: data parallelism, each part needs all of W, G's parts hold partial
// gradients that U sums. A layout a task cannot take falls back to Cols (normalize).
enum class Layout : uint8_t { Cols = 0, Rows = 1, Samples = 2 };
Layout normalize(const Task& t, Layout l, uint32_t parts);

// How many parts a task can be cut into with layout l (the length of the cut dimension).
uint32_t max_parts(const Task& t, Layout l = Layout::Cols);
// How many parts still shorten every part: a dimension that the dataflow lays out on the array
// stops helping once each part is one array extent wide (more parts add no fold less); a
// streamed (temporal) dimension helps down to single rows. At most max_parts.
uint32_t useful_parts(const Task& t, const ArrayParams& a, Layout l = Layout::Cols);

// Which slice of a layer's weight matrix W [fan_out x fan_in] an op of a split task touches:
// F (output columns = output neurons) and row-cut G/U a row range, E (output columns = fan_in)
// and column-cut G a column range. Weights and gradients between ops that slice W along
// different axes are exchanged block by block (bytes / (parts x parts) per pair).
enum class WeightAxis : uint8_t { None, Rows, Cols };

class Builder {
 public:
  Builder(const TaskGraph& g, std::string scheduler, uint32_t processors);

  // The ops of task t: one per entry of `procs` (parts = procs.size()), micro-batch `micro` of
  // `micros` (costed with batch / micros, METHOD.md: micro-batch cost is not cost / m).
  // `layout`: how the parts cut the task (Layout; normalized). A U is costed after its G: when G
  // is cut by samples, U also sums G's partial gradients.
  std::vector<OpId> add(TaskId t, const std::vector<ProcessorId>& procs, uint16_t micro = 0,
                        uint16_t micros = 1, Layout layout = Layout::Cols);
  // One dep per (src op, dst op) pair that exchanges data, for every edge of the task graph.
  // A dst part that needs its producer's whole tensor (the non-partitioned GEMM operand: spikes
  // into F, errors into E and column-cut G, input spikes into row-cut G, weights into F and E cut
  // by samples) gets every src part's share; a G part cut by samples sends every U part the
  // whole of its range (partial sums); a partitioned operand (weights, stash into D and
  // column-cut G, errors into row-cut G, gradients, element-wise inputs) flows between
  // overlapping ranges, or block by block when a row-cut op exchanges weights/gradients with an
  // op that slices W by columns (WeightAxis), or an op cut by samples exchanges activations
  // with one cut by neurons.
  // Micro-batches connect to the same micro-batch; a single op (U) to every micro-batch.
  // When both tasks are cut and every dst part needs something of every src part (needs the
  // whole tensor, partial sums, or blocks), the edge becomes one collective (core/schedule.h,
  // docs/EXECUTION.md §7): one member dep per dst op with the bytes it would receive from src
  // parts on other processors, so that a schedule's size grows with P, not P^2.
  void connect();

  Schedule& schedule() { return s_; }
  const std::vector<std::vector<OpId>>& ops_of_task() const { return ops_of_task_; }

 private:
  const TaskGraph& g_;
  Schedule s_;
  std::vector<std::vector<OpId>> ops_of_task_;
  std::vector<uint8_t> layouts_;  // per op: its task's Layout
  WeightAxis axis(const Op& op) const;
  bool sample_cut(const Op& op) const;
};

// E_l cut by samples reads the same weights as F_l cut by samples on the same processor (the
// same layer, part and part count: the same samples, so the same iteration's weight version,
// weight stashing; F_l -> D_l -> E_l runs it later): its weight deps from U_l are dropped rather
// than sending the weights to every processor twice. Used by the data-parallel stages of
// pipedream and data-parallel, whose all-gather then carries each layer's weights once.
void local_weights_for_e(Schedule& s);

// A run of ops that must execute back to back on one processor (pipedream's backward block);
// the other schedulers use one op per block.
struct Block {
  std::vector<OpId> ops;
};

// Places every block modulo a period Pi = the largest processor load: first-fit, as early as its
// in-iteration producers allow; if that fragments a processor, again appending each block to its
// processor's run, which always fits. Then sets offsets, programs, the delays d_l = the smallest
// that let U_l's weights reach F_l and E_l, and the weight deps' distance 1 + d_l. `blocks` must
// be in a topological order of the distance-0 deps. Returns Pi.
Cycles modulo_schedule(Schedule& s, const std::vector<Block>& blocks, const CommModel& c,
                       uint32_t layers);

// Blocks of one op each, in a topological order of the distance-0 deps (ties: op id).
std::vector<Block> single_op_blocks(const Schedule& s);

// Contiguous stages of whole layers minimising the largest stage cost (compute of all its tasks
// + injection of the messages that leave it), by dynamic programming. Returns the first layer of
// each stage (stages = min(P, layers)).
std::vector<uint32_t> partition_layers(const TaskGraph& g, uint32_t stages, const CommModel& c);

}  // namespace spikepipe::sched

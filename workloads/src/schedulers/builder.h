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
#include "spikepipe/workloads/schedule.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::sched {

// How many parts a task can be cut into by output columns (GEMM N; element count for D, U).
uint32_t max_parts(const Task& t);

class Builder {
 public:
  Builder(const TaskGraph& g, std::string scheduler, uint32_t processors);

  // The ops of task t: one per entry of `procs` (parts = procs.size()), micro-batch `micro` of
  // `micros` (costed with batch / micros, METHOD.md: micro-batch cost is not cost / m).
  std::vector<OpId> add(TaskId t, const std::vector<ProcessorId>& procs, uint16_t micro = 0,
                        uint16_t micros = 1);
  // One dep per (src op, dst op) pair that exchanges data, for every edge of the task graph.
  // A dst part that needs its producer's whole tensor (the non-partitioned GEMM operand: spikes
  // into F, errors into E and G) gets every src part's share; a partitioned operand (weights,
  // stash into D/G, gradients, element-wise inputs) flows between overlapping column ranges.
  // Micro-batches connect to the same micro-batch; a single op (U) to every micro-batch.
  void connect();

  Schedule& schedule() { return s_; }
  const std::vector<std::vector<OpId>>& ops_of_task() const { return ops_of_task_; }

 private:
  const TaskGraph& g_;
  Schedule s_;
  std::vector<std::vector<OpId>> ops_of_task_;
};

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

#pragma once
// spikepipe's placement search: ops onto processors minimising the largest processor load
// INCLUDING the communication the placement adds (docs/EXECUTION.md: a remote dep costs its sender
// ceil(bytes / link rate) injection cycles). Loads, their largest and the sum of their squares
// are kept incrementally, so a move costs O(degree of the op x log P).
#include <cstdint>
#include <utility>
#include <vector>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/schedule.h"

namespace spikepipe::sched {

__extension__ typedef __int128 Int128;  // GCC and Clang; exact sums of squared loads

class LoadModel {
 public:
  LoadModel(const Schedule& s, const CommModel& c, uint32_t processors);

  void move(uint32_t op, int32_t proc);  // -1 = unassigned
  int32_t proc(uint32_t op) const { return a_[op]; }
  // (largest load, sum of squared loads): lexicographic, smaller is better.
  std::pair<int64_t, double> objective() const;
  const std::vector<int64_t>& loads() const { return load_; }
  // The objective for each processor p if `bundle` (unassigned ops) were put on p, without
  // moving it: O(its edges + P) for all P instead of P moves.
  std::vector<std::pair<int64_t, double>> objectives_if_put(const std::vector<uint32_t>& bundle) const;
  size_t ops() const { return a_.size(); }
  uint32_t processors() const { return uint32_t(load_.size()); }

 private:
  void account(uint32_t op, int sign);
  void add_load(size_t p, int64_t delta);
  std::vector<int64_t> dur_;
  std::vector<std::vector<std::pair<uint32_t, int64_t>>> out_, in_;  // (other op, injection)
  std::vector<int32_t> a_;
  std::vector<int64_t> load_;
  // Kept with every load change, so that objective() is O(1) (it is evaluated for every trial
  // move: P processors x hundreds of parts at P = 1024): the sum of squared loads, exact, and a
  // max tree over the loads (leaf p at leaves_ + p).
  Int128 squares_ = 0;
  size_t leaves_ = 1;
  std::vector<int64_t> max_;
};

// Longest op first onto the processor that keeps (largest load, sum of squares) smallest.
void assign_lpt(LoadModel& m);
// The same with bundles of ops placed together (the parts of one layer that share an
// output-neuron range, so that their slices stay local); every op in exactly one bundle.
void assign_lpt(LoadModel& m, const std::vector<std::vector<uint32_t>>& bundles);
// Moves and swaps of ops on the most loaded processors while the objective improves, for at most
// `max_trials` evaluated moves/swaps (deterministic effort bound: with hundreds of parts on
// 64 processors an unbounded search takes seconds). `one_critical`: only the ops of the first
// most loaded processor, not of every processor tied with it.
void local_search(LoadModel& m, uint64_t max_trials = UINT64_MAX, bool one_critical = false);

}  // namespace spikepipe::sched

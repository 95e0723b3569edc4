#pragma once
// spikepipe --split (private to workloads/src/schedulers): how the tasks are cut (Cut, with
// builder.h's Layout), the layouts the search tries and its greedy refinement (split.cpp). The
// placement of one cut is spikepipe.cpp's candidate().
#include <optional>
#include <string>
#include <vector>

#include "builder.h"

namespace spikepipe::sched {

// Above kWide processors the split search is effort-bounded (local search capped at
// kLargeTrials trial moves, refinement from the two best starts) to schedule P = 64 in under a
// second; up to kWide it is not.
constexpr uint32_t kWide = 16;
constexpr uint64_t kLargeTrials = 40000;
// Above kHuge processors (schedule P = 1024 in under 10 s, issue 10): the finest target (a
// quarter of the ideal per-processor work, which cuts every long task into ~P parts, 10^4 ops)
// is not tried, and the refinement cuts a task about 1/16 finer per step instead of one part
// finer. Up to kHuge the search is as before.
constexpr uint32_t kHuge = 64;

// How every task is cut: its part count and layout (builder.h). `narrow`: a by-neuron layer may
// be cut into more ranges than shorten its parts (narrower parts cost as much as one array-wide
// part), which spreads its slices, and their sends, over more processors.
struct Cut {
  std::vector<uint32_t> parts;
  std::vector<Layout> layout;
  bool narrow = false;
  bool operator==(const Cut& o) const { return parts == o.parts && layout == o.layout; }
};

Cut uncut(const TaskGraph& g, bool narrow = false);

// A layer is "by neuron" when its D or U is cut by neuron ranges: then F, D, G (rows) and U
// (rows) parts with the same output-neuron range start on one processor, so that stash, errors,
// gradients and weights stay there and only the 1-bit spikes, the errors into E and E's weights
// travel. It is "by samples" when F or D is cut by samples (data parallel: F, D, E, G by the
// same samples, U whole, summing G's partial gradients).
bool by_neuron(const TaskGraph& g, const Cut& cut, uint32_t l);
bool by_samples(const TaskGraph& g, const Cut& cut, uint32_t l);

// Initial bundles for LPT: one per op, except that the ops of a by-neuron layer's F, D, G and U
// whose ranges line up form one bundle, and so do the F, D, E, G parts of all by-samples layers
// with the same sample range.
std::vector<std::vector<uint32_t>> bundles(const TaskGraph& g, const Schedule& s, const Cut& cut);

// The schedule's note: how every cut task is cut (the JSON's part/parts do not say).
std::string describe(const TaskGraph& g, const Cut& cut);

struct Cand {
  Schedule s;
  Cut cut;
};
// Shorter period, then shorter latency.
bool better(const Schedule& a, const Schedule& b);

// spikepipe.cpp: builds the ops of `cut`, places them (from `init` per task, or LPT over
// bundles), searches, modulo-schedules and verifies, on the first `use` processors (0 = all).
// `rival`: the schedule it will be compared with (better()). Above kHuge processors, a
// candidate whose cheap lower bound on the predicted period (largest load, link, DRAM channel
// and NoC interface loads, all of which finalize_schedule's period is at least) is already
// longer than the rival's period is not finalized: it comes back with that bound as its
// predicted_period, so better() gives the same answer without the exact steady state.
Schedule candidate(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                   const Cut& cut, const std::vector<int32_t>* init, uint32_t use = 0,
                   const Schedule* rival = nullptr);

// Tries every layout for a few target part sizes, then refines greedily; replaces `best`
// whenever a candidate is better (so the result is never worse than `best` was).
void search_split(const TaskGraph& g, const SchedulerOptions& o, const CommModel& c,
                  std::optional<Cand>& best);

}  // namespace spikepipe::sched

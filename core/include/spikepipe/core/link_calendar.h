#pragma once
// A link's calendar on the ideal NoC (docs/MODELS.md): the windows booked on it, each a whole
// message's train. The ideal NoC (models/src/noc.cpp, NocTiming::send) and the planner's machine
// replay (workloads/src/analysis_replay.cpp) book through this one rule.
#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>

#include "spikepipe/core/ids.h"

namespace spikepipe {

class LinkCalendar {
 public:
  // Books the first free window of `dur` cycles at or after `earliest` and returns its start
  // (dur = 0 books nothing and returns the first free cycle at or after `earliest`).
  // Cost: a loaded link booked far ahead holds many windows with gaps too short for the next
  // message; walking them made every booking O(windows) (an overloaded 8x8 mesh ran 100x slower).
  // So touching windows are kept as one (the first fit depends only on their union), and the gaps
  // between windows are indexed by size class and position (first_gap): a booking looks only at
  // gaps that may hold it. Exact: the same start as walking the windows one by one.
  Cycles book(Cycles earliest, Cycles dur) {
    Cycles start = earliest;
    auto it = w_.upper_bound(start);
    if (it != w_.begin()) start = std::max(start, std::prev(it)->second);
    if (dur == 0) return start;
    if (it != w_.end() && it->first < start + dur) {
      start = first_gap(start, dur);  // the free stretch at `start` is too short
      it = w_.upper_bound(start);
    }
    insert(it, start, start + dur);
    return start;
  }
  // Drops the windows that end at or before t: no booking starts before it any more.
  void forget_before(Cycles t) {
    while (!w_.empty() && w_.begin()->second <= t) {
      auto first = w_.begin();
      const auto next = std::next(first);
      if (next != w_.end()) drop_gap(first->second, next->first - first->second);
      w_.erase(first);
    }
  }
  size_t windows() const { return w_.size(); }

 private:
  // The start of the first gap between windows at or after `from` that holds dur cycles, else
  // the end of the last window. Gaps are kept by size class (2^c <= size < 2^(c+1)), each class
  // ordered by position: in the classes above dur's every gap fits, in dur's the too-short ones
  // are passed over, the classes below are never looked at.
  Cycles first_gap(Cycles from, Cycles dur) const {
    Cycles best = std::prev(w_.end())->second;
    const uint32_t own = size_class(dur);
    for (uint32_t c = own; c < gaps_.size(); ++c) {
      if (gaps_[c].empty()) continue;
      auto g = gaps_[c].lower_bound({from, 0});
      if (c == own)
        while (g != gaps_[c].end() && g->first < best && g->second < dur) ++g;
      if (g != gaps_[c].end()) best = std::min(best, g->first);
    }
    return best;
  }
  // [s, e) is free; every window before `it` ends at or before s, `it` begins at or after e.
  void insert(std::map<Cycles, Cycles>::iterator it, Cycles s, Cycles e) {
    const bool has_prev = it != w_.begin(), has_next = it != w_.end();
    const Cycles pe = has_prev ? std::prev(it)->second : 0, ns = has_next ? it->first : 0;
    if (has_prev && has_next) drop_gap(pe, ns - pe);
    if (has_prev && s > pe) add_gap(pe, s - pe);
    if (has_next && ns > e) add_gap(e, ns - e);
    Cycles end = e;
    if (has_next && ns == e) {  // touches the next window: one window
      end = it->second;
      it = w_.erase(it);
    }
    if (has_prev && pe == s) {
      std::prev(it)->second = end;
    } else {
      w_.emplace_hint(it, s, end);
    }
  }
  static uint32_t size_class(Cycles size) {  // floor(log2(size)), size >= 1
    return 63 - static_cast<uint32_t>(__builtin_clzll(size));
  }
  void add_gap(Cycles at, Cycles size) { gaps_[size_class(size)].insert({at, size}); }
  void drop_gap(Cycles at, Cycles size) {
    if (size > 0) gaps_[size_class(size)].erase({at, size});
  }

  std::map<Cycles, Cycles> w_;  // start -> end, disjoint, none touching
  // The free stretches between consecutive windows, (start, length), by length class.
  std::array<std::set<std::pair<Cycles, Cycles>>, 64> gaps_;
};

}  // namespace spikepipe

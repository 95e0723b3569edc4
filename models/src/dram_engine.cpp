// Bank and command timing of one DRAM channel: FR-FCFS over a causal queue, open-page rows,
// refresh (models/dram_engine.h, docs/MODELS.md).
#include "spikepipe/models/dram_engine.h"

#include <algorithm>

namespace spikepipe {

namespace {

// The earliest tick allowed by "at least `gap` after `last`"; no constraint before a first event.
Tick after(Tick last, Tick gap) { return last == kNever ? 0 : last + gap; }

}  // namespace

DramChannel::DramChannel(const DramSpec& spec)
    : s_(spec), banks_(size_t(spec.ranks) * spec.banks_per_rank()), ranks_(spec.ranks) {
  for (uint32_t r = 0; r < s_.ranks; ++r) {
    Rank& k = ranks_[r];
    k.bg_act.assign(s_.bank_groups, kNever);
    k.bg_col.assign(s_.bank_groups, kNever);
    k.bg_wr_end.assign(s_.bank_groups, kNever);
    // Ranks refresh in turn, spread over the interval.
    k.next_ref = uint64_t(s_.tREFI) * (r + 1) / s_.ranks;
  }
}

DramLocation DramChannel::map(uint64_t address) const {
  uint64_t i = address / s_.burst_bytes;
  DramLocation l;
  l.bank_group = static_cast<uint32_t>(i % s_.bank_groups);
  i /= s_.bank_groups;
  // A bank's row holds page_bytes, i.e. per_row bursts; a row set (the same row of the same
  // bank in every group) holds bank_groups x page_bytes.
  const uint64_t per_row = std::max<uint64_t>(1, s_.page_bytes / s_.burst_bytes);
  l.column = static_cast<uint32_t>(i % per_row);
  i /= per_row;
  l.bank = static_cast<uint32_t>(i % s_.banks);
  i /= s_.banks;
  l.rank = static_cast<uint32_t>(i % s_.ranks);
  l.row = i / s_.ranks;
  return l;
}

void DramChannel::submit(const DramRequest& r) {
  Pending p;
  p.r = r;
  p.seq = seq_++;
  p.next = r.address / s_.burst_bytes;
  p.end = (r.address + std::max<uint64_t>(r.bytes, 1) - 1) / s_.burst_bytes + 1;
  p.c.id = r.id;
  queue_.push_back(p);
}

Tick DramChannel::next_event_time() const {
  if (queue_.empty()) return kNever;
  Tick m = kNever;
  for (const Pending& p : queue_) m = std::min(m, p.r.ready);
  return std::max(cursor_, m);
}

void DramChannel::advance(Tick to, std::vector<DramCompletion>& done) {
  for (;;) {
    const Tick d = next_event_time();
    if (d == kNever || d > to) return;
    // FR-FCFS among the requests ready by d: the oldest whose next burst hits an open row, else
    // the oldest (and the oldest anyway once kHitCap hits have passed it).
    if (queue_.size() == 1) {  // nothing to choose from (a stream alone: the common case)
      hits_passed_ = 0;
      serve(queue_[0], d);
      if (queue_[0].next == queue_[0].end) {
        done.push_back(queue_[0].c);
        queue_.clear();
      }
      continue;
    }
    size_t oldest = queue_.size(), hit = queue_.size();
    auto older = [&](size_t a, size_t b) {
      return b == queue_.size() || queue_[a].r.ready < queue_[b].r.ready ||
             (queue_[a].r.ready == queue_[b].r.ready && queue_[a].seq < queue_[b].seq);
    };
    for (size_t i = 0; i < queue_.size(); ++i) {
      const Pending& p = queue_[i];
      if (p.r.ready > d) continue;
      if (older(i, oldest)) oldest = i;
      const DramLocation l = map(p.next * s_.burst_bytes);
      const Bank& b = banks_[(size_t(l.rank) * s_.bank_groups + l.bank_group) * s_.banks + l.bank];
      if (b.row == l.row && older(i, hit)) hit = i;
    }
    size_t pick = oldest;
    if (hit != queue_.size() && hit != oldest && hits_passed_ < kHitCap) {
      pick = hit;
      ++hits_passed_;
    } else {
      hits_passed_ = 0;
    }
    Pending& p = queue_[pick];
    serve(p, d);
    if (p.next == p.end) {
      done.push_back(p.c);
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(pick));
    }
  }
}

void DramChannel::refresh(Rank& r, uint32_t rank, Tick due) {
  Bank* first = &banks_[size_t(rank) * s_.banks_per_rank()];
  Bank* last = first + s_.banks_per_rank();
  // An idle rank: the refreshes that fell due while nothing was open happened on time, each
  // over before the next; skip them together.
  bool quiet = true;
  for (Bank* b = first; b != last; ++b) quiet = quiet && b->row == kNoRow && b->next_act <= r.next_ref;
  if (quiet && due >= r.next_ref + s_.tREFI) {
    const uint64_t k = (due - r.next_ref) / s_.tREFI;
    const Tick end = r.next_ref + (k - 1) * s_.tREFI + s_.tRFC;
    for (Bank* b = first; b != last; ++b) b->next_act = std::max(b->next_act, end);
    r.next_ref += k * s_.tREFI;
    refreshes_ += static_cast<uint32_t>(k);
    return;
  }
  // Precharge the open banks (each when it may), then refresh all of them for tRFC.
  Tick at = r.next_ref;
  for (Bank* b = first; b != last; ++b) {
    at = std::max(at, b->row != kNoRow ? std::max(r.next_ref, b->next_pre) + s_.tRP : b->next_act);
  }
  const Tick end = at + s_.tRFC;
  for (Bank* b = first; b != last; ++b) {
    b->row = kNoRow;
    b->next_act = std::max(b->next_act, end);
  }
  r.next_ref += s_.tREFI;
  ++refreshes_;
}

void DramChannel::serve(Pending& p, Tick d) {
  const DramLocation l = map(p.next * s_.burst_bytes);
  Bank& b = banks_[(size_t(l.rank) * s_.bank_groups + l.bank_group) * s_.banks + l.bank];
  Rank& r = ranks_[l.rank];
  const uint32_t g = l.bank_group;
  const bool wr = p.r.write;
  const Tick t = std::max(d, p.r.ready);
  // PRE and ACT may go ahead of the column commands before them: the burst is in the command
  // queue once the burst kLookahead places earlier has issued its first command.
  const Tick ta = std::max(p.r.ready, issued_[issued_i_]);
  const Tick lat = wr ? s_.CWL : s_.CL;
  bool hit = false, conflict = false;
  Tick pre = 0, act = 0, col = 0, first = 0;
  for (;;) {
    hit = b.row == l.row;
    conflict = !hit && b.row != kNoRow;
    Tick col_min = t;
    if (hit) {
      col_min = std::max(t, b.next_col);
    } else {
      Tick act_min = std::max(ta, b.next_act);
      if (conflict) {
        pre = std::max(ta, b.next_pre);
        act_min = std::max(act_min, pre + s_.tRP);
      }
      act = std::max({act_min, after(r.last_act, s_.tRRD_S), after(r.bg_act[g], s_.tRRD_L),
                      after(r.faw[r.faw_i], s_.tFAW)});
      col_min = act + s_.tRCD;
    }
    col = std::max({col_min, t, after(r.last_col, s_.tCCD_S), after(r.bg_col[g], s_.tCCD_L)});
    if (wr) {
      col = std::max(col, after(last_rd_col_, s_.tRTW()));
    } else {
      col = std::max({col, after(r.wr_end, s_.tWTR_S), after(r.bg_wr_end[g], s_.tWTR_L)});
    }
    // The data bus: after the previous burst's data (and a turnaround when the rank changes).
    if (bus_free_ != kNever) {
      const Tick bus = bus_free_ + (bus_rank_ != l.rank ? s_.tRTRS : 0);
      if (col + lat < bus) col = bus - lat;
    }
    first = hit ? col : conflict ? pre : act;
    if (first < r.next_ref) break;
    refresh(r, l.rank, first);  // due before this burst's first command: it goes first
  }
  if (!hit) {
    b.row = l.row;
    b.next_pre = act + s_.tRAS;
    b.next_col = act + s_.tRCD;
    r.last_act = act;
    r.bg_act[g] = act;
    r.faw[r.faw_i] = act;
    r.faw_i = (r.faw_i + 1) % 4;
    if (conflict) {
      ++p.c.row_conflicts;
    } else {
      ++p.c.row_misses;
    }
  } else {
    ++p.c.row_hits;
  }
  r.last_col = col;
  r.bg_col[g] = col;
  const Tick end = col + lat + s_.tBURST;
  if (wr) {
    r.wr_end = end;
    r.bg_wr_end[g] = end;
    b.next_pre = std::max(b.next_pre, end + s_.tWR);
  } else {
    last_rd_col_ = col;
    b.next_pre = std::max(b.next_pre, col + s_.tRTP);
  }
  bus_free_ = end;
  bus_rank_ = l.rank;
  if (p.c.bursts == 0) p.c.first = col + lat;
  ++p.c.bursts;
  p.c.done = end;
  p.c.refreshes += refreshes_;
  refreshes_ = 0;
  cursor_ = std::max(cursor_, first);
  issued_[issued_i_] = first;
  issued_i_ = (issued_i_ + 1) % kLookahead;
  ++p.next;
}

}  // namespace spikepipe

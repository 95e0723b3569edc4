// Bank and command timing of one DRAM channel: FR-FCFS over a causal queue, open-page rows,
// refresh (core/dram_engine.h, docs/MODELS.md).
#include "spikepipe/core/dram_engine.h"

#include <algorithm>

namespace spikepipe {

namespace {

// The earliest tick allowed by "at least `gap` after `last`"; no constraint before a first event.
Tick after(Tick last, Tick gap) { return last == kNever ? 0 : last + gap; }

}  // namespace

DramChannel::DramChannel(const DramSpec& spec, bool batch_hits)
    : s_(spec), batch_hits_(batch_hits), banks_(size_t(spec.ranks) * spec.banks_per_rank()), ranks_(spec.ranks) {
  for (uint32_t r = 0; r < s_.ranks; ++r) {
    Rank& k = ranks_[r];
    k.bg_act.assign(s_.bank_groups, kNever);
    k.bg_col.assign(s_.bank_groups, kNever);
    k.bg_wr_end.assign(s_.bank_groups, kNever);
    // Ranks refresh in turn, spread over the interval.
    k.next_ref = uint64_t(s_.tREFI) * (r + 1) / s_.ranks;
  }
  // A bank's row holds page_bytes, i.e. per_row_ bursts; a row set (the same row of the same
  // bank in every group) holds bank_groups x page_bytes.
  per_row_ = std::max<uint64_t>(1, s_.page_bytes / s_.burst_bytes);
  const uint64_t dims[5] = {s_.burst_bytes, s_.bank_groups, per_row_, s_.banks, s_.ranks};
  pow2_ = true;
  uint32_t shift = 0;
  for (int k = 0; k < 5; ++k) {
    const uint64_t v = dims[k];
    pow2_ = pow2_ && v && (v & (v - 1)) == 0;
    if (!pow2_) break;
    uint32_t bits = 0;
    while ((uint64_t(1) << bits) < v) ++bits;
    mask_[k] = v - 1;
    // shift_[0]: burst offset bits; shift_[k] (k >= 1): bits of dimensions 1..k above the burst
    shift = k == 0 ? bits : shift + bits;
    shift_[k] = k == 0 ? bits : shift - shift_[0];
  }
}

DramLocation DramChannel::map(uint64_t address) const {
  DramLocation l;
  if (pow2_) {  // every dimension a power of two (the presets): shifts and masks
    const uint64_t i = address >> shift_[0];
    l.bank_group = static_cast<uint32_t>(i & mask_[1]);
    l.column = static_cast<uint32_t>((i >> shift_[1]) & mask_[2]);
    l.bank = static_cast<uint32_t>((i >> shift_[2]) & mask_[3]);
    l.rank = static_cast<uint32_t>((i >> shift_[3]) & mask_[4]);
    l.row = i >> shift_[4];
    return l;
  }
  uint64_t i = address / s_.burst_bytes;
  l.bank_group = static_cast<uint32_t>(i % s_.bank_groups);
  i /= s_.bank_groups;
  l.column = static_cast<uint32_t>(i % per_row_);
  i /= per_row_;
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
      if (batch_hits_) stream_hits(queue_[0], to);
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

// A request alone in the queue whose next bursts are row hits in the open row set: each column
// command comes tCCD_S after the previous one (same rank and direction, so no turnaround; every
// bank group comes back after bank_groups x tCCD_S >= tCCD_L; tBURST <= tCCD_S keeps the bus
// free), so the rest of the row set up to the next refresh (and up to `to`) is served at once,
// with the same times and state as burst by burst.
void DramChannel::stream_hits(Pending& p, Tick to) {
  if (p.next == p.end || s_.tBURST > s_.tCCD_S ||
      uint64_t(s_.bank_groups) * s_.tCCD_S < s_.tCCD_L)
    return;
  const uint64_t per_set = per_row_ * s_.bank_groups;
  const uint64_t set_end = std::min(p.end, (p.next / per_set + 1) * per_set);
  if (set_end - p.next < 2) return;
  const DramLocation l = map(p.next * s_.burst_bytes);
  Rank& r = ranks_[l.rank];
  const Tick c0 = r.last_col;  // the burst just served, on this rank and in this direction
  if (bus_rank_ != l.rank || last_write_ != p.r.write || c0 == kNever) return;
  const size_t base = (size_t(l.rank) * s_.bank_groups) * s_.banks + l.bank;
  for (uint32_t g = 0; g < s_.bank_groups; ++g) {
    const Bank& b = banks_[base + size_t(g) * s_.banks];
    if (b.row != l.row || b.next_col > c0 + s_.tCCD_S) return;
    // Reads soon after writes: tWTR_L of another group may still bind.
    if (!p.r.write && after(r.bg_wr_end[g], s_.tWTR_L) > c0 + s_.tCCD_S) return;
  }
  if (r.next_ref <= c0 + s_.tCCD_S) return;
  uint64_t m = std::min<uint64_t>(set_end - p.next, (r.next_ref - 1 - c0) / s_.tCCD_S);
  // Burst i is decided when burst i - 1 issues (c0 + (i - 1) tCCD_S): only decisions up to `to`.
  if (to != kNever) m = to < c0 ? 0 : std::min<uint64_t>(m, (to - c0) / s_.tCCD_S + 1);
  if (m < 2) return;
  const bool wr = p.r.write;
  const Tick lat = wr ? s_.CWL : s_.CL;
  const Tick last = c0 + m * s_.tCCD_S;
  // Each bank group's last burst of the run.
  for (uint64_t i = m >= s_.bank_groups ? m - s_.bank_groups + 1 : 1; i <= m; ++i) {
    const uint32_t g = static_cast<uint32_t>((p.next + i - 1) % s_.bank_groups);
    const Tick col = c0 + i * s_.tCCD_S;
    Bank& b = banks_[base + size_t(g) * s_.banks];
    r.bg_col[g] = col;
    if (wr) {
      r.bg_wr_end[g] = col + lat + s_.tBURST;
      b.next_pre = std::max(b.next_pre, col + lat + s_.tBURST + s_.tWR);
    } else {
      b.next_pre = std::max(b.next_pre, col + s_.tRTP);
    }
  }
  r.last_col = last;
  if (wr) {
    r.wr_end = last + lat + s_.tBURST;
  } else {
    last_rd_col_ = last;
  }
  bus_free_ = last + lat + s_.tBURST;
  for (uint64_t i = m > kLookahead ? m - kLookahead + 1 : 1; i <= m; ++i) {
    issued_[issued_i_] = c0 + i * s_.tCCD_S;
    issued_i_ = (issued_i_ + 1) % kLookahead;
  }
  cursor_ = std::max(cursor_, last);
  p.c.row_hits += static_cast<uint32_t>(m);
  p.c.bursts += static_cast<uint32_t>(m);
  p.c.done = bus_free_;
  p.next += m;
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
  last_write_ = wr;
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

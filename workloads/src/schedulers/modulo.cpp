// Modulo scheduling (the common machinery of pipedream and spikepipe).
//
// Ops are given start times s(op) in one "flat" timeline of a single iteration, such that every
// in-iteration producer's result (its end, plus its message's injection and flight when remote)
// is there before s(op), and such that on every processor the busy intervals
// [s mod Pi, s mod Pi + duration + sends) never overlap. Running iteration k of every op at
// s(op) + k * Pi is then a valid timetable with period Pi: round r of a processor is
// [r * Pi, (r + 1) * Pi), the op runs iteration r - floor(s / Pi), and the program order is by
// s mod Pi. The self-timed execution of the same programs (what the simulator does) is never
// slower than this timetable. The weight feedback U_l -> F_l only constrains the delay:
// F_l of iteration k + 1 + d_l starts at s(F_l) + (k + 1 + d_l) Pi, which must not precede the
// weights of iteration k, so d_l = max(0, ceil((ready(U_l) - s(F_l)) / Pi) - 1), the smallest
// delay that reaches Pi; E_l reads the same stashed version, so d_l covers it as well.
#include <algorithm>

#include "builder.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe::sched {
namespace {

struct Timing {
  std::vector<Cycles> dur, sends;  // per op
  std::vector<Cycles> send_end;    // per dep: injection cycles after the op's end until sent
};

Timing timing(const Schedule& s, const CommModel& c) {
  Timing t;
  t.dur.resize(s.ops.size());
  for (const Op& op : s.ops) t.dur[op.id.value] = op_duration(op, c);
  t.sends.assign(s.ops.size(), 0);
  t.send_end.assign(s.deps.size(), 0);
  for (size_t d = 0; d < s.deps.size(); ++d)
    if (s.remote(s.deps[d]) && sent_by_processor(s.deps[d])) {
      t.sends[s.deps[d].src.value] += c.inject(s.deps[d].bytes);
      t.send_end[d] = t.sends[s.deps[d].src.value];
    }
  return t;
}

// When dep d's data is there for its dst, given the srcs' starts (of ops placed so far). A
// collective member is sent when the last of the collective's srcs ends (docs/EXECUTION.md §7):
// `group_end` holds, per collective, the latest end of its srcs placed so far.
Cycles ready(const Schedule& s, const Timing& t, const CommModel& c, size_t d,
             const std::vector<Cycles>& start, const std::vector<Cycles>& group_end) {
  const Dep& dep = s.deps[d];
  const ProcessorId sp = s.op(dep.src).proc, dp = s.op(dep.dst).proc;
  if (dep.in_collective()) {
    const Cycles g = group_end[size_t(dep.collective)];
    return s.remote(dep) ? g + c.inject(dep.bytes) + c.flight(sp, dp) : g;
  }
  const Cycles end = start[dep.src.value] + t.dur[dep.src.value];
  return s.remote(dep) ? end + t.send_end[d] + c.flight(sp, dp) : end;
}

struct Arc {
  Cycles at, len;  // at in [0, period)
};

bool overlaps(const std::vector<Arc>& busy, Cycles x, Cycles len, Cycles period) {
  if (len == 0) return false;
  for (const Arc& a : busy) {
    if (a.len == 0) continue;
    if ((a.at + period - x) % period < len || (x + period - a.at) % period < a.len) return true;
  }
  return false;
}

// One attempt at period `pi`; false if some block does not fit. First-fit places a block as
// early as its producers allow, which keeps latency and delays short but can leave gaps too
// small for later blocks; `contiguous` appends every block to its processor's run instead, which
// always fits when the processor's load is at most pi (at the price of longer offsets).
bool place(const Schedule& s, const std::vector<Block>& blocks, const Timing& t, const CommModel& c,
           const std::vector<std::vector<uint32_t>>& in, const CollectiveIndex& ci, Cycles pi,
           bool contiguous, std::vector<Cycles>& start) {
  std::vector<std::vector<Arc>> busy(s.processors);
  std::vector<char> placed(s.ops.size(), 0);
  start.assign(s.ops.size(), 0);
  std::vector<Cycles> group_end(s.collectives.size(), 0);
  for (const Block& b : blocks) {
    const uint32_t p = s.op(b.ops.front()).proc.value;
    Cycles len = 0, earliest = 0;
    for (OpId id : b.ops) {
      for (uint32_t d : in[id.value]) {
        if (s.deps[d].distance != 0 || !placed[s.deps[d].src.value]) continue;
        const Cycles r = ready(s, t, c, d, start, group_end);
        if (r > len) earliest = std::max(earliest, r - len);
      }
      len += t.dur[id.value] + t.sends[id.value];
    }
    if (len > pi) return false;
    // Candidates: as early as possible, or right after an occupied arc.
    std::vector<Cycles> cand;
    if (!contiguous || busy[p].empty()) cand.push_back(earliest);
    for (const Arc& a : busy[p])
      if (!contiguous || &a == &busy[p].back())
        cand.push_back(earliest + ((a.at + a.len) % pi + pi - earliest % pi) % pi);
    std::sort(cand.begin(), cand.end());
    bool ok = false;
    Cycles at = 0;
    for (Cycles x : cand)
      if (!overlaps(busy[p], x % pi, len, pi)) { at = x; ok = true; break; }
    if (!ok) return false;
    busy[p].push_back({at % pi, len});
    Cycles cur = at;
    for (OpId id : b.ops) {
      start[id.value] = cur;
      placed[id.value] = 1;
      for (uint32_t g : ci.of_src[id.value])
        group_end[g] = std::max(group_end[g], cur + t.dur[id.value]);
      cur += t.dur[id.value] + t.sends[id.value];
    }
  }
  return true;
}

}  // namespace

Cycles modulo_schedule(Schedule& s, const std::vector<Block>& blocks, const CommModel& c,
                       uint32_t layers) {
  const Timing t = timing(s, c);
  std::vector<std::vector<uint32_t>> in(s.ops.size());
  for (uint32_t d = 0; d < s.deps.size(); ++d) in[s.deps[d].dst.value].push_back(d);
  const CollectiveIndex ci(s);
  Cycles pi = 1;
  for (Cycles l : processor_loads(s, c)) pi = std::max(pi, l);
  std::vector<Cycles> start;
  if (!place(s, blocks, t, c, in, ci, pi, false, start) && !place(s, blocks, t, c, in, ci, pi, true, start))
    for (uint32_t attempt = 0; !place(s, blocks, t, c, in, ci, pi, false, start); ++attempt)
      pi += std::max<Cycles>(1, attempt < 400 ? pi / 400 : pi / 20);

  for (Op& op : s.ops) op.offset = int32_t(start[op.id.value] / pi);
  for (auto& prog : s.programs)
    std::stable_sort(prog.begin(), prog.end(), [&](OpId a, OpId b) {
      const Cycles ma = start[a.value] % pi, mb = start[b.value] % pi;
      return ma != mb ? ma < mb : start[a.value] < start[b.value];
    });
  s.delays.assign(layers, 0);
  std::vector<Cycles> group_end(s.collectives.size(), 0);
  for (uint32_t g = 0; g < s.collectives.size(); ++g)
    for (OpId o : s.collectives[g].srcs)
      group_end[g] = std::max(group_end[g], start[o.value] + t.dur[o.value]);
  for (size_t d = 0; d < s.deps.size(); ++d) {
    const Dep& dep = s.deps[d];
    if (dep.kind != TensorKind::Weights) continue;
    const Cycles r = ready(s, t, c, d, start, group_end);
    const Cycles st = start[dep.dst.value];
    if (r <= st + pi) continue;  // d = 0 suffices
    const Cycles need = (r - st + pi - 1) / pi - 1;
    uint32_t& dl = s.delays[s.op(dep.dst).layer];
    dl = std::max<uint32_t>(dl, uint32_t(need));
  }
  for (Dep& dep : s.deps)
    if (dep.kind == TensorKind::Weights) dep.distance = 1 + s.delays[s.op(dep.dst).layer];
  return pi;
}

}  // namespace spikepipe::sched

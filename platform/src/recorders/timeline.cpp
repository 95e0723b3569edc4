#include "spikepipe/core/execution.h"
#include "spikepipe/platform/recorders/timeline.h"

#include <algorithm>
#include <cmath>

namespace spikepipe {

namespace {

struct Interval {
  Cycles start, end;
  int prio;  // task 3 > sending 2 > waiting 1
  StateChange value;
};

bool same(const StateChange& a, const StateChange& b) {
  return a.state == b.state && a.layer == b.layer && a.iteration == b.iteration;
}

}  // namespace

const char* to_string(ProcState s) {
  static const char* names[kProcStates] = {"idle", "waiting", "F", "D", "E", "G", "U", "sending"};
  return names[static_cast<int>(s)];
}

ProcState state_of(TaskKind k) { return static_cast<ProcState>(static_cast<int>(k) + 2); }

uint64_t task_value(ProcState s, uint32_t layer) {
  return s == ProcState::Idle ? 0 : uint64_t(layer) * kProcStates + static_cast<uint64_t>(s);
}

std::string task_name(uint64_t value) {
  const auto s = static_cast<ProcState>(value % kProcStates);
  const std::string layer = std::to_string(value / kProcStates);
  switch (s) {
    case ProcState::Idle:
      return "idle";
    case ProcState::Waiting:
      return "wait" + layer;
    case ProcState::Sending:
      return "send" + layer;
    default:
      return to_string(s) + layer;
  }
}

std::vector<StateChange> processor_timeline(const TraceInput& in, ProcessorId p,
                                            const TimeSpan& span) {
  std::vector<Interval> iv;
  for (const auto& e : in.log.tasks) {
    if (e.proc == p)
      iv.push_back({e.start, e.end, 3, {e.start, state_of(e.kind), e.layer + 1, e.iteration}});
  }
  const double bpc = in.platform.noc.link_bytes_per_cycle;
  for (const auto& m : in.log.messages) {
    if (m.src != p) continue;
    const Cycles until =
        m.injected > m.sent
            ? m.injected
            : m.sent + serial_cycles(m.bytes, bpc);
    iv.push_back({m.sent, until, 2, {m.sent, ProcState::Sending, m.layer + 1, m.iteration}});
  }
  for (const auto& w : in.log.waits) {
    if (w.proc != p) continue;
    const uint32_t layer = w.op.value < in.schedule.ops.size() ? in.schedule.op(w.op).layer + 1 : 0;
    iv.push_back({w.start, w.end, 1, {w.start, ProcState::Waiting, layer, w.iteration}});
  }
  std::stable_sort(iv.begin(), iv.end(),
                   [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Cycles> pts;
  for (const auto& i : iv) {
    if (i.end <= i.start) continue;
    pts.push_back(i.start);
    pts.push_back(i.end);
  }
  pts.push_back(span.begin);
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());

  std::vector<StateChange> out;
  std::vector<const Interval*> active;
  size_t next = 0;
  StateChange shown{span.begin, ProcState::Idle, 0, 0};
  bool started = false;
  for (Cycles t : pts) {
    if (t > span.end) break;
    active.erase(std::remove_if(active.begin(), active.end(),
                                [&](const Interval* a) { return a->end <= t; }),
                 active.end());
    while (next < iv.size() && iv[next].start <= t) {
      if (iv[next].end > t) active.push_back(&iv[next]);
      ++next;
    }
    StateChange v{t, ProcState::Idle, 0, 0};
    const Interval* best = nullptr;
    for (const Interval* a : active) {
      if (!best || a->prio > best->prio || (a->prio == best->prio && a->start >= best->start))
        best = a;
    }
    if (best) v = {t, best->value.state, best->value.layer, best->value.iteration};
    if (t < span.begin) {
      shown = v;
      continue;
    }
    if (!started) {
      shown.time = span.begin;
      if (t == span.begin) shown = v;
      out.push_back(shown);
      started = true;
      continue;
    }
    if (!same(v, shown)) out.push_back(v);
    shown = v;
  }
  if (!started) out.push_back({span.begin, shown.state, shown.layer, shown.iteration});
  return out;
}

}  // namespace spikepipe

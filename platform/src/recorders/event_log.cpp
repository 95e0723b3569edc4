#include "spikepipe/platform/recorders/event_log.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "spikepipe/platform/recorders/trace_input.h"
#include "spikepipe/core/error.h"

namespace spikepipe {

void EventLog::sort() {
  std::sort(tasks.begin(), tasks.end(), [](const TaskEvent& a, const TaskEvent& b) {
    return std::make_tuple(a.start, a.proc.value, a.end, a.op.value, a.iteration) <
           std::make_tuple(b.start, b.proc.value, b.end, b.op.value, b.iteration);
  });
  std::sort(waits.begin(), waits.end(), [](const WaitEvent& a, const WaitEvent& b) {
    return std::make_tuple(a.start, a.proc.value, a.end, a.op.value, a.iteration) <
           std::make_tuple(b.start, b.proc.value, b.end, b.op.value, b.iteration);
  });
  std::sort(messages.begin(), messages.end(), [](const MessageEvent& a, const MessageEvent& b) {
    return std::make_tuple(a.sent, a.src.value, a.id, a.received) <
           std::make_tuple(b.sent, b.src.value, b.id, b.received);
  });
  std::sort(links.begin(), links.end(), [](const LinkEvent& a, const LinkEvent& b) {
    return std::make_tuple(a.start, a.link.value, a.end, a.message, a.bytes) <
           std::make_tuple(b.start, b.link.value, b.end, b.message, b.bytes);
  });
  std::sort(memory.begin(), memory.end(), [](const MemoryEvent& a, const MemoryEvent& b) {
    return std::make_tuple(a.start, a.channel, a.end, a.requester.value, a.write, a.spill,
                           static_cast<int>(a.kind), a.bytes) <
           std::make_tuple(b.start, b.channel, b.end, b.requester.value, b.write, b.spill,
                           static_cast<int>(b.kind), b.bytes);
  });
  // Stable: two changes of one processor at the same time keep their reported order (the last
  // one is the occupancy after both).
  std::stable_sort(sram.begin(), sram.end(), [](const SramEvent& a, const SramEvent& b) {
    return std::make_tuple(a.time, a.proc.value) < std::make_tuple(b.time, b.proc.value);
  });
}

Cycles EventLog::end_time() const {
  Cycles t = 0;
  for (const auto& e : tasks) t = std::max(t, e.end);
  for (const auto& e : waits) t = std::max(t, e.end);
  for (const auto& e : messages) t = std::max(t, e.received);
  for (const auto& e : links) t = std::max(t, e.end);
  for (const auto& e : memory) t = std::max(t, e.end);
  for (const auto& e : sram) t = std::max(t, e.time);
  return t;
}

TraceWindow parse_trace_window(const std::string& text) {
  const auto colon = text.find(':');
  auto number = [&](const std::string& s) -> uint32_t {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) {
      fail("--trace-window", "'" + text + "' is not FIRST:LAST",
           "two iteration numbers, FIRST <= LAST, e.g. 4:7");
    }
    return static_cast<uint32_t>(std::stoul(s));
  };
  if (colon == std::string::npos) {
    fail("--trace-window", "'" + text + "' is not FIRST:LAST", "two iteration numbers, e.g. 4:7");
  }
  TraceWindow w;
  w.first = number(text.substr(0, colon));
  w.last = number(text.substr(colon + 1));
  if (w.first > w.last) {
    fail("--trace-window",
         "FIRST " + std::to_string(w.first) + " is after LAST " + std::to_string(w.last),
         "FIRST <= LAST");
  }
  return w;
}

TimeSpan time_span(const EventLog& log, const TraceWindow& window) {
  TimeSpan span{0, log.end_time()};
  if (window.all()) return span;
  Cycles begin = std::numeric_limits<Cycles>::max(), end = 0;
  for (const auto& e : log.tasks) {
    if (e.iteration < window.first || e.iteration > window.last) continue;
    begin = std::min(begin, e.start);
    end = std::max(end, e.end);
  }
  if (end == 0 && begin == std::numeric_limits<Cycles>::max()) return TimeSpan{0, 0};
  return TimeSpan{begin, end};
}

std::string TraceInput::link_name(LinkId id) const {
  if (id.value < link_names.size() && !link_names[id.value].empty()) return link_names[id.value];
  return "link" + std::to_string(id.value);
}

uint32_t TraceInput::link_count() const {
  uint32_t n = static_cast<uint32_t>(link_names.size());
  for (const auto& e : log.links) n = std::max(n, e.link.value + 1);
  return n;
}

}  // namespace spikepipe

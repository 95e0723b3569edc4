#pragma once
// A probe that keeps every event of a run, so that metrics and every trace format are computed
// from one record after the simulation. Events may arrive out of time order (temporal
// decoupling); sort() puts each list in a deterministic time order before anything reads it.
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/models/probe.h"

namespace spikepipe {

class EventLog : public Probe {
 public:
  std::vector<TaskEvent> tasks;
  std::vector<WaitEvent> waits;
  std::vector<MessageEvent> messages;
  std::vector<LinkEvent> links;
  std::vector<MemoryEvent> memory;
  std::vector<SramEvent> sram;

  void on_task(const TaskEvent& e) override { tasks.push_back(e); }
  void on_wait(const WaitEvent& e) override { waits.push_back(e); }
  void on_message(const MessageEvent& e) override { messages.push_back(e); }
  void on_link(const LinkEvent& e) override { links.push_back(e); }
  void on_memory(const MemoryEvent& e) override { memory.push_back(e); }
  void on_sram(const SramEvent& e) override { sram.push_back(e); }

  // Orders every list by time, ties broken by every other field: the same run gives the same
  // order whatever order the models reported in.
  void sort();

  // Latest end (or time) of any event; 0 when empty.
  Cycles end_time() const;
};

// Which part of a run the traces show: the time span from the first start of iteration `first`
// to the last end of iteration `last` (every event overlapping it is kept, so the pipeline's
// other iterations in flight stay visible). The defaults show everything.
struct TraceWindow {
  uint32_t first = 0;
  uint32_t last = UINT32_MAX;
  bool all() const { return first == 0 && last == UINT32_MAX; }
};

// Parses "FIRST:LAST" (iterations, inclusive, FIRST <= LAST); throws Error naming --trace-window.
TraceWindow parse_trace_window(const std::string& text);

// The cycles [begin, end) that `window` covers in `log`; the whole run when it is all().
struct TimeSpan {
  Cycles begin = 0, end = 0;
  bool overlaps(Cycles s, Cycles e) const { return s < end && e > begin; }
  bool contains(Cycles t) const { return t >= begin && t <= end; }
};
TimeSpan time_span(const EventLog& log, const TraceWindow& window);

}  // namespace spikepipe

#pragma once
// What every recorder reads: the platform, the schedule that ran, the sorted event log and the
// part of the run to show. Recorders return file contents as strings; the run writes them.
#include <functional>
#include <string>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/core/schedule.h"

namespace spikepipe {

// Told the fraction (0..1) of a trace file generated so far, for a progress line on long runs.
using TraceProgress = std::function<void(double)>;
// Receives a trace file's text in pieces, in order (long runs write hundreds of MB).
using TextSink = std::function<void(const std::string&)>;

// Mean power over [begin, end) by component, in watts (platform/metrics.h: power_over_time).
struct PowerSample {
  Cycles begin = 0, end = 0;
  double compute_w = 0, sram_w = 0, dram_w = 0, noc_w = 0, static_w = 0;
  double total_w() const { return compute_w + sram_w + dram_w + noc_w + static_w; }
};

struct TraceInput {
  const PlatformParams& platform;
  const Schedule& schedule;
  const EventLog& log;  // sorted
  TraceWindow window;
  std::vector<std::string> link_names;  // by LinkId; a link without a name reads "link<N>"
  std::vector<PowerSample> power{};     // power over time, empty: no power counter / signal

  std::string link_name(LinkId id) const;
  uint32_t link_count() const;  // named links and every link an event mentions (scans the log)
  TimeSpan span() const { return time_span(log, window); }
};

}  // namespace spikepipe

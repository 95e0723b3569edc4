#pragma once
// What one run writes into its output directory (shared by `spikepipe run`, compare and tests).
#include <nlohmann/json.hpp>
#include <string>

#include "spikepipe/platform/metrics.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

// The files of one run (their names are listed in docs/TRACES.md).
inline constexpr const char* kSummaryFile = "summary.json";

struct RunDescription {
  std::string network;  // name
  std::string network_source;
  uint32_t layers = 0, batch = 0, timesteps = 0;
  std::string command;  // the run's arguments, for the record
};

// summary.json: the run's description, then the metrics (to_json).
nlohmann::ordered_json summary_json(const RunDescription& d, const PlatformParams& p,
                                    const Metrics& m);

// Without --trace-window, runs with more than kTraceEventBudget trace events (~90 MB of
// Perfetto JSON) trace only the first kDefaultTraceIterations measured iterations; smaller runs
// are traced whole. Returns the window to trace (all() when everything) and, when it is not
// everything, a one-line note saying what is traced and how to get more.
inline constexpr uint64_t kTraceEventBudget = 600000;
inline constexpr uint32_t kDefaultTraceIterations = 4;
TraceWindow default_trace_window(const EventLog& log, const IterationPlan& plan,
                                 std::string* note = nullptr);

// Writes summary.json, summary.txt, tasks.csv, links.csv, memory.csv, messages.csv and, when
// `trace` is set, trace.vcd, trace.gtkw, gtkwave_states.txt and trace.perfetto.json (over
// in.window, or default_trace_window() when that is all(); progress on stderr after 2 s).
void write_run_outputs(OutputDir& out, const TraceInput& in, const RunDescription& d,
                       const Metrics& m, const std::string& summary, bool trace);

}  // namespace spikepipe

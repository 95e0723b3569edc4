#pragma once
// `spikepipe run`: its own options and what it writes into its output directory (shared by run,
// compare and the tests).
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "spikepipe/platform/metrics.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

namespace cli {
// --iterations, --warmup, --trace-window, --no-trace (compare passes them on to each run).
boost::program_options::options_description run_measure_options();
}  // namespace cli

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

// Writes summary.json, summary.txt, tasks.csv, links.csv, memory.csv, messages.csv and, when
// `trace` is set, trace.vcd, trace.gtkw, gtkwave_states.txt and trace.perfetto.json.
void write_run_outputs(OutputDir& out, const TraceInput& in, const RunDescription& d,
                       const Metrics& m, const std::string& summary, bool trace);

}  // namespace spikepipe

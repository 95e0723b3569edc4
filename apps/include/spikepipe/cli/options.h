#pragma once
// Options shared by the subcommands, each declared once: the same declaration gives the CLI flag,
// the INI key of platform files, the default and the --help text.
#include <optional>
#include <boost/program_options.hpp>

#include "spikepipe/core/platform.h"
#include "spikepipe/platform/config.h"
#include "spikepipe/cli/cli.h"
#include "spikepipe/platform/recorders/trace_input.h"
#include "spikepipe/workloads/energy.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe::cli {

namespace po = boost::program_options;

// --network NAME|FILE, --topology FILE, --topology-format conv|gemm, --timesteps, --batch,
// --act-bits, --weight-bits (the last four override the file, and fill in for topologies).
po::options_description network_options();
Network network_from(const po::variables_map& vm);

// --platform NAME|FILE (a preset in platform/configs/ or an INI file) and one flag per platform
// key (processors, array-rows, array-cols, dataflow, vector-lanes, sram-bytes, noc-*, dram-*,
// clock-ghz, ...). Precedence: flag > file > built-in default. Errors name the file and key.
po::options_description platform_options();
PlatformParams platform_from(const po::variables_map& vm);

// --platform and the array keys only (array-rows, array-cols, dataflow, vector-lanes, sparsity,
// firing-rate), for commands that model one array (`layers`). A --platform file may hold every
// platform key; only its array keys are used and checked.
po::options_description array_options();
ArrayParams array_from(const po::variables_map& vm);

// A whole-number option in lo .. hi, read exactly: "2.5", "-1" or a value past the range get
// "--flag: '2.5' is not a whole number (allowed: lo .. hi)". Use like po::value<T>().
template <class T>
po::typed_value<T>* whole(int64_t lo, int64_t hi);

// --scheduler, --split, --micro-batches. The NoC figures schedulers need come from the platform.
po::options_description scheduler_options();
SchedulerOptions scheduler_options_from(const po::variables_map& vm, const PlatformParams& p);
// Refuses --split with a scheduler other than spikepipe and --micro-batches (given) with one other
// than gpipe: an option that would be ignored in silence.
void check_applicable(const po::variables_map& vm, const std::string& scheduler);
// "sequential, gpipe, ...": the registry's names, for help texts.
std::string scheduler_names();

// --iterations, --warmup, --trace-window, --no-trace, --energy (compare passes them on to each
// run).
po::options_description run_measure_options();

// Those options checked (ranges of --iterations and --warmup, syntax of --trace-window), so that
// run and compare refuse a bad value the same way before creating anything.
struct RunSettings {
  uint32_t iterations = 0;  // 0: automatic (plan_iterations)
  int warmup = -1;          // -1: automatic
  TraceWindow window;
  bool trace = true;
  EnergyTable energy;  // --energy FILE over the built-in table (docs/ENERGY.md)
};
RunSettings run_settings_from(const po::variables_map& vm);

// Parses `args` against `desc`. On --help prints "usage: spikepipe <usage>" and the options with
// their defaults to stdout and returns nullopt; unknown or malformed options throw Error.
std::optional<po::variables_map> parse(const Args& args, const po::options_description& desc,
                                       const std::string& usage);

}  // namespace spikepipe::cli

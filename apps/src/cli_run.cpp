// `spikepipe run`: schedule, simulate, measure, and write the summary and traces atomically.
#include <iostream>
#include <sstream>

#include "spikepipe/core/noc_graph.h"
#include "spikepipe/cli/cli.h"
#include "spikepipe/platform/interrupts.h"
#include "spikepipe/platform/metrics.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/run.h"
#include "spikepipe/platform/run_limits.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::cli {

namespace {

po::options_description run_options() {
  po::options_description o("Output");
  o.add_options()("out", po::value<std::string>()->default_value("traces/run"),
                  "output directory (replaced atomically when the run succeeds)")(
      "quiet", po::bool_switch(), "print nothing on success (no table, no progress line)");
  return o;
}

// The arguments that determine the figures (not where or how the outputs are written), so that
// the same run into another directory records the same command.
std::string joined(const Args& args) {
  std::string s = "spikepipe run";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--out" || a == "--trace-window") {
      ++i;
      continue;
    }
    if (a.rfind("--out=", 0) == 0 || a.rfind("--trace-window=", 0) == 0 || a == "--quiet" ||
        a == "--no-trace") {
      continue;
    }
    s += " " + a;
  }
  return s;
}

}  // namespace

po::options_description run_measure_options() {
  po::options_description o("Run");
  o.add_options()("iterations", whole<int64_t>(1, kMaxIterations),
                  "iterations measured in steady state (the period is their mean interval); 1 .. "
                  "1000000 (default: automatic: max(8, twice the pattern the planner's replay "
                  "repeats), or 8 without a prediction)")(
      "warmup", whole<int64_t>(-1, kMaxIterations)->default_value(-1),
      "iterations simulated before the measured ones (-1 = automatic: the replay's transient, at "
      "least 4x the pipeline depth or the longest dependency distance), or 0 .. 1000000")("trace-window", po::value<std::string>(),
                                      "FIRST:LAST: traces show only the time of these iterations")(
      "no-trace", po::bool_switch(),
      "write no VCD / GTKWave / Perfetto traces (summary and CSV only)")(
      "energy", po::value<std::string>(),
      "energy table file (`key = value`, docs/ENERGY.md) over the built-in 45 nm figures");
  return o;
}

RunSettings run_settings_from(const po::variables_map& vm) {
  RunSettings r;
  // Read as signed 64-bit so that -1 or 4294967295 get the range error, not a wrapped count.
  // No --iterations: 0, automatic (plan_iterations).
  const int64_t iterations = vm.count("iterations") ? vm["iterations"].as<int64_t>() : 0;
  const int64_t warmup = vm["warmup"].as<int64_t>();
  check_iteration_counts(iterations == 0 ? 1 : iterations, warmup);
  r.iterations = static_cast<uint32_t>(iterations);
  r.warmup = static_cast<int>(warmup);
  if (vm.count("trace-window")) r.window = parse_trace_window(vm["trace-window"].as<std::string>());
  r.trace = !vm["no-trace"].as<bool>();
  if (vm.count("energy")) r.energy = read_energy_file(vm["energy"].as<std::string>());
  return r;
}

int run(const Args& args) {
  po::options_description desc;
  desc.add(network_options())
      .add(platform_options())
      .add(scheduler_options())
      .add(run_measure_options())
      .add(run_options());
  const auto parsed = parse(args, desc, "run [options]");
  if (!parsed) return 0;
  interrupts::install();  // an interrupted run leaves no staging directory behind
  const po::variables_map& vm = *parsed;
  const bool quiet = vm["quiet"].as<bool>();
  const RunSettings settings = run_settings_from(vm);
  const bool trace = settings.trace;
  const TraceWindow& window = settings.window;

  const Network net = network_from(vm);
  const PlatformParams platform = platform_from(vm);
  const std::string scheduler = vm["scheduler"].as<std::string>();
  check_applicable(vm, scheduler);
  const SchedulerOptions sopt = scheduler_options_from(vm, platform);
  const TaskGraph graph = build_task_graph(net, platform.processor.array);
  const Schedule schedule = make_schedule(scheduler, graph, sopt);
  const IterationPlan plan =
      plan_iterations(schedule, settings.iterations, settings.warmup);
  check_run_size(schedule, plan.total(), plan.warmup + plan.drain);
  if (window.last != UINT32_MAX && window.last >= plan.total()) {
    fail("--trace-window", "iteration " + std::to_string(window.last) + " is not simulated",
         "iterations 0.." + std::to_string(plan.total() - 1));
  }
  // Standard pipelining's bytes are what the communication overhead is measured against (the
  // paper's baseline, METHOD.md §6; summary key `pipedream_bytes`); its schedule is plain C++ and
  // cheap, so it is built here rather than simulated.
  uint64_t pipedream_bytes = 0;
  {
    SchedulerOptions po_ = sopt;
    po_.split = false;
    const Schedule pd =
        scheduler == "standard" ? schedule : make_schedule("standard", graph, po_);
    // Between processors only: input spikes come from DRAM and are counted there.
    pipedream_bytes =
        total(pd.bytes_by_kind) - pd.bytes_by_kind[static_cast<int>(TensorKind::Input)];
  }

  OutputDir out(vm["out"].as<std::string>());  // fails now, not after the run, if unwritable
  if (const std::string w = sram_warning(schedule, platform.processor.sram_bytes); !w.empty())
    std::cerr << "spikepipe run: warning: " << w << "\n";
  EventLog log;
  SimOptions so;
  so.iterations = plan.total();
  so.progress = !quiet;
  simulate(platform, schedule, so, log);
  log.sort();

  std::vector<std::string> link_names;
  for (const auto& l : noc_links(platform.noc)) link_names.push_back(l.name);
  MetricsInput mi{platform, schedule, graph, log, plan, pipedream_bytes, link_names};
  mi.energy = &settings.energy;
  const Metrics m = compute_metrics(mi);
  std::ostringstream text;
  text << "spikepipe run: network " << net.name << " (" << net.layers.size()
       << " layers, B=" << net.batch << ", T=" << net.timesteps << "), platform " << platform.name
       << " (" << platform.processors << " processors, " << platform.processor.array.rows << "x"
       << platform.processor.array.cols << " " << to_string(platform.processor.array.dataflow)
       << ", " << to_string(platform.noc.topology) << " " << platform.noc.cols << "x"
       << platform.noc.rows << "), scheduler " << scheduler << (sopt.split ? " --split" : "")
       << "\n"
       << summary_text(m);

  RunDescription d;
  d.network = net.name;
  d.network_source = net.source;
  d.layers = static_cast<uint32_t>(net.layers.size());
  d.batch = net.batch;
  d.timesteps = net.timesteps;
  d.command = joined(args);
  TraceInput in{platform, schedule, log, window, link_names};
  if (trace) in.power = power_over_time(mi);
  write_run_outputs(out, in, d, m, text.str(), trace);
  out.commit();
  if (!m.steady) {
    std::cerr << "spikepipe run: warning: no steady state: the completion intervals of the "
                 "measured iterations vary by "
              << 100.0 * m.interval_spread
              << "% and do not repeat (raise --warmup or --iterations)\n";
  }
  if (!quiet) {
    std::cout << text.str() << "  outputs                     " << out.final_path().string()
              << "/ (summary.json, tasks.csv, "
              << (trace ? "trace.vcd + trace.gtkw, trace.perfetto.json, ...)" : "...; traces off)")
              << "\n";
  }
  return 0;
}

}  // namespace spikepipe::cli

// `spikepipe compare`: every scheduler on the same network and platform, one table. SystemC
// elaborates once per process, so each scheduler is its own `spikepipe run` child process; the
// table is read back from their summary.json files.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/cli/run_figures.h"
#include "spikepipe/platform/interrupts.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/platform/run.h"
#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Variant {
  std::string dir;
  const SchedulerEntry* scheduler;
  bool split;
};
// Every scheduler of the registry, and a "-split" run of each that can cut tasks.
std::vector<Variant> variants() {
  std::vector<Variant> v;
  for (const SchedulerEntry& e : schedulers()) {
    v.push_back({e.name, &e, false});
    if (e.splits) v.push_back({std::string(e.name) + "-split", &e, true});
  }
  return v;
}
// Input spikes come from DRAM, never between processors: no column.
const char* kKinds[] = {"spikes", "errors", "weights", "gradients", "stash"};

struct Row {
  std::string name;
  bool ok = false;
  std::string error;
  json s;
};

double num(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

std::string f(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// A figure of summary.json as it is there (CSV): 228500.75 stays 228500.75, 228501 stays 228501.
std::string exact(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) return f("%.0f", v);
  return json(v).dump();
}

// Energy per sample (summary.json's energy_breakdown_j, docs/ENERGY.md): by component in the
// CSV, the total and the average power in the table.
const char* kEnergyParts[] = {"compute", "sram", "dram", "noc", "static"};
void energy_cells(const json& s, bool csv, std::vector<std::string>& c) {
  if (csv) {
    for (auto k : kEnergyParts)
      c.push_back(s.contains("energy_breakdown_j") ? exact(num(s["energy_breakdown_j"], k)) : "");
    c.push_back(exact(num(s, "energy_per_sample_j")));
    c.push_back(exact(num(s, "average_power_w")));
    return;
  }
  c.push_back(f("%.2f", 1e6 * num(s, "energy_per_sample_j")));
  c.push_back(f("%.3g", num(s, "average_power_w")));
}

std::string pad(const std::string& s, size_t w) {
  return s.size() >= w ? s + " " : std::string(w - s.size(), ' ') + s + " ";
}

// Every scheduler but spikepipe (and its -split run) is a baseline.
bool is_baseline(const std::string& name) { return name.rfind("spikepipe", 0) != 0; }

std::string table(const std::vector<Row>& rows, bool csv) {
  double pd = 0, seq = 0, standard = 0, best = 0;
  std::string best_name = "-";
  for (const auto& r : rows) {
    if (!r.ok) continue;
    const double p = num(r.s, "period_cycles");
    if (r.name == "pipedream") pd = p;
    if (r.name == "sequential") seq = p;
    if (r.name == "standard") standard = p;
    if (is_baseline(r.name) && p > 0 && (best == 0 || p < best)) {
      best = p;
      best_name = r.name;
    }
  }
  std::vector<std::string> head;
  if (csv) {
    head = {"scheduler",
            "period_cycles",
            "predicted_period_cycles",
            "simulated_over_predicted",
            "speedup_vs_best_baseline",
            "best_baseline",
            "speedup_vs_standard",
            "speedup_vs_pipedream",
            "speedup_vs_sequential",
            "lower_bound_cycles",
            "schedule_bound_cycles",
            "latency_cycles",
            "utilisation"};
    for (auto k : kKinds) head.push_back(std::string(k) + "_bytes");
    head.insert(head.end(),
                {"comm_overhead", "comm_overhead_all_traffic", "peak_sram_bytes", "steady_state",
                 "sram_need_bytes", "sram_capacity_bytes", "spilled_bytes_per_iteration"});
    for (auto k : kEnergyParts) head.push_back(std::string("energy_") + k + "_j");
    head.insert(head.end(), {"energy_per_sample_j", "average_power_w"});
  } else {
    head = {"scheduler",    "period",        "predicted",   "sim/pred",  "vs best baseline",
            "vs standard",  "vs pipedream",  "vs sequential", "lower bound", "own bound",
            "latency",      "utilisation"};
    for (auto k : kKinds) head.push_back(std::string(k) + " KiB");
    head.insert(head.end(), {"comm overhead", "all traffic", "peak SRAM KiB", "steady",
                             "SRAM need/cap KiB", "spilled KiB/it"});
    head.insert(head.end(), {"uJ/sample", "power W"});
  }
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::vector<std::string> c = {r.name};
    if (!r.ok) {
      c.push_back("failed: " + r.error);
      cells.push_back(c);
      continue;
    }
    const double p = num(r.s, "period_cycles");
    c.push_back(csv ? exact(p) : f("%.0f", p));
    c.push_back(csv ? exact(num(r.s, "predicted_period_cycles"))
                    : f("%.0f", num(r.s, "predicted_period_cycles")));
    const Trust t = trust_of(r.s);
    c.push_back(sim_pred_cell(t));
    if (csv) {
      c.push_back(best > 0 ? f("%.4f", best / p) : "-");
      c.push_back(best_name);
    } else {
      c.push_back(best > 0 ? f("%.2fx", best / p) + " (" + best_name + ")" : "-");
    }
    for (double base : {standard, pd, seq})
      c.push_back(base > 0 ? f(csv ? "%.4f" : "%.2fx", base / p) : "-");
    for (const char* k : {"lower_bound_cycles", "schedule_bound_cycles", "latency_cycles"})
      c.push_back(csv ? exact(num(r.s, k)) : f("%.0f", num(r.s, k)));
    c.push_back(f(csv ? "%.4f" : "%.1f%%", (csv ? 1.0 : 100.0) * num(r.s["utilisation"], "mean")));
    for (auto k : kKinds) {
      const double b = num(r.s["bytes_by_kind"], k);
      c.push_back(csv ? f("%.0f", b) : f("%.1f", b / 1024.0));
    }
    c.push_back(f(csv ? "%.6f" : "%+.3f%%", (csv ? 1.0 : 100.0) * num(r.s, "comm_overhead")));
    c.push_back(
        f(csv ? "%.6f" : "%+.3f%%", (csv ? 1.0 : 100.0) * num(r.s, "comm_overhead_all_traffic")));
    const double sram = num(r.s, "peak_sram_bytes");
    c.push_back(csv ? f("%.0f", sram) : f("%.1f", sram / 1024.0));
    c.push_back(steady_cell(t));
    if (csv) {
      c.push_back(f("%.0f", t.sram_need));
      c.push_back(f("%.0f", t.sram_capacity));
      c.push_back(f("%.0f", t.spilled));
    } else {
      c.push_back(sram_cell(t));
      c.push_back(spilled_cell(t));
    }
    energy_cells(r.s, csv, c);
    cells.push_back(c);
  }
  std::ostringstream os;
  if (csv) {
    for (size_t i = 0; i < head.size(); ++i) os << (i ? "," : "") << head[i];
    os << '\n';
    for (const auto& c : cells) {
      for (size_t i = 0; i < c.size(); ++i) {
        std::string v = c[i];
        if (v.find(',') != std::string::npos || v.find('"') != std::string::npos) {
          std::string q = "\"";
          for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
          v = q + "\"";
        }
        os << (i ? "," : "") << v;
      }
      os << '\n';
    }
    return os.str();
  }
  std::vector<size_t> w(head.size(), 0);
  for (size_t i = 0; i < head.size(); ++i) w[i] = head[i].size();
  for (const auto& c : cells) {
    if (c.size() != head.size()) continue;
    for (size_t i = 0; i < c.size(); ++i) w[i] = std::max(w[i], c[i].size());
  }
  for (size_t i = 0; i < head.size(); ++i)
    os << (i ? pad(head[i], w[i]) : head[i] + std::string(w[0] - head[0].size() + 1, ' '));
  os << '\n';
  for (const auto& c : cells) {
    for (size_t i = 0; i < c.size(); ++i) {
      os << (i == 0 ? c[i] + std::string(w[0] > c[i].size() ? w[0] - c[i].size() + 1 : 1, ' ')
                    : (c.size() == head.size() ? pad(c[i], w[i]) : c[i]));
    }
    os << '\n';
  }
  return os.str();
}

}  // namespace

int compare(const Args& args) {
  po::options_description own("Compare");
  own.add_options()(
      "out", po::value<std::string>()->default_value("traces/compare"),
      "output directory: one `run` directory per scheduler, plus compare.csv and compare.txt")(
      "csv", po::bool_switch(), "print the table as CSV");
  po::options_description desc;
  desc.add(network_options())
      .add(platform_options())
      .add(scheduler_options())
      .add(run_measure_options())
      .add(own);
  const auto parsed = parse(args, desc, "compare [options]");
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (!vm["scheduler"].defaulted() || vm["split"].as<bool>()) {
    fail("--scheduler/--split", "compare runs every scheduler; choose one with `spikepipe run`");
  }
  // Check the inputs once here, so that a bad value is one error rather than five.
  const bool trace = run_settings_from(vm).trace;
  network_from(vm);
  scheduler_options_from(vm, platform_from(vm));

  // Every argument except compare's own goes to each run unchanged.
  po::options_description all;
  all.add_options()("help,h", "");
  all.add(desc);
  std::vector<std::string> forward;
  std::vector<std::string> micro;      // --micro-batches goes to the schedulers that take it
  std::vector<std::string> recompute;  // so does --recompute
  for (const auto& o : po::command_line_parser(args).options(all).run().options) {
    if (o.string_key == "out" || o.string_key == "csv") continue;
    auto& to = o.string_key == "micro-batches" ? micro
               : o.string_key == "recompute"   ? recompute
                                               : forward;
    to.insert(to.end(), o.original_tokens.begin(), o.original_tokens.end());
  }

  interrupts::install();  // an interrupt stops the running child and removes the staging directory
  OutputDir out(vm["out"].as<std::string>(), "compare");
  const auto runner = sweep::process_runner(sweep::spikepipe_binary());
  std::vector<Row> rows;
  bool failed = false;
  const std::vector<Variant> all_variants = variants();
  const size_t n = all_variants.size();
  for (size_t i = 0; i < n; ++i) {
    const Variant& v = all_variants[i];
    std::cerr << "compare: " << (i + 1) << "/" << n << " " << v.dir << "...\n";
    sweep::Job job;
    job.args = forward;
    job.args.insert(job.args.end(), {"--scheduler", v.scheduler->name});
    if (v.scheduler->micro_batches) job.args.insert(job.args.end(), micro.begin(), micro.end());
    if (v.scheduler->recompute)
      job.args.insert(job.args.end(), recompute.begin(), recompute.end());
    if (v.split) job.args.push_back("--split");
    job.dir = out.staging_path() / v.dir;
    job.log = out.staging_path() / (std::string(v.dir) + ".log");
    job.args.insert(job.args.end(), {"--out", job.dir.string(), "--quiet"});
    const sweep::Outcome o = runner(job);
    Row r;
    r.name = v.dir;
    r.ok = o.ok;
    r.error = o.error;
    if (o.ok) {
      std::ifstream in(job.dir / kSummaryFile);
      try {
        r.s = json::parse(in);
      } catch (const json::exception& e) {
        r.ok = false;
        r.error = std::string("unreadable summary.json: ") + e.what();
      }
      std::error_code ec;
      fs::remove(job.log, ec);  // the log of a good run is empty (--quiet)
    }
    failed |= !r.ok;
    rows.push_back(std::move(r));
  }
  const std::string text = table(rows, false), csv = table(rows, true);
  out.write("compare.txt", text);
  out.write("compare.csv", csv);
  out.commit();
  std::cout << (vm["csv"].as<bool>() ? csv : text);
  if (!vm["csv"].as<bool>()) {
    size_t ran = 0, unsteady = 0;
    for (const auto& r : rows) {
      ran += r.ok;
      unsteady += r.ok && !trust_of(r.s).steady;
    }
    std::cout << unsteady_note(unsteady, ran, "schedulers");
    std::cout
        << "(periods and latency in cycles; bytes per iteration between processors; speedups "
           "from the simulated periods; best baseline = the fastest scheduler other than spikepipe;\n lower bound = the same for every scheduler, own bound = the schedule's (its placement and delays);\n comm overhead = (bytes - standard pipelining's) / (all edges + "
           "DRAM); all traffic also counts the SRAM<->array operand traffic;\n steady = the "
           "measured completion intervals repeat; when `no`, raise --warmup;\n energy per "
           "sample and average power with the action table of docs/ENERGY.md)\nruns: "
        << out.final_path().string() << "/<scheduler>/ (summary.json, "
        << (trace ? "trace.vcd, trace.gtkw, trace.perfetto.json)" : "CSV files; traces off)")
        << "\n";
  }
  if (failed)
    fail("", "some schedulers failed (see their rows above and " + out.final_path().string() +
                 "/*.log)");
  return 0;
}

}  // namespace spikepipe::cli

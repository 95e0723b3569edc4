// sweep.csv and sweep.json from the points' results. Built only from the results (never from
// who ran them, when or how fast), so one machine and any number of MPI ranks give the same bytes.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "spikepipe/cli/run_figures.h"
#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"
#include "spikepipe/platform/output_dir.h"

namespace spikepipe::sweep {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

// The headline figures of summary.json first, in this order; anything else after, by name.
// The ones that say whether a period can be trusted (steady state, sim/pred, SRAM need against
// capacity, spill) come right after the period, as in the console table.
const std::vector<std::string> kFirst = {"period_cycles",
                                         "predicted_period_cycles",
                                         "simulated_over_predicted",
                                         "steady_state_reached",
                                         "sram_need_bytes",
                                         "platform.sram_bytes",
                                         "dram_spill_bytes",
                                         "latency_cycles",
                                         "throughput_samples_per_s",
                                         "lower_bound_cycles",
                                         "utilisation",
                                         "comm_overhead",
                                         "peak_sram_bytes",
                                         "bytes_by_kind",
                                         "energy_per_sample_j",
                                         "energy_breakdown_j"};

size_t rank_of(const std::string& column) {
  for (size_t i = 0; i < kFirst.size(); ++i) {
    if (column == kFirst[i] || column.rfind(kFirst[i] + ".", 0) == 0) return i;
  }
  return kFirst.size();
}

std::string cell(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Scalars by dotted path; nested objects flattened; arrays left to sweep.json.
void flatten(const json& v, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    }
  } else if (!v.is_array() && !prefix.empty()) {
    out[prefix] = cell(v);
  }
}

std::string exact_bytes(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) fail(tmp.string(), "cannot write");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fail(path.string(), "cannot write: " + ec.message());
}

}  // namespace

std::string csv_text(const Spec& spec, const std::vector<Result>& results) {
  std::vector<std::map<std::string, std::string>> rows(results.size());
  std::set<std::string> names;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok) continue;
    const json summary = json::parse(results[i].summary);
    flatten(summary, "", rows[i]);
    // The planner's SRAM need is an array (per processor), which the CSV leaves out: its
    // largest element, as `compare` shows it.
    if (summary.contains("predicted_sram_peak_bytes"))
      rows[i]["sram_need_bytes"] = exact_bytes(cli::trust_of(summary).sram_need);
    for (const auto& [k, v] : rows[i]) names.insert(k);
  }
  // A swept key already has its column (e.g. processors, scheduler), and the run's command line
  // holds its own --out path: neither is repeated among the figures.
  names.erase("command");
  for (const auto& a : spec.axes) names.erase(a.key);
  std::vector<std::string> columns(names.begin(), names.end());
  std::stable_sort(columns.begin(), columns.end(), [](const std::string& a, const std::string& b) {
    return rank_of(a) < rank_of(b);
  });

  std::string text;
  for (const auto& a : spec.axes) text += csv_field(a.key) + ",";
  text += "status,error";
  for (const auto& c : columns) text += "," + csv_field(c);
  text += "\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    for (const auto& [k, v] : r.point.values) text += csv_field(v) + ",";
    text += std::string(r.ok ? "ok" : "failed") + "," + csv_field(r.error);
    for (const auto& c : columns) {
      auto it = rows[i].find(c);
      text += "," + (it == rows[i].end() ? std::string() : csv_field(it->second));
    }
    text += "\n";
  }
  return text;
}

std::string json_text(const Spec& spec, const std::vector<Result>& results) {
  ojson doc;
  doc["base_args"] = spec.base;
  doc["axes"] = ojson::array();
  for (size_t k = 0; k < spec.axes.size(); ++k) {
    const Axis& a = spec.axes[k];
    ojson axis = {{"key", a.key}, {"values", a.values}};
    // A joint axis names the axis it moves with (value i with value i); absent otherwise.
    if (a.joint && k > 0) axis["with"] = spec.axes[k - 1].key;
    doc["axes"].push_back(std::move(axis));
  }
  doc["points"] = ojson::array();
  for (const auto& r : results) {
    ojson p;
    p["index"] = r.point.index;
    p["id"] = r.point.id;
    p["params"] = ojson::object();
    for (const auto& [k, v] : r.point.values) p["params"][k] = v;
    p["status"] = r.ok ? "ok" : "failed";
    p["error"] = r.error;
    p["summary"] = r.ok ? ojson::parse(r.summary) : ojson();
    doc["points"].push_back(std::move(p));
  }
  return doc.dump(2) + "\n";
}

void write_reports(const Spec& spec, const std::vector<Result>& results) {
  std::error_code ec;
  fs::create_directories(spec.out, ec);
  if (ec) fail(spec.out.string(), "cannot create the sweep directory: " + ec.message());
  write_atomically(spec.out / "sweep.csv", csv_text(spec, results));
  write_atomically(spec.out / "sweep.json", json_text(spec, results));
  write_sweep_manifest(spec, results);
}

void write_sweep_manifest(const Spec& spec, const std::vector<Result>& results) {
  std::set<std::string> files;
  std::error_code ec;
  auto add = [&](const std::string& rel) {
    if (fs::exists(fs::symlink_status(spec.out / rel, ec))) files.insert(rel);
  };
  auto manifest = [](const fs::path& dir) -> std::optional<Manifest> {
    try {
      return read_manifest(dir);
    } catch (const Error&) {
      return std::nullopt;  // damaged: its files are not listed, so never removed
    }
  };
  if (const auto m = manifest(spec.out)) {
    for (const auto& f : m->files) add(f);
  }
  for (const char* f : {kLockFile, "sweep.csv", "sweep.json"}) add(f);
  for (const auto& r : results) {
    const std::string& id = r.point.id;
    add("logs/" + id + ".log");
    add("logs/" + id + ".args");
    if (fs::exists(spec.out / "logs" / (id + ".build"))) add("logs/" + id + ".build");
    const std::string dir = "points/" + id + "/";
    if (const auto m = manifest(spec.out / dir)) {
      add(dir + kManifestFile);
      for (const auto& f : m->files) add(dir + f);
    }
  }
  write_manifest(spec.out, {"sweep", {files.begin(), files.end()}});
}

}  // namespace spikepipe::sweep

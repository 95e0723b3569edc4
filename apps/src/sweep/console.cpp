// The sweep's console output: the plan of --dry-run and the closing table. Results go to the
// files; this is for the person at the terminal.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "spikepipe/cli/run_figures.h"
#include "spikepipe/cli/sweep.h"
#include "spikepipe/platform/interrupts.h"

namespace spikepipe::sweep {

namespace {

// Cycles as `compare` prints them: whole cycles (the files keep full precision).
std::string cycles(const nlohmann::json& s, const char* key) {
  if (!s.contains(key) || !s[key].is_number()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", s[key].get<double>());
  return buf;
}

}  // namespace

void print_plan(const Spec& spec, const std::vector<Point>& points, std::ostream& os) {
  os << points.size() << " point(s) into " << spec.out.string() << ", " << spec.jobs
     << " at a time\n";
  for (const auto& p : points) {
    os << "  " << p.id << ": spikepipe run";
    for (const auto& a : point_args(spec, p)) os << " " << a;
    os << " --out " << (spec.out / "points" / p.id).string() << " --no-trace --quiet\n";
  }
}

void print_table(const Spec& spec, const std::vector<Result>& results, std::ostream& os) {
  std::vector<std::string> head;
  for (const auto& a : spec.axes) head.push_back(a.key);
  head.insert(head.end(), {"status", "period", "predicted", "sim/pred", "steady",
                           "SRAM need/cap KiB", "spilled KiB/it", "latency"});
  std::vector<std::vector<std::string>> rows;
  size_t unsteady = 0, ran = 0;
  for (const auto& r : results) {
    std::vector<std::string> row;
    for (const auto& [k, v] : r.point.values) row.push_back(v);
    row.push_back(r.ok ? "ok" : "failed");
    if (r.ok) {
      const auto s = nlohmann::json::parse(r.summary);
      const cli::Trust t = cli::trust_of(s);
      ++ran;
      unsteady += !t.steady;
      row.push_back(cycles(s, "period_cycles"));
      row.push_back(cycles(s, "predicted_period_cycles"));
      row.push_back(cli::sim_pred_cell(t));
      row.push_back(cli::steady_cell(t));
      row.push_back(cli::sram_cell(t));
      row.push_back(cli::spilled_cell(t));
      row.push_back(cycles(s, "latency_cycles"));
    } else {
      row.push_back(r.error);
    }
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) width[c] = head[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c + 1 < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      os << cells[c];
      if (c + 1 < cells.size())
        os << std::string(width[c] - std::min(width[c], cells[c].size()) + 2, ' ');
    }
    os << "\n";
  };
  line(head);
  for (const auto& row : rows) line(row);
  os << "(period, predicted and latency in cycles; sim/pred = simulated over predicted period; "
        "SRAM need = the planner's largest per-processor need)\n";
  os << cli::unsteady_note(unsteady, ran, "points");
}

int finish(const Spec& spec, const std::vector<Result>& results) {
  if (const int sig = interrupts::received()) {
    // No sweep.csv from a part of the points: the manifest, and the same command resumes.
    write_sweep_manifest(spec, results);
    const auto done =
        std::count_if(results.begin(), results.end(), [](const Result& r) { return r.ok; });
    std::cerr << "sweep: interrupted (" << strsignal(sig) << "): " << done << " of "
              << results.size() << " point(s) finished in " << spec.out.string()
              << "; the same command resumes\n";
    interrupts::reraise(sig);
  }
  write_reports(spec, results);
  print_table(spec, results, std::cout);
  const auto failed =
      std::count_if(results.begin(), results.end(), [](const Result& r) { return !r.ok; });
  std::cerr << "sweep: " << results.size() << " point(s), " << failed << " failed -> "
            << (spec.out / "sweep.csv").string() << "\n";
  return failed ? 1 : 0;
}

}  // namespace spikepipe::sweep

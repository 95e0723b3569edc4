// Gathering results from MPI ranks, kept free of MPI so that tests can run it: each rank sends
// one text (its results, or the error that stopped it); rank 0 merges them in point order.
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "spikepipe/platform/output_dir.h"

namespace spikepipe::sweep {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string encode(const std::vector<Result>& results) {
  json a = json::array();
  for (const auto& r : results) {
    a.push_back({{"index", r.point.index},
                 {"ok", r.ok},
                 {"error", r.error},
                 {"summary", r.summary},
                 {"resumed", r.resumed}});
  }
  return a.dump();
}

std::vector<Result> decode(const std::string& text, const std::vector<Point>& points) {
  std::vector<Result> out;
  for (const auto& e : json::parse(text)) {
    const size_t index = e.at("index").get<size_t>();
    if (index >= points.size())
      fail("sweep", "a rank reported point " + std::to_string(index) + " of " +
                        std::to_string(points.size()));
    Result r;
    r.point = points[index];
    r.ok = e.at("ok").get<bool>();
    r.error = e.at("error").get<std::string>();
    r.summary = e.at("summary").get<std::string>();
    r.resumed = e.at("resumed").get<bool>();
    out.push_back(std::move(r));
  }
  return out;
}

std::string encode_rank(const std::vector<Result>& results, const std::string& error) {
  return json{{"error", error}, {"results", error.empty() ? encode(results) : "[]"}}.dump();
}

std::vector<Result> merge_ranks(const std::vector<std::string>& reports,
                                const std::vector<Point>& points) {
  std::map<std::string, std::vector<size_t>> errors;  // each distinct message once, with its ranks
  std::vector<Result> all;
  for (size_t r = 0; r < reports.size(); ++r) {
    const auto j = json::parse(reports[r]);
    const auto error = j.at("error").get<std::string>();
    if (!error.empty()) {
      errors[error].push_back(r);
      continue;
    }
    for (auto& res : decode(j.at("results").get<std::string>(), points))
      all.push_back(std::move(res));
  }
  if (!errors.empty()) {
    std::string msg;
    for (const auto& [what, ranks] : errors) {
      msg += (msg.empty() ? "" : "; ") + what + " (rank";
      for (size_t r : ranks) msg += " " + std::to_string(r);
      msg += ")";
    }
    throw Error(msg);
  }
  std::sort(all.begin(), all.end(),
            [](const Result& a, const Result& b) { return a.point.index < b.point.index; });
  for (size_t i = 0; i < points.size(); ++i) {
    if (i >= all.size() || all[i].point.index != i)
      fail("sweep", "point " + std::to_string(i) + " was not reported by its rank");
  }
  if (all.size() != points.size()) fail("sweep", "a point was reported by two ranks");
  return all;
}

void keep_summaries(const Spec& spec, const std::vector<Result>& results) {
  for (const auto& r : results) {
    const fs::path summary = spec.out / "points" / r.point.id / "summary.json";
    if (!r.ok || fs::exists(summary)) continue;
    fs::create_directories(summary.parent_path());
    std::ofstream out(summary, std::ios::binary);
    out << r.summary;
    if (!out.flush()) fail(summary.string(), "cannot write");
    out.close();
    Manifest m = read_manifest(summary.parent_path()).value_or(Manifest{"run", {}});
    m.files.push_back("summary.json");
    write_manifest(summary.parent_path(), m);
  }
}

}  // namespace spikepipe::sweep

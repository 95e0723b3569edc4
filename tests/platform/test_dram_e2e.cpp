// `spikepipe run --dram-model ddr4` end to end on a shipped preset: the detailed DRAM serves
// every access (row hits, misses, refreshes reach summary.json, memory.csv and the Perfetto
// trace), moves the same bytes as the simple model, and no channel moves more than its peak.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
#include <sstream>

#include "support/binary.h"

using json = nlohmann::json;
using namespace spikepipe::test;

namespace {

json run(const std::string& model, const std::filesystem::path& dir, bool trace = false) {
  // Small SRAM: spills and streamed weights put plenty of traffic on the DRAM.
  const RunResult r = run_spikepipe("run --network mnist-fc --platform mesh4 --scheduler standard"
                                    " --iterations 8 --sram-bytes 65536 --quiet" +
                                        std::string(trace ? "" : " --no-trace") + " --dram-model " +
                                        model + " --out " + (dir / model).string(),
                                    dir);
  EXPECT_EQ(r.rc, 0) << r.err;
  return json::parse(read_file(dir / model / "summary.json"));
}

// Bytes of the whole run per (kind, read/write) from memory.csv.
std::map<std::string, uint64_t> bytes_by_kind(const std::filesystem::path& csv_file) {
  std::istringstream csv(read_file(csv_file));
  std::map<std::string, uint64_t> out;
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) c.push_back(cell);
    if (c.size() > 5) out[c[2] + " " + c[3]] += std::stoull(c[5]);
  }
  return out;
}

}  // namespace

TEST(DramE2E, Ddr4OnMesh4ReportsRowBufferStatistics) {
  const auto dir = scratch("dram_ddr4");
  const json d = run("ddr4", dir, true), s = run("simple", dir);
  EXPECT_EQ(d["dram_model"], "ddr4");
  EXPECT_EQ(s["dram_model"], "simple");
  EXPECT_DOUBLE_EQ(d["dram_peak_bytes_per_cycle"].get<double>(), 25.6);  // DDR4-3200 at 1 GHz
  // Same traffic, other timing: the whole run's bytes per kind (which accesses fall inside the
  // measured iterations, summary.json's per-iteration figures, depends on the timing).
  const auto dk = bytes_by_kind(dir / "ddr4" / "memory.csv");
  EXPECT_FALSE(dk.empty());
  EXPECT_EQ(dk, bytes_by_kind(dir / "simple" / "memory.csv"));
  uint64_t hits = 0, opened = 0, accesses = 0;
  for (const auto& c : d["dram_channels"]) {
    hits += c["row_hits"].get<uint64_t>();
    opened += c["row_misses"].get<uint64_t>() + c["row_conflicts"].get<uint64_t>();
    accesses += c["accesses"].get<uint64_t>();
    EXPECT_LE(c["achieved_bytes_per_cycle"].get<double>(), 25.6);
  }
  EXPECT_GT(accesses, 0u);
  EXPECT_GT(hits, opened);  // tensors are read and written in sequence
  EXPECT_GT(opened, 0u);
  for (const auto& c : s["dram_channels"]) EXPECT_EQ(c["row_hits"], 0);
  // memory.csv carries the same counts, access by access.
  std::istringstream csv(read_file(dir / "ddr4" / "memory.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line,
            "channel,requester,kind,access,spill,bytes,start,end,row_hits,row_misses,"
            "row_conflicts,refreshes");
  uint64_t rows = 0, csv_hits = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) c.push_back(cell);
    ASSERT_EQ(c.size(), 12u) << line;
    csv_hits += std::stoull(c[8]);
    ++rows;
  }
  EXPECT_EQ(rows, accesses);
  EXPECT_EQ(csv_hits, hits);
  // The Perfetto trace's DRAM slices carry each access's row-buffer outcome.
  const json t = json::parse(read_file(dir / "ddr4" / "trace.perfetto.json"));
  size_t slices = 0;
  for (const auto& e : t["traceEvents"]) {
    if (e.value("cat", "") != "dram") continue;
    ++slices;
    EXPECT_TRUE(e["args"].contains("row_hits")) << e.dump();
    EXPECT_TRUE(e["args"].contains("refreshes")) << e.dump();
  }
  EXPECT_GT(slices, 0u);
  std::filesystem::remove_all(dir);
}

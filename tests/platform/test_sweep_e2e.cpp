// `spikepipe sweep` end to end with the real binary: rows equal the summaries of the same points
// run one by one, resume runs only the missing points, an impossible value fails only its own
// row, and `mpirun -np 2 spikepipe-sweep-mpi` writes the same sweep.csv as `-j 1`.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

const std::string kBinary = SPIKEPIPE_BINARY;
const std::string kBase = "--network mnist-fc --platform mesh4 --iterations 3";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command, its output into `log`; returns its exit status.
int sh(const std::string& cmd, const fs::path& log) {
  const int rc = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// One CSV record: fields split at commas outside quotes, "" inside quotes is a quote.
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

// sweep.csv as one map per row, column name -> cell.
std::vector<std::map<std::string, std::string>> rows_of(const fs::path& csv) {
  std::stringstream ss(read(csv));
  std::string line;
  std::getline(ss, line);
  const auto head = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(ss, line)) {
    const auto cells = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < head.size() && i < cells.size(); ++i) row[head[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

void flatten(const nlohmann::json& v, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (!v.is_array()) {
    out[prefix] = v.is_string() ? v.get<std::string>() : v.dump();
  }
}

class SweepE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("spikepipe_sweep_e2e_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir);
  }
  // The sweep runs in `dir` (or dir/cwd) with a relative --out, as a user would type it.
  std::string sweep(const std::string& sets, const std::string& out, const std::string& extra = "",
                    const std::string& cwd = ".") {
    fs::create_directories(dir / cwd);
    return "cd " + (dir / cwd).string() + " && " + kBinary + " sweep " + kBase + " " + sets +
           " --out " + out + " " + extra;
  }
  fs::path dir;
};

}  // namespace

TEST_F(SweepE2E, RowsEqualTheSummariesOfThePointsRunOneByOne) {
  const std::string sets = "--set processors=2,4 --set scheduler=pipedream,spikepipe";
  ASSERT_EQ(sh(sweep(sets, "s", "-j 2"), dir / "sweep.log"), 0) << read(dir / "sweep.log");
  const auto rows = rows_of(dir / "s" / "sweep.csv");
  ASSERT_EQ(rows.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> order = {
      {"2", "pipedream"}, {"2", "spikepipe"}, {"4", "pipedream"}, {"4", "spikepipe"}};
  std::set<std::string> periods;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& [p, s] = order[i];
    EXPECT_EQ(rows[i].at("processors"), p);
    EXPECT_EQ(rows[i].at("scheduler"), s);
    EXPECT_EQ(rows[i].at("status"), "ok");
    const fs::path one = dir / ("one" + std::to_string(i));
    ASSERT_EQ(sh(kBinary + " run " + kBase + " --processors " + p + " --scheduler " + s +
                     " --no-trace --out " + one.string(),
                 dir / "run.log"),
              0)
        << read(dir / "run.log");
    std::map<std::string, std::string> want;
    flatten(nlohmann::json::parse(read(one / "summary.json")), "", want);
    ASSERT_GT(want.size(), 9u);
    want.erase("command");  // names its own --out: left to sweep.json
    for (const auto& [key, value] : want) {
      ASSERT_TRUE(rows[i].count(key)) << "no column " << key;
      EXPECT_EQ(rows[i].at(key), value) << "point " << i << " column " << key;
    }
    periods.insert(want.at("period_cycles"));
  }
  EXPECT_GT(periods.size(), 1u);  // the points differ, so equal rows are not a coincidence
}

TEST_F(SweepE2E, ResumeRunsOnlyTheMissingPoints) {
  const std::string cmd = sweep("--set processors=2,3,4", "s", "-j 1");
  ASSERT_EQ(sh(cmd, dir / "first.log"), 0) << read(dir / "first.log");
  const std::string csv = read(dir / "s" / "sweep.csv");
  const fs::path logs = dir / "s" / "logs";
  std::vector<fs::file_time_type> before;
  for (const char* id : {"processors=2", "processors=3", "processors=4"}) {
    before.push_back(fs::last_write_time(logs / (std::string(id) + ".log")));
  }
  fs::remove_all(dir / "s" / "points" / "processors=3");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));

  ASSERT_EQ(sh(cmd, dir / "second.log"), 0) << read(dir / "second.log");
  EXPECT_EQ(fs::last_write_time(logs / "processors=2.log"), before[0]);  // not run again
  EXPECT_NE(fs::last_write_time(logs / "processors=3.log"), before[1]);  // run again
  EXPECT_EQ(fs::last_write_time(logs / "processors=4.log"), before[2]);
  EXPECT_NE(read(dir / "second.log").find("2 of 3 points already finished"), std::string::npos)
      << read(dir / "second.log");
  EXPECT_EQ(read(dir / "s" / "sweep.csv"), csv);
}

TEST_F(SweepE2E, AnImpossibleValueIsReportedInItsRowAndTheOthersComplete) {
  EXPECT_EQ(sh(sweep("--set array-rows=16,0,32", "s", "-j 2"), dir / "sweep.log"), 1)
      << read(dir / "sweep.log");
  const auto rows = rows_of(dir / "s" / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].at("array-rows"), "0");
  EXPECT_EQ(rows[1].at("status"), "failed");
  EXPECT_NE(rows[1].at("error").find("array-rows"), std::string::npos) << rows[1].at("error");
  EXPECT_EQ(rows[1].at("period_cycles"), "");
  for (size_t i : {0u, 2u}) {
    EXPECT_EQ(rows[i].at("status"), "ok");
    EXPECT_GT(std::stod(rows[i].at("period_cycles")), 0.0);
  }
  EXPECT_TRUE(fs::exists(dir / "s" / "points" / "array-rows=32" / "summary.json"));
}

TEST_F(SweepE2E, MpirunWithTwoRanksWritesTheSameCsvAsOneJob) {
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "mpirun is not installed";
  const fs::path mpi = fs::path(kBinary).parent_path() / "spikepipe-sweep-mpi";
  ASSERT_TRUE(fs::exists(mpi)) << "mpirun is installed but " << mpi << " was not built";
  // Five points (unequal shares for two ranks: 0,2,4 and 1,3), one of them failing.
  const std::string sets = "--set array-rows=16,0,32,8,64";
  // The same command, --out s, from two working directories.
  EXPECT_EQ(sh(sweep(sets, "s", "-j 1", "one"), dir / "one.log"), 1) << read(dir / "one.log");
  const std::string root = ::getuid() == 0 ? " --allow-run-as-root" : "";
  fs::create_directories(dir / "mpi");
  const std::string cmd = "cd " + (dir / "mpi").string() + " && mpirun -np 2 --oversubscribe" +
                          root + " " + mpi.string() + " " + kBase + " " + sets + " -j 1 --out s";
  EXPECT_EQ(sh(cmd, dir / "mpi.log"), 1) << read(dir / "mpi.log");
  const std::string one = read(dir / "one" / "s" / "sweep.csv");
  ASSERT_EQ(std::count(one.begin(), one.end(), '\n'), 6);
  EXPECT_EQ(read(dir / "mpi" / "s" / "sweep.csv"), one);
  EXPECT_EQ(read(dir / "mpi" / "s" / "sweep.json"), read(dir / "one" / "s" / "sweep.json"));
  EXPECT_EQ(read(dir / "mpi" / "s" / ".spikepipe-manifest"),
            read(dir / "one" / "s" / ".spikepipe-manifest"));
  EXPECT_NE(read(dir / "mpi.log").find("sweep rank 1/2: "), std::string::npos)
      << read(dir / "mpi.log");
}

TEST_F(SweepE2E, PlotScriptsDrawPngsFromARealSweepAndTasksCsv) {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 has no matplotlib (Debian: python3-matplotlib)";
  }
  const std::string scripts = std::string(SPIKEPIPE_SOURCE_DIR) + "/scripts/";
  ASSERT_EQ(sh(sweep("--set processors=1,2 --set scheduler=pipedream,spikepipe", "s", "-j 2"),
               dir / "sweep.log"),
            0)
      << read(dir / "sweep.log");
  ASSERT_EQ(sh("(" + scripts + "plot_sweep.py " + (dir / "s" / "sweep.csv").string() +
                   " --table --out " + (dir / "img").string() + " 2>/dev/null)",
               dir / "plot.log"),
            0)
      << read(dir / "plot.log");
  // The plotted speedup is period(pipedream) / period at the same processor count.
  const auto rows = rows_of(dir / "s" / "sweep.csv");  // 1 pipedream, 1 spikepipe, 2 pipedream, ...
  std::stringstream table(read(dir / "plot.log"));
  std::string line;
  std::getline(table, line);
  EXPECT_EQ(line, "line,processors,period_cycles,speedup");
  std::map<std::string, double> speedup;
  while (std::getline(table, line)) {
    const auto c = split(line);
    ASSERT_EQ(c.size(), 4u) << line;
    speedup[c[0] + "@" + c[1]] = std::stod(c[3]);
  }
  ASSERT_EQ(speedup.size(), 4u);
  for (int p : {1, 2}) {
    const double pd = std::stod(rows[2 * (p - 1)].at("period_cycles"));
    const double sp = std::stod(rows[2 * (p - 1) + 1].at("period_cycles"));
    EXPECT_DOUBLE_EQ(speedup["pipedream@" + std::to_string(p)], 1.0);
    EXPECT_NEAR(speedup["spikepipe@" + std::to_string(p)], pd / sp, 1e-5 * pd / sp);
  }
  ASSERT_EQ(
      sh(scripts + "plot_gantt.py '" +
             (dir / "s" / "points" / "processors=2,scheduler=spikepipe" / "tasks.csv").string() +
             "' --out " + (dir / "img" / "gantt.png").string(),
         dir / "gantt.log"),
      0)
      << read(dir / "gantt.log");
  for (const char* png : {"sweep_period.png", "sweep_speedup.png", "gantt.png"}) {
    const std::string bytes = read(dir / "img" / png);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << png;
    EXPECT_GT(bytes.size(), 5000u) << png;  // a drawn chart, not an empty canvas
    EXPECT_LT(bytes.size(), 200000u) << png;
  }
}

// Joint axes end to end: two points (8x8 and 16x16 arrays, no cross points), a table with the
// figures that say whether a period can be trusted, and the same figures in sweep.csv.
TEST_F(SweepE2E, JointAxesGiveOnlyTheDiagonalAndTheTableShowsTrustFigures) {
  ASSERT_EQ(sh(sweep("--set array-rows+array-cols=8,16", "s", "-j 2"), dir / "sweep.log"), 0)
      << read(dir / "sweep.log");
  const std::string table = read(dir / "sweep.log");
  for (const char* col : {"array-rows", "array-cols", "status", "period", "predicted", "sim/pred",
                          "steady", "SRAM need/cap KiB", "spilled KiB/it", "latency"})
    EXPECT_NE(table.find(col), std::string::npos) << col << "\n" << table;
  const auto rows = rows_of(dir / "s" / "sweep.csv");
  ASSERT_EQ(rows.size(), 2u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string n = i == 0 ? "8" : "16";
    EXPECT_EQ(rows[i].at("array-rows"), n);
    EXPECT_EQ(rows[i].at("array-cols"), n);
    EXPECT_EQ(rows[i].at("status"), "ok");
    const auto s = nlohmann::json::parse(
        read(dir / "s" / "points" / ("array-rows=" + n + ",array-cols=" + n) / "summary.json"));
    EXPECT_EQ(rows[i].at("steady_state_reached"), s["steady_state_reached"].dump());
    EXPECT_EQ(rows[i].at("simulated_over_predicted"), s["simulated_over_predicted"].dump());
    EXPECT_EQ(rows[i].at("platform.sram_bytes"), s["platform"]["sram_bytes"].dump());
    EXPECT_EQ(rows[i].at("dram_spill_bytes"), s["dram_spill_bytes"].dump());
    uint64_t need = 0;
    for (const auto& v : s["predicted_sram_peak_bytes"]) need = std::max(need, v.get<uint64_t>());
    EXPECT_EQ(rows[i].at("sram_need_bytes"), std::to_string(need));
    // The table row: both values, status, the period as whole cycles, the predicted one.
    auto whole = [&](const char* key) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0f", s[key].get<double>());
      return std::string(buf);
    };
    const std::vector<std::string> want = {n, n, "ok", whole("period_cycles"),
                                           whole("predicted_period_cycles")};
    bool found = false;
    std::stringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
      std::stringstream words(line);
      std::vector<std::string> w;
      for (std::string x; words >> x;) w.push_back(x);
      found |= w.size() >= want.size() && std::equal(want.begin(), want.end(), w.begin());
    }
    EXPECT_TRUE(found) << table;
  }
  EXPECT_NE(read(dir / "s" / "sweep.json").find("\"with\": \"array-rows\""), std::string::npos);
}

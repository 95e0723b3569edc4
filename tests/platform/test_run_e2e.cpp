// `spikepipe run` and `spikepipe compare` end to end with the real binary: every scheduler on a
// small network runs every op instance once per iteration, moves the bytes its schedule says,
// never beats the lower bound, matches its prediction when bandwidth is ample; the traces read
// back; two runs write identical bytes; bad inputs fail with one clear line and leave nothing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "spikepipe/cli/options.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"
#include "support/binary.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The hand-computed 2-layer network of the workloads tests, with a batch that gpipe can split.
const std::string kTiny = std::string(SPIKEPIPE_TEST_DATA) + "/networks/tiny.yaml --batch 8";
// Enough bandwidth, SRAM and DRAM that communication and spills cost (almost) nothing.
const std::string kAmple =
    " --noc-link-bytes 1000000 --noc-router-latency 0 --dram-channel-bytes 1000000 --dram-latency 0"
    " --sram-bytes 1073741824";

using spikepipe::test::scratch;
using Result = spikepipe::test::RunResult;
std::string read(const fs::path& p) { return spikepipe::test::read_file(p); }
Result sh(const std::string& args, const fs::path& dir) {
  return spikepipe::test::run_spikepipe(args, dir);
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}

// The schedule the run builds, rebuilt here from the same arguments (schedulers are plain C++).
spikepipe::Schedule schedule_of(const std::string& args) {
  namespace cli = spikepipe::cli;
  cli::po::options_description d;
  d.add(cli::network_options()).add(cli::platform_options()).add(cli::scheduler_options());
  cli::po::variables_map vm;
  cli::po::store(cli::po::command_line_parser(words(args)).options(d).allow_unregistered().run(),
                 vm);
  cli::po::notify(vm);
  const auto net = cli::network_from(vm);
  const auto plat = cli::platform_from(vm);
  const auto g = spikepipe::build_task_graph(net, plat.processor.array);
  auto so = cli::scheduler_options_from(vm, plat);
  so.comm.dram_latency = plat.memory.latency;
  so.comm.dram_bytes_per_cycle = plat.memory.channel_bytes_per_cycle;
  return spikepipe::make_schedule(vm["scheduler"].as<std::string>(), g, so);
}

struct Variant {
  const char* name;
  const char* args;
};
const Variant kVariants[] = {{"sequential", "--scheduler sequential"},
                             {"data_parallel", "--scheduler data-parallel"},
                             {"gpipe", "--scheduler gpipe"},
                             {"standard", "--scheduler standard"},
                             {"pipedream", "--scheduler pipedream"},
                             {"spikepipe", "--scheduler spikepipe"},
                             {"spikepipe_split", "--scheduler spikepipe --split"}};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

class EveryScheduler : public ::testing::TestWithParam<Variant> {};

}  // namespace

TEST_P(EveryScheduler, RunsEveryOpOncePerIterationAndMovesTheScheduledBytes) {
  const fs::path dir = scratch(std::string("ops_") + GetParam().name);
  const std::string args = "--network " + kTiny + " --platform mesh4 " + GetParam().args;
  const Result r =
      sh("run " + args + " --iterations 4 --no-trace --quiet --out " + (dir / "run").string(), dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  const json s = json::parse(read(dir / "run" / "summary.json"));
  const uint32_t n = s["iterations"]["simulated"];
  const spikepipe::Schedule sch = schedule_of(args);

  // tasks.csv: one row per (op, iteration), on the op's processor, for every op and iteration.
  std::map<std::pair<uint32_t, uint32_t>, int> seen;
  std::istringstream csv(read(dir / "run" / "tasks.csv"));
  std::string line;
  std::getline(csv, line);
  size_t rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) c.push_back(cell);
    ASSERT_EQ(c.size(), 10u) << line;
    const uint32_t proc = std::stoul(c[0]), op = std::stoul(c[1]), it = std::stoul(c[5]);
    ASSERT_LT(op, sch.ops.size()) << line;
    EXPECT_EQ(proc, sch.ops[op].proc.value) << line;
    ++seen[{op, it}];
    ++rows;
  }
  EXPECT_EQ(rows, sch.ops.size() * n);
  for (uint32_t op = 0; op < sch.ops.size(); ++op) {
    for (uint32_t k = 0; k < n; ++k)
      EXPECT_EQ((seen[{op, k}]), 1) << "op " << op << " iteration " << k;
  }
  EXPECT_EQ(s["ops_run"].get<uint64_t>(), rows);

  // Bytes: sent = received = scheduled, per kind (input comes from DRAM, not over the NoC).
  for (const char* kind : {"spikes", "errors", "weights", "gradients", "stash"}) {
    EXPECT_EQ(s["bytes_by_kind"][kind], s["received_bytes_by_kind"][kind]) << kind;
    EXPECT_EQ(s["bytes_by_kind"][kind], s["predicted_bytes_by_kind"][kind]) << kind;
  }
  EXPECT_EQ(s["bytes_by_kind"]["input"], 0);

  // Never faster than the lower bound.
  EXPECT_GE(s["period_cycles"].get<double>(), s["lower_bound_cycles"].get<double>());
}

TEST_P(EveryScheduler, MatchesItsPredictionWithinFivePercentWhenBandwidthIsAmple) {
  const fs::path dir = scratch(std::string("pred_") + GetParam().name);
  const std::string args =
      "--network mnist-fc --platform mesh4 " + std::string(GetParam().args) + kAmple;
  const Result r =
      sh("run " + args + " --iterations 6 --no-trace --quiet --out " + (dir / "run").string(), dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  const json s = json::parse(read(dir / "run" / "summary.json"));
  const double period = s["period_cycles"], predicted = s["predicted_period_cycles"];
  EXPECT_NEAR(period / predicted, 1.0, 0.05)
      << "simulated " << period << ", predicted " << predicted;
  EXPECT_GE(period, s["lower_bound_cycles"].get<double>());
}

INSTANTIATE_TEST_SUITE_P(RunE2E, EveryScheduler, ::testing::ValuesIn(kVariants),
                         [](const ::testing::TestParamInfo<Variant>& i) {
                           return std::string(i.param.name);
                         });

TEST(RunE2E, VcdDeclaresTheExpectedSignalsAndGtkwaveLoadsIt) {
  const fs::path dir = scratch("vcd");
  const Result r = sh("run --network " + kTiny + " --platform mesh4 --iterations 3 --quiet --out " +
                          (dir / "run").string(),
                      dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  const std::string vcd = read(dir / "run" / "trace.vcd");
  EXPECT_NE(vcd.find("$timescale 1ns $end"), std::string::npos);
  // Declared names, with their scopes.
  std::set<std::string> names;
  std::vector<std::string> scope;
  std::istringstream in(vcd);
  for (std::string t; in >> t && t != "$enddefinitions";) {
    if (t == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scope.push_back(name);
    } else if (t == "$upscope") {
      scope.pop_back();
    } else if (t == "$var") {
      std::string type, width, id, name;
      in >> type >> width >> id >> name;
      std::string full;
      for (const auto& s : scope) full += s + ".";
      names.insert(full + name);
    }
  }
  for (int p = 0; p < 4; ++p) {
    for (const char* sig : {"state", "task", "layer", "iteration", "sram_bytes"}) {
      EXPECT_TRUE(names.count("top.P" + std::to_string(p) + "." + sig)) << p << sig;
    }
  }
  // A 2x2 mesh has 8 directed links; mesh4 has 2 DRAM channels.
  int links = 0;
  for (const auto& n : names)
    links += n.rfind("top.links.", 0) == 0 && n.size() > 5 && n.substr(n.size() - 5) == ".busy";
  EXPECT_EQ(links, 8);
  EXPECT_TRUE(names.count("top.links.L0_r0c0__r0c1.bytes"));
  EXPECT_TRUE(names.count("top.dram.ch0.busy"));
  EXPECT_TRUE(names.count("top.dram.ch1.busy"));
  EXPECT_TRUE(names.count("top.iterations_done"));
  for (const char* f : {"trace.gtkw", "gtkwave_states.txt", "gtkwave_tasks.txt"})
    EXPECT_TRUE(fs::exists(dir / "run" / f)) << f;
  if (std::system("command -v gtkwave >/dev/null 2>&1 && command -v xvfb-run >/dev/null 2>&1") ==
      0) {
    const int rc = std::system(("xvfb-run -a gtkwave -x " + (dir / "run" / "trace.vcd").string() +
                                " >" + (dir / "gtkwave.log").string() + " 2>&1")
                                   .c_str());
    EXPECT_EQ(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, 0) << read(dir / "gtkwave.log");
    EXPECT_NE(read(dir / "gtkwave.log").find("end time."), std::string::npos)
        << read(dir / "gtkwave.log");
    // The run directory moved elsewhere (the original gone) and its save file opened from a third
    // directory: GTKWave finds trace.vcd and the filters beside trace.gtkw.
    fs::create_directories(dir / "moved");
    fs::rename(dir / "run", dir / "moved" / "copy");
    fs::create_directories(dir / "cwd");
    std::ofstream(dir / "quit.tcl") << "gtkwave::/File/Quit\n";
    const int rc2 = std::system(("cd " + (dir / "cwd").string() + " && xvfb-run -a gtkwave " +
                                 (dir / "moved" / "copy" / "trace.gtkw").string() + " -S " +
                                 (dir / "quit.tcl").string() + " >" +
                                 (dir / "gtkwave_moved.log").string() + " 2>&1")
                                    .c_str());
    const std::string log = read(dir / "gtkwave_moved.log");
    EXPECT_EQ(WIFEXITED(rc2) ? WEXITSTATUS(rc2) : -1, 0) << log;
    EXPECT_NE(log.find("end time."), std::string::npos) << log;
    EXPECT_EQ(log.find("Could not"), std::string::npos) << log;
  }
}

TEST(RunE2E, PerfettoJsonParsesAndEveryFlowHasBothEnds) {
  const fs::path dir = scratch("perfetto");
  const Result r = sh("run --network mnist-fc --platform mesh4 --iterations 3 --quiet --out " +
                          (dir / "run").string(),
                      dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  const json j = json::parse(read(dir / "run" / "trace.perfetto.json"));
  const json s = json::parse(read(dir / "run" / "summary.json"));
  std::map<uint64_t, int> starts, finishes;
  size_t tasks = 0;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "s") ++starts[e["id"].get<uint64_t>()];
    if (e["ph"] == "f") ++finishes[e["id"].get<uint64_t>()];
    if (e["ph"] == "X" && e["cat"] == "task") ++tasks;
  }
  EXPECT_EQ(starts.size(), s["messages"].get<size_t>());
  EXPECT_EQ(starts, finishes);
  for (const auto& [id, n] : starts) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(tasks, s["ops_run"].get<size_t>());
}

// Compares two output trees file by file (names and bytes, recursively); returns the file count.
static size_t expect_same_tree(const fs::path& a, const fs::path& b) {
  std::set<fs::path> in_a, in_b;
  for (const auto& e : fs::recursive_directory_iterator(a))
    if (e.is_regular_file()) in_a.insert(fs::relative(e.path(), a));
  for (const auto& e : fs::recursive_directory_iterator(b))
    if (e.is_regular_file()) in_b.insert(fs::relative(e.path(), b));
  EXPECT_EQ(in_a, in_b);
  for (const auto& f : in_a) {
    if (in_b.count(f)) {
      EXPECT_TRUE(read(a / f) == read(b / f)) << f;
    }
  }
  return in_a.size();
}

// Every file, trace.gtkw included: nothing records where the outputs were written.
TEST(RunE2E, TwoRunsIntoTwoDirectoriesWriteIdenticalFiles) {
  const fs::path dir = scratch("same");
  const std::string cmd = "run --network mnist-fc --platform mesh4 --iterations 3 --quiet --out ";
  ASSERT_EQ(sh(cmd + (dir / "first").string(), dir).rc, 0);
  ASSERT_EQ(sh(cmd + (dir / "deeper" / "second").string(), dir).rc, 0);
  EXPECT_GE(expect_same_tree(dir / "first", dir / "deeper" / "second"), 10u);
}

// compare runs each scheduler into a hidden staging directory that is then renamed: its path
// must not end up in any file either.
TEST(RunE2E, TwoComparesIntoTwoDirectoriesWriteIdenticalFiles) {
  const fs::path dir = scratch("same_compare");
  const std::string cmd = "compare --network " + kTiny + " --platform mesh4 --iterations 2 --out ";
  ASSERT_EQ(sh(cmd + (dir / "first").string(), dir).rc, 0);
  ASSERT_EQ(sh(cmd + (dir / "deeper" / "second").string(), dir).rc, 0);
  EXPECT_GE(expect_same_tree(dir / "first", dir / "deeper" / "second"), 5u * 10u + 2u);
}

TEST(RunE2E, BadInputsFailWithOneLineAndLeaveNothing) {
  const fs::path dir = scratch("bad");
  const fs::path out = dir / "out";
  std::ofstream(dir / "bad.cfg") << "processors = 4\nbogus-key = 1\n";
  std::ofstream(dir / "file") << "x";
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases = {
      {"--scheduler fastest", "sequential"},  // lists the allowed names
      {"--platform " + (dir / "bad.cfg").string(), "bogus-key"},
      {"--platform nosuchpreset", "mesh4"},
      {"--array-rows 0", "array-rows"},
      {"--iterations 0", "--iterations"},
      {"--trace-window 5:2", "--trace-window"},
      {"--network " + (dir / "missing.yaml").string(), "missing.yaml"},
      {"--bogus", "bogus"},
  };
  for (const auto& c : cases) {
    const Result r = sh("run " + c.args + " --out " + out.string(), dir);
    EXPECT_NE(r.rc, 0) << c.args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
  }
  // An output directory that cannot be written: fails before simulating, nothing created.
  const Result r = sh("run --out " + (dir / "file" / "run").string(), dir);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  EXPECT_EQ(read(dir / "file"), "x");
  size_t left = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++left;
  EXPECT_EQ(left, 4u);  // bad.cfg, file, stdout.txt, stderr.txt: no output or temporary directory
}

TEST(RunE2E, CompareRunsEverySchedulerAndNamesTheStrongestBaselineOnMesh8) {
  const fs::path dir = scratch("compare");
  const Result r =
      sh("compare --network mnist-fc --platform mesh8 --iterations 4 --no-trace --csv --out " +
             (dir / "cmp").string(),
         dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  std::istringstream in(r.out);
  std::string head, line;
  std::getline(in, head);
  EXPECT_EQ(head.rfind("scheduler,period_cycles,predicted_period_cycles,simulated_over_predicted,"
                       "speedup_vs_best_baseline,best_baseline,speedup_vs_standard,"
                       "speedup_vs_pipedream",
                       0),
            0u)
      << head;
  std::map<std::string, double> period;
  std::map<std::string, std::string> best;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string name, p, cell;
    std::getline(ls, name, ',');
    std::getline(ls, p, ',');
    for (int i = 0; i < 4; ++i) std::getline(ls, cell, ',');
    best[name] = cell;
    period[name] = std::stod(p);
  }
  const char* all[] = {"sequential", "data-parallel", "gpipe",          "standard",
                       "pipedream",  "spikepipe",     "spikepipe-split"};
  EXPECT_EQ(period.size(), std::size(all));
  std::string fastest;
  for (const char* s : all) {
    EXPECT_TRUE(fs::exists(dir / "cmp" / s / "summary.json")) << s;
    const json j = json::parse(read(dir / "cmp" / s / "summary.json"));
    EXPECT_DOUBLE_EQ(j["period_cycles"].get<double>(), period[s]) << s;
    if (std::string(s).rfind("spikepipe", 0) != 0 && (fastest.empty() || period[s] < period[fastest]))
      fastest = s;
  }
  EXPECT_EQ(best["spikepipe"], fastest);
  EXPECT_LT(period["spikepipe"], period["standard"]);
  EXPECT_TRUE(fs::exists(dir / "cmp" / "compare.csv"));
  EXPECT_EQ(read(dir / "cmp" / "compare.csv"), r.out);
}

TEST(RunE2E, CompareWithoutTracesListsNoTraceFiles) {
  const fs::path dir = scratch("compare_no_trace");
  const Result r =
      sh("compare --network " + kTiny + " --platform mesh4 --iterations 2 --no-trace " + "--out " +
             (dir / "cmp").string(),
         dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.find("trace."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("traces off"), std::string::npos) << r.out;
  for (const auto& e : fs::recursive_directory_iterator(dir / "cmp"))
    EXPECT_EQ(e.path().filename().string().rfind("trace", 0), std::string::npos) << e.path();
}

TEST(RunE2E, CompareRejectsASchedulerChoice) {
  const fs::path dir = scratch("compare_bad");
  const Result r = sh("compare --scheduler gpipe --out " + (dir / "cmp").string(), dir);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("every scheduler"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "cmp"));
}

// cifar10-vgg spikepipe on mesh16 repeats its completion intervals every 11 iterations: by
// default the run measures the planner's predicted 22 and is steady; --iterations given wins
// (and 8 cannot show the pattern). summary.json says how the counts were chosen.
TEST(RunE2E, DefaultRunLengthIsThePredictedOneAndIterationsGivenWin) {
  const fs::path dir = scratch("run_length");
  const std::string args = "run --network cifar10-vgg --platform mesh16 --no-trace --quiet --out ";
  ASSERT_EQ(sh(args + (dir / "auto").string(), dir).rc, 0);
  const json a = json::parse(read(dir / "auto" / "summary.json"));
  EXPECT_EQ(a["iterations"]["measured"], 22);
  EXPECT_EQ(a["iterations"]["chosen_by"], "predicted steady state");
  EXPECT_EQ(a["steady_state_reached"], true);
  EXPECT_EQ(a["period_cycles"].get<double>(), a["predicted_period_cycles"].get<double>());
  ASSERT_EQ(sh(args + (dir / "given").string() + " --iterations 8 --warmup 30", dir).rc, 0);
  const json g = json::parse(read(dir / "given" / "summary.json"));
  EXPECT_EQ(g["iterations"]["measured"], 8);
  EXPECT_EQ(g["iterations"]["warmup"], 30);
  EXPECT_EQ(g["iterations"]["chosen_by"], "given");
  EXPECT_EQ(g["steady_state_reached"], false);
}

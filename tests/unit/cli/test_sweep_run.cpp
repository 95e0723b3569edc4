// Running a sweep with a fake runner: every point once, resume runs only the missing points, a
// failing point is reported in its row, ranks divide the points and gather the same CSV.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "spikepipe/platform/output_dir.h"

using namespace spikepipe;
using namespace spikepipe::sweep;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string arg_value(const std::vector<std::string>& args, const std::string& key) {
  for (const auto& a : args) {
    if (a.rfind("--" + key + "=", 0) == 0) return a.substr(key.size() + 3);
  }
  return "";
}

// Writes a summary whose figures follow from the point's arguments: period = 1200 / processors,
// an array (left out of the CSV) and a nested object (flattened). processors=0 fails like
// `run` would.
struct FakeRun {
  std::atomic<int> calls{0};
  std::mutex m;
  std::set<std::string> ran;

  Runner runner() {
    return [this](const Job& job) -> Outcome {
      ++calls;
      {
        std::lock_guard<std::mutex> lock(m);
        ran.insert(job.point->id);
      }
      EXPECT_EQ(job.args[job.args.size() - 3], job.dir.string());  // --out DIR --no-trace --quiet
      EXPECT_EQ(job.args.back(), "--quiet");
      const int p = std::stoi(arg_value(job.args, "processors"));
      if (p == 0) return {false, "--processors: 0 is out of range, needs a comma, \"quoted\""};
      nlohmann::json s;
      s["period_cycles"] = 1200 / p;
      s["latency_cycles"] = 5000;
      s["utilisation"] = 0.25 * p;
      s["per_processor"] = std::vector<int>(p, 1);
      s["bytes_by_kind"] = {{"Spikes", 10 * p}, {"Errors", 7}};
      s["scheduler"] = arg_value(job.args, "scheduler");
      s["a_note"] = "x";
      s["command"] = "spikepipe run --out " + job.dir.string();  // differs with --out: not a column
      fs::create_directories(job.dir);
      std::ofstream(job.dir / "summary.json") << s.dump(2);
      std::ofstream(job.dir / "tasks.csv") << "processor,task\n";
      std::ofstream(job.dir / "links.csv") << "link\n";
      write_manifest(job.dir, {"run", {"summary.json", "tasks.csv", "links.csv"}});  // as run does
      return {true, ""};
    };
  }
};

class SweepRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("spikepipe_sweep_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  Spec spec(uint32_t jobs, const std::string& processors = "1,2,3") {
    Spec s;
    s.axes = {parse_axis("processors=" + processors), parse_axis("scheduler=gpipe,spikepipe")};
    s.base = {"--network", "mnist-fc"};
    s.out = dir;
    s.jobs = jobs;
    return s;
  }

  RunOptions quiet(int rank = 0, int ranks = 1) {
    RunOptions o;
    o.rank = rank;
    o.ranks = ranks;
    o.progress = false;
    return o;
  }

  fs::path dir;
};

}  // namespace

TEST_F(SweepRun, EveryPointRunsOnceAndRowsFollowTheSummaries) {
  FakeRun fake;
  Spec s = spec(3);
  auto results = run_points(s, expand(s.axes), fake.runner(), quiet());
  EXPECT_EQ(fake.calls, 6);
  ASSERT_EQ(results.size(), 6u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].point.index, i);
    EXPECT_TRUE(results[i].ok);
  }
  const std::string csv = csv_text(s, results);
  // Headline figures first in their fixed order, then the rest by name; arrays, the command and
  // the summary's own "scheduler" (a swept key) left out.
  const std::string head =
      "processors,scheduler,status,error,period_cycles,latency_cycles,utilisation,bytes_by_kind."
      "Errors,"
      "bytes_by_kind.Spikes,a_note\n";
  EXPECT_EQ(csv.substr(0, head.size()), head);
  EXPECT_NE(csv.find("\n1,gpipe,ok,,1200,5000,0.25,7,10,x\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n3,spikepipe,ok,,400,5000,0.75,7,30,x\n"), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
}

TEST_F(SweepRun, ResumeRunsOnlyTheMissingPointsAndWritesTheSameBytes) {
  FakeRun first;
  Spec s = spec(2);
  const auto points = expand(s.axes);
  write_reports(s, run_points(s, points, first.runner(), quiet()));
  const std::string csv = read(dir / "sweep.csv"), js = read(dir / "sweep.json");
  fs::remove_all(dir / "points" / points[1].id);
  fs::remove(dir / "points" / points[4].id / "summary.json");

  FakeRun second;
  auto results = run_points(s, points, second.runner(), quiet());
  EXPECT_EQ(second.calls, 2);
  EXPECT_EQ(second.ran, (std::set<std::string>{points[1].id, points[4].id}));
  EXPECT_TRUE(results[0].resumed);
  EXPECT_FALSE(results[1].resumed);
  write_reports(s, results);
  EXPECT_EQ(read(dir / "sweep.csv"), csv);
  EXPECT_EQ(read(dir / "sweep.json"), js);

  FakeRun third;  // everything finished: nothing runs
  run_points(s, points, third.runner(), quiet());
  EXPECT_EQ(third.calls, 0);
}

// A rebuilt simulator must not show the figures of the old one: points that another build ran
// are run again, those of the same build are kept.
TEST_F(SweepRun, PointsOfAnotherBuildRunAgain) {
  Spec s = spec(1);
  const auto points = expand(s.axes);
  RunOptions old_build = quiet(), new_build = quiet();
  old_build.build = "1000 1\n";
  new_build.build = "2000 2\n";
  FakeRun first;
  run_points(s, points, first.runner(), old_build);
  FakeRun second;
  const auto results = run_points(s, points, second.runner(), new_build);
  EXPECT_EQ(second.calls, static_cast<int>(points.size()));
  for (const auto& r : results) EXPECT_FALSE(r.resumed);
  FakeRun third;
  run_points(s, points, third.runner(), new_build);
  EXPECT_EQ(third.calls, 0);
}

TEST_F(SweepRun, ResumingWithOtherArgumentsIsRefusedBeforeAnythingRuns) {
  FakeRun first;
  Spec s = spec(1);
  run_points(s, expand(s.axes), first.runner(), quiet());
  s.base = {"--network", "fmnist-conv"};
  FakeRun second;
  try {
    run_points(s, expand(s.axes), second.runner(), quiet());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("other arguments"), std::string::npos) << e.what();
  }
  EXPECT_EQ(second.calls, 0);
}

TEST_F(SweepRun, AFailingPointIsReportedInItsRowAndTheOthersComplete) {
  FakeRun fake;
  Spec s = spec(2, "0,4");
  auto results = run_points(s, expand(s.axes), fake.runner(), quiet());
  EXPECT_EQ(fake.calls, 4);
  EXPECT_FALSE(results[0].ok);
  EXPECT_FALSE(results[1].ok);
  EXPECT_TRUE(results[2].ok);
  EXPECT_TRUE(results[3].ok);
  const std::string csv = csv_text(s, results);
  EXPECT_NE(csv.find("\n0,gpipe,failed,\"--processors: 0 is out of range, needs a comma, "
                     "\"\"quoted\"\"\",,,,,,\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\n4,spikepipe,ok,,300,"), std::string::npos) << csv;
  // A failed point has no summary, so a second run tries it again and keeps the others.
  FakeRun again;
  run_points(s, expand(s.axes), again.runner(), quiet());
  EXPECT_EQ(again.calls, 2);
}

TEST_F(SweepRun, RanksTakePointsModuloTheirCountAndGatherTheSameCsv) {
  Spec s = spec(1, "1,2,3,4");
  const auto points = expand(s.axes);
  FakeRun one;
  const std::string single = csv_text(s, run_points(s, points, one.runner(), quiet()));
  fs::remove_all(dir);

  std::vector<std::string> reports;
  int calls = 0;
  for (int rank = 2; rank >= 0; --rank) {  // the order of arrival does not matter
    FakeRun fake;
    auto mine = run_points(s, points, fake.runner(), quiet(rank, 3));
    calls += fake.calls;
    for (const auto& r : mine) EXPECT_EQ(r.point.index % 3, static_cast<size_t>(rank));
    EXPECT_EQ(mine.size(), rank < 2 ? 3u : 2u);  // 8 points: 0,3,6 | 1,4,7 | 2,5
    reports.push_back(encode_rank(mine, ""));
  }
  EXPECT_EQ(calls, 8);
  EXPECT_EQ(csv_text(s, merge_ranks(reports, points)), single);
}

TEST_F(SweepRun, MergeNamesEveryRankErrorAndAnyMissingPoint) {
  Spec s = spec(1, "1,2");
  const auto points = expand(s.axes);
  FakeRun fake;
  const auto rank0 = run_points(s, points, fake.runner(), quiet(0, 2));
  auto error_of = [&](const std::vector<std::string>& reports) {
    try {
      merge_ranks(reports, points);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_of({encode_rank({}, "no spikepipe next to x"),
                      encode_rank({}, "no spikepipe next to x"), encode_rank({}, "disk full")}),
            "disk full (rank 2); no spikepipe next to x (rank 0 1)");
  EXPECT_EQ(error_of({encode_rank(rank0, "")}), "sweep: point 1 was not reported by its rank");
  EXPECT_EQ(error_of({encode_rank(rank0, ""), encode_rank(rank0, "")}),
            "sweep: point 1 was not reported by its rank");
}

TEST_F(SweepRun, RankZeroKeepsTheSummariesOfPointsRunOnOtherHosts) {
  // Two "hosts" with separate sweep directories: rank 1's points exist only in host1 at first.
  Spec host0 = spec(1, "1,2"), host1 = spec(1, "1,2");
  host1.out = dir / "host1";
  const auto points = expand(host0.axes);
  FakeRun a, b;
  std::vector<std::string> reports = {
      encode_rank(run_points(host0, points, a.runner(), quiet(0, 2)), ""),
      encode_rank(run_points(host1, points, b.runner(), quiet(1, 2)), "")};
  const auto all = merge_ranks(reports, points);
  EXPECT_FALSE(fs::exists(dir / "points" / points[1].id / "summary.json"));
  keep_summaries(host0, all);
  for (const auto& p : points) {
    EXPECT_TRUE(fs::exists(dir / "points" / p.id / "summary.json")) << p.id;
  }
  EXPECT_EQ(read(dir / "points" / points[1].id / "summary.json"),
            read(host1.out / "points" / points[1].id / "summary.json"));
  const auto m = read_manifest(dir / "points" / points[1].id);  // the copy is listed as written
  ASSERT_TRUE(m);
  EXPECT_EQ(m->files, std::vector<std::string>{"summary.json"});
  FakeRun again;  // a one-machine resume on host 0 now keeps every point
  run_points(host0, points, again.runner(), quiet());
  EXPECT_EQ(again.calls, 0);
}

TEST_F(SweepRun, KeepPrunesWhatAFinishedPointLeaves) {
  for (const char* keep : {"all", "tasks", "summary"}) {
    Spec s = spec(1, "1");
    s.out = dir / keep;
    s.keep = keep;
    FakeRun fake;
    const auto points = expand(s.axes);
    const fs::path d = s.out / "points" / points[0].id;
    fs::create_directories(d);
    std::ofstream(d / "notes.txt") << "mine";  // not the run's: never pruned
    auto results = run_points(s, points, fake.runner(), quiet());
    EXPECT_TRUE(results[0].ok);
    EXPECT_TRUE(fs::exists(d / "summary.json")) << keep;
    EXPECT_EQ(fs::exists(d / "tasks.csv"), std::string(keep) != "summary") << keep;
    EXPECT_EQ(fs::exists(d / "links.csv"), std::string(keep) == "all") << keep;
    EXPECT_TRUE(fs::exists(d / "notes.txt")) << keep;
    // The point's manifest lists what is left of the run's files.
    std::vector<std::string> left;
    for (const char* f : {"links.csv", "summary.json", "tasks.csv"})
      if (fs::exists(d / f)) left.push_back(f);
    const auto m = read_manifest(d);
    ASSERT_TRUE(m) << keep;
    EXPECT_EQ(m->files, left) << keep;
  }
}

// The sweep directory's manifest lists what the sweep and its points wrote, nothing of the
// user's, and is the same for the same sweep in another directory.
TEST_F(SweepRun, TheManifestListsWhatTheSweepWrote) {
  std::string first;
  for (const char* sub : {"a", "b/c"}) {
    Spec s = spec(2, "1,2");
    s.out = dir / sub;
    fs::create_directories(s.out);
    std::ofstream(s.out / "notes.txt") << "mine";
    FakeRun fake;
    const auto points = expand(s.axes);
    write_reports(s, run_points(s, points, fake.runner(), quiet()));
    const auto m = read_manifest(s.out);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, "sweep");
    std::vector<std::string> want = {"sweep.csv", "sweep.json"};
    for (const auto& p : points) {
      want.push_back("logs/" + p.id + ".args");
      for (const char* f : {".spikepipe-manifest", "links.csv", "summary.json", "tasks.csv"})
        want.push_back("points/" + p.id + "/" + f);
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(m->files, want);
    const std::string text = read(s.out / ".spikepipe-manifest");
    if (first.empty()) first = text;
    EXPECT_EQ(text, first);
  }
}

// Outputs and interrupts with the real binary (docs/RELIABILITY.md): `--out` never removes what
// spikepipe did not write, refuses the user's directories, the current directory and its
// ancestors; a run, compare or sweep interrupted by a signal leaves no staging directory and no
// child process, and the next run removes the staging directory of a killed one; a second sweep
// into a directory in use refuses.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/binary.h"

namespace fs = std::filesystem;
using namespace spikepipe::test;

namespace {

const std::vector<std::string> kBase = {"--network", "mnist-fc",     "--platform",
                                        "mesh4",     "--iterations", "3"};
const std::string kShort = " --network mnist-fc --platform mesh4 --iterations 3 --quiet";
// Runs for several seconds here (~8 s alone): interrupted long before it ends.
const std::vector<std::string> kLong = {"--network",    "cifar10-vgg", "--platform", "mesh16",
                                        "--iterations", "20000",       "--no-trace", "--quiet"};

std::string read(const fs::path& p) { return read_file(p); }

std::string words(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& w : v) s += " " + w;
  return s;
}

std::vector<std::string> with(std::vector<std::string> v, const std::vector<std::string>& more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// Entries of DIR (recursively) whose name holds ".tmp-" or ".old-": staging left behind.
std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n.find(".tmp-") != std::string::npos || n.find(".old-") != std::string::npos)
      out.push_back(e.path().string());
  }
  return out;
}

bool signalled(int status, int sig) {
  return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

// A listing of DIR: relative path and content of every file, to compare before and after.
std::string snapshot(const fs::path& dir) {
  std::vector<std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = e.path().lexically_relative(dir).string();
    entries.push_back(rel + (e.is_directory() ? "/" : " = " + read(e.path())));
  }
  std::sort(entries.begin(), entries.end());
  std::string s;
  for (const auto& e : entries) s += e + "\n";
  return s;
}

}  // namespace

// The reproduction of the issue: a directory with a summary.json of the user's, a notes.txt and
// a sub/ is refused by run, compare and sweep with one line, and nothing in it changes.
TEST(OutputsE2E, ADirectoryWithoutManifestIsRefusedAndKeptWhole) {
  const fs::path dir = scratch("foreign"), logs = scratch("foreign_logs");
  fs::create_directories(dir / "d" / "sub");
  std::ofstream(dir / "d" / "notes.txt") << "x\n";
  std::ofstream(dir / "d" / "summary.json") << "{}\n";
  std::ofstream(dir / "d" / "compare.csv") << "mine\n";
  const std::string before = snapshot(dir / "d");
  for (const std::string cmd : {"run", "compare", "sweep"}) {
    const RunResult r = run_spikepipe(cmd + words(kBase) + " --out d", logs, dir);
    EXPECT_NE(r.rc, 0) << cmd;
    EXPECT_EQ(lines(r.err), 1u) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("--out d: not replaced"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find(".spikepipe-manifest"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_EQ(snapshot(dir / "d"), before) << cmd;
  }
  EXPECT_TRUE(leftovers(dir).empty());
}

// `spikepipe noc` (synthetic traffic and --replay) writes through the same checked, atomic
// output: it once created DIR and wrote noc.csv into whatever was there.
TEST(OutputsE2E, NocOutputIsCheckedLikeARun) {
  const fs::path dir = scratch("noc_out"), logs = scratch("noc_out_logs");
  fs::create_directories(dir / "mine");
  std::ofstream(dir / "mine" / "noc.csv") << "my own\n";
  const std::string before = snapshot(dir / "mine");
  const std::string noc = "noc --injection-rate 0.1 --measure 500 --out ";
  RunResult r = run_spikepipe(noc + "mine", logs, dir);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("--out mine: not replaced"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(dir / "mine"), before);
  r = run_spikepipe(noc + "n", logs, dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "n" / "noc.csv"));
  EXPECT_TRUE(fs::exists(dir / "n" / ".spikepipe-manifest"));
  r = run_spikepipe(noc + "n", logs, dir);  // an earlier noc output is replaced
  EXPECT_EQ(r.rc, 0) << r.err;
  r = run_spikepipe("run" + words(kBase) + " --out n", logs, dir);  // a run does not replace it
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("holds a spikepipe noc output"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir / "n" / "noc.csv"));
  EXPECT_TRUE(leftovers(dir).empty());
}

TEST(OutputsE2E, TheCurrentDirectoryAndItsAncestorsAreRefused) {
  const fs::path dir = scratch("cwd"), logs = scratch("cwd_logs");
  const fs::path out = dir / "out";
  ASSERT_EQ(run_spikepipe("run" + kShort + " --out " + out.string(), dir).rc, 0);
  fs::create_directories(out / "sub");
  std::ofstream(out / "sub" / "notes.txt") << "mine";
  const std::string before = snapshot(dir);
  struct Case {
    fs::path cwd;
    std::string cmd, out;
  };
  const std::vector<Case> cases = {{out, "run", "."},
                                   {out, "run", out.string()},
                                   {out / "sub", "run", ".."},
                                   {out / "sub", "run", "../.."},
                                   {out / "sub", "compare", ".."},
                                   {out, "sweep", "."},
                                   {out / "sub", "run", "/"}};
  for (const auto& c : cases) {
    const RunResult r = run_spikepipe(c.cmd + words(kBase) + " --out " + c.out, logs, c.cwd);
    EXPECT_NE(r.rc, 0) << c.cmd << " --out " << c.out << " in " << c.cwd;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("current directory"), std::string::npos) << r.err;
  }
  EXPECT_EQ(snapshot(dir), before);
}

// Replacing an earlier run: its files go (also those the new run does not write: traces), the
// user's notes and plots stay, and the manifest lists exactly what spikepipe wrote.
TEST(OutputsE2E, ReplacingAnEarlierRunKeepsTheUsersFiles) {
  const fs::path dir = scratch("replace");
  const fs::path out = dir / "out";
  ASSERT_EQ(run_spikepipe("run" + kShort + " --out " + out.string(), dir).rc, 0);
  ASSERT_TRUE(fs::exists(out / "trace.vcd"));
  const std::string first = read(out / "summary.json");
  std::ofstream(out / "notes.txt") << "mine";
  fs::create_directories(out / "plots");
  std::ofstream(out / "plots" / "gantt.png") << "png";
  const RunResult r = run_spikepipe(
      "run --network mnist-fc --platform mesh4 --iterations 4 --quiet --no-trace --out " +
          out.string(),
      dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(read(out / "summary.json"), first);
  EXPECT_FALSE(fs::exists(out / "trace.vcd"));  // the earlier run's, listed in its manifest
  EXPECT_EQ(read(out / "notes.txt"), "mine");
  EXPECT_EQ(read(out / "plots" / "gantt.png"), "png");
  const std::string m = read(out / ".spikepipe-manifest");
  EXPECT_EQ(m.find("notes.txt"), std::string::npos) << m;
  EXPECT_EQ(m.find("plots"), std::string::npos) << m;
  EXPECT_NE(m.find("\nsummary.json\n"), std::string::npos) << m;
  EXPECT_TRUE(leftovers(dir).empty());
}

// SIGTERM, SIGINT or SIGHUP during a long run: it ends by that signal, its staging directory is
// gone and the earlier output is exactly as it was.
class RunInterrupted : public ::testing::TestWithParam<int> {};

TEST_P(RunInterrupted, LeavesNoStagingAndTheEarlierOutput) {
  const int sig = GetParam();
  const fs::path dir = scratch("interrupted" + std::to_string(sig));
  const fs::path out = dir / "out";
  ASSERT_EQ(run_spikepipe("run" + kShort + " --out " + out.string(), dir).rc, 0);
  const std::string before = snapshot(out);
  const pid_t pid =
      start_spikepipe(with({"run"}, with(kLong, {"--out", out.string()})), dir, dir / "long.log");
  const fs::path staging = dir / (".out.tmp-" + std::to_string(pid));
  ASSERT_TRUE(eventually([&] { return fs::exists(staging); })) << read(dir / "long.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // simulating by now
  ASSERT_EQ(::kill(pid, sig), 0);
  const int status = finish(pid);
  EXPECT_TRUE(signalled(status, sig)) << "status " << status << "\n" << read(dir / "long.log");
  EXPECT_FALSE(fs::exists(staging));
  EXPECT_TRUE(leftovers(dir).empty()) << ::testing::PrintToString(leftovers(dir));
  EXPECT_EQ(snapshot(out), before);
}

INSTANTIATE_TEST_SUITE_P(OutputsE2E, RunInterrupted, ::testing::Values(SIGTERM, SIGINT, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::string(i.param == SIGTERM  ? "SIGTERM"
                                              : i.param == SIGINT ? "SIGINT"
                                                                  : "SIGHUP");
                         });

// SIGKILL cannot be handled: the staging directory stays, and the next run into the same place
// removes it (its pid is gone) and says so in one line.
TEST(OutputsE2E, TheStagingOfAKilledRunIsRemovedByTheNextRun) {
  const fs::path dir = scratch("killed");
  const fs::path out = dir / "out";
  const pid_t pid =
      start_spikepipe(with({"run"}, with(kLong, {"--out", out.string()})), dir, dir / "long.log");
  const fs::path staging = dir / (".out.tmp-" + std::to_string(pid));
  ASSERT_TRUE(eventually([&] { return fs::exists(staging); })) << read(dir / "long.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGKILL);
  EXPECT_TRUE(signalled(finish(pid), SIGKILL));
  ASSERT_TRUE(fs::exists(staging));  // what the issue reported
  const RunResult r = run_spikepipe("run" + kShort + " --out " + out.string(), dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_FALSE(fs::exists(staging));
  size_t said = 0;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);) {
    if (line.find("stale") != std::string::npos) {
      ++said;
      EXPECT_NE(line.find(staging.string()), std::string::npos) << line;
    }
  }
  EXPECT_EQ(said, 1u) << r.err;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  EXPECT_TRUE(leftovers(dir).empty());
}

// compare runs each scheduler as a child: SIGTERM ends the child too, and leaves nothing.
TEST(OutputsE2E, CompareInterruptedLeavesNoChildAndNoStaging) {
  const fs::path dir = scratch("compare");
  const pid_t pid = start_spikepipe(
      with({"compare"}, {"--network", "cifar10-vgg", "--platform", "mesh16", "--iterations",
                         "20000", "--no-trace", "--out", (dir / "cmp").string()}),
      dir, dir / "compare.log");
  std::vector<pid_t> kids;
  ASSERT_TRUE(eventually([&] { return !(kids = children_of(pid)).empty(); }))
      << read(dir / "compare.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGTERM);
  EXPECT_TRUE(signalled(finish(pid), SIGTERM));
  for (pid_t k : kids) {
    EXPECT_FALSE(running(k)) << "child " << k << " still running";
    if (running(k)) ::kill(k, SIGKILL);
  }
  EXPECT_FALSE(fs::exists(dir / "cmp"));
  EXPECT_TRUE(leftovers(dir).empty()) << ::testing::PrintToString(leftovers(dir));
}

namespace {

// A sweep whose first point is quick and whose second runs long.
std::vector<std::string> long_sweep(const fs::path& out) {
  return {"sweep",  "--network", "cifar10-vgg",        "--platform",
          "mesh16", "--set",     "iterations=3,20000", "-j",
          "1",      "--out",     out.string()};
}

}  // namespace

// The issue: two sweeps into the same --out both ran and mixed their points in sweep.csv. Now
// the second refuses at once, naming the directory, and the first is unaffected.
TEST(OutputsE2E, ASecondSweepIntoTheSameDirectoryRefusesWhileTheFirstRuns) {
  const fs::path dir = scratch("lock");
  const fs::path out = dir / "s";
  const pid_t first = start_spikepipe(long_sweep(out), dir, dir / "first.log");
  ASSERT_TRUE(eventually([&] { return fs::exists(out / "logs" / "iterations=20000.args"); }))
      << read(dir / "first.log");
  const RunResult r = run_spikepipe(
      "sweep --network cifar10-vgg --platform mesh16 --set iterations=3,4 --out " + out.string(),
      dir);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("another sweep"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(out.string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "logs" / "iterations=4.args"));  // ran nothing
  EXPECT_TRUE(running(first));
  ::kill(first, SIGTERM);
  EXPECT_TRUE(signalled(finish(first), SIGTERM)) << read(dir / "first.log");
}

// SIGTERM to a sweep: the running point's process gets it and is waited for (none is left
// running), no staging directory is left, the sweep ends by the signal after one line, and the
// same command then resumes (keeps the finished point).
TEST(OutputsE2E, ASweepInterruptedReapsItsChildrenAndResumes) {
  const fs::path dir = scratch("sweep_term");
  const fs::path out = dir / "s";
  const pid_t pid = start_spikepipe(long_sweep(out), dir, dir / "first.log");
  std::vector<pid_t> kids;
  ASSERT_TRUE(eventually([&] {
    return fs::exists(out / "logs" / "iterations=20000.args") && !(kids = children_of(pid)).empty();
  })) << read(dir / "first.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGTERM);
  const int status = finish(pid);
  EXPECT_TRUE(signalled(status, SIGTERM)) << "status " << status << "\n" << read(dir / "first.log");
  for (pid_t k : kids) {
    EXPECT_FALSE(running(k)) << "child " << k << " still running";
    if (running(k)) ::kill(k, SIGKILL);
  }
  EXPECT_TRUE(leftovers(out).empty()) << ::testing::PrintToString(leftovers(out));
  EXPECT_FALSE(fs::exists(out / "points" / "iterations=20000"));
  const std::string log = read(dir / "first.log");
  EXPECT_NE(log.find("sweep: interrupted"), std::string::npos) << log;
  EXPECT_NE(log.find("1 of 2 point(s) finished"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(out / "sweep.csv"));  // no table of half the points
  const std::string m = read(out / ".spikepipe-manifest");
  EXPECT_NE(m.find("points/iterations=3/summary.json"), std::string::npos) << m;

  const auto kept = fs::last_write_time(out / "logs" / "iterations=3.log");
  const pid_t again = start_spikepipe(long_sweep(out), dir, dir / "second.log");
  EXPECT_TRUE(eventually([&] {
    return read(dir / "second.log").find("1 of 2 points already finished, kept") !=
           std::string::npos;
  })) << read(dir / "second.log");
  ASSERT_TRUE(eventually([&] { return !children_of(again).empty(); })) << read(dir / "second.log");
  ::kill(again, SIGTERM);
  EXPECT_TRUE(signalled(finish(again), SIGTERM)) << read(dir / "second.log");
  EXPECT_EQ(fs::last_write_time(out / "logs" / "iterations=3.log"), kept);
  EXPECT_TRUE(leftovers(out).empty());
}

// SIGKILL cannot be handled by the sweep, but its running point ends with it (the child asked
// for SIGTERM on its parent's death) and removes its own staging directory.
TEST(OutputsE2E, ASweepKilledBySigkillTakesItsRunningPointWithIt) {
  const fs::path dir = scratch("sweep_kill");
  const fs::path out = dir / "s";
  const pid_t pid = start_spikepipe(long_sweep(out), dir, dir / "sweep.log");
  std::vector<pid_t> kids;
  ASSERT_TRUE(eventually([&] {
    return fs::exists(out / "logs" / "iterations=20000.args") &&
           !(kids = children_of(pid)).empty();
  })) << read(dir / "sweep.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGKILL);
  EXPECT_TRUE(signalled(finish(pid), SIGKILL));
  // Within seconds: left alone, the point would run on for about 8 s more.
  for (pid_t k : kids) {
    EXPECT_TRUE(eventually([&] { return !running(k); }, 4)) << "child " << k << " still running";
    if (running(k)) ::kill(k, SIGKILL);
  }
  EXPECT_TRUE(eventually([&] { return leftovers(out).empty(); }, 2))
      << ::testing::PrintToString(leftovers(out));
  EXPECT_FALSE(fs::exists(out / "points" / "iterations=20000"));
}

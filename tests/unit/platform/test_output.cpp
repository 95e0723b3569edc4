// Atomic output: a committed directory replaces the earlier output (exactly the files of its
// manifest; the user's files stay); an uncommitted one leaves nothing behind; a directory that
// cannot be created fails at once with its name; a directory of the user's, the current one or
// its ancestors are refused; interrupts and killed processes leave no staging directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "spikepipe/platform/interrupts.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/core/error.h"

using namespace spikepipe;
namespace fs = std::filesystem;

namespace {

fs::path fresh(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("spikepipe_out_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t entries(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// An earlier output in DIR, as a run would leave it.
void commit_output(const fs::path& dir,
                   const std::vector<std::pair<std::string, std::string>>& files) {
  OutputDir out(dir);
  for (const auto& [name, text] : files) out.write(name, text);
  out.commit();
}

// The pid of a process that has ended (and been reaped).
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

// A process that sets up an output in DIR, writes a file and dies without cleaning up (as under
// SIGKILL); returns its pid once it is gone.
pid_t killed_writer(const fs::path& dir) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    OutputDir out(dir);
    out.write("summary.json", "{}");
    ::_exit(0);  // no destructor runs
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pid : -1;
}

// Alive and not a zombie.
bool running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const size_t p = stat.rfind(')');
  return p != std::string::npos && p + 2 < stat.size() && stat[p + 2] != 'Z';
}

}  // namespace

// The earlier output goes whole (also a file the new one does not write); a file or folder the
// user added to it afterwards stays.
TEST(OutputDir, CommitReplacesExactlyTheFilesOfTheEarlierOutput) {
  const fs::path root = fresh("commit");
  const fs::path dir = root / "run";
  commit_output(dir, {{"summary.json", "old"}, {"stale.csv", "old"}});
  std::ofstream(dir / "notes.txt") << "mine";
  fs::create_directories(dir / "plots" / "empty");
  std::ofstream(dir / "plots" / "gantt.png") << "png";
  {
    OutputDir out(dir);
    out.write("summary.json", "{}\n");
    EXPECT_EQ(read(dir / "summary.json"), "old");  // not visible before commit
    out.commit();
  }
  EXPECT_EQ(read(dir / "summary.json"), "{}\n");
  EXPECT_FALSE(fs::exists(dir / "stale.csv"));
  EXPECT_EQ(read(dir / "notes.txt"), "mine");
  EXPECT_EQ(read(dir / "plots" / "gantt.png"), "png");
  EXPECT_TRUE(fs::is_directory(dir / "plots" / "empty"));
  EXPECT_EQ(read(dir / kManifestFile), manifest_text({"run", {"summary.json"}}));
  EXPECT_EQ(entries(root), 1u);  // no temporary or old directory left
  fs::remove_all(root);
}

TEST(OutputDir, WithoutCommitNothingChanges) {
  const fs::path root = fresh("abort");
  const fs::path dir = root / "run";
  commit_output(dir, {{"summary.json", "old"}});
  {
    OutputDir out(dir);
    out.write("summary.json", "new");
    EXPECT_TRUE(fs::exists(out.staging_path()));
  }  // e.g. the simulation threw
  EXPECT_EQ(read(dir / "summary.json"), "old");
  EXPECT_EQ(entries(root), 1u);
  fs::remove_all(root);
}

TEST(OutputDir, CreatesMissingParents) {
  const fs::path root = fresh("parents");
  OutputDir out(root / "a" / "b" / "run");
  out.write("x.txt", "x");
  out.commit();
  EXPECT_EQ(read(root / "a" / "b" / "run" / "x.txt"), "x");
  fs::remove_all(root);
}

// A run that fails after setting up its output leaves no empty parent folders: they are made
// only when the output is committed.
TEST(OutputDir, WithoutCommitNoMissingParentIsCreated) {
  const fs::path root = fresh("noparents");
  {
    OutputDir out(root / "a" / "b" / "run");
    out.write("x.txt", "x");
    EXPECT_FALSE(fs::exists(root / "a"));
  }
  EXPECT_EQ(entries(root), 0u);  // neither a/ nor the staging directory
  fs::remove_all(root);
}

TEST(OutputDir, UnwritablePlacesFailAtOnceNamingThePath) {
  const fs::path root = fresh("bad");
  std::ofstream(root / "file") << "not a directory";
  for (const fs::path& bad : {root / "file", root / "file" / "run"}) {
    try {
      OutputDir out(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(bad.string()), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(read(root / "file"), "not a directory");
  fs::remove_all(root);
}

TEST(OutputDir, FileNamesMayNotLeaveTheDirectory) {
  const fs::path root = fresh("names");
  OutputDir out(root / "run");
  EXPECT_THROW(out.write("../escape", "x"), Error);
  EXPECT_THROW(out.write("", "x"), Error);
  EXPECT_THROW(out.write(kManifestFile, "x"), Error);  // written by commit() only
  fs::remove_all(root);
}

// The reproduction of the data-loss issue: a directory with a summary.json of the user's (no
// manifest) is refused before anything is written, and everything in it stays.
TEST(OutputDir, ADirectoryThatHoldsNoEarlierOutputIsNeverReplaced) {
  const fs::path root = fresh("foreign");
  fs::create_directories(root / "d" / "sub");
  std::ofstream(root / "d" / "notes.txt") << "mine";
  std::ofstream(root / "d" / "summary.json") << "{}";
  try {
    OutputDir out(root / "d");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not replaced"), std::string::npos) << what;
    EXPECT_NE(what.find(kManifestFile), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_EQ(read(root / "d" / "notes.txt"), "mine");
  EXPECT_EQ(read(root / "d" / "summary.json"), "{}");
  EXPECT_TRUE(fs::is_directory(root / "d" / "sub"));
  EXPECT_EQ(entries(root), 1u);  // no staging directory either
  fs::create_directories(root / "empty");
  EXPECT_NO_THROW(OutputDir(root / "empty"));  // empty: nothing to lose
  fs::remove_all(root);
}

TEST(OutputDir, ManifestListsEveryFileSortedAndIsTheSameInAnyDirectory) {
  const fs::path root = fresh("manifest");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"tasks.csv", "t"}, {"summary.json", "{}"}, {"a.txt", "a"}};
  commit_output(root / "one", files);
  commit_output(root / "deeper" / "two", files);
  const std::string m = read(root / "one" / kManifestFile);
  EXPECT_EQ(m, read(root / "deeper" / "two" / kManifestFile));
  EXPECT_EQ(m, manifest_text({"run", {"a.txt", "summary.json", "tasks.csv"}}));
  EXPECT_EQ(m.find(root.string()), std::string::npos) << m;
  EXPECT_EQ(m.find(std::to_string(::getpid())), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(root / "one" / kStagingMarker));
  const auto back = read_manifest(root / "one");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, "run");
  EXPECT_EQ(back->files, (std::vector<std::string>{"a.txt", "summary.json", "tasks.csv"}));
  fs::remove_all(root);
}

// Files that child processes write into the staging directory (compare's runs) are listed too.
TEST(OutputDir, ManifestListsFilesInSubdirectories) {
  const fs::path root = fresh("nested");
  OutputDir out(root / "cmp", "compare");
  fs::create_directories(out.staging_path() / "gpipe");
  std::ofstream(out.staging_path() / "gpipe" / "summary.json") << "{}";
  out.write("compare.csv", "x");
  out.commit();
  const auto m = read_manifest(root / "cmp");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, "compare");
  EXPECT_EQ(m->files, (std::vector<std::string>{"compare.csv", "gpipe/summary.json"}));
  fs::remove_all(root);
}

// A file of the user's where the new output has one: refused at commit, nothing changes.
TEST(OutputDir, AUserFileWhereTheNewOutputWritesIsNeverOverwritten) {
  const fs::path root = fresh("clash");
  const fs::path dir = root / "run";
  commit_output(dir, {{"summary.json", "old"}});
  std::ofstream(dir / "trace.vcd") << "mine";
  {
    OutputDir out(dir);
    out.write("summary.json", "new");
    out.write("trace.vcd", "new");
    try {
      out.commit();
      ADD_FAILURE() << "committed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("trace.vcd"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(read(dir / "trace.vcd"), "mine");
  EXPECT_EQ(read(dir / "summary.json"), "old");
  EXPECT_EQ(entries(root), 1u);
  fs::remove_all(root);
}

TEST(OutputDir, TheCurrentDirectoryAndItsAncestorsAreRefused) {
  const fs::path root = fresh("cwd");
  const fs::path here = root / "a" / "b";
  commit_output(here, {{"summary.json", "{}"}});  // even an earlier output
  fs::create_directories(here / "c");
  const fs::path saved = fs::current_path();
  fs::current_path(here / "c");
  for (const fs::path& bad : {fs::path("."), fs::path("./"), fs::path(".."), fs::path("../.."),
                              here, root, fs::path("/")}) {
    try {
      OutputDir out(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("current directory"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ResumableDir(bad, "sweep"), Error) << bad;
  }
  fs::current_path(saved);
  EXPECT_EQ(read(here / "summary.json"), "{}");
  EXPECT_TRUE(fs::is_directory(here / "c"));
  fs::remove_all(root);
}

TEST(OutputDir, ASymbolicLinkIsRefused) {
  const fs::path root = fresh("link");
  commit_output(root / "real", {{"summary.json", "{}"}});
  fs::create_directory_symlink(root / "real", root / "link");
  EXPECT_THROW(OutputDir(root / "link"), Error);
  EXPECT_EQ(read(root / "real" / "summary.json"), "{}");
  fs::remove_all(root);
}

TEST(OutputDir, ADamagedManifestOrAnotherKindIsRefused) {
  const fs::path root = fresh("kinds");
  fs::create_directories(root / "bad");
  std::ofstream(root / "bad" / "x") << "x";
  std::ofstream(root / "bad" / kManifestFile) << "# spikepipe-manifest v1 run\n../../etc/x\n";
  EXPECT_THROW(OutputDir(root / "bad"), Error);
  EXPECT_EQ(read(root / "bad" / "x"), "x");
  { const ResumableDir sweep(root / "sweep", "sweep"); }
  try {
    OutputDir out(root / "sweep");
    ADD_FAILURE() << "replaced a sweep";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sweep"), std::string::npos) << e.what();
  }
  commit_output(root / "run", {{"summary.json", "{}"}});
  EXPECT_THROW(ResumableDir(root / "run", "sweep"), Error);
  EXPECT_NO_THROW(OutputDir(root / "run", "compare"));  // run and compare replace each other
  fs::remove_all(root);
}

TEST(OutputDir, RemoveListedRemovesOnlyListedFilesAndTheFoldersTheyLeaveEmpty) {
  const fs::path root = fresh("listed");
  fs::create_directories(root / "a" / "b");
  fs::create_directories(root / "keep");
  for (const char* f : {"x", "a/y", "a/b/z", "keep/w", "mine"}) std::ofstream(root / f) << f;
  remove_listed(root, {"x", "a/y", "a/b/z", "keep/w", "../outside"});
  EXPECT_FALSE(fs::exists(root / "x"));
  EXPECT_FALSE(fs::exists(root / "a"));
  EXPECT_FALSE(fs::exists(root / "keep"));
  EXPECT_EQ(read(root / "mine"), "mine");
  fs::remove_all(root);
}

// A process that dies between creating its staging directory and committing (SIGKILL): its pid
// is gone, and the next output into the same place removes the directory and says so.
TEST(OutputDir, StagingOfAKilledProcessIsRemovedByTheNextOutput) {
  const fs::path root = fresh("stale");
  const fs::path dir = root / "run";
  const pid_t dead = killed_writer(dir);
  ASSERT_GT(dead, 0);
  const fs::path stale = root / (".run.tmp-" + std::to_string(dead));
  ASSERT_TRUE(fs::exists(stale / "summary.json"));
  // Same name, dead pid, no marker and a file in it: not known to be spikepipe's, left alone.
  const pid_t other = dead_pid();
  const fs::path foreign = root / (".run.tmp-" + std::to_string(other));
  fs::create_directories(foreign);
  std::ofstream(foreign / "mine.txt") << "mine";
  // Another output's staging directory, and one of a live process: not touched.
  const fs::path live = root / (".run.tmp-" + std::to_string(::getppid()));
  fs::create_directories(live);
  const fs::path elsewhere = root / (".other.tmp-" + std::to_string(dead));
  fs::create_directories(elsewhere);

  ::testing::internal::CaptureStderr();
  { OutputDir out(dir); }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("removed 1 stale"), std::string::npos) << err;
  EXPECT_NE(err.find(stale.string()), std::string::npos) << err;
  EXPECT_NE(err.find(foreign.string()), std::string::npos) << err;  // named as left in place
  EXPECT_EQ(read(foreign / "mine.txt"), "mine");
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(elsewhere));
  fs::remove_all(root);
}

// Killed between the two renames of a commit: the earlier output is put back.
TEST(OutputDir, AnEarlierOutputMovedAsideByAKilledProcessIsRestored) {
  const fs::path root = fresh("restore");
  commit_output(root / "run", {{"summary.json", "old"}});
  std::ofstream(root / "run" / "notes.txt") << "mine";
  const fs::path aside = root / (".run.old-" + std::to_string(dead_pid()));
  fs::rename(root / "run", aside);
  ::testing::internal::CaptureStderr();
  { OutputDir out(root / "run"); }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("restored"), std::string::npos) << err;
  EXPECT_EQ(read(root / "run" / "summary.json"), "old");
  EXPECT_EQ(read(root / "run" / "notes.txt"), "mine");
  EXPECT_EQ(entries(root), 1u);
  fs::remove_all(root);
}

// SIGINT, SIGTERM, SIGHUP: the registered staging directory goes and the process ends by the
// signal (so a shell or a parent sweep sees "killed by SIGTERM", not success).
TEST(Interrupts, RemoveTheStagingDirectoryAndEndByTheSignal) {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    const fs::path root = fresh("signal" + std::to_string(sig));
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      interrupts::install();
      OutputDir out(root / "run");
      out.write("summary.json", "{}");
      fs::create_directories(out.staging_path() / "sub");
      std::ofstream(out.staging_path() / "sub" / "deep.csv") << "x";
      (void)!::write(fds[1], "x", 1);
      for (;;) ::pause();
    }
    ::close(fds[1]);
    char c;
    ASSERT_EQ(::read(fds[0], &c, 1), 1);
    ::close(fds[0]);
    const fs::path staging = root / (".run.tmp-" + std::to_string(child));
    EXPECT_TRUE(fs::exists(staging / "sub" / "deep.csv"));
    ::kill(child, sig);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "status " << status;
    EXPECT_EQ(entries(root), 0u) << "signal " << sig;
    fs::remove_all(root);
  }
}

// An interrupt reaches the registered children and waits for them: none outlives the process.
TEST(Interrupts, ChildrenGetTheSignalAndAreWaitedFor) {
  for (const bool cooperative : {false, true}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      interrupts::install();
      std::optional<interrupts::Cooperative> guard;
      if (cooperative) guard.emplace();
      std::string sleep = "sleep", secs = "30";
      char* argv[] = {sleep.data(), secs.data(), nullptr};
      pid_t grandchild = 0;
      if (interrupts::spawn(&grandchild, "/bin/sleep", nullptr, argv) != 0) ::_exit(2);
      (void)!::write(fds[1], &grandchild, sizeof grandchild);
      int status = 0;
      interrupts::wait_child(grandchild, &status);
      // Cooperative: the signal was recorded, forwarded, and the child ended by it.
      const bool ok =
          interrupts::received() == SIGTERM && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
      ::_exit(ok ? 42 : 3);
    }
    ::close(fds[1]);
    pid_t grandchild = 0;
    ASSERT_EQ(::read(fds[0], &grandchild, sizeof grandchild),
              static_cast<ssize_t>(sizeof grandchild));
    ::close(fds[0]);
    ::kill(child, SIGTERM);
    int status = 0;
    for (int ms = 0; ::waitpid(child, &status, WNOHANG) == 0; ms += 10) {
      if (ms > 10000) {  // the child did not end: fail rather than wait for the sleep
        ::kill(grandchild, SIGKILL);
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
        ADD_FAILURE() << "the process did not end within 10 s of SIGTERM";
        break;
      }
      ::usleep(10000);
    }
    if (cooperative) {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42) << "status " << status;
    } else {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "status " << status;
    }
    EXPECT_FALSE(running(grandchild)) << "cooperative " << cooperative;
    if (running(grandchild)) ::kill(grandchild, SIGKILL);
  }
}

TEST(ResumableDir, ASecondWriterIsRefusedWhileTheFirstHoldsTheLock) {
  const fs::path root = fresh("lock");
  {
    const ResumableDir first(root / "s", "sweep");
    try {
      const ResumableDir second(root / "s", "sweep");
      ADD_FAILURE() << "locked twice";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find((root / "s").string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("another sweep"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(ResumableDir(root / "s", "sweep"));  // released with the first
  const auto m = read_manifest(root / "s");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, "sweep");
  EXPECT_EQ(m->files, std::vector<std::string>{kLockFile});
  // A directory of the user's is refused like --out of a run.
  fs::create_directories(root / "mine");
  std::ofstream(root / "mine" / "notes.txt") << "mine";
  EXPECT_THROW(ResumableDir(root / "mine", "sweep"), Error);
  EXPECT_FALSE(fs::exists(root / "mine" / kLockFile));
  fs::remove_all(root);
}

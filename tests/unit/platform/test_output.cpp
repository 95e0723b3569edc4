// Atomic output: a committed directory replaces the old one whole; an uncommitted one leaves
// nothing behind; a directory that cannot be created fails at once with its name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

}  // namespace

TEST(OutputDir, CommitReplacesTheOldDirectoryWhole) {
  const fs::path root = fresh("commit");
  const fs::path dir = root / "run";
  fs::create_directories(dir);
  std::ofstream(dir / "stale.csv") << "old";
  std::ofstream(dir / "summary.json") << "old";  // an earlier run's output
  {
    OutputDir out(dir);
    out.write("summary.json", "{}\n");
    EXPECT_EQ(read(dir / "summary.json"), "old");  // not visible before commit
    out.commit();
  }
  EXPECT_EQ(read(dir / "summary.json"), "{}\n");
  EXPECT_FALSE(fs::exists(dir / "stale.csv"));
  EXPECT_EQ(entries(root), 1u);  // no temporary or old directory left
  fs::remove_all(root);
}

TEST(OutputDir, WithoutCommitNothingChanges) {
  const fs::path root = fresh("abort");
  const fs::path dir = root / "run";
  fs::create_directories(dir);
  std::ofstream(dir / "summary.json") << "old";
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
  fs::remove_all(root);
}

TEST(OutputDir, ADirectoryThatHoldsNoEarlierOutputIsNeverReplaced) {
  const fs::path root = fresh("foreign");
  std::ofstream(root / "notes.txt") << "mine";
  try {
    OutputDir out(root);  // e.g. `--out .`
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not replaced"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(root / "notes.txt"), "mine");
  fs::create_directories(root / "empty");
  EXPECT_NO_THROW(OutputDir(root / "empty"));  // empty: nothing to lose
  fs::remove_all(root);
}

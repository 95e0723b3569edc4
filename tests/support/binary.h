#pragma once
// Running the built `spikepipe` binary from a test: a scratch directory per test process, the
// command's exit status, stdout and stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace spikepipe::test {

inline std::filesystem::path scratch(const std::string& name) {
  namespace fs = std::filesystem;
  fs::path p = fs::temp_directory_path() /
               ("spikepipe_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int rc = -1;
  std::string out, err;
};

// Runs `SPIKEPIPE_BINARY args` with stdout/stderr captured in files under `dir`.
inline RunResult run_spikepipe(const std::string& args, const std::filesystem::path& dir) {
  const auto o = dir / "stdout.txt", e = dir / "stderr.txt";
  const int rc = std::system((std::string(SPIKEPIPE_BINARY) + " " + args + " >" + o.string() +
                              " 2>" + e.string()).c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(o), read_file(e)};
}

}  // namespace spikepipe::test

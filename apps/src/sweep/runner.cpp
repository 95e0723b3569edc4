// Each point is its own `spikepipe run` process: SystemC elaborates once per process, and a
// crashing point cannot take the sweep down. posix_spawn, not fork, so that it is safe inside an
// MPI process and from several threads.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "spikepipe/platform/interrupts.h"

namespace spikepipe::sweep {

namespace fs = std::filesystem;

namespace {

// The child's last "error:" line, without the "spikepipe run: error: " prefix.
std::string error_from_log(const fs::path& log) {
  std::ifstream in(log);
  std::string line, found;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const size_t e = line.find("error: ");
    if (e != std::string::npos) found = line.substr(e + 7);
  }
  return found;
}

std::string status_text(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = strsignal(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) +
           (name ? std::string(" (") + name + ")" : "");
  }
  return "status " + std::to_string(status);
}

}  // namespace

fs::path spikepipe_binary() {
  if (const char* env = std::getenv("SPIKEPIPE_BIN"); env && *env) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) fail("sweep", "cannot find this executable (/proc/self/exe)", "set SPIKEPIPE_BIN");
  if (self.filename() == "spikepipe") return self;
  fs::path sibling = self.parent_path() / "spikepipe";
  if (!fs::exists(sibling))
    fail("sweep", "no spikepipe next to " + self.string(), "set SPIKEPIPE_BIN");
  return sibling;
}

Runner process_runner(fs::path binary) {
  return [binary = std::move(binary)](const Job& job) -> Outcome {
    std::error_code ec;
    fs::create_directories(job.log.parent_path(), ec);
    fs::create_directories(job.dir.parent_path(), ec);
    std::vector<std::string> argv_s = {binary.string(), "run"};
    argv_s.insert(argv_s.end(), job.args.begin(), job.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, job.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = 0;
    // Registered, so that an interrupt of this process reaches the child (interrupts.h).
    const int rc = interrupts::spawn(&pid, argv_s[0].c_str(), &fa, argv.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return {false, "cannot start " + argv_s[0] + ": " + std::strerror(rc)};

    int status = 0;
    if (interrupts::wait_child(pid, &status) < 0)
      return {false, std::string("waitpid: ") + std::strerror(errno)};
    const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const bool has_summary = fs::exists(job.dir / "summary.json");
    if (exited_ok && has_summary) return {true, ""};
    std::string error = error_from_log(job.log);
    if (error.empty())
      error = exited_ok ? "run wrote no summary.json" : "run ended with " + status_text(status);
    return {false, error};
  };
}

}  // namespace spikepipe::sweep

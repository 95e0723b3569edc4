#pragma once
// Running the built `spikepipe` binary from a test: a scratch directory per test process, the
// command's exit status, stdout and stderr; or started in the background, to interrupt it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

// Runs `SPIKEPIPE_BINARY args` with stdout/stderr captured in files under `dir`; in the working
// directory `cwd` when one is given.
inline RunResult run_spikepipe(const std::string& args, const std::filesystem::path& dir,
                               const std::filesystem::path& cwd = {}) {
  const auto o = dir / "stdout.txt", e = dir / "stderr.txt";
  const std::string cd = cwd.empty() ? "" : "cd '" + cwd.string() + "' && ";
  const int rc = std::system(
      (cd + SPIKEPIPE_BINARY + " " + args + " >" + o.string() + " 2>" + e.string()).c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(o), read_file(e)};
}

// Starts `SPIKEPIPE_BINARY args` in CWD without waiting, stdout and stderr into LOG; returns its
// pid (a child of the test, for kill() and finish()).
inline pid_t start_spikepipe(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                             const std::filesystem::path& log) {
  std::vector<std::string> argv_s = {SPIKEPIPE_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits up to SECONDS for PID to end (then kills it with SIGKILL, so that a hung test fails
// instead of hanging); returns its waitpid status, or -1 when it had to be killed.
inline int finish(pid_t pid, double seconds = 20) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status;
}

// Polls COND every 10 ms for up to SECONDS.
inline bool eventually(const std::function<bool()>& cond, double seconds = 20) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!cond()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The processes whose parent is PID (from /proc), and whether one is still running (not a
// zombie).
inline std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string n = e.path().filename().string();
    if (n.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    const size_t p = stat.rfind(')');
    if (p == std::string::npos) continue;
    std::istringstream rest(stat.substr(p + 2));
    std::string state;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == pid) out.push_back(static_cast<pid_t>(std::stol(n)));
  }
  return out;
}
inline bool running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const size_t p = stat.rfind(')');
  return p != std::string::npos && p + 2 < stat.size() && stat[p + 2] != 'Z';
}

}  // namespace spikepipe::test

// The HDF5 walk in a child process (hdf5_isolated.h says why). fork() rather than posix_spawn of
// our own binary: the callers read a network before any simulation exists (no SystemC process has
// run, and SystemC's coroutines are not threads anyway), and the child only calls libhdf5, malloc
// and write(2). libhdf5 is built thread-safe with a global lock; were another thread inside it at
// the fork, the child would block on that lock, which the wall-time limit below ends.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <new>
#include <string>

#include "spikepipe/workloads/hdf5_isolated.h"

// Sanitizer runtimes (ASan builds, the fuzz targets) register a death callback that must not run
// in the child (libFuzzer's would save the input as a crash of the fuzzer itself). Weak: absent
// from ordinary builds.
extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace spikepipe::h5 {

namespace {

constexpr char kTree = 'T', kError = 'E', kFailure = 'F';

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(2);  // the parent is gone
    done += size_t(n);
  }
}

uint64_t address_space_in_use() {
  unsigned long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return uint64_t(pages) * uint64_t(::sysconf(_SC_PAGESIZE));
}

void lower_limit(int resource, uint64_t soft, uint64_t hard) {
  rlimit old{};
  if (::getrlimit(resource, &old) != 0) return;
  rlimit lim{};
  lim.rlim_cur = old.rlim_cur == RLIM_INFINITY || old.rlim_cur > soft ? soft : old.rlim_cur;
  lim.rlim_max = old.rlim_max == RLIM_INFINITY || old.rlim_max > hard ? hard : old.rlim_max;
  if (lim.rlim_cur > lim.rlim_max) lim.rlim_cur = lim.rlim_max;
  ::setrlimit(resource, &lim);
}

// In the child, before any HDF5 call: it dies by the signal that ends it (not by the parent's
// handlers, which remove the parent's staging directories), ends with its parent, and is bounded.
void child_setup(uint64_t extra_bytes) {
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGXCPU}) {
    struct sigaction old {};
    ::sigaction(s, nullptr, &old);
    if (old.sa_handler == SIG_IGN && (s == SIGINT || s == SIGHUP)) continue;  // nohup, & stay
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(s, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(nullptr);
  const uint64_t as = address_space_in_use() + extra_bytes;
  lower_limit(RLIMIT_AS, as, as);
  lower_limit(RLIMIT_CPU, kChildCpuSeconds, kChildCpuSeconds + 5);
  lower_limit(RLIMIT_CORE, 0, 0);  // a crash of libhdf5 is expected here: no core files
}

std::string failure(const std::string& name, const std::string& why) {
  return name + ": not a readable NIR/HDF5 file: the HDF5 library failed on it (" + why + ")";
}

std::string status_text(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string s = "signal " + std::to_string(sig) + ", " + strsignal(sig);
    if (sig == SIGXCPU || sig == SIGKILL)
      s += "; the limit is " + std::to_string(kChildCpuSeconds) + " s of CPU time";
    return s;
  }
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

Group run_isolated(const std::string& name, uint64_t extra_bytes, const std::function<Group()>& walk) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    fail(name, std::string("cannot start the HDF5 reader: pipe: ") + std::strerror(errno));
  std::fflush(nullptr);  // nothing buffered is written twice (the child ends with _exit anyway)
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    fail(name, std::string("cannot start the HDF5 reader: fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_setup(extra_bytes);
    std::string answer;
    try {
      answer = kTree + encode(walk());
    } catch (const Error& e) {
      answer = kError + std::string(e.what());
    } catch (const std::bad_alloc&) {
      answer = kFailure + std::string("more than ") + std::to_string(extra_bytes >> 20) +
               " MiB of memory";
    } catch (const std::exception& e) {
      answer = kFailure + std::string(e.what());
    } catch (...) {
      answer = kFailure + std::string("an unknown exception");
    }
    write_all(fds[1], answer);
    _exit(0);
  }
  ::close(fds[1]);
  std::string answer;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kChildWallSeconds);
  char buf[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int r = ::poll(&p, 1, int(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;  // the deadline check above ends it
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, size_t(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw LibraryFailure(failure(name, "no answer in " + std::to_string(kChildWallSeconds) + " s"));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw LibraryFailure(failure(name, status_text(status)));
  if (answer.empty()) throw LibraryFailure(failure(name, "no answer"));
  const std::string body = answer.substr(1);
  if (answer[0] == kError) throw Error(body);
  if (answer[0] == kFailure) throw LibraryFailure(failure(name, body));
  if (answer[0] != kTree) throw LibraryFailure(failure(name, "a malformed answer"));
  try {
    return decode(body);
  } catch (const Error& e) {
    throw LibraryFailure(failure(name, e.what()));
  }
}

Group read_file_isolated(const std::string& path, const std::vector<std::string>& shape_only,
                         uint64_t max_values) {
  return run_isolated(path, kChildExtraAddressSpace,
                      [&] { return read_file(path, shape_only, max_values); });
}

Group read_image_isolated(const void* data, size_t size, const std::string& name,
                          const std::vector<std::string>& shape_only, uint64_t max_values) {
  // The core driver holds a copy of the image, and may grow it once.
  return run_isolated(name, kChildExtraAddressSpace + 2 * uint64_t(size),
                      [&] { return read_image(data, size, name, shape_only, max_values); });
}

}  // namespace spikepipe::h5

// Interrupt handling for the commands: see interrupts.h. Everything the handler touches is a
// fixed-size static array of atomics and characters, filled in outside the handler.
#include "spikepipe/platform/interrupts.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace spikepipe::interrupts {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr const char* kParentEnv = "SPIKEPIPE_PARENT_PID";

constexpr int kDirSlots = 32;
constexpr size_t kPathMax = 4096;
struct DirSlot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 registered
  char path[kPathMax];
};
DirSlot g_dirs[kDirSlots];

// `sweep -j` allows 1024 children at once.
constexpr int kChildSlots = 1100;
std::atomic<pid_t> g_children[kChildSlots];

std::atomic<int> g_signal{0};
std::atomic<int> g_cooperative{0};
std::atomic<bool> g_installed{false};

// The handler may run on a SystemC coroutine's small stack: it gets its own (main thread).
alignas(16) char g_alt_stack[256 * 1024];

void block_set(sigset_t* set) {
  sigemptyset(set);
  for (int s : kSignals) sigaddset(set, s);
}

// ---- async-signal-safe from here to on_signal ----

struct Dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

bool dot(const char* n) { return n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0)); }

// Removes NAME in the directory PARENT and, if it is a directory, everything in it; never follows
// a symbolic link. A few passes, since entries removed while reading may shift the listing.
void remove_entry(int parent, const char* name, int depth) {
  if (::unlinkat(parent, name, 0) == 0 || errno == ENOENT) return;
  if (depth > 16) return;
  for (int pass = 0; pass < 3; ++pass) {
    const int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    alignas(8) char buf[2048];
    for (long n; (n = ::syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0;) {
      for (long off = 0; off < n;) {
        const auto* d = reinterpret_cast<const Dirent64*>(buf + off);
        off += d->d_reclen;
        if (!dot(d->d_name)) remove_entry(fd, d->d_name, depth + 1);
      }
    }
    ::close(fd);
    if (::unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno != ENOTEMPTY) return;
  }
}

void forward(int sig) {
  for (auto& c : g_children) {
    const pid_t pid = c.load();
    if (pid > 0) ::kill(pid, sig);
  }
}

void sleep_ms(long ms) {
  timespec t{0, ms * 1000000L};
  ::nanosleep(&t, nullptr);
}

// Waits for every registered child: 5 s after the forwarded signal, then SIGKILL.
void reap() {
  int waited_ms = 0;
  for (auto& c : g_children) {
    const pid_t pid = c.load();
    if (pid <= 0) continue;
    int status = 0;
    for (;;) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno != EINTR)) break;
      if (waited_ms >= 5000) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      sleep_ms(10);
      waited_ms += 10;
    }
    c.store(0);
  }
}

[[noreturn]] void die(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::raise(sig);  // pending while blocked (inside the handler), delivered by the unblock
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::_exit(128 + sig);  // not reached: the default action of these signals ends the process
}

void end_now(int sig) {
  forward(sig);
  reap();
  for (auto& d : g_dirs) {
    if (d.state.load() == 2) remove_entry(AT_FDCWD, d.path, 0);
  }
  die(sig);
}

void on_signal(int sig) {
  const int saved_errno = errno;
  int none = 0;
  if (g_cooperative.load() > 0 && g_signal.compare_exchange_strong(none, sig)) {
    forward(sig);
    errno = saved_errno;
    return;
  }
  none = 0;
  g_signal.compare_exchange_strong(none, sig);
  end_now(sig);
}

// ---- end of async-signal-safe code ----

}  // namespace

void install() {
  if (g_installed.exchange(true)) return;
  stack_t ss{};
  ss.ss_sp = g_alt_stack;
  ss.ss_size = sizeof g_alt_stack;
  ::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  block_set(&sa.sa_mask);  // one handler at a time
  sa.sa_flags = SA_RESTART | SA_ONSTACK;
  for (int s : kSignals) {
    struct sigaction old {};
    ::sigaction(s, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;  // nohup, or `&` in a script: stays ignored
    ::sigaction(s, &sa, nullptr);
  }
  // Started by spawn(): end with the parent (a sweep or compare killed by SIGKILL, too).
  if (const char* p = std::getenv(kParentEnv)) {
    const long parent = std::strtol(p, nullptr, 10);
    ::unsetenv(kParentEnv);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (parent > 0 && ::getppid() != parent) ::raise(SIGTERM);  // already gone
  }
}

int add_dir(const std::filesystem::path& dir) {
  const std::string s = dir.string();
  if (s.empty() || s.size() >= kPathMax) return -1;
  for (int i = 0; i < kDirSlots; ++i) {
    int expected = 0;
    if (!g_dirs[i].state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_dirs[i].path, s.c_str(), s.size() + 1);
    g_dirs[i].state.store(2);
    return i;
  }
  return -1;
}

void remove_dir(int slot) {
  if (slot >= 0 && slot < kDirSlots) g_dirs[slot].state.store(0);
}

int received() { return g_signal.load(); }

void reraise(int sig) {
  sigset_t set;
  block_set(&set);
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  die(sig);
}

Cooperative::Cooperative() { g_cooperative.fetch_add(1); }
Cooperative::~Cooperative() { g_cooperative.fetch_sub(1); }

Deferred::Deferred() {
  sigset_t set;
  block_set(&set);
  ::pthread_sigmask(SIG_BLOCK, &set, &saved_);
}
Deferred::~Deferred() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

int spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* file_actions,
          char* const argv[]) {
  // The environment, with this process as the parent to end with.
  const std::string prefix = std::string(kParentEnv) + "=";
  std::vector<std::string> env_s;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, prefix.c_str(), prefix.size()) != 0) env_s.emplace_back(*e);
  }
  env_s.push_back(prefix + std::to_string(::getpid()));
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int rc = 0;
  {
    Deferred quiet;  // no interrupt between the spawn and the registration in this thread
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &quiet.saved_);  // the child does not inherit the block
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    rc = ::posix_spawn(pid, path, file_actions, &attr, argv, envp.data());
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return rc;
    for (auto& c : g_children) {
      pid_t expected = 0;
      if (c.compare_exchange_strong(expected, *pid)) break;
    }
  }
  // A cooperative interrupt handled by another thread just before the registration.
  if (const int sig = received()) ::kill(*pid, sig);
  return 0;
}

pid_t wait_child(pid_t pid, int* status) {
  pid_t r;
  while ((r = ::waitpid(pid, status, 0)) < 0 && errno == EINTR) {
  }
  for (auto& c : g_children) {
    pid_t expected = pid;
    if (c.compare_exchange_strong(expected, 0)) break;
  }
  return r;
}

}  // namespace spikepipe::interrupts

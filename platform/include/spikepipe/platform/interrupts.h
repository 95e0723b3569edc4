#pragma once
// What happens when a command is interrupted (SIGINT, SIGTERM, SIGHUP): nothing of its own is
// left behind, and no child process outlives it.
//
// - Staging directories (OutputDir) are registered here; an interrupt removes them.
// - Child processes (the `spikepipe run` of a sweep or compare) are registered here; an
//   interrupt forwards the signal to them and waits for them (SIGKILL after 5 s).
// - Then the signal is raised again with its default action, so the exit status says
//   "killed by SIGTERM" to the shell, to ctest and to a parent sweep.
//
// A command that can stop cleanly on its own (a sweep: it finishes its bookkeeping so that the
// same command resumes) asks for that with a Cooperative guard: the first signal is forwarded to
// the children and recorded (received()), the command winds down and calls reraise(); a second
// signal ends the process at once as above.
//
// The handler uses only async-signal-safe calls (no allocation, no stdio): directory removal is
// openat/getdents64/unlinkat on paths copied into fixed slots at registration.
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

#include <filesystem>

namespace spikepipe::interrupts {

// Installs the handler for SIGINT, SIGTERM and SIGHUP (once per process; later calls do
// nothing). Commands call it; a library user that wants other handling simply does not.
// A process started by spawn() below also ends (SIGTERM) when its parent dies, even by SIGKILL.
void install();

// Registration of a directory to remove on interrupt. Paths are absolute; at most 32 at once
// (beyond that, a directory is simply not removed on interrupt, never a crash).
int add_dir(const std::filesystem::path& dir);  // returns a slot, or -1
void remove_dir(int slot);

// The signal received by a Cooperative command, or 0.
int received();

// Ends the process by SIG with its default action (after the command's own clean-up).
[[noreturn]] void reraise(int sig);

// While one lives, the first interrupt is recorded and forwarded instead of ending the process.
class Cooperative {
 public:
  Cooperative();
  ~Cooperative();
  Cooperative(const Cooperative&) = delete;
  Cooperative& operator=(const Cooperative&) = delete;
};

// While one lives, SIGINT/SIGTERM/SIGHUP wait (in this thread) until it ends: for the few
// renames that swap an output into place, so that no interrupt lands between them.
class Deferred {
 public:
  Deferred();
  ~Deferred();
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;

 private:
  friend int spawn(pid_t*, const char*, const posix_spawn_file_actions_t*, char* const[]);
  sigset_t saved_;  // the thread's mask before
};

// posix_spawn of PATH with ARGV, stdin/stdout/stderr as FILE_ACTIONS say, registered as a child
// before any interrupt can be handled; the child starts with default signal handling and learns
// its parent's pid (so that it ends with it). Returns posix_spawn's error code.
// Call wait_child() to reap it.
int spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* file_actions,
          char* const argv[]);
// waitpid (retried on EINTR) and deregistration. Returns waitpid's result.
pid_t wait_child(pid_t pid, int* status);

}  // namespace spikepipe::interrupts

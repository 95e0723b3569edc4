// SystemC's coroutines under AddressSanitizer.
//
// Debian's SystemC 2.3.4 (QuickThreads) tells ASan about each coroutine switch through weak
// references to __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber, but it names the
// main coroutine's stack as address 0, size 0 (the main coroutine owns no stack of its own). From
// the first switch back to the main stack on, ASan then believes the main stack is empty: a throw
// on it no longer unpoisons the frames it unwinds ("ASan is ignoring requested
// __asan_handle_no_return"), and the stale poison later shows as a false stack-buffer-overflow
// whose report can hang. A thread that ends (QuickThreads' abort) switches without telling ASan at
// all, so when the kernel returns ASan may still think it runs on that thread's stack.
//
// In an ASan build this file therefore (1) substitutes the real main-thread stack when SystemC
// names the empty one (gcc only: its ASan runtime is a shared library, so the definition below
// comes first for libsystemc; clang links its runtime into the program, where a second definition
// would clash) and (2) re-announces the main stack once sc_start() returns.
#include "spikepipe/models/sc_run.h"

#if defined(__SANITIZE_ADDRESS__)
#define SPIKEPIPE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPIKEPIPE_ASAN 1
#endif
#endif

#ifdef SPIKEPIPE_ASAN
#include <dlfcn.h>
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#endif

namespace spikepipe {

#ifdef SPIKEPIPE_ASAN
namespace {

struct Stack {
  const void* bottom = nullptr;  // lowest address
  size_t size = 0;
};

// The calling thread's stack as glibc reports it (for the main thread: from the stack mapping and
// its size limit, as ASan itself computes it at start-up).
Stack thread_stack() {
  Stack s;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
      s.bottom = addr;
      s.size = size;
    }
    pthread_attr_destroy(&attr);
  }
  return s;
}

// The stack the kernel runs on. Taken at first use, which is on that stack: the first switch of a
// run goes from the main coroutine to a thread, or run_systemc() returns without any switch.
const Stack& main_stack() {
  static const Stack s = thread_stack();
  return s;
}

// Tells ASan that the code now runs on the main stack (a switch from it to itself).
void announce_main_stack() {
  const Stack& m = main_stack();
  if (m.bottom == nullptr) return;
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, m.bottom, m.size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
}

}  // namespace
#endif

void run_systemc() {
  sc_core::sc_start();
#ifdef SPIKEPIPE_ASAN
  announce_main_stack();
#endif
}

void run_systemc(const sc_core::sc_time& duration) {
  sc_core::sc_start(duration);
#ifdef SPIKEPIPE_ASAN
  announce_main_stack();
#endif
}

void keep_until_exit([[maybe_unused]] const void* object) {
#ifdef SPIKEPIPE_ASAN
  __lsan_ignore_object(object);
#endif
}

}  // namespace spikepipe

#if defined(SPIKEPIPE_ASAN) && !defined(__clang__)
// Called by libsystemc before every coroutine switch (and by announce_main_stack()); forwards to
// the ASan runtime with the main stack in place of SystemC's empty one.
extern "C" void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom,
                                               size_t size) {
  using Start = void (*)(void**, const void*, size_t);
  static const Start next =
      reinterpret_cast<Start>(dlsym(RTLD_NEXT, "__sanitizer_start_switch_fiber"));
  if (next == nullptr) {
    std::fputs("spikepipe: no ASan runtime after the program for __sanitizer_start_switch_fiber\n",
               stderr);
    std::abort();
  }
  const spikepipe::Stack& m = spikepipe::main_stack();
  if (bottom == nullptr && size == 0) {
    bottom = m.bottom;
    size = m.size;
  }
  next(fake_stack_save, bottom, size);
}
#endif

#pragma once
// Our own main(): silence the SystemC banner (it would pollute --help, CSV on stdout and test
// discovery), then enter SystemC's normal start-up, which calls sc_main(). Include in exactly one
// translation unit of an executable.
#include <cstdlib>
#include <systemc>

#if defined(__SANITIZE_ADDRESS__)
#include <unistd.h>

#include <cstdio>
#include <string>

// The sanitizer build (scripts/sanitize.sh, docs/RELIABILITY.md): UBSan runs beside ASan there and
// prints its reports on stderr only (log_path is ASan's), so a finding in a program whose non-zero
// exit a test expects would go unseen. UBSan calls this hook on every report; with
// SPIKEPIPE_UBSAN_LOG=PREFIX set, the report is also appended to PREFIX.<pid>.
extern "C" __attribute__((weak)) void __ubsan_get_current_report_data(
    const char** kind, const char** message, const char** file, unsigned* line, unsigned* column,
    char** address);

extern "C" void __ubsan_on_report() {
  const char* prefix = std::getenv("SPIKEPIPE_UBSAN_LOG");
  if (prefix == nullptr || __ubsan_get_current_report_data == nullptr) return;
  const char *kind = "", *message = "", *file = "";
  unsigned line = 0, column = 0;
  char* address = nullptr;
  __ubsan_get_current_report_data(&kind, &message, &file, &line, &column, &address);
  const std::string path = std::string(prefix) + "." + std::to_string(::getpid());
  if (std::FILE* f = std::fopen(path.c_str(), "a")) {
    std::fprintf(f, "UndefinedBehaviorSanitizer: %s: %s at %s:%u:%u\n", kind, message,
                 file ? file : "?", line, column);
    std::fclose(f);
  }
}
#endif

int main(int argc, char* argv[]) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

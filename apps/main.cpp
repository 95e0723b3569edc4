// spikepipe: thin front end. Parses the subcommand and hands over; errors end here, one line each.
#include <cstdlib>
#include <iostream>
#include <systemc>

#include "spikepipe/cli/cli.h"
#include "spikepipe/platform/sc_entry.h"
#include "spikepipe/core/error.h"

namespace {

void usage(std::ostream& os) {
  os << "usage: spikepipe <command> [options]\n"
        "       spikepipe <command> --help\n"
        "       spikepipe --version\n\n"
        "SpikePipe-SC: a SystemC TLM-2.0 simulator of pipelined SNN training on systolic arrays.\n\n"
        "commands:\n";
  for (const auto& c : spikepipe::cli::commands()) {
    os << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
  }
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    usage(std::cerr);
    return 2;
  }
  const std::string cmd = args.front();
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(std::cout);
    return 0;
  }
  if (cmd == "--version") {
    std::cout << "spikepipe " << SPIKEPIPE_VERSION_STRING << " (SystemC " << sc_core::sc_release()
              << ")\n";
    return 0;
  }
  for (const auto& c : spikepipe::cli::commands()) {
    if (cmd != c.name) continue;
    try {
      return c.run({args.begin() + 1, args.end()});
    } catch (const spikepipe::Error& e) {
      std::cerr << "spikepipe " << cmd << ": error: " << e.what() << "\n";
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "spikepipe " << cmd << ": internal error: " << e.what() << "\n";
      return 3;
    }
  }
  std::cerr << "spikepipe: unknown command '" << cmd << "' (allowed: ";
  const char* sep = "";
  for (const auto& c : spikepipe::cli::commands()) {
    std::cerr << sep << c.name;
    sep = ", ";
  }
  std::cerr << ")\n";
  return 2;
}

#pragma once
// The spikepipe subcommands. Each lives in its own platform/src/cli_<name>.cpp; main() only
// dispatches. A command takes the arguments after its name and returns the exit code; bad input
// is reported by throwing spikepipe::Error.
#include <string>
#include <vector>

namespace spikepipe::cli {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};

const std::vector<Command>& commands();

int layers(const Args& args);
int schedule(const Args& args);
int run(const Args& args);
int compare(const Args& args);
int sweep(const Args& args);
int noc(const Args& args);
int export_network(const Args& args);
int train_cmd(const Args& args);  // cli_train.cpp

}  // namespace spikepipe::cli

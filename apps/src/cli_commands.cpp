#include "spikepipe/cli/cli.h"

namespace spikepipe::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "simulate one schedule on a platform; print the summary, write traces", run},
      {"compare", "run every scheduler on the same network and platform; one table", compare},
      {"layers", "per-task cost report of a network on the systolic array", layers},
      {"schedule", "build a schedule and print its summary (or --json)", schedule},
      {"sweep", "run the Cartesian product of parameter values; sweep.csv/json", sweep},
      {"noc", "the NoC alone: synthetic traffic (latency vs throughput) or --replay of a run", noc},
      {"export", "write a network as NIR (--nir FILE), the format SNN libraries exchange", export_network},
      {"train", "train the network with a schedule's gradient delays; accuracy, time to accuracy", train_cmd},
  };
  return table;
}

}  // namespace spikepipe::cli

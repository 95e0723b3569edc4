// Loads the mnist-fc preset, builds its task graph and a spikepipe schedule on 4 processors, and
// prints the schedule's predicted steady-state period: the smallest use of the installed library.
#include <cstdlib>
#include <iostream>

#include "spikepipe/platform/options.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

int main() {
  // The presets are found through SPIKEPIPE_DATA_DIR unless the program sits in <prefix>/bin.
  setenv("SPIKEPIPE_DATA_DIR", SPIKEPIPE_PRESETS, /*overwrite=*/0);
  try {
    const spikepipe::Network net = spikepipe::load_network("mnist-fc");
    const spikepipe::ArrayParams array;  // 32x32 output-stationary
    const spikepipe::TaskGraph graph = spikepipe::build_task_graph(net, array);
    spikepipe::SchedulerOptions opt;
    opt.processors = 4;
    const spikepipe::Schedule s = spikepipe::make_schedule("spikepipe", graph, opt);
    std::cout << net.name << ": " << net.layers.size() << " layers; spikepipe on " << opt.processors
              << " processors: period " << s.predicted_period << " cycles (lower bound "
              << s.lower_bound << ")\n";
    std::cout << "platform presets:";
    for (const auto& p : spikepipe::cli::platform_presets()) std::cout << ' ' << p;
    std::cout << "\n";
  } catch (const std::exception& e) {
    std::cerr << "spikepipe-consumer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// The smallest use of the installed libraries, without the command line: a platform from a
// shipped preset plus an override, the mnist-fc task graph on its array, a spikepipe schedule
// for it, and one SystemC simulation of that schedule.
#include <cstdlib>
#include <iostream>

#include "spikepipe/models/probe.h"
#include "spikepipe/platform/config.h"
#include "spikepipe/platform/sc_entry.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

int sc_main(int, char*[]) {
  // The presets are found through SPIKEPIPE_DATA_DIR unless the program sits in <prefix>/bin.
  setenv("SPIKEPIPE_DATA_DIR", SPIKEPIPE_PRESETS, /*overwrite=*/0);
  try {
    const spikepipe::PlatformParams platform =
        spikepipe::load_platform("mesh4", {{"sram-bytes", "1073741824", "consumer: sram-bytes"}});
    const spikepipe::Network net = spikepipe::load_network("mnist-fc");
    const spikepipe::TaskGraph graph = spikepipe::build_task_graph(net, platform.processor.array);
    const auto opt = spikepipe::SchedulerOptions::for_platform(platform);
    const spikepipe::Schedule s = spikepipe::make_schedule("spikepipe", graph, opt);
    spikepipe::NullProbe probe;
    spikepipe::SimOptions sim;
    sim.iterations = 16;
    const spikepipe::SimResult r = spikepipe::simulate(platform, s, sim, probe);
    const double period = double(r.iteration_end[15] - r.iteration_end[7]) / 8.0;
    std::cout << net.name << " on " << platform.name << " (" << platform.processors
              << " processors): spikepipe predicts a period of " << s.predicted_period
              << " cycles, simulated " << period << " (lower bound " << s.lower_bound << ")\n";
    std::cout << "platform presets:";
    for (const auto& p : spikepipe::platform_presets()) std::cout << ' ' << p;
    std::cout << "\n";
  } catch (const std::exception& e) {
    std::cerr << "spikepipe-consumer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

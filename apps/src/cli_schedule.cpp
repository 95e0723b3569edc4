// spikepipe schedule: build one schedule and print its summary, or the whole schedule as JSON
// (docs/SCHEDULE_FORMAT.md). No SystemC is involved: the figures are the scheduler's prediction.
#include <iostream>

#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::cli {

int schedule(const Args& args) {
  po::options_description desc;
  desc.add(network_options()).add(platform_options()).add(scheduler_options());
  desc.add_options()("json", po::bool_switch(), "print the whole schedule as JSON instead of the summary")(
      "list", po::bool_switch(),
      "list the schedulers, one per line: name, tab, the flags that select it (a -split variant "
      "for each that can cut tasks), tab, description; for scripts");
  const auto vm = parse(args, desc,
                        "schedule --network NAME|FILE --processors P --scheduler S [--split] "
                        "[--micro-batches m] [--json]");
  if (!vm) return 0;
  if ((*vm)["list"].as<bool>()) {
    for (const SchedulerEntry& e : schedulers()) {
      std::cout << e.name << "\t--scheduler " << e.name << "\t" << e.description << "\n";
      if (e.splits)
        std::cout << e.name << "-split\t--scheduler " << e.name << " --split\t" << e.description
                  << ", tasks cut over processors\n";
    }
    return 0;
  }
  const Network net = network_from(*vm);
  const PlatformParams platform = platform_from(*vm);
  check_applicable(*vm, (*vm)["scheduler"].as<std::string>());
  const SchedulerOptions opts = scheduler_options_from(*vm, platform);
  const TaskGraph graph = build_task_graph(net, platform.processor.array);
  const Schedule s = make_schedule((*vm)["scheduler"].as<std::string>(), graph, opts);
  validate_schedule(s, graph);
  if ((*vm)["json"].as<bool>()) {
    nlohmann::json j = schedule_to_json(s);
    j["network"] = graph.network;
    std::cout << j.dump(1) << "\n";
  } else {
    std::cout << schedule_summary(s, graph);
    if (const std::string w = sram_warning(s, platform.processor.sram_bytes); !w.empty())
    std::cout << "warning: " << w << "\n";
  }
  return 0;
}

}  // namespace spikepipe::cli

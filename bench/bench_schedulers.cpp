// Scheduling time of every scheduler on every shipped network for P = 64 (the issue asks for
// under a second each). The task graph is built once outside the timed loop.
#include <benchmark/benchmark.h>

#include <string>

#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace {

void schedule(benchmark::State& state, const std::string& network, const std::string& scheduler,
              bool split) {
  const spikepipe::TaskGraph g =
      spikepipe::build_task_graph(spikepipe::load_network(network), spikepipe::ArrayParams{});
  spikepipe::SchedulerOptions o;
  o.processors = 64;
  o.split = split;
  o.comm.mean_hops = 5.33;  // mean hops between distinct nodes of an 8x8 mesh
  spikepipe::Cycles period = 0;
  for (auto _ : state) {
    const spikepipe::Schedule s = spikepipe::make_schedule(scheduler, g, o);
    period = s.predicted_period;
    benchmark::DoNotOptimize(period);
  }
  state.counters["period_cycles"] = double(period);
}

void register_all() {
  // Every scheduler of the registry, and its --split variant when it has one.
  for (const char* net : {"mnist-fc", "fmnist-conv", "cifar10-vgg"})
    for (const auto& e : spikepipe::schedulers())
      for (const bool split : {false, true}) {
        if (split && !e.splits) continue;
        const std::string s = e.name, n = net;
        const std::string name =
            std::string("schedule/") + net + "/" + s + (split ? "-split" : "") + "/P64";
        benchmark::RegisterBenchmark(name.c_str(),
                                     [=](benchmark::State& st) { schedule(st, n, s, split); })
            ->Unit(benchmark::kMillisecond);
      }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// The lower bound (workloads/analysis.h lower_bound) on the shipped networks and presets: every
// scheduler reports the same figure for one network and platform, and no simulated period is
// below it (a few short SystemC runs of every scheduler on mnist-fc, as shipped: spills, link
// contention and several DRAM channels included).
#include <gtest/gtest.h>

#include <cstdio>

#include "spikepipe/platform/config.h"
#include "spikepipe/platform/metrics.h"
#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/scheduler.h"
#include "support/measured_run.h"
#include "support/sc_fixture.h"

namespace spikepipe {
namespace {

TEST(LowerBoundShipped, IsTheSameForEverySchedulerOnEachNetworkAndPreset) {
  for (const char* preset : {"mesh4", "mesh8"}) {
    const PlatformParams p = load_platform(preset);
    for (const char* net : {"mnist-fc", "fmnist-conv", "cifar10-vgg"}) {
      const TaskGraph g = build_task_graph(load_network(net), p.processor.array);
      SchedulerOptions o = SchedulerOptions::for_platform(p);
      const Cycles lb = lower_bound(g, o);
      for (const auto& [name, split] : test::scheduler_variants()) {
        o.split = split;
        const Schedule s = make_schedule(name, g, o);
        EXPECT_EQ(s.lower_bound, lb) << preset << " " << net << " " << name << (split ? " --split" : "");
        EXPECT_GE(s.predicted_period, lb) << preset << " " << net << " " << name;
      }
    }
  }
}

class LowerBoundSimulated : public SystemCTest,
                            public ::testing::WithParamInterface<std::pair<std::string, bool>> {};

TEST_P(LowerBoundSimulated, NoSimulatedPeriodIsBelowIt) {
  const auto& [name, split] = GetParam();
  const test::MeasuredRun run = test::measure_run("mesh4", "mnist-fc", name, split, 6);
  const Schedule& s = run.schedule;
  const Metrics& m = run.metrics;
  const double period = m.period_cycles;
  std::printf("%s%s: simulated %.0f, lower bound %llu, own bound %llu\n", name.c_str(),
              split ? " --split" : "", period, static_cast<unsigned long long>(s.lower_bound),
              static_cast<unsigned long long>(s.schedule_bound));
  EXPECT_GE(period, double(s.lower_bound));
}

INSTANTIATE_TEST_SUITE_P(MnistFcMesh4, LowerBoundSimulated, ::testing::ValuesIn(test::scheduler_variants()),
                         test::variant_name);

}  // namespace
}  // namespace spikepipe

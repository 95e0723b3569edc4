// Invariants of every scheduler on every shipped network for P = 1..16: each task runs exactly
// once per iteration (validate_schedule), every dependency is respected (the list simulation
// completes without deadlock, inside finalize_schedule), predicted period >= lower bound (the
// same for every scheduler), and spikepipe (with and without --split) is never slower than
// standard pipelining, its starting point (it is not bound to beat the other baselines).
#include <gtest/gtest.h>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe {
namespace {

class SchedInvariants : public ::testing::TestWithParam<std::string> {};

void check_invariants(const std::string& net, const TaskGraph& g,
                      const std::vector<uint32_t>& processors) {
  for (uint32_t P : processors) {
    SchedulerOptions o;
    o.processors = P;
    o.comm.mean_hops = P > 1 ? 1.5 : 0.0;
    Cycles standard = 0, lower = 0;
    std::vector<std::string> names;
    for (const SchedulerEntry& e : schedulers()) {
      names.push_back(e.name);
      if (e.splits) names.push_back(std::string(e.name) + " --split");
    }
    for (const std::string& name : names) {
      SCOPED_TRACE(net + " P=" + std::to_string(P) + " " + name);
      o.split = name.find(" --split") != std::string::npos;
      const Schedule s = make_schedule(name.substr(0, name.find(' ')), g, o);
      if (!lower) lower = s.lower_bound;
      EXPECT_EQ(s.lower_bound, lower);
      ASSERT_NO_THROW(validate_schedule(s, g));
      EXPECT_GT(s.predicted_period, 0u);
      EXPECT_GE(s.predicted_period, s.lower_bound);
      EXPECT_GE(s.predicted_latency, s.ops.empty() ? 0 : 1);
      EXPECT_EQ(s.loads.size(), P);
      for (Cycles l : s.loads) EXPECT_LE(l, s.predicted_period);
      if (name == "standard") standard = s.predicted_period;
      if (s.scheduler == "spikepipe") {
        EXPECT_LE(s.predicted_period, standard);
      }
      if (s.scheduler == "sequential" || s.scheduler == "gpipe" ||
          s.scheduler == "data-parallel") {
        for (uint32_t d : s.delays) EXPECT_EQ(d, 0u);
      }
    }
  }
}

TEST_P(SchedInvariants, HoldForOneToSixteenProcessors) {
  const TaskGraph g = build_task_graph(load_network(GetParam()), ArrayParams{});
  std::vector<uint32_t> ps;
  for (uint32_t P = 1; P <= 16; ++P) ps.push_back(P);
  check_invariants(GetParam(), g, ps);
}

// The deep preset (VGG-16 for CIFAR-10, 16 layers): every scheduler, a few machine sizes.
TEST(SchedInvariantsDeep, Cifar10Vgg16) {
  const TaskGraph g = build_task_graph(load_network("cifar10-vgg16"), ArrayParams{});
  EXPECT_EQ(g.layers, 16u);
  check_invariants("cifar10-vgg16", g, {1, 2, 5, 8, 16, 64});
}

INSTANTIATE_TEST_SUITE_P(Shipped, SchedInvariants,
                         ::testing::Values("mnist-fc", "fmnist-conv", "cifar10-vgg"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace spikepipe

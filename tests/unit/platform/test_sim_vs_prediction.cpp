// The planner sees the machine that runs (core/comm_model.h, --memory): on the shipped mnist-fc
// and the mesh4 preset as shipped (4 MiB SRAM), every scheduler's simulated steady-state period
// (as `spikepipe run` measures it) is within 10% of its predicted period. Before the planner
// knew real hops, link and DRAM-channel sharing and planned its SRAM, `spikepipe --split` here
// ran 1.25x over its prediction (it spilled unplanned).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <ostream>

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

class SimVsPrediction : public SystemCTest,
                        public ::testing::WithParamInterface<std::pair<std::string, bool>> {};

TEST_P(SimVsPrediction, MnistFcMesh4WithinTenPercent) {
  const auto& [name, split] = GetParam();
  const test::MeasuredRun run = test::measure_run("mesh4", "mnist-fc", name, split, 0);
  const Schedule& s = run.schedule;
  const Metrics& m = run.metrics;
  const double ratio = run.sim_over_predicted();
  std::printf("%s%s: simulated %.0f, predicted %llu, sim/pred %.4f\n", name.c_str(),
              split ? " --split" : "", m.period_cycles,
              static_cast<unsigned long long>(s.predicted_period), ratio);
  EXPECT_GT(ratio, 0.90);
  EXPECT_LT(ratio, 1.10);
}

// A collective whose last src also sends point-to-point messages starts when that src ends, not
// after its injections (which keep the processor busy): the collective's members were once
// issued at a time before the current one, which wrapped to ~1.8e16 cycles, so every later DRAM
// access of the run fell outside it and the period came out 32% below the prediction. fmnist-conv
// with --split on mesh4 has such ops (cut by samples, gathered whole by the next layer's parts).
TEST_F(SimVsPrediction, CollectiveAfterPointToPointSendsOnFmnistSplit) {
  const test::MeasuredRun run = test::measure_run("mesh4", "fmnist-conv", "spikepipe", true, 4);
  ASSERT_FALSE(run.schedule.collectives.empty());
  EXPECT_GT(run.metrics.dram_bytes, 0u);  // F1's input and the planned spills, every iteration
  uint64_t late = 0;  // posted writes may drain after the last op, but not by the run's length
  for (const auto& a : run.log.memory) late += a.start > 2 * run.sim.end_time;
  EXPECT_EQ(late, 0u) << "DRAM accesses issued long after the run ended";
  EXPECT_GT(run.sim_over_predicted(), 0.85);
  EXPECT_LT(run.sim_over_predicted(), 1.15);
}

// A planned spill is timed alike by the planner and the simulator: one processor (on the memory
// controller's node of a 3x1 mesh), F (1000 cycles) -> D (1000 cycles, two rounds behind) with a
// 25,600-byte stash, SRAM 60,000 bytes. --memory spill writes 6,720 bytes of each stash to DRAM
// (posted by F) and reads them back before D; the read waits for F's write, which crosses the NoC
// to the controller first (the channels serve in call order). The machine replay predicts the
// run to the cycle: 2000 + 650.
class PlannedSpill : public SystemCTest {};

TEST_F(PlannedSpill, SimulatedPeriodIsThePredictedOne) {
  PlatformParams p;
  p.processors = 3;
  p.noc.cols = 3;
  p.noc.rows = 1;
  p.memory.channels = 2;
  p.memory.controller_nodes = {0};
  p.processor.sram_bytes = 60000;
  Schedule s;
  s.scheduler = "hand";
  s.processors = 3;
  Op f;
  f.id = OpId(0);
  f.task = TaskId(0);
  f.kind = TaskKind::F;
  f.proc = ProcessorId(0);
  f.vector_cycles = 1000;
  Op d = f;
  d.id = OpId(1);
  d.task = TaskId(1);
  d.kind = TaskKind::D;
  d.offset = 2;
  s.ops = {f, d};
  s.programs = {{OpId(0), OpId(1)}, {}, {}};
  s.deps = {Dep{OpId(0), OpId(1), 0, TensorKind::Stash, 25600}};
  s.delays = {0};
  SchedulerOptions o = SchedulerOptions::for_platform(p);
  o.memory = MemoryMode::Spill;
  const Schedule planned = plan_memory(s, TaskGraph{}, o, nullptr);
  ASSERT_EQ(planned.deps[0].spill_bytes, 6720u);
  EXPECT_EQ(planned.predicted_period, 2650u);
  SimOptions opt;
  opt.iterations = 16;
  EventLog log;
  const SimResult r = simulate(p, planned, opt, log);
  // Steady state: every completion interval after the fill is one period, 2650 cycles (the
  // first-order terms say 2653: they round the write's channel part to its larger share, where
  // the read's first bytes leave the other channel 3 cycles sooner).
  for (uint32_t k = 6; k + 3 < opt.iterations; ++k) {
    const Cycles interval = r.iteration_end[k + 1] - r.iteration_end[k];
    EXPECT_EQ(interval, 2650u) << k;
    EXPECT_EQ(planned.predicted_period, interval) << k;
  }
}

// Runs that moved hundreds of MB per iteration through DRAM while other traffic crossed the NoC,
// which the first-order terms (dram_waits, shared_loads) missed before the reported period became
// the machine replay's (replay_machine): sim/pred was 0.83, 1.11, 1.07 and 1.15.
struct Missed {
  const char* preset;
  const char* network;
  const char* scheduler;
  bool split;
  double bound;  // |sim/pred - 1|: 10%, spikepipe 5% (issue 10)
};
void PrintTo(const Missed& c, std::ostream* os) {
  *os << c.network << " " << c.preset << " " << c.scheduler << (c.split ? " --split" : "");
}
class SimVsPredictionMissed : public SystemCTest, public ::testing::WithParamInterface<Missed> {};

TEST_P(SimVsPredictionMissed, WithinTheIssueBound) {
  const Missed& c = GetParam();
  const test::MeasuredRun run = test::measure_run(c.preset, c.network, c.scheduler, c.split, 0);
  const double ratio = run.sim_over_predicted();
  std::printf("%s %s %s%s: simulated %.0f, predicted %llu, sim/pred %.4f\n", c.network, c.preset,
              c.scheduler, c.split ? " --split" : "", run.metrics.period_cycles,
              static_cast<unsigned long long>(run.schedule.predicted_period), ratio);
  EXPECT_TRUE(run.metrics.steady);
  EXPECT_LT(std::fabs(ratio - 1), c.bound);
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, SimVsPredictionMissed,
    ::testing::Values(Missed{"mesh8", "cifar10-vgg", "pipedream", false, 0.10},
                      Missed{"mesh4", "cifar10-vgg", "spikepipe", false, 0.05},
                      Missed{"mesh8", "fmnist-conv", "spikepipe", false, 0.05},
                      Missed{"mesh16", "fmnist-conv", "spikepipe", true, 0.05}),
    [](const ::testing::TestParamInfo<Missed>& i) {
      std::string n = std::string(i.param.network) + "_" + i.param.preset + "_" +
                      i.param.scheduler + (i.param.split ? "_split" : "");
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

// Nothing spills (1 GiB of SRAM): pipedream's replicated stages exchange weights over shared
// links, where a message waits for the links reserved by sends issued before it; the terms
// predicted 114,770 cycles for a run of 143,365 (1.25). The replay serves the links in the same
// order as the ideal NoC: here the two agree to the cycle.
TEST_F(SimVsPrediction, LinkQueuesOfPipedreamWeightsWithoutSpills) {
  PlatformParams p = load_platform("mesh16");
  p.processor.sram_bytes = 1ull << 30;
  const test::MeasuredRun run = test::measure_run(p, "mnist-fc", "pipedream", false, 0);
  EXPECT_TRUE(run.metrics.steady);
  EXPECT_NEAR(run.metrics.period_cycles, double(run.schedule.predicted_period), 1.0);
}

// Two processors whose DRAM reads tie at one cycle: the simulator serves them in the order its
// SystemC kernel wakes the threads (delta notifications triggered last made first), and served
// the other way round this run ends 8% apart. The replay orders ties as the kernel does.
TEST_F(SimVsPrediction, TiesOfCifarSplitMesh16ToTheCycle) {
  const test::MeasuredRun run = test::measure_run("mesh16", "cifar10-vgg", "spikepipe", true, 0);
  EXPECT_TRUE(run.metrics.steady);
  EXPECT_NEAR(run.metrics.period_cycles, double(run.schedule.predicted_period), 1.0);
}

// The intervals of this run repeat every 11 iterations, which 8 measured iterations cannot show
// (it never settled by the old default). The planner's replay finds the pattern and the run
// measures two of them by default; --iterations given still wins.
TEST_F(SimVsPrediction, CifarMesh16SpikepipeSettlesByDefault) {
  const test::MeasuredRun run = test::measure_run("mesh16", "cifar10-vgg", "spikepipe", false, 0);
  EXPECT_EQ(run.schedule.run_measured, 22u);
  EXPECT_GE(run.schedule.run_warmup, 4 * pipeline_depth(run.schedule));
  EXPECT_EQ(run.metrics.plan.measured, 22u);
  EXPECT_TRUE(run.metrics.steady);
  EXPECT_EQ(run.metrics.cycle, 11u);
  EXPECT_NEAR(run.metrics.period_cycles, double(run.schedule.predicted_period), 1.0);
  EXPECT_EQ(plan_iterations(run.schedule, 8, -1).measured, 8u);
}

// noc-terminal-latency (a BookSim-like delay at every message's end, docs/VALIDATION.md) is part
// of the machine the planner replays: every message and every DRAM read's data arrive D later.
TEST_F(SimVsPrediction, TerminalLatencyIsInThePrediction) {
  PlatformParams p = load_platform("mesh8");
  p.noc.terminal_latency = 6;
  const test::MeasuredRun run = test::measure_run(p, "fmnist-conv", "spikepipe", true, 0);
  EXPECT_TRUE(run.metrics.steady);
  EXPECT_NEAR(run.metrics.period_cycles, double(run.schedule.predicted_period), 1.0);
}

// dram-model ddr4 / hbm2 behind the ideal NoC: each channel's bank engine (core/dram_engine.h)
// serves every access to its end when it is made, in call order, so the replay drives the same
// engine in the same order and predicts the banked machine to the cycle. Its closed forms (tRCD +
// CL, the peak rate) were 0.89 to 1.07 away on fmnist-conv; spikepipe on it spills every
// iteration, pipedream moves its replicas' weights, sequential streams 197 MB of errors.
struct Banked {
  DramModel model;
  const char* network;
  const char* scheduler;
  bool split;
};
void PrintTo(const Banked& c, std::ostream* os) {
  *os << to_string(c.model) << " " << c.network << " " << c.scheduler << (c.split ? " --split" : "");
}
class SimVsPredictionBanked : public SystemCTest, public ::testing::WithParamInterface<Banked> {};

TEST_P(SimVsPredictionBanked, ToTheCycle) {
  const Banked& c = GetParam();
  PlatformParams p = load_platform("mesh4");
  p.memory.model = c.model;
  const test::MeasuredRun run = test::measure_run(p, c.network, c.scheduler, c.split, 0);
  EXPECT_TRUE(run.metrics.steady);
  EXPECT_GT(run.metrics.dram_bytes, 0u);
  EXPECT_NEAR(run.metrics.period_cycles, double(run.schedule.predicted_period), 1.0);
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, SimVsPredictionBanked,
    ::testing::Values(Banked{DramModel::DDR4, "fmnist-conv", "spikepipe", false},
                      Banked{DramModel::DDR4, "fmnist-conv", "pipedream", false},
                      Banked{DramModel::DDR4, "fmnist-conv", "sequential", false},
                      Banked{DramModel::HBM2, "fmnist-conv", "spikepipe", true},
                      Banked{DramModel::HBM2, "mnist-fc", "gpipe", false}),
    [](const ::testing::TestParamInfo<Banked>& i) {
      std::string n = std::string(to_string(i.param.model)) + "_" + i.param.network + "_" +
                      i.param.scheduler + (i.param.split ? "_split" : "");
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

// noc-model causal: the replay drives the simulator's flit-level engine (core/noc_engine.h) as
// models/src/noc.cpp drives it (its method's wake-ups, run-ahead and DRAM requests due, its
// reports in its order) and the processors' side (sends busy until injected, reads waiting for
// their data, spills written at arrival), in SystemC's order: every period to the cycle. Its
// closed forms were 0.991 to 1.012 away on mnist-fc with ddr4 (docs/RESULTS.md "On the detailed
// models").
struct Causal {
  const char* preset;
  DramModel dram;
  const char* network;
  const char* scheduler;
  bool split;
};
void PrintTo(const Causal& c, std::ostream* os) {
  *os << c.preset << " " << to_string(c.dram) << " " << c.network << " " << c.scheduler
      << (c.split ? " --split" : "");
}
class SimVsPredictionCausal : public SystemCTest, public ::testing::WithParamInterface<Causal> {};

TEST_P(SimVsPredictionCausal, ToTheCycle) {
  const Causal& c = GetParam();
  PlatformParams p = load_platform(c.preset);
  p.noc.model = NocModel::Causal;
  p.memory.model = c.dram;
  const test::MeasuredRun run = test::measure_run(p, c.network, c.scheduler, c.split, 0);
  EXPECT_TRUE(run.metrics.steady);
  std::printf("%s: simulated %.2f, predicted %llu\n", c.scheduler, run.metrics.period_cycles,
              static_cast<unsigned long long>(run.schedule.predicted_period));
  EXPECT_NEAR(run.metrics.period_cycles, double(run.schedule.predicted_period), 1.0);
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, SimVsPredictionCausal,
    ::testing::Values(Causal{"mesh4", DramModel::DDR4, "mnist-fc", "sequential", false},
                      Causal{"mesh4", DramModel::DDR4, "mnist-fc", "data-parallel", false},
                      Causal{"mesh4", DramModel::DDR4, "mnist-fc", "gpipe", false},
                      Causal{"mesh4", DramModel::DDR4, "mnist-fc", "standard", false},
                      Causal{"mesh4", DramModel::DDR4, "mnist-fc", "pipedream", false},
                      Causal{"mesh4", DramModel::DDR4, "mnist-fc", "spikepipe", false},
                      Causal{"mesh4", DramModel::DDR4, "mnist-fc", "spikepipe", true},
                      Causal{"mesh8", DramModel::DDR4, "mnist-fc", "sequential", false},
                      Causal{"mesh8", DramModel::DDR4, "mnist-fc", "pipedream", false},
                      Causal{"mesh8", DramModel::DDR4, "mnist-fc", "spikepipe", true},
                      Causal{"mesh4", DramModel::Simple, "mnist-fc", "standard", false},
                      Causal{"mesh8", DramModel::Simple, "mnist-fc", "spikepipe", false},
                      Causal{"mesh8", DramModel::HBM2, "mnist-fc", "data-parallel", false}),
    [](const ::testing::TestParamInfo<Causal>& i) {
      std::string n = std::string(i.param.preset) + "_" + to_string(i.param.dram) + "_" +
                      i.param.network + "_" + i.param.scheduler + (i.param.split ? "_split" : "");
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

// Beyond its budget (kCausalReplayBudget: fmnist-conv's spills and all-reduces make a replay of
// the routers cost about what the simulation costs, tens of seconds) the replay stops early and
// the prediction keeps the closed forms: the schedule is the same, and fast to make.
TEST(CausalReplayBudget, OverBudgetKeepsTheTerms) {
  PlatformParams p = load_platform("mesh4");
  p.noc.model = NocModel::Causal;
  p.memory.model = DramModel::DDR4;
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), p.processor.array);
  SchedulerOptions o = SchedulerOptions::for_platform(p);
  const Schedule s = make_schedule("sequential", g, o);
  const MachineReplay m = replay_machine(s, o.comm);
  EXPECT_FALSE(m.ok);
  EXPECT_GT(s.predicted_period, 0u);
}

INSTANTIATE_TEST_SUITE_P(Shipped, SimVsPrediction, ::testing::ValuesIn(test::scheduler_variants()),
                         test::variant_name);

}  // namespace
}  // namespace spikepipe

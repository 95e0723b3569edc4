// The baselines of METHOD.md §5 at full strength and the lower bound that holds for every
// schedule: PipeDream's planner (replicated stages, all-reduce, memory), data parallelism,
// standard pipelining, and lower_bound(graph, options).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../../../workloads/src/schedulers/builder.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe {
namespace {

const char* kNetworks[] = {"mnist-fc", "fmnist-conv", "cifar10-vgg"};

SchedulerOptions opts(uint32_t P) {
  SchedulerOptions o;
  o.processors = P;
  o.comm.mean_hops = P > 1 ? 1.5 : 0.0;
  return o;
}

// The work term of the lower bound rests on this: under the fold model, no part or micro-batch
// of a task costs less than its share, so cutting never lowers the task's total cycles.
TEST(LowerBound, CuttingATaskNeverLowersItsTotalCycles) {
  for (const char* net : kNetworks) {
    const TaskGraph g = build_task_graph(load_network(net), ArrayParams{});
    for (const Task& t : g.tasks)
      for (sched::Layout l : {sched::Layout::Cols, sched::Layout::Rows, sched::Layout::Samples})
        for (uint32_t k : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 13u, 16u, 64u})
          for (uint16_t m : {uint16_t(1), uint16_t(2), uint16_t(4), uint16_t(8)}) {
            if (k > sched::max_parts(t, l) || m > g.batch) continue;
            sched::Builder b(g, "test", k);
            std::vector<ProcessorId> procs;
            for (uint32_t i = 0; i < k; ++i) procs.push_back(ProcessorId(i));
            Cycles sum = 0;
            for (uint16_t mb = 0; mb < (t.kind == TaskKind::U ? 1 : m); ++mb)
              for (OpId id : b.add(t.id, procs, mb, m, l)) sum += b.schedule().op(id).cycles();
            EXPECT_GE(sum, t.cycles()) << net << " " << t.name << " layout " << int(l) << " in "
                                       << k << " parts, " << m << " micro-batches";
          }
  }
}

TEST(LowerBound, IsTheSameForEverySchedulerAndNeverAboveAPredictedPeriod) {
  for (const char* net : kNetworks) {
    const TaskGraph g = build_task_graph(load_network(net), ArrayParams{});
    for (uint32_t P : {1u, 2u, 4u, 8u, 16u}) {
      SchedulerOptions o = opts(P);
      const Cycles lb = lower_bound(g, o);
      EXPECT_GT(lb, 0u);
      for (const SchedulerEntry& e : schedulers())
        for (bool split : {false, true}) {
          if (split && !e.splits) continue;
          o.split = split;
          SCOPED_TRACE(std::string(net) + " P=" + std::to_string(P) + " " + e.name +
                       (split ? " --split" : ""));
          const Schedule s = make_schedule(e.name, g, o);
          EXPECT_EQ(s.lower_bound, lb);
          EXPECT_GE(s.predicted_period, lb);
          EXPECT_GE(s.predicted_period, s.schedule_bound);
        }
      o.split = false;
    }
  }
}

TEST(LowerBound, CountsTheDramTrafficThatCannotStayOnChip) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  SchedulerOptions o = opts(2);
  uint64_t weights = 0;
  for (uint64_t w : g.weight_bytes) weights += w;
  o.sram_bytes = weights / 4;  // half the weights do not fit on two processors
  o.dram_channels = 1;
  o.comm.dram_bytes_per_cycle = 0.001;  // slow enough that memory is the largest term
  const LowerBound b = lower_bound_terms(g, o);
  EXPECT_EQ(b.memory, Cycles(std::ceil(double(g.input_bytes + weights - 2 * (weights / 4)) /
                                       0.001 - 1e-9)));
  EXPECT_EQ(lower_bound(g, o), b.memory);
  o.dram_channels = 4;
  EXPECT_LT(lower_bound_terms(g, o).memory, b.memory);
}

// The case: on mnist-fc at P = 4, spikepipe --split's period was below spikepipe's
// placement-dependent bound; the common bound is below both.
TEST(LowerBound, IsBelowEverySchedulesPeriodOnMnistFc) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  SchedulerOptions o = opts(4);
  const Schedule sp = make_schedule("spikepipe", g, o);
  o.split = true;
  const Schedule split = make_schedule("spikepipe", g, o);
  EXPECT_EQ(sp.lower_bound, split.lower_bound);
  EXPECT_LE(sp.lower_bound, split.predicted_period);
  EXPECT_LE(sp.lower_bound, sp.predicted_period);
}

TEST(Pipedream, PeriodFallsAsProcessorsGrowOnTheConvNetworks) {
  for (const char* net : {"fmnist-conv", "cifar10-vgg"}) {
    const TaskGraph g = build_task_graph(load_network(net), ArrayParams{});
    Cycles last = 0;
    for (uint32_t P : {4u, 8u, 16u}) {
      const Schedule s = make_schedule("pipedream", g, opts(P));
      ASSERT_NO_THROW(validate_schedule(s, g));
      if (last) {
        EXPECT_LT(s.predicted_period, last) << net << " P=" << P;
      }
      last = s.predicted_period;
    }
  }
}

TEST(Pipedream, MoreProcessorsNeverHurt) {
  for (const char* net : kNetworks) {
    const TaskGraph g = build_task_graph(load_network(net), ArrayParams{});
    Cycles last = 0;
    for (uint32_t P = 1; P <= 16; ++P) {
      const Schedule s = make_schedule("pipedream", g, opts(P));
      if (last) {
        EXPECT_LE(s.predicted_period, last) << net << " P=" << P;
      }
      last = s.predicted_period;
    }
  }
}

TEST(Pipedream, NeverSlowerThanStandardPipeliningWhenItsPlanFits) {
  for (const char* net : kNetworks) {
    const TaskGraph g = build_task_graph(load_network(net), ArrayParams{});
    for (uint32_t P : {2u, 4u, 8u}) {
      SchedulerOptions o = opts(P);
      o.sram_bytes = 1ull << 40;  // memory is no constraint: every standard plan is a candidate
      const Schedule pd = make_schedule("pipedream", g, o);
      const Schedule st = make_schedule("standard", g, o);
      EXPECT_LE(pd.predicted_period, st.predicted_period) << net << " P=" << P;
    }
  }
}

TEST(Pipedream, ReplicatesAStageAndAllReducesItsGradients) {
  // fmnist-conv's layer 2 is most of the work: with SRAM to spare the plan replicates.
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  SchedulerOptions o = opts(4);
  o.sram_bytes = 1ull << 40;
  const Schedule s = make_schedule("pipedream", g, o);
  ASSERT_NO_THROW(validate_schedule(s, g));
  EXPECT_NE(s.note.find(" x"), std::string::npos) << s.note;
  bool replicated = false;
  for (const Op& op : s.ops)
    if (op.kind == TaskKind::G && op.parts > 1) replicated = true;
  EXPECT_TRUE(replicated);
  EXPECT_GT(s.bytes_by_kind[size_t(TensorKind::Gradients)], 0u);
  EXPECT_LT(s.predicted_period, make_schedule("standard", g, o).predicted_period);
}

TEST(Pipedream, PlansWithinTheSramOrSaysItCannot) {
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  SchedulerOptions o = opts(4);
  o.sram_bytes = 1024;  // nothing fits
  const Schedule tight = make_schedule("pipedream", g, o);
  EXPECT_NE(tight.note.find("no plan fits"), std::string::npos) << tight.note;
  o.sram_bytes = 1ull << 40;
  const Schedule ample = make_schedule("pipedream", g, o);
  EXPECT_EQ(ample.note.find("no plan fits"), std::string::npos) << ample.note;
  EXPECT_LE(ample.predicted_period, tight.predicted_period);
}

TEST(Pipedream, ItsPredictedSramNeedFitsUnlessTheNoteSaysOtherwise) {
  for (const char* net : kNetworks) {
    const TaskGraph g = build_task_graph(load_network(net), ArrayParams{});
    for (uint32_t P = 1; P <= 16; ++P) {
      const SchedulerOptions o = opts(P);
      const Schedule s = make_schedule("pipedream", g, o);
      if (s.note.find("no plan fits") != std::string::npos ||
          s.note.find("no candidate") != std::string::npos)
        continue;
      for (uint64_t b : s.sram_peak) EXPECT_LE(b, o.sram_bytes) << net << " P=" << P << " " << s.note;
    }
  }
}

TEST(DataParallel, KeepsActivationsLocalAndAllReducesTheGradients) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  const uint32_t P = 4;
  const Schedule s = make_schedule("data-parallel", g, opts(P));
  ASSERT_NO_THROW(validate_schedule(s, g));
  for (uint32_t d : s.delays) EXPECT_EQ(d, 0u);
  for (TensorKind k : {TensorKind::Spikes, TensorKind::Errors, TensorKind::Stash})
    EXPECT_EQ(s.bytes_by_kind[size_t(k)], 0u) << to_string(k);
  // Reduce-scatter + all-gather: each processor sends (P - 1)/P of every layer's gradients and
  // of its weights, so P (P - 1)/P = P - 1 times the layer's bytes of each cross the NoC in all.
  uint64_t weights = 0;
  for (uint64_t w : g.weight_bytes) weights += w;
  const double w = double(weights) * (P - 1);
  EXPECT_NEAR(double(s.bytes_by_kind[size_t(TensorKind::Weights)]), w, 0.01 * w);
  EXPECT_NEAR(double(s.bytes_by_kind[size_t(TensorKind::Gradients)]), w, 0.01 * w);
  for (const Op& op : s.ops) EXPECT_EQ(op.parts, P) << op.label();
}

TEST(Gpipe, RecomputeTradesForwardTimeForSram) {
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  SchedulerOptions o = opts(4);
  const Schedule plain = make_schedule("gpipe", g, o);
  o.recompute = true;
  const Schedule re = make_schedule("gpipe", g, o);
  ASSERT_NO_THROW(validate_schedule(re, g));
  // One re-run per F op, each costing what its F costs.
  size_t fs = 0, reruns = 0;
  for (const Op& op : re.ops) {
    if (op.kind == TaskKind::F) ++(op.recompute ? reruns : fs);
  }
  EXPECT_EQ(reruns, fs);
  EXPECT_GT(re.predicted_period, plain.predicted_period);
  const auto peak = [](const Schedule& s) { return *std::max_element(s.sram_peak.begin(), s.sram_peak.end()); };
  EXPECT_LT(peak(re), peak(plain));
  EXPECT_NE(re.note.find("recompute"), std::string::npos);
  // The JSON keeps the flag.
  const Schedule back = schedule_from_json(schedule_to_json(re), "test");
  size_t flagged = 0;
  for (const Op& op : back.ops) flagged += op.recompute;
  EXPECT_EQ(flagged, reruns);
}

}  // namespace
}  // namespace spikepipe

// How cutting tasks moves bytes (sequential and spikepipe --split), and that the exact period
// agrees with a long list simulation.
#include <gtest/gtest.h>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"
#include "test_sched_graph.h"

namespace spikepipe {
namespace {

TEST(SchedSplit, SequentialGathersTheWholeInputOfEveryGemmPart) {
  // 64 bytes on every edge, every task halved over 2 processors. A part of F2, E2, G2 or G1
  // needs all of its spike or error input, so the half held by the other processor crosses:
  // spikes F1->F2 64 B, errors D2->E2, D2->G2, D1->G1 3 x 64 B. Element-wise consumers (D, U)
  // and the partitioned operands (stash into G, weights into F and E) stay on their processor.
  const TaskGraph g = test::two_layer_graph(64);
  const Schedule s = make_schedule("sequential", g, test::free_comm(2));
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Spikes)], 64u);
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Errors)], 192u);
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Stash)], 0u);
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Weights)], 0u);
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Gradients)], 0u);
  // The four gathers are collectives (docs/EXECUTION.md §7): each processor's NoC interface
  // sends the other its 32 B half of each, beside compute, so the loads are the compute alone
  // (the four 1-cycle sends of the direct exchange are gone from them).
  EXPECT_EQ(s.loads, (std::vector<Cycles>{90, 90}));
  EXPECT_EQ(s.collectives.size(), 4u);
}

TEST(SchedSplit, SplitNeverLosesToUnsplitAndCoversEveryTask) {
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  SchedulerOptions o;
  o.processors = 16;
  const Schedule whole = make_schedule("spikepipe", g, o);
  o.split = true;
  const Schedule split = make_schedule("spikepipe", g, o);
  validate_schedule(split, g);
  EXPECT_TRUE(split.split);
  EXPECT_LE(split.predicted_period, whole.predicted_period);
  uint32_t cut = 0;
  for (const Op& op : split.ops) cut += op.parts > 1;
  EXPECT_GT(cut, 0u) << "fmnist-conv on 16 processors has GEMMs longer than the ideal share";
  // Parts of one task add up to at least the whole task (fold counts round up per part).
  for (const Task& t : g.tasks) {
    Cycles sum = 0;
    for (const Op& op : split.ops)
      if (op.task == t.id) sum += op.cycles();
    EXPECT_GE(sum, t.cycles()) << t.name;
  }
}

TEST(SchedSplit, ExactPeriodMatchesALongSimulation) {
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  for (uint32_t P : {2u, 3u, 5u}) {
    SchedulerOptions o;
    o.processors = P;
    const Schedule s = make_schedule("spikepipe", g, o);
    const CommModel c = o.comm;
    const PredictedRun r = predict_run(s, c, 400);
    ASSERT_FALSE(r.deadlock);
    EXPECT_NEAR(r.period, steady_period(s, c), 0.002 * r.period) << "P=" << P;
  }
}

}  // namespace
}  // namespace spikepipe

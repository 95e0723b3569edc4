// The four schedulers on a 2-layer net whose schedules can be worked out by hand
// (test_sched_graph.h: F1 40, F2 20, D2 10, E2 20, G2 20, U2 10, D1 10, G1 30, U1 20 cycles;
// 180 in all; communication free), and LayerPipe2's delay rule.
#include <gtest/gtest.h>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"
#include "test_sched_graph.h"

namespace spikepipe {
namespace {

TEST(SchedHand, SequentialSplitsEveryTaskAndRunsThemInTurn) {
  // Every task halved over 2 processors: each runs 90 cycles per iteration, nothing overlaps.
  const TaskGraph g = test::two_layer_graph();
  const Schedule s = make_schedule("sequential", g, test::free_comm(2));
  validate_schedule(s, g);
  EXPECT_EQ(s.ops.size(), 18u);
  EXPECT_EQ(s.predicted_period, 90u);
  EXPECT_EQ(s.predicted_latency, 90u);
  EXPECT_EQ(s.delays, (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(s.loads, (std::vector<Cycles>{90, 90}));
  EXPECT_EQ(s.lower_bound, 90u);  // work / P = 180 / 2
}

TEST(SchedHand, GpipeFillsAndDrainsEveryIteration) {
  // 2 micro-batches, stages {layer 1} on P0 and {layer 2} on P1, half-cost micro-batch ops.
  // P0: F1.m0 0-20, F1.m1 20-40. P1: F2.m0 20-30, F2.m1 40-50, backward m1 first:
  // D2 50-55, E2 55-65, G2 65-75, then m0: D2 75-80, E2 80-90, G2 90-100, U2 100-110.
  // P0: D1.m1 65-70, G1.m1 70-85, D1.m0 90-95, G1.m0 95-110, U1 110-130; F1 of the next
  // iteration waits for U1 (no stale weights): period = latency = 130.
  const TaskGraph g = test::two_layer_graph();
  SchedulerOptions o = test::free_comm(2);
  o.micro_batches = 2;
  const Schedule s = make_schedule("gpipe", g, o);
  validate_schedule(s, g);
  EXPECT_EQ(s.predicted_period, 130u);
  EXPECT_EQ(s.predicted_latency, 130u);
  EXPECT_EQ(s.delays, (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(s.micro_batches, 2u);
}

TEST(SchedHand, GpipeRejectsMoreMicroBatchesThanSamples) {
  SchedulerOptions o = test::free_comm(2);
  o.micro_batches = 5;  // batch is 4
  EXPECT_THROW(make_schedule("gpipe", test::two_layer_graph(), o), Error);
}

TEST(SchedHand, StandardRunsOneForwardOneBackwardPerStage) {
  // Stages {layer 1: 100 cycles} on P0, {layer 2: 80} on P1: period 100. Modulo placement at
  // Pi = 100: F1 0, F2 40, backward of stage 2 at 60 (U2 ends 120), backward of stage 1 waits for
  // E2 (90) but P0 is busy 0-40 modulo 100, so it runs at 140 (U1 ends 200):
  // d1 = ceil((200 - 0) / 100) - 1 = 1, d2 = max(ceil((120 - 40)/100), ceil((120 - 70)/100)) - 1 = 0.
  const TaskGraph g = test::two_layer_graph();
  const Schedule s = make_schedule("standard", g, test::free_comm(2));
  validate_schedule(s, g);
  EXPECT_EQ(s.predicted_period, 100u);
  EXPECT_EQ(s.delays, (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(s.weight_versions, (std::vector<uint32_t>{2, 1}));
  // The backward block of a stage runs back to back: D1 G1 U1 consecutive in P0's program.
  std::string p0;
  for (OpId id : s.programs[0]) p0 += s.op(id).label() + " ";
  EXPECT_EQ(p0, "F1 D1 G1 U1 ");
  EXPECT_TRUE(s.note.empty());
}

TEST(SchedHand, StandardDelaysFollowTheStagesAfterTheLayer) {
  // LayerPipe2: d_l = 2 S(l), S(l) = stages after layer l, counting one period per forward and
  // per backward stage crossing. 1F1B runs a stage's forward and backward in one period, so
  // the delay in iterations is S(l): here S = (1, 0), and never more than LayerPipe2's 2 S(l).
  const TaskGraph g = test::two_layer_graph();
  const Schedule s = make_schedule("standard", g, test::free_comm(2));
  const std::vector<uint32_t> stages_after = {1, 0};
  for (uint32_t l = 0; l < 2; ++l) {
    EXPECT_EQ(s.delays[l], stages_after[l]);
    EXPECT_LE(s.delays[l], 2 * stages_after[l]);
  }
}

TEST(SchedHand, StandardOnMoreProcessorsThanLayersSaysSo) {
  const TaskGraph g = test::two_layer_graph();
  const Schedule s = make_schedule("standard", g, test::free_comm(4));
  EXPECT_EQ(s.predicted_period, 100u);
  EXPECT_EQ(s.loads[2], 0u);
  EXPECT_NE(s.note.find("only 2 of 4 processors"), std::string::npos);
}

TEST(SchedHand, SpikepipeBalancesTasksToTheLowerBound) {
  // 180 cycles on 2 processors: 90 each is reachable (P0: F1 G1 U1 = 90; the rest = 90),
  // which standard pipelining's whole-layer stages (100 / 80) cannot do.
  const TaskGraph g = test::two_layer_graph();
  const Schedule s = make_schedule("spikepipe", g, test::free_comm(2));
  validate_schedule(s, g);
  EXPECT_EQ(s.lower_bound, 90u);
  EXPECT_EQ(s.loads[0], 90u);
  EXPECT_EQ(s.loads[1], 90u);
  EXPECT_EQ(s.predicted_period, 90u);
  EXPECT_TRUE(s.note.empty());
}

TEST(SchedHand, SpikepipePaysForTheMessagesItAdds) {
  // 3200-byte tensors: every remote dep keeps its sender busy 100 cycles, more than any task.
  // standard pipelining's stage 1 sends spikes and stash to stage 2: 100 + 2 x 100 = 300 cycles. Any cut
  // between two processors costs at least 100 on one side of it, so the best spikepipe can do
  // is to keep every task on one processor: 180 cycles, nothing sent, one processor idle.
  const TaskGraph g = test::two_layer_graph(3200);
  const Schedule pd = make_schedule("standard", g, test::free_comm(2));
  const Schedule sp = make_schedule("spikepipe", g, test::free_comm(2));
  validate_schedule(sp, g);
  EXPECT_EQ(pd.predicted_period, 300u);
  EXPECT_EQ(sp.predicted_period, 180u);
  EXPECT_EQ(sp.loads, (std::vector<Cycles>{180, 0}));
  for (uint64_t b : sp.bytes_by_kind) EXPECT_EQ(b, 0u);
}

TEST(SchedHand, UnknownSchedulerListsTheKnownOnes) {
  try {
    make_schedule("round-robin", test::two_layer_graph(), test::free_comm(2));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sequential, data-parallel, gpipe, standard, pipedream, spikepipe"), std::string::npos);
  }
}

}  // namespace
}  // namespace spikepipe

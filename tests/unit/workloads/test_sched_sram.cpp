// The predicted SRAM need of a schedule (analysis_sram.cpp), on schedules small enough to follow
// by hand: which weights are resident and how many instances of each tensor are held at once.
#include <gtest/gtest.h>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"
#include "support/hand_schedule.h"

namespace spikepipe {
namespace {

// An op of `cycles` on the vector unit holding `weights` bytes of its layer's weights.
OpId op(test::HandSchedule& h, uint32_t proc, TaskKind kind, uint32_t layer, Cycles cycles,
        uint64_t weights, int32_t offset) {
  const OpId id = h.op(proc, kind, layer, /*array=*/0, cycles, offset);
  h.at(id).weight_bytes = weights;
  return id;
}

// One processor, layer 0 with delay 1 (2 weight versions): F@0 (10 cycles, 1000 B of weights),
// D@1 (20), U@1 (5, 1000 B). F stashes 300 B for D of the same iteration, D hands U 50 B of
// gradients, U's weights reach F two iterations later (not held: weights are resident).
// Round r = [35r, 35r+35): F(r) ends 35r+10, D(r-1) ends 35r+30, U(r-1) ends 35r+35.
Schedule one_processor() {
  test::HandSchedule b(1);
  const OpId f = op(b, 0, TaskKind::F, 0, 10, 1000, 0);
  const OpId d = op(b, 0, TaskKind::D, 0, 20, 0, 1);
  const OpId u = op(b, 0, TaskKind::U, 0, 5, 1000, 1);
  b.dep(f, d, 300, TensorKind::Stash, 0);
  b.dep(d, u, 50, TensorKind::Gradients, 0);
  b.dep(u, f, 1000, TensorKind::Weights, 2);
  b.s.delays = {1};
  b.s.weight_versions = {2};
  return b.s;
}

TEST(SchedSram, StashHeldAcrossOneIterationAndTwoWeightVersions) {
  const Schedule s = one_processor();
  const SramPrediction p = predict_sram(s, CommModel{});
  // Weights: (layer 0, part 0) holds max(F: 1000 x 2 versions, U: 1000 x 1) = 2000.
  EXPECT_EQ(p.weights, std::vector<uint64_t>{2000});
  // From F(r)'s end at 35r+10 to D(r-1)'s end at 35r+30 two stashes are held: 600. At 35r+30
  // D releases stash r-1 before it holds its 50 B of gradients (releases first at equal times),
  // so 300 + 50 = 350 at most afterwards; holding first would have given 650.
  EXPECT_EQ(p.in_flight, std::vector<uint64_t>{600});
  EXPECT_EQ(p.peak, std::vector<uint64_t>{2600});
  EXPECT_EQ(resident_weight_bytes(s), std::vector<uint64_t>{2000});
}

TEST(SchedSram, FinalizeFillsThePeakAndJsonKeepsIt) {
  Schedule s = one_processor();
  s.weight_versions.clear();  // finalize derives them from the delays
  finalize_schedule(s, CommModel{});
  EXPECT_EQ(s.sram_peak, std::vector<uint64_t>{2600});
  const nlohmann::json j = schedule_to_json(s);
  EXPECT_EQ(j["sram_peak_bytes"], nlohmann::json::array({2600}));
  EXPECT_EQ(schedule_from_json(j, "test").sram_peak, std::vector<uint64_t>{2600});
}

// P0: A (F, layer 0, 10 cycles, 1000 B of weights, 3 versions) sends 320 B of spikes (10 cycles
// of injection at 32 B/cycle, then 2 cycles of flight) to P1: B@1 (F, layer 1, 30 cycles, 500 B,
// 1 version), which sends A the weights it needs `distance` iterations later (0 B).
// B is the bottleneck (30 > A's 20, and the loop's (10+10+2+30+2)/distance < 30), so B(k) ends at
// E + 30k; A(k) starts at B(k-distance)'s end + 2 and starts sending 10 later: the receive buffer
// of k is held on P1 over [E + 30k - 30 distance + 12, E + 30k].
Schedule pipeline(uint32_t distance) {
  test::HandSchedule b(2);
  const OpId a = op(b, 0, TaskKind::F, 0, 10, 1000, 0);
  const OpId c = op(b, 1, TaskKind::F, 1, 30, 500, 1);
  b.dep(a, c, 320, TensorKind::Spikes, 0);
  b.dep(c, a, 0, TensorKind::Weights, distance);
  b.s.delays = {2, 0};
  b.s.weight_versions = {3, 1};
  return b.s;
}

TEST(SchedSram, PipelineHoldsAsManyReceiveBuffersAsTheLoopAllows) {
  // distance 2: hold k = [30k - 48, 30k] (E = 0); k+1 starts at 30k - 18, k+2 at 30k + 12:
  // two at once.
  SramPrediction p = predict_sram(pipeline(2), CommModel{});
  EXPECT_EQ(p.weights, (std::vector<uint64_t>{3000, 500}));
  EXPECT_EQ(p.in_flight, (std::vector<uint64_t>{0, 640}));
  EXPECT_EQ(p.peak, (std::vector<uint64_t>{3000, 1140}));
  // distance 3: hold k = [30k - 78, 30k]; k+1, k+2 start before 30k: three at once.
  p = predict_sram(pipeline(3), CommModel{});
  EXPECT_EQ(p.in_flight, (std::vector<uint64_t>{0, 960}));
}

TEST(SchedSram, WarningsNameTheProcessorsThatDoNotFit) {
  Schedule s = pipeline(2);
  s.sram_peak = predict_sram(s, CommModel{}).peak;  // 3000, 1140
  EXPECT_TRUE(sram_warning(s, 3000).empty());
  EXPECT_EQ(sram_warning(s, 2048),
            "P0 needs 2.9 KiB of SRAM, has 2 KiB: expect spills beyond the planned ones (in the predicted period when the planner replays the machine)");
  s.sram_peak = {9646899, 0};  // 9.2 MiB
  EXPECT_EQ(sram_warning(s, 4u << 20),
            "P0 needs 9.2 MiB of SRAM, has 4 MiB: expect spills beyond the planned ones (in the predicted period when the planner replays the machine)");
}

TEST(SchedSram, ManyProcessorsThatDoNotFitMakeOneLine) {
  Schedule s;
  s.sram_peak.assign(64, 5u << 20);
  s.sram_peak[7] = 488u << 20;
  s.sram_peak[63] = 1u << 20;  // fits
  EXPECT_EQ(sram_warning(s, 4u << 20),
            "63 of 64 processors need more SRAM than their 4 MiB (P0, P1, P2, P3, P4, P5, P6, P7, "
            "...; up to 488 MiB on P7): expect spills beyond the planned ones (in the predicted period when the planner replays the machine)");
}

TEST(SchedSram, ADeadlockedScheduleHasNoPrediction) {
  Schedule s = pipeline(2);
  s.deps[1].distance = 0;  // A waits for B, which waits for A
  EXPECT_THROW(predict_sram(s, CommModel{}), Error);
}

}  // namespace
}  // namespace spikepipe

// Where a run's completion intervals settle and how long their repeating pattern is
// (analysis.h find_steady_pattern), which chooses the default run length (plan_run_length).
#include <gtest/gtest.h>

#include <vector>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/schedule_io.h"

namespace spikepipe {
namespace {

// Completions from a list of intervals: a transient of `head`, then `pattern` repeated.
std::vector<Cycles> completions(const std::vector<Cycles>& head, const std::vector<Cycles>& pattern,
                                size_t n) {
  std::vector<Cycles> end;
  Cycles t = 0;
  for (size_t k = 0; k < n; ++k) {
    t += k < head.size() ? head[k] : pattern[(k - head.size()) % pattern.size()];
    end.push_back(t);
  }
  return end;
}

TEST(SteadyPattern, ConstantIntervalsAfterATransient) {
  const auto end = completions({900, 700, 650, 610, 640}, {600}, 40);
  const SteadyPattern p = find_steady_pattern(end, 32);
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.cycle, 1u);
  EXPECT_EQ(p.from, 5u);  // the first interval that is the period
}

// The intervals of cifar10-vgg spikepipe on mesh16: a pattern of 11 that 8 measured iterations
// cannot show (the metrics look for cycles of at most half the measured ones).
TEST(SteadyPattern, ElevenIterationPatternOfCifarMesh16) {
  const std::vector<Cycles> pattern = {53769848, 55836095, 57895101, 56651892, 49332652, 61206633,
                                       60574845, 51450831, 54838040, 61656724, 57397692};
  const auto end = completions({277515017, 52318842, 52007514, 61165093, 57418851}, pattern, 120);
  const SteadyPattern p = find_steady_pattern(end, 32);
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.cycle, 11u);
  // Iteration 4's interval already equals the one 11 later within the 0.5%.
  EXPECT_EQ(p.from, 4u);
  // Longer patterns than the search allows are not reported.
  EXPECT_FALSE(find_steady_pattern(end, 10).found);
}

TEST(SteadyPattern, NoPatternWithoutThreeRepeats) {
  // Intervals that keep growing by 1% never repeat.
  std::vector<Cycles> end;
  double t = 0, iv = 1000;
  for (int k = 0; k < 60; ++k) end.push_back(Cycles(t += (iv *= 1.01)));
  EXPECT_FALSE(find_steady_pattern(end, 32).found);
  EXPECT_FALSE(find_steady_pattern({}, 32).found);
}

// A late change of pattern (mnist-fc pipedream on mesh4 alternates from iteration 33 on) moves
// the start past it.
TEST(SteadyPattern, LateChangeMovesTheStart) {
  std::vector<Cycles> head(33, 329054);
  head.push_back(332601);
  const auto end = completions(head, {329054, 333694}, 100);
  const SteadyPattern p = find_steady_pattern(end, 32);
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.cycle, 2u);
  EXPECT_EQ(p.from, 32u);  // 332601 is within 0.5% of 333694, two on
}

TEST(SteadyPattern, RunLengthTravelsWithTheScheduleJson) {
  Schedule s;
  s.scheduler = "spikepipe";
  s.processors = 1;
  s.programs.resize(1);
  s.run_warmup = 24;
  s.run_measured = 22;
  const nlohmann::json j = schedule_to_json(s);
  EXPECT_EQ(j["run_measured_iterations"], 22);
  const Schedule back = schedule_from_json(j, "s.json");
  EXPECT_EQ(back.run_warmup, 24u);
  EXPECT_EQ(back.run_measured, 22u);
  // Absent: no prediction.
  nlohmann::json old = j;
  old.erase("run_warmup_iterations");
  old.erase("run_measured_iterations");
  EXPECT_EQ(schedule_from_json(old, "s.json").run_measured, 0u);
}

}  // namespace
}  // namespace spikepipe

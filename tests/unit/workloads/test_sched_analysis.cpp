// The analysis every schedule is judged by: list simulation, T-inf, lower bound, JSON, checks.
// Each expected figure is worked out by hand in the comment next to it.
#include <gtest/gtest.h>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"

namespace spikepipe {
namespace {

// Two ops A (10 cycles) and B (20 cycles) of one layer, on processors pa and pb.
Schedule loop(uint32_t pa, uint32_t pb, uint32_t distance, uint64_t bytes_ab, uint64_t bytes_ba) {
  Schedule s;
  s.scheduler = "hand";
  s.processors = std::max(pa, pb) + 1;
  s.programs.assign(s.processors, {});
  Op a, b;
  a.id = OpId(0);
  a.task = TaskId(0);
  a.kind = TaskKind::F;
  a.vector_cycles = 10;
  a.proc = ProcessorId(pa);
  b.id = OpId(1);
  b.task = TaskId(1);
  b.kind = TaskKind::U;
  b.vector_cycles = 20;
  b.proc = ProcessorId(pb);
  s.ops = {a, b};
  s.programs[pa].push_back(OpId(0));
  s.programs[pb].push_back(OpId(1));
  s.deps.push_back(Dep{OpId(0), OpId(1), 0, TensorKind::Gradients, bytes_ab});
  s.deps.push_back(Dep{OpId(1), OpId(0), distance, TensorKind::Weights, bytes_ba});
  s.delays = {distance - 1};
  return s;
}

CommModel comm() {  // 32 B/cycle links, 2 cycles per hop, 1 hop
  return CommModel{};
}

TEST(SchedAnalysis, IterationBoundOfOneLoopIsItsTimeOverItsDistance) {
  // Same processor: (10 + 20) / 2 = 15.
  EXPECT_DOUBLE_EQ(iteration_bound(loop(0, 0, 2, 64, 64), comm()), 15.0);
  // Remote: A->B adds ceil(64/32) + 2 = 4, B->A adds ceil(96/32) + 2 = 5: (10+4+20+5)/3 = 13.
  EXPECT_DOUBLE_EQ(iteration_bound(loop(0, 1, 3, 64, 96), comm()), 13.0);
}

TEST(SchedAnalysis, IterationBoundTakesTheWorstLoop) {
  Schedule s = loop(0, 0, 1, 0, 0);  // loop A->B->A: 30 / 1
  Op c = s.ops[0];
  c.id = OpId(2);
  c.task = TaskId(2);
  c.vector_cycles = 100;
  s.ops.push_back(c);
  s.programs[0].push_back(OpId(2));
  s.deps.push_back(Dep{OpId(2), OpId(2), 4, TensorKind::Weights, 0});  // self loop 100 / 4 = 25
  EXPECT_DOUBLE_EQ(iteration_bound(s, comm()), 30.0);
  s.deps[1].distance = 2;  // now 30 / 2 = 15 < 25
  EXPECT_DOUBLE_EQ(iteration_bound(s, comm()), 25.0);
}

TEST(SchedAnalysis, ZeroDistanceCycleIsADeadlock) {
  EXPECT_THROW(iteration_bound(loop(0, 1, 0, 0, 0), comm()), Error);
}

TEST(SchedAnalysis, LowerBoundIsTheLargestOfItsThreeTerms) {
  // 2 processors, ops 10 + 20: work / P = 15, largest op 20, T-inf = (10+20)/5 = 6 -> 20.
  EXPECT_EQ(schedule_bound(loop(0, 1, 5, 0, 0), comm()), 20u);
  // Distance 1 on one processor: T-inf = 30 beats work / P = 30 / 1 and the largest op 20.
  Schedule s = loop(0, 0, 1, 0, 0);
  EXPECT_EQ(schedule_bound(s, comm()), 30u);
  // Three processors and a third independent op of 60: work / P = 90 / 3 = 30, largest 60.
  s = loop(0, 1, 3, 0, 0);
  s.processors = 3;
  s.programs.resize(3);
  Op c = s.ops[0];
  c.id = OpId(2);
  c.task = TaskId(2);
  c.vector_cycles = 60;
  c.proc = ProcessorId(2);
  s.ops.push_back(c);
  s.programs[2].push_back(OpId(2));
  EXPECT_EQ(schedule_bound(s, comm()), 60u);
}

TEST(SchedAnalysis, SimulationChargesInjectionAndHeadLatency) {
  // A on P0 (10), message 64 B: busy 2 more cycles, arrives 2 cycles later (14); B on P1 14..34,
  // its 32 B weight message: busy until 35, arrives 37, when A of the next iteration starts.
  const PredictedRun r = predict_run(loop(0, 1, 1, 64, 32), comm(), 10);
  ASSERT_FALSE(r.deadlock);
  EXPECT_DOUBLE_EQ(r.period, 37.0);
  EXPECT_DOUBLE_EQ(r.latency, 34.0);
  EXPECT_EQ(r.completion[0], 34u);
  EXPECT_EQ(r.completion[1], 71u);
}

TEST(SchedAnalysis, SimulationOverlapsIterationsWhenTheDistanceAllows) {
  // Distance 2 with offset 1 on B: A runs iteration r, B iteration r - 1 in round r. P1 is busy
  // 20 + 1 per iteration, P0 10 + 2: the period is P1's 21 cycles once the pipeline is full.
  Schedule s = loop(0, 1, 2, 64, 32);
  s.ops[1].offset = 1;
  const PredictedRun r = predict_run(s, comm(), 40);
  ASSERT_FALSE(r.deadlock);
  EXPECT_DOUBLE_EQ(r.period, 21.0);
  // T-inf = (10 + 4 + 20 + 3) / 2 = 18.5 <= 21, and the lower bound is max(15, 20, 18.5) -> 20.
  EXPECT_DOUBLE_EQ(iteration_bound(s, comm()), 18.5);
  EXPECT_EQ(schedule_bound(s, comm()), 20u);
}

TEST(SchedAnalysis, SimulationReportsADeadlock) {
  // B before A in one program, but B needs A of the same iteration.
  Schedule s = loop(0, 0, 1, 0, 0);
  s.programs[0] = {OpId(1), OpId(0)};
  const PredictedRun r = predict_run(s, comm(), 4);
  EXPECT_TRUE(r.deadlock);
  EXPECT_NE(r.blocked.find("U1"), std::string::npos);
  EXPECT_THROW(finalize_schedule(s, comm()), Error);
}

TEST(SchedAnalysis, DramReadDelaysTheOp) {
  // 256 B of input at 25.6 B/cycle after 100 cycles of latency: A takes 110 + 10 cycles.
  Schedule s = loop(0, 0, 1, 0, 0);
  s.ops[0].dram_read_bytes = 256;
  EXPECT_EQ(op_duration(s.ops[0], comm()), 120u);
  EXPECT_DOUBLE_EQ(predict_run(s, comm(), 6).period, 140.0);
}

TEST(SchedAnalysis, FinalizeFillsTheDerivedFields) {
  Schedule s = loop(0, 1, 1, 64, 32);
  finalize_schedule(s, comm());
  EXPECT_EQ(s.predicted_period, 37u);
  EXPECT_EQ(s.predicted_latency, 34u);
  ASSERT_EQ(s.loads.size(), 2u);
  EXPECT_EQ(s.loads[0], 12u);  // 10 + 2 injection
  EXPECT_EQ(s.loads[1], 21u);  // 20 + 1
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Gradients)], 64u);
  EXPECT_EQ(s.bytes_by_kind[size_t(TensorKind::Weights)], 32u);
  EXPECT_EQ(s.weight_versions, std::vector<uint32_t>{1});
  EXPECT_GE(s.predicted_period, s.lower_bound);
}

TEST(SchedAnalysis, JsonRoundTripKeepsEverything) {
  Schedule s = loop(0, 1, 2, 64, 32);
  s.ops[1].offset = 1;
  finalize_schedule(s, comm());
  const nlohmann::json j = schedule_to_json(s);
  for (const char* key : {"scheduler", "processors", "predicted_period_cycles", "predicted_latency_cycles",
                          "lower_bound_cycles", "delays", "programs", "transfers"})
    EXPECT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["transfers"].size(), 2u);
  EXPECT_EQ(j["transfers"][0]["src_processor"], 0);
  EXPECT_EQ(j["transfers"][0]["dst_processor"], 1);
  EXPECT_EQ(j["transfers"][0]["kind"], "gradients");
  EXPECT_EQ(j["transfers"][0]["bytes"], 64);
  const Schedule t = schedule_from_json(nlohmann::json::parse(j.dump()), "test");
  EXPECT_EQ(schedule_to_json(t).dump(), j.dump());
}

TEST(SchedAnalysis, JsonErrorsNameTheKey) {
  nlohmann::json j = schedule_to_json(loop(0, 1, 1, 0, 0));
  j["ops"][1].erase("processor");
  try {
    schedule_from_json(j, "x.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.json: ops[1]: missing key 'processor'"), std::string::npos)
        << e.what();
  }
}

TEST(SchedAnalysis, LabelsNamePartsAndMicroBatches) {
  Op op;
  op.kind = TaskKind::F;
  op.layer = 2;
  EXPECT_EQ(op.label(), "F3");
  op.part = 1;
  op.parts = 4;
  EXPECT_EQ(op.label(), "F3[2/4]");
  op.parts = 1;
  op.part = 0;
  op.micro = 2;
  op.micros = 4;
  EXPECT_EQ(op.label(), "F3.m2");
}

}  // namespace
}  // namespace spikepipe

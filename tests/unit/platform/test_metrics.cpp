// METHOD.md §6 metrics on hand-made events whose figures are worked out by hand: a two-stage
// pipeline with period 100, P0 busy 60 cycles per period, P1 80, one 1000-byte message each.
#include <gtest/gtest.h>

#include "spikepipe/platform/metrics.h"
#include "spikepipe/core/error.h"
#include "spikepipe/models/stats.h"

#include "support/hand_schedule.h"

using namespace spikepipe;

namespace {

// Two ops (F1 on P0 with offset 0, F2 on P1 with offset 1) and one spikes dep between them.
Schedule two_stage() {
  test::HandSchedule h(2);
  const OpId f1 = h.op(0, TaskKind::F, 0, 0, 0);
  const OpId f2 = h.op(1, TaskKind::F, 1, 0, 0, /*offset=*/1);
  h.at(f1).weight_bytes = 500;
  h.at(f2).weight_bytes = 300;
  h.dep(f1, f2, 1000);
  Schedule s = h.s;
  s.delays = {0, 0};
  s.weight_versions = {2, 1};
  s.predicted_period = 95;
  s.lower_bound = 80;
  s.bytes_by_kind[static_cast<int>(TensorKind::Spikes)] = 1000;
  return s;
}

TaskGraph two_edges() {
  TaskGraph g;
  g.layers = 2;
  g.batch = 32;
  Edge e;
  e.bytes = 1000;
  Edge f;
  f.bytes = 3000;
  g.edges = {e, f};
  return g;
}

// Iteration k: F1 on P0 [100k, 100k+60); message sent at 100k+60, injected by +10, arrives at
// +70; F2 on P1 [100k+70, 100k+150). So iteration k completes at 100k+150 and runs 150 cycles.
EventLog pipeline_log(uint32_t iterations) {
  EventLog log;
  for (uint32_t k = 0; k < iterations; ++k) {
    const Cycles t = 100 * k;
    log.on_task({ProcessorId(0), OpId(0), TaskKind::F, 0, k, t, t + 60, t + 40});
    log.on_task({ProcessorId(1), OpId(1), TaskKind::F, 1, k, t + 70, t + 150, t + 150});
    MessageEvent m;
    m.id = k + 1;
    m.src = ProcessorId(0);
    m.dst = ProcessorId(1);
    m.bytes = 1000;
    m.iteration = k;
    m.sent = t + 60;
    m.injected = t + 70;
    m.received = t + 70;
    log.on_message(m);
    log.on_link({LinkId(0), k + 1, 1000, t + 60, t + 70});
    MemoryEvent r;
    r.channel = 0;
    r.kind = TensorKind::Input;
    r.bytes = 200;
    r.start = t;
    r.end = t + 20;
    log.on_memory(r);
  }
  log.on_sram({ProcessorId(0), 0, 700, 0});
  log.on_sram({ProcessorId(0), 10, 900, 50});
  log.on_sram({ProcessorId(1), 5, 400, 0});
  log.sort();
  return log;
}

PlatformParams two_procs() {
  PlatformParams p;
  p.processors = 2;
  p.clock_ghz = 1.0;
  p.memory.channels = 1;
  p.noc.link_bytes_per_cycle = 100.0;
  return p;
}

}  // namespace

TEST(Metrics, PeriodLatencyThroughputOfAHandMadePipeline) {
  const Schedule s = two_stage();
  const TaskGraph g = two_edges();
  const EventLog log = pipeline_log(4);
  const PlatformParams p = two_procs();
  IterationPlan plan;
  plan.warmup = 1;
  plan.measured = 2;
  plan.drain = 1;
  const Metrics m = compute_metrics({p, s, g, log, plan, 600, {"r0c0->r0c1"}});
  EXPECT_EQ(m.span_begin, 150u);  // iteration 0 completes
  EXPECT_EQ(m.span_end, 350u);    // iteration 2 completes
  EXPECT_DOUBLE_EQ(m.period_cycles, 100.0);
  EXPECT_DOUBLE_EQ(m.latency_cycles, 150.0);
  EXPECT_EQ(m.fill_cycles, 150u);
  EXPECT_EQ(m.drain_cycles, 450u - 300u);
  EXPECT_DOUBLE_EQ(m.throughput_samples_per_s, 32 * 1e9 / 100.0);
  EXPECT_DOUBLE_EQ(m.simulated_over_predicted, 100.0 / 95.0);
  EXPECT_DOUBLE_EQ(m.gap_to_lower_bound, 100.0 / 80.0 - 1.0);
  EXPECT_TRUE(m.steady);
  EXPECT_DOUBLE_EQ(m.interval_spread, 0.0);
}

TEST(Metrics, UnevenCompletionsAreFlaggedAsNotSteady) {
  const Schedule s = two_stage();
  const TaskGraph g = two_edges();
  EventLog log = pipeline_log(4);
  for (auto& e : log.tasks) {
    if (e.iteration == 2 && e.proc == ProcessorId(1)) e.end += 20;  // completes at 370, not 350
  }
  const Metrics m = compute_metrics({two_procs(), s, g, log, IterationPlan{1, 2, 1}, 0, {}});
  EXPECT_DOUBLE_EQ(m.period_cycles, 110.0);           // (370 - 150) / 2
  EXPECT_DOUBLE_EQ(m.interval_spread, 20.0 / 110.0);  // intervals 100 and 120
  EXPECT_FALSE(m.steady);
}

TEST(Metrics, UtilisationBytesAndOverheadInSteadyState) {
  const Schedule s = two_stage();
  const TaskGraph g = two_edges();
  const EventLog log = pipeline_log(4);
  IterationPlan plan;
  plan.warmup = 1;
  plan.measured = 2;
  plan.drain = 1;
  const Metrics m = compute_metrics({two_procs(), s, g, log, plan, 600, {"r0c0->r0c1"}});
  // Span [150, 350): P0 busy [150,160) + [200,260) + [300,350) = 120 -> 60%.
  EXPECT_EQ(m.per_processor[0].busy, 120u);
  EXPECT_DOUBLE_EQ(m.per_processor[0].utilisation, 0.6);
  EXPECT_EQ(m.per_processor[0].busy_by_kind[static_cast<int>(TaskKind::F)], 120u);
  // P1: [170,250) + [270,350) = 160 -> 80%.
  EXPECT_DOUBLE_EQ(m.per_processor[1].utilisation, 0.8);
  EXPECT_DOUBLE_EQ(m.mean_utilisation, 0.7);
  // Sending: [160,170) and [260,270) on P0.
  EXPECT_EQ(m.per_processor[0].sending, 20u);
  // Messages of iterations 1 and 2: 1000 bytes each.
  EXPECT_EQ(m.bytes_by_kind[static_cast<int>(TensorKind::Spikes)], 1000u);
  EXPECT_EQ(m.received_by_kind[static_cast<int>(TensorKind::Spikes)], 1000u);
  EXPECT_EQ(m.inter_processor_bytes, 1000u);
  // DRAM: reads [200,220) and [300,320) inside the span: 200 bytes per iteration.
  EXPECT_EQ(m.dram_bytes_by_kind[static_cast<int>(TensorKind::Input)], 200u);
  EXPECT_EQ(m.dram_bytes, 200u);
  // Communication overhead: (1000 - 600) / (1000 + 3000 edge bytes + 200 DRAM bytes).
  EXPECT_EQ(m.training_bytes, 4200u);
  EXPECT_DOUBLE_EQ(m.comm_overhead, 400.0 / 4200.0);
  // Link: busy [160,170) and [260,270) -> 20 of 200 cycles; 1000 bytes per iteration.
  ASSERT_EQ(m.links.size(), 1u);
  EXPECT_EQ(m.links[0].name, "r0c0->r0c1");
  EXPECT_EQ(m.links[0].busy, 20u);
  EXPECT_DOUBLE_EQ(m.links[0].utilisation, 0.1);
  EXPECT_EQ(m.links[0].bytes, 1000u);
  EXPECT_EQ(m.links[0].transfers, 4u);
  // Message latency: 10 cycles each.
  EXPECT_EQ(m.message_latency.count, 4u);
  EXPECT_DOUBLE_EQ(m.message_latency.mean, 10.0);
  // SRAM peaks and the weights each processor holds (x versions).
  EXPECT_EQ(m.per_processor[0].peak_sram_bytes, 900u);
  EXPECT_EQ(m.per_processor[0].peak_spilled_bytes, 50u);
  EXPECT_EQ(m.peak_sram_bytes, 900u);
  EXPECT_EQ(m.per_processor[0].weight_footprint_bytes, 1000u);  // 500 x 2 versions
  EXPECT_EQ(m.per_processor[1].weight_footprint_bytes, 300u);
}

TEST(Metrics, ProratedBytesAreExactForAPeriodicPatternCutAnywhere) {
  // DRAM reads of 300 bytes over [100k+140, 100k+170) straddle both ends of the span [150, 350):
  // 200 (k = 0) + 300 (k = 1) + 100 (k = 2) bytes fall inside it, 300 per iteration.
  const Schedule s = two_stage();
  const TaskGraph g = two_edges();
  EventLog log = pipeline_log(4);
  log.memory.clear();
  for (uint32_t k = 0; k < 4; ++k) {
    MemoryEvent r;
    r.bytes = 300;
    r.start = 100 * k + 140;
    r.end = 100 * k + 170;
    log.on_memory(r);
  }
  log.sort();
  IterationPlan plan{1, 2, 1};
  const Metrics m = compute_metrics({two_procs(), s, g, log, plan, 0, {}});
  EXPECT_EQ(m.dram_bytes, 300u);
}

TEST(Metrics, PlanCoversTheLongestDependencyAndThePipelineDepth) {
  Schedule s = two_stage();
  IterationPlan p = plan_iterations(s, 8, -1);
  EXPECT_EQ(pipeline_depth(s), 1u);
  EXPECT_EQ(p.warmup, 4u);  // 4 x the drain
  EXPECT_EQ(p.drain, 1u);
  EXPECT_EQ(p.total(), 13u);
  s.deps[0].distance = 4;  // a weight edge with d_l = 3
  p = plan_iterations(s, 8, 2);
  EXPECT_EQ(p.warmup, 2u);
  EXPECT_EQ(p.drain, 4u);
  EXPECT_EQ(p.first_measured(), 2u);
  EXPECT_EQ(p.last_measured(), 9u);
  // 0 measured is automatic: 8 without a prediction.
  EXPECT_EQ(plan_iterations(s, 0, -1).measured, 8u);
  EXPECT_EQ(plan_iterations(s, 0, -1).basis, "default");
  // Counts that would overflow warm-up + measured + drain are refused, naming the flag.
  EXPECT_THROW(plan_iterations(s, 4294967295u, -1), Error);
  EXPECT_THROW(plan_iterations(s, 8, 2147483647), Error);
  EXPECT_THROW(plan_iterations(s, 8, -2), Error);
  EXPECT_EQ(plan_iterations(s, kMaxIterations, static_cast<int>(kMaxIterations)).total(),
            2 * kMaxIterations + 4);
}

// A schedule whose planner predicted its steady state (Schedule::run_warmup / run_measured):
// the automatic counts are its, and --iterations / --warmup given still win, each on its own.
TEST(Metrics, PlanTakesThePredictedRunUnlessGiven) {
  Schedule s = two_stage();
  s.run_warmup = 30;
  s.run_measured = 22;
  IterationPlan p = plan_iterations(s, 0, -1);
  EXPECT_EQ(p.warmup, 30u);
  EXPECT_EQ(p.measured, 22u);
  EXPECT_EQ(p.drain, 1u);
  EXPECT_EQ(p.basis, "predicted steady state");
  p = plan_iterations(s, 8, -1);
  EXPECT_EQ(p.warmup, 30u);
  EXPECT_EQ(p.measured, 8u);
  p = plan_iterations(s, 0, 2);
  EXPECT_EQ(p.warmup, 2u);
  EXPECT_EQ(p.measured, 22u);
  p = plan_iterations(s, 5, 3);
  EXPECT_EQ(p.warmup, 3u);
  EXPECT_EQ(p.measured, 5u);
  EXPECT_EQ(p.basis, "given");
  // A schedule file's counts are checked like the flags.
  s.run_measured = kMaxIterations + 1;
  EXPECT_THROW(plan_iterations(s, 0, -1), Error);
}

// summary.json keeps every digit: integral figures as integers, others as the shortest decimal
// that reads back to the same double.
TEST(Metrics, SummaryJsonWritesFullPrecision) {
  Metrics m;
  m.period_cycles = 138956000.0;
  m.latency_cycles = 228500.75;
  m.comm_overhead = 1.0 / 3.0;
  const auto j = to_json(m);
  EXPECT_TRUE(j["period_cycles"].is_number_integer());
  EXPECT_EQ(j["period_cycles"].dump(), "138956000");
  EXPECT_EQ(j["latency_cycles"].dump(), "228500.75");
  EXPECT_EQ(j["comm_overhead"].get<double>(), 1.0 / 3.0);
}

TEST(Metrics, AnIterationThatNeverRanIsAnError) {
  const Schedule s = two_stage();
  const TaskGraph g = two_edges();
  const EventLog log = pipeline_log(3);  // the plan needs 4
  IterationPlan plan{1, 2, 1};
  try {
    compute_metrics({two_procs(), s, g, log, plan, 0, {}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("iteration 3"), std::string::npos) << e.what();
  }
}

TEST(Metrics, LatencyStatsUseNearestRankPercentiles) {
  std::vector<Cycles> v;
  for (Cycles i = 1; i <= 20; ++i) v.push_back(21 - i);
  const LatencyStats s = latency_stats(v);
  EXPECT_EQ(s.count, 20u);
  EXPECT_EQ(s.min, 1u);
  EXPECT_EQ(s.max, 20u);
  EXPECT_EQ(s.p50, 10u);
  EXPECT_EQ(s.p95, 19u);
  EXPECT_DOUBLE_EQ(s.mean, 10.5);
  EXPECT_EQ(latency_stats({}).count, 0u);
}

TEST(Metrics, OverheadOverAllTrafficAddsTheOperandTraffic) {
  const Schedule s = two_stage();
  TaskGraph g = two_edges();
  Task a;  // SRAM <-> array/vector operand traffic of the iteration's tasks: 2000 + 300 + 500
  a.array_read_bytes = 1500;
  a.array_write_bytes = 500;
  a.vector_write_bytes = 300;
  Task b;
  b.vector_read_bytes = 500;
  g.tasks = {a, b};
  const Metrics m =
      compute_metrics({two_procs(), s, g, pipeline_log(4), IterationPlan{1, 2, 1}, 600, {}});
  // Same numerator (1000 - 600); denominators 1000 + 3000 + 200 DRAM, and that + 2800.
  EXPECT_EQ(m.training_bytes, 4200u);
  EXPECT_DOUBLE_EQ(m.comm_overhead, 400.0 / 4200.0);
  EXPECT_EQ(m.sram_operand_bytes, 2800u);
  EXPECT_EQ(m.all_traffic_bytes, 7000u);
  EXPECT_DOUBLE_EQ(m.comm_overhead_all_traffic, 400.0 / 7000.0);
  const auto j = to_json(m);
  EXPECT_EQ(j["sram_operand_bytes"].get<uint64_t>(), 2800u);
  EXPECT_EQ(j["all_traffic_bytes"].get<uint64_t>(), 7000u);
  EXPECT_DOUBLE_EQ(j["comm_overhead_all_traffic"].get<double>(), 400.0 / 7000.0);  // full precision
  EXPECT_NE(summary_text(m).find("comm overhead, all traffic  +5.714%"), std::string::npos)
      << summary_text(m);
}

TEST(Metrics, SummaryJsonHasTheRequiredKeys) {
  const Schedule s = two_stage();
  const TaskGraph g = two_edges();
  const EventLog log = pipeline_log(4);
  const Metrics m = compute_metrics({two_procs(), s, g, log, IterationPlan{1, 2, 1}, 600, {}});
  const auto j = to_json(m);
  for (const char* key : {"period_cycles",
                          "predicted_period_cycles",
                          "latency_cycles",
                          "throughput_samples_per_s",
                          "lower_bound_cycles",
                          "utilisation",
                          "bytes_by_kind",
                          "comm_overhead",
                          "comm_overhead_all_traffic",
                          "peak_sram_bytes",
                          "per_iteration",
                          "per_processor",
                          "links",
                          "message_latency_cycles",
                          "dram_bytes_by_kind",
                          "simulated_over_predicted",
                          "gap_to_lower_bound",
                          "fill_cycles",
                          "drain_cycles",
                          "delays"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["utilisation"]["per_processor"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["utilisation"]["mean"].get<double>(), 0.7);
  EXPECT_EQ(j["bytes_by_kind"]["spikes"].get<uint64_t>(), 1000u);
  EXPECT_EQ(j["per_iteration"].size(), 4u);
  EXPECT_NE(summary_text(m).find("period (simulated)"), std::string::npos);
}

// Every statistic a model declares (models/stats.h) is listed in summary.json with its unit, and
// is there under the key the list gives: the declarations and the figures cannot drift apart.
TEST(Metrics, EveryDeclaredStatisticIsInSummaryJsonWithItsUnit) {
  const Metrics m = compute_metrics(
      {two_procs(), two_stage(), two_edges(), pipeline_log(4), IterationPlan{1, 2, 1}, 600, {}});
  const auto j = to_json(m);
  ASSERT_TRUE(j.contains("statistics"));
  const auto& list = j["statistics"];
  EXPECT_EQ(list.size(), std::size(kProcessorStats) + std::size(kLinkStats) +
                             std::size(kMessageStats) + std::size(kChannelStats) +
                             std::size(kDramStats) + std::size(kEnergyStats));
  for (const auto& s : list) {
    const std::string key = s["key"].get<std::string>();
    EXPECT_FALSE(s["unit"].get<std::string>().empty()) << key;
    EXPECT_FALSE(s["what"].get<std::string>().empty()) << key;
    // "links[].busy_cycles": busy_cycles in the first entry of links.
    const auto brackets = key.find("[].");
    if (brackets == std::string::npos) {
      EXPECT_TRUE(j.contains(key)) << key;
      continue;
    }
    ASSERT_TRUE(j.contains(key.substr(0, brackets))) << key;
    const auto& entries = j.at(key.substr(0, brackets));
    ASSERT_FALSE(entries.empty()) << key;
    EXPECT_TRUE(entries[0].contains(key.substr(brackets + 3))) << key;
  }
}

// docs/ENERGY.md on the hand-made pipeline, with a table whose figures make the sums plain:
// 1 pJ per vector op and per SRAM byte, 2 pJ per DRAM byte, 1 pJ per byte and hop, 1 mW per
// link and 2 mW per channel of static power, none for the processors. Per iteration (period 100
// cycles = 100 ns): F1 (10 vector ops, 100 B read + 50 B written) 160 pJ on P0; F2 (20 ops) 20 pJ
// on P1; the 1000-byte message read on P0 and written on P1 (2000 pJ); 200 DRAM bytes read (400
// pJ on the channel) and written into P0's SRAM (200 pJ); 1000 link bytes (1000 pJ); static
// (1 + 2 mW) x 100 ns = 300 pJ.
TEST(Metrics, EnergyIsActionsTimesTheTable) {
  const Schedule s = two_stage();
  TaskGraph g = two_edges();
  g.tasks.resize(2);
  g.tasks[0].vector_elements = 10;
  g.tasks[0].vector_steps = 1;
  g.tasks[0].vector_read_bytes = 100;
  g.tasks[0].vector_write_bytes = 50;
  g.tasks[1].vector_elements = 20;
  g.tasks[1].vector_steps = 1;
  g.tasks[0].name = "F1";
  g.tasks[1].name = "F2";
  g.tasks[1].layer = 1;
  EnergyTable t;
  t.vector_op_pj = 1;
  t.sram_8kib_read_pj_per_byte = t.sram_32kib_read_pj_per_byte = t.sram_1mib_read_pj_per_byte = 1;
  t.dram_ddr3_pj_per_byte = 2;
  t.noc_router_pj_per_byte = t.noc_link_pj_per_byte = 0.5;
  t.pe_static_mw = t.vector_lane_static_mw = t.sram_static_mw_per_mib = 0;
  t.noc_link_static_mw = 1;
  t.dram_static_mw_per_channel = 2;
  MetricsInput in{two_procs(), s, g, pipeline_log(4), IterationPlan{1, 2, 1}, 0, {"r0c0->r0c1"}};
  in.energy = &t;
  const Metrics m = compute_metrics(in);
  const EnergyMetrics& e = m.energy;
  const double pj = 1e-12;
  EXPECT_NEAR(e.per_iteration.compute, 30 * pj, 1e-20);
  EXPECT_NEAR(e.per_iteration.sram, (150 + 2000 + 200) * pj, 1e-20);
  EXPECT_NEAR(e.per_iteration.dram, 400 * pj, 1e-20);
  EXPECT_NEAR(e.per_iteration.noc, 1000 * pj, 1e-20);
  EXPECT_NEAR(e.per_iteration.leakage, 300 * pj, 1e-20);
  EXPECT_NEAR(e.per_iteration.total(), 4080 * pj, 1e-20);
  EXPECT_NEAR(e.per_sample_j, 4080 * pj / 32, 1e-20);
  EXPECT_NEAR(e.average_power_w, 4080 * pj / 100e-9, 1e-12);
  ASSERT_EQ(e.per_processor_j.size(), 2u);
  EXPECT_NEAR(e.per_processor_j[0], (160 + 1000 + 200) * pj, 1e-20);
  EXPECT_NEAR(e.per_processor_j[1], (20 + 1000) * pj, 1e-20);
  ASSERT_EQ(e.per_link_j.size(), 1u);
  EXPECT_NEAR(e.per_link_j[0], 1100 * pj, 1e-20);
  ASSERT_EQ(e.per_channel_j.size(), 1u);
  EXPECT_NEAR(e.per_channel_j[0], 600 * pj, 1e-20);
  ASSERT_EQ(e.per_task.size(), 2u);
  EXPECT_NEAR(e.per_task[0].total_j(), 160 * pj, 1e-20);
  EXPECT_NEAR(e.per_layer_j[1], 20 * pj, 1e-20);
  EXPECT_DOUBLE_EQ(e.vector_ops, 30);

  // summary.json carries it under the documented keys.
  const auto j = to_json(m);
  EXPECT_NEAR(j["energy_per_sample_j"].get<double>(), 4080 * pj / 32, 1e-20);
  EXPECT_NEAR(j["energy_breakdown_j"]["noc"].get<double>(), 1000 * pj / 32, 1e-20);
  EXPECT_NEAR(j["energy_breakdown_j"]["static"].get<double>(), 300 * pj / 32, 1e-20);
  EXPECT_EQ(j["energy_by_task"].size(), 2u);
  bool declared = false;
  for (const auto& st : j["statistics"]) declared |= st["key"] == "energy_per_sample_j";
  EXPECT_TRUE(declared);

  // Power over time: the dynamic energy of the run plus static power, bin by bin.
  const auto power = power_over_time(in, 10);
  ASSERT_FALSE(power.empty());
  double dynamic_pj = 0;
  for (const auto& p : power)
    dynamic_pj += (p.total_w() - p.static_w) * static_cast<double>(p.end - p.begin) * 1e-9 / pj;
  // 4 iterations: tasks 4 x 180, messages 4 x 2000, DRAM 4 x 600, links 4 x 1000.
  EXPECT_NEAR(dynamic_pj, 4 * (180 + 2000 + 600 + 1000), 1e-6);
  EXPECT_NEAR(power.front().static_w, 0.003, 1e-15);
}

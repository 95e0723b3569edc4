#pragma once
// METHOD.md §6: every figure of a run, computed from its events and its schedule after the
// simulation. The steady state is the span from the completion of the last warm-up iteration to
// the completion of the last measured one; the run continues for `drain` iterations more so that
// every measured iteration completes inside a full pipeline (a draining pipeline skips work and
// would finish its last iterations faster than the period).
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/recorders/trace_input.h"
#include "spikepipe/core/schedule.h"
#include "spikepipe/workloads/energy.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

struct IterationPlan {
  uint32_t warmup = 0;    // iterations before the measured ones
  uint32_t measured = 8;  // iterations whose completions define the period
  uint32_t drain = 0;     // iterations simulated after them (the pipeline depth)
  // How warm-up and measured were chosen: "given" (both flags), "predicted steady state" (the
  // schedule's run_warmup / run_measured for what was not given) or "default".
  std::string basis = "default";
  uint32_t total() const { return warmup + measured + drain; }
  uint32_t first_measured() const { return warmup; }
  uint32_t last_measured() const { return warmup + measured - 1; }
};

// drain: the pipeline depth or the longest dependency distance, whichever is larger. Automatic
// (measured 0, warmup < 0): the schedule's predicted run (Schedule::run_measured, run_warmup)
// when it has one, else 8 measured after a warm-up of four times the drain.
IterationPlan plan_iterations(const Schedule& s, uint32_t measured, int warmup);
// The accepted --iterations (1..kMaxIterations) and --warmup (-1 = automatic, or
// 0..kMaxIterations); throws Error naming the flag and the range. plan_iterations checks them too.
inline constexpr uint32_t kMaxIterations = 1000000;
void check_iteration_counts(int64_t measured, int64_t warmup);

struct ProcessorMetrics {
  Cycles busy = 0;  // task cycles inside the steady-state span
  std::array<Cycles, kTaskKinds> busy_by_kind{};
  Cycles sending = 0, waiting = 0;
  double utilisation = 0.0;      // busy / span
  uint64_t peak_sram_bytes = 0;  // largest occupancy reported over the run
  uint64_t peak_spilled_bytes = 0;
  uint64_t weight_footprint_bytes = 0;  // weights held x versions (from the schedule)
  uint64_t ops = 0;                     // op instances run over the whole run
};

struct LinkMetrics {
  std::string name;
  uint64_t bytes = 0;  // per iteration, steady state
  Cycles busy = 0;     // inside the span
  double utilisation = 0.0;
  uint64_t transfers = 0;  // whole run
};

struct ChannelMetrics {
  uint64_t bytes = 0;  // per iteration, steady state
  Cycles busy = 0;
  double utilisation = 0.0;
  double achieved_bytes_per_cycle = 0.0;  // bytes inside the span / span
  uint64_t accesses = 0;  // whole run
  // Whole run; dram-model ddr4 / hbm2 only (0 with simple).
  uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0, refreshes = 0;
  double row_hit_rate = 0.0;  // row_hits / bursts
};

struct LatencyStats {
  uint64_t count = 0;
  double mean = 0.0;
  Cycles min = 0, p50 = 0, p95 = 0, max = 0;
};
LatencyStats latency_stats(std::vector<Cycles> values);  // nearest-rank percentiles

// Energy by component (docs/ENERGY.md), in joules.
struct EnergyBreakdown {
  double compute = 0, sram = 0, dram = 0, noc = 0, leakage = 0;  // leakage: static power x time
  double total() const { return compute + sram + dram + noc + leakage; }
  EnergyBreakdown scaled(double f) const { return {compute * f, sram * f, dram * f, noc * f, leakage * f}; }
};

// Energy of one task of the task graph per iteration (its actions: compute and operand SRAM).
struct TaskEnergyMetrics {
  std::string task;
  TaskKind kind = TaskKind::F;
  uint32_t layer = 0;
  double array_j = 0, vector_j = 0, sram_j = 0;
  double macs = 0, synops = 0, vector_ops = 0;
  double total_j() const { return array_j + vector_j + sram_j; }
};

// docs/ENERGY.md: per iteration in steady state (the measured iterations' op instances and
// messages, the DRAM and link traffic inside the span, static power over the period).
struct EnergyMetrics {
  std::string table;                 // where the action table came from
  EnergyBreakdown per_iteration;     // J per iteration by component
  double array_j = 0, vector_j = 0;  // compute = array + vector
  double sram_operand_j = 0;         // SRAM <-> array / vector unit (the tasks' operands)
  double sram_transfer_j = 0;        // SRAM side of messages and DRAM accesses
  double macs = 0, synops = 0, vector_ops = 0;  // per iteration
  double static_w = 0;                          // static power of the whole platform
  std::vector<double> per_processor_j, per_link_j, per_channel_j;  // per iteration
  std::vector<TaskEnergyMetrics> per_task;                         // per iteration
  std::vector<double> per_layer_j;  // sum of the layer's tasks, per iteration
  double per_sample_j = 0;          // per_iteration.total() / batch
  double average_power_w = 0;       // per_iteration.total() / period
  double edp_j_s = 0;               // energy-delay product per sample: per_sample_j x period / batch
};

struct Metrics {
  std::string scheduler;
  bool split = false;
  uint32_t processors = 0;
  uint32_t batch = 0;
  double clock_ghz = 1.0;
  IterationPlan plan;

  std::vector<Cycles> iteration_start, iteration_end, iteration_latency;  // every iteration
  Cycles span_begin = 0, span_end = 0;                                    // steady-state span
  double period_cycles = 0.0;
  // (largest - smallest completion interval of the measured iterations) / their mean. The run is
  // steady when the intervals repeat (within 0.5%) with a cycle of `cycle` iterations, at most
  // half the measured ones; the period is then the mean over the last whole cycles: iterations
  // measured_from .. measured_from + measured_used - 1 (all steady-state figures use them).
  double interval_spread = 0.0;
  uint32_t cycle = 0;
  bool steady = false;
  uint32_t measured_from = 0, measured_used = 0;
  double latency_cycles = 0.0;  // mean over the measured iterations
  Cycles latency_min = 0, latency_max = 0;
  Cycles fill_cycles = 0;   // time 0 to the first completion
  Cycles drain_cycles = 0;  // start of the last iteration to the end of the run
  Cycles end_time = 0;
  double throughput_samples_per_s = 0.0;

  Cycles predicted_period_cycles = 0, predicted_latency_cycles = 0;
  Cycles lower_bound_cycles = 0;     // the schedule's lower_bound: the same for every scheduler
  Cycles schedule_bound_cycles = 0;  // the schedule's own bound (placement and delays)
  double simulated_over_predicted = 0.0;  // period / predicted period
  double gap_to_lower_bound = 0.0;        // period / lower bound - 1

  std::vector<uint32_t> delays, weight_versions;
  std::vector<Cycles> predicted_loads;
  std::vector<uint64_t> predicted_sram_peak;  // per processor: the schedule's sram_peak

  std::vector<ProcessorMetrics> per_processor;
  double mean_utilisation = 0.0;
  uint64_t peak_sram_bytes = 0;  // max over processors

  // Bytes per iteration in steady state.
  std::array<uint64_t, kTensorKinds> bytes_by_kind{};            // sent between processors
  std::array<uint64_t, kTensorKinds> received_by_kind{};         // arrived (equal when complete)
  std::array<uint64_t, kTensorKinds> predicted_bytes_by_kind{};  // the schedule's
  std::array<uint64_t, kTensorKinds> dram_bytes_by_kind{};
  uint64_t inter_processor_bytes = 0, dram_bytes = 0, dram_spill_bytes = 0;
  uint64_t graph_bytes = 0;      // every edge of one iteration, local or remote
  uint64_t training_bytes = 0;   // graph_bytes + dram_bytes
  uint64_t pipedream_bytes = 0;  // standard pipelining's inter-processor bytes (the name is historical)
  double comm_overhead = 0.0;    // (inter_processor_bytes - pipedream_bytes) / training_bytes
  // The same numerator over all data movement training needs: training_bytes plus every task's
  // SRAM <-> array/vector operand traffic of one iteration (TaskGraph::sram_bytes, SCALE-Sim's
  // SRAM reads and writes). An additional basis, not a replacement (docs/RESULTS.md).
  uint64_t sram_operand_bytes = 0;
  uint64_t all_traffic_bytes = 0;  // training_bytes + sram_operand_bytes
  double comm_overhead_all_traffic = 0.0;

  std::vector<LinkMetrics> links;
  double mean_link_utilisation = 0.0, max_link_utilisation = 0.0;
  std::vector<ChannelMetrics> channels;
  std::string dram_model;                // dram-model
  double dram_peak_bytes_per_cycle = 0;  // one channel's data bus at full speed
  LatencyStats message_latency;
  uint64_t messages = 0, ops_run = 0;

  EnergyMetrics energy;
};

struct MetricsInput {
  const PlatformParams& platform;
  const Schedule& schedule;
  const TaskGraph& graph;
  const EventLog& log;  // sorted
  IterationPlan plan;
  uint64_t pipedream_bytes = 0;
  std::vector<std::string> link_names;
  const EnergyTable* energy = nullptr;  // the action table (nullptr: the built-in defaults)
};

// Section by section (platform/src/metrics/): iterations and the steady state, the schedule's
// predictions, processors, links, DRAM, communication. Throws Error when an iteration of the plan
// never completed (the run is incomplete).
Metrics compute_metrics(const MetricsInput& in);

// Power over time (docs/ENERGY.md): the run cut into `bins` equal intervals, each event's energy
// spread evenly over its duration, static power added; for the traces.
std::vector<PowerSample> power_over_time(const MetricsInput& in, uint32_t bins = 2000);

nlohmann::ordered_json to_json(const Metrics& m);
// The table `spikepipe run` prints.
std::string summary_text(const Metrics& m);

// Sum of a per-kind array.
uint64_t total(const std::array<uint64_t, kTensorKinds>& a);

}  // namespace spikepipe

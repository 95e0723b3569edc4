#pragma once
// One shipped network, scheduled and simulated on a preset, measured as `spikepipe run` measures
// it (warm-up, measured iterations, drain: platform/metrics.h; measured 0 = automatic, as
// `spikepipe run` without --iterations). For the tests that compare a
// simulated period with a schedule's prediction or bounds.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "spikepipe/platform/config.h"
#include "spikepipe/platform/metrics.h"
#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe::test {

struct MeasuredRun {
  Schedule schedule;
  SimResult sim;
  EventLog log;
  Metrics metrics;
  double sim_over_predicted() const {
    return metrics.period_cycles / double(schedule.predicted_period);
  }
};

// Every scheduler of the registry, and the ones that take --split once more with it: the
// parameters of a test over all schedules ({name, split}).
inline std::vector<std::pair<std::string, bool>> scheduler_variants() {
  std::vector<std::pair<std::string, bool>> v;
  for (const SchedulerEntry& e : schedulers()) {
    v.push_back({e.name, false});
    if (e.splits) v.push_back({e.name, true});
  }
  return v;
}

// Its test name: "spikepipe_split", "data_parallel".
inline std::string variant_name(const ::testing::TestParamInfo<std::pair<std::string, bool>>& i) {
  std::string n = i.param.first + (i.param.second ? "_split" : "");
  for (char& c : n)
    if (c == '-') c = '_';
  return n;
}

// On a platform changed from its preset (a key set by the test).
inline MeasuredRun measure_run(const PlatformParams& p, const std::string& network,
                               const std::string& scheduler, bool split, uint32_t measured) {
  const TaskGraph g = build_task_graph(load_network(network), p.processor.array);
  SchedulerOptions o = SchedulerOptions::for_platform(p);
  o.split = split;
  MeasuredRun r;
  r.schedule = make_schedule(scheduler, g, o);
  const IterationPlan plan = plan_iterations(r.schedule, measured, -1);
  SimOptions opt;
  opt.iterations = plan.total();
  r.sim = simulate(p, r.schedule, opt, r.log);
  r.log.sort();
  r.metrics = compute_metrics({p, r.schedule, g, r.log, plan, 0, {}});
  return r;
}

inline MeasuredRun measure_run(const std::string& preset, const std::string& network,
                               const std::string& scheduler, bool split, uint32_t measured) {
  return measure_run(load_platform(preset), network, scheduler, split, measured);
}

}  // namespace spikepipe::test

// The default trace window: small runs are traced whole, large ones only their first measured
// iterations, with a note that says so.
#include <gtest/gtest.h>

#include "spikepipe/platform/metrics.h"
#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/run.h"

using namespace spikepipe;

namespace {

EventLog log_with_tasks(uint64_t n) {
  EventLog log;
  log.tasks.resize(n);
  return log;
}

IterationPlan plan(uint32_t warmup, uint32_t measured, uint32_t drain) {
  IterationPlan p;
  p.warmup = warmup;
  p.measured = measured;
  p.drain = drain;
  return p;
}

}  // namespace

TEST(DefaultTraceWindow, AtTheBudgetEverythingIsTraced) {
  std::string note;
  TraceWindow w = default_trace_window(log_with_tasks(kTraceEventBudget), plan(12, 8, 3), &note);
  EXPECT_TRUE(w.all());
  EXPECT_TRUE(note.empty());
}

TEST(DefaultTraceWindow, AboveTheBudgetTheFirstMeasuredIterationsAreTraced) {
  std::string note;
  TraceWindow w = default_trace_window(log_with_tasks(kTraceEventBudget + 1), plan(12, 8, 3), &note);
  EXPECT_EQ(w.first, 12u);
  EXPECT_EQ(w.last, 12u + kDefaultTraceIterations - 1);
  EXPECT_NE(note.find("12..15"), std::string::npos) << note;
  EXPECT_NE(note.find("--trace-window"), std::string::npos) << note;
}

TEST(DefaultTraceWindow, FewerMeasuredIterationsThanTheDefaultGiveFewer) {
  TraceWindow w = default_trace_window(log_with_tasks(kTraceEventBudget * 2), plan(5, 2, 1));
  EXPECT_EQ(w.first, 5u);
  EXPECT_EQ(w.last, 6u);
}

TEST(DefaultTraceWindow, MessagesWeighMoreThanTasks) {
  // A message becomes a send slice, a receive slice and two flow ends in Perfetto.
  EventLog log;
  log.messages.resize(kTraceEventBudget / 4 + 1);
  EXPECT_FALSE(default_trace_window(log, plan(0, 8, 0)).all());
}

// A schedule that cannot complete ends with an error naming who waits for what, never a hang.
#include <gtest/gtest.h>

#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/core/error.h"
#include "support/hand_schedule.h"
#include "support/sc_fixture.h"

using namespace spikepipe;

class Deadlock : public SystemCTest {};

TEST_F(Deadlock, ACyclicWaitIsReportedByProcessorAndOp) {
  // F1 on P0 needs F2 of the same iteration from P1, and F2 needs F1: neither can start.
  test::HandSchedule h(2);
  const OpId f1 = h.op(0, TaskKind::F, 0, 10, 0);
  const OpId f2 = h.op(1, TaskKind::F, 1, 10, 0);
  h.dep(f1, f2, 64);
  h.dep(f2, f1, 64);
  const Schedule& s = h.s;
  PlatformParams p;
  p.processors = 2;
  p.noc.cols = 2;
  p.noc.rows = 1;
  EventLog log;
  try {
    simulate(p, s, SimOptions{2, false}, log);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("deadlock"), std::string::npos) << m;
    EXPECT_NE(m.find("F1"), std::string::npos) << m;
    EXPECT_NE(m.find("F2"), std::string::npos) << m;
  }
}

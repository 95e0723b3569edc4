// A schedule that cannot complete ends with an error naming who waits for what, never a hang.
#include <gtest/gtest.h>

#include "spikepipe/platform/recorders/event_log.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/workloads/error.h"
#include "support/sc_fixture.h"

using namespace spikepipe;

class Deadlock : public SystemCTest {};

TEST_F(Deadlock, ACyclicWaitIsReportedByProcessorAndOp) {
  // F1 on P0 needs F2 of the same iteration from P1, and F2 needs F1: neither can start.
  Schedule s;
  s.scheduler = "hand";
  s.processors = 2;
  Op a;
  a.id = OpId(0);
  a.kind = TaskKind::F;
  a.layer = 0;
  a.proc = ProcessorId(0);
  a.array_cycles = 10;
  Op b = a;
  b.id = OpId(1);
  b.layer = 1;
  b.proc = ProcessorId(1);
  s.ops = {a, b};
  s.programs = {{OpId(0)}, {OpId(1)}};
  Dep ab;
  ab.src = OpId(0);
  ab.dst = OpId(1);
  ab.bytes = 64;
  Dep ba = ab;
  ba.src = OpId(1);
  ba.dst = OpId(0);
  s.deps = {ab, ba};
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

// simulate() refuses bad inputs before it builds anything, naming what is wrong.
#include <gtest/gtest.h>

#include "spikepipe/platform/simulate.h"
#include "spikepipe/core/error.h"
#include "support/hand_schedule.h"

namespace spikepipe {
namespace {

using test::HandSchedule;

std::string error_of(const PlatformParams& p, const Schedule& s, uint32_t iterations = 2) {
  SimOptions o;
  o.iterations = iterations;
  NullProbe probe;
  try {
    simulate(p, s, o, probe);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

PlatformParams two() {
  PlatformParams p;
  p.processors = 2;
  p.noc.cols = 2;
  p.noc.rows = 1;
  return p;
}

TEST(SimulateErrors, MoreProgramsThanProcessors) {
  HandSchedule h(3);
  h.op(2, TaskKind::F, 0, 1, 1);
  EXPECT_NE(error_of(two(), h.s).find("programs for 3 processors, the platform has 2"),
            std::string::npos);
}

TEST(SimulateErrors, OpInTheWrongProgram) {
  HandSchedule h(2);
  const OpId a = h.op(0, TaskKind::F, 0, 1, 1);
  h.at(a).proc = ProcessorId(1);
  EXPECT_NE(
      error_of(two(), h.s)
          .find("F1 (op 0) is placed on processor 1 but listed in the program of processor 0"),
      std::string::npos);
}

TEST(SimulateErrors, OpInNoProgramOrTwice) {
  HandSchedule h(2);
  const OpId a = h.op(0, TaskKind::F, 0, 1, 1);
  h.s.programs[0].push_back(a);
  EXPECT_NE(error_of(two(), h.s).find("listed twice"), std::string::npos);
  h.s.programs[0].clear();
  EXPECT_NE(error_of(two(), h.s).find("is in no program"), std::string::npos);
}

TEST(SimulateErrors, DepToUnknownOpAndZeroIterations) {
  HandSchedule h(2);
  const OpId a = h.op(0, TaskKind::F, 0, 1, 1);
  EXPECT_NE(error_of(two(), h.s, 0).find("iterations = 0"), std::string::npos);
  h.dep(a, OpId(9), 10);
  EXPECT_NE(error_of(two(), h.s).find("dep 0 names an unknown op"), std::string::npos);
}

TEST(SimulateErrors, BadPlatformNamesTheKey) {
  HandSchedule h(2);
  h.op(0, TaskKind::F, 0, 1, 1);
  PlatformParams p = two();
  p.noc.packet_bytes = 0;
  EXPECT_NE(error_of(p, h.s).find("noc-packet-bytes"), std::string::npos);
}

}  // namespace
}  // namespace spikepipe

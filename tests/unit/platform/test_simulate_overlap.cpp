// overlap-units: the array and the vector unit as separate resources, timed by hand.
#include <gtest/gtest.h>

#include "spikepipe/platform/simulate.h"
#include "support/sc_fixture.h"
#include "support/recording_probe.h"

namespace spikepipe {
namespace {

using test::HandSchedule;
using test::RecordingProbe;

PlatformParams one_processor() {
  PlatformParams p;
  p.processors = 1;
  p.noc.cols = p.noc.rows = 1;
  p.processor.overlap_units = true;
  return p;
}

class SimulateOverlap : public SystemCTest {};

TEST_F(SimulateOverlap, IndependentOpsOverlapArrayAndVector) {
  // A: array [0,100) vector [100,150); B: array [100,180) vector [180,220);
  // A1: array [180,280) vector [280,330); B1: array [280,360) vector [360,400).
  HandSchedule h(1);
  const OpId a = h.op(0, TaskKind::F, 0, 100, 50), b = h.op(0, TaskKind::G, 0, 80, 40);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 2;
  const SimResult r = simulate(one_processor(), h.s, o, probe);
  EXPECT_EQ(probe.task(b, 0)->start, 100u);
  EXPECT_EQ(probe.task(b, 0)->end, 220u);
  EXPECT_EQ(probe.task(a, 1)->start, 180u);
  EXPECT_EQ(probe.task(a, 1)->end, 330u);
  EXPECT_EQ(r.end_time, 400u);  // 540 without overlap
}

TEST_F(SimulateOverlap, LocalDependencyWaitsForTheVectorPart) {
  // B needs A: B0 starts when A0's vector part ends (150), A1's array follows B0's (230).
  HandSchedule h(1);
  const OpId a = h.op(0, TaskKind::F, 0, 100, 50), b = h.op(0, TaskKind::D, 0, 80, 40);
  h.dep(a, b, 64, TensorKind::Stash);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 2;
  const SimResult r = simulate(one_processor(), h.s, o, probe);
  EXPECT_EQ(probe.task(b, 0)->start, 150u);
  EXPECT_EQ(probe.task(a, 1)->start, 230u);
  EXPECT_EQ(probe.task(b, 1)->start, 380u);
  EXPECT_EQ(r.end_time, 500u);
}

}  // namespace
}  // namespace spikepipe

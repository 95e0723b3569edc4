// SRAM spills happen exactly when the held tensors exceed the capacity, with the DRAM traffic and
// the consumer's wait modelled; a program-order deadlock on one processor is reported.
#include <gtest/gtest.h>

#include "spikepipe/platform/simulate.h"
#include "spikepipe/core/error.h"
#include "support/sc_fixture.h"
#include "support/recording_probe.h"

namespace spikepipe {
namespace {

using test::HandSchedule;
using test::RecordingProbe;

// 1 processor with 1000 bytes of SRAM; F holds 400 bytes of weights and stashes `stash` bytes
// for D on the same processor.
struct StashRun {
  RecordingProbe probe;
  OpId f, d;
  void run(uint64_t stash) {
    PlatformParams p;
    p.processors = 1;
    p.processor.array.rows = p.processor.array.cols = 8;
    p.processor.sram_bytes = 1000;
    p.noc.cols = p.noc.rows = 1;
    p.memory.channels = 1;
    p.memory.channel_bytes_per_cycle = 1;
    p.memory.latency = 100;
    HandSchedule h(1);
    f = h.op(0, TaskKind::F, 0, 50, 0);
    d = h.op(0, TaskKind::D, 0, 0, 30);
    h.at(f).weight_bytes = 400;
    h.s.weight_versions = {1};
    h.dep(f, d, stash, TensorKind::Stash);
    SimOptions o;
    o.iterations = 1;
    simulate(p, h.s, o, probe);
  }
};

class SimulateSram : public SystemCTest {};

TEST_F(SimulateSram, FitsExactlyNoSpill) {
  StashRun r;
  r.run(600);
  EXPECT_TRUE(r.probe.memory.empty());
  EXPECT_EQ(r.probe.task(r.d, 0)->start, 50u);
  uint64_t peak = 0;
  for (const auto& e : r.probe.sram) {
    peak = std::max(peak, e.bytes);
    EXPECT_EQ(e.spilled, 0u);
  }
  EXPECT_EQ(peak, 1000u);
  EXPECT_EQ(r.probe.sram.back().bytes, 400u);  // the stash was released when D finished
}

TEST_F(SimulateSram, OneByteOverSpillsOneByte) {
  StashRun r;
  r.run(601);
  // The byte that does not fit leaves at 50 (1 cycle through the network interface), reaches the
  // channel at 51 + latency: [151,152). D reads it back at 50: the read queues behind the write,
  // [152,153), and the byte is in at 153.
  ASSERT_EQ(r.probe.memory.size(), 2u);
  EXPECT_TRUE(r.probe.memory[0].write);
  EXPECT_TRUE(r.probe.memory[0].spill);
  EXPECT_EQ(r.probe.memory[0].bytes, 1u);
  EXPECT_FALSE(r.probe.memory[1].write);
  EXPECT_TRUE(r.probe.memory[1].spill);
  EXPECT_EQ(r.probe.memory[1].bytes, 1u);
  EXPECT_EQ(r.probe.memory[0].start, 151u);
  EXPECT_EQ(r.probe.memory[1].start, 152u);
  EXPECT_EQ(r.probe.task(r.d, 0)->start, 153u);
  bool saw_spill = false;
  for (const auto& e : r.probe.sram) saw_spill = saw_spill || e.spilled == 1;
  EXPECT_TRUE(saw_spill);
}

TEST_F(SimulateSram, ProgramOrderDeadlockIsReported) {
  PlatformParams p;
  p.processors = 1;
  p.noc.cols = p.noc.rows = 1;
  HandSchedule h(1);
  const OpId a = h.op(0, TaskKind::D, 1, 10, 0);
  const OpId b = h.op(0, TaskKind::F, 1, 10, 0);
  h.dep(b, a, 8, TensorKind::Stash);  // D runs first in the program but needs F of the same round
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 1;
  try {
    simulate(p, h.s, o, probe);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "processor 0 waits for D2 (op 0) of iteration 0: missing F2 (op 1)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace spikepipe

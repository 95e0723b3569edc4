// simulate() on hand-built schedules whose timing is worked out by hand from docs/EXECUTION.md.
#include <gtest/gtest.h>

#include <algorithm>

#include "spikepipe/platform/simulate.h"
#include "spikepipe/core/error.h"
#include "support/sc_fixture.h"
#include "support/recording_probe.h"

namespace spikepipe {
namespace {

using test::HandSchedule;
using test::RecordingProbe;

PlatformParams small_platform(uint32_t processors, uint32_t cols, uint32_t rows) {
  PlatformParams p;
  p.name = "test";
  p.processors = processors;
  p.processor.array.rows = p.processor.array.cols = 8;
  p.noc.cols = cols;
  p.noc.rows = rows;
  p.noc.link_bytes_per_cycle = 32;
  p.noc.router_latency = 2;
  p.noc.packet_bytes = 256;
  p.memory.channels = 1;
  p.memory.channel_bytes_per_cycle = 25.6;
  p.memory.latency = 100;
  return p;
}

class Simulate : public SystemCTest {};

TEST_F(Simulate, ComputeTimeEqualsCostModel) {
  PlatformParams p = small_platform(1, 1, 1);
  GemmShape g{640, 100, 300};  // M, N, K
  const GemmCost gc = gemm_cost(g, p.processor.array);
  const Cycles vec = vector_cycles(32 * 100, 20, p.processor.array.vector_lanes);
  HandSchedule h(1);
  const OpId f = h.op(0, TaskKind::F, 0, gc.cycles, vec);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 3;
  const SimResult r = simulate(p, h.s, o, probe);
  ASSERT_EQ(probe.tasks.size(), 3u);
  for (uint32_t k = 0; k < 3; ++k) {
    const TaskEvent* t = probe.task(f, k);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->start, k * (gc.cycles + vec));
    EXPECT_EQ(t->array_end - t->start, gc.cycles);
    EXPECT_EQ(t->end - t->array_end, vec);
  }
  EXPECT_EQ(r.end_time, 3 * (gc.cycles + vec));
  EXPECT_EQ(r.ops_run, 3u);
  EXPECT_EQ(r.messages, 0u);
}

TEST_F(Simulate, TwoProcessorsMatchTheAnalyticTimes) {
  // P0 runs A (100 + 20) and sends 1000 bytes to B (50 + 10) on P1, one hop away on a 2x2 mesh.
  // Per iteration P0 is busy 120 + ceil(1000/32) = 152; the message lands 2 cycles after its
  // injection ends. A_k starts at 152k, B_k at 152k + 154 and ends 60 later.
  PlatformParams p = small_platform(2, 2, 2);
  HandSchedule h(2);
  const OpId a = h.op(0, TaskKind::F, 0, 100, 20);
  const OpId b = h.op(1, TaskKind::F, 1, 50, 10);
  h.dep(a, b, 1000);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 3;
  const SimResult r = simulate(p, h.s, o, probe);
  for (uint32_t k = 0; k < 3; ++k) {
    EXPECT_EQ(probe.task(a, k)->start, 152 * k);
    EXPECT_EQ(probe.task(b, k)->start, 152 * k + 154);
    EXPECT_EQ(r.iteration_start[k], 152 * k);
    EXPECT_EQ(r.iteration_end[k], 152 * k + 214);
  }
  EXPECT_EQ(r.end_time, 304u + 214);
  EXPECT_EQ(r.messages, 3u);
  ASSERT_EQ(probe.messages.size(), 3u);
  EXPECT_EQ(probe.messages[1].sent, 272u);
  EXPECT_EQ(probe.messages[1].injected, 304u);
  EXPECT_EQ(probe.messages[1].received, 306u);
  EXPECT_EQ(probe.messages[1].src, ProcessorId(0));
  EXPECT_EQ(probe.messages[1].dst, ProcessorId(1));
  // P1 waited for every message: [0,154), [214,306), [366,458).
  ASSERT_EQ(probe.waits.size(), 3u);
  EXPECT_EQ(probe.waits[1].start, 214u);
  EXPECT_EQ(probe.waits[1].end, 306u);
}

TEST_F(Simulate, MessagesSharingALinkSerialise) {
  // 4x1 mesh: A on P0 (node 0) -> C on P2 (node 2) and B on P1 (node 1) -> D on P3 (node 3)
  // both send 512 bytes at 100 and share link r0c1->r0c2. A's message lands at 100 + 16 + 2*2;
  // B's waits for A's packets on the shared link (until 100 + 2 + 2 + 16) and lands 16 + 2 later.
  PlatformParams p = small_platform(4, 4, 1);
  HandSchedule h(4);
  const OpId a = h.op(0, TaskKind::F, 0, 100, 0), b = h.op(1, TaskKind::F, 0, 100, 0);
  const OpId c = h.op(2, TaskKind::F, 1, 10, 0), d = h.op(3, TaskKind::F, 1, 10, 0);
  h.dep(a, c, 512);
  h.dep(b, d, 512);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 1;
  simulate(p, h.s, o, probe);
  EXPECT_EQ(probe.task(c, 0)->start, 100u + 16 + 4);
  EXPECT_EQ(probe.task(d, 0)->start, 100u + 20 + 16 + 2);
}

TEST_F(Simulate, DisjointPathsDoNotSlowEachOther) {
  PlatformParams p = small_platform(4, 4, 1);
  HandSchedule h(4);
  const OpId a = h.op(0, TaskKind::F, 0, 100, 0), b = h.op(2, TaskKind::F, 0, 100, 0);
  const OpId c = h.op(1, TaskKind::F, 1, 10, 0), d = h.op(3, TaskKind::F, 1, 10, 0);
  h.dep(a, c, 512);  // r0c0 -> r0c1
  h.dep(b, d, 512);  // r0c2 -> r0c3
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 1;
  simulate(p, h.s, o, probe);
  EXPECT_EQ(probe.task(c, 0)->start, 100u + 16 + 2);
  EXPECT_EQ(probe.task(d, 0)->start, 100u + 16 + 2);
}

TEST_F(Simulate, FirstLayerReadsItsInputFromDram) {
  // One channel, controller at the processor's node: latency + ceil(1000 / 25.6) = 140.
  PlatformParams p = small_platform(1, 1, 1);
  HandSchedule h(1);
  const OpId f = h.op(0, TaskKind::F, 0, 50, 0);
  h.at(f).dram_read_bytes = 1000;
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 2;
  simulate(p, h.s, o, probe);
  EXPECT_EQ(probe.task(f, 0)->start, 140u);
  EXPECT_EQ(probe.task(f, 1)->start, 190u + 140);
  ASSERT_EQ(probe.memory.size(), 2u);
  EXPECT_EQ(probe.memory[0].kind, TensorKind::Input);
  EXPECT_FALSE(probe.memory[0].write);
  EXPECT_EQ(probe.memory[0].bytes, 1000u);
}

TEST_F(Simulate, ConcurrentDramReadsQueueOnAChannel) {
  // Four processors read 2560 bytes each at cycle 0 from one channel of 25.6 B/cycle (100 cycles
  // each), controllers at every node: the channel serves them back to back after the latency.
  PlatformParams p = small_platform(4, 4, 1);
  p.noc.topology = NocShape::Crossbar;
  p.memory.controller_nodes = {0, 1, 2, 3};
  HandSchedule h(4);
  std::vector<OpId> f;
  for (uint32_t q = 0; q < 4; ++q) {
    f.push_back(h.op(q, TaskKind::F, 0, 10, 0));
    h.at(f.back()).dram_read_bytes = 2560;
  }
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 1;
  simulate(p, h.s, o, probe);
  std::vector<Cycles> starts;
  for (OpId id : f) starts.push_back(probe.task(id, 0)->start);
  std::sort(starts.begin(), starts.end());
  EXPECT_EQ(starts, (std::vector<Cycles>{200, 300, 400, 500}));
  uint64_t bytes = 0;
  for (const auto& m : probe.memory) bytes += m.bytes;
  EXPECT_DOUBLE_EQ(double(bytes) / double(starts.back() - 100), 25.6);  // saturated
}

TEST_F(Simulate, WeightDepWithDistanceIsSatisfiedAtFirst) {
  // U of iteration k feeds F of iteration k + 2 on another processor; F_0 and F_1 run at once.
  PlatformParams p = small_platform(2, 2, 1);
  HandSchedule h(2);
  const OpId f = h.op(0, TaskKind::F, 0, 10, 0);
  const OpId u = h.op(1, TaskKind::U, 0, 0, 100);
  h.dep(f, u, 64, TensorKind::Spikes);
  h.dep(u, f, 64, TensorKind::Weights, 2);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 4;
  const SimResult r = simulate(p, h.s, o, probe);
  EXPECT_EQ(probe.task(f, 0)->start, 0u);
  EXPECT_EQ(probe.task(f, 1)->start, 12u);  // after F_0 (10) and its injection (2)
  // F_2 needs U_0: F_0 ends 10, message lands 14, U_0 runs [14, 114), its message lands 118.
  EXPECT_EQ(probe.task(f, 2)->start, 118u);
  EXPECT_EQ(r.ops_run, 8u);
  EXPECT_EQ(r.messages, 4u + 4u);  // one per remote out-dep, U_2 and U_3's ones are dropped
}

TEST_F(Simulate, DeadlockNamesTheWaitingOps) {
  PlatformParams p = small_platform(2, 2, 1);
  HandSchedule h(2);
  const OpId a = h.op(0, TaskKind::F, 0, 10, 0);
  const OpId b = h.op(1, TaskKind::E, 2, 10, 0);
  h.dep(b, a, 8, TensorKind::Errors);
  h.dep(a, b, 8, TensorKind::Spikes);
  RecordingProbe probe;
  SimOptions o;
  o.iterations = 2;
  try {
    simulate(p, h.s, o, probe);
    FAIL() << "expected a deadlock";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("deadlock"), std::string::npos) << m;
    EXPECT_NE(m.find("processor 0 waits for F1 (op 0) of iteration 0: missing E3 (op 1) on "
                     "processor 1 iteration 0"),
              std::string::npos)
        << m;
    EXPECT_NE(
        m.find("processor 1 waits for E3 (op 1) of iteration 0: missing F1 (op 0) on processor 0"),
        std::string::npos)
        << m;
  }
}

}  // namespace
}  // namespace spikepipe

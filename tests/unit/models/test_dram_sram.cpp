// DRAM channels (interleaving, queueing, saturation) and SRAM spilling, without a kernel.
#include <gtest/gtest.h>

#include "support/recording_probe.h"
#include "spikepipe/models/dram.h"
#include "spikepipe/core/sram.h"

namespace spikepipe {
namespace {

MemoryParams mem(uint32_t channels, double bw, Cycles latency, uint32_t il) {
  MemoryParams p;
  p.channels = channels;
  p.channel_bytes_per_cycle = bw;
  p.latency = latency;
  p.interleave_bytes = il;
  return p;
}

TEST(Dram, InterleavesAcrossChannels) {
  DramTiming d(mem(4, 16, 50, 256));
  std::vector<uint64_t> per;
  d.split(0, 4096, per);
  EXPECT_EQ(per, (std::vector<uint64_t>{1024, 1024, 1024, 1024}));
  d.split(100, 1000,
          per);  // [100,256) ch0, [256,512) ch1, [512,768) ch2, [768,1024) ch3, [1024,1100) ch0
  EXPECT_EQ(per, (std::vector<uint64_t>{156 + 76, 256, 256, 256}));
  d.split(256 * 5, 10, per);
  EXPECT_EQ(per, (std::vector<uint64_t>{0, 10, 0, 0}));
}

TEST(Dram, SingleAccessIsLatencyPlusTransfer) {
  DramTiming d(mem(1, 25.6, 100, 256));
  test::RecordingProbe probe;
  MemoryEvent proto;
  const auto a = d.access(0, 1000, 10, proto, probe);
  EXPECT_EQ(a.done, 10u + 100 + 40);  // ceil(1000 / 25.6) = 40
  ASSERT_EQ(probe.memory.size(), 1u);
  EXPECT_EQ(probe.memory[0].bytes, 1000u);
}

TEST(Dram, ChannelSaturatesAtItsBandwidth) {
  // 100 requests of 512 bytes at time 0 on one channel of 16 B/cycle: the bus never idles after
  // the first latency, so the last completes at latency + 100 * 32 and the channel moved
  // exactly 16 bytes per cycle.
  DramTiming d(mem(2, 16, 80, 512));
  test::RecordingProbe probe;
  MemoryEvent proto;
  Cycles last = 0;
  for (int i = 0; i < 100; ++i)
    last = d.access(1024ull * i, 512, 0, proto, probe).done;  // all on channel 0
  EXPECT_EQ(last, 80u + 100 * 32);
  // What the channels report: every byte and busy cycle on channel 0, none on channel 1.
  uint64_t bytes[2] = {0, 0};
  Cycles busy[2] = {0, 0};
  for (const auto& e : probe.memory) {
    bytes[e.channel] += e.bytes;
    busy[e.channel] += e.end - e.start;
  }
  EXPECT_EQ(bytes[0], 51200u);
  EXPECT_EQ(busy[0], 3200u);
  EXPECT_DOUBLE_EQ(double(bytes[0]) / double(last - 80), 16.0);
  EXPECT_EQ(bytes[1], 0u);
  // The other channel is free: a request there is not delayed by channel 0's queue.
  EXPECT_EQ(d.access(512, 512, 0, proto, probe).done, 80u + 32);
}

TEST(Dram, ChannelAddressPacksTheChannelsUnits) {
  DramTiming d(mem(2, 16, 50, 256));
  EXPECT_EQ(d.channel_address(300, 1), 44u);   // unit 1 is channel 1's unit 0
  EXPECT_EQ(d.channel_address(300, 0), 256u);  // the range goes on in unit 2, channel 0's unit 1
  EXPECT_EQ(d.channel_address(1024, 0), 512u);
}

// dram-model ddr4 behind access(): each channel's share is one stream of bursts on its banks,
// timed in tCK and reported in cycles (rounded up), with its row-buffer outcome.
TEST(Dram, Ddr4AccessIsTheBankTimingOfEachChannelsShare) {
  MemoryParams p = mem(2, 16, 50, 256);
  p.model = DramModel::DDR4;
  DramTiming d(p, 1.0);
  ASSERT_NE(d.spec(), nullptr);
  const DramSpec& s = *d.spec();
  test::RecordingProbe probe;
  MemoryEvent proto;
  const auto a = d.access(0, 1024, 0, proto, probe);  // 512 B = 8 bursts on each channel
  const uint64_t done = s.tRCD + s.CL + s.tBURST + 7 * s.tCCD_S;
  EXPECT_EQ(a.done, s.cycles(done, 1.0));
  EXPECT_EQ(a.first, s.cycles(s.tRCD + s.CL, 1.0));
  ASSERT_EQ(probe.memory.size(), 2u);
  for (const auto& e : probe.memory) {
    EXPECT_EQ(e.bytes, 512u);
    EXPECT_EQ(e.row_misses, 4u);  // one bank in each of the four bank groups
    EXPECT_EQ(e.row_hits, 4u);
    EXPECT_EQ(e.row_conflicts, 0u);
  }
  // Ready at cycle 1000: 1600 tCK; the rows are open, the banks long ready: CL + 8 bursts.
  const auto b = d.access(1024, 512, 1000, proto, probe);
  EXPECT_EQ(b.done, s.cycles(s.ticks(1000, 1.0) + s.CL + s.tBURST + 3 * s.tCCD_S, 1.0));
  EXPECT_EQ(probe.memory.back().row_hits, 4u);
}

// Driven causally (submit in any order, advance with time), the channels serve requests in the
// order they become ready: a row hit submitted first but ready later does not overtake a
// conflict that is ready earlier (access(), in call order, would serve the hit first).
TEST(Dram, CausalDrivingServesInReadyOrder) {
  MemoryParams p = mem(1, 16, 50, 256);
  p.model = DramModel::DDR4;
  DramTiming d(p, 1.0);
  const DramSpec& s = *d.spec();
  test::RecordingProbe probe;
  MemoryEvent proto;
  d.access(0, 64, 0, proto, probe);  // opens row 0 of bank 0, group 0
  const uint64_t row1 = uint64_t(s.page_bytes) * s.bank_groups * s.banks;  // same bank, row 1
  d.submit(1, 256, 64, 1000, proto, probe);  // a hit, ready at cycle 1000 (tCK 1600)
  d.submit(2, row1, 64, 100, proto, probe);  // a conflict, ready at cycle 100 (tCK 160)
  EXPECT_EQ(d.next_event_time(), 100u);
  std::vector<DramTiming::Completion> done;
  d.advance(99, probe, done);
  EXPECT_TRUE(done.empty());
  d.advance(100, probe, done);
  ASSERT_EQ(done.size(), 1u);
  const Tick conflict = s.tRP + s.tRCD + s.CL + s.tBURST;
  EXPECT_EQ(done[0].tag, 2u);
  EXPECT_EQ(done[0].done, s.cycles(160 + conflict, 1.0));
  EXPECT_EQ(d.next_event_time(), 1000u);
  d.advance(DramTiming::kNoEvent, probe, done);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[1].tag, 1u);
  EXPECT_EQ(done[1].done, s.cycles(1600 + conflict, 1.0));  // row 1 is open by then
  EXPECT_EQ(probe.memory.back().row_conflicts, 1u);
  EXPECT_EQ(d.next_event_time(), DramTiming::kNoEvent);
  // simple: reserved at submission, reported by advance.
  DramTiming q(mem(1, 16, 50, 256));
  q.submit(7, 0, 160, 10, proto, probe);
  EXPECT_EQ(q.next_event_time(), 10u);
  done.clear();
  q.advance(10, probe, done);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].done, 10u + 50 + 10);
}

TEST(Sram, SpillsExactlyWhenOverCapacity) {
  SramModel s(1000, 400);
  EXPECT_EQ(s.occupancy(), 400u);
  auto a = s.hold(600);  // fills it exactly: no spill
  EXPECT_EQ(a.spilled, 0u);
  EXPECT_EQ(s.occupancy(), 1000u);
  auto b = s.hold(1);  // one byte over
  EXPECT_EQ(b.resident, 0u);
  EXPECT_EQ(b.spilled, 1u);
  EXPECT_EQ(s.spilled(), 1u);
  s.release(a);
  EXPECT_EQ(s.occupancy(), 400u);
  auto c = s.hold(700);
  EXPECT_EQ(c.resident, 600u);
  EXPECT_EQ(c.spilled, 100u);
  EXPECT_EQ(s.spilled(), 101u);
  EXPECT_EQ(s.occupancy(), 1000u);  // full again
  s.release(b);
  s.release(c);
  EXPECT_EQ(s.spilled(), 0u);
}

TEST(Sram, WeightsBeyondCapacityAreStreamed) {
  SramModel s(1000, 1500);
  EXPECT_EQ(s.occupancy(), 1000u);
  EXPECT_EQ(s.weight_excess(), 500u);
  EXPECT_EQ(s.hold(10).spilled, 10u);
}

}  // namespace
}  // namespace spikepipe

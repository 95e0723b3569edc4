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

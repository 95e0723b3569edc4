// Link reservation without a kernel: the closed form, packet pipelining, sharing and disjoint
// paths, and what the link events carry (the per-link statistics are computed from them).
#include <gtest/gtest.h>

#include "support/recording_probe.h"
#include "spikepipe/models/noc.h"

namespace spikepipe {
namespace {

NocParams mesh4x4() {
  NocParams p;
  p.cols = p.rows = 4;
  p.link_bytes_per_cycle = 32;
  p.router_latency = 3;
  p.packet_bytes = 256;
  return p;
}

TEST(NocTiming, ClosedFormWithoutContention) {
  for (uint64_t bytes : {1ull, 32ull, 100ull, 256ull, 1000ull, 4096ull, 10001ull}) {
    for (uint32_t dst : {1u, 5u, 15u}) {
      test::RecordingProbe probe;
      NocTiming n(mesh4x4(), probe);
      const uint32_t h = n.topology().hops(0, dst);
      const auto t = n.send(0, dst, bytes, 1000, 7);
      EXPECT_EQ(t.injected, 1000 + (bytes + 31) / 32);
      EXPECT_EQ(t.arrival, 1000 + (bytes + 31) / 32 + h * 3) << bytes << " bytes, " << h << " hops";
      EXPECT_EQ(t.hops, h);
      EXPECT_EQ(t.packets, (bytes + 255) / 256);
      // Back-to-back packets merge into one event per link carrying all the bytes.
      ASSERT_EQ(probe.links.size(), h);
      for (const auto& e : probe.links) {
        EXPECT_EQ(e.bytes, bytes);
        EXPECT_EQ(e.end - e.start, (bytes + 31) / 32);
        EXPECT_EQ(e.message, 7u);
      }
    }
  }
}

TEST(NocTiming, FractionalBandwidthStillMatchesClosedForm) {
  NocParams p = mesh4x4();
  p.link_bytes_per_cycle = 25.6;
  p.packet_bytes = 100;  // packets end on fractional cycles; the message still takes ceil(b/bw)
  NullProbe probe;
  NocTiming n(p, probe);
  const auto t = n.send(0, 3, 1000, 0, 1);
  EXPECT_EQ(t.injected, 40u);  // ceil(1000 / 25.6) = 40
  EXPECT_EQ(t.arrival, 40u + 3 * 3);
}

TEST(NocTiming, SharedLinkSerialises) {
  test::RecordingProbe probe;
  NocTiming n(mesh4x4(), probe);
  // 0 -> 2 and 1 -> 3 share link r0c1->r0c2. Each alone: 512/32 = 16 cycles + 2 hops * 3.
  const auto a = n.send(0, 2, 512, 0, 1);
  const auto b = n.send(1, 3, 512, 0, 2);
  EXPECT_EQ(a.arrival, 16u + 6);
  // b reaches the shared link at 3 but a holds it until 22 ([6,14) and [14,22)); b then needs
  // its own serialisation (16) there and one more hop: 22 + 16 + 3.
  EXPECT_EQ(b.arrival, 22u + 16 + 3);
  // Link 0 (r0c0->r0c1) carried only a's train.
  uint64_t link0 = 0;
  for (const auto& e : probe.links) link0 += e.link == LinkId(0) ? e.bytes : 0;
  EXPECT_EQ(link0, 512u);
}

// Sends are called in issue order, not in the order they reach a link: a train called first for
// a later time leaves the link free before it to trains called after it that fit there.
TEST(NocTiming, ALaterReservationLeavesTheLinkFreeBeforeIt) {
  test::RecordingProbe probe;
  NocTiming n(mesh4x4(), probe);
  const auto late = n.send(0, 1, 512, 1000, 1);  // link r0c0->r0c1 held [1003, 1019)
  EXPECT_EQ(late.arrival, 1000u + 16 + 3);
  const auto early = n.send(0, 1, 512, 0, 2);  // fits in [3, 19): as if alone
  EXPECT_EQ(early.arrival, 16u + 3);
  // 1000 - 16 = 984 starts at 987 and would need [987, 1003) + one cycle more: after the train.
  const auto tight = n.send(0, 1, 544, 984, 3);
  EXPECT_EQ(tight.arrival, 1019u + 17);
  // The first train, called earlier, keeps its times.
  EXPECT_EQ(probe.links.front().start, 1003u);
  // What ended by 1003 can go (the early train); the trains from 1003 on still hold the link.
  n.forget_before(1003);
  const auto next = n.send(0, 1, 32, 990, 4);  // [993, 994) is free again
  EXPECT_EQ(next.arrival, 990u + 1 + 3);
}

TEST(NocTiming, DisjointPathsDoNotSlowEachOther) {
  NullProbe probe;
  NocTiming n(mesh4x4(), probe);
  const auto a = n.send(0, 1, 4096, 0, 1);  // row 0
  const auto b = n.send(4, 5, 4096, 0, 2);  // row 1
  const auto c = n.send(1, 0, 4096, 0, 3);  // opposite direction of a's link
  EXPECT_EQ(a.arrival, 128u + 3);
  EXPECT_EQ(b.arrival, 128u + 3);
  EXPECT_EQ(c.arrival, 128u + 3);
}

TEST(NocTiming, LinkEventsCarryPacketsBytesAndBusy) {
  test::RecordingProbe probe;
  NocTiming n(mesh4x4(), probe);
  const auto a = n.send(0, 1, 600, 0, 1);  // 3 packets: 256, 256, 88
  const auto b = n.send(0, 1, 64, 100, 2);
  EXPECT_EQ(a.packets + b.packets, 4u);
  uint64_t bytes = 0;
  Cycles busy = 0;
  for (const auto& e : probe.links) {
    EXPECT_EQ(e.link, LinkId(0));  // r0c0->r0c1 is the first link
    bytes += e.bytes;
    busy += e.end - e.start;
  }
  EXPECT_EQ(bytes, 664u);
  EXPECT_EQ(busy, 19u + 2u);  // ceil(600/32) + 64/32
}

}  // namespace
}  // namespace spikepipe

namespace spikepipe {
namespace {

TEST(NocTiming, ClosedFormOnEveryTopologyAndPair) {
  struct Case {
    NocShape t;
    uint32_t cols, rows;
  };
  for (const Case c : {Case{NocShape::Mesh, 3, 3}, Case{NocShape::Torus, 4, 3},
                       Case{NocShape::Ring, 7, 1}, Case{NocShape::Crossbar, 5, 1}}) {
    NocParams p;
    p.topology = c.t;
    p.cols = c.cols;
    p.rows = c.rows;
    p.link_bytes_per_cycle = 16;
    p.router_latency = 5;
    p.packet_bytes = 64;
    for (uint32_t a = 0; a < p.nodes(); ++a) {
      for (uint32_t b = 0; b < p.nodes(); ++b) {
        if (a == b) continue;
        NullProbe probe;
        NocTiming n(p, probe);  // fresh links: no contention
        const auto t = n.send(a, b, 1000, 20, 1);
        EXPECT_EQ(t.arrival, 20u + 63 + t.hops * 5) << to_string(c.t) << " " << a << "->" << b;
        EXPECT_EQ(t.hops, n.topology().hops(a, b));
        EXPECT_GE(t.hops, 1u);
      }
    }
  }
}

}  // namespace
}  // namespace spikepipe

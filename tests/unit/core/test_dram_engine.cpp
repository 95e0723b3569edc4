// The bank and command timing engine of dram-model ddr4 / hbm2 (core/dram_engine.h), without a
// kernel: every figure is a closed form of the device timing (core/dram_spec.h).
#include <gtest/gtest.h>

#include <random>

#include "spikepipe/core/dram_engine.h"

namespace spikepipe {
namespace {

DramSpec spec_of(DramModel m) {
  MemoryParams p;
  p.model = m;
  return dram_spec(p);
}

// The channel-local address of a burst (the inverse of DramChannel::map).
uint64_t addr(const DramSpec& s, uint32_t rank, uint32_t bg, uint32_t bank, uint64_t row,
              uint64_t col) {
  const uint64_t per_row = s.page_bytes / s.burst_bytes;
  return ((((row * s.ranks + rank) * s.banks + bank) * per_row + col) * s.bank_groups + bg) *
         s.burst_bytes;
}

DramRequest req(uint64_t id, uint64_t address, uint64_t bytes, Tick ready, bool write = false) {
  DramRequest r;
  r.id = id;
  r.address = address;
  r.bytes = bytes;
  r.ready = ready;
  r.write = write;
  return r;
}

// Serves one request alone on the channel.
DramCompletion serve(DramChannel& ch, const DramRequest& r) {
  std::vector<DramCompletion> out;
  ch.submit(r);
  ch.advance(kNever, out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_TRUE(ch.idle());
  return out.empty() ? DramCompletion{} : out[0];
}

std::vector<DramCompletion> serve_all(DramChannel& ch, const std::vector<DramRequest>& rs) {
  std::vector<DramCompletion> out;
  for (const auto& r : rs) ch.submit(r);
  ch.advance(kNever, out);
  EXPECT_EQ(out.size(), rs.size());
  return out;
}

const DramCompletion& by_id(const std::vector<DramCompletion>& v, uint64_t id) {
  for (const auto& c : v)
    if (c.id == id) return c;
  ADD_FAILURE() << "no completion " << id;
  return v.front();
}

TEST(DramSpec, PresetsAndConversions) {
  const DramSpec d = spec_of(DramModel::DDR4);
  EXPECT_DOUBLE_EQ(d.peak_bytes_per_ns(), 25.6);  // DDR4-3200 x64: 3.2 GT/s x 8 B
  EXPECT_EQ(d.tRTW(), 22u + 4 + 2 - 16);
  EXPECT_EQ(d.cycles(22 + 22 + 4, 1.0), 30u);  // 48 x 0.625 ns
  EXPECT_EQ(d.cycles(1, 1.0), 1u);              // 0.625 ns rounds up to a cycle
  EXPECT_EQ(d.ticks(30, 1.0), 48u);
  EXPECT_EQ(d.ticks(1, 1.0), 2u);  // 1 ns: the first tCK at or after it is the second
  const DramSpec h = spec_of(DramModel::HBM2);
  EXPECT_DOUBLE_EQ(h.peak_bytes_per_ns(), 16.0);  // 2 Gb/s x 64 bit
  MemoryParams p;
  p.model = DramModel::DDR4;
  p.ranks = 2;
  p.page_bytes = 2048;
  EXPECT_EQ(dram_spec(p).ranks, 2u);
  EXPECT_EQ(dram_spec(p).page_bytes, 2048u);
  EXPECT_EQ(dram_spec(p).banks, 4u);
}

TEST(DramChannel, MapsRowRankBankColumnBankGroup) {
  const DramSpec s = spec_of(DramModel::DDR4);
  DramChannel ch(s);
  const DramLocation l = ch.map(addr(s, 0, 3, 2, 77, 100) + 5);
  EXPECT_EQ(l.bank_group, 3u);
  EXPECT_EQ(l.bank, 2u);
  EXPECT_EQ(l.row, 77u);
  EXPECT_EQ(l.column, 100u);
  // Consecutive bursts alternate bank groups.
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(ch.map(i * 64ull).bank_group, i % 4);
  // One row set (a row of the same bank in every group) is bank_groups x page_bytes.
  EXPECT_EQ(ch.map(4 * 8192 - 1).bank, 0u);
  EXPECT_EQ(ch.map(4 * 8192).bank, 1u);
}

// Any organisation (shifts when every dimension is a power of two, divisions otherwise): the
// mapping is the inverse of addr().
TEST(DramChannel, MappingRoundTrips) {
  std::mt19937_64 rng(3);
  for (uint32_t ranks : {1u, 2u, 3u}) {
    for (uint32_t banks : {4u, 3u}) {
      DramSpec s = spec_of(DramModel::DDR4);
      s.ranks = ranks;
      s.banks = banks;
      DramChannel ch(s);
      for (int i = 0; i < 1000; ++i) {
        const uint32_t rank = rng() % ranks, bg = rng() % 4, bank = rng() % banks;
        const uint64_t row = rng() % 65536, col = rng() % 128;
        const DramLocation l = ch.map(addr(s, rank, bg, bank, row, col) + rng() % 64);
        ASSERT_EQ(l.rank, rank);
        ASSERT_EQ(l.bank_group, bg);
        ASSERT_EQ(l.bank, bank);
        ASSERT_EQ(l.row, row);
        ASSERT_EQ(l.column, col);
      }
    }
  }
}

// Isolated single-burst reads: CL for a row hit, tRCD + CL to a closed bank, tRP + tRCD + CL
// when another row is open (plus the burst itself).
TEST(DramChannel, RowHitMissAndConflictLatencies) {
  const DramSpec s = spec_of(DramModel::DDR4);
  DramChannel ch(s);
  auto c = serve(ch, req(1, addr(s, 0, 0, 0, 5, 0), 64, 100));
  EXPECT_EQ(c.done, 100u + s.tRCD + s.CL + s.tBURST);
  EXPECT_EQ(c.first, 100u + s.tRCD + s.CL);
  EXPECT_EQ(c.row_misses, 1u);
  c = serve(ch, req(2, addr(s, 0, 0, 0, 5, 9), 64, 1000));
  EXPECT_EQ(c.done, 1000u + s.CL + s.tBURST);
  EXPECT_EQ(c.row_hits, 1u);
  c = serve(ch, req(3, addr(s, 0, 0, 0, 6, 0), 64, 2000));
  EXPECT_EQ(c.done, 2000u + s.tRP + s.tRCD + s.CL + s.tBURST);
  EXPECT_EQ(c.row_conflicts, 1u);
}

TEST(DramChannel, RandomReadsPayTheRowMissPenalty) {
  for (DramModel m : {DramModel::DDR4, DramModel::HBM2}) {
    const DramSpec s = spec_of(m);
    DramChannel ch(s);
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<uint64_t> any(0, (1ull << 32) - 1);
    Tick t = 0;
    uint64_t n = 0, opened = 0, sum = 0, expect = 0;
    for (int i = 0; i < 2000; ++i) {
      const auto c = serve(ch, req(i, any(rng) & ~uint64_t(s.burst_bytes - 1), s.burst_bytes, t));
      const Tick hit = s.CL + s.tBURST, miss = s.tRCD + hit, conflict = s.tRP + miss;
      const Tick want = c.row_hits ? hit : c.row_misses ? miss : conflict;
      if (c.refreshes == 0) {  // a refresh in between delays it: checked elsewhere
        EXPECT_EQ(c.done - t, want) << i;
        ++n;
        sum += c.done - t;
        expect += want;
      }
      opened += c.row_conflicts + c.row_misses;
      t = c.done + 100;  // long enough for tRAS and tRTP: each access alone
    }
    EXPECT_EQ(sum, expect);
    EXPECT_GT(n, 1900u);
    EXPECT_GT(opened, 1990u);  // random rows: hardly ever the open one
  }
}

// A stream of N bursts from a closed channel: the column commands follow each other tCCD_S
// apart (consecutive bursts alternate bank groups, the next row set is opened ahead), and every
// refresh costs Delta = tRTP - tCCD_S + tRP + tRFC + tRCD (precharge after the last read, refresh,
// reopen). done = tRCD + CL + tBURST + (N - 1) tCCD_S + F Delta, F = refreshes due by the last
// column command.
TEST(DramChannel, SequentialStreamIsAtTheClosedForm) {
  const DramSpec s = spec_of(DramModel::DDR4);
  const Tick delta = s.tRTP - s.tCCD_S + s.tRP + s.tRFC + s.tRCD;
  for (uint64_t bytes : {64ull << 10, 8ull << 20, (8ull << 20) + 4096 + 640}) {
    DramChannel ch(s);
    const auto c = serve(ch, req(1, 0, bytes, 0));
    const uint64_t n = bytes / s.burst_bytes;
    const uint64_t f = (c.done - s.CL - s.tBURST) / s.tREFI;
    EXPECT_EQ(c.refreshes, f);
    EXPECT_EQ(c.done, s.tRCD + s.CL + s.tBURST + (n - 1) * s.tCCD_S + f * delta) << bytes;
    EXPECT_EQ(c.row_hits + c.row_misses + c.row_conflicts, n);
    EXPECT_EQ(c.bursts, n);
    const double bw = double(bytes) / (double(c.done) * s.tck_ns);  // bytes per ns
    EXPECT_GE(bw, 0.9 * s.peak_bytes_per_ns()) << bytes;
    if (bytes > (1u << 20)) {
      // Long run: peak x (1 - Delta / tREFI), to within the partial refresh intervals.
      EXPECT_NEAR(bw / s.peak_bytes_per_ns(), 1.0 - double(delta) / s.tREFI, 0.01);
    }
  }
}

TEST(DramChannel, Hbm2SequentialStream) {
  const DramSpec s = spec_of(DramModel::HBM2);
  // Opening the first four banks takes tRRD_S each, more than a burst: 3 (tRRD_S - tCCD_S).
  const Tick ramp = 3 * (s.tRRD_S - s.tCCD_S);
  DramChannel ch(s);
  const uint64_t bytes = 64 << 10;  // 2048 bursts, 4096 tCK < tREFI
  const auto c = serve(ch, req(1, 0, bytes, 0));
  EXPECT_EQ(c.refreshes, 1u);  // 4096 + ... crosses tREFI = 3900 once
  DramChannel ch2(s);
  const auto c2 = serve(ch2, req(1, 0, 32 << 10, 0));  // 1024 bursts: none
  EXPECT_EQ(c2.refreshes, 0u);
  EXPECT_EQ(c2.done, s.tRCD + s.CL + s.tBURST + 1023 * s.tCCD_S + ramp);
  DramChannel ch3(s);
  const auto c3 = serve(ch3, req(1, 0, 16 << 20, 0));
  EXPECT_GE(double(16 << 20) / double(c3.done), 0.9 * s.peak_bytes_per_ns());
}

// A request alone in the queue is served a run of row hits at a time: the same times and counts
// as burst by burst, also after the other direction (tWTR, tRTW), across row sets and refreshes.
TEST(DramChannel, BatchedRowHitsEqualBurstByBurst) {
  for (DramModel m : {DramModel::DDR4, DramModel::HBM2}) {
    const DramSpec s = spec_of(m);
    for (bool write : {false, true}) {
      DramChannel fast(s), slow(s, false);
      const uint64_t set = uint64_t(s.page_bytes) * s.bank_groups;
      std::mt19937_64 rng(11);
      Tick t = 0;
      for (int i = 0; i < 200; ++i) {
        // Mostly streams of up to 3.3 row sets, now and then the other direction in between.
        const bool w = (i % 5 == 4) ? !write : write;
        const uint64_t a = (rng() % 64) * set / 8, bytes = 64 + rng() % (set * 33 / 10);
        const auto x = serve(fast, req(i, a, bytes, t, w));
        const auto y = serve(slow, req(i, a, bytes, t, w));
        ASSERT_EQ(x.done, y.done) << s.name << " " << i;
        ASSERT_EQ(x.first, y.first) << s.name << " " << i;
        ASSERT_EQ(x.row_hits, y.row_hits) << s.name << " " << i;
        ASSERT_EQ(x.row_misses, y.row_misses) << s.name << " " << i;
        ASSERT_EQ(x.refreshes, y.refreshes) << s.name << " " << i;
        t = (i % 3 == 0) ? x.done : x.first;  // sometimes back to back, sometimes overlapping
      }
      // Advanced in small steps, as a causal driver does: the same times again.
      DramChannel stepped(s);
      DramChannel whole(s);
      const auto a = serve(whole, req(1, 0, set * 3, 5, write));
      stepped.submit(req(1, 0, set * 3, 5, write));
      std::vector<DramCompletion> out;
      for (Tick now = 0; out.empty(); now += 37) stepped.advance(now, out);
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0].done, a.done);
      EXPECT_EQ(out[0].row_hits, a.row_hits);
    }
  }
}

TEST(DramChannel, FourActivateWindow) {
  const DramSpec s = spec_of(DramModel::DDR4);
  DramChannel ch(s);
  // Five closed banks at once: ACTs tRRD_S apart, the fifth waits for tFAW after the first.
  std::vector<DramRequest> rs;
  for (uint32_t i = 0; i < 5; ++i) rs.push_back(req(i, addr(s, 0, i % 4, i / 4, 1, 0), 64, 0));
  const auto out = serve_all(ch, rs);
  for (uint32_t i = 0; i < 4; ++i)
    EXPECT_EQ(by_id(out, i).done, i * s.tRRD_S + s.tRCD + s.CL + s.tBURST) << i;
  EXPECT_EQ(by_id(out, 4).done, s.tFAW + s.tRCD + s.CL + s.tBURST);
}

TEST(DramChannel, RefreshBlocksTheRank) {
  const DramSpec s = spec_of(DramModel::DDR4);
  {  // due when the read arrives: the read waits tRFC
    DramChannel ch(s);
    const auto c = serve(ch, req(1, 0, 64, s.tREFI));
    EXPECT_EQ(c.refreshes, 1u);
    EXPECT_EQ(c.done, s.tREFI + s.tRFC + s.tRCD + s.CL + s.tBURST);
  }
  {  // an open row is precharged first, and is closed afterwards: the hit becomes a miss
    DramChannel ch(s);
    serve(ch, req(1, 0, 64, 0));
    const auto c = serve(ch, req(2, 64 * 4, 64, s.tREFI));  // same row, next column
    EXPECT_EQ(c.row_misses, 1u);
    EXPECT_EQ(c.done, s.tREFI + s.tRP + s.tRFC + s.tRCD + s.CL + s.tBURST);
  }
  {  // after a long idle time the refreshes happened on time; the one in progress delays
    DramChannel ch(s);
    const auto c = serve(ch, req(1, 0, 64, 10 * s.tREFI + 5));
    EXPECT_EQ(c.refreshes, 10u);
    EXPECT_EQ(c.done, 10 * s.tREFI + s.tRFC + s.tRCD + s.CL + s.tBURST);
  }
}

TEST(DramChannel, ReadWriteTurnaround) {
  const DramSpec s = spec_of(DramModel::DDR4);
  {  // write then read, other bank group: tWTR_S after the write data
    DramChannel ch(s);
    const auto out = serve_all(ch, {req(1, addr(s, 0, 0, 0, 1, 0), 64, 0, true),
                                    req(2, addr(s, 0, 1, 0, 1, 0), 64, 0)});
    const Tick wr_end = s.tRCD + s.CWL + s.tBURST;
    EXPECT_EQ(by_id(out, 1).done, wr_end);
    EXPECT_EQ(by_id(out, 2).done, wr_end + s.tWTR_S + s.CL + s.tBURST);
  }
  {  // same bank group: tWTR_L
    DramChannel ch(s);
    const auto out = serve_all(ch, {req(1, addr(s, 0, 0, 0, 1, 0), 64, 0, true),
                                    req(2, addr(s, 0, 0, 1, 1, 0), 64, 0)});
    EXPECT_EQ(by_id(out, 2).done, s.tRCD + s.CWL + s.tBURST + s.tWTR_L + s.CL + s.tBURST);
  }
  {  // read then write: tRTW between the column commands
    DramChannel ch(s);
    const auto out = serve_all(ch, {req(1, addr(s, 0, 0, 0, 1, 0), 64, 0),
                                    req(2, addr(s, 0, 1, 0, 1, 0), 64, 0, true)});
    EXPECT_EQ(by_id(out, 2).done, s.tRCD + s.tRTW() + s.CWL + s.tBURST);
  }
}

TEST(DramChannel, FrFcfsServesARowHitBeforeAnOlderMiss) {
  const DramSpec s = spec_of(DramModel::DDR4);
  DramChannel ch(s);
  serve(ch, req(0, addr(s, 0, 0, 0, 1, 0), 64, 0));  // opens row 1 of bank 0
  const auto out = serve_all(ch, {req(1, addr(s, 0, 0, 0, 2, 0), 64, 100),    // older, conflict
                                  req(2, addr(s, 0, 0, 0, 1, 1), 64, 100)});  // younger, hit
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, 2u);
  EXPECT_EQ(out[0].done, 100u + s.CL + s.tBURST);
  EXPECT_EQ(out[0].row_hits, 1u);
  // The conflict precharges after the hit's read (tRTP), then opens its row.
  EXPECT_EQ(out[1].done, 100u + s.tRTP + s.tRP + s.tRCD + s.CL + s.tBURST);
  EXPECT_EQ(out[1].row_conflicts, 1u);
}

// Hits do not starve an older request: after kHitCap of them have passed it, it goes next.
TEST(DramChannel, AtMostHitCapRowHitsPassAnOlderRequest) {
  const DramSpec s = spec_of(DramModel::DDR4);
  DramChannel ch(s);
  serve(ch, req(0, addr(s, 0, 0, 0, 1, 0), 64, 0));  // row 1 of bank 0 open
  std::vector<DramRequest> rs = {req(1, addr(s, 0, 0, 0, 2, 0), 64, 100)};  // older conflict
  for (uint32_t i = 0; i < 20; ++i) rs.push_back(req(10 + i, addr(s, 0, 0, 0, 1, 1 + i), 64, 100));
  const auto out = serve_all(ch, rs);
  ASSERT_EQ(out.size(), 21u);
  for (uint32_t i = 0; i < DramChannel::kHitCap; ++i) {
    EXPECT_EQ(out[i].id, 10u + i);
    EXPECT_EQ(out[i].row_hits, 1u);
  }
  EXPECT_EQ(out[DramChannel::kHitCap].id, 1u);
  EXPECT_EQ(out[DramChannel::kHitCap].row_conflicts, 1u);
  // Row 2 is open now: the next one reopens row 1, and the last ones hit it again.
  EXPECT_EQ(out[DramChannel::kHitCap + 1].row_conflicts, 1u);
  EXPECT_EQ(out.back().row_hits, 1u);
}

TEST(DramChannel, ServesRequestsInTheOrderTheyBecomeReady) {
  const DramSpec s = spec_of(DramModel::DDR4);
  DramChannel ch(s);
  serve(ch, req(0, addr(s, 0, 0, 0, 1, 0), 64, 0));  // row 1 open
  // Submitted first but ready later: a row hit that is not there yet does not overtake.
  ch.submit(req(1, addr(s, 0, 0, 0, 1, 1), 64, 200));
  ch.submit(req(2, addr(s, 0, 0, 0, 2, 0), 64, 100));
  EXPECT_EQ(ch.next_event_time(), 100u);
  std::vector<DramCompletion> out;
  ch.advance(99, out);
  EXPECT_TRUE(out.empty());
  ch.advance(100, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 2u);
  EXPECT_EQ(out[0].done, 100u + s.tRP + s.tRCD + s.CL + s.tBURST);
  EXPECT_EQ(ch.next_event_time(), 200u);
  ch.advance(kNever, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].row_conflicts, 1u);  // row 2 is open now
  EXPECT_TRUE(ch.idle());
  EXPECT_EQ(ch.next_event_time(), kNever);
}

}  // namespace
}  // namespace spikepipe

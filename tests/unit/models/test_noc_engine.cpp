// The causal NoC engine without a kernel: zero-load latency equals the closed form for every hop
// count and topology (flit by flit and on the fast path), contention is served in ready order
// with packets of different messages interleaved, the ejection port limits a receiver to one
// flit per cycle, back-pressure, and the fast path gives the detailed model's times exactly.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>
#include <random>

#include "spikepipe/core/noc_engine.h"
#include "support/noc_collect.h"

namespace spikepipe {
namespace {

using test::Collect;
using test::run;

std::vector<uint32_t> all_nodes(const NocParams& p) {
  std::vector<uint32_t> v;
  for (uint32_t i = 0; i < p.nodes(); ++i) v.push_back(i);
  return v;
}

NocParams params(NocShape t, uint32_t cols, uint32_t rows) {
  NocParams p;
  p.topology = t;
  p.cols = cols;
  p.rows = rows;
  p.link_bytes_per_cycle = 32;
  p.router_latency = 3;
  p.packet_bytes = 256;
  p.vcs = 2;
  p.buffer_flits = 4;
  return p;
}

TEST(NocEngine, ZeroLoadClosedFormEveryHopCount) {
  struct Case {
    NocShape t;
    uint32_t cols, rows;
  };
  for (const Case k : {Case{NocShape::Mesh, 4, 4}, Case{NocShape::Torus, 5, 4},
                       Case{NocShape::Ring, 7, 1}, Case{NocShape::Crossbar, 5, 1},
                       Case{NocShape::Mesh, 8, 8}, Case{NocShape::Torus, 8, 8}}) {
    for (bool fast : {false, true}) {
      const NocParams p = params(k.t, k.cols, k.rows);
      std::map<uint32_t, int> seen_hops;
      for (uint64_t bytes : {1ull, 32ull, 256ull, 1000ull, 4096ull}) {
        for (uint32_t b = 0; b < p.nodes(); ++b) {
          NocEngine e(p, all_nodes(p), fast);
          Collect c;
          const uint32_t h = e.hops(0, b);
          ++seen_hops[h];
          e.add(0, b, bytes, 100, 1);
          run(e, c);
          const Cycles F = (bytes + 31) / 32;
          EXPECT_EQ(c.injected[1], 100 + F) << to_string(k.t) << " fast " << fast;
          EXPECT_EQ(c.arrived[1], 100 + F + h * 3)
              << to_string(k.t) << " fast " << fast << " bytes " << bytes << " to " << b;
          ASSERT_EQ(c.uses[1].size(), h);
          for (uint32_t j = 0; j < h; ++j) {
            EXPECT_EQ(c.uses[1][j].start, 100 + (j + 1) * 3);
            EXPECT_EQ(c.uses[1][j].end, 100 + F + (j + 1) * 3);
          }
        }
      }
      // Every hop count from 0 (local) to the diameter occurs.
      uint32_t max_h = 0;
      for (const auto& kv : seen_hops) max_h = std::max(max_h, kv.first);
      EXPECT_EQ(seen_hops.size(), max_h + 1) << to_string(k.t);
    }
  }
}

TEST(NocEngine, SharedLinkInterleavesPacketsOfBothMessages) {
  for (bool fast : {false, true}) {
    const NocParams p = params(NocShape::Mesh, 4, 1);
    NocEngine e(p, all_nodes(p), fast);
    Collect c;
    // 0 -> 2 and 1 -> 3 share r0c1->r0c2, both 64 flits, ready together.
    e.add(0, 2, 2048, 0, 1);
    e.add(1, 3, 2048, 0, 2);
    run(e, c);
    // Alone: 64 + 2*3 = 70. Sharing one link at one flit per cycle, 128 flits cross it, so the
    // later of the two cannot finish before ~128 cycles after the first reached it; neither
    // waits for the other's whole train (FCFS would give 64 + 3 + 64 + 3 = 134 for the second).
    const Cycles a = c.arrived[1], b = c.arrived[2];
    EXPECT_GT(std::max(a, b), 128u);
    EXPECT_LT(std::max(a, b), 128u + 12);
    EXPECT_GT(std::min(a, b), 110u);  // interleaved: the first also took about twice as long
  }
}

TEST(NocEngine, EjectionPortTakesOneFlitPerCycle) {
  for (bool fast : {false, true}) {
    const NocParams p = params(NocShape::Mesh, 3, 3);
    NocEngine e(p, all_nodes(p), fast);
    Collect c;
    // Three neighbours of the centre send 32 flits each to it at once.
    e.add(1, 4, 1024, 0, 1);
    e.add(3, 4, 1024, 0, 2);
    e.add(5, 4, 1024, 0, 3);
    run(e, c);
    Cycles last = 0;
    for (uint64_t t = 1; t <= 3; ++t) last = std::max(last, c.arrived[t]);
    EXPECT_GE(last, 3u + 96);  // 96 flits through one ejection port
    EXPECT_LE(last, 3u + 96 + 2);
    // 4-flit buffers: the sources are held back by the credits, not injecting at link rate.
    for (uint64_t t = 1; t <= 3; ++t) EXPECT_GT(c.injected[t], 60u);
  }
}

TEST(NocEngine, BackPressureHoldsTheSource) {
  NocParams p = params(NocShape::Mesh, 3, 1);
  p.vcs = 1;
  const std::vector<uint32_t> nodes = {0, 1, 2, 1};  // two endpoints at node 1
  for (bool fast : {false, true}) {
    NocEngine e(p, nodes, fast);
    Collect c;
    // Endpoint 3 (node 1) floods node 2's ejection with a long message first; then endpoint 0
    // sends through node 1 to node 2: its flits queue behind in node 1's buffer (4 flits) and
    // the injection at node 0 stalls once the buffers on its path are full.
    e.add(3, 2, 32 * 200, 0, 1);
    e.add(0, 2, 32 * 100, 0, 2);
    run(e, c);
    // The ejection port at node 2 carries 300 flits: the last arrives at ~300 + hops.
    EXPECT_GE(std::max(c.arrived[1], c.arrived[2]), 300u);
    // Message 2 cannot have injected its 100 flits at full rate: it shares the link's
    // bandwidth with message 1, and its source is held back by the credits.
    EXPECT_GT(c.injected[2], 100u + 50);
  }
}

TEST(NocEngine, FastPathGivesTheDetailedTimes) {
  for (NocShape t : {NocShape::Mesh, NocShape::Torus, NocShape::Crossbar}) {
    NocParams p = params(t, 4, t == NocShape::Crossbar ? 1 : 4);
    if (t == NocShape::Crossbar) p.cols = 16;
    std::map<uint64_t, Cycles> inj[2], arr[2];
    uint64_t trains = 0, materialised = 0;
    for (int fast = 0; fast < 2; ++fast) {
      NocEngine e(p, all_nodes(p), fast != 0);
      Collect c;
      std::mt19937 rng(7);
      std::uniform_int_distribution<uint32_t> node(0, 15), gap(0, 400), size(1, 3000);
      Cycles now = 0;
      for (uint64_t m = 0; m < 600; ++m) {
        now += gap(rng) / 8;
        e.advance(now, c);
        e.add(node(rng), node(rng), size(rng), now, m);
      }
      run(e, c);
      inj[fast] = c.injected;
      arr[fast] = c.arrived;
      if (fast) {
        trains = e.counters().trains;
        materialised = e.counters().materialised;
      }
    }
    EXPECT_EQ(inj[0], inj[1]) << to_string(t);
    EXPECT_EQ(arr[0], arr[1]) << to_string(t);
    EXPECT_EQ(arr[0].size(), 600u);
    EXPECT_GT(trains, 0u);
    EXPECT_GT(materialised, 0u);
  }
}

// Under load (an 8x8 mesh with uniform random 8-flit packets at 10% and 30% of link rate per
// node, 2 VCs x 8 flits, torus as well) the fast path still gives every injection, arrival and
// link use of the detailed model, each reported once.
TEST(NocEngine, FastPathExactUnderLoad) {
  struct Log : NocEngine::Listener {
    std::multiset<std::tuple<int, uint64_t, Cycles>> done_;
    std::multiset<std::tuple<uint64_t, uint32_t, Cycles, Cycles>> links_;
    void done(const NocEngine::Done& d) override { done_.insert({int(d.kind), d.tag, d.time}); }
    void links(uint32_t, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) override {
      for (const auto& x : u) links_.insert({tag, x.link, x.start, x.end});
    }
  };
  for (NocShape t : {NocShape::Mesh, NocShape::Torus}) {
    for (double rate : {0.1, 0.3}) {
      NocParams p = params(t, 8, 8);
      p.router_latency = 2;
      p.buffer_flits = 8;
      Log log[2];
      uint64_t trains = 0, materialised = 0;
      for (int fast = 0; fast < 2; ++fast) {
        NocEngine e(p, all_nodes(p), fast != 0);
        std::mt19937_64 rng(3);
        std::uniform_real_distribution<double> U(0, 1);
        std::uniform_int_distribution<uint32_t> node(0, 63);
        uint64_t tag = 0;
        for (Cycles c = 0; c < 1500; ++c) {
          for (uint32_t s = 0; s < 64; ++s) {
            if (U(rng) >= rate / 8) continue;
            e.add(s, node(rng), 256, c, tag++);
          }
          e.advance(c + 1, log[fast]);
        }
        for (Cycles n = e.next_time(); n != NocEngine::kNever; n = e.next_time())
          e.advance(n, log[fast]);
        if (fast) {
          trains = e.counters().trains;
          materialised = e.counters().materialised;
        }
      }
      EXPECT_EQ(log[0].done_, log[1].done_) << to_string(t) << " " << rate;
      EXPECT_EQ(log[0].links_, log[1].links_) << to_string(t) << " " << rate;
      EXPECT_GT(log[0].done_.size(), 1000u);
      EXPECT_GT(trains, 0u);
      EXPECT_GT(materialised, 0u);
    }
  }
}

// Re-train: messages of many packets that met contention and are alone on their path again go
// back to trains (with a backlog in their buffers). Every event and every link use, in report
// order, must equal the flit-by-flit run, with the re-train on and off, on mesh, torus and ring,
// at light and heavy load, for buffer sizes down to router_latency + 1 and several VC counts.
TEST(NocEngine, RetrainExactUnderLoad) {
  struct Log : NocEngine::Listener {
    std::vector<std::tuple<int, uint64_t, Cycles>> done_;
    std::vector<std::tuple<uint64_t, uint32_t, Cycles, Cycles>> links_;
    void done(const NocEngine::Done& d) override { done_.push_back({int(d.kind), d.tag, d.time}); }
    void links(uint32_t, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) override {
      for (const auto& x : u) links_.push_back({tag, x.link, x.start, x.end});
    }
  };
  struct Case {
    NocShape t;
    uint32_t cols, rows, R, B, V;
    double rate;  // messages per node per cycle
    bool hotspot;
  };
  const Case cases[] = {
      {NocShape::Mesh, 8, 8, 2, 8, 2, 0.0003, false}, {NocShape::Mesh, 8, 8, 2, 8, 2, 0.001, false},
      {NocShape::Mesh, 8, 8, 2, 8, 2, 0.004, false},  {NocShape::Torus, 8, 8, 2, 8, 2, 0.0003, false},
      {NocShape::Torus, 8, 8, 2, 8, 4, 0.001, false}, {NocShape::Mesh, 4, 4, 1, 4, 4, 0.001, true},
      {NocShape::Mesh, 4, 4, 3, 4, 2, 0.001, false},  {NocShape::Ring, 8, 1, 2, 5, 2, 0.002, false},
      {NocShape::Crossbar, 4, 4, 2, 8, 2, 0.001, false},
  };
  const uint64_t sizes[] = {32, 256, 800, 4096, 32768};
  for (const Case& k : cases) {
    NocParams p = params(k.t, k.cols, k.rows);
    p.router_latency = k.R;
    p.buffer_flits = k.B;
    p.vcs = k.V;
    const uint32_t N = p.nodes();
    Log log[3];
    uint64_t retrains = 0;
    for (int mode = 0; mode < 3; ++mode) {  // 0: flit by flit, 1: fast path, 2: and re-train
      NocEngine e(p, all_nodes(p), mode != 0);
      e.set_retrain(mode == 2);
      std::mt19937_64 rng(7);
      std::uniform_real_distribution<double> U(0, 1);
      std::uniform_int_distribution<uint32_t> node(0, N - 1);
      std::uniform_int_distribution<size_t> size(0, std::size(sizes) - 1);
      uint64_t tag = 0;
      for (Cycles c = 0; c < 8000; ++c) {
        for (uint32_t s = 0; s < N; ++s) {
          if (U(rng) >= k.rate) continue;
          const uint32_t d = k.hotspot && U(rng) < 0.5 ? 0 : node(rng);
          e.add(s, d, sizes[size(rng)], c, tag++);
        }
        e.advance(c + 1, log[mode]);
      }
      for (Cycles n = e.next_time(); n != NocEngine::kNever; n = e.next_time())
        e.advance(n, log[mode]);
      if (mode == 2) retrains = e.counters().retrains;
    }
    const std::string what = std::string(to_string(k.t)) + " R=" + std::to_string(k.R) + " B=" +
                             std::to_string(k.B) + " V=" + std::to_string(k.V) + " rate " +
                             std::to_string(k.rate);
    EXPECT_EQ(log[0].done_, log[1].done_) << what;
    EXPECT_EQ(log[0].done_, log[2].done_) << what;
    EXPECT_EQ(log[0].links_, log[1].links_) << what;
    EXPECT_EQ(log[0].links_, log[2].links_) << what;
    EXPECT_GT(log[0].done_.size(), 100u) << what;
    EXPECT_GT(retrains, 0u) << what;
    std::printf("%s: %zu events, %llu retrains\n", what.c_str(), log[0].done_.size(),
                static_cast<unsigned long long>(retrains));
  }
}

// A hand case of the re-train with backlogs: A (0 -> 3) shares link 1->2 with B (1 -> 2), so
// A's buffers behind that link fill up; once B is through, A is alone with those backlogs and
// becomes a train; C (2 -> 3) then needs A's last link and turns A back into flits, backlogs
// included. Every time equals the flit-by-flit run.
TEST(NocEngine, RetrainWithBacklogThenMaterialise) {
  NocParams p = params(NocShape::Mesh, 4, 1);
  p.router_latency = 2;
  p.buffer_flits = 6;
  Collect c[2];
  uint64_t retrains = 0, materialised = 0;
  for (int mode = 0; mode < 2; ++mode) {
    NocEngine e(p, all_nodes(p), mode != 0);
    e.add(0, 3, 32 * 1000, 0, 1);
    e.add(1, 2, 32 * 300, 10, 2);
    e.add(2, 3, 32 * 100, 1000, 3);
    run(e, c[mode]);
    if (mode) {
      retrains = e.counters().retrains;
      materialised = e.counters().materialised;
    }
  }
  EXPECT_EQ(c[0].injected, c[1].injected);
  EXPECT_EQ(c[0].arrived, c[1].arrived);
  for (uint64_t t = 1; t <= 3; ++t) {
    ASSERT_EQ(c[0].uses[t].size(), c[1].uses[t].size());
    for (size_t i = 0; i < c[0].uses[t].size(); ++i) {
      EXPECT_EQ(c[0].uses[t][i].start, c[1].uses[t][i].start) << t << " " << i;
      EXPECT_EQ(c[0].uses[t][i].end, c[1].uses[t][i].end) << t << " " << i;
    }
  }
  EXPECT_GT(c[0].arrived[1], 1000u + 5 * 2);  // A was held up by B
  EXPECT_GE(retrains, 2u);      // A after B, and again after C
  EXPECT_GE(materialised, 1u);  // A when C came
}

TEST(NocEngine, ReadyOrderNotCallOrder) {
  // A message added first but ready later does not hold up one ready earlier (issue: a link
  // reserved from 29,685,388 delayed a message ready at 28,889,774).
  for (bool fast : {false, true}) {
    const NocParams p = params(NocShape::Mesh, 4, 1);
    NocEngine e(p, all_nodes(p), fast);
    Collect c;
    e.add(0, 3, 32 * 100, 1000, 1);  // later
    e.add(0, 3, 32 * 100, 0, 2);     // earlier, added second
    run(e, c);
    EXPECT_EQ(c.arrived[2], 100u + 9);
    EXPECT_EQ(c.arrived[1], 1000u + 100 + 9);
  }
}


// A driver that knows when the next message comes may run the engine ahead to then (the SystemC
// NoC does, up to the kernel's next activity): every report, in order and time, equals the
// cycle-by-cycle run, with trains, materialisations and re-trains on the way.
TEST(NocEngine, RunAheadGivesTheSameReports) {
  struct Log : NocEngine::Listener {
    std::vector<std::tuple<int, uint64_t, Cycles>> done_;
    std::vector<std::tuple<uint64_t, uint32_t, Cycles, Cycles>> links_;
    void done(const NocEngine::Done& d) override { done_.push_back({int(d.kind), d.tag, d.time}); }
    void links(uint32_t, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) override {
      for (const auto& x : u) links_.push_back({tag, x.link, x.start, x.end});
    }
  };
  struct Add {
    Cycles t;
    uint32_t s, d;
    uint64_t bytes;
  };
  NocParams p = params(NocShape::Mesh, 8, 8);
  p.router_latency = 2;
  p.buffer_flits = 8;
  std::vector<Add> adds;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> U(0, 1);
  std::uniform_int_distribution<uint32_t> node(0, 63);
  const uint64_t sizes[] = {32, 256, 4096, 32768};
  for (Cycles c = 0; c < 6000; ++c) {
    // bursts and quiet spells, so that the engine idles, streams and contends
    const double rate = (c / 1000) % 2 ? 0.004 : 0.0005;
    for (uint32_t s = 0; s < 64; ++s)
      if (U(rng) < rate) adds.push_back({c, s, node(rng), sizes[rng() % std::size(sizes)]});
  }
  Log log[2];
  uint64_t retrains = 0;
  for (int ahead = 0; ahead < 2; ++ahead) {
    NocEngine e(p, all_nodes(p));
    size_t i = 0;
    uint64_t tag = 0;
    if (!ahead) {
      for (Cycles c = 0; i < adds.size() || e.next_time() != NocEngine::kNever; ++c) {
        for (; i < adds.size() && adds[i].t == c; ++i)
          e.add(adds[i].s, adds[i].d, adds[i].bytes, c, tag++);
        e.advance(c + 1, log[0]);
      }
      continue;
    }
    for (;;) {  // wake at the next add or report, as a kernel would
      const Cycles next_add = i < adds.size() ? adds[i].t : NocEngine::kNever;
      const Cycles T = std::min(next_add, e.next_time());
      if (T == NocEngine::kNever) break;
      e.advance(T, log[1]);
      for (; i < adds.size() && adds[i].t == T; ++i)
        e.add(adds[i].s, adds[i].d, adds[i].bytes, T, tag++);
      e.run_ahead(i < adds.size() ? adds[i].t : NocEngine::kNever);
    }
    retrains = e.counters().retrains;
  }
  EXPECT_EQ(log[0].done_, log[1].done_);
  EXPECT_EQ(log[0].links_, log[1].links_);
  EXPECT_GT(log[0].done_.size(), 1000u);
  EXPECT_GT(retrains, 0u);
}

}  // namespace
}  // namespace spikepipe

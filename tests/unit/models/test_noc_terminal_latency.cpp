// noc-terminal-latency: a per-message delay after ejection that holds no resource, the knob that
// gives the causal NoC the zero-load latency of BookSim 2's input-queued router
// (docs/VALIDATION.md section 2).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/models/noc.h"
#include "spikepipe/core/noc_engine.h"
#include "support/noc_collect.h"
#include "support/recording_probe.h"

namespace spikepipe {
namespace {

using test::Collect;
using test::run;

NocParams mesh(uint32_t k, Cycles router_latency, Cycles terminal) {
  NocParams p;
  p.cols = p.rows = k;
  p.link_bytes_per_cycle = 32;
  p.router_latency = router_latency;
  p.packet_bytes = 256;
  p.model = NocModel::Causal;
  p.vcs = 2;
  p.buffer_flits = 16;
  p.terminal_latency = terminal;
  return p;
}

std::vector<uint32_t> nodes_of(const NocParams& p) {
  std::vector<uint32_t> v(p.nodes());
  for (uint32_t i = 0; i < p.nodes(); ++i) v[i] = i;
  return v;
}

// BookSim's default iq router on a mesh: F + 5 H + 6 (docs/VALIDATION.md derives it).
TEST(NocTerminalLatency, ZeroLoadIsClosedFormPlusTerminalDelay) {
  for (bool fast : {false, true}) {
    const NocParams p = mesh(8, 5, 6);
    for (uint64_t bytes : {1ull, 256ull, 1024ull}) {
      for (uint32_t b : {0u, 1u, 9u, 63u}) {
        NocEngine e(p, nodes_of(p), fast);
        Collect c;
        const uint32_t h = e.hops(0, b);
        e.add(0, b, bytes, 50, 1);
        run(e, c);
        const Cycles F = (bytes + 31) / 32;
        EXPECT_EQ(c.injected[1], 50 + F) << "fast " << fast;  // injection is not delayed
        EXPECT_EQ(c.arrived[1], 50 + F + 5 * h + 6) << "fast " << fast << " to " << b;
        ASSERT_EQ(c.uses[1].size(), h);
        for (uint32_t j = 0; j < h; ++j) EXPECT_EQ(c.uses[1][j].start, 50 + (j + 1) * 5);
      }
    }
  }
}

// Holding nothing, the delay moves every arrival by exactly D under load, and nothing else.
TEST(NocTerminalLatency, ShiftsEveryArrivalByDUnderLoad) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> node(0, 15);
  std::uniform_int_distribution<uint64_t> size(1, 2048);
  struct M {
    uint32_t a, b;
    uint64_t bytes;
    Cycles ready;
  };
  std::vector<M> ms;
  for (uint32_t i = 0; i < 400; ++i) ms.push_back({node(rng), node(rng), size(rng), Cycles(i / 2)});
  for (bool fast : {false, true}) {
    Collect base, shifted;
    for (Cycles d : {Cycles(0), Cycles(6)}) {
      const NocParams p = mesh(4, 2, d);
      NocEngine e(p, nodes_of(p), fast);
      Collect& c = d == 0 ? base : shifted;
      // Messages become ready in time order; add each once the engine has reached its cycle.
      size_t i = 0;
      for (;;) {
        while (i < ms.size() && ms[i].ready <= e.now()) {
          e.add(ms[i].a, ms[i].b, ms[i].bytes, ms[i].ready, i + 1);
          ++i;
        }
        Cycles t = e.next_time();
        if (i < ms.size()) t = std::min(t, ms[i].ready);
        if (t == NocEngine::kNever) break;
        e.advance(t, c);
      }
    }
    ASSERT_EQ(base.arrived.size(), ms.size());
    ASSERT_EQ(shifted.arrived.size(), ms.size());
    for (const auto& kv : base.arrived) {
      EXPECT_EQ(shifted.arrived[kv.first], kv.second + 6) << "fast " << fast;
      EXPECT_EQ(shifted.injected[kv.first], base.injected[kv.first]);
    }
  }
}

TEST(NocTerminalLatency, IdealModelAddsItToo) {
  test::RecordingProbe probe;
  NocParams p = mesh(4, 3, 0);
  p.model = NocModel::Ideal;
  NocTiming plain(p, probe);
  p.terminal_latency = 6;
  NocTiming delayed(p, probe);
  for (uint32_t b : {0u, 5u, 15u}) {
    const auto a = plain.send(0, b, 1000, 100, 1), d = delayed.send(0, b, 1000, 100, 2);
    EXPECT_EQ(d.arrival, a.arrival + 6);
    EXPECT_EQ(d.injected, a.injected);
  }
}

TEST(NocInputSpeedup, MoreThanTheVcsIsRejectedByName) {
  NocParams p = mesh(4, 2, 0);
  p.input_speedup = 3;
  try {
    p.validate(plain_keys(), 16);
    FAIL() << "accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("noc-input-speedup"), std::string::npos) << e.what();
  }
}

// Past the saturation of one crossbar input per port (uniform traffic, 8-flit packets, 2 VCs of
// 16 flits: about 0.37 flits/node/cycle), a second input per port keeps the network stable at 0.40
// (spikepipe noc: mean latency 217 cycles with S = 1, 95 with S = 2), and it changes nothing alone.
TEST(NocInputSpeedup, RaisesUniformSaturationAndKeepsZeroLoad) {
  double mean[3] = {0, 0, 0};
  for (uint32_t s : {1u, 2u}) {
    NocParams p = mesh(8, 5, 6);
    p.input_speedup = s;
    NocEngine e(p, nodes_of(p));
    Collect c;
    std::mt19937 rng(3);
    std::uniform_int_distribution<uint32_t> node(0, 63);
    std::bernoulli_distribution gen(0.40 / 8);
    std::map<uint64_t, Cycles> ready;
    uint64_t tag = 0;
    for (Cycles t = 0; t < 4000; ++t) {
      for (uint32_t a = 0; a < 64; ++a) {
        if (!gen(rng)) continue;
        ready[++tag] = t;
        e.add(a, node(rng), 256, t, tag);
      }
      e.advance(t + 1, c);
    }
    run(e, c);
    ASSERT_EQ(c.arrived.size(), ready.size());
    double sum = 0;
    for (const auto& kv : c.arrived) sum += double(kv.second - ready[kv.first]);
    mean[s] = sum / double(ready.size());
    // Alone, a message sees no other VC to offer: the closed form holds with either S.
    NocEngine z(p, nodes_of(p));
    Collect zc;
    z.add(0, 63, 256, 10, 1);
    run(z, zc);
    EXPECT_EQ(zc.arrived[1], 10 + 8 + 5 * 14 + 6) << "S = " << s;
  }
  EXPECT_LT(mean[2], 0.7 * mean[1]) << "S=1 " << mean[1] << " S=2 " << mean[2];
}

}  // namespace
}  // namespace spikepipe

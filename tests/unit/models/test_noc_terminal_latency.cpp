// noc-terminal-latency: a per-message delay after ejection that holds no resource, the knob that
// gives the causal NoC the zero-load latency of BookSim 2's input-queued router
// (docs/VALIDATION.md section 2).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/models/noc_engine.h"

namespace spikepipe {
namespace {

struct Collect : NocEngine::Listener {
  std::map<uint64_t, Cycles> injected, arrived;
  std::map<uint64_t, std::vector<NocEngine::LinkUse>> uses;
  void done(const NocEngine::Done& d) override {
    (d.kind == NocEngine::Done::Injected ? injected : arrived)[d.tag] = d.time;
  }
  void links(uint32_t, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) override {
    uses[tag] = u;
  }
};

void run(NocEngine& e, Collect& c) {
  for (Cycles t = e.next_time(); t != NocEngine::kNever; t = e.next_time()) e.advance(t, c);
}

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

TEST(NocTerminalLatency, IdealModelRejectsIt) {
  NocParams p = mesh(4, 2, 3);
  p.model = NocModel::Ideal;
  try {
    p.validate(plain_keys(), 16);
    FAIL() << "accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("noc-terminal-latency"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace spikepipe

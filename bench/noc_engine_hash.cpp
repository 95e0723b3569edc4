// noc_engine_hash: a hash of every report and link use of the causal NoC engine, in report order,
// on BM_CausalMesh8Loaded's traffic (uniform random, Bernoulli injection drawn per node and cycle)
// over 25 configurations: 8x8 mesh and torus, a 16-node ring, crossbars of 81 and 100 endpoints
// (routers of more than 64 input ports), 1-3 VCs, buffers of 2-8 flits, router latency 1-2,
// packets of 1-32 flits, loads 0.02-1.0, fast path on and off, long messages that train,
// materialise and re-train, input speedup 1 and 2, terminal latency 0 and 6.
// A change to the engine that must keep every time prints the same lines before and after:
//   build/bench/noc_engine_hash > after.txt; diff before.txt after.txt
// Columns: the configuration, then packets arrived, the hash, and the engine's counters.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "spikepipe/core/noc_engine.h"

namespace {

using spikepipe::Cycles;
using spikepipe::NocEngine;

struct Case {
  double load;       // flits per node per cycle
  uint32_t flits;    // of a message (the short ones)
  long cycles;       // injecting; then it drains for up to 2x as long
  spikepipe::NocShape shape;
  uint32_t rows, cols;
  uint32_t vcs, buf;
  bool fast;
  int long_every;    // every n-th message is 40x longer (0: none)
  uint32_t pkt_bytes;
  uint32_t speedup;
  Cycles term;       // noc-terminal-latency
  Cycles router;     // noc-router-latency
};

constexpr auto kMesh = spikepipe::NocShape::Mesh, kTorus = spikepipe::NocShape::Torus,
               kRing = spikepipe::NocShape::Ring, kXbar = spikepipe::NocShape::Crossbar;

const Case kCases[] = {
    {0.1, 8, 5000, kMesh, 8, 8, 2, 8, true, 0, 256, 1, 0, 2},
    {0.3, 8, 5000, kMesh, 8, 8, 2, 8, true, 0, 256, 1, 0, 2},
    {1.0, 8, 3000, kMesh, 8, 8, 2, 8, true, 0, 256, 1, 0, 2},
    {0.3, 1, 5000, kMesh, 8, 8, 2, 8, true, 0, 256, 1, 0, 2},
    {1.0, 1, 3000, kMesh, 8, 8, 2, 8, true, 0, 256, 1, 0, 2},
    {0.3, 8, 5000, kMesh, 8, 8, 2, 8, false, 0, 256, 1, 0, 2},
    {0.2, 8, 8000, kMesh, 8, 8, 2, 8, true, 30, 256, 1, 0, 2},
    {0.2, 8, 8000, kMesh, 8, 8, 2, 8, false, 30, 256, 1, 0, 2},
    {0.3, 8, 5000, kTorus, 8, 8, 2, 8, true, 50, 256, 1, 0, 2},
    {0.3, 8, 5000, kTorus, 8, 8, 4, 4, true, 50, 256, 1, 0, 2},
    {0.5, 4, 4000, kMesh, 8, 8, 3, 2, true, 20, 256, 1, 0, 1},
    {0.05, 8, 20000, kMesh, 8, 8, 2, 8, true, 5, 256, 1, 0, 2},
    {0.8, 8, 3000, kMesh, 8, 8, 1, 3, true, 10, 256, 1, 0, 2},
    {0.3, 8, 4000, kTorus, 8, 8, 2, 3, true, 0, 256, 1, 0, 2},
    {0.4, 8, 4000, kMesh, 8, 8, 2, 2, true, 10, 512, 2, 6, 1},
    {0.3, 32, 5000, kMesh, 8, 8, 2, 8, true, 0, 1024, 1, 0, 2},
    {0.4, 32, 4000, kMesh, 8, 8, 2, 4, true, 7, 1024, 2, 0, 2},
    {0.3, 8, 5000, kMesh, 8, 8, 2, 8, true, 0, 256, 2, 6, 2},
    {0.6, 16, 4000, kTorus, 8, 8, 3, 8, true, 9, 512, 2, 6, 2},
    {0.02, 64, 30000, kMesh, 8, 8, 2, 8, true, 3, 256, 1, 6, 2},
    {0.03, 64, 30000, kTorus, 8, 8, 2, 8, true, 2, 1024, 1, 0, 2},
    {0.3, 8, 5000, kMesh, 8, 8, 2, 8, false, 0, 256, 2, 6, 2},
    {0.3, 8, 3000, kXbar, 10, 10, 2, 8, true, 20, 256, 1, 0, 2},
    {0.5, 4, 3000, kXbar, 9, 9, 3, 4, true, 10, 256, 2, 6, 2},
    {0.3, 8, 3000, kRing, 1, 16, 2, 8, true, 20, 256, 1, 0, 2},
};

struct Hash : NocEngine::Listener {
  explicit Hash(uint32_t nodes) : waiting(nodes, 0) {}
  uint64_t arrived = 0, h = 1469598103934665603ull;  // FNV-1a over every field, in order
  std::vector<uint32_t> src_of, waiting;
  void mix(uint64_t x) {
    h ^= x;
    h *= 1099511628211ull;
  }
  void done(const NocEngine::Done& d) override {
    mix(d.kind);
    mix(d.msg);
    mix(d.tag);
    mix(d.time);
    if (d.kind != NocEngine::Done::Arrived) return;
    ++arrived;
    --waiting[src_of[d.tag]];
  }
  void links(uint32_t, uint64_t, const std::vector<NocEngine::LinkUse>& u) override {
    for (const auto& x : u) {
      mix(x.link);
      mix(x.start);
      mix(x.end);
    }
  }
};

void run(const Case& k) {
  spikepipe::NocParams p;
  p.rows = k.rows;
  p.cols = k.cols;
  p.model = spikepipe::NocModel::Causal;
  p.topology = k.shape;
  p.vcs = k.vcs;
  p.buffer_flits = k.buf;
  p.link_bytes_per_cycle = 32;
  p.packet_bytes = k.pkt_bytes;
  p.router_latency = k.router;
  p.input_speedup = k.speedup;
  p.terminal_latency = k.term;
  const uint32_t kNodes = p.nodes();
  std::vector<uint32_t> nodes(kNodes);
  for (uint32_t i = 0; i < kNodes; ++i) nodes[i] = i;
  NocEngine e(p, nodes, k.fast);
  Hash c(kNodes);
  const double pp = k.load / k.flits;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> U(0, 1);
  std::uniform_int_distribution<uint32_t> node(0, kNodes - 1);
  uint64_t tag = 0;
  for (Cycles t = 0; t < Cycles(k.cycles); ++t) {
    for (uint32_t s = 0; s < kNodes; ++s) {
      if (U(rng) >= pp || c.waiting[s] >= 64) continue;
      uint32_t d = node(rng);
      if (d == s) d = (d + 1) % kNodes;
      c.src_of.push_back(s);
      ++c.waiting[s];
      uint64_t bytes = 32ull * k.flits;
      if (k.long_every > 0 && tag % uint64_t(k.long_every) == 0) bytes *= 40;
      e.add(s, d, bytes, t, tag++);
    }
    e.advance(t + 1, c);
  }
  for (const Cycles end = Cycles(k.cycles) * 3;
       e.next_time() != NocEngine::kNever && e.next_time() <= end;)
    e.advance(e.next_time(), c);
  const auto& n = e.counters();
  std::printf("%.2f %u %ld %s %ux%u vcs %u buf %u fast %d long %d pkt %u speedup %u term %llu "
              "R %llu :: arrived %llu hash %016llx moves %llu trains %llu mat %llu retrains %llu\n",
              k.load, k.flits, k.cycles, spikepipe::to_string(k.shape), k.rows, k.cols, k.vcs,
              k.buf, k.fast ? 1 : 0,
              k.long_every, k.pkt_bytes, k.speedup, static_cast<unsigned long long>(k.term),
              static_cast<unsigned long long>(k.router), static_cast<unsigned long long>(c.arrived),
              static_cast<unsigned long long>(c.h), static_cast<unsigned long long>(n.flit_moves),
              static_cast<unsigned long long>(n.trains),
              static_cast<unsigned long long>(n.materialised),
              static_cast<unsigned long long>(n.retrains));
}

}  // namespace

int main() {
  for (const Case& k : kCases) run(k);
}

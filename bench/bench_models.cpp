// Model throughput: packets per second through a loaded 8x8 mesh (the link-reservation engine
// alone, and under the SystemC kernel with one thread per node), and task instances per second
// on a processor run by simulate(); DRAM requests per second, simple against ddr4.
//
// SystemC elaborates once per process, so by default this program runs itself once per
// benchmark (a child per --benchmark_filter); pass --benchmark_filter yourself to run one.
#include <benchmark/benchmark.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "spikepipe/models/dram.h"
#include "spikepipe/models/noc.h"
#include "spikepipe/core/noc_engine.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/sim_time.h"
#include "spikepipe/platform/sc_entry.h"
#include "spikepipe/platform/simulate.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe {
namespace {

constexpr uint32_t kSide = 8, kNodes = kSide * kSide;
constexpr uint64_t kMessageBytes = 1024;  // 4 packets of 256 bytes

NocParams mesh8() {
  NocParams p;
  p.cols = p.rows = kSide;
  p.link_bytes_per_cycle = 32;
  p.router_latency = 2;
  p.packet_bytes = 256;
  return p;
}

// Counts what the probe sees, as a recorder would.
struct CountingProbe : Probe {
  uint64_t links = 0, messages = 0;
  void on_link(const LinkEvent&) override { ++links; }
  void on_message(const MessageEvent&) override { ++messages; }
};

// The engine without a kernel: every node sends to a random node, messages in time order.
void BM_NocTimingMesh8(benchmark::State& state) {
  CountingProbe probe;
  NocTiming noc(mesh8(), probe);
  std::mt19937 rng(42);
  std::uniform_int_distribution<uint32_t> node(0, kNodes - 1);
  Cycles t = 0;
  uint64_t packets = 0;
  for (auto _ : state) {
    for (uint32_t src = 0; src < kNodes; ++src) {
      uint32_t dst = node(rng);
      if (dst == src) dst = (dst + 1) % kNodes;
      packets += noc.send(src, dst, kMessageBytes, t, packets).packets;
    }
    t += kMessageBytes / 32;  // every node injects back to back: a fully loaded mesh
  }
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  state.counters["packets"] = static_cast<double>(packets);
  state.counters["link_events"] = static_cast<double>(probe.links);
}
BENCHMARK(BM_NocTimingMesh8);

// The causal engine (core/noc_engine.h) without a kernel, as `spikepipe noc` drives it: an 8x8
// mesh, XY routing, 2 VCs x 8 flits, router latency 2, uniform random traffic of arg(1)-flit
// packets (32 B flits; 8 flits = the 256-byte packets of the presets), Bernoulli injection at
// arg(0)/100 flits per node per cycle (10: light; 30: loaded, below saturation at about 0.37 for
// 8-flit packets; 100: every node offers a flit per cycle, far past saturation, the most work
// per simulated cycle), drawn as geometric gaps. Items = packets delivered; CPU time per packet.
void BM_CausalMesh8Loaded(benchmark::State& state) {
  NocParams p = mesh8();
  p.model = NocModel::Causal;
  p.vcs = 2;
  p.buffer_flits = 8;
  std::vector<uint32_t> nodes(kNodes);
  for (uint32_t i = 0; i < kNodes; ++i) nodes[i] = i;
  NocEngine e(p, nodes);
  // Past saturation every source keeps at most 64 packets waiting (an open loop would grow its
  // queues without bound; a global cap would favour the nodes offered first).
  struct Count : NocEngine::Listener {
    uint64_t arrived = 0;
    std::vector<uint32_t> src_of;
    std::vector<uint32_t> waiting = std::vector<uint32_t>(kNodes, 0);
    void done(const NocEngine::Done& d) override {
      if (d.kind != NocEngine::Done::Arrived) return;
      ++arrived;
      --waiting[src_of[d.tag]];
    }
  } c;
  const uint32_t flits = static_cast<uint32_t>(state.range(1));
  const double rate = static_cast<double>(state.range(0)) / 100.0, pp = rate / flits;
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint32_t> node(0, kNodes - 1);
  // The Bernoulli process drawn as its gaps (geometric): one draw per packet instead of one per
  // node and cycle, which at 0.3 was ~27 draws per packet, a large share of a 1 us budget.
  std::geometric_distribution<Cycles> gap(std::min(pp, 1.0));
  auto next_gap = [&] { return pp >= 1.0 ? Cycles(0) : gap(rng); };
  std::vector<Cycles> next(kNodes);
  for (auto& x : next) x = next_gap();
  Cycles t = 0;
  uint64_t tag = 0;
  for (auto _ : state) {
    for (int k = 0; k < 100; ++k, ++t) {  // 100 cycles per benchmark iteration
      for (uint32_t s = 0; s < kNodes; ++s) {
        if (next[s] != t) continue;
        next[s] = t + 1 + next_gap();
        if (c.waiting[s] >= 64) continue;  // a source past saturation drops this packet
        uint32_t d = node(rng);
        if (d == s) d = (d + 1) % kNodes;
        c.src_of.push_back(s);
        ++c.waiting[s];
        e.add(s, d, 32ull * flits, t, tag++);
      }
      e.advance(t + 1, c);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(c.arrived));
  state.counters["packets"] = static_cast<double>(c.arrived);
  state.counters["cycles"] = static_cast<double>(t);
  state.counters["accepted_flits_node_cycle"] =
      static_cast<double>(c.arrived) * flits / (double(kNodes) * double(std::max<Cycles>(1, t)));
  state.counters["trains"] = static_cast<double>(e.counters().trains);
  state.counters["retrains"] = static_cast<double>(e.counters().retrains);
}
BENCHMARK(BM_CausalMesh8Loaded)
    ->Args({10, 8})->Args({30, 8})->Args({100, 8})->Args({30, 1})->Args({100, 1})
    ->MinTime(1.0);

// Offered load of the SystemC mesh benchmark, flits per node per cycle (1: back to back).
double g_offered = 1.0;

// One SC_THREAD per node injecting messages to random nodes through the Noc module: each
// message's injection (32 cycles for 1 KiB), then an idle gap that makes the offered load
// g_offered (none at 1: back to back, twice what uniform traffic can carry on a mesh).
struct Node : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Node> out;
  tlm_utils::simple_target_socket<Node> in;
  PayloadPool pool;
  std::mt19937 rng;
  uint32_t id;
  uint64_t received = 0, packets = 0, next = 0;
  SC_HAS_PROCESS(Node);
  Node(const sc_core::sc_module_name& n, uint32_t i)
      : sc_module(n), out("out"), in("in"), rng(1000 + i), id(i) {
    in.register_b_transport(this, &Node::receive);
    SC_THREAD(run);
  }
  void receive(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
    ++received;
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void run() {
    std::uniform_int_distribution<uint32_t> node(0, kNodes - 1);
    for (;;) {
      uint32_t dst = node(rng);
      if (dst == id) dst = (dst + 1) % kNodes;
      auto& t = pool.acquire();
      MessageExt& e = ext_of(t);
      e.id = (uint64_t(id) << 40) | next++;
      e.src = ProcessorId(id);
      e.dst = ProcessorId(dst);
      e.bytes = kMessageBytes;
      t.set_command(tlm::TLM_WRITE_COMMAND);
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      out->b_transport(t, d);
      packets += ext_of(t).packets;
      t.release();
      wait(d);
      if (g_offered < 1.0) wait(d * (1.0 / g_offered - 1.0));
    }
  }
};

// arg: offered load in percent of a flit per node per cycle. 30 (loaded, below the 0.5 that
// uniform traffic saturates at) runs first: past saturation the ideal NoC books links further and
// further ahead (open loop: a sender is busy only while it injects), which the calendars carry
// into any later run of the same elaboration.
void BM_SystemCMesh8Loaded(benchmark::State& state) {
  g_offered = static_cast<double>(state.range(0)) / 100.0;
  static CountingProbe probe;
  static std::unique_ptr<Noc> noc;
  static std::vector<std::unique_ptr<Node>> nodes;
  if (!noc) {
    std::vector<uint32_t> ports(kNodes);
    for (uint32_t i = 0; i < kNodes; ++i) ports[i] = i;
    noc = std::make_unique<Noc>("noc", mesh8(), ports, -1, std::vector<uint32_t>{}, probe);
    for (uint32_t i = 0; i < kNodes; ++i) {
      nodes.push_back(std::make_unique<Node>(("node" + std::to_string(i)).c_str(), i));
      nodes.back()->out.bind(noc->in);
      noc->out.bind(nodes.back()->in);
    }
  }
  auto count = [] {
    uint64_t p = 0;
    for (const auto& n : nodes) p += n->packets;
    return p;
  };
  const uint64_t before = count();
  for (auto _ : state) sc_core::sc_start(to_time(10000));
  const uint64_t packets = count() - before;
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  state.counters["packets"] = static_cast<double>(packets);
  state.counters["messages"] = static_cast<double>(packets / (kMessageBytes / 256));
}
BENCHMARK(BM_SystemCMesh8Loaded)->Arg(30)->Arg(100)->Unit(benchmark::kMillisecond);

// simulate() with one processor running a program of 5 ops (no messages) for many iterations.
void BM_ProcessorTasks(benchmark::State& state) {
  PlatformParams p;
  p.processors = 1;
  p.noc.cols = p.noc.rows = 1;
  Schedule s;
  s.scheduler = "bench";
  s.processors = 1;
  s.programs.resize(1);
  for (uint32_t i = 0; i < 5; ++i) {
    Op o;
    o.id = OpId(i);
    o.task = TaskId(i);
    o.kind = static_cast<TaskKind>(i);
    o.proc = ProcessorId(0);
    o.array_cycles = 100 + i;
    o.vector_cycles = 10;
    s.ops.push_back(o);
    s.programs[0].push_back(o.id);
    if (i) s.deps.push_back(Dep{OpId(i - 1), OpId(i), 0, TensorKind::Errors, 4096});  // local
  }
  SimOptions opt;
  opt.iterations = static_cast<uint32_t>(state.range(0));
  NullProbe probe;
  uint64_t ops = 0;
  for (auto _ : state) ops = simulate(p, s, opt, probe).ops_run;
  state.SetItemsProcessed(static_cast<int64_t>(ops));
}
BENCHMARK(BM_ProcessorTasks)->Arg(400000)->Iterations(1)->Unit(benchmark::kMillisecond);

// A whole run: spikepipe's schedule of a shipped network on 64 processors (8x8 mesh), every
// event counted by a probe as a recorder would see it.
void BM_SimulateSpikepipeMesh64(benchmark::State& state) {
  PlatformParams p;
  p.processors = kNodes;
  p.noc = mesh8();
  p.memory.controller_nodes = {0, 63};
  const TaskGraph g = build_task_graph(load_network("cifar10-vgg"), p.processor.array);
  SchedulerOptions so;
  so.processors = kNodes;
  so.split = true;
  so.comm.link_bytes_per_cycle = p.noc.link_bytes_per_cycle;
  so.comm.hop_latency = p.noc.router_latency;
  so.comm.mean_hops = 16.0 / 3.0;
  const Schedule s = make_schedule("spikepipe", g, so);
  SimOptions opt;
  opt.iterations = static_cast<uint32_t>(state.range(0));
  CountingProbe probe;
  SimResult r;
  for (auto _ : state) r = simulate(p, s, opt, probe);
  state.SetItemsProcessed(static_cast<int64_t>(r.ops_run));
  state.counters["ops"] = static_cast<double>(r.ops_run);
  state.counters["messages"] = static_cast<double>(r.messages);
  state.counters["link_events"] = static_cast<double>(probe.links);
  state.counters["messages_per_s"] =
      benchmark::Counter(static_cast<double>(r.messages), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulateSpikepipeMesh64)->Arg(200)->Iterations(1)->Unit(benchmark::kMillisecond);

// DramTiming::access alone (no kernel), 2 channels interleaved by 256 B: requests of arg(0) bytes
// at random 4 KiB-aligned addresses in 1 GiB (arg(1) = 1) or one after the other (0), each
// issued when the previous one is done. dram-model simple (busy_until) against ddr4 (banks, rows,
// refresh, FR-FCFS; 64-byte bursts).
template <DramModel M>
void BM_DramAccess(benchmark::State& state) {
  MemoryParams p;
  p.model = M;
  p.channels = 2;
  CountingProbe probe;
  DramTiming d(p, 1.0);
  const uint64_t bytes = static_cast<uint64_t>(state.range(0));
  const bool random = state.range(1) != 0;
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint64_t> page(0, (1ull << 30) / 4096 - 1);
  MemoryEvent proto;
  Cycles t = 0;
  uint64_t requests = 0, next = 0, moved = 0;
  for (auto _ : state) {
    const uint64_t a = random ? page(rng) * 4096 : next;
    next += bytes;
    t = d.access(a, bytes, t, proto, probe).done;
    moved += bytes;
    ++requests;
  }
  state.SetItemsProcessed(static_cast<int64_t>(requests));
  state.counters["bursts/s"] = benchmark::Counter(static_cast<double>(moved) / 64,
                                                  benchmark::Counter::kIsRate);
  state.counters["GB/s_simulated"] = static_cast<double>(moved) / static_cast<double>(t);
}
BENCHMARK_TEMPLATE(BM_DramAccess, DramModel::Simple)
    ->ArgsProduct({{64, 4096, 65536}, {0, 1}});
BENCHMARK_TEMPLATE(BM_DramAccess, DramModel::DDR4)->ArgsProduct({{64, 4096, 65536}, {0, 1}});

}  // namespace
}  // namespace spikepipe

int sc_main(int argc, char* argv[]) {
  bool filtered = false;
  for (int i = 1; i < argc; ++i)
    filtered = filtered || std::string(argv[i]).rfind("--benchmark_filter", 0) == 0;
  if (!filtered) {
    std::string rest;
    for (int i = 1; i < argc; ++i) rest += std::string(" '") + argv[i] + "'";
    int rc = 0;
    for (const char* name : {"BM_NocTimingMesh8", "BM_SystemCMesh8Loaded", "BM_ProcessorTasks",
                             "BM_SimulateSpikepipeMesh64", "BM_DramAccess"}) {
      const std::string cmd =
          std::string("'") + argv[0] + "' --benchmark_filter='^" + name + "'" + rest;
      rc |= std::system(cmd.c_str());
    }
    return rc == 0 ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

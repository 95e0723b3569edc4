// The SRAM need a schedule predicts (workloads/analysis.h, predict_sram) against the peak the
// SystemC run measures, on a real schedule with SRAM large enough never to spill.
//
// The prediction replays the processor model's accounting on the list simulation's times; the
// SystemC run has the mesh's real hop counts and link contention instead of the mean hop count,
// so a receive buffer can be taken a little before or after a release it is close to. The
// tolerance is therefore one tensor: the largest dep into that processor. Two peaks are
// compared: over the steady state (the need the warnings use; the period is measured there) and
// over the whole run, where the fill can hold more (here P3 holds one 640,000-byte tensor more
// while the pipeline fills: 3,000,000 against 2,360,000 in steady state). On this schedule both
// agree exactly, as they do for mnist-fc and fmnist-conv with spikepipe and pipedream on mesh8.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "spikepipe/platform/simulate.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/scheduler.h"
#include "support/recording_probe.h"
#include "support/sc_fixture.h"

namespace spikepipe {
namespace {

class SimulateSramPrediction : public SystemCTest {};

TEST_F(SimulateSramPrediction, MnistFcSpikepipeOnFourProcessorsPeaksAsPredicted) {
  PlatformParams p;  // the default: 4 processors on a 2x2 mesh
  ASSERT_EQ(p.processors, 4u);
  ASSERT_EQ(p.noc.cols * p.noc.rows, 4u);
  p.processor.sram_bytes = 1ull << 34;
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), p.processor.array);
  SchedulerOptions so;
  so.processors = p.processors;
  so.comm.link_bytes_per_cycle = p.noc.link_bytes_per_cycle;
  so.comm.hop_latency = p.noc.router_latency;
  so.comm.mean_hops = 4.0 / 3.0;  // 2x2 mesh: from each node two neighbours at 1 hop, one at 2
  so.comm.dram_latency = p.memory.latency;
  so.comm.dram_bytes_per_cycle = p.memory.channel_bytes_per_cycle;
  const Schedule s = make_schedule("spikepipe", g, so);
  const SramPrediction want = predict_sram(s, so.comm);
  ASSERT_EQ(s.sram_peak, want.peak);  // finalize_schedule filled the same figures

  SimOptions opt;
  opt.iterations = 24;  // well past the fill: the largest offset here is a few rounds
  test::RecordingProbe probe;
  const SimResult r = simulate(p, s, opt, probe);
  // Steady state: from the end of iteration 8 to the end of the last one before the drain.
  int32_t max_offset = 0;
  for (const Op& op : s.ops) max_offset = std::max(max_offset, op.offset);
  ASSERT_LT(8 + max_offset, 23);
  const Cycles from = r.iteration_end[8], to = r.iteration_end[23 - size_t(max_offset)];

  std::vector<uint64_t> all(s.processors, 0), steady(s.processors, 0), now(s.processors, 0),
      first(s.processors, UINT64_MAX);
  for (const auto& e : probe.sram) {  // in time order per processor
    const uint32_t q = e.proc.value;
    if (first[q] == UINT64_MAX) first[q] = e.bytes;  // at time 0: the resident weights
    if (e.time >= from && e.time <= to) steady[q] = std::max({steady[q], now[q], e.bytes});
    now[q] = e.bytes;
    all[q] = std::max(all[q], e.bytes);
    EXPECT_EQ(e.spilled, 0u);
  }
  for (uint32_t q = 0; q < s.processors; ++q) {
    uint64_t largest = 0;
    for (const Dep& d : s.deps)
      if (s.op(d.dst).proc.value == q) largest = std::max(largest, d.bytes);
    std::printf("P%u: predicted %llu (weights %llu + held %llu), simulated %llu in steady state; "
                "whole run: predicted %llu, simulated %llu\n",
                q, static_cast<unsigned long long>(want.peak[q]),
                static_cast<unsigned long long>(want.weights[q]),
                static_cast<unsigned long long>(want.in_flight[q]),
                static_cast<unsigned long long>(steady[q]),
                static_cast<unsigned long long>(want.run_peak[q]),
                static_cast<unsigned long long>(all[q]));
    EXPECT_EQ(first[q], want.weights[q]) << "P" << q;  // resident weights: exact
    EXPECT_GT(want.in_flight[q], 0u) << "P" << q;      // every processor holds something
    const auto near = [&](uint64_t a, uint64_t b) { return (a > b ? a - b : b - a) <= largest; };
    EXPECT_TRUE(near(steady[q], want.peak[q])) << "P" << q;
    EXPECT_TRUE(near(all[q], want.run_peak[q])) << "P" << q;
    EXPECT_LE(want.peak[q], want.run_peak[q]);
  }
}

}  // namespace
}  // namespace spikepipe

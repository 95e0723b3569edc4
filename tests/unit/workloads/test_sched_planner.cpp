// The planner's machine (core/comm_model.h, workloads/analysis.h shared_loads, --memory): link
// sharing, DRAM channels and the memory modes, each figure worked out by hand next to it.
#include <gtest/gtest.h>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe {
namespace {

Op make_op(uint32_t id, TaskKind kind, uint32_t proc, Cycles cycles, int32_t offset = 0) {
  Op o;
  o.id = OpId(id);
  o.task = TaskId(id);
  o.kind = kind;
  o.proc = ProcessorId(proc);
  o.vector_cycles = cycles;
  o.offset = offset;
  return o;
}

// A 3x1 mesh (nodes r0c0, r0c1, r0c2), processor p on node p, one memory controller on node 0,
// 32 B/cycle links, 2 cycles per hop; 2 DRAM channels of 25.6 B/cycle, 256-byte interleave,
// latency 100.
PlatformParams line3() {
  PlatformParams p;
  p.processors = 3;
  p.noc.cols = 3;
  p.noc.rows = 1;
  p.memory.channels = 2;
  p.memory.channel_bytes_per_cycle = 25.6;
  p.memory.latency = 100;
  p.memory.interleave_bytes = 256;
  p.memory.controller_nodes = {0};
  return p;
}

TEST(SchedPlanner, CommModelHasTheRealHopsOfEveryPair) {
  const CommModel c = CommModel::of(line3());
  EXPECT_EQ(c.hops(ProcessorId(0), ProcessorId(2)), 2u);
  EXPECT_EQ(c.hops(ProcessorId(2), ProcessorId(1)), 1u);
  EXPECT_EQ(c.flight(ProcessorId(0), ProcessorId(2)), 4u);  // 2 hops x 2 cycles
  EXPECT_EQ(c.flight(ProcessorId(1), ProcessorId(1)), 0u);
  EXPECT_EQ(c.controller_hops(ProcessorId(2)), 2u);
  // A read of 51,200 bytes by P2: header 2 hops (4), latency 100, channel share 25,600 bytes at
  // 25.6 B/cycle = 1000 but the 51,200 bytes cross the links at 32 B/cycle = 1600, 2 hops back
  // (4): 4 + 100 + 1600 + 4 = 1708.
  EXPECT_EQ(c.channel_share(51200), 25600u);
  EXPECT_EQ(c.channel_share(300), 256u);  // one whole unit on channel 0, 44 bytes on channel 1
  EXPECT_EQ(c.dram_read(51200, ProcessorId(2)), 1708u);
  EXPECT_EQ(c.dram_read(0, ProcessorId(2)), 0u);
}

// Two flows that share one link: A on P0 and B on P1 each send 3,200 bytes to C on P2. Both
// routes end with the link r0c1->r0c2: 100 + 100 = 200 cycles busy per iteration, while every
// processor's own load is at most 10 + 100 (its op and its injection).
TEST(SchedPlanner, TwoFlowsSharingOneLinkBoundThePeriod) {
  const CommModel c = CommModel::of(line3());
  Schedule s;
  s.scheduler = "hand";
  s.processors = 3;
  s.ops = {make_op(0, TaskKind::F, 0, 10), make_op(1, TaskKind::F, 1, 10),
           make_op(2, TaskKind::D, 2, 10)};
  s.programs = {{OpId(0)}, {OpId(1)}, {OpId(2)}};
  s.deps = {Dep{OpId(0), OpId(2), 0, TensorKind::Spikes, 3200},
            Dep{OpId(1), OpId(2), 0, TensorKind::Spikes, 3200}};
  s.delays = {0};
  const SharedLoads sh = shared_loads(s, c);
  const auto& links = c.noc->links();
  for (size_t l = 0; l < links.size(); ++l) {
    const Cycles want = links[l].name == "r0c1->r0c2" ? 200 : links[l].name == "r0c0->r0c1" ? 100 : 0;
    EXPECT_EQ(sh.links[l], want) << links[l].name;
  }
  EXPECT_EQ(sh.link_max(), 200u);
  finalize_schedule(s, c, false);
  EXPECT_LT(*std::max_element(s.loads.begin(), s.loads.end()), 200u);
  EXPECT_EQ(s.predicted_period, 200u);
}

// DRAM channels: one op of 100 cycles writes 51,200 bytes per iteration (posted: the op does not
// wait). Interleaved over 2 channels, each carries 25,600 bytes = 1000 cycles at 25.6 B/cycle;
// the controller sits on the writer's node, so no link carries it. Period = 1000, not 100.
TEST(SchedPlanner, DramChannelLoadBoundsThePeriod) {
  const CommModel c = CommModel::of(line3());
  Schedule s;
  s.scheduler = "hand";
  s.processors = 3;
  Op w = make_op(0, TaskKind::F, 0, 100);
  w.dram_write_bytes = 51200;
  s.ops = {w};
  s.programs = {{OpId(0)}, {}, {}};
  s.delays = {0};
  const SharedLoads sh = shared_loads(s, c);
  EXPECT_EQ(sh.dram_channel, 1000u);
  EXPECT_EQ(sh.link_max(), 0u);
  finalize_schedule(s, c, false);
  EXPECT_EQ(s.predicted_period, 1000u);
  // With one channel, 2000.
  CommModel one = c;
  one.dram_channels = 1;
  finalize_schedule(s, one, false);
  EXPECT_EQ(s.predicted_period, 2000u);
}

// One processor (P0 of line3: the controller is on its node), F (1000 cycles) -> D (1000 cycles)
// with a 25,600-byte stash, D two rounds behind F (offset 2): three stashes are held at once,
// 76,800 bytes. SRAM 60,000 bytes.
Schedule stash_schedule() {
  Schedule s;
  s.scheduler = "hand";
  s.processors = 3;
  s.ops = {make_op(0, TaskKind::F, 0, 1000), make_op(1, TaskKind::D, 0, 1000, 2)};
  s.programs = {{OpId(0), OpId(1)}, {}, {}};
  s.deps = {Dep{OpId(0), OpId(1), 0, TensorKind::Stash, 25600}};
  s.delays = {0};
  return s;
}

SchedulerOptions stash_options(MemoryMode m) {
  SchedulerOptions o = SchedulerOptions::for_platform(line3());
  o.comm.sram_bytes = o.sram_bytes = 60000;
  o.memory = m;
  return o;
}

TEST(SchedPlanner, MemoryFitRefusesWhatDoesNotFit) {
  const TaskGraph g;
  const SchedulerOptions o = stash_options(MemoryMode::Fit);
  try {
    plan_memory(stash_schedule(), g, o, nullptr);
    FAIL() << "fit accepted a schedule that needs 76,800 bytes of 60,000";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("does not fit"), std::string::npos) << m;
    EXPECT_NE(m.find("processor 0 needs 76800 bytes"), std::string::npos) << m;
  }
  // With room it is the schedule as planned.
  SchedulerOptions roomy = o;
  roomy.comm.sram_bytes = 1 << 20;
  const Schedule s = plan_memory(stash_schedule(), g, roomy, nullptr);
  EXPECT_EQ(s.predicted_period, 2000u);
}

TEST(SchedPlanner, MemorySpillAddsExactlyTheDramRead) {
  const TaskGraph g;
  const SchedulerOptions o = stash_options(MemoryMode::Spill);
  const Schedule s = plan_memory(stash_schedule(), g, o, nullptr);
  // 76,800 needed, 60,000 there: 16,800 too many, held on average 2.5 copies at a time (D ends
  // 2.5 periods after F on the list simulation's times), so 16,800 / 2.5 = 6,720 bytes of each
  // stash are spilled: 3 x 18,880 = 56,640 held.
  ASSERT_EQ(s.deps[0].spill_bytes, 6720u);
  EXPECT_EQ(s.sram_peak[0], 3u * (25600u - 6720u));
  // D reads its 6,720 bytes back before it runs: alone, 0 hops, latency 100, max(channel share
  // 13 x 256 + 64 = 3,392 / 25.6 -> 133, 6,720 / 32 = 210) = 310 cycles; but F has just posted
  // its write of the same bytes (another iteration's, D being two rounds behind), and the
  // channels serve in call order: the write crosses the NoC to the controller (210), waits the
  // latency (100) and takes its channel share (133), done 443 after D's start, where D's read
  // would have started on the channels at 100: + 343. The terms give 1000 + 1000 + 653; the
  // reported period is the machine replay's (replay_machine), 2650: the write's smaller channel
  // share ends 3 cycles sooner, and the read's first bytes leave there (PlannedSpill: the
  // SystemC run agrees to the cycle).
  EXPECT_EQ(o.comm.dram_read(6720, ProcessorId(0)), 310u);
  EXPECT_EQ(dram_waits(s, o.comm)[1], 343u);
  EXPECT_EQ(s.predicted_period, 2650u);
  EXPECT_EQ(shared_loads(s, o.comm).spilled_bytes, 6720u);
  // With 2,000 bytes, 74,800 too many / 2.5 = 29,920 > 25,600: the stash spills whole.
  SchedulerOptions tight = o;
  tight.comm.sram_bytes = 2000;
  const Schedule t = plan_memory(stash_schedule(), g, tight, nullptr);
  ASSERT_EQ(t.deps[0].spill_bytes, 25600u);
  // 900 alone (max(12,800 / 25.6 = 500, 25,600 / 32 = 800) + 100), + 1300 behind the write
  // (800 over the NoC + 100 + 500 on the channels, less the read's own 100).
  EXPECT_EQ(t.predicted_period, 4200u);
}

TEST(SchedPlanner, MemoryRecomputeAddsExactlyTheForwardCost) {
  const TaskGraph g;
  const SchedulerOptions o = stash_options(MemoryMode::Recompute);
  const Schedule s = plan_memory(stash_schedule(), g, o, nullptr);
  // A re-run of F (1000 cycles) right before D; its stash is held from the re-run to D only.
  ASSERT_EQ(s.ops.size(), 3u);
  EXPECT_TRUE(s.ops[2].recompute);
  EXPECT_EQ(s.programs[0], (std::vector<OpId>{OpId(0), OpId(2), OpId(1)}));
  for (const Dep& d : s.deps) EXPECT_EQ(d.spill_bytes, 0u);
  EXPECT_EQ(s.predicted_period, 3000u);  // 2000 + the forward's 1000
  EXPECT_EQ(s.sram_peak[0], 25600u);
  // auto picks the faster: spill (2650) over recompute (3000) here.
  const Schedule a = plan_memory(stash_schedule(), g, stash_options(MemoryMode::Auto), nullptr);
  EXPECT_EQ(a.predicted_period, 2650u);
}

TEST(SchedPlanner, MemoryModeNamesTheAllowedValues) {
  EXPECT_EQ(parse_memory_mode("recompute"), MemoryMode::Recompute);
  try {
    parse_memory_mode("swap");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fit, spill, recompute or auto"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace spikepipe

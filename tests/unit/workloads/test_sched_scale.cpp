// Schedules grow with the schedule, not with P^2 (issues 10 and 15): dense exchanges between cut
// tasks are collectives (docs/EXECUTION.md §7), whose member deps carry the bytes of the direct
// exchange they replace.
#include <gtest/gtest.h>

#include <map>

#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"
#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/scheduler.h"

namespace spikepipe {
namespace {

SchedulerOptions opts(uint32_t P) {
  SchedulerOptions o;
  o.processors = P;
  o.comm.mean_hops = P > 1 ? 2.0 : 0.0;
  return o;
}

// Doubling P at most doubles the deps (plus a constant); with P^2 pairwise deps every doubling
// would quadruple them. Also: about one dep per op (each op has one dep per producer edge).
TEST(ScheduleScale, DepsOfSequentialAndDataParallelGrowLinearlyWithP) {
  const TaskGraph g = build_task_graph(load_network("cifar10-vgg"), ArrayParams{});
  for (const char* name : {"sequential", "data-parallel"}) {
    size_t prev = 0;
    for (uint32_t P : {16u, 32u, 64u, 128u, 256u}) {
      const Schedule s = make_schedule(name, g, opts(P));
      SCOPED_TRACE(std::string(name) + " P=" + std::to_string(P));
      // every op has at most one dep per task-graph edge into its task
      std::map<uint32_t, size_t> in_edges;
      for (const Edge& e : g.edges) ++in_edges[e.dst.value];
      size_t most = 0;
      for (const Op& op : s.ops) most += in_edges[op.task.value];
      // a fan-in (P parts into one op) is linear too, and counted as P deps of one op
      EXPECT_LE(s.deps.size(), most + size_t(P) * g.tasks.size());
      if (prev) {
        EXPECT_LE(s.deps.size(), 2 * prev + 16 * g.tasks.size());
      }
      prev = s.deps.size();
    }
  }
}

// mnist-fc (784-500-500-10, B = 32, T = 20) cut by `sequential` over 4 processors: F1's output
// spikes are 32 x 20 x 500 bits = 40,000 bytes, in four shares of 10,000 on processors 0..3.
// Every part of F2 needs all of them: one all-gather whose member into processor q comes from
// processor q - 1 (mod 4) and carries the 30,000 bytes that q does not hold.
TEST(ScheduleScale, AllGatherMembersCarryWhatTheDirectExchangeWould) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  const Schedule s = make_schedule("sequential", g, opts(4));
  const TaskId f1 = g.find(TaskKind::F, 0), f2 = g.find(TaskKind::F, 1);
  int found = 0;
  for (size_t c = 0; c < s.collectives.size(); ++c) {
    const Collective& col = s.collectives[c];
    if (s.op(col.srcs.front()).task != f1) continue;
    std::vector<const Dep*> members;
    for (const Dep& d : s.deps)
      if (d.collective == int32_t(c) && s.op(d.dst).task == f2) members.push_back(&d);
    if (members.empty()) continue;
    ++found;
    EXPECT_EQ(col.kind, CollectiveKind::AllGather);
    EXPECT_EQ(col.srcs.size(), 4u);
    ASSERT_EQ(members.size(), 4u);
    for (const Dep* d : members) {
      EXPECT_EQ(d->kind, TensorKind::Spikes);
      EXPECT_EQ(d->bytes, 30000u);
      const uint32_t q = s.op(d->dst).proc.value;
      EXPECT_EQ(s.op(d->src).proc.value, (q + 3) % 4);
    }
  }
  EXPECT_EQ(found, 1);
  // No pairwise spikes deps are left between F1 and F2 parts.
  for (const Dep& d : s.deps)
    if (s.op(d.src).task == f1 && s.op(d.dst).task == f2) {
      EXPECT_TRUE(d.in_collective());
    }
}

// data-parallel on 4 processors, mnist-fc layer 3 (500 x 10 weights, 16 bits: 10,000 bytes):
// G3 is cut by samples into 4 partial gradients, U3 into 4 ranges of 2,500 bytes. Each U3 part
// receives its range from the 3 G3 parts elsewhere: 7,500 bytes (reduce-scatter); each F3 part
// receives the 3 ranges it does not update: 7,500 bytes (all-gather).
TEST(ScheduleScale, DataParallelAllReduceIsAReduceScatterAndAnAllGather) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  const Schedule s = make_schedule("data-parallel", g, opts(4));
  std::map<std::string, uint64_t> bytes;
  std::map<std::string, int> members;
  for (const Dep& d : s.deps) {
    if (!d.in_collective() || s.op(d.src).layer != 2) continue;
    const std::string k = std::string(to_string(s.collectives[size_t(d.collective)].kind)) + " " +
                          s.op(d.src).label().substr(0, 2) + "->" + s.op(d.dst).label().substr(0, 2);
    bytes[k] += d.bytes;
    ++members[k];
  }
  EXPECT_EQ(members["reduce-scatter G3->U3"], 4);
  EXPECT_EQ(bytes["reduce-scatter G3->U3"], 4u * 7500);
  EXPECT_EQ(members["all-gather U3->F3"], 4);
  EXPECT_EQ(bytes["all-gather U3->F3"], 4u * 7500);
}

// The exchange is where the bytes are: the same totals per kind whatever P, and a member sent
// from a processor to itself carries nothing.
TEST(ScheduleScale, CollectiveMembersAreWellFormed) {
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  for (const char* name : {"sequential", "data-parallel", "pipedream"})
    for (uint32_t P : {3u, 8u, 33u}) {
      const Schedule s = make_schedule(name, g, opts(P));
      const CollectiveIndex ci(s);
      for (size_t c = 0; c < s.collectives.size(); ++c)
        for (uint32_t d : ci.members[c]) {
          const Dep& dep = s.deps[d];
          bool src = false;
          for (OpId o : s.collectives[c].srcs) src = src || o == dep.src;
          EXPECT_TRUE(src) << name << " P=" << P;
          if (!s.remote(dep)) {
            EXPECT_EQ(dep.bytes, 0u);
          }
        }
    }
}

TEST(ScheduleScale, JsonRoundTripKeepsCollectivesAndRefusesBadOnes) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  const Schedule s = make_schedule("sequential", g, opts(4));
  ASSERT_FALSE(s.collectives.empty());
  nlohmann::json j = schedule_to_json(s);
  EXPECT_EQ(j["format"], "spikepipe-schedule/2");
  const Schedule r = schedule_from_json(j, "s.json");
  ASSERT_EQ(r.collectives.size(), s.collectives.size());
  ASSERT_EQ(r.deps.size(), s.deps.size());
  for (size_t i = 0; i < s.deps.size(); ++i) EXPECT_EQ(r.deps[i].collective, s.deps[i].collective);
  EXPECT_EQ(schedule_to_json(r).dump(), j.dump());

  auto error = [&](nlohmann::json bad) -> std::string {
    try {
      schedule_from_json(bad, "s.json");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  size_t member = 0;
  while (!s.deps[member].in_collective()) ++member;
  nlohmann::json bad = j;
  bad["deps"][member]["collective"] = 99999;
  EXPECT_NE(error(bad).find("deps[" + std::to_string(member) + "]: names collective 99999"),
            std::string::npos)
      << error(bad);
  bad = j;
  bad["collectives"][0]["kind"] = "broadcast";
  EXPECT_NE(error(bad).find("kind 'broadcast' is not known"), std::string::npos) << error(bad);
  bad = j;
  bad["collectives"][0]["srcs"] = nlohmann::json::array();
  EXPECT_NE(error(bad).find("has no srcs"), std::string::npos) << error(bad);
  bad = j;
  bad["format"] = "spikepipe-schedule/9";
  EXPECT_NE(error(bad).find("format 'spikepipe-schedule/9' is not known"), std::string::npos);
}

// More processors never hurt: above 64 processors a scheduler keeps the plan for a quarter of
// them when that is predicted faster, so with the same machine model the period at P = 256 is
// never above the one at P = 64 (it is that plan, on processors 0..63, when nothing better is
// found). Every scheduler, and spikepipe --split.
TEST(ScheduleScale, MoreProcessorsNeverHurtThePrediction) {
  const TaskGraph g = build_task_graph(load_network("mnist-fc"), ArrayParams{});
  for (const SchedulerEntry& e : schedulers())
    for (bool split : {false, true}) {
      if (split && !e.splits) continue;
      SchedulerOptions small = opts(64), large = opts(256);
      small.split = large.split = split;
      const Schedule a = make_schedule(e.name, g, small);
      const Schedule b = make_schedule(e.name, g, large);
      SCOPED_TRACE(std::string(e.name) + (split ? " --split" : ""));
      EXPECT_EQ(b.processors, 256u);
      EXPECT_EQ(b.programs.size(), 256u);
      EXPECT_LE(b.predicted_period, a.predicted_period);
    }
}

// pipedream picks its processor count by its fast terms; on fmnist-conv those chose, at 256
// processors, a plan replayed at 4.21 M cycles where the plan for 64 runs 2.37 M.
TEST(ScheduleScale, PipedreamOnTheConvNetworkIsNoSlowerOn256ThanOn64) {
  auto on = [](uint32_t P) {  // the built-in platform, as `--processors P` gives it
    PlatformParams p;
    p.processors = P;
    p.noc.cols = p.noc.rows = 0;
    p.noc.auto_size(P);
    return SchedulerOptions::for_platform(p);
  };
  const TaskGraph g = build_task_graph(load_network("fmnist-conv"), ArrayParams{});
  const Schedule a = make_schedule("pipedream", g, on(64));
  const Schedule b = make_schedule("pipedream", g, on(256));
  EXPECT_LE(b.predicted_period, a.predicted_period);
}

}  // namespace
}  // namespace spikepipe

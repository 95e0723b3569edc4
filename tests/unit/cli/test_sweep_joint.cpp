// Joint sweep axes: keys that move together (`--set a+b=...`, `--zip`), how they expand, and the
// errors for a key swept twice, empty values and mismatched counts.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "support/sweep_spec.h"

using namespace spikepipe;
using namespace spikepipe::sweep;
using Strings = std::vector<std::string>;

namespace {

using test::error_of;
using test::spec_of;

Strings ids(const std::vector<Point>& pts) {
  Strings out;
  for (const auto& p : pts) out.push_back(p.id);
  return out;
}

}  // namespace

TEST(SweepJoint, PlusJoinedKeysTakeTheSameValue) {
  const auto axes = parse_set("array-rows+array-cols=32,64");
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_EQ(axes[0].key, "array-rows");
  EXPECT_FALSE(axes[0].joint);
  EXPECT_EQ(axes[1].key, "array-cols");
  EXPECT_TRUE(axes[1].joint);
  EXPECT_EQ(axes[1].values, (Strings{"32", "64"}));
  // 32x32 and 64x64, without the 32x64 cross points.
  EXPECT_EQ(ids(expand(axes)),
            (Strings{"array-rows=32,array-cols=32", "array-rows=64,array-cols=64"}));
  EXPECT_EQ(parse_set("processors=4:16:x2").size(), 1u);
}

TEST(SweepJoint, ZipPairsValuesAndGroupsFormAProduct) {
  const Spec s = spec_of({"--set", "scheduler=gpipe,spikepipe", "--set", "processors=4,16", "--zip",
                          "noc-cols=2,4", "--zip=noc-rows=2,4"});
  ASSERT_EQ(s.axes.size(), 4u);
  EXPECT_TRUE(s.axes[2].joint);
  EXPECT_TRUE(s.axes[3].joint);
  const auto pts = expand(s.axes);
  // Hand-computed: 2 schedulers x 2 (processors, noc-cols, noc-rows) steps, the first slowest.
  EXPECT_EQ(ids(pts), (Strings{"scheduler=gpipe,processors=4,noc-cols=2,noc-rows=2",
                               "scheduler=gpipe,processors=16,noc-cols=4,noc-rows=4",
                               "scheduler=spikepipe,processors=4,noc-cols=2,noc-rows=2",
                               "scheduler=spikepipe,processors=16,noc-cols=4,noc-rows=4"}));
  for (size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].index, i);
  EXPECT_EQ(point_args(s, pts[1]),
            (Strings{"--scheduler=gpipe", "--processors=16", "--noc-cols=4", "--noc-rows=4"}));
}

TEST(SweepJoint, JointThenCartesianAxis) {
  const Spec s = spec_of({"--set", "array-rows+array-cols=8,16", "--set", "batch=1:3"});
  const auto pts = expand(s.axes);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].values, (Values{{"array-rows", "8"}, {"array-cols", "8"}, {"batch", "1"}}));
  EXPECT_EQ(pts[5].values, (Values{{"array-rows", "16"}, {"array-cols", "16"}, {"batch", "3"}}));
}

TEST(SweepJoint, ErrorsNameTheKeys) {
  const std::string counts = error_of([] {
    spec_of({"--set", "processors=4,16", "--zip", "noc-cols=2,4,8"});
  });
  EXPECT_NE(counts.find("--zip noc-cols"), std::string::npos) << counts;
  EXPECT_NE(counts.find("3 value(s) against 2 of --set processors"), std::string::npos) << counts;
  EXPECT_NE(error_of([] {
              spec_of({"--zip", "noc-cols=2,4"});
            }).find("no --set before it"),
            std::string::npos);
  const std::string twice = error_of([] {
    spec_of({"--set", "processors=4,16", "--zip", "processors=2,4"});
  });
  EXPECT_NE(twice.find("'processors' is swept twice"), std::string::npos) << twice;
  EXPECT_NE(error_of([] {
              spec_of({"--set", "array-rows+array-rows=8,16"});
            }).find("'array-rows' is swept twice"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "batch=1,2", "--set", "array-rows+batch=8,16"});
            }).find("'batch' is swept twice"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--array-cols", "8", "--set", "array-rows+array-cols=8,16"});
            }).find("'--array-cols' is also given as a flag"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "array-rows+=8,16"});
            }).find("empty key"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "processors=4", "--zip", "batch=1,,2"});
            }).find("--zip batch=1,,2: empty value"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "processors=4", "--zip", "colour=red"});
            }).find("'colour' is not a run option"),
            std::string::npos);
  // expand() checks the counts itself for axes built in code.
  Axis a{"processors", {"4", "16"}, false}, b{"noc-cols", {"2"}, true};
  EXPECT_NE(error_of([&] {
              expand({a, b});
            }).find("1 value(s) against 2 of 'processors'"),
            std::string::npos);
}

TEST(SweepJoint, ReportsKeepOneColumnPerKeyAndNameTheJointAxis) {
  const Spec s = spec_of({"--set", "array-rows+array-cols=8,16"});
  std::vector<Result> results;
  for (const auto& p : expand(s.axes)) {
    Result r;
    r.point = p;
    r.ok = true;
    r.summary = nlohmann::json{
        {"period_cycles", 100},
        {"steady_state_reached", p.index == 0},
        {"simulated_over_predicted", 1.5},
        {"predicted_sram_peak_bytes", {1024, 4096}},
        {"platform", {{"sram_bytes", 2048}}},
        {"dram_spill_bytes",
         512}}.dump();
    results.push_back(r);
  }
  const std::string csv = csv_text(s, results);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "array-rows,array-cols,status,error,period_cycles,simulated_over_predicted,"
            "steady_state_reached,sram_need_bytes,platform.sram_bytes,dram_spill_bytes")
      << csv;
  EXPECT_NE(csv.find("\n16,16,ok,,100,1.5,false,4096,2048,512\n"), std::string::npos) << csv;
  const auto doc = nlohmann::json::parse(json_text(s, results));
  EXPECT_FALSE(doc["axes"][0].contains("with"));
  EXPECT_EQ(doc["axes"][1]["with"], "array-rows");

  std::ostringstream table;
  print_table(s, results, table);
  const std::string t = table.str();
  EXPECT_NE(t.find("sim/pred"), std::string::npos) << t;
  EXPECT_NE(t.find("SRAM need/cap KiB"), std::string::npos) << t;
  EXPECT_NE(t.find("4/2"), std::string::npos) << t;  // need 4 KiB against 2 KiB
  EXPECT_NE(t.find("1.5000"), std::string::npos) << t;
  EXPECT_NE(t.find("1 of 2 points did not reach a steady state"), std::string::npos) << t;
}

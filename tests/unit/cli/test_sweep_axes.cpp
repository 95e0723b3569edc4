// Sweep points: --set values and ranges, the Cartesian order, directory names, and the run
// arguments each point gets.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "support/sweep_spec.h"

using namespace spikepipe;
using namespace spikepipe::sweep;
using Strings = std::vector<std::string>;

namespace {

using test::error_of;
using test::spec_of;

}  // namespace

TEST(SweepAxes, ListsKeepTheirOrder) {
  Axis a = parse_axis("scheduler=spikepipe,pipedream,gpipe");
  EXPECT_EQ(a.key, "scheduler");
  EXPECT_EQ(a.values, (Strings{"spikepipe", "pipedream", "gpipe"}));
}

TEST(SweepAxes, GeometricRangeStopsAtOrBelowTheEnd) {
  EXPECT_EQ(parse_axis("processors=4:64:x2").values, (Strings{"4", "8", "16", "32", "64"}));
  EXPECT_EQ(parse_axis("processors=4:100:x3").values, (Strings{"4", "12", "36"}));
  EXPECT_EQ(parse_axis("processors=5:5:x2").values, (Strings{"5"}));
}

TEST(SweepAxes, ArithmeticRangesIncludingDecimalsAreExact) {
  EXPECT_EQ(parse_axis("batch=1:3").values, (Strings{"1", "2", "3"}));
  EXPECT_EQ(parse_axis("batch=2:9:+3").values, (Strings{"2", "5", "8"}));
  EXPECT_EQ(parse_axis("batch=2:8:2").values, (Strings{"2", "4", "6", "8"}));
  // 0.1 steps summed in floating point would miss 1.0 (0.1 * 10 != 1.0 after ten additions).
  EXPECT_EQ(parse_axis("noc-link-bytes=0.5:1:+0.1").values,
            (Strings{"0.5", "0.6", "0.7", "0.8", "0.9", "1"}));
  EXPECT_EQ(parse_axis("noc-link-bytes=0.25:2:x2").values, (Strings{"0.25", "0.5", "1", "2"}));
}

TEST(SweepAxes, ItemsMixValuesAndRanges) {
  EXPECT_EQ(parse_axis("--processors=2,4:16:x2,24").values, (Strings{"2", "4", "8", "16", "24"}));
}

TEST(SweepAxes, BadTextIsAnErrorNamingTheSet) {
  EXPECT_NE(error_of([] { parse_axis("processors"); }).find("KEY=V1,V2"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=4,4"); }).find("'4' given twice"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=4,"); }).find("empty value"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=8:4:x2"); }).find("start is above the end"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=1:8:x1"); }).find("integer >= 2"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=0:8:x2"); }).find("start above 0"),
            std::string::npos);
  EXPECT_NE(
      error_of([] { parse_axis("processors=a:8"); }).find("--set processors=a:8: range 'a:8'"),
      std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=1:8:+0"); }).find("step '0'"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("processors=1:1000000"); }).find("100000"), std::string::npos);
}

TEST(SweepPoints, FirstAxisVariesSlowest) {
  auto pts =
      expand({parse_axis("processors=4,8"), parse_axis("scheduler=gpipe,pipedream,spikepipe")});
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].id, "processors=4,scheduler=gpipe");
  EXPECT_EQ(pts[2].id, "processors=4,scheduler=spikepipe");
  EXPECT_EQ(pts[3].id, "processors=8,scheduler=gpipe");
  EXPECT_EQ(pts[5].values, (Values{{"processors", "8"}, {"scheduler", "spikepipe"}}));
  for (size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].index, i);
}

TEST(SweepPoints, NoAxesIsOneBasePoint) {
  auto pts = expand({});
  ASSERT_EQ(pts.size(), 1u);
  EXPECT_EQ(pts[0].id, "base");
}

TEST(SweepPoints, UnsafeCharactersGetAHashSoNamesNeverCollide) {
  const std::string a = point_id({{"network", "nets/a b.yaml"}});
  const std::string b = point_id({{"network", "nets_a_b.yaml"}});
  const std::string c = point_id({{"network", "nets_a b.yaml"}});
  EXPECT_EQ(a.rfind("network=nets_a_b.yaml~", 0), 0u) << a;
  EXPECT_EQ(b, "network=nets_a_b.yaml");  // safe characters only: no hash
  EXPECT_NE(a, c);
  EXPECT_EQ(a.find('/'), std::string::npos);
  EXPECT_LT(point_id({{"network", std::string(400, 'n')}}).size(), 200u);
}

TEST(SweepSpec, SweepOptionsAreTakenOutAndTheRestPassedOn) {
  Spec s = spec_of({"--network", "mnist-fc", "--set", "processors=2,4", "-j3", "--iterations", "6",
                    "--out=/tmp/x", "--set=scheduler=gpipe", "--no-trace", "--platform", "mesh4"});
  EXPECT_EQ(s.base, (Strings{"--network", "mnist-fc", "--iterations", "6", "--platform", "mesh4"}));
  EXPECT_EQ(s.jobs, 3u);
  EXPECT_EQ(s.out, "/tmp/x");
  ASSERT_EQ(s.axes.size(), 2u);
  EXPECT_EQ(s.axes[1].key, "scheduler");
  EXPECT_EQ(spec_of({"-j", "2"}).jobs, 2u);
  EXPECT_EQ(spec_of({"--jobs=5"}).jobs, 5u);
  EXPECT_TRUE(spec_of({"--dry-run"}).dry_run);
  EXPECT_EQ(spec_of({"--keep", "tasks"}).keep, "tasks");
  EXPECT_EQ(spec_of({}).keep, "all");
}

TEST(SweepSpec, PointArgumentsAppendOneTokenPerKey) {
  Spec s = spec_of({"--iterations", "4", "--set", "processors=2,4", "--set", "split=true,false"});
  auto pts = expand(s.axes);
  EXPECT_EQ(point_args(s, pts[0]), (Strings{"--iterations", "4", "--processors=2", "--split"}));
  EXPECT_EQ(point_args(s, pts[1]), (Strings{"--iterations", "4", "--processors=2"}));
}

TEST(SweepSpec, BadKeysAreErrors) {
  EXPECT_NE(error_of([] {
              spec_of({"--set", "colour=red"});
            }).find("'colour' is not a run option"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "out=a,b"});
            }).find("not a run option"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--processors", "4", "--set", "processors=2,4"});
            }).find("also given as a flag"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "batch=1", "--set", "batch=2"});
            }).find("'batch' is swept twice"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "split=maybe"});
            }).find("not a switch value"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--set", "dram-nodes=0,3"});
            }).find("comma-separated list"),
            std::string::npos);
  EXPECT_NE(error_of([] { spec_of({"-j", "0"}); }).find("1 to 1024"), std::string::npos);
  EXPECT_NE(error_of([] {
              spec_of({"--keep", "traces"});
            }).find("all, tasks or summary"),
            std::string::npos);
  EXPECT_NE(error_of([] { spec_of({"--set"}); }).find("needs a value"), std::string::npos);
}

TEST(SweepSpec, PlatformNetworkAndScheduleKeysAreSweepable) {
  const auto keys = sweepable_keys();
  for (const char* k :
       {"processors", "array-rows", "array-cols", "dataflow", "noc-link-bytes", "scheduler",
        "batch", "timesteps", "network", "platform", "split", "iterations"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "out"), keys.end());
}

// Golden regression: the headline figures of every scheduler on the default network and the
// mesh4 preset, compared with tests/data/golden/mnist-fc-mesh4.json. Runs are deterministic, so
// any difference is a change of behaviour: if it is intended, regenerate the file with
// scripts/update_golden.sh and say in the commit why the figures moved.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/binary.h"

using json = nlohmann::json;
using namespace spikepipe::test;

namespace {

const char* kGolden = SPIKEPIPE_TEST_DATA "/golden/mnist-fc-mesh4.json";
const char* kFields[] = {"period_cycles",         "predicted_period_cycles", "lower_bound_cycles",
                         "schedule_bound_cycles", "latency_cycles",          "bytes_by_kind",
                         "delays",                "peak_sram_bytes",         "comm_overhead"};

class Golden : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Golden, HeadlineFiguresMatchTheReference) {
  const json golden = json::parse(read_file(kGolden));
  const std::string name = GetParam();
  ASSERT_TRUE(golden.contains(name)) << kGolden << " has no entry for " << name;
  const json& args = golden[name]["args"];
  const auto dir = scratch("golden_" + name);
  const RunResult r = run_spikepipe(args.get<std::string>() + " --out " + (dir / "run").string(), dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  const json summary = json::parse(read_file(dir / "run" / "summary.json"));
  for (const char* f : kFields) {
    ASSERT_TRUE(summary.contains(f)) << "summary.json lacks " << f;
    EXPECT_EQ(summary[f], golden[name]["expect"][f]) << name << ": " << f;
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(MnistFcMesh4, Golden,
                         ::testing::Values("sequential", "data_parallel", "gpipe", "standard",
                                           "pipedream", "spikepipe", "spikepipe_split"));

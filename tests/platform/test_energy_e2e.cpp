// Energy end to end (docs/ENERGY.md) with the real binary: on the three shipped networks the
// breakdowns of summary.json add up to the total (by component, by location, by task and
// layer); lower firing rates cost less; `run` prints the energy per sample; --energy overrides
// the table and refuses an unknown key; the energy file is a sweep axis.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "spikepipe/cli/sweep.h"
#include "support/binary.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using spikepipe::test::scratch;

double sum(const json& a) {
  double s = 0;
  for (const auto& x : a) s += x.get<double>();
  return s;
}

json run(const std::string& args, const fs::path& dir) {
  fs::create_directories(dir);
  const auto r = spikepipe::test::run_spikepipe(
      "run " + args + " --no-trace --quiet --iterations 4 --out " + (dir / "out").string(), dir);
  EXPECT_EQ(r.rc, 0) << r.err;
  std::ifstream in(dir / "out" / "summary.json");
  return json::parse(in);
}

void expect_close(double a, double b, const std::string& what) {
  EXPECT_NEAR(a, b, 1e-9 * std::max(std::abs(a), std::abs(b))) << what;
}

class EnergyAddsUp : public ::testing::TestWithParam<const char*> {};

std::string test_name(const ::testing::TestParamInfo<const char*>& p) {
  std::string n = p.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

TEST_P(EnergyAddsUp, ByComponentLocationTaskAndLayer) {
  const fs::path dir = scratch(std::string("energy_sums_") + GetParam());
  const json s = run(std::string("--network ") + GetParam() + " --processors 4", dir);
  const double per_sample = s["energy_per_sample_j"].get<double>();
  const double per_iteration = s["energy_per_iteration_j"].get<double>();
  const double batch = s["batch"].get<double>();
  EXPECT_GT(per_sample, 0);
  expect_close(per_sample * batch, per_iteration, "per sample x batch");
  double parts = 0;
  for (const char* k : {"compute", "sram", "dram", "noc", "static"}) {
    EXPECT_GE(s["energy_breakdown_j"][k].get<double>(), 0) << k;
    parts += s["energy_breakdown_j"][k].get<double>();
  }
  expect_close(parts, per_sample, "components");
  expect_close(sum(s["energy_by_processor_j"]) + sum(s["energy_by_link_j"]) +
                   sum(s["energy_by_channel_j"]),
               per_iteration, "processors + links + channels");
  EXPECT_EQ(s["energy_by_processor_j"].size(), 4u);
  double tasks = 0;
  for (const auto& t : s["energy_by_task"]) tasks += t["energy_j"].get<double>();
  const json& e = s["energy"];
  expect_close(tasks,
               e["compute_array_j"].get<double>() + e["compute_vector_j"].get<double>() +
                   e["sram_operand_j"].get<double>(),
               "tasks = compute + operand SRAM");
  expect_close(sum(s["energy_by_layer_j"]), tasks, "layers = tasks");
  expect_close(e["compute_array_j"].get<double>() + e["compute_vector_j"].get<double>(),
               e["per_iteration_j"]["compute"].get<double>(), "array + vector = compute");
  EXPECT_GT(s["synops_per_sample"].get<double>(), 0);
  EXPECT_GT(s["average_power_w"].get<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Shipped, EnergyAddsUp,
                         ::testing::Values("mnist-fc", "fmnist-conv", "cifar10-vgg"), test_name);

TEST(Energy, LowerFiringRatesCostLess) {
  double last = 0, last_synops = 0;
  for (const char* rate : {"1", "0.5", "0.1"}) {
    const fs::path dir = scratch(std::string("energy_rate_") + rate);
    const json s = run(std::string("--network mnist-fc --scheduler pipedream --sparsity true "
                                   "--firing-rate ") +
                           rate,
                       dir);
    const double e = s["energy_per_sample_j"].get<double>();
    const double synops = s["synops_per_sample"].get<double>();
    if (last > 0) {
      EXPECT_LT(e, last) << "firing rate " << rate;
      EXPECT_LT(synops, last_synops) << "firing rate " << rate;
    }
    last = e;
    last_synops = synops;
  }
}

TEST(Energy, RunPrintsEnergyPerSampleAndItsBreakdown) {
  const fs::path dir = scratch("energy_print");
  const auto r = spikepipe::test::run_spikepipe(
      "run --network mnist-fc --no-trace --iterations 2 --out " + (dir / "out").string(), dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  for (const char* w : {"energy per sample", "compute", "SRAM", "DRAM", "NoC", "static"})
    EXPECT_NE(r.out.find(w), std::string::npos) << w << "\n" << r.out;
}

TEST(Energy, FileOverridesTheTableAndRefusesUnknownKeys) {
  const fs::path dir = scratch("energy_file");
  const json base = run("--network mnist-fc --scheduler gpipe", dir / "a");
  std::ofstream(dir / "costly.cfg") << "# NoC and DRAM ten times dearer\n"
                                       "noc_router_pj_per_byte = 16\nnoc_link_pj_per_byte = 8\n"
                                       "dram_type = ddr3\ndram_ddr3_pj_per_byte = 1625\n";
  const json costly =
      run("--network mnist-fc --scheduler gpipe --energy " + (dir / "costly.cfg").string(),
          dir / "b");
  expect_close(costly["energy_breakdown_j"]["noc"].get<double>(),
               10 * base["energy_breakdown_j"]["noc"].get<double>(), "noc x 10");
  expect_close(costly["energy_breakdown_j"]["dram"].get<double>(),
               10 * base["energy_breakdown_j"]["dram"].get<double>(), "dram x 10");
  expect_close(costly["energy_breakdown_j"]["compute"].get<double>(),
               base["energy_breakdown_j"]["compute"].get<double>(), "compute unchanged");
  EXPECT_EQ(costly["energy"]["table"], (dir / "costly.cfg").string());

  std::ofstream(dir / "bad.cfg") << "mac16_pj = 1\nmac_16_pj = 2\n";
  const auto r = spikepipe::test::run_spikepipe(
      "run --network mnist-fc --no-trace --energy " + (dir / "bad.cfg").string() + " --out " +
          (dir / "c").string(),
      dir);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("bad.cfg:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mac_16_pj"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "c"));
}

TEST(Energy, FileIsASweepAxis) {
  const auto keys = spikepipe::sweep::sweepable_keys();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "energy"), keys.end());
}

}  // namespace

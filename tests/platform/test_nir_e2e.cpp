// NIR files written by other tools (tests/data/nir/, h5py in nir.write's layout) through the real
// binary: `layers` shows the imported layers with their shapes, `schedule` and `run` complete,
// `export --nir` writes a file that reads back to the same cost, and a bad file fails with one
// line naming it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>
#include <fstream>

#include "support/binary.h"

namespace fs = std::filesystem;

namespace {

const std::string kNir = std::string(SPIKEPIPE_TEST_DATA) + "/nir/";
using spikepipe::test::run_spikepipe;
using spikepipe::test::scratch;

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(NirCli, LayersShowTheImportedShapes) {
  const fs::path dir = scratch("nir_layers");
  auto r = run_spikepipe("layers --network " + kNir + "norse_conv.nir --nir-dt 0.001", dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  // conv1: 28x28x1 -> 5x5 pad 2 -> pool 2 -> 14x14x8, LIF lambda 1 - 0.001/0.01 = 0.9
  EXPECT_TRUE(has(r.out, "conv1  conv")) << r.out;
  EXPECT_TRUE(has(r.out, "28x28x1")) << r.out;
  EXPECT_TRUE(has(r.out, "14x14x8")) << r.out;
  EXPECT_TRUE(has(r.out, "7x7x16")) << r.out;
  EXPECT_TRUE(has(r.out, "LIF")) << r.out;
  EXPECT_TRUE(has(r.out, "0.9")) << r.out;
  r = run_spikepipe("layers --network " + kNir + "rnn_recurrent.nir", dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(has(r.out, "CubaLIF")) << r.out;
  EXPECT_TRUE(has(r.out, "F1.rec")) << r.out;  // the recurrent product's own row
  EXPECT_TRUE(has(r.out, "D1.rec")) << r.out;
  EXPECT_TRUE(has(r.out, "3x3")) << r.out;
  // Without --nir-dt the Norse file's taus (seconds) are shorter than the step: one clear line.
  r = run_spikepipe("layers --network " + kNir + "norse_conv.nir", dir);
  EXPECT_NE(r.rc, 0);
  EXPECT_TRUE(has(r.err, "norse_conv.nir: node 'lif")) << r.err;
  EXPECT_TRUE(has(r.err, "--nir-dt")) << r.err;
}

TEST(NirCli, ForeignFilesScheduleAndRun) {
  const fs::path dir = scratch("nir_run");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"snntorch_fc", "1e-4"}, {"snntorch_rsynaptic", "1e-4"}, {"norse_conv", "0.001"},
      {"sinabs_same", "1"},    {"rnn_recurrent", "1"},         {"nir0_conv1d", "1"}};
  for (const auto& [f, step] : files) {
    const std::string net =
        " --network " + kNir + f + ".nir --nir-dt " + step + " --batch 4 --timesteps 4";
    auto r = run_spikepipe("schedule" + net + " --processors 2 --scheduler spikepipe", dir);
    EXPECT_EQ(r.rc, 0) << f << ": " << r.err;
    r = run_spikepipe("run" + net + " --processors 2 --scheduler pipedream --iterations 2 --out " +
                          (dir / f).string(),
                      dir);
    EXPECT_EQ(r.rc, 0) << f << ": " << r.err;
    EXPECT_TRUE(fs::exists(dir / f / "summary.json")) << f;
  }
}

TEST(NirCli, CompareAndSweepTakeNir) {
  const fs::path dir = scratch("nir_compare");
  const std::string net = " --network " + kNir + "snntorch_rsynaptic.nir --nir-dt 1e-4 --batch 4 --timesteps 4";
  auto r = run_spikepipe("compare" + net + " --processors 2 --iterations 2 --no-trace --out " +
                             (dir / "cmp").string(),
                         dir);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(has(r.out, "spikepipe")) << r.out;
  r = run_spikepipe("sweep" + net + " --set processors=2,3 --iterations 2 --out " + (dir / "sw").string(), dir);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "sw" / "sweep.csv"));
}

TEST(NirCli, ExportRoundTrip) {
  const fs::path dir = scratch("nir_export_cli");
  const std::string out = (dir / "fmnist.nir").string();
  auto r = run_spikepipe("export --network fmnist-conv --nir " + out, dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  ASSERT_TRUE(fs::exists(out));
  const auto a = run_spikepipe("layers --network fmnist-conv --csv", dir);
  const auto b = run_spikepipe("layers --network " + out + " --csv", dir);
  ASSERT_EQ(a.rc, 0);
  ASSERT_EQ(b.rc, 0) << b.err;
  EXPECT_EQ(a.out, b.out);  // same layer names, same costs, row by row
}

TEST(NirCli, BadFileIsOneLine) {
  const fs::path dir = scratch("nir_bad_cli");
  const fs::path bad = dir / "fake.nir";
  std::ofstream(bad) << "not hdf5\n";
  const auto r = run_spikepipe("layers --network " + bad.string(), dir);
  EXPECT_NE(r.rc, 0);
  EXPECT_TRUE(has(r.err, bad.string() + ": is not an HDF5 file")) << r.err;
}

}  // namespace

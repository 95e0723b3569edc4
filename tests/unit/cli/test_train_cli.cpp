// `spikepipe train` end to end on a tiny subset of Fashion-MNIST (seconds): the CSVs, the
// schedule's delays beside no delays, time to accuracy, determinism, and refused input.
#include <gtest/gtest.h>

#include <sstream>

#include "support/binary.h"

using namespace spikepipe::test;

namespace {

// The CSV without its last column (seconds / accuracy stay; wall time differs between runs).
std::string without_seconds(const std::string& csv) {
  std::istringstream in(csv);
  std::string line, out;
  while (std::getline(in, line)) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

const char* kTiny =
    "train --network mnist-fc --timesteps 4 --train-samples 320 --test-samples 100 "
    "--processors 4 --scheduler standard --target-accuracy 0.3 --eval-every 5";

}  // namespace

TEST(TrainCli, WritesDelayedAndPlainTrainingAndTimeToAccuracy) {
  const auto dir = scratch("train_cli");
  const RunResult r = run_spikepipe(std::string(kTiny) + " --out " + (dir / "a").string(), dir);
  ASSERT_EQ(r.rc, 0) << r.err;
  const std::string tta = read_file(dir / "a" / "tta.csv");
  EXPECT_NE(tta.find("no-delay,4,0 0 0,0,"), std::string::npos) << tta;
  EXPECT_NE(tta.find("standard,4,2 1 0,"), std::string::npos) << tta;  // d_l of the schedule
  const std::string csv = read_file(dir / "a" / "train.csv");
  EXPECT_EQ(csv.rfind("run,delays,epoch,iterations,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n", 0), 0u);
  EXPECT_NE(read_file(dir / "a" / "evals.csv").find("standard,2 1 0,5,"), std::string::npos);
  EXPECT_NE(r.out.find("time to accuracy"), std::string::npos) << r.out;
  // Deterministic for a seed.
  const RunResult again = run_spikepipe(std::string(kTiny) + " --out " + (dir / "b").string(), dir);
  ASSERT_EQ(again.rc, 0) << again.err;
  EXPECT_EQ(without_seconds(read_file(dir / "b" / "train.csv")), without_seconds(csv));
  EXPECT_EQ(read_file(dir / "b" / "tta.csv"), tta);
}

TEST(TrainCli, RefusesBadInputWithOneLine) {
  const auto dir = scratch("train_cli_bad");
  RunResult r = run_spikepipe("train --delays 1,2 --out " + (dir / "x").string(), dir);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("--delays: 2 delays for 3 layers"), std::string::npos) << r.err;
  r = run_spikepipe("train --data " + dir.string() + " --out " + (dir / "y").string(), dir);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("neither train-images-idx3-ubyte"), std::string::npos) << r.err;
  r = run_spikepipe("train --target-accuracy 85 --out " + (dir / "z").string(), dir);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("0 .. 1"), std::string::npos) << r.err;
}

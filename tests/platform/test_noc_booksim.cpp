// The causal NoC against BookSim 2 (docs/VALIDATION.md section 2): BookSim's figures for the 8x8
// mesh with XY routing, uniform / transpose / bit-complement traffic and 1-, 8- and 32-flit
// packets, measured with a BookSim 2 build (scripts/booksim_compare.py) and recorded in
// tests/data/booksim/mesh88.csv. `spikepipe noc` configured alike must give each case's
// zero-load latency within 10% of BookSim's, be below saturation at 0.9x BookSim's saturation
// throughput and past it at 1.1x (the same criterion as the script's: mean packet latency within
// 3x the zero-load latency), i.e. saturate within 10% of BookSim.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace spikepipe {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string traffic;
  int flits = 0;
  double zero_load = 0, saturation = 0;  // BookSim's
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.traffic << " " << c.flits << "-flit: BookSim zero load " << c.zero_load
      << ", saturation " << c.saturation;
}

std::vector<Case> recorded() {
  std::ifstream in(std::string(SPIKEPIPE_TEST_DATA) + "/booksim/mesh88.csv");
  std::vector<Case> out;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::stringstream s(line);
    std::string f[6];
    for (auto& x : f) std::getline(s, x, ',');
    out.push_back({f[0], std::stoi(f[1]), std::stod(f[2]), std::stod(f[4])});
  }
  return out;
}

// (offered, mean latency) of `spikepipe noc` at each rate, configured as the script does.
std::vector<std::pair<double, double>> ours(const Case& c, const std::string& rates) {
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("noc_booksim_" + c.traffic + std::to_string(c.flits));
  fs::remove_all(dir);
  const std::string cmd =
      std::string(SPIKEPIPE_BINARY) +
      " noc --noc-topology mesh --noc-cols 8 --noc-rows 8 --processors 64 --noc-link-bytes 32"
      " --noc-router-latency 5 --noc-terminal-latency 6 --noc-vcs 8 --noc-buffer-flits 8"
      " --noc-input-speedup 2 --traffic " + c.traffic + " --packet-flits " +
      std::to_string(c.flits) + " --injection-rate " + rates +
      " --warmup 3000 --measure 10000 --out '" + dir.string() + "' > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dir / "noc.csv");
  std::string line;
  std::getline(in, line);  // traffic,packet_flits,offered,accepted,latency_mean,...
  std::vector<std::pair<double, double>> out;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string f[5];
    for (auto& x : f) std::getline(s, x, ',');
    out.push_back({std::stod(f[2]), std::stod(f[4])});
  }
  fs::remove_all(dir);
  return out;
}

class NocAgainstBookSim : public ::testing::TestWithParam<Case> {};

TEST_P(NocAgainstBookSim, ZeroLoadAndSaturationWithinTenPercent) {
  const Case& c = GetParam();
  std::ostringstream rates;
  rates << "0.01," << 0.9 * c.saturation << "," << 1.1 * c.saturation;
  const auto pts = ours(c, rates.str());
  ASSERT_EQ(pts.size(), 3u);
  const double zero = pts[0].second;
  EXPECT_NEAR(zero, c.zero_load, 0.10 * c.zero_load);
  EXPECT_LE(pts[1].second, 3 * zero) << "saturated below 0.9x BookSim's " << c.saturation;
  EXPECT_GT(pts[2].second, 3 * zero) << "not saturated at 1.1x BookSim's " << c.saturation;
}

INSTANTIATE_TEST_SUITE_P(Mesh88, NocAgainstBookSim, ::testing::ValuesIn(recorded()),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return i.param.traffic + std::to_string(i.param.flits);
                         });

}  // namespace
}  // namespace spikepipe

// Platform INI text and settings -> a validated description; every error names file:line and key.
#include <gtest/gtest.h>

#include <string>

#include "spikepipe/core/comm_model.h"
#include "spikepipe/core/dram_spec.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/platform_config.h"

namespace spikepipe {
namespace {

std::string error_of(const std::string& ini) {
  try {
    make_platform(read_platform_ini(ini, "p.cfg"), "p");
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

TEST(PlatformConfig, KeysDefaultsAndLaterSettingsWin) {
  const auto s = read_platform_ini("# comment\n; also\n\nprocessors = 8\narray-rows=16\n", "p.cfg");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].origin, "p.cfg:4: processors");
  auto all = s;
  all.push_back({"array-rows", "64", "--array-rows"});
  const PlatformParams p = make_platform(all, "p");
  EXPECT_EQ(p.processors, 8u);
  EXPECT_EQ(p.processor.array.rows, 64u);
  EXPECT_EQ(p.noc.cols, 4u);  // auto-sized: 2 rows of 4
  EXPECT_EQ(p.noc.rows, 2u);
  EXPECT_EQ(p.name, "p");
  EXPECT_TRUE(is_platform_key("dram-interleave"));
  EXPECT_FALSE(is_platform_key("interleave"));
}

TEST(PlatformConfig, RefusesWhatItCannotReadExactly) {
  EXPECT_EQ(error_of("[noc]\n"),
            "p.cfg:1: section '[noc]' is not used by platform files (allowed: key = value lines, "
            "without sections)");
  EXPECT_EQ(error_of("processors = 4\nprocessors = 8\n"),
            "p.cfg:2: processors: is given twice (allowed: each key once)");
  EXPECT_NE(error_of("bogus = 1\n").find("p.cfg:1: unknown key 'bogus'"), std::string::npos);
  EXPECT_EQ(error_of(std::string("processors = 4\0 0\n", 17)),
            "p.cfg:1: holds the byte \\x00, not text (allowed: a text file of key = value lines)");
  EXPECT_EQ(error_of("processors\n"),
            "p.cfg:1: 'processors' is not a key = value line (allowed: key = value; # comments)");
  EXPECT_EQ(error_of("processors = 2.5\n"),
            "p.cfg:1: processors: '2.5' is not a whole number (allowed: 1 .. 4096)");
  EXPECT_EQ(error_of("sram-bytes = 1e30\n"),
            "p.cfg:1: sram-bytes: '1e30' is not a whole number (allowed: 1 .. 1099511627776)");
  EXPECT_EQ(error_of("processors = 99999999999999999999999\n"),
            "p.cfg:1: processors: 99999999999999999999999 is out of range (allowed: 1 .. 4096)");
  EXPECT_EQ(error_of("clock-ghz = nan\n"),
            "p.cfg:1: clock-ghz: 'nan' is not a number (allowed: a number > 0 and <= 1000)");
  EXPECT_EQ(error_of("sparsity = maybe\n"),
            "p.cfg:1: sparsity: 'maybe' is not a boolean (allowed: true or false)");
  // Bytes a terminal cannot show are escaped.
  EXPECT_EQ(error_of("dataflow = \x01\xff\n").find('\x01'), std::string::npos);
}

TEST(PlatformConfig, CrossKeyChecksNameTheSettingThatSetTheKey) {
  EXPECT_EQ(error_of("processors = 8\nnoc-cols = 2\nnoc-rows = 2\n"),
            "p.cfg:2: noc-cols x noc-rows: 4 nodes cannot hold 8 processors (allowed: >= "
            "processors nodes)");
  EXPECT_NE(error_of("sram-bytes = 10\n").find("p.cfg:1: sram-bytes: is 10, smaller than one"),
            std::string::npos);
  // A key never set is named bare.
  std::vector<Setting> s = {{"array-rows", "2048", "--array-rows"}, {"array-cols", "2048", "--array-cols"}};
  try {
    make_platform(s, "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("sram-bytes: is 4194304", 0), 0u) << e.what();
  }
}

// The DRAM model keys: the model by name, its organisation overrides with their ranges, and
// the planner's view of a ddr4 channel (tRCD + CL, the device's peak).
TEST(PlatformConfig, DramModelKeys) {
  const PlatformParams d = make_platform(read_platform_ini("", "p.cfg"), "p");
  EXPECT_EQ(d.memory.model, DramModel::Simple);
  const PlatformParams p = make_platform(
      read_platform_ini("dram-model = ddr4\ndram-ranks = 2\ndram-page-bytes = 4096\n", "p.cfg"),
      "p");
  EXPECT_EQ(p.memory.model, DramModel::DDR4);
  EXPECT_EQ(dram_spec(p.memory).ranks, 2u);
  EXPECT_EQ(dram_spec(p.memory).page_bytes, 4096u);
  const CommModel c = CommModel::of(p);
  EXPECT_EQ(c.dram_latency, 28u);  // (22 + 22) x 0.625 ns = 27.5 -> 28 cycles at 1 GHz
  EXPECT_DOUBLE_EQ(c.dram_bytes_per_cycle, 25.6);
  EXPECT_EQ(CommModel::of(d).dram_latency, 100u);  // simple: dram-latency
  EXPECT_EQ(error_of("dram-model = ddr5\n"),
            "p.cfg:1: dram-model: unknown DRAM model 'ddr5' (allowed: simple (latency + "
            "bandwidth per channel), ddr4 (DDR4-3200), hbm2 (HBM2 2 Gb/s))");
  EXPECT_EQ(error_of("dram-banks = 65\n"),
            "p.cfg:1: dram-banks: 65 is out of range (allowed: 0 .. 64)");
  EXPECT_EQ(error_of("dram-model = hbm2\ndram-page-bytes = 100\n"),
            "p.cfg:2: dram-page-bytes: is 100 (allowed: a multiple of the 32-byte burst of hbm2, "
            "at most 1048576)");
}

TEST(PlatformConfig, ArrayKeysOnlyForLayers) {
  const auto s = read_platform_ini("noc-link-bytes = 0\narray-cols = 8\n", "a.cfg");
  EXPECT_EQ(make_array(s).cols, 8u);  // the NoC key is not used, so not checked
}

}  // namespace
}  // namespace spikepipe

// The platform INI files the fuzzer starts from (tests/data/platforms, docs/RELIABILITY.md,
// "Fuzzing") read as intended, and every input it found and kept (tests/data/fuzz/platform_ini)
// ends in a platform or a spikepipe::Error: never a crash, another exception or a hang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/core/platform_config.h"

namespace spikepipe {
namespace {

namespace fs = std::filesystem;

const fs::path kData = SPIKEPIPE_TEST_DATA;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

PlatformParams load(const fs::path& p) {
  return make_platform(read_platform_ini(read(p), p.filename().string()), "f");
}

TEST(FuzzFindings, PlatformSeedsReadAsIntended) {
  const PlatformParams p = load(kData / "platforms/ring6.cfg");
  EXPECT_EQ(p.processors, 6u);
  EXPECT_EQ(p.noc.topology, NocShape::Ring);
  EXPECT_EQ(p.noc.node_of(3), 4u);
  EXPECT_EQ(p.processor.array.rows, 16u);
  EXPECT_TRUE(p.processor.overlap_units);

  int n = 0;
  for (const auto& e : fs::directory_iterator(kData / "platforms/bad")) {
    SCOPED_TRACE(e.path().string());
    EXPECT_THROW(load(e.path()), Error);
    ++n;
  }
  EXPECT_GE(n, 5);
}

// The seeds and whatever fuzz_platform_ini found and kept (tests/data/fuzz/platform_ini).
TEST(FuzzFindings, EveryKeptPlatformInputIsReadOrRefused) {
  int n = 0;
  for (const fs::path& dir : {kData / "platforms", kData / "fuzz/platform_ini"}) {
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      SCOPED_TRACE(e.path().string());
      try {
        load(e.path()).validate();
      } catch (const Error&) {
      }
      ++n;
    }
  }
  EXPECT_GE(n, 7);
}

}  // namespace
}  // namespace spikepipe

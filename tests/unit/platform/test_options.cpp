// Shared CLI options: precedence flag > INI file > default, errors that name file and key.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "spikepipe/platform/options.h"
#include "spikepipe/workloads/error.h"

using namespace spikepipe;
using namespace spikepipe::cli;
namespace fs = std::filesystem;

namespace {

po::variables_map vm_of(const Args& args) {
  po::options_description d;
  d.add(network_options()).add(platform_options()).add(scheduler_options());
  auto vm = parse(args, d, "test [options]");
  EXPECT_TRUE(vm.has_value());
  return *vm;
}

fs::path write_temp(const std::string& name, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("spikepipe_opt_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Options, DefaultsGiveAValidPlatformWithAutoSizedMesh) {
  PlatformParams p = platform_from(vm_of({"--processors", "8"}));
  EXPECT_EQ(p.processors, 8u);
  EXPECT_EQ(p.noc.topology, Topology::Mesh);
  EXPECT_EQ(p.noc.rows, 2u);  // floor(sqrt(8)) rows, ceil(8/2) columns
  EXPECT_EQ(p.noc.cols, 4u);
}

TEST(Options, FlagOverridesFileOverridesDefault) {
  fs::path f = write_temp("a.cfg", "array-rows = 16\narray-cols = 8\ndataflow = ws\n");
  PlatformParams p = platform_from(vm_of({"--platform", f.string(), "--array-rows", "64"}));
  EXPECT_EQ(p.processor.array.rows, 64u);  // flag
  EXPECT_EQ(p.processor.array.cols, 8u);   // file
  EXPECT_EQ(p.processor.array.dataflow, Dataflow::WS);
  EXPECT_EQ(p.processor.array.vector_lanes, PlatformParams{}.processor.array.vector_lanes);  // default
  fs::remove(f);
}

TEST(Options, UnknownKeyInFileNamesFileAndKey) {
  fs::path f = write_temp("b.cfg", "array-rowz = 16\n");
  std::string msg = error_of([&] { platform_from(vm_of({"--platform", f.string()})); });
  EXPECT_NE(msg.find(f.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("array-rowz"), std::string::npos) << msg;
  fs::remove(f);
}

TEST(Options, BadValueInFileNamesFileAndKey) {
  fs::path f = write_temp("c.cfg", "dataflow = diagonal\n");
  std::string msg = error_of([&] { platform_from(vm_of({"--platform", f.string()})); });
  EXPECT_NE(msg.find(f.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("dataflow"), std::string::npos) << msg;
  fs::remove(f);
}

TEST(Options, UnknownPresetListsTheKnownOnes) {
  std::string msg = error_of([&] { platform_from(vm_of({"--platform", "nosuchpreset"})); });
  EXPECT_NE(msg.find("nosuchpreset"), std::string::npos) << msg;
  EXPECT_NE(msg.find("allowed"), std::string::npos) << msg;
}

TEST(Options, UnknownFlagIsAnErrorNamingIt) {
  po::options_description d;
  d.add(platform_options());
  std::string msg = error_of([&] { parse({"--bogus"}, d, "run [options]"); });
  EXPECT_NE(msg.find("bogus"), std::string::npos) << msg;
}

TEST(Options, MeanHopsOfA2x2MeshIsFourThirds) {
  // Ordered pairs of distinct nodes on a 2x2 mesh: 8 at distance 1, 4 at distance 2.
  auto vm = vm_of({"--processors", "4"});
  SchedulerOptions s = scheduler_options_from(vm, platform_from(vm));
  EXPECT_NEAR(s.mean_hops, 16.0 / 12.0, 1e-12);
  EXPECT_EQ(s.processors, 4u);
}

TEST(Options, TopologyAndNetworkAreExclusive) {
  std::string msg = error_of([&] { network_from(vm_of({"--network", "mnist-fc", "--topology", "x.csv"})); });
  EXPECT_NE(msg.find("not both"), std::string::npos) << msg;
}

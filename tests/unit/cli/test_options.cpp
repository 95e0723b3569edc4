// Shared CLI options: precedence flag > INI file > default, errors that name file and key.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "spikepipe/cli/options.h"
#include "spikepipe/platform/run.h"
#include "spikepipe/core/error.h"

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
  EXPECT_EQ(p.noc.topology, NocShape::Mesh);
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
  EXPECT_NEAR(s.comm.mean_hops, 16.0 / 12.0, 1e-12);
  EXPECT_EQ(s.processors, 4u);
}

TEST(Options, TopologyAndNetworkAreExclusive) {
  std::string msg = error_of([&] { network_from(vm_of({"--network", "mnist-fc", "--topology", "x.csv"})); });
  EXPECT_NE(msg.find("not both"), std::string::npos) << msg;
}

// --- Errors name what the user wrote: the flag, or the file and key once ----------------------

TEST(Options, FlagRangeErrorNamesTheFlagNotADefaultPlatform) {
  for (const char* key : {"array-rows", "noc-link-bytes", "processors"}) {
    const std::string msg =
        error_of([&] { platform_from(vm_of({std::string("--") + key, "0"})); });
    EXPECT_EQ(msg.rfind(std::string("--") + key, 0), 0u) << msg;
    EXPECT_EQ(msg.find("default"), std::string::npos) << msg;
  }
  // Numbers as written ("0", not "0.000000"), with the allowed range.
  EXPECT_EQ(error_of([&] { platform_from(vm_of({"--noc-link-bytes", "0"})); }),
            "--noc-link-bytes: 0 is out of range (allowed: a number > 0 and <= 1000000)");
}

TEST(Options, FileRangeErrorNamesFileAndKeyOnce) {
  fs::path f = write_temp("zl.cfg", "noc-link-bytes = 0\n");
  const std::string msg = error_of([&] { platform_from(vm_of({"--platform", f.string()})); });
  EXPECT_EQ(msg, f.string() +
                     ":1: noc-link-bytes: 0 is out of range (allowed: a number > 0 and <= 1000000)");
  // The flag wins over the file, and then it is the flag that is named.
  const std::string flag = error_of(
      [&] { platform_from(vm_of({"--platform", f.string(), "--noc-link-bytes", "-0.5"})); });
  EXPECT_EQ(flag.rfind("--noc-link-bytes: -0.5 is out of range", 0), 0u) << flag;
  fs::remove(f);
}

TEST(Options, BadValueInFileNamesTheRangeNotTheKeyList) {
  fs::path f = write_temp("bv.cfg", "array-rows = abc\n");
  const std::string msg = error_of([&] { platform_from(vm_of({"--platform", f.string()})); });
  EXPECT_EQ(msg, f.string() + ":1: array-rows: 'abc' is not a whole number (allowed: 1 .. 65536)");
  fs::remove(f);
  fs::path g = write_temp("uk.cfg", "bogus-key = 1\n");
  EXPECT_NE(error_of([&] { platform_from(vm_of({"--platform", g.string()})); }).find("allowed"),
            std::string::npos);
  fs::remove(g);
}

TEST(Options, NegativeUnsignedValuesAreRefusedNotWrapped) {
  po::options_description d;
  d.add(network_options()).add(platform_options()).add(scheduler_options());
  // Platform keys: the value is read by the library, which names the range of the key.
  EXPECT_EQ(error_of([&] { platform_from(vm_of({"--array-rows", "-3"})); }),
            "--array-rows: -3 is out of range (allowed: 1 .. 65536)");
  EXPECT_EQ(error_of([&] { platform_from(vm_of({"--sram-bytes=-1"})); }).rfind("--sram-bytes", 0),
            0u);
  EXPECT_NE(error_of([&] { parse({"--batch", "-1"}, d, "run [options]"); }).find("-1 is out of range (allowed: 0 .. 1048576)"),
            std::string::npos);
  fs::path f = write_temp("neg.cfg", "processors = -2\n");
  const std::string msg = error_of([&] { platform_from(vm_of({"--platform", f.string()})); });
  EXPECT_EQ(msg, f.string() + ":1: processors: -2 is out of range (allowed: 1 .. 4096)");
  fs::remove(f);
  EXPECT_EQ(platform_from(vm_of({"--array-rows", "+16"})).processor.array.rows, 16u);
}

TEST(Options, StrayWordsAreRefusedWithTheFlagTheyProbablyMeant) {
  po::options_description d;
  d.add(network_options()).add(platform_options()).add(scheduler_options());
  EXPECT_EQ(error_of([&] { parse({"fmnist-conv"}, d, "run [options]"); })
                .rfind("unexpected argument 'fmnist-conv' (did you mean --network fmnist-conv?)", 0),
            0u);
  EXPECT_NE(error_of([&] { parse({"--batch", "4", "mesh8"}, d, "run [options]"); })
                .find("--platform mesh8"),
            std::string::npos);
  EXPECT_NE(error_of([&] { parse({"gpipe"}, d, "run [options]"); }).find("--scheduler gpipe"),
            std::string::npos);
  const std::string plain = error_of([&] { parse({"xyz"}, d, "run [options]"); });
  EXPECT_NE(plain.find("'xyz'"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("did you mean"), std::string::npos) << plain;
}

TEST(Options, HelpShowsDefaultsAsTyped) {
  std::ostringstream help;
  help << platform_options();
  const std::string h = help.str();
  for (const char* shown : {"(=0.15)", "(=25.6)", "(=false)", "(=32)"})
    EXPECT_NE(h.find(shown), std::string::npos) << shown << "\n" << h;
  EXPECT_EQ(h.find("0.1499"), std::string::npos) << h;
  EXPECT_EQ(h.find("25.60000"), std::string::npos) << h;
  EXPECT_NE(h.find("absent: the built-in"), std::string::npos) << h;  // help wraps lines
}

// `layers` models one array: it has no NoC flags, and a platform file's other keys are not used.
TEST(Options, ArrayOptionsTakeOnlyTheArrayKeys) {
  po::options_description d;
  d.add(network_options()).add(array_options());
  EXPECT_NE(error_of([&] { parse({"--noc-link-bytes", "0"}, d, "layers [options]"); })
                .find("--noc-link-bytes"),
            std::string::npos);
  fs::path f = write_temp("arr.cfg", "noc-link-bytes = 0\narray-cols = 8\ndataflow = ws\n");
  auto vm = parse({"--platform", f.string(), "--array-rows", "16"}, d, "layers [options]");
  ASSERT_TRUE(vm.has_value());
  const ArrayParams a = array_from(*vm);
  EXPECT_EQ(a.rows, 16u);
  EXPECT_EQ(a.cols, 8u);
  EXPECT_EQ(a.dataflow, Dataflow::WS);
  fs::remove(f);
  auto bad = parse({"--array-rows", "0"}, d, "layers [options]");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(error_of([&] { array_from(*bad); }).rfind("--array-rows", 0), 0u);
}

// run and compare check --iterations, --warmup and --trace-window with this one function.
TEST(Options, RunSettingsRefuseCountsOutOfRange) {
  po::options_description d;
  d.add(run_measure_options());
  auto settings = [&](const Args& a) {
    auto vm = parse(a, d, "run [options]");
    return run_settings_from(*vm);
  };
  for (const char* n : {"0", "-1", "4294967295", "4294967000", "1000001"}) {
    const std::string msg = error_of([&] { settings({"--iterations", n}); });
    EXPECT_EQ(msg, std::string("--iterations: ") + n + " is out of range (allowed: 1 .. 1000000)");
  }
  for (const char* n : {"-2", "2147483647"}) {
    EXPECT_EQ(error_of([&] { settings({"--warmup", n}); }).rfind("--warmup: ", 0), 0u) << n;
  }
  EXPECT_EQ(error_of([&] { settings({"--trace-window", "9:1"}); }).rfind("--trace-window", 0), 0u);
  const RunSettings r = settings({"--iterations", "1000000", "--warmup", "-1"});
  EXPECT_EQ(r.iterations, 1000000u);
  EXPECT_EQ(r.warmup, -1);
  EXPECT_TRUE(r.trace);
}

TEST(Options, SchedulerLimitsNameTheFlag) {
  auto vm = vm_of({"--processors", "5000"});
  EXPECT_EQ(error_of([&] { scheduler_options_from(vm, platform_from(vm)); }),
            "--processors: 5000 is out of range (allowed: 1 .. 4096)");
}

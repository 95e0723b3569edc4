// `cmake --install`: the libraries, headers, presets and CMake package land where
// docs/LIBRARY.md says; the installed program reads the presets installed next to it (not the
// source tree's); and examples/consumer builds against the package and prints a schedule's
// period (about 20 s on a loaded 2-core machine, most of it compiling the consumer).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
  int rc;
  std::string out;
};

Result sh(const std::string& cmd, const fs::path& log) {
  const int st = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, ss.str()};
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Install, InstalledTreeAndConsumer) {
  const fs::path build = fs::path(SPIKEPIPE_BINARY).parent_path();
  const fs::path root =
      fs::temp_directory_path() / ("spikepipe_install_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  const fs::path prefix = root / "prefix", log = root / "log.txt";

  Result r = sh("cmake --install '" + build.string() + "' --prefix '" + prefix.string() + "'", log);
  ASSERT_EQ(r.rc, 0) << r.out;
  for (const char* f :
       {"bin/spikepipe", "lib/libspikepipe_workloads.a", "lib/libspikepipe_models.a",
        "lib/libspikepipe_platform.a", "include/spikepipe/workloads/network.h",
        "include/spikepipe/models/processor.h", "include/spikepipe/platform/run.h",
        "include/spikepipe/platform/recorders/trace_input.h",
        "share/spikepipe/networks/mnist-fc.yaml", "share/spikepipe/networks/cifar10-vgg.yaml",
        "share/spikepipe/configs/mesh4.cfg", "share/spikepipe/configs/mesh64.cfg",
        "lib/cmake/SpikePipeSC/SpikePipeSCConfig.cmake",
        "lib/cmake/SpikePipeSC/SpikePipeSCConfigVersion.cmake",
        "lib/cmake/SpikePipeSC/SpikePipeSCTargets.cmake"})
    EXPECT_TRUE(fs::exists(prefix / f)) << f;
  const std::string targets = read(prefix / "lib/cmake/SpikePipeSC/SpikePipeSCTargets.cmake");
  for (const char* t : {"spikepipe::workloads", "spikepipe::models", "spikepipe::platform",
                        "$<LINK_ONLY:yaml-cpp>"})
    EXPECT_NE(targets.find(t), std::string::npos) << t;

  // Presets only the installed tree has: found only if the program looks next to itself first.
  fs::copy_file(prefix / "share/spikepipe/networks/mnist-fc.yaml",
                prefix / "share/spikepipe/networks/only-installed.yaml");
  fs::copy_file(prefix / "share/spikepipe/configs/mesh4.cfg",
                prefix / "share/spikepipe/configs/only-installed.cfg");
  const std::string bin = (prefix / "bin/spikepipe").string();
  r = sh("env -u SPIKEPIPE_DATA_DIR '" + bin +
             "' schedule --network only-installed --platform only-installed",
         log);
  EXPECT_EQ(r.rc, 0) << r.out;
  // ... and the build tree's program does not see them.
  r = sh("env -u SPIKEPIPE_DATA_DIR '" + std::string(SPIKEPIPE_BINARY) +
             "' schedule --network only-installed",
         log);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("no such preset"), std::string::npos) << r.out;
  // SPIKEPIPE_DATA_DIR, when set, is the only place looked at.
  r = sh("SPIKEPIPE_DATA_DIR='" + (root / "none").string() + "' '" + bin +
             "' schedule --network mnist-fc",
         log);
  EXPECT_NE(r.rc, 0);

  // A consumer project: find_package(SpikePipeSC), link spikepipe::platform, run. It is compiled
  // with this build's flags, as a consumer of static libraries must be (a sanitizer build's
  // libraries need the sanitizer's runtime).
  const fs::path cb = root / "consumer";
  r = sh("cmake -S '" + std::string(SPIKEPIPE_SOURCE_DIR) + "/examples/consumer' -B '" +
             cb.string() + "' -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH='" + prefix.string() +
             "' -DCMAKE_CXX_FLAGS='" + SPIKEPIPE_CXX_FLAGS + "' && cmake --build '" + cb.string() +
             "' -j2",
         log);
  ASSERT_EQ(r.rc, 0) << r.out;
  r = sh("env -u SPIKEPIPE_DATA_DIR '" + (cb / "spikepipe-consumer").string() + "'", log);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("mnist-fc on mesh4 (4 processors): spikepipe predicts a period of "), std::string::npos)
      << r.out;
  // The consumer found the presets of the package it was built against.
  EXPECT_NE(r.out.find("only-installed"), std::string::npos) << r.out;
  fs::remove_all(root);
}

}  // namespace

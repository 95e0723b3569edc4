// The HDF5 walk in a child process (hdf5_isolated.h): the tree that crosses the pipe is the tree
// read in this process, a cut answer is refused, and what kills the child is an Error.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/hdf5_isolated.h"
#include "spikepipe/workloads/hdf5_tree.h"
#include "support/binary.h"

namespace spikepipe {
namespace {

namespace fs = std::filesystem;
const fs::path kNir = fs::path(SPIKEPIPE_TEST_DATA) / "nir";

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every NIR file of the tests, from disk and from memory: the child's tree equals this process's.
TEST(Hdf5Isolated, TheTreeCrossesThePipeUnchanged) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kNir)) {
    if (e.path().extension() != ".nir") continue;
    SCOPED_TRACE(e.path().string());
    const std::string path = e.path().string(), bytes = bytes_of(e.path());
    const std::string here = h5::encode(h5::read_file(path, {"weight", "bias"}, 1u << 24));
    EXPECT_EQ(h5::encode(h5::read_file_isolated(path, {"weight", "bias"}, 1u << 24)), here);
    EXPECT_EQ(h5::encode(h5::read_image_isolated(bytes.data(), bytes.size(), path,
                                                 {"weight", "bias"}, 1u << 24)),
              here);
    EXPECT_EQ(h5::encode(h5::decode(here)), here);
    ++n;
  }
  EXPECT_GE(n, 6);
}

// A tree with every kind of value, flag and nesting; any cut of its encoding, or a byte more, is
// one Error (a child killed mid-write leaves a cut stream).
TEST(Hdf5Isolated, ACutOrLongerAnswerIsRefused) {
  h5::Group root;
  root.string_attrs["version"] = "0.5";
  root.data["t"] = h5::texts({"a", "", std::string(3, '\0')}, {3});
  root.data["f"] = h5::floats({1.5, -2, 1e300}, {3});
  h5::Value c = h5::constant(7, {2, 2});
  c.values_read = false;
  root.groups["node"].groups["x"].data["c"] = c;
  h5::Value e;
  e.empty = true;
  root.groups["node"].data["none"] = e;
  const std::string enc = h5::encode(root);
  EXPECT_EQ(h5::encode(h5::decode(enc)), enc);
  for (size_t len = 0; len < enc.size(); ++len) {
    SCOPED_TRACE(len);
    EXPECT_THROW(h5::decode(enc.substr(0, len)), Error);
  }
  EXPECT_THROW(h5::decode(enc + "x"), Error);
  // One value "k": the magic (20 bytes), no attributes, one value, its name, then its kind.
  h5::Group one;
  one.data["k"] = h5::integer(1);
  std::string bad_kind = h5::encode(one);
  ASSERT_EQ(bad_kind[20 + 8 + 8 + 8 + 1], char(h5::Value::Kind::Int));
  bad_kind[20 + 8 + 8 + 8 + 1] = 9;  // not a Value::Kind
  EXPECT_THROW(h5::decode(bad_kind), Error);
}

// The child's own errors come back as they are, not as a failure of libhdf5.
TEST(Hdf5Isolated, TheChildsErrorsPassThroughAsText) {
  const fs::path dir = test::scratch("hdf5_isolated");
  const std::string text = (dir / "text.nir").string();
  std::ofstream(text) << "not hdf5\n";
  std::string msg;
  try {
    h5::read_file_isolated(text, {}, 100);
  } catch (const h5::LibraryFailure& e) {
    FAIL() << "a library failure: " << e.what();
  } catch (const Error& e) {
    msg = e.what();
  }
  EXPECT_EQ(msg, text + ": HDF5 cannot open the file (damaged or truncated?)");
}

// What ends the child is a LibraryFailure naming the file, and this process goes on.
TEST(Hdf5Isolated, ACrashOrAnAllocationOverTheLimitInTheChildIsAnError) {
  const auto failure_of = [](const std::function<h5::Group()>& walk) {
    try {
      h5::run_isolated("x.nir", uint64_t(256) << 20, walk);
    } catch (const h5::LibraryFailure& e) {
      return std::string(e.what());
    }
    return std::string("no failure");
  };
  const std::string lead = "x.nir: not a readable NIR/HDF5 file: the HDF5 library failed on it (";
  EXPECT_EQ(failure_of([]() -> h5::Group {
              std::raise(SIGSEGV);
              return {};
            }),
            lead + "signal 11, Segmentation fault)");
  // 1 GiB against a limit of 256 MiB: malloc returns NULL (also under ASan, which the sanitizer
  // run lets return NULL), as it would inside libhdf5.
  EXPECT_EQ(failure_of([]() -> h5::Group {
              void* p = std::malloc(size_t(1) << 30);
              if (!p) throw std::bad_alloc();
              static_cast<volatile char*>(p)[0] = 1;  // not elided by the compiler
              std::free(p);
              return {};
            }),
            lead + "more than 256 MiB of memory)");
  EXPECT_EQ(failure_of([]() -> h5::Group { _exit(3); }), lead + "exit status 3)");
  h5::Group g;
  g.string_attrs["a"] = "b";
  EXPECT_EQ(h5::encode(h5::run_isolated("x.nir", uint64_t(256) << 20, [&] { return g; })),
            h5::encode(g));
}

}  // namespace
}  // namespace spikepipe

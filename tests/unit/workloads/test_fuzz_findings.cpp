// What the fuzzers of fuzz/ found in the workload readers (docs/RELIABILITY.md, "Fuzzing"), each
// now a spikepipe::Error that says what is wrong; and every input kept in tests/data/fuzz/ (the
// findings, also seeds of the next fuzzing run) read again: a result or a spikepipe::Error, never
// a crash, another exception or a hang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/nir.h"
#include "spikepipe/workloads/schedule_io.h"
#include "spikepipe/workloads/topology.h"

namespace spikepipe {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = SPIKEPIPE_TEST_DATA;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The message of the spikepipe::Error that f throws ("" if none; any other exception fails).
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

std::string yaml_error(const std::string& text) {
  return error_of([&] { parse_network_yaml(text, "n.yaml"); });
}

std::string schedule_error(const std::string& text) {
  return error_of([&] { schedule_from_json(json::parse(text), "s.json"); });
}

// yaml-cpp 0.7's LoadAll() read an empty document at a ',' it could not place, again and again,
// growing until memory ran out (fuzz_network_yaml, a timeout after 10 s at 1 GB).
TEST(FuzzFindings, NetworkYamlCommaWhereADocumentStartsIsAnError) {
  EXPECT_EQ(yaml_error(","), "n.yaml:1: not valid YAML: ',' at column 1 cannot start a value");
  EXPECT_EQ(yaml_error("- a\n,\n"), "n.yaml:2: not valid YAML: ',' at column 1 cannot start a value");
  EXPECT_EQ(yaml_error("name: x\n---\n  , y\n"),
            "n.yaml:3: not valid YAML: ',' at column 3 cannot start a value");
  // What the fuzzer found first: a cut-off file whose first line starts with ", channels".
  EXPECT_EQ(yaml_error(read(kData / "fuzz/network_yaml/stray-comma-before-document.yaml")),
            "n.yaml:1: not valid YAML: ',' at column 1 cannot start a value");
  // Commas where YAML allows them still read.
  EXPECT_EQ(yaml_error("input: {height: 1, width: 1, channels: 4}\nlayers: [{type: fc, units: 2}]\n"),
            "");
}

// nlohmann-json's get<uint64_t>() converted 5.5e106 with a cast, undefined behaviour that UBSan
// stopped at (fuzz_schedule_json); -1 and 1.5 were wrapped or truncated without a word.
TEST(FuzzFindings, ScheduleJsonNumbersMustBeWholeAndInRange) {
  json j = schedule_to_json(schedule_from_json(
      json::parse(read(kData / "schedules/tiny-spikepipe-p2.json")), "seed"));
  auto with = [&](const std::function<void(json&)>& change) {
    json k = j;
    change(k);
    return schedule_error(k.dump());
  };
  EXPECT_EQ(with([](json&) {}), "");
  EXPECT_EQ(with([](json& k) { k["sram_peak_bytes"][0] = 5.5e106; }),
            "s.json: key 'sram_peak_bytes[0]' must be a whole number 0 .. 18446744073709551615, not "
            "5.5e+106");
  EXPECT_EQ(with([](json& k) { k["processors"] = -1; }),
            "s.json: key 'processors' must be a whole number 0 .. 4294967295, not -1");
  EXPECT_EQ(with([](json& k) { k["ops"][0]["part"] = 70000; }),
            "s.json: ops[0]: key 'part' must be a whole number 0 .. 65535, not 70000");
  EXPECT_EQ(with([](json& k) { k["ops"][0]["offset"] = 1.5; }),
            "s.json: ops[0]: key 'offset' must be a whole number -2147483648 .. 2147483647, not 1.5");
  EXPECT_EQ(with([](json& k) { k["ops"][1]["offset"] = -1; }), "");  // offsets may be negative
  EXPECT_EQ(with([](json& k) { k["split"] = "yes"; }),
            "s.json: key 'split' must be true or false, not \"yes\"");
  EXPECT_EQ(with([](json& k) { k["ops"] = json::object(); }),
            "s.json: key 'ops' must be a list, not {}");
  EXPECT_EQ(with([](json& k) { k["ops"][0] = 3; }), "s.json: ops[0]: must be a JSON object, not 3");
  EXPECT_EQ(with([](json& k) { k["programs"][0] = 0; }),
            "s.json: programs[0]: must be a list of op ids, not 0");
  EXPECT_EQ(with([](json& k) { k["programs"][0][0] = "F1"; }),
            "s.json: programs[0]: key 'op id' must be a whole number 0 .. 4294967295, not \"F1\"");
  EXPECT_EQ(with([](json& k) { k["bytes_by_kind"] = json::array(); }),
            "s.json: bytes_by_kind: must be a JSON object, not []");
  EXPECT_EQ(with([](json& k) { k["deps"][0]["kind"] = 7; }),
            "s.json: deps[0]: key 'kind' must be a string, not 7");
  EXPECT_EQ(with([](json& k) { k["note"] = nullptr; }),
            "s.json: key 'note' must be a string, not null");
}

// The schedules the fuzzer starts from are what `spikepipe schedule --json` writes (without the
// derived "transfers"): they read back and write out the same.
TEST(FuzzFindings, ScheduleSeedsReadBackUnchanged) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kData / "schedules")) {
    SCOPED_TRACE(e.path().string());
    json j = json::parse(read(e.path()));
    const Schedule s = schedule_from_json(j, e.path().string());
    json back = schedule_to_json(s);
    back.erase("transfers");
    j.erase("network");
    j.erase("transfers");  // derived: the writer adds them, the reader recomputes them
    EXPECT_EQ(back, j);
    ++n;
  }
  EXPECT_GE(n, 3);
}

// fuzz_nir's eighth (open until libhdf5 ran in a child process): a damaged symbol-table B-tree
// node of a group made libhdf5 1.10.8 copy into a NULL it had not checked; spikepipe died with
// SIGSEGV. The walk now runs in a child (hdf5_isolated.cpp): the crash is one Error naming the file.
TEST(FuzzFindings, NirThatCrashesLibhdf5IsAnErrorNamingTheFile) {
  const std::string path = (kData / "fuzz" / "nir" / "nir-group-btree-node-crashes-libhdf5.nir").string();
  const std::string want = ": not a readable NIR/HDF5 file: the HDF5 library failed on it (";
  const std::string from_file = error_of([&] { import_nir(path); });
  EXPECT_EQ(from_file.rfind(path + want, 0), 0u) << from_file;
  const std::string from_bytes = error_of([&] { import_nir_bytes(read(path), "f.nir"); });
  EXPECT_EQ(from_bytes.rfind("f.nir" + want, 0), 0u) << from_bytes;
  // Without a sanitizer the child dies by SIGSEGV; under ASan it may end by ASan's own exit.
  EXPECT_TRUE(from_file.find("signal 11, Segmentation fault)") != std::string::npos ||
              from_file.find("exit status ") != std::string::npos)
      << from_file;
}

void read_or_refuse(const std::string& reader, const std::string& text) {
  try {
    if (reader == "network_yaml") {
      validate(parse_network_yaml(text, "f.yaml"));
    } else if (reader == "topology_csv") {
      for (auto format : {TopologyFormat::Conv, TopologyFormat::Gemm})
        try {
          validate(parse_topology_csv(text, "f.csv", format, TopologySnnParams{}));
        } catch (const Error&) {
        }
    } else if (reader == "nir") {
      validate(import_nir_bytes(text, "f.nir"));
    } else if (reader == "schedule_json") {
      const json j = json::parse(text, nullptr, false);
      if (!j.is_discarded()) schedule_to_json(schedule_from_json(j, "f.json"));
    } else {
      FAIL() << "no reader for tests/data/fuzz/" << reader;
    }
  } catch (const Error&) {
  }
}

// Every kept input (the platform INI ones are read by test_core's FuzzFindings).
TEST(FuzzFindings, EveryKeptInputIsReadOrRefused) {
  int n = 0;
  for (const char* reader : {"network_yaml", "topology_csv", "schedule_json", "nir"}) {
    const fs::path dir = kData / "fuzz" / reader;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      SCOPED_TRACE(e.path().string());
      read_or_refuse(reader, read(e.path()));
      ++n;
    }
  }
  EXPECT_GE(n, 2);
}

}  // namespace
}  // namespace spikepipe

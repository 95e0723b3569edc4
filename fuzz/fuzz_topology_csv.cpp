// libFuzzer target: the SCALE-Sim topology CSV reader, each input read as a conv file and as a
// GEMM file. Any input must give a Network or a spikepipe::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/topology.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto format : {spikepipe::TopologyFormat::Conv, spikepipe::TopologyFormat::Gemm}) {
    try {
      const spikepipe::Network net =
          spikepipe::parse_topology_csv(text, "fuzz.csv", format, spikepipe::TopologySnnParams{});
      spikepipe::validate(net);
    } catch (const spikepipe::Error&) {
    }
  }
  return 0;
}

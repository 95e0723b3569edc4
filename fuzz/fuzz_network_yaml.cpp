// libFuzzer target: the network YAML reader (docs/NETWORK_FORMAT.md). Any input must give a
// Network or a spikepipe::Error; anything else (a crash, another exception, a sanitizer report, a
// hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/network.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const spikepipe::Network net = spikepipe::parse_network_yaml(text, "fuzz.yaml");
    spikepipe::validate(net);  // what the reader accepted, validate() accepts too
  } catch (const spikepipe::Error&) {
  }
  return 0;
}

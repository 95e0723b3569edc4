// libFuzzer target: the NIR reader (docs/NETWORK_FORMAT.md, "NIR"): the bytes as an HDF5 file
// image read through HDF5's core driver (import_nir_bytes(), the same reader as import_nir() without
// a file), then the graph mapping and validate(). Any input must give a Network or a
// spikepipe::Error. HDF5 itself is Debian's prebuilt library: not instrumented for coverage, but
// its memory accesses through intercepted calls (memcpy, malloc) are checked by ASan.
#include <cstddef>
#include <cstdint>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/nir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const spikepipe::Network net = spikepipe::import_nir_bytes(bytes, "fuzz.nir");
    spikepipe::validate(net);  // what the reader accepted, validate() accepts too
  } catch (const spikepipe::Error&) {
  }
  return 0;
}

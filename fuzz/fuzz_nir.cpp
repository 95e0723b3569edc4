// libFuzzer target: the NIR reader (docs/NETWORK_FORMAT.md, "NIR"): the bytes as an HDF5 file
// image read through HDF5's core driver (import_nir_bytes(), the same reader as import_nir() without
// a file), then the graph mapping and validate(). Any input must give a Network or a
// spikepipe::Error. HDF5 itself is Debian's prebuilt library: not instrumented for coverage, but
// its memory accesses through intercepted calls (memcpy, malloc) are checked by ASan.
//
// Two passes (docs/RELIABILITY.md, "NIR"): first as the CLI reads, libhdf5 in a forked child
// (hdf5_isolated.cpp); an input that kills the child is libhdf5 1.10 failing on a damaged file,
// an Error for the user and known here, so it is not read again. Otherwise the same bytes in this
// process, where libFuzzer sees the coverage of our HDF5 reader and ASan checks it (a child's
// coverage is lost with the child).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/hdf5_isolated.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/nir.h"

namespace {
// How many inputs libhdf5 failed on, for the figures (scripts/fuzz.sh reads this line).
unsigned long inputs = 0, library_failures = 0;
void report() {
  std::fprintf(stderr, "fuzz_nir: libhdf5's child failed on %lu of %lu inputs\n", library_failures,
               inputs);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (inputs++ == 0) std::atexit(report);
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    spikepipe::validate(spikepipe::import_nir_bytes(bytes, "fuzz.nir"));
  } catch (const spikepipe::h5::LibraryFailure&) {
    ++library_failures;
    return 0;
  } catch (const spikepipe::Error&) {
  }
  spikepipe::NirOptions here;
  here.isolate_hdf5 = false;
  try {
    const spikepipe::Network net = spikepipe::import_nir_bytes(bytes, "fuzz.nir", here);
    spikepipe::validate(net);  // what the reader accepted, validate() accepts too
  } catch (const spikepipe::Error&) {
  }
  return 0;
}

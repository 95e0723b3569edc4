#pragma once
// libhdf5 1.10 trusts the file it reads: a damaged one can crash it (SIGSEGV) or make it allocate
// gigabytes before it fails (docs/RELIABILITY.md, findings 4 to 8). These run the walk of
// read_file() / read_image() in a forked child with bounded memory and CPU time and carry the tree
// back through a pipe, so that whatever libhdf5 does on a damaged file, the caller gets a tree or
// a spikepipe::Error.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/hdf5_tree.h"

namespace spikepipe::h5 {

// The child died (a signal, a limit, a sanitizer report) or its answer was cut short: the file
// broke libhdf5 itself. The child's own clean errors arrive as plain spikepipe::Error.
class LibraryFailure : public Error {
 public:
  using Error::Error;
};

// What the child may use beyond what the process already holds when it forks.
inline constexpr uint64_t kChildExtraAddressSpace = uint64_t(1) << 30;  // plus twice an image's size
inline constexpr unsigned kChildCpuSeconds = 60;
inline constexpr unsigned kChildWallSeconds = 120;  // a child that neither works nor ends

Group read_file_isolated(const std::string& path, const std::vector<std::string>& shape_only,
                         uint64_t max_values);
Group read_image_isolated(const void* data, size_t size, const std::string& name,
                          const std::vector<std::string>& shape_only, uint64_t max_values);

// The mechanism itself: `walk` in a child with `extra_bytes` of address space beyond what the
// process holds; `name` names the file in the LibraryFailure.
Group run_isolated(const std::string& name, uint64_t extra_bytes, const std::function<Group()>& walk);

// The child's answer on the pipe (hdf5_wire.cpp); decode() refuses a cut or malformed stream.
std::string encode(const Group& g);
Group decode(const std::string& bytes);

}  // namespace spikepipe::h5

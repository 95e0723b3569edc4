#pragma once
// NIR, the Neuromorphic Intermediate Representation (neuromorphs/NIR): an HDF5 file holding a
// graph of nodes and edges, written by snnTorch, Norse, Sinabs, Rockpool, Lava. Import maps it
// onto our layers; export writes our networks as NIR. The mapping, node by node, and what is
// refused: docs/NETWORK_FORMAT.md.
#include <cstdint>
#include <string>

#include "spikepipe/workloads/network.h"

namespace spikepipe {

struct NirOptions {
  // The time step in the file's time unit: LIF's lambda = 1 - dt/tau, c = r*dt/tau (forward
  // Euler, as the NIR reference simulators integrate). 1 = one of our time steps.
  double dt = 1.0;
  // libhdf5 walks the file in a child process (hdf5_isolated.h), so a file that crashes it is an
  // Error. false: in this process, for the fuzz target's coverage of the reader.
  bool isolate_hdf5 = true;
};

// A NIR file holds its weights: far larger than a network YAML, but only their shapes are read.
inline constexpr uint64_t kMaxNirFileBytes = uint64_t(2) << 30;  // 2 GiB (VGG-16 in fp32: 0.5 GiB)
inline constexpr uint64_t kMaxNirNodes = 4096;          // after nested graphs are flattened
inline constexpr uint64_t kMaxNirParamValues = 1u << 24;  // values of one neuron parameter array
inline constexpr int kMaxNirNesting = 16;               // NIRGraph inside NIRGraph

// True if the file starts with the HDF5 signature (what a .nir file is).
bool is_hdf5_file(const std::string& path);

// Reads a NIR file. Errors name the file and the node: "net.nir: node 'lif1' (LIF): ...".
Network import_nir(const std::string& path, const NirOptions& options = {});

// The same on a NIR file's bytes in memory (HDF5's core driver; no file is read or written);
// `name` stands for the file in errors and gives the network its name. The fuzz target's entry.
Network import_nir_bytes(const std::string& bytes, const std::string& name,
                         const NirOptions& options = {});

// Writes `net` as a NIR graph (nir 1.0 layout; zero weights, stored as HDF5 fill values so the
// file stays small). T, B and the bit widths go to the graph's metadata, which import reads back.
void export_nir(const Network& net, const std::string& path, const NirOptions& options = {});

}  // namespace spikepipe

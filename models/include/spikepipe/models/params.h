#pragma once
// One parameter struct per module. Values are plain (cycles, bytes); platform/ fills them from
// INI files and CLI flags and calls validate(), which throws Error naming the key and the range.
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/workloads/cost_model.h"
#include "spikepipe/workloads/ids.h"

namespace spikepipe {

// ceil(bytes / bytes_per_cycle): cycles to serialise `bytes` at a rate, the NoC injection time and
// the DRAM transfer time of contract.md. Shared so that schedulers and models round alike.
inline Cycles serial_cycles(uint64_t bytes, double bytes_per_cycle) {
  if (bytes == 0) return 0;
  const double c = static_cast<double>(bytes) / bytes_per_cycle;
  Cycles whole = static_cast<Cycles>(c);
  return (c - static_cast<double>(whole) > 1e-9) ? whole + 1 : (whole == 0 ? 1 : whole);
}

struct ProcessorParams {
  ArrayParams array;                  // array-rows, array-cols, dataflow, vector-lanes, sparsity
  uint64_t sram_bytes = 4ull << 20;   // sram-bytes: local SRAM (weights, stash, inbox)
  // overlap-units: the next op's array part may start while the vector unit finishes the
  // previous op, and messages are injected by a DMA engine beside the compute (false = contract.md:
  // array then vector then sending, strictly one after the other).
  bool overlap_units = false;
  uint64_t min_sram_bytes() const;    // one RxC tile of 16-bit weights, double-buffered
  void validate(const std::string& where) const;
};

enum class Topology { Mesh, Torus, Ring, Crossbar };
const char* to_string(Topology t);
Topology parse_topology(const std::string& s, const std::string& where);

struct NocParams {
  Topology topology = Topology::Mesh;   // noc-topology
  uint32_t cols = 2, rows = 2;          // noc-cols, noc-rows (ring: cols nodes, rows = 1)
  double link_bytes_per_cycle = 32.0;   // noc-link-bytes
  Cycles router_latency = 2;            // noc-router-latency, per hop
  uint32_t packet_bytes = 256;          // noc-packet-bytes, max payload of one packet
  std::vector<uint32_t> processor_nodes;  // processor-nodes: node of processor p (default p)
  uint32_t nodes() const { return topology == Topology::Ring ? cols : cols * rows; }
  uint32_t node_of(uint32_t processor) const;  // processor_nodes, or p when empty
  void validate(const std::string& where, uint32_t processors) const;
};

struct MemoryParams {
  uint32_t channels = 2;                 // dram-channels
  double channel_bytes_per_cycle = 25.6; // dram-channel-bytes (DDR4-3200 at 1 GHz)
  Cycles latency = 100;                  // dram-latency
  uint32_t interleave_bytes = 256;       // dram-interleave
  std::vector<uint32_t> controller_nodes;  // dram-nodes: NoC nodes of the memory controllers
  std::vector<uint32_t> controllers() const;  // controller_nodes, or {0} when empty
  void validate(const std::string& where, uint32_t noc_nodes) const;
};

struct PlatformParams {
  std::string name = "default";  // preset name or file
  uint32_t processors = 4;       // processors
  double clock_ghz = 1.0;        // clock-ghz: converts cycles to seconds in reports
  ProcessorParams processor;
  NocParams noc;
  MemoryParams memory;
  void validate() const;         // all of the above, with `name` as the where
};

}  // namespace spikepipe

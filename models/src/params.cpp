// Range checks of the platform parameters: every message names the key and what is allowed.
#include "spikepipe/models/params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "spikepipe/workloads/error.h"

namespace spikepipe {

namespace {

std::string key(const std::string& where, const char* k) {
  return where.empty() ? k : where + ": " + k;
}

// As the user wrote it: 0, 25.6, 1e-09 (not 0.000000).
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void positive(const std::string& where, const char* k, double v) {
  if (!(v > 0.0) || !std::isfinite(v))
    fail(key(where, k), "is " + number(v), "a positive number");
}

}  // namespace

const char* to_string(Topology t) {
  switch (t) {
    case Topology::Mesh:
      return "mesh";
    case Topology::Torus:
      return "torus";
    case Topology::Ring:
      return "ring";
    case Topology::Crossbar:
      return "crossbar";
  }
  return "?";
}

Topology parse_topology(const std::string& s, const std::string& where) {
  if (s == "mesh") return Topology::Mesh;
  if (s == "torus") return Topology::Torus;
  if (s == "ring") return Topology::Ring;
  if (s == "crossbar") return Topology::Crossbar;
  fail(where, "unknown topology '" + s + "'", "mesh, torus, ring, crossbar");
}

// The smallest SRAM that can work: one RxC tile of 16-bit weights, double-buffered.
uint64_t ProcessorParams::min_sram_bytes() const { return 4ull * array.rows * array.cols; }

void ProcessorParams::validate(const std::string& where) const {
  array.validate(where);
  if (sram_bytes < min_sram_bytes()) {
    fail(key(where, "sram-bytes"),
         "is " + std::to_string(sram_bytes) + ", smaller than one weight tile",
         ">= " + std::to_string(min_sram_bytes()) +
             " (array-rows x array-cols x 2 bytes x 2 buffers)");
  }
}

void NocParams::validate(const std::string& where, uint32_t processors) const {
  positive(where, "noc-link-bytes", link_bytes_per_cycle);
  if (packet_bytes == 0) fail(key(where, "noc-packet-bytes"), "is 0", ">= 1");
  if (cols == 0) fail(key(where, "noc-cols"), "is 0", ">= 1");
  if (topology != Topology::Ring && rows == 0) fail(key(where, "noc-rows"), "is 0", ">= 1");
  if (topology == Topology::Ring && rows > 1) {
    fail(key(where, "noc-rows"), "is " + std::to_string(rows) + " for a ring",
         "1 (a ring has noc-cols nodes)");
  }
  if (cols > 4096 || rows > 4096) fail(key(where, "noc-cols/noc-rows"), "too large", "<= 4096");
  const uint32_t n = nodes();
  if (processor_nodes.empty()) {
    if (processors > n) {
      fail(key(where, "noc-cols x noc-rows"),
           std::to_string(n) + " nodes cannot hold " + std::to_string(processors) + " processors",
           ">= processors nodes");
    }
    return;
  }
  if (processor_nodes.size() != processors) {
    fail(key(where, "processor-nodes"),
         "lists " + std::to_string(processor_nodes.size()) + " nodes for " +
             std::to_string(processors) + " processors",
         "one node per processor, or empty for processor p on node p");
  }
  std::set<uint32_t> seen;
  for (uint32_t v : processor_nodes) {
    if (v >= n)
      fail(key(where, "processor-nodes"), "node " + std::to_string(v) + " out of range",
           "0.." + std::to_string(n - 1));
    if (!seen.insert(v).second)
      fail(key(where, "processor-nodes"), "node " + std::to_string(v) + " used twice",
           "distinct nodes");
  }
}

uint32_t NocParams::node_of(uint32_t processor) const {
  return processor < processor_nodes.size() ? processor_nodes[processor] : processor;
}

void MemoryParams::validate(const std::string& where, uint32_t noc_nodes) const {
  if (channels == 0) fail(key(where, "dram-channels"), "is 0", ">= 1");
  positive(where, "dram-channel-bytes", channel_bytes_per_cycle);
  if (interleave_bytes == 0) fail(key(where, "dram-interleave"), "is 0", ">= 1 byte");
  for (uint32_t v : controller_nodes) {
    if (v >= noc_nodes)
      fail(key(where, "dram-nodes"), "node " + std::to_string(v) + " out of range",
           "0.." + std::to_string(noc_nodes - 1));
  }
  std::set<uint32_t> seen(controller_nodes.begin(), controller_nodes.end());
  if (seen.size() != controller_nodes.size())
    fail(key(where, "dram-nodes"), "a node is listed twice", "distinct nodes");
}

std::vector<uint32_t> MemoryParams::controllers() const {
  return controller_nodes.empty() ? std::vector<uint32_t>{0} : controller_nodes;
}

void PlatformParams::validate() const {
  if (processors == 0) fail(key(name, "processors"), "is 0", ">= 1");
  positive(name, "clock-ghz", clock_ghz);
  processor.validate(name);
  noc.validate(name, processors);
  memory.validate(name, noc.nodes());
}

}  // namespace spikepipe

// Range checks of the platform description: every message names the key (as the caller's KeyName
// spells it) and what is allowed. Also the NoC auto-sizing, the one place it is decided.
#include "spikepipe/core/platform.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "spikepipe/core/dram_spec.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"

namespace spikepipe {

namespace {

std::string number(double v) { return number_text(v); }

void positive(const KeyName& key, const char* k, double v) {
  if (!(v > 0.0) || !std::isfinite(v)) fail(key(k), "is " + number(v), "a positive number");
}

void in_range(const KeyName& key, const char* k, uint64_t v, uint64_t lo, uint64_t hi) {
  if (v < lo || v > hi)
    fail(key(k), "is " + std::to_string(v), std::to_string(lo) + " .. " + std::to_string(hi));
}

}  // namespace

KeyName plain_keys(const std::string& where) {
  return [where](const std::string& k) { return where.empty() ? k : where + ": " + k; };
}

const char* to_string(Dataflow d) {
  switch (d) {
    case Dataflow::OS:
      return "os";
    case Dataflow::WS:
      return "ws";
    case Dataflow::IS:
      return "is";
  }
  return "?";
}

Dataflow parse_dataflow(const std::string& s, const std::string& where) {
  if (s == "os" || s == "OS") return Dataflow::OS;
  if (s == "ws" || s == "WS") return Dataflow::WS;
  if (s == "is" || s == "IS") return Dataflow::IS;
  fail(where, "unknown dataflow '" + s + "'",
       "os (output stationary), ws (weight stationary), is (input stationary)");
}

void ArrayParams::validate(const KeyName& key) const {
  // Upper limits only catch typos (an extra zero); real arrays are far smaller.
  constexpr uint32_t kMaxDim = 1u << 16;
  in_range(key, "array-rows", rows, 1, kMaxDim);
  in_range(key, "array-cols", cols, 1, kMaxDim);
  in_range(key, "vector-lanes", vector_lanes, 1, kMaxDim);
  if (!(firing_rate > 0.0 && firing_rate <= 1.0))
    fail(key("firing-rate"), "is " + number(firing_rate), "0 < firing-rate <= 1");
}

const char* to_string(NocShape t) {
  switch (t) {
    case NocShape::Mesh:
      return "mesh";
    case NocShape::Torus:
      return "torus";
    case NocShape::Ring:
      return "ring";
    case NocShape::Crossbar:
      return "crossbar";
  }
  return "?";
}

NocShape parse_noc_shape(const std::string& s, const std::string& where) {
  if (s == "mesh") return NocShape::Mesh;
  if (s == "torus") return NocShape::Torus;
  if (s == "ring") return NocShape::Ring;
  if (s == "crossbar") return NocShape::Crossbar;
  fail(where, "unknown topology '" + s + "'", "mesh, torus, ring, crossbar");
}

const char* to_string(NocModel m) { return m == NocModel::Ideal ? "ideal" : "causal"; }

NocModel parse_noc_model(const std::string& s, const std::string& where) {
  if (s == "ideal") return NocModel::Ideal;
  if (s == "causal") return NocModel::Causal;
  fail(where, "unknown NoC model '" + s + "'", "ideal, causal");
}

// The smallest SRAM that can work: one RxC tile of 16-bit weights, double-buffered.
uint64_t ProcessorParams::min_sram_bytes() const { return 4ull * array.rows * array.cols; }

void ProcessorParams::validate(const KeyName& key) const {
  array.validate(key);
  if (sram_bytes < min_sram_bytes()) {
    fail(key("sram-bytes"), "is " + std::to_string(sram_bytes) + ", smaller than one weight tile",
         ">= " + std::to_string(min_sram_bytes()) +
             " (array-rows x array-cols x 2 bytes x 2 buffers)");
  }
  // 1 TiB: far above any on-chip memory; catches a unit slip (bits for bytes, an extra 1e3).
  if (sram_bytes > (1ull << 40))
    fail(key("sram-bytes"), "is " + std::to_string(sram_bytes), "<= 1099511627776 (1 TiB)");
}

void NocParams::auto_size(uint32_t processors) {
  if (cols != 0 || rows != 0) {
    if (topology == NocShape::Ring && cols) rows = 1;
    return;
  }
  if (topology == NocShape::Ring || topology == NocShape::Crossbar) {
    cols = std::max(processors, 1u);
    rows = 1;
    return;
  }
  // Smallest near-square mesh (cols >= rows) with at least `processors` nodes.
  rows = static_cast<uint32_t>(std::floor(std::sqrt(static_cast<double>(processors))));
  if (rows == 0) rows = 1;
  cols = (processors + rows - 1) / rows;
}

void NocParams::validate(const KeyName& key, uint32_t processors) const {
  positive(key, "noc-link-bytes", link_bytes_per_cycle);
  if (packet_bytes == 0) fail(key("noc-packet-bytes"), "is 0", ">= 1");
  if (vcs == 0 || vcs > 64) fail(key("noc-vcs"), "is " + std::to_string(vcs), "1..64");
  if (input_speedup == 0 || input_speedup > vcs)
    fail(key("noc-input-speedup"), "is " + std::to_string(input_speedup),
         "1..noc-vcs (" + std::to_string(vcs) + ")");
  if (model == NocModel::Causal) {
    if (router_latency == 0)
      fail(key("noc-router-latency"), "is 0", ">= 1 with noc-model = causal");
    if (buffer_flits < router_latency + 1 || buffer_flits > 65536)
      fail(key("noc-buffer-flits"), "is " + std::to_string(buffer_flits),
           std::to_string(router_latency + 1) +
               "..65536 (noc-router-latency + 1 or more, so that one virtual channel streams at "
               "link rate)");
    if ((topology == NocShape::Torus || topology == NocShape::Ring) && vcs < 2)
      fail(key("noc-vcs"), "is 1 on a " + std::string(to_string(topology)),
           ">= 2 (dateline virtual channel classes keep a torus or ring deadlock-free)");
  }
  if (cols == 0 && rows != 0) fail(key("noc-cols"), "is 0 while noc-rows is set",
                                   "both set, or both 0 (the smallest NoC that fits)");
  if (cols == 0) fail(key("noc-cols"), "is 0", ">= 1");
  if (topology != NocShape::Ring && rows == 0)
    fail(key("noc-rows"), "is 0 while noc-cols is set",
         "both set, or both 0 (the smallest NoC that fits)");
  if (topology == NocShape::Ring && rows > 1) {
    fail(key("noc-rows"), "is " + std::to_string(rows) + " for a ring",
         "1 (a ring has noc-cols nodes)");
  }
  if (cols > 4096) fail(key("noc-cols"), "is " + std::to_string(cols), "<= 4096");
  if (rows > 4096) fail(key("noc-rows"), "is " + std::to_string(rows), "<= 4096");
  if (nodes() > (1u << 16))
    fail(key("noc-cols"), std::to_string(cols) + " x " + std::to_string(rows) + " nodes",
         "at most 65536 nodes");
  const uint32_t n = nodes();
  if (processor_nodes.empty()) {
    if (processors > n) {
      fail(key("noc-cols") + " x noc-rows",
           std::to_string(n) + " nodes cannot hold " + std::to_string(processors) + " processors",
           ">= processors nodes");
    }
    return;
  }
  if (processor_nodes.size() != processors) {
    fail(key("processor-nodes"),
         "lists " + std::to_string(processor_nodes.size()) + " nodes for " +
             std::to_string(processors) + " processors",
         "one node per processor, or empty for processor p on node p");
  }
  std::set<uint32_t> seen;
  for (uint32_t v : processor_nodes) {
    if (v >= n)
      fail(key("processor-nodes"), "node " + std::to_string(v) + " out of range",
           "0.." + std::to_string(n - 1));
    if (!seen.insert(v).second)
      fail(key("processor-nodes"), "node " + std::to_string(v) + " used twice", "distinct nodes");
  }
}

uint32_t NocParams::node_of(uint32_t processor) const {
  return processor < processor_nodes.size() ? processor_nodes[processor] : processor;
}

const char* to_string(DramModel m) {
  switch (m) {
    case DramModel::Simple:
      return "simple";
    case DramModel::DDR4:
      return "ddr4";
    case DramModel::HBM2:
      return "hbm2";
  }
  return "?";
}

DramModel parse_dram_model(const std::string& s, const std::string& where) {
  if (s == "simple") return DramModel::Simple;
  if (s == "ddr4") return DramModel::DDR4;
  if (s == "hbm2") return DramModel::HBM2;
  fail(where, "unknown DRAM model '" + s + "'",
       "simple (latency + bandwidth per channel), ddr4 (DDR4-3200), hbm2 (HBM2 2 Gb/s)");
}

void MemoryParams::validate(const KeyName& key, uint32_t noc_nodes) const {
  in_range(key, "dram-channels", channels, 1, 1024);
  // Organisation of the detailed models: 0 keeps the preset's value.
  if (ranks) in_range(key, "dram-ranks", ranks, 1, 16);
  if (bank_groups) in_range(key, "dram-bank-groups", bank_groups, 1, 16);
  if (banks) in_range(key, "dram-banks", banks, 1, 64);
  if (model != DramModel::Simple) {
    const DramSpec s = dram_spec(*this);
    if (s.page_bytes < s.burst_bytes || s.page_bytes % s.burst_bytes || s.page_bytes > (1u << 20))
      fail(key("dram-page-bytes"), "is " + std::to_string(s.page_bytes),
           "a multiple of the " + std::to_string(s.burst_bytes) + "-byte burst of " +
               to_string(model) + ", at most 1048576");
  }
  positive(key, "dram-channel-bytes", channel_bytes_per_cycle);
  if (interleave_bytes == 0) fail(key("dram-interleave"), "is 0", ">= 1 byte");
  for (uint32_t v : controller_nodes) {
    if (v >= noc_nodes)
      fail(key("dram-nodes"), "node " + std::to_string(v) + " out of range",
           "0.." + std::to_string(noc_nodes - 1));
  }
  std::set<uint32_t> seen(controller_nodes.begin(), controller_nodes.end());
  if (seen.size() != controller_nodes.size())
    fail(key("dram-nodes"), "a node is listed twice", "distinct nodes");
}

std::vector<uint32_t> MemoryParams::controllers() const {
  return controller_nodes.empty() ? std::vector<uint32_t>{0} : controller_nodes;
}

void PlatformParams::validate(const KeyName& key) const {
  in_range(key, "processors", processors, 1, kMaxProcessors);
  positive(key, "clock-ghz", clock_ghz);
  processor.validate(key);
  noc.validate(key, processors);
  memory.validate(key, noc.nodes());
}

}  // namespace spikepipe

#pragma once
// The machine, described once: array, processor and SRAM, network-on-chip, DRAM. The planner,
// the SystemC models and the reports all read this one description. Values are plain (cycles,
// bytes). validate() checks ranges; a message names the key the way the caller wants it named
// (KeyName: "--array-rows", "mesh8.cfg:12: array-rows" or "array-rows") and what is allowed.
// How a description is read from an INI file and flags: core/platform_config.h.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spikepipe/core/ids.h"

namespace spikepipe {

// How an error names a key of the platform description.
using KeyName = std::function<std::string(const std::string& key)>;
// "where: key", or "key" when `where` is empty.
KeyName plain_keys(const std::string& where = {});

enum class Dataflow { OS, WS, IS };
const char* to_string(Dataflow d);
Dataflow parse_dataflow(const std::string& s, const std::string& where);  // "os"|"ws"|"is"

struct ArrayParams {
  uint32_t rows = 32;          // array-rows
  uint32_t cols = 32;          // array-cols
  Dataflow dataflow = Dataflow::OS;  // dataflow
  uint32_t vector_lanes = 32;  // vector-lanes
  // sparsity, firing-rate: H2Learn-style zero skipping on the spike-driven GEMMs (F, G), cycles
  // scaled by firing_rate.
  bool sparsity = false;
  double firing_rate = 0.15;

  void validate(const KeyName& key) const;
  void validate(const std::string& where) const { validate(plain_keys(where)); }
};

struct ProcessorParams {
  ArrayParams array;
  uint64_t sram_bytes = 4ull << 20;  // sram-bytes: local SRAM (weights, stash, inbox)
  // overlap-units: the next op's array part may start while the vector unit finishes the
  // previous op, and messages are injected by a DMA engine beside the compute (false =
  // docs/EXECUTION.md: array then vector then sending, strictly one after the other).
  bool overlap_units = false;
  uint64_t min_sram_bytes() const;  // one RxC tile of 16-bit weights, double-buffered
  void validate(const KeyName& key) const;
};

enum class NocShape { Mesh, Torus, Ring, Crossbar };
const char* to_string(NocShape t);
NocShape parse_noc_shape(const std::string& s, const std::string& where);

// noc-model: `causal` = flit-level routers (virtual channels, finite buffers, credits,
// round-robin), every port and link served in the order traffic becomes ready
// (core/noc_engine.h); `ideal` = the contention-free closed form with links reserved per
// message in call order (the earlier model, fast, not causal).
enum class NocModel { Ideal, Causal };
const char* to_string(NocModel m);
NocModel parse_noc_model(const std::string& s, const std::string& where);

struct NocParams {
  NocShape topology = NocShape::Mesh;   // noc-topology
  uint32_t cols = 2, rows = 2;          // noc-cols, noc-rows (ring: cols nodes, rows = 1)
  double link_bytes_per_cycle = 32.0;   // noc-link-bytes
  Cycles router_latency = 2;            // noc-router-latency, per hop
  uint32_t packet_bytes = 256;          // noc-packet-bytes, max payload of one packet
  NocModel model = NocModel::Ideal;     // noc-model
  uint32_t vcs = 2;                     // noc-vcs, virtual channels per input port
  uint32_t buffer_flits = 8;            // noc-buffer-flits, per virtual channel
  // noc-terminal-latency: cycles added to every message's delivery after its last flit left the
  // ejection port, holding no port or buffer (the network interface and the pipeline of the
  // first router, which F + H x router_latency does not count; 6 makes the zero-load latency
  // that of BookSim 2's default input-queued router, docs/VALIDATION.md).
  Cycles terminal_latency = 0;
  // noc-input-speedup: crossbar inputs per router input port; VC v uses input v mod S, so up to
  // S flits leave one input port per cycle for different outputs (BookSim's input_speedup; its
  // mesh88_lat example uses 2 "to account for any inefficiencies in allocation"). The ideal
  // model, which has no routers, ignores it as it ignores noc-vcs.
  uint32_t input_speedup = 1;
  std::vector<uint32_t> processor_nodes;  // processor-nodes: node of processor p (default p)
  uint32_t nodes() const { return topology == NocShape::Ring ? cols : cols * rows; }
  uint32_t node_of(uint32_t processor) const;  // processor_nodes, or p when empty
  // noc-cols = noc-rows = 0 means "the smallest that fits": a near-square mesh or torus (cols >=
  // rows), a ring or crossbar of one node per processor. Leaves a set size alone.
  void auto_size(uint32_t processors);
  void validate(const KeyName& key, uint32_t processors) const;
};

// dram-model: `simple` is a latency plus a bandwidth per channel; `ddr4` and `hbm2` model banks,
// row buffers, refresh and command timing from a device preset (core/dram_spec.h).
enum class DramModel { Simple, DDR4, HBM2 };
const char* to_string(DramModel m);
DramModel parse_dram_model(const std::string& s, const std::string& where);  // simple|ddr4|hbm2

struct MemoryParams {
  DramModel model = DramModel::Simple;   // dram-model
  uint32_t channels = 2;                 // dram-channels
  // simple only (ddr4 / hbm2 take both from the device timing):
  double channel_bytes_per_cycle = 25.6; // dram-channel-bytes (DDR4-3200 at 1 GHz)
  Cycles latency = 100;                  // dram-latency
  uint32_t interleave_bytes = 256;       // dram-interleave
  std::vector<uint32_t> controller_nodes;  // dram-nodes: NoC nodes of the memory controllers
  // ddr4 / hbm2 organisation per channel; 0 = the device preset's value (core/dram_spec.h).
  uint32_t ranks = 0;        // dram-ranks
  uint32_t bank_groups = 0;  // dram-bank-groups
  uint32_t banks = 0;        // dram-banks: banks per bank group
  uint32_t page_bytes = 0;   // dram-page-bytes: row buffer of a rank (one row across its devices)
  std::vector<uint32_t> controllers() const;  // controller_nodes, or {0} when empty
  void validate(const KeyName& key, uint32_t noc_nodes) const;
};

struct PlatformParams {
  static constexpr uint32_t kMaxProcessors = 4096;
  std::string name = "default";  // preset name or file stem
  uint32_t processors = 4;       // processors
  double clock_ghz = 1.0;        // clock-ghz: converts cycles to seconds in reports
  ProcessorParams processor;
  NocParams noc;
  MemoryParams memory;
  void validate(const KeyName& key) const;
  void validate() const { validate(plain_keys(name)); }
};

}  // namespace spikepipe

#pragma once
// The machine as the planner times it: what a message, a DRAM read and a hop cost, taken from the
// platform description in one place (CommModel::of) and charged with the execution rules of
// core/execution.h, so that the schedulers and the simulator round alike.
//
// The planner sees the machine the simulator runs (of() fills it from the platform): the real
// route and hop count of every processor pair (core/noc_graph.h), the memory controller nearest
// to each processor and the hops to it, every DRAM channel (a request's bytes interleaved over
// them) and each processor's SRAM. What a single message or access costs is uncontended here;
// link sharing and DRAM channel sharing enter the predicted period as per-iteration load bounds
// (workloads/analysis.h link_loads, dram_load). A CommModel built by hand without a NoC graph
// falls back to the mean hop count (mean_hops) for every pair.
#include <cstdint>
#include <memory>
#include <vector>

#include "spikepipe/core/dram_spec.h"
#include "spikepipe/core/ids.h"
#include "spikepipe/core/noc_graph.h"
#include "spikepipe/core/platform.h"

namespace spikepipe {

struct CommModel {
  double link_bytes_per_cycle = 32.0;  // noc-link-bytes
  Cycles hop_latency = 2;              // noc-router-latency
  Cycles terminal_latency = 0;         // noc-terminal-latency: added to every message's arrival
  double mean_hops = 1.0;              // over ordered pairs of distinct processors
  Cycles dram_latency = 100;           // dram-latency (ddr4/hbm2: tRCD + CL of the device)
  double dram_bytes_per_cycle = 25.6;  // dram-channel-bytes (ddr4/hbm2: the peak of a channel)
  uint32_t dram_channels = 1;          // dram-channels: a request's bytes interleave over them
  uint64_t dram_interleave = 256;      // dram-interleave
  uint64_t sram_bytes = 0;             // sram-bytes per processor (0: unknown, nothing streams)

  // The layout (empty for a hand-made model: mean hops everywhere, controller at distance 0).
  std::shared_ptr<const NocGraph> noc;
  std::vector<uint32_t> node;        // per processor: its NoC node
  std::vector<uint32_t> controller;  // per processor: node of its nearest memory controller
  std::vector<uint16_t> hop_table;   // [a * P + b]: hops from processor a to processor b
  // Per op of the one schedule being timed: cycles its DRAM read waits for the data queued ahead
  // of it on the shared channels (workloads/analysis.h dram_waits; finalize_schedule fills it).
  // Empty (or sized for another schedule): uncontended reads.
  std::vector<Cycles> op_wait;
  // The simulated machine is one that replay_machine() (workloads/analysis.h) replays: overlap-units
  // off, with either NoC and any DRAM model (of() sets it from the platform). The ideal NoC serves
  // links and DRAM channels in call order, so replaying the calls in the kernel's order gives the
  // simulator's times; with the causal NoC the replay drives the simulator's router engine
  // (core/noc_engine.h) as models/src/noc.cpp does, in the kernel's order (causal_noc below).
  bool replayable = false;
  // noc-model causal: the NoC the replay drives, and the memory controllers' nodes as listed
  // (controllers()): the engine's endpoints are laid out as the simulator's Noc lays them out
  // (the processors' nodes, the DRAM port at the first controller, then every controller). Null
  // for the ideal NoC.
  std::shared_ptr<const NocParams> causal_noc;
  std::vector<uint32_t> controller_nodes;
  // dram-model ddr4 / hbm2: the device the replay drives (core/dram_engine.h), in its own clock,
  // and the processor clock to convert; null for the simple model (latency + channel rate).
  std::shared_ptr<const DramSpec> dram_device;
  double clock_ghz = 1.0;

  static CommModel of(const PlatformParams& p);
  Cycles inject(uint64_t bytes) const;  // serial_cycles at the link rate: the sender is busy
  // head latency: round(mean_hops * hop_latency) + terminal_latency
  Cycles flight() const;
  // Head latency from processor a to processor b: hops(a, b) * hop_latency + terminal_latency.
  Cycles flight(ProcessorId a, ProcessorId b) const;
  uint32_t hops(ProcessorId a, ProcessorId b) const;
  uint32_t controller_hops(ProcessorId p) const;  // processor -> its memory controller
  Cycles dram(uint64_t bytes) const;    // dram_access_cycles: latency + bytes / channel rate
  // A read of `bytes` by processor p on the ideal NoC and the simple DRAM, uncontended, as
  // models/src/noc.cpp times it: the request header to the controller (hops x router latency),
  // the DRAM latency, the data on the channels (each its interleaved share) and back over the
  // NoC (serialised at the link rate, hops x router latency, then the terminal latency; the
  // request header goes side band without it): 2 h R + latency + max(link serialisation, largest
  // channel share / channel rate) + terminal latency. 0 for no bytes.
  Cycles dram_read(uint64_t bytes, ProcessorId p) const;
  // The largest share of `bytes` (contiguous, interleaved from a unit boundary) on one channel.
  uint64_t channel_share(uint64_t bytes) const;
  void validate(const char* where) const;
};

}  // namespace spikepipe

#include "spikepipe/core/comm_model.h"

#include <algorithm>
#include <cmath>

#include "spikepipe/core/dram_spec.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"
#include "spikepipe/core/noc_graph.h"

namespace spikepipe {

CommModel CommModel::of(const PlatformParams& p) {
  CommModel c;
  c.link_bytes_per_cycle = p.noc.link_bytes_per_cycle;
  c.hop_latency = p.noc.router_latency;
  c.terminal_latency = p.noc.terminal_latency;
  c.mean_hops = spikepipe::mean_hops(p);
  c.dram_latency = p.memory.latency;
  c.dram_bytes_per_cycle = p.memory.channel_bytes_per_cycle;
  c.dram_channels = p.memory.channels;
  c.dram_interleave = p.memory.interleave_bytes;
  c.sram_bytes = p.processor.sram_bytes;
  c.replayable = !p.processor.overlap_units;
  c.clock_ghz = p.clock_ghz;
  auto g = std::make_shared<NocGraph>(p.noc);
  const std::vector<uint32_t> ctrls = p.memory.controllers();
  const uint32_t P = p.processors;
  c.node.resize(P);
  c.controller.resize(P);
  for (uint32_t i = 0; i < P; ++i) {
    c.node[i] = p.noc.node_of(i);
    // The nearest controller, ties to the first listed (models/src/noc.cpp controller_for).
    uint32_t best = ctrls.empty() ? 0 : ctrls[0];
    uint32_t best_h = g->hops(c.node[i], best);
    for (uint32_t n : ctrls) {
      const uint32_t h = g->hops(c.node[i], n);
      if (h < best_h) {
        best = n;
        best_h = h;
      }
    }
    c.controller[i] = best;
  }
  c.hop_table.assign(size_t(P) * P, 0);
  for (uint32_t a = 0; a < P; ++a)
    for (uint32_t b = 0; b < P; ++b)
      c.hop_table[size_t(a) * P + b] = static_cast<uint16_t>(g->hops(c.node[a], c.node[b]));
  c.noc = std::move(g);
  c.controller_nodes = ctrls.empty() ? std::vector<uint32_t>{0} : ctrls;
  if (p.noc.model == NocModel::Causal) c.causal_noc = std::make_shared<const NocParams>(p.noc);
  if (p.memory.model != DramModel::Simple) {
    // The device's closed forms: a read to a closed bank (tRCD + CL), then bursts at full speed.
    const DramSpec s = dram_spec(p.memory);
    c.dram_device = std::make_shared<const DramSpec>(s);
    c.dram_latency = s.cycles(s.tRCD + s.CL, p.clock_ghz);
    c.dram_bytes_per_cycle = s.peak_bytes_per_cycle(p.clock_ghz);
  }
  return c;
}

Cycles CommModel::inject(uint64_t bytes) const {
  return serial_cycles(bytes, link_bytes_per_cycle);
}

Cycles CommModel::flight() const {
  return static_cast<Cycles>(std::llround(mean_hops * static_cast<double>(hop_latency))) +
         terminal_latency;
}

uint32_t CommModel::hops(ProcessorId a, ProcessorId b) const {
  if (a == b) return 0;
  const size_t P = node.size();
  if (a.value < P && b.value < P && hop_table.size() == P * P)
    return hop_table[size_t(a.value) * P + b.value];
  return static_cast<uint32_t>(std::llround(mean_hops));
}

Cycles CommModel::flight(ProcessorId a, ProcessorId b) const {
  if (a == b) return 0;
  const size_t P = node.size();
  if (a.value < P && b.value < P && hop_table.size() == P * P)
    return Cycles(hop_table[size_t(a.value) * P + b.value]) * hop_latency + terminal_latency;
  return flight();
}

uint32_t CommModel::controller_hops(ProcessorId p) const {
  if (!noc || p.value >= node.size()) return 0;
  return noc->hops(node[p.value], controller[p.value]);
}

uint64_t CommModel::channel_share(uint64_t bytes) const {
  const uint64_t ch = std::max<uint32_t>(1, dram_channels);
  const uint64_t unit = std::max<uint64_t>(1, dram_interleave);
  const uint64_t units = bytes / unit, rest = bytes % unit;
  // Channel 0 gets ceil(units / ch) units, and the partial unit when units % ch == 0.
  uint64_t share = (units / ch) * unit;
  if (units % ch) share += unit;
  else share += rest;
  return std::min(share, bytes);
}

Cycles CommModel::dram_read(uint64_t bytes, ProcessorId p) const {
  if (bytes == 0) return 0;
  const Cycles h = Cycles(controller_hops(p)) * hop_latency;
  const Cycles data = serial_cycles(channel_share(bytes), dram_bytes_per_cycle);
  const Cycles link = serial_cycles(bytes, link_bytes_per_cycle);
  return 2 * h + dram_latency + std::max(data, link) + terminal_latency;
}

Cycles CommModel::dram(uint64_t bytes) const {
  return dram_access_cycles(bytes, dram_latency, dram_bytes_per_cycle);
}

void CommModel::validate(const char* where) const {
  if (!(link_bytes_per_cycle > 0)) fail(where, "link bytes per cycle must be positive", "> 0");
  if (!(mean_hops >= 0)) fail(where, "mean hops must not be negative", ">= 0");
  if (!(dram_bytes_per_cycle > 0)) fail(where, "DRAM bytes per cycle must be positive", "> 0");
}

}  // namespace spikepipe

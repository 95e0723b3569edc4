#include "spikepipe/core/comm_model.h"

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
  c.mean_hops = spikepipe::mean_hops(p);
  c.dram_latency = p.memory.latency;
  c.dram_bytes_per_cycle = p.memory.channel_bytes_per_cycle;
  if (p.memory.model != DramModel::Simple) {
    // The device's closed forms: a read to a closed bank (tRCD + CL), then bursts at full speed.
    const DramSpec s = dram_spec(p.memory);
    c.dram_latency = s.cycles(s.tRCD + s.CL, p.clock_ghz);
    c.dram_bytes_per_cycle = s.peak_bytes_per_cycle(p.clock_ghz);
  }
  return c;
}

Cycles CommModel::inject(uint64_t bytes) const {
  return serial_cycles(bytes, link_bytes_per_cycle);
}

Cycles CommModel::flight() const {
  return static_cast<Cycles>(std::llround(mean_hops * static_cast<double>(hop_latency)));
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

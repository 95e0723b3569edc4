#pragma once
// SCALE-Sim topology CSV import (conv format and GEMM format), so users' topology files work.
#include <string>

#include "spikepipe/workloads/network.h"

namespace spikepipe {

enum class TopologyFormat { Conv, Gemm };
TopologyFormat parse_topology_format(const std::string& s, const std::string& where);

// SNN parameters that SCALE-Sim's files do not carry (from CLI flags).
struct TopologySnnParams {
  uint32_t timesteps = 20;
  uint32_t batch = 32;
  NeuronParams neuron;
  uint32_t act_bits = 16, weight_bits = 16;
};

// SCALE-Sim semantics: no padding; each row gives its own IFMAP; a smaller next IFMAP implies
// pooling in between; a 1x1 IFMAP with a 1x1 filter is fully connected.
Network import_topology(const std::string& path, TopologyFormat format, const TopologySnnParams& snn);
// The same from the file's text; `path` names the network (its stem) and is quoted in errors.
Network parse_topology_csv(const std::string& text, const std::string& path, TopologyFormat format,
                           const TopologySnnParams& snn);

}  // namespace spikepipe

#include "spikepipe/core/sram.h"

#include <algorithm>

namespace spikepipe {

SramModel::SramModel(uint64_t capacity, uint64_t weights)
    : capacity_(capacity),
      weights_(weights),
      weight_excess_(weights > capacity ? weights - capacity : 0),
      used_(std::min(weights, capacity)) {}

SramModel::Hold SramModel::hold(uint64_t bytes, uint64_t to_dram) {
  Hold h;
  const uint64_t free = capacity_ - used_;
  h.resident = std::min(bytes - std::min(bytes, to_dram), free);
  h.spilled = bytes - h.resident;
  used_ += h.resident;
  spilled_ += h.spilled;
  return h;
}

void SramModel::release(const Hold& h) {
  used_ -= h.resident;
  spilled_ -= h.spilled;
}

}  // namespace spikepipe

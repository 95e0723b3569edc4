#pragma once
// Occupancy of a processor's local SRAM, plain C++. Weights are resident from the start (every
// layer's weight_bytes x weight versions); tensors (stashed activations, received inputs) are
// held from their production or the start of their transfer until their consumer completes.
// A tensor that does not fit is spilled: the part beyond the free space goes to DRAM and is
// fetched back before its consumer runs. Weights beyond the capacity are streamed from DRAM by
// the ops that use them (weight_excess()). Peaks are not kept here: the processor reports every
// change as an SramEvent, and the metrics take the peaks from those.
#include <cstdint>

namespace spikepipe {

class SramModel {
 public:
  struct Hold {
    uint64_t resident = 0;
    uint64_t spilled = 0;
  };

  SramModel(uint64_t capacity, uint64_t weights);

  // Keeps what fits of bytes - to_dram, spills the rest; `to_dram` (a planned spill, Dep::
  // spill_bytes) goes to DRAM whatever the free space.
  Hold hold(uint64_t bytes, uint64_t to_dram = 0);
  void release(const Hold& h);  // the consumer completed

  uint64_t capacity() const { return capacity_; }
  uint64_t occupancy() const { return used_; }
  uint64_t spilled() const { return spilled_ + weight_excess_; }  // bytes held in DRAM now
  uint64_t weights() const { return weights_; }
  uint64_t weight_excess() const { return weight_excess_; }  // weights that do not fit

 private:
  uint64_t capacity_;
  uint64_t weights_;
  uint64_t weight_excess_;
  uint64_t used_;
  uint64_t spilled_ = 0;
};

}  // namespace spikepipe

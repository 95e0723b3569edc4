#pragma once
// How a DRAM request's bytes spread over the channels: units of `interleave` bytes, round-robin
// over `channels` by address (dram-interleave, dram-channels). The DRAM model
// (models/src/dram.cpp) and the planner's machine replay (workloads/src/analysis_replay.cpp)
// both map requests with these.
#include <cstdint>
#include <vector>

namespace spikepipe {

// per[c] = the bytes of [address, address + bytes) that fall on channel c (resized to channels).
void interleave_split(uint64_t address, uint64_t bytes, uint64_t interleave, uint32_t channels,
                      std::vector<uint64_t>& per);
// The channel-local address where the range from `address` starts on `channel`.
uint64_t channel_address(uint64_t address, uint32_t channel, uint64_t interleave,
                         uint32_t channels);

}  // namespace spikepipe

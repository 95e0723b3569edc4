#include "spikepipe/core/dram_interleave.h"

#include <algorithm>

namespace spikepipe {

void interleave_split(uint64_t address, uint64_t bytes, uint64_t interleave, uint32_t channels,
                      std::vector<uint64_t>& per) {
  const uint64_t il = std::max<uint64_t>(1, interleave), ch = std::max<uint32_t>(1, channels);
  per.assign(ch, 0);
  if (bytes == 0) return;
  // Head up to the first unit boundary, then whole rounds over all channels, then the tail.
  uint64_t a = address, left = bytes;
  const uint64_t head = std::min(left, il - a % il);
  per[(a / il) % ch] += head;
  a += head;
  left -= head;
  const uint64_t rounds = left / il / ch;
  if (rounds) {
    for (auto& v : per) v += rounds * il;
    a += rounds * ch * il;
    left -= rounds * ch * il;
  }
  while (left > 0) {
    const uint64_t take = std::min(left, il);
    per[(a / il) % ch] += take;
    a += take;
    left -= take;
  }
}

uint64_t channel_address(uint64_t address, uint32_t channel, uint64_t interleave,
                         uint32_t channels) {
  const uint64_t il = std::max<uint64_t>(1, interleave), ch = std::max<uint32_t>(1, channels);
  const uint64_t u0 = address / il;
  const uint64_t u = u0 + (channel + ch - u0 % ch) % ch;  // the range's first unit on `channel`
  const uint64_t start = u == u0 ? address : u * il;
  return (u / ch) * il + start % il;
}

}  // namespace spikepipe

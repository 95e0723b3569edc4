#pragma once
// Typed indices so that a processor index can never be passed where a task index is expected.
#include <cstdint>
#include <functional>

namespace spikepipe {

template <class Tag>
struct Id {
  uint32_t value = 0;
  constexpr Id() = default;
  constexpr explicit Id(uint32_t v) : value(v) {}
  constexpr bool operator==(Id o) const { return value == o.value; }
  constexpr bool operator!=(Id o) const { return value != o.value; }
  constexpr bool operator<(Id o) const { return value < o.value; }
};

using TaskId = Id<struct TaskTag>;        // index into TaskGraph::tasks
using OpId = Id<struct OpTag>;            // index into Schedule::ops
using DepId = Id<struct DepTag>;          // index into Schedule::deps
using ProcessorId = Id<struct ProcessorTag>;
using LinkId = Id<struct LinkTag>;

using Cycles = uint64_t;  // time is integer cycles everywhere; sc_time only at the SystemC boundary

}  // namespace spikepipe

template <class Tag>
struct std::hash<spikepipe::Id<Tag>> {
  size_t operator()(spikepipe::Id<Tag> id) const noexcept { return std::hash<uint32_t>()(id.value); }
};

// Op labels, as traces, reports and errors name an op; the run-length measures of a schedule.
#include "spikepipe/core/schedule.h"

#include <algorithm>

namespace spikepipe {

std::string Op::label() const {
  std::string s = std::string(to_string(kind)) + std::to_string(layer + 1);
  if (parts > 1) s += "[" + std::to_string(part + 1) + "/" + std::to_string(parts) + "]";
  if (micros > 1) s += ".m" + std::to_string(micro);
  if (recompute) s += ".re";
  return s;
}

uint32_t pipeline_depth(const Schedule& s) {
  if (s.ops.empty()) return 0;
  int32_t lo = s.ops.front().offset, hi = lo;
  for (const auto& op : s.ops) {
    lo = std::min(lo, op.offset);
    hi = std::max(hi, op.offset);
  }
  return static_cast<uint32_t>(hi - lo);
}

uint32_t drain_iterations(const Schedule& s) {
  uint32_t drain = pipeline_depth(s);
  for (const auto& d : s.deps) drain = std::max(drain, d.distance);
  return drain;
}

}  // namespace spikepipe

namespace spikepipe {

const char* to_string(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::AllGather:
      return "all-gather";
    case CollectiveKind::ReduceScatter:
      return "reduce-scatter";
    case CollectiveKind::AllToAll:
      return "all-to-all";
  }
  return "?";
}

}  // namespace spikepipe

// Op labels, as traces, reports and errors name an op.
#include "spikepipe/core/schedule.h"

namespace spikepipe {

std::string Op::label() const {
  std::string s = std::string(to_string(kind)) + std::to_string(layer + 1);
  if (parts > 1) s += "[" + std::to_string(part + 1) + "/" + std::to_string(parts) + "]";
  if (micros > 1) s += ".m" + std::to_string(micro);
  if (recompute) s += ".re";
  return s;
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

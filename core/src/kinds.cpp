// Names of the task and tensor kinds, as the reports, traces and schedule files spell them.
#include "spikepipe/core/kinds.h"

namespace spikepipe {

const char* to_string(TaskKind k) {
  switch (k) {
    case TaskKind::F:
      return "F";
    case TaskKind::D:
      return "D";
    case TaskKind::E:
      return "E";
    case TaskKind::G:
      return "G";
    case TaskKind::U:
      return "U";
  }
  return "?";
}

const char* to_string(TensorKind k) {
  switch (k) {
    case TensorKind::Spikes:
      return "spikes";
    case TensorKind::Errors:
      return "errors";
    case TensorKind::Weights:
      return "weights";
    case TensorKind::Gradients:
      return "gradients";
    case TensorKind::Stash:
      return "stash";
    case TensorKind::Input:
      return "input";
  }
  return "?";
}

}  // namespace spikepipe

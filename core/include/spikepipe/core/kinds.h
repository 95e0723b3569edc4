#pragma once
// What runs (task kinds, METHOD.md §2) and what moves (tensor kinds): shared by the task graph,
// the schedule format, the models' probes and the reports.
#include <cstdint>

namespace spikepipe {

enum class TaskKind : uint8_t { F, D, E, G, U };
inline constexpr int kTaskKinds = 5;
const char* to_string(TaskKind k);  // "F", "D", ...

// What an edge (and later a NoC message) carries.
enum class TensorKind : uint8_t { Spikes, Errors, Weights, Gradients, Stash, Input };
inline constexpr int kTensorKinds = 6;
const char* to_string(TensorKind k);  // "spikes", "errors", ...

}  // namespace spikepipe

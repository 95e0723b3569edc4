#pragma once
// What a processor is doing at each moment, from its task, wait and message events: the rows of
// the VCD and the states GTKWave names.
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

// Values of a processor's `state` signal.
enum class ProcState : uint8_t {
  Idle = 0,
  Waiting = 1,
  F = 2,
  D = 3,
  E = 4,
  G = 5,
  U = 6,
  Sending = 7
};
inline constexpr int kProcStates = 8;
const char* to_string(ProcState s);  // "idle", "waiting", "F", ..., "sending"
ProcState state_of(TaskKind k);
// Values of a processor's `task` signal: layer * 8 + state (0 when idle), so that one row shows
// "F3", "wait2", "send1"; task_name() gives those names (GTKWave reads them from a filter file).
uint64_t task_value(ProcState s, uint32_t layer);
std::string task_name(uint64_t value);

// One piece of a processor's timeline: [start, end) in state `state`.
struct StateChange {
  Cycles time = 0;
  ProcState state = ProcState::Idle;
  uint32_t layer = 0;  // 1-based; 0 when idle
  uint32_t iteration = 0;
};
// The state changes of processor p (tasks over sending over waiting; the latest start wins when
// two overlap), restricted to `span` and starting with its value at span.begin.
std::vector<StateChange> processor_timeline(const TraceInput& in, ProcessorId p,
                                            const TimeSpan& span);

}  // namespace spikepipe

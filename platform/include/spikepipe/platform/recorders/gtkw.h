#pragma once
// GTKWave save file for trace.vcd: one group per processor, per link and for the DRAM channels,
// processor states shown by name through a translate filter file.
#include <string>

#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

inline constexpr const char* kStateFilterFile = "gtkwave_states.txt";
inline constexpr const char* kTaskFilterFile = "gtkwave_tasks.txt";

// GTKWave "translate filter files": decimal value -> name, for `state` ("2 F") and for `task`
// ("26 F3") of a network of `layers` layers.
std::string gtkw_state_filter();
std::string gtkw_task_filter(uint32_t layers);
// Layers named by the schedule's ops (largest layer index + 1).
uint32_t schedule_layers(const Schedule& s);

// The save file names trace.vcd and the filter files relative to itself (they sit beside it),
// never by absolute path: the directory can move, and its bytes do not depend on where it is.
std::string gtkw_text(const TraceInput& in);

}  // namespace spikepipe

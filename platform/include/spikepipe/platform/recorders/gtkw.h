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

// A link's row name: its name and the processors on its two nodes, "r0c0->r0c1 (P0->P1)",
// "r1c3->r1c2 (P7+dram->P6)", "r2c1->r2c2 (from P9)" when the far node holds no processor,
// "xbar->n2 (to P2)"; just the name when neither node holds one. (VCD names stay
// vcd_link_scope(): the label is a GTKWave alias.)
std::string gtkw_link_label(const TraceInput& in, LinkId id);

// The save file names trace.vcd and the filter files relative to itself (they sit beside it),
// never by absolute path: the directory can move, and its bytes do not depend on where it is.
std::string gtkw_text(const TraceInput& in);

}  // namespace spikepipe

#pragma once
// GTKWave save file for trace.vcd: one group per processor, per link and for the DRAM channels,
// processor states shown by name through a translate filter file.
#include <cstdint>
#include <string>
#include <vector>

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

// What GTKWave shows when it opens: the time from `begin` to `end` (cycles; end <= begin: the
// whole traced span), the primary marker (whose values the signal list shows; -1: none), named
// markers (A, B, ... at most 26) and a grid line every `ruler_step` cycles from `ruler_origin`
// (0: GTKWave's own).
struct GtkwMarker {
  Cycles time = 0;
  std::string name;
};
struct GtkwView {
  Cycles begin = 0, end = 0;
  int64_t primary = -1;
  std::vector<GtkwMarker> markers;
  Cycles ruler_origin = 0, ruler_step = 0;
};

// The view a run opens on: one iteration from its first op's start to its last op's end (the
// latency) and two periods more, so that the next two completions show too, rather than the
// whole run squeezed into a window. The iteration is the first measured one inside `span` (else
// the first inside it); markers at its start, its end and the next two completions, named with
// the latency and the intervals; ruler ticks one period apart from its end. With no iteration
// inside the span, or no timing (vectors empty), the whole span. The primary marker is at the
// iteration's start, so that the signal list shows what every processor does then.
GtkwView gtkw_default_view(const TimeSpan& span, const std::vector<Cycles>& iteration_start,
                           const std::vector<Cycles>& iteration_end, uint32_t first_measured,
                           double period_cycles);

// The save file names trace.vcd and the filter files relative to itself (they sit beside it),
// never by absolute path: the directory can move, and its bytes do not depend on where it is.
std::string gtkw_text(const TraceInput& in, const GtkwView& view = {});

}  // namespace spikepipe

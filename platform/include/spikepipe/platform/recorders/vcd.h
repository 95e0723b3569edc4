#pragma once
// A VCD waveform of a run for GTKWave, written by hand from the sorted event log (events arrive
// out of order, so sc_trace cannot write them): per processor its state, layer and iteration and
// its SRAM occupancy; per link a busy flag and cumulative bytes; per DRAM channel a busy flag; a
// global count of completed iterations. Times are cycles; `$timescale` is one clock period when
// that is a whole number of ns, else 1 ps.
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/platform/recorders/timeline.h"
#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

// Hierarchical VCD signal names as GTKWave shows them ("top.P0.state[3:0]"), in declaration order.
std::vector<std::string> vcd_signal_names(const TraceInput& in);

// `progress` (optional) is called with the fraction written so far.
std::string vcd_text(const TraceInput& in, const TraceProgress& progress = {});

// Sanitised scope name of a link ("L3_n0_n1" style): letters, digits and '_' only.
std::string vcd_link_scope(const TraceInput& in, LinkId id);

}  // namespace spikepipe

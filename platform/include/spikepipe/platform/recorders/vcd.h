#pragma once
// A VCD waveform of a run for GTKWave, written by hand from the sorted event log (events arrive
// out of order, so sc_trace cannot write them): per processor its state, layer and iteration and
// its SRAM occupancy; per link a busy flag and cumulative bytes; per DRAM channel a busy flag; a
// global count of completed iterations. One VCD time unit is one clock cycle at every clock, so
// that GTKWave's time axis and markers read in the cycles of tasks.csv and summary.json:
// `$timescale` says 1ns (real time at the default 1 GHz) and a `$comment` in the header gives the
// real length of a cycle.
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
// The same text in pieces of about `piece_bytes`, handed to `sink` in order.
void vcd_text(const TraceInput& in, size_t piece_bytes, const TextSink& sink,
              const TraceProgress& progress = {});

// The VCD's `$timescale`: nominal, one time unit is one cycle (see vcd_time_note).
inline constexpr const char* kVcdTimescale = "1ns";
// The header comment that says so: "time unit = 1 clock cycle (0.5 ns at 2 GHz): ...".
std::string vcd_time_note(double clock_ghz);

// Sanitised scope name of a link ("L3_n0_n1" style): letters, digits and '_' only.
std::string vcd_link_scope(const TraceInput& in, LinkId id);

}  // namespace spikepipe

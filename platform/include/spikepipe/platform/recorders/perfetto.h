#pragma once
// Chrome trace-event JSON for ui.perfetto.dev and chrome://tracing: one track per processor, per
// processor inbox, per link and per DRAM channel; a slice per task, send, transfer and access;
// SRAM occupancy counters; an async slice per iteration (its pipeline latency); and a flow arrow
// ("s" -> "f", id = message id) from each send to its arrival at the destination's inbox.
// Timestamps are microseconds of simulated time (cycles / clock).
#include <string>

#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

// `progress` (optional) is called with the fraction written so far.
std::string perfetto_json(const TraceInput& in, const TraceProgress& progress = {});
// The same text in pieces of about `piece_bytes`, handed to `sink` in order.
void perfetto_json(const TraceInput& in, size_t piece_bytes, const TextSink& sink,
                   const TraceProgress& progress = {});

}  // namespace spikepipe

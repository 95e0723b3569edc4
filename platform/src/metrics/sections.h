#pragma once
// The sections of compute_metrics, in the order it calls them. Each fills its part of Metrics
// from the probe events (the statistics the models declare in models/stats.h) and, after the
// first, counts them inside the measured window the first one finds.
#include "spikepipe/platform/metrics.h"
#include "window.h"

namespace spikepipe::metrics {

// Iteration times, steady state, period, latency, throughput; throws Error when an iteration of
// the plan never ran.
Window iterations(const MetricsInput& in, Metrics& m);
// The schedule's predictions beside the simulated figures.
void predictions(const MetricsInput& in, Metrics& m);
// Busy, sending and waiting cycles, SRAM peaks, weight footprint, utilisation per processor.
void processors(const MetricsInput& in, const Window& w, Metrics& m);
// Per link: bytes per iteration, busy cycles, utilisation, transfers.
void links(const MetricsInput& in, const Window& w, Metrics& m);
// Per channel and per tensor kind: DRAM bytes per iteration, busy cycles, accesses, spills.
void dram(const MetricsInput& in, const Window& w, Metrics& m);
// Messages between processors (bytes by kind, latency) and the overhead relative to standard
// pipelining (the paper's baseline; summary key pipedream_bytes);
// needs the DRAM bytes.
void communication(const MetricsInput& in, const Window& w, Metrics& m);
// Energy per iteration by component, processor, link, channel and task (docs/ENERGY.md); needs
// the period, the links and the channels.
void energy(const MetricsInput& in, const Window& w, Metrics& m);

}  // namespace spikepipe::metrics

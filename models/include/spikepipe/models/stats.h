#pragma once
// The statistics each model reports, declared once with their units (STYLE.md habit 8). No model
// counts them: it reports events to its Probe (probe.h), and platform/ computes each
// statistic below from those events, over the steady state where the statistic says so
// (platform/src/metrics/), and lists these declarations in summary.json. `name` is the key the
// statistic has in summary.json (in the module's entry, or at the top for a whole-run figure).

namespace spikepipe {

struct StatDecl {
  const char* name;
  const char* unit;  // B, B/iteration, B/cycle, cycles, count, 1 (a fraction), J, J/sample, W, ...
  const char* what;
};

// SystolicProcessor (processor.h), per processor: its TaskEvents, WaitEvents, the MessageEvents
// it sends and its SramEvents.
inline constexpr StatDecl kProcessorStats[] = {
    {"busy_cycles", "cycles", "task cycles inside the steady-state span"},
    {"busy_by_kind", "cycles", "busy_cycles per task kind (F, D, E, G, U)"},
    {"utilisation", "1", "busy_cycles / steady-state span"},
    {"sending_cycles", "cycles", "cycles injecting messages, inside the span"},
    {"waiting_cycles", "cycles", "cycles waiting for inputs or DRAM reads, inside the span"},
    {"ops_run", "count", "task instances run, whole run"},
    {"peak_sram_bytes", "B", "largest SRAM occupancy, whole run"},
    {"peak_spilled_bytes", "B", "largest amount held in DRAM because SRAM was full, whole run"},
};

// Noc (noc.h), per link: its LinkEvents (one per message or DRAM transfer crossing the link).
inline constexpr StatDecl kLinkStats[] = {
    {"bytes_per_iteration", "B/iteration", "bytes carried inside the span, per iteration"},
    {"busy_cycles", "cycles", "cycles reserved inside the span"},
    {"utilisation", "1", "busy_cycles / steady-state span"},
    {"transfers", "count", "messages and DRAM transfers that crossed the link, whole run"},
};

// Noc, whole run: its MessageEvents (messages between processors).
inline constexpr StatDecl kMessageStats[] = {
    {"bytes_by_kind", "B/iteration", "bytes sent per tensor kind by the measured iterations"},
    {"received_bytes_by_kind", "B/iteration", "the part of bytes_by_kind that arrived"},
    {"inter_processor_bytes", "B/iteration", "bytes_by_kind over all kinds"},
    {"message_latency_cycles", "cycles", "received - sent of every message (count, mean, ...)"},
    {"messages", "count", "messages sent, whole run"},
};

// Dram (dram.h), per channel: its MemoryEvents (one per channel an access touches). The row and
// refresh counts come from dram-model ddr4 / hbm2 (dram_engine.h) and are 0 with simple.
inline constexpr StatDecl kChannelStats[] = {
    {"bytes_per_iteration", "B/iteration", "bytes moved inside the span, per iteration"},
    {"busy_cycles", "cycles", "cycles from an access's first data to its last, inside the span"},
    {"utilisation", "1", "busy_cycles / steady-state span"},
    {"achieved_bytes_per_cycle", "B/cycle",
     "bytes moved inside the span / span (compare dram_peak_bytes_per_cycle)"},
    {"accesses", "count", "channel accesses, whole run"},
    {"row_hits", "count", "bursts to the open row, whole run"},
    {"row_misses", "count", "bursts to a closed bank (activate), whole run"},
    {"row_conflicts", "count", "bursts to a bank with another row open (precharge, activate)"},
    {"row_hit_rate", "1", "row_hits / all bursts, whole run"},
    {"refreshes", "count", "all-bank refreshes issued, whole run (up to the last access)"},
};

// Dram, whole run: its MemoryEvents by tensor kind.
inline constexpr StatDecl kDramStats[] = {
    {"dram_bytes_by_kind", "B/iteration", "bytes per tensor kind, inside the span"},
    {"dram_bytes", "B/iteration", "dram_bytes_by_kind over all kinds"},
    {"dram_spill_bytes", "B/iteration", "the part of dram_bytes that is SRAM overflow"},
    {"dram_peak_bytes_per_cycle", "B/cycle",
     "one channel's data bus at full speed (dram-channel-bytes, or the ddr4 / hbm2 device)"},
};

// Energy (platform/src/metrics/energy.cpp, docs/ENERGY.md), whole platform: every model's events
// (tasks, messages, link transfers, DRAM accesses) times the action table, static power times the
// period. Components: compute (array MACs and accumulates, vector-unit ops), sram, dram, noc,
// static.
inline constexpr StatDecl kEnergyStats[] = {
    {"energy_per_sample_j", "J/sample", "energy of one training sample: energy_per_iteration_j / batch"},
    {"energy_breakdown_j", "J/sample", "energy_per_sample_j by component (compute, sram, dram, noc, static)"},
    {"energy_per_iteration_j", "J/iteration", "energy of one iteration (mini-batch) in steady state"},
    {"average_power_w", "W", "energy_per_iteration_j / period"},
    {"energy_delay_product_j_s", "J*s", "energy_per_sample_j x period / batch (time per sample)"},
    {"synops_per_sample", "count/sample", "spike-driven accumulates performed (F and G, after zero skipping)"},
    {"macs_per_sample", "count/sample", "multiply-accumulates performed (E)"},
    {"energy", "J/iteration", "per_iteration_j by component; compute_array_j + compute_vector_j = compute; sram_operand_j (the tasks' operands) + sram_transfer_j (messages, DRAM accesses) = sram; static_power_w [W]; vector_ops_per_sample [count/sample]; table (its source)"},
    {"energy_by_processor_j", "J/iteration", "per processor: its tasks, its SRAM transfers, its static energy"},
    {"energy_by_link_j", "J/iteration", "per link: bytes x hop energy, and its static energy"},
    {"energy_by_channel_j", "J/iteration", "per DRAM channel: bytes x DRAM energy, and its static energy"},
    {"energy_by_layer_j", "J/iteration", "per layer: the sum of its tasks in energy_by_task"},
    {"energy_by_task", "J/iteration", "per task: energy_j = array_j + vector_j + sram_j (operands); macs, synops, vector_ops [count/iteration]"},
};

}  // namespace spikepipe

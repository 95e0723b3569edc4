#pragma once
// The statistics each model reports, declared once with their units (STYLE.md habit 8). No model
// counts them: it reports events to its Probe (probe.h), and platform/ computes each
// statistic below from those events, over the steady state where the statistic says so
// (platform/src/metrics/), and lists these declarations in summary.json. `name` is the key the
// statistic has in summary.json (in the module's entry, or at the top for a whole-run figure).

namespace spikepipe {

struct StatDecl {
  const char* name;
  const char* unit;  // B, B/iteration, B/cycle, cycles, count, or 1 (a fraction)
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

}  // namespace spikepipe

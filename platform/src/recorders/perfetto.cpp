#include "spikepipe/platform/recorders/perfetto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace spikepipe {

namespace {

using json = nlohmann::ordered_json;

// Process ids of the track groups.
constexpr int kProcPid = 1, kLinkPid = 2, kMemPid = 3, kIterPid = 4;

struct Clock {
  double us_per_cycle;
  // Rounded to 1e-6 us so that the text is short and identical from run to run.
  double operator()(Cycles c) const {
    return std::round(static_cast<double>(c) * us_per_cycle * 1e6) / 1e6;
  }
};

json meta(const char* what, int pid, int tid, const std::string& name) {
  json e = {{"ph", "M"}, {"name", what}, {"pid", pid}};
  if (tid >= 0) e["tid"] = tid;
  e["args"] = {{"name", name}};
  return e;
}

json sort_index(int pid, int tid, int index) {
  return {{"ph", "M"},
          {"name", "thread_sort_index"},
          {"pid", pid},
          {"tid", tid},
          {"args", {{"sort_index", index}}}};
}

}  // namespace

std::string perfetto_json(const TraceInput& in) {
  const TimeSpan span = in.span();
  const Clock ts{1.0 / (in.platform.clock_ghz * 1000.0)};
  const uint32_t P = in.platform.processors;
  json ev = json::array();

  ev.push_back(meta("process_name", kProcPid, -1, "processors"));
  ev.push_back(meta("process_name", kLinkPid, -1, "NoC links"));
  ev.push_back(meta("process_name", kMemPid, -1, "DRAM channels"));
  ev.push_back(meta("process_name", kIterPid, -1, "iterations"));
  for (uint32_t p = 0; p < P; ++p) {
    ev.push_back(meta("thread_name", kProcPid, static_cast<int>(2 * p), "P" + std::to_string(p)));
    ev.push_back(sort_index(kProcPid, static_cast<int>(2 * p), static_cast<int>(2 * p)));
    ev.push_back(meta("thread_name", kProcPid, static_cast<int>(2 * p + 1),
                      "P" + std::to_string(p) + " inbox"));
    ev.push_back(sort_index(kProcPid, static_cast<int>(2 * p + 1), static_cast<int>(2 * p + 1)));
  }
  for (uint32_t l = 0; l < in.link_count(); ++l) {
    ev.push_back(meta("thread_name", kLinkPid, static_cast<int>(l), in.link_name(LinkId(l))));
  }
  uint32_t nch = in.platform.memory.channels;
  for (const auto& e : in.log.memory) nch = std::max(nch, e.channel + 1);
  for (uint32_t c = 0; c < nch; ++c)
    ev.push_back(meta("thread_name", kMemPid, static_cast<int>(c), "ch" + std::to_string(c)));

  // Tasks.
  for (const auto& e : in.log.tasks) {
    if (!span.overlaps(e.start, e.end) && !(e.start == e.end && span.contains(e.start))) continue;
    const std::string label = e.op.value < in.schedule.ops.size()
                                  ? in.schedule.op(e.op).label()
                                  : std::string(to_string(e.kind)) + std::to_string(e.layer + 1);
    ev.push_back({{"ph", "X"},
                  {"cat", "task"},
                  {"name", label + " it" + std::to_string(e.iteration)},
                  {"pid", kProcPid},
                  {"tid", 2 * e.proc.value},
                  {"ts", ts(e.start)},
                  {"dur", ts(e.end) - ts(e.start)},
                  {"args",
                   {{"op", e.op.value},
                    {"kind", to_string(e.kind)},
                    {"layer", e.layer + 1},
                    {"iteration", e.iteration},
                    {"start_cycle", e.start},
                    {"end_cycle", e.end},
                    {"array_cycles", e.array_end - e.start},
                    {"vector_cycles", e.end - e.array_end}}}});
  }
  for (const auto& w : in.log.waits) {
    if (!span.overlaps(w.start, w.end)) continue;
    const std::string label = w.op.value < in.schedule.ops.size()
                                  ? in.schedule.op(w.op).label()
                                  : "op" + std::to_string(w.op.value);
    ev.push_back({{"ph", "X"},
                  {"cat", "wait"},
                  {"name", "wait " + label + " it" + std::to_string(w.iteration)},
                  {"pid", kProcPid},
                  {"tid", 2 * w.proc.value},
                  {"ts", ts(w.start)},
                  {"dur", ts(w.end) - ts(w.start)},
                  {"args", {{"op", w.op.value}, {"iteration", w.iteration}}}});
  }
  // Messages: a send slice on the source (its injection), an arrival slice on the destination's
  // inbox, and a flow arrow between them. Both ends are written together or not at all.
  const double bpc = in.platform.noc.link_bytes_per_cycle;
  for (const auto& m : in.log.messages) {
    if (!span.contains(m.sent) && !span.contains(m.received)) continue;
    const Cycles inj = std::max<Cycles>(
        1, m.injected > m.sent
               ? m.injected - m.sent
               : static_cast<Cycles>(std::ceil(static_cast<double>(m.bytes) / bpc)));
    const std::string what = std::string(to_string(m.kind)) + " L" + std::to_string(m.layer + 1) +
                             " it" + std::to_string(m.iteration);
    const json args = {{"message", m.id},
                       {"src", m.src.value},
                       {"dst", m.dst.value},
                       {"kind", to_string(m.kind)},
                       {"layer", m.layer + 1},
                       {"iteration", m.iteration},
                       {"bytes", m.bytes},
                       {"hops", m.hops},
                       {"packets", m.packets},
                       {"sent_cycle", m.sent},
                       {"received_cycle", m.received},
                       {"latency_cycles", m.received >= m.sent ? m.received - m.sent : 0}};
    ev.push_back({{"ph", "X"},
                  {"cat", "send"},
                  {"name", "send " + what + " -> P" + std::to_string(m.dst.value)},
                  {"pid", kProcPid},
                  {"tid", 2 * m.src.value},
                  {"ts", ts(m.sent)},
                  {"dur", ts(m.sent + inj) - ts(m.sent)},
                  {"args", args}});
    ev.push_back({{"ph", "s"},
                  {"cat", "message"},
                  {"name", what},
                  {"id", m.id},
                  {"pid", kProcPid},
                  {"tid", 2 * m.src.value},
                  {"ts", ts(m.sent)}});
    ev.push_back({{"ph", "X"},
                  {"cat", "arrive"},
                  {"name", "from P" + std::to_string(m.src.value) + ": " + what},
                  {"pid", kProcPid},
                  {"tid", 2 * m.dst.value + 1},
                  {"ts", ts(m.received)},
                  {"dur", ts(m.received + 1) - ts(m.received)},
                  {"args", args}});
    ev.push_back({{"ph", "f"},
                  {"bp", "e"},
                  {"cat", "message"},
                  {"name", what},
                  {"id", m.id},
                  {"pid", kProcPid},
                  {"tid", 2 * m.dst.value + 1},
                  {"ts", ts(m.received)}});
  }
  // Link transfers and DRAM accesses.
  for (const auto& e : in.log.links) {
    if (!span.overlaps(e.start, e.end)) continue;
    ev.push_back({{"ph", "X"},
                  {"cat", "link"},
                  {"name", "msg " + std::to_string(e.message)},
                  {"pid", kLinkPid},
                  {"tid", e.link.value},
                  {"ts", ts(e.start)},
                  {"dur", ts(e.end) - ts(e.start)},
                  {"args", {{"message", e.message}, {"bytes", e.bytes}}}});
  }
  for (const auto& e : in.log.memory) {
    if (!span.overlaps(e.start, e.end)) continue;
    ev.push_back({{"ph", "X"},
                  {"cat", "dram"},
                  {"name", std::string(e.write ? "write " : "read ") + to_string(e.kind) +
                               (e.spill ? " (spill)" : "")},
                  {"pid", kMemPid},
                  {"tid", e.channel},
                  {"ts", ts(e.start)},
                  {"dur", ts(e.end) - ts(e.start)},
                  {"args", {{"requester", e.requester.value}, {"bytes", e.bytes}}}});
  }
  // SRAM occupancy counters, one series per processor.
  for (const auto& e : in.log.sram) {
    if (!span.contains(e.time)) continue;
    ev.push_back({{"ph", "C"},
                  {"name", "SRAM P" + std::to_string(e.proc.value)},
                  {"pid", kProcPid},
                  {"ts", ts(e.time)},
                  {"args", {{"bytes", e.bytes}, {"spilled", e.spilled}}}});
  }
  // Iterations as async slices: overlapping iterations stack, showing the pipeline's depth.
  std::vector<Cycles> first, last;
  for (const auto& e : in.log.tasks) {
    if (e.iteration >= first.size()) {
      first.resize(e.iteration + 1, std::numeric_limits<Cycles>::max());
      last.resize(e.iteration + 1, 0);
    }
    first[e.iteration] = std::min(first[e.iteration], e.start);
    last[e.iteration] = std::max(last[e.iteration], e.end);
  }
  for (uint32_t k = 0; k < first.size(); ++k) {
    if (last[k] == 0 && first[k] == std::numeric_limits<Cycles>::max()) continue;
    if (!span.overlaps(first[k], last[k])) continue;
    const std::string name = "iteration " + std::to_string(k);
    ev.push_back({{"ph", "b"},
                  {"cat", "iteration"},
                  {"name", name},
                  {"id", k},
                  {"pid", kIterPid},
                  {"tid", 0},
                  {"ts", ts(first[k])},
                  {"args", {{"latency_cycles", last[k] - first[k]}}}});
    ev.push_back({{"ph", "e"},
                  {"cat", "iteration"},
                  {"name", name},
                  {"id", k},
                  {"pid", kIterPid},
                  {"tid", 0},
                  {"ts", ts(last[k])}});
  }

  // One event per line: compact, yet diffable and greppable.
  const json other = {{"generator", "SpikePipe-SC"},
                      {"scheduler", in.schedule.scheduler},
                      {"split", in.schedule.split},
                      {"platform", in.platform.name},
                      {"processors", P},
                      {"clock_ghz", in.platform.clock_ghz},
                      {"window_begin_cycle", span.begin},
                      {"window_end_cycle", span.end}};
  std::string out =
      "{\"displayTimeUnit\":\"ns\",\n\"otherData\":" + other.dump() + ",\n\"traceEvents\":[\n";
  for (size_t i = 0; i < ev.size(); ++i) {
    out += ev[i].dump();
    out += i + 1 < ev.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

}  // namespace spikepipe

#include "spikepipe/core/execution.h"
#include "spikepipe/platform/recorders/perfetto.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>
#include <type_traits>

namespace spikepipe {

namespace {

using json = nlohmann::ordered_json;

// Process ids of the track groups.
constexpr int kProcPid = 1, kLinkPid = 2, kMemPid = 3, kIterPid = 4, kPowerPid = 5;

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

// The trace-event array, written line by line as events are made rather than kept as one JSON
// document (a long run has millions of events: the document took several times the file's size).
// The text is handed to the file in pieces of about `piece` bytes: a run at 1024 processors traces
// hundreds of MB, which need not be in memory at once.
class EventSink {
 public:
  EventSink(std::string& out, uint64_t expected, const TraceProgress& progress, size_t piece,
            const TextSink& sink)
      : out_(out), expected_(std::max<uint64_t>(expected, 1)), progress_(progress), piece_(piece),
        sink_(sink) {}
  void push_back(const json& e) { next() += e.dump(); }
  // Starts the next event's line; the caller appends the event (see Obj).
  std::string& next() {
    if (out_.size() >= piece_) {
      sink_(out_);
      out_.clear();
    }
    if (count_++ > 0) out_ += ",\n";
    if (progress_ && (count_ & 0x3fff) == 0)
      progress_(std::min(1.0, static_cast<double>(count_) / static_cast<double>(expected_)));
    return out_;
  }

 private:
  std::string& out_;
  uint64_t expected_;
  const TraceProgress& progress_;
  size_t piece_;
  const TextSink& sink_;
  uint64_t count_ = 0;
};

// A number as nlohmann::json::dump() writes it (shortest round trip; fixed notation from 1e-4 on,
// scientific below; ".0" on whole numbers), so hand-written events read as before.
void append_real(std::string& s, double v) {
  char buf[64];
  const double a = std::fabs(v);
  const auto fmt = (a != 0.0 && a < 1e-4) || a >= 1e15 ? std::chars_format::scientific
                                                       : std::chars_format::fixed;
  const auto r = std::to_chars(buf, buf + sizeof buf, v, fmt);
  const std::string_view t(buf, static_cast<size_t>(r.ptr - buf));
  s += t;
  if (t.find_first_of(".e") == std::string_view::npos) s += ".0";
}

void append_quoted(std::string& s, std::string_view v) {
  s += '"';
  for (const char c : v) {
    switch (c) {
      case '"':
        s += "\\\"";
        break;
      case '\\':
        s += "\\\\";
        break;
      case '\b':
        s += "\\b";
        break;
      case '\f':
        s += "\\f";
        break;
      case '\n':
        s += "\\n";
        break;
      case '\r':
        s += "\\r";
        break;
      case '\t':
        s += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char u[8];
          std::snprintf(u, sizeof u, "\\u%04x", static_cast<unsigned>(c));
          s += u;
        } else {
          s += c;
        }
    }
  }
  s += '"';
}

// One JSON object appended field by field in the order given: what ordered_json's dump() gives
// for the same fields, without building a document (and a dozen allocations) per event.
class Obj {
 public:
  explicit Obj(std::string& s) : s_(s) { s_ += '{'; }
  ~Obj() { s_ += '}'; }
  Obj(const Obj&) = delete;
  Obj& operator=(const Obj&) = delete;
  Obj& str(const char* k, std::string_view v) {
    key(k);
    append_quoted(s_, v);
    return *this;
  }
  template <class T>
  Obj& num(const char* k, T v) {
    static_assert(std::is_integral_v<T>);
    key(k);
    s_ += std::to_string(v);
    return *this;
  }
  Obj& real(const char* k, double v) {
    key(k);
    append_real(s_, v);
    return *this;
  }
  // The fields every complete slice ("ph": "X") starts with, in Perfetto's order.
  Obj& slice(const char* cat, std::string_view name, uint64_t pid, uint64_t tid, double ts,
             double dur) {
    return str("ph", "X")
        .str("cat", cat)
        .str("name", name)
        .num("pid", pid)
        .num("tid", tid)
        .real("ts", ts)
        .real("dur", dur);
  }
  Obj& open(const char* k) {  // a nested object, closed by close()
    key(k);
    s_ += '{';
    first_ = true;
    return *this;
  }
  Obj& close() {
    s_ += '}';
    first_ = false;
    return *this;
  }

 private:
  void key(const char* k) {
    if (!first_) s_ += ',';
    first_ = false;
    s_ += '"';
    s_ += k;
    s_ += "\":";
  }
  std::string& s_;
  bool first_ = true;
};

}  // namespace

std::string perfetto_json(const TraceInput& in, const TraceProgress& progress) {
  std::string all;
  perfetto_json(in, SIZE_MAX, [&](const std::string& piece) { all += piece; }, progress);
  return all;
}

void perfetto_json(const TraceInput& in, size_t piece_bytes, const TextSink& sink,
                   const TraceProgress& progress) {
  const TimeSpan span = in.span();
  const Clock ts{1.0 / (in.platform.clock_ghz * 1000.0)};
  const uint32_t P = in.platform.processors;

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
  // Events of the window, for the progress fraction: the whole log scaled by the window's share.
  const Cycles run_end = std::max<Cycles>(in.log.end_time(), 1);
  const double share = std::min(
      1.0, static_cast<double>(std::min(span.end, run_end) - std::min(span.begin, run_end)) /
               static_cast<double>(run_end));
  const uint64_t all = in.log.tasks.size() + in.log.waits.size() + 4 * in.log.messages.size() +
                       in.log.links.size() + in.log.memory.size() + in.log.sram.size();
  EventSink ev(out, static_cast<uint64_t>(share * static_cast<double>(all)), progress, piece_bytes,
               sink);

  ev.push_back(meta("process_name", kProcPid, -1, "processors"));
  ev.push_back(meta("process_name", kLinkPid, -1, "NoC links"));
  ev.push_back(meta("process_name", kMemPid, -1, "DRAM channels"));
  ev.push_back(meta("process_name", kIterPid, -1, "iterations"));
  if (!in.power.empty()) ev.push_back(meta("process_name", kPowerPid, -1, "power"));
  for (uint32_t p = 0; p < P; ++p) {
    ev.push_back(meta("thread_name", kProcPid, static_cast<int>(2 * p), "P" + std::to_string(p)));
    ev.push_back(sort_index(kProcPid, static_cast<int>(2 * p), static_cast<int>(2 * p)));
    ev.push_back(meta("thread_name", kProcPid, static_cast<int>(2 * p + 1),
                      "P" + std::to_string(p) + " inbox"));
    ev.push_back(sort_index(kProcPid, static_cast<int>(2 * p + 1), static_cast<int>(2 * p + 1)));
  }
  for (uint32_t l = 0, nl = in.link_count(); l < nl; ++l) {
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
    Obj(ev.next())
        .slice("task", label + " it" + std::to_string(e.iteration), kProcPid, 2 * e.proc.value,
               ts(e.start), ts(e.end) - ts(e.start))
        .open("args")
        .num("op", e.op.value)
        .str("kind", to_string(e.kind))
        .num("layer", e.layer + 1)
        .num("iteration", e.iteration)
        .num("start_cycle", e.start)
        .num("end_cycle", e.end)
        .num("array_cycles", e.array_end - e.start)
        .num("vector_cycles", e.end - e.array_end)
        .close();
  }
  for (const auto& w : in.log.waits) {
    if (!span.overlaps(w.start, w.end)) continue;
    const std::string label = w.op.value < in.schedule.ops.size()
                                  ? in.schedule.op(w.op).label()
                                  : "op" + std::to_string(w.op.value);
    Obj(ev.next())
        .slice("wait", "wait " + label + " it" + std::to_string(w.iteration), kProcPid,
               2 * w.proc.value, ts(w.start), ts(w.end) - ts(w.start))
        .open("args")
        .num("op", w.op.value)
        .num("iteration", w.iteration)
        .close();
  }
  // Messages: a send slice on the source (its injection), an arrival slice on the destination's
  // inbox, and a flow arrow between them. Both ends are written together or not at all.
  const double bpc = in.platform.noc.link_bytes_per_cycle;
  for (const auto& m : in.log.messages) {
    if (!span.contains(m.sent) && !span.contains(m.received)) continue;
    const Cycles inj = std::max<Cycles>(
        1, m.injected > m.sent
               ? m.injected - m.sent
               : serial_cycles(m.bytes, bpc));
    const std::string what = std::string(to_string(m.kind)) + " L" + std::to_string(m.layer + 1) +
                             " it" + std::to_string(m.iteration);
    const auto args = [&](Obj& o) {
      o.open("args")
          .num("message", m.id)
          .num("src", m.src.value)
          .num("dst", m.dst.value)
          .str("kind", to_string(m.kind))
          .num("layer", m.layer + 1)
          .num("iteration", m.iteration)
          .num("bytes", m.bytes)
          .num("hops", m.hops)
          .num("packets", m.packets)
          .num("sent_cycle", m.sent)
          .num("received_cycle", m.received)
          .num("latency_cycles", m.received >= m.sent ? m.received - m.sent : 0)
          .close();
    };
    {
      Obj o(ev.next());
      o.slice("send", "send " + what + " -> P" + std::to_string(m.dst.value), kProcPid,
              2 * m.src.value, ts(m.sent), ts(m.sent + inj) - ts(m.sent));
      args(o);
    }
    Obj(ev.next())
        .str("ph", "s")
        .str("cat", "message")
        .str("name", what)
        .num("id", m.id)
        .num("pid", kProcPid)
        .num("tid", 2 * m.src.value)
        .real("ts", ts(m.sent));
    {
      Obj o(ev.next());
      o.slice("arrive", "from P" + std::to_string(m.src.value) + ": " + what, kProcPid,
              2 * m.dst.value + 1, ts(m.received), ts(m.received + 1) - ts(m.received));
      args(o);
    }
    Obj(ev.next())
        .str("ph", "f")
        .str("bp", "e")
        .str("cat", "message")
        .str("name", what)
        .num("id", m.id)
        .num("pid", kProcPid)
        .num("tid", 2 * m.dst.value + 1)
        .real("ts", ts(m.received));
  }
  // Link transfers and DRAM accesses.
  for (const auto& e : in.log.links) {
    if (!span.overlaps(e.start, e.end)) continue;
    Obj(ev.next())
        .slice("link", "msg " + std::to_string(e.message), kLinkPid, e.link.value, ts(e.start),
               ts(e.end) - ts(e.start))
        .open("args")
        .num("message", e.message)
        .num("bytes", e.bytes)
        .close();
  }
  const bool banked = in.platform.memory.model != DramModel::Simple;
  for (const auto& e : in.log.memory) {
    if (!span.overlaps(e.start, e.end)) continue;
    Obj a(ev.next());
    a.slice("dram",
            std::string(e.write ? "write " : "read ") + to_string(e.kind) +
                (e.spill ? " (spill)" : ""),
            kMemPid, e.channel, ts(e.start), ts(e.end) - ts(e.start))
        .open("args")
        .num("requester", e.requester.value)
        .num("bytes", e.bytes);
    if (banked) {  // dram-model ddr4 / hbm2: the access's row-buffer outcome
      a.num("row_hits", e.row_hits)
          .num("row_misses", e.row_misses)
          .num("row_conflicts", e.row_conflicts)
          .num("refreshes", e.refreshes);
    }
    a.close();
  }
  // SRAM occupancy counters, one series per processor.
  for (const auto& e : in.log.sram) {
    if (!span.contains(e.time)) continue;
    Obj(ev.next())
        .str("ph", "C")
        .str("name", "SRAM P" + std::to_string(e.proc.value))
        .num("pid", kProcPid)
        .real("ts", ts(e.time))
        .open("args")
        .num("bytes", e.bytes)
        .num("spilled", e.spilled)
        .close();
  }
  // Power over time (docs/ENERGY.md): one counter, a series per component, in watts.
  for (const PowerSample& p : in.power) {
    if (!span.overlaps(p.begin, p.end)) continue;
    Obj(ev.next())
        .str("ph", "C")
        .str("name", "power W")
        .num("pid", kPowerPid)
        .real("ts", ts(std::max(p.begin, span.begin)))
        .open("args")
        .real("compute", p.compute_w)
        .real("sram", p.sram_w)
        .real("dram", p.dram_w)
        .real("noc", p.noc_w)
        .real("static", p.static_w)
        .close();
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

  out += "\n]}\n";
  sink(out);
  if (progress) progress(1.0);
}

}  // namespace spikepipe

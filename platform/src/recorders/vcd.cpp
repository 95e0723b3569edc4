#include "spikepipe/platform/recorders/vcd.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "spikepipe/platform/recorders/gtkw.h"

namespace spikepipe {

namespace {

struct Var {
  std::string scope, name;
  uint32_t width;
  std::string code;
};

struct Change {
  Cycles time;
  uint32_t var;
  uint64_t value;
};

std::string code_of(uint32_t n) {
  std::string s;
  do {
    s += static_cast<char>(33 + n % 94);
    n /= 94;
  } while (n);
  return s;
}

// Appends a value in VCD form ("1", or "b101 " for a vector) without temporaries: the body of a
// long run's VCD is millions of these.
void append_value(std::string& out, uint64_t v, uint32_t width) {
  if (width == 1) {
    out += v ? '1' : '0';
    return;
  }
  char buf[66];
  int n = 0;
  do {
    buf[n++] = (v & 1) ? '1' : '0';
    v >>= 1;
  } while (v);
  out += 'b';
  while (n > 0) out += buf[--n];
  out += ' ';
}

void append_time(std::string& out, Cycles t) {
  out += '#';
  out += std::to_string(t);
  out += '\n';
}

// Count of overlapping [start, end) intervals > 0, as (time, 0/1) changes inside the span.
void busy_changes(std::vector<std::pair<Cycles, Cycles>> iv, const TimeSpan& span, uint32_t var,
                  std::vector<Change>& out) {
  std::vector<std::pair<Cycles, int>> pts;
  for (auto [s, e] : iv) {
    if (e <= s) continue;
    pts.push_back({s, +1});
    pts.push_back({e, -1});
  }
  std::sort(pts.begin(), pts.end());
  int active = 0;
  uint64_t shown = 0;
  bool initial = true;
  for (size_t i = 0; i < pts.size();) {
    const Cycles t = pts[i].first;
    while (i < pts.size() && pts[i].first == t) active += pts[i++].second;
    const uint64_t v = active > 0;
    if (t < span.begin) {
      shown = v;
      continue;
    }
    if (initial) {
      if (t == span.begin) shown = v;
      out.push_back({span.begin, var, shown});
      initial = false;
      if (t == span.begin) continue;
    }
    if (t > span.end) break;
    if (v != shown) out.push_back({t, var, v});
    shown = v;
  }
  if (initial) out.push_back({span.begin, var, shown});
}

}  // namespace

std::string vcd_time_note(double clock_ghz) {
  std::ostringstream os;
  os << "time unit = 1 clock cycle (" << 1.0 / clock_ghz << " ns at " << clock_ghz
     << " GHz): the timescale below says 1ns so that GTKWave counts cycles; it is real time only "
        "at 1 GHz";
  return os.str();
}

std::string vcd_link_scope(const TraceInput& in, LinkId id) {
  std::string n = in.link_name(id), s;
  for (char c : n) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  // Distinct names stay distinct: the index comes first.
  return "L" + std::to_string(id.value) + (n == "link" + std::to_string(id.value) ? "" : "_" + s);
}

namespace {

std::vector<Var> declare(const TraceInput& in) {
  std::vector<Var> v;
  for (uint32_t p = 0; p < in.platform.processors; ++p) {
    const std::string s = "P" + std::to_string(p);
    v.push_back({s, "state", 4, ""});
    v.push_back({s, "task", 16, ""});
    v.push_back({s, "layer", 16, ""});
    v.push_back({s, "iteration", 32, ""});
    v.push_back({s, "sram_bytes", 48, ""});
  }
  for (uint32_t l = 0, nl = in.link_count(); l < nl; ++l) {
    const std::string s = "links." + vcd_link_scope(in, LinkId(l));
    v.push_back({s, "busy", 1, ""});
    v.push_back({s, "bytes", 48, ""});
  }
  uint32_t nch = in.platform.memory.channels;
  for (const auto& e : in.log.memory) nch = std::max(nch, e.channel + 1);
  for (uint32_t c = 0; c < nch; ++c) v.push_back({"dram.ch" + std::to_string(c), "busy", 1, ""});
  v.push_back({"", "iterations_done", 32, ""});
  if (!in.power.empty()) v.push_back({"", "power_mw", 32, ""});  // docs/ENERGY.md
  for (uint32_t i = 0; i < v.size(); ++i) v[i].code = code_of(i);
  return v;
}

std::string full_name(const Var& v) {
  std::string n = "top." + (v.scope.empty() ? "" : v.scope + ".") + v.name;
  if (v.width > 1) n += "[" + std::to_string(v.width - 1) + ":0]";
  return n;
}

}  // namespace

std::vector<std::string> vcd_signal_names(const TraceInput& in) {
  std::vector<std::string> out;
  for (const auto& v : declare(in)) out.push_back(full_name(v));
  return out;
}

std::string vcd_text(const TraceInput& in, const TraceProgress& progress) {
  std::string all;
  vcd_text(in, SIZE_MAX, [&](const std::string& piece) { all += piece; }, progress);
  return all;
}

void vcd_text(const TraceInput& in, size_t piece_bytes, const TextSink& sink,
              const TraceProgress& progress) {
  const TimeSpan span = in.span();
  const std::vector<Var> vars = declare(in);
  std::vector<Change> ch;
  uint32_t var = 0;

  // Processors.
  for (uint32_t p = 0; p < in.platform.processors; ++p, var += 5) {
    for (const auto& c : processor_timeline(in, ProcessorId(p), span)) {
      ch.push_back({c.time, var, static_cast<uint64_t>(c.state)});
      ch.push_back({c.time, var + 1, task_value(c.state, c.layer)});
      ch.push_back({c.time, var + 2, c.layer});
      ch.push_back({c.time, var + 3, c.iteration});
    }
    uint64_t sram = 0;
    bool initial = true;
    for (const auto& e : in.log.sram) {
      if (e.proc.value != p) continue;
      if (e.time < span.begin) {
        sram = e.bytes;
        continue;
      }
      if (initial) {
        ch.push_back({span.begin, var + 4, sram});
        initial = false;
      }
      if (e.time > span.end) break;
      ch.push_back({e.time, var + 4, e.bytes});
    }
    if (initial) ch.push_back({span.begin, var + 4, sram});
  }
  // Links: busy flag and cumulative bytes (counted when a transfer ends).
  const uint32_t nlinks = in.link_count();
  std::vector<std::vector<std::pair<Cycles, Cycles>>> link_iv(nlinks);
  std::vector<std::vector<std::pair<Cycles, uint64_t>>> link_bytes(nlinks);
  for (const auto& e : in.log.links) {
    link_iv[e.link.value].push_back({e.start, e.end});
    link_bytes[e.link.value].push_back({e.end, e.bytes});
  }
  for (uint32_t l = 0; l < nlinks; ++l, var += 2) {
    busy_changes(link_iv[l], span, var, ch);
    auto& b = link_bytes[l];
    std::sort(b.begin(), b.end());
    uint64_t sum = 0;
    size_t i = 0;
    for (; i < b.size() && b[i].first <= span.begin; ++i) sum += b[i].second;
    ch.push_back({span.begin, var + 1, sum});
    for (; i < b.size() && b[i].first <= span.end; ++i) {
      sum += b[i].second;
      ch.push_back({b[i].first, var + 1, sum});
    }
  }
  // DRAM channels.
  uint32_t nch = in.platform.memory.channels;
  for (const auto& e : in.log.memory) nch = std::max(nch, e.channel + 1);
  std::vector<std::vector<std::pair<Cycles, Cycles>>> mem_iv(nch);
  for (const auto& e : in.log.memory) mem_iv[e.channel].push_back({e.start, e.end});
  for (uint32_t c = 0; c < nch; ++c, ++var) busy_changes(mem_iv[c], span, var, ch);
  // Completed iterations: one more each time an iteration's last task ends.
  std::vector<Cycles> done;
  {
    std::vector<Cycles> end;
    for (const auto& e : in.log.tasks) {
      if (e.iteration >= end.size()) end.resize(e.iteration + 1, 0);
      end[e.iteration] = std::max(end[e.iteration], e.end);
    }
    done = end;
    std::sort(done.begin(), done.end());
  }
  uint64_t n = 0;
  size_t i = 0;
  for (; i < done.size() && done[i] <= span.begin; ++i) ++n;
  ch.push_back({span.begin, var, n});
  for (; i < done.size() && done[i] <= span.end; ++i) ch.push_back({done[i], var, ++n});
  // Power in milliwatts, the mean of each interval of power_over_time (metrics.h).
  if (!in.power.empty()) {
    ++var;
    bool any = false;
    for (const PowerSample& s : in.power) {
      if (s.end <= span.begin && &s != &in.power.back()) continue;
      if (s.begin > span.end) break;
      const double mw = std::max(0.0, std::round(s.total_w() * 1000.0));
      ch.push_back({std::max(s.begin, span.begin), var,
                    static_cast<uint64_t>(std::min(mw, 4294967295.0))});
      any = true;
    }
    if (!any) ch.push_back({span.begin, var, 0});
  }

  std::stable_sort(ch.begin(), ch.end(), [](const Change& a, const Change& b) {
    return a.time != b.time ? a.time < b.time : a.var < b.var;
  });

  // Header.
  std::ostringstream os;
  os << "$date SpikePipe-SC run $end\n$version SpikePipe-SC $end\n";
  os << "$comment scheduler " << in.schedule.scheduler << (in.schedule.split ? " --split" : "")
     << ", platform " << in.platform.name << ", " << in.platform.processors << " processors, clock "
     << in.platform.clock_ghz << " GHz; state: 0 idle 1 waiting 2 F 3 D 4 E 5 G 6 U 7 sending; "
     << "layer is 1-based (0 = none) $end\n";
  os << "$comment " << vcd_time_note(in.platform.clock_ghz) << " $end\n";
  os << "$timescale " << kVcdTimescale << " $end\n";
  os << "$scope module top $end\n";
  std::vector<std::string> open;
  for (const auto& v : vars) {
    std::vector<std::string> want;
    std::stringstream ss(v.scope);
    for (std::string part; std::getline(ss, part, '.');) want.push_back(part);
    size_t common = 0;
    while (common < open.size() && common < want.size() && open[common] == want[common]) ++common;
    while (open.size() > common) {
      os << "$upscope $end\n";
      open.pop_back();
    }
    for (size_t k = common; k < want.size(); ++k) {
      os << "$scope module " << want[k] << " $end\n";
      open.push_back(want[k]);
    }
    os << "$var wire " << v.width << ' ' << v.code << ' ' << v.name;
    if (v.width > 1) os << " [" << v.width - 1 << ":0]";
    os << " $end\n";
  }
  while (!open.empty()) {
    os << "$upscope $end\n";
    open.pop_back();
  }
  os << "$upscope $end\n$enddefinitions $end\n";

  // Value changes, grouped by time; the first group is the initial dump.
  std::string out = os.str();
  const size_t whole = out.size() + ch.size() * 12;
  out.reserve(piece_bytes < whole ? piece_bytes + (size_t(1) << 16) : whole);
  std::vector<uint64_t> last(vars.size(), UINT64_MAX);
  bool first = true;
  Cycles last_time = 0;
  size_t k = 0;
  std::string group;
  while (k < ch.size()) {
    if (progress && (k & 0xffff) == 0)
      progress(static_cast<double>(k) / static_cast<double>(ch.size()));
    const Cycles t = ch[k].time;
    group.clear();
    for (; k < ch.size() && ch[k].time == t; ++k) {
      const auto& c = ch[k];
      if (last[c.var] == c.value) continue;
      last[c.var] = c.value;
      append_value(group, c.value, vars[c.var].width);
      group += vars[c.var].code;
      group += '\n';
    }
    if (group.empty() && !first) continue;
    if (out.size() >= piece_bytes) {
      sink(out);
      out.clear();
    }
    append_time(out, t);
    last_time = t;
    if (first) {
      out += "$dumpvars\n";
      out += group;
      out += "$end\n";
      first = false;
    } else {
      out += group;
    }
  }
  if (span.end > last_time) append_time(out, span.end);
  sink(out);
  if (progress) progress(1.0);
}

}  // namespace spikepipe

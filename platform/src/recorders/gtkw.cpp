#include "spikepipe/platform/recorders/gtkw.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "spikepipe/core/noc_graph.h"
#include "spikepipe/platform/recorders/vcd.h"

namespace spikepipe {

namespace {

// GTKWave trace flags (analyzer.h).
constexpr unsigned kDec = 0x4, kBin = 0x8, kRjustify = 0x20, kBlank = 0x200, kTranslated = 0x2000,
                   kGroupBegin = 0x800000, kCollapsed = 0x1000, kGroupEnd = 0x1000000,
                   kClosed = 0x400000;

void flags(std::ostringstream& os, unsigned f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "@%x\n", f);
  os << buf;
}

void group(std::ostringstream& os, const std::string& name, bool closed,
           const std::vector<std::string>& lines) {
  flags(os, kGroupBegin | kBlank | (closed ? kClosed : 0));
  os << '-' << name << '\n';
  for (const auto& l : lines) os << l;
  flags(os, kGroupEnd | kBlank | (closed ? kClosed | kCollapsed : 0));
  os << '-' << name << '\n';
}

std::string line(unsigned f, const std::string& signal, const std::string& filter = {},
                 const std::string& alias = {}) {
  std::ostringstream os;
  flags(os, f);
  // GTKWave numbers the filter files of a save file: 1 = states, 2 = tasks.
  const bool task = filter.size() >= std::string(kTaskFilterFile).size() &&
                    filter.compare(filter.size() - std::string(kTaskFilterFile).size(),
                                   std::string::npos, kTaskFilterFile) == 0;
  if (!filter.empty()) os << (task ? "^2 " : "^1 ") << filter << '\n';
  if (!alias.empty()) os << "+{" << alias << "} ";
  os << signal << '\n';
  return os.str();
}

// Who sits on a NoC node: its processors ("P3", "P3+P5") and "dram" for a memory controller.
std::string node_occupants(const PlatformParams& p, uint32_t node) {
  std::string s;
  for (uint32_t q = 0; q < p.processors; ++q) {
    if (p.noc.node_of(q) == node) s += (s.empty() ? "P" : "+P") + std::to_string(q);
  }
  for (uint32_t c : p.memory.controllers()) {
    if (c == node) {
      s += s.empty() ? "dram" : "+dram";
      break;
    }
  }
  return s;
}

uint32_t nch_of(const TraceInput& in) {
  uint32_t nch = in.platform.memory.channels;
  for (const auto& e : in.log.memory) nch = std::max(nch, e.channel + 1);
  return nch;
}

}  // namespace

std::string gtkw_link_label(const TraceInput& in, LinkId id) {
  const std::string name = in.link_name(id);
  const std::vector<LinkInfo> links = noc_links(in.platform.noc);
  // Only a link of this platform's NoC has known end points (a hand-made log may name others).
  if (id.value >= links.size() || links[id.value].name != name) return name;
  const LinkInfo& l = links[id.value];
  const std::string from =
      l.from == NocGraph::kCrossbar ? std::string() : node_occupants(in.platform, l.from);
  const std::string to = node_occupants(in.platform, l.to);
  if (from.empty() && to.empty()) return name;
  if (from.empty()) return name + " (to " + to + ")";
  if (to.empty()) return name + " (from " + from + ")";
  return name + " (" + from + "->" + to + ")";
}

std::string gtkw_state_filter() {
  std::ostringstream os;
  os << "# GTKWave translate filter: processor state values of a SpikePipe-SC trace\n";
  for (int s = 0; s < kProcStates; ++s)
    os << s << ' ' << to_string(static_cast<ProcState>(s)) << '\n';
  return os.str();
}

std::string gtkw_task_filter(uint32_t layers) {
  std::ostringstream os;
  os << "# GTKWave translate filter: processor task values (layer * 8 + state) of a SpikePipe-SC "
        "trace\n";
  os << "0 idle\n";
  for (uint32_t l = 0; l <= layers; ++l) {
    for (int s = 1; s < kProcStates; ++s) {
      const uint64_t v = task_value(static_cast<ProcState>(s), l);
      os << v << ' ' << task_name(v) << '\n';
    }
  }
  return os.str();
}

uint32_t schedule_layers(const Schedule& s) {
  uint32_t n = 0;
  for (const auto& op : s.ops) n = std::max(n, op.layer + 1);
  return n;
}

GtkwView gtkw_default_view(const TimeSpan& span, const std::vector<Cycles>& iteration_start,
                           const std::vector<Cycles>& iteration_end, uint32_t first_measured,
                           double period_cycles) {
  GtkwView v;
  const size_t n = std::min(iteration_start.size(), iteration_end.size());
  auto inside = [&](size_t i) {
    return iteration_start[i] >= span.begin && iteration_end[i] <= span.end &&
           iteration_end[i] > iteration_start[i];
  };
  size_t k = n;
  for (size_t i = first_measured; i < n && k == n; ++i)
    if (inside(i)) k = i;
  for (size_t i = 0; i < n && k == n; ++i)
    if (inside(i)) k = i;
  if (k == n) return v;

  const Cycles start = iteration_start[k], end = iteration_end[k];
  const Cycles period =
      period_cycles > 0 ? static_cast<Cycles>(std::llround(period_cycles)) : Cycles(0);
  Cycles last = end + 2 * period;
  v.primary = static_cast<int64_t>(start);
  v.markers.push_back({start, "it" + std::to_string(k) + " starts"});
  v.markers.push_back(
      {end, "it" + std::to_string(k) + " done: latency " + std::to_string(end - start)});
  for (size_t i = k + 1, prev = k; i < n && i <= k + 2; ++i) {
    if (iteration_end[i] > span.end || iteration_end[i] <= iteration_end[prev]) break;
    v.markers.push_back(
        {iteration_end[i], "it" + std::to_string(i) + " done: +" +
                               std::to_string(iteration_end[i] - iteration_end[prev])});
    last = std::max(last, iteration_end[i]);
    prev = i;
  }
  // A margin of 3% each side, so that the first and last markers are not on the edges.
  const Cycles pad = (last - start) * 3 / 100 + 1;
  v.begin = start > span.begin + pad ? start - pad : span.begin;
  v.end = std::min(span.end, last + pad);
  if (period > 0) {
    v.ruler_origin = end;
    v.ruler_step = period;
  }
  return v;
}

std::string gtkw_text(const TraceInput& in, const GtkwView& view) {
  const TimeSpan span = in.span();
  const Cycles begin = view.end > view.begin ? view.begin : span.begin;
  const Cycles end = view.end > view.begin ? view.end : span.end;
  const double width = std::max(1.0, static_cast<double>(end - begin));
  // GTKWave shows 2^-zoom / 200 time units per pixel (calczoom(): 200 pixels per frame of
  // 2^-zoom units); fit the view into ~950 pixels of the 1600-pixel window.
  const double zoom = -(std::log2(width / 950.0) + std::log2(200.0));
  const std::string filter = kStateFilterFile;
  const std::string tasks = kTaskFilterFile;

  // Every file is named relative to this save file, so that a run directory can be moved or
  // copied and two runs into two directories write the same bytes. GTKWave 3.3 finds them: it
  // re-anchors [dumpfile] and the filter files (^1, ^2) at the directory of the save file it
  // loads, relative to the directory [savefile] names (which must come before the filters), and
  // a bare name is taken to sit beside the save file (find_dumpfile() in savefile.c).
  std::ostringstream os;
  os << "[*]\n[*] SpikePipe-SC: open with `gtkwave DIR/trace.gtkw` (files relative to DIR)\n[*]\n";
  os << "[dumpfile] \"trace.vcd\"\n";
  os << "[savefile] \"trace.gtkw\"\n";
  os << "[timestart] " << begin << '\n';
  os << "[size] 1600 900\n[pos] -1 -1\n";
  // Zoom, primary marker, then the named markers A..Z (-1: not set).
  char buf[64];
  std::snprintf(buf, sizeof buf, "*%.6f %lld", zoom, static_cast<long long>(view.primary));
  os << buf;
  const size_t nm = std::min<size_t>(view.markers.size(), 26);
  for (size_t i = 0; i < 26; ++i) {
    if (i < nm) {
      os << ' ' << view.markers[i].time;
    } else {
      os << " -1";
    }
  }
  os << '\n';
  for (size_t i = 0; i < nm; ++i)
    os << "[markername] " << static_cast<char>('A' + i) << view.markers[i].name << '\n';
  if (view.ruler_step > 0) os << "[ruler] " << view.ruler_origin << ' ' << view.ruler_step << '\n';
  os << "[sst_width] 220\n[signals_width] 300\n[sst_expanded] 1\n[sst_vpaned_height] 240\n";
  // GTKWave calls the time unit ns; a comment row above the signals says it is a cycle (short:
  // the signal list widens to its longest row).
  {
    std::ostringstream note;
    note << "time unit: 1 cycle = " << 1.0 / in.platform.clock_ghz << " ns";
    flags(os, kBlank);
    os << '-' << note.str() << '\n';
  }

  // A pipeline overview first: every processor's state, one row each.
  std::vector<std::string> overview;
  for (uint32_t p = 0; p < in.platform.processors; ++p) {
    overview.push_back(line(kDec | kRjustify | kTranslated,
                            "top.P" + std::to_string(p) + ".task[15:0]", tasks,
                            "P" + std::to_string(p)));
  }
  overview.push_back(line(kDec | kRjustify, "top.iterations_done[31:0]", {}, "iterations done"));
  group(os, "pipeline", false, overview);
  // Communication at a glance: every link's busy flag, named by its end points (open when few).
  std::vector<std::string> noc;
  for (uint32_t l = 0, nl = in.link_count(); l < nl; ++l) {
    noc.push_back(line(kBin | kRjustify, "top.links." + vcd_link_scope(in, LinkId(l)) + ".busy", {},
                       gtkw_link_label(in, LinkId(l))));
  }
  for (uint32_t c = 0; c < nch_of(in); ++c) {
    noc.push_back(line(kBin | kRjustify, "top.dram.ch" + std::to_string(c) + ".busy", {},
                       "dram ch" + std::to_string(c)));
  }
  group(os, "noc and dram busy", in.link_count() > 32, noc);
  for (uint32_t p = 0; p < in.platform.processors; ++p) {
    const std::string s = "top.P" + std::to_string(p) + ".";
    group(os, "P" + std::to_string(p), true,
          {line(kDec | kRjustify | kTranslated, s + "state[3:0]", filter),
           line(kDec | kRjustify | kTranslated, s + "task[15:0]", tasks),
           line(kDec | kRjustify, s + "layer[15:0]"), line(kDec | kRjustify, s + "iteration[31:0]"),
           line(kDec | kRjustify, s + "sram_bytes[47:0]")});
  }
  for (uint32_t l = 0, nl = in.link_count(); l < nl; ++l) {
    const std::string scope = vcd_link_scope(in, LinkId(l));
    const std::string s = "top.links." + scope + ".";
    group(os, scope, true,
          {line(kBin | kRjustify, s + "busy"), line(kDec | kRjustify, s + "bytes[47:0]")});
  }
  std::vector<std::string> dram;
  for (uint32_t c = 0; c < nch_of(in); ++c)
    dram.push_back(line(kBin | kRjustify, "top.dram.ch" + std::to_string(c) + ".busy"));
  group(os, "dram", true, dram);
  return os.str();
}

}  // namespace spikepipe

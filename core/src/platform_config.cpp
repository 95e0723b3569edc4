// The platform keys, declared once: name, default, help, how a value is read and its range.
#include "spikepipe/core/platform_config.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"

namespace spikepipe {

namespace {

std::string text_of(double v) { return number_text(v); }
std::string text_of(bool v) { return v ? "true" : "false"; }
std::string text_of(uint64_t v) { return std::to_string(v); }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string shown(const std::string& s) { return printable(s); }

uint64_t whole(const Setting& s, uint64_t lo, uint64_t hi) {
  const std::string v = trim(s.value);
  const std::string range = std::to_string(lo) + " .. " + std::to_string(hi);
  size_t i = (!v.empty() && v[0] == '+') ? 1 : 0;
  if (!v.empty() && v[0] == '-' && v.size() > 1 &&
      v.find_first_not_of("0123456789", 1) == std::string::npos)
    fail(s.origin, v + " is out of range", range);
  if (i == v.size() || v.find_first_not_of("0123456789", i) != std::string::npos)
    fail(s.origin, "'" + shown(v) + "' is not a whole number", range);
  errno = 0;
  const unsigned long long n = std::strtoull(v.c_str() + i, nullptr, 10);
  if (errno == ERANGE || n < lo || n > hi) fail(s.origin, v + " is out of range", range);
  return n;
}

double real(const Setting& s, double lo_excl, double hi) {
  const std::string v = trim(s.value);
  const std::string range = "a number > " + text_of(lo_excl) + " and <= " + text_of(hi);
  char* end = nullptr;
  errno = 0;
  const double d = v.empty() ? NAN : std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(d))
    fail(s.origin, "'" + shown(v) + "' is not a number", range);
  if (!(d > lo_excl && d <= hi)) fail(s.origin, v + " is out of range", range);
  return d;
}

bool boolean(const Setting& s) {
  const std::string v = trim(s.value);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  fail(s.origin, "'" + shown(v) + "' is not a boolean", "true or false");
}

// "0,1,2,3": node numbers, empty for the default placement.
std::vector<uint32_t> nodes(const Setting& s) {
  std::vector<uint32_t> out;
  std::stringstream ss(s.value);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    if (item.find_first_not_of("0123456789") != std::string::npos || item.size() > 9)
      fail(s.origin, "'" + shown(item) + "' is not a node number",
           "comma-separated node numbers 0 .. 65535");
    out.push_back(static_cast<uint32_t>(std::stoul(item)));
  }
  return out;
}

struct KeyDef {
  PlatformKey key;
  std::function<void(PlatformParams&, const Setting&)> apply;
};


const std::vector<KeyDef>& key_defs() {
  static const std::vector<KeyDef> defs = [] {
    const PlatformParams d;
    const ArrayParams& a = d.processor.array;
    std::vector<KeyDef> k;
    auto add = [&](std::string name, std::string def, std::string help, bool array,
                   std::function<void(PlatformParams&, const Setting&)> f) {
      k.push_back({{std::move(name), std::move(def), std::move(help), array}, std::move(f)});
    };
    add("processors", text_of(uint64_t(d.processors)), "number of systolic processors", false,
        [](PlatformParams& p, const Setting& s) {
          p.processors = uint32_t(whole(s, 1, PlatformParams::kMaxProcessors));
        });
    add("clock-ghz", text_of(d.clock_ghz), "clock frequency, GHz (cycles -> seconds)", false,
        [](PlatformParams& p, const Setting& s) { p.clock_ghz = real(s, 0, 1000); });
    add("sram-bytes", text_of(d.processor.sram_bytes), "local SRAM per processor, bytes", false,
        [](PlatformParams& p, const Setting& s) {
          p.processor.sram_bytes = whole(s, 1, 1ull << 40);
        });
    add("overlap-units", text_of(d.processor.overlap_units),
        "let the next op's array part start while the vector unit finishes (true/false; "
        "schedulers do not predict it)",
        false, [](PlatformParams& p, const Setting& s) { p.processor.overlap_units = boolean(s); });
    add("noc-topology", to_string(d.noc.topology), "mesh, torus, ring or crossbar", false,
        [](PlatformParams& p, const Setting& s) {
          p.noc.topology = parse_noc_shape(shown(trim(s.value)), s.origin);
        });
    add("noc-cols", "0", "NoC columns (ring: nodes); 0 = smallest fitting the processors", false,
        [](PlatformParams& p, const Setting& s) { p.noc.cols = uint32_t(whole(s, 0, 4096)); });
    add("noc-rows", "0", "NoC rows; 0 = smallest fitting the processors", false,
        [](PlatformParams& p, const Setting& s) { p.noc.rows = uint32_t(whole(s, 0, 4096)); });
    add("noc-link-bytes", text_of(d.noc.link_bytes_per_cycle), "link bandwidth, bytes/cycle",
        false, [](PlatformParams& p, const Setting& s) {
          p.noc.link_bytes_per_cycle = real(s, 0, 1e6);
        });
    add("noc-router-latency", text_of(uint64_t(d.noc.router_latency)),
        "router latency per hop, cycles", false, [](PlatformParams& p, const Setting& s) {
          p.noc.router_latency = whole(s, 0, 1000000);
        });
    add("noc-packet-bytes", text_of(uint64_t(d.noc.packet_bytes)),
        "maximum payload of one packet, bytes", false, [](PlatformParams& p, const Setting& s) {
          p.noc.packet_bytes = uint32_t(whole(s, 1, 1u << 30));
        });
    add("noc-model", to_string(d.noc.model),
        "causal (flit-level routers, served in the order traffic is ready) or ideal "
        "(contention-free closed form, links reserved in call order)",
        false, [](PlatformParams& p, const Setting& s) {
          p.noc.model = parse_noc_model(shown(trim(s.value)), s.origin);
        });
    add("noc-vcs", text_of(uint64_t(d.noc.vcs)), "virtual channels per router input port",
        false, [](PlatformParams& p, const Setting& s) { p.noc.vcs = uint32_t(whole(s, 1, 64)); });
    add("noc-buffer-flits", text_of(uint64_t(d.noc.buffer_flits)),
        "router input buffer per virtual channel, flits (of noc-link-bytes)", false,
        [](PlatformParams& p, const Setting& s) {
          p.noc.buffer_flits = uint32_t(whole(s, 1, 65536));
        });
    add("noc-terminal-latency", text_of(uint64_t(d.noc.terminal_latency)),
        "cycles added to each message's delivery (network interface and first router's "
        "pipeline; holds no resource)",
        false, [](PlatformParams& p, const Setting& s) {
          p.noc.terminal_latency = whole(s, 0, 1000000);
        });
    add("noc-input-speedup", text_of(uint64_t(d.noc.input_speedup)),
        "crossbar inputs per router input port (VC v uses v mod S; 1..noc-vcs)", false,
        [](PlatformParams& p, const Setting& s) {
          p.noc.input_speedup = uint32_t(whole(s, 1, 64));
        });
    add("processor-nodes", "",
        "NoC node of each processor, comma-separated (default: processor p on node p)", false,
        [](PlatformParams& p, const Setting& s) { p.noc.processor_nodes = nodes(s); });
    add("dram-model", to_string(d.memory.model),
        "DRAM model: simple (latency + bandwidth per channel), ddr4 (DDR4-3200AA banks, row "
        "buffers, refresh, FR-FCFS) or hbm2 (HBM2 2 Gb/s pseudo channels, likewise)",
        false, [](PlatformParams& p, const Setting& s) {
          p.memory.model = parse_dram_model(shown(trim(s.value)), s.origin);
        });
    add("dram-channels", text_of(uint64_t(d.memory.channels)), "DRAM channels", false,
        [](PlatformParams& p, const Setting& s) {
          p.memory.channels = uint32_t(whole(s, 1, 1024));
        });
    add("dram-channel-bytes", text_of(d.memory.channel_bytes_per_cycle),
        "bandwidth per DRAM channel, bytes/cycle (simple model)", false,
        [](PlatformParams& p, const Setting& s) {
          p.memory.channel_bytes_per_cycle = real(s, 0, 1e6);
        });
    add("dram-latency", text_of(uint64_t(d.memory.latency)), "DRAM access latency, cycles (simple model)",
        false, [](PlatformParams& p, const Setting& s) {
          p.memory.latency = whole(s, 0, 10000000);
        });
    add("dram-interleave", text_of(uint64_t(d.memory.interleave_bytes)),
        "address interleaving across channels, bytes", false,
        [](PlatformParams& p, const Setting& s) {
          p.memory.interleave_bytes = uint32_t(whole(s, 1, 1u << 30));
        });
    add("dram-ranks", "0", "ranks per DRAM channel (ddr4/hbm2; 0 = the device preset's: 1)",
        false, [](PlatformParams& p, const Setting& s) {
          p.memory.ranks = uint32_t(whole(s, 0, 16));
        });
    add("dram-bank-groups", "0", "bank groups per rank (ddr4/hbm2; 0 = the preset's: 4)", false,
        [](PlatformParams& p, const Setting& s) {
          p.memory.bank_groups = uint32_t(whole(s, 0, 16));
        });
    add("dram-banks", "0", "banks per bank group (ddr4/hbm2; 0 = the preset's: 4)", false,
        [](PlatformParams& p, const Setting& s) { p.memory.banks = uint32_t(whole(s, 0, 64)); });
    add("dram-page-bytes", "0",
        "row buffer of a rank, bytes (ddr4/hbm2; 0 = the preset's: 8192 ddr4, 1024 hbm2)", false,
        [](PlatformParams& p, const Setting& s) {
          p.memory.page_bytes = uint32_t(whole(s, 0, 1u << 20));
        });
    add("dram-nodes", "",
        "NoC nodes of the memory controllers, comma-separated (default: node 0)", false,
        [](PlatformParams& p, const Setting& s) { p.memory.controller_nodes = nodes(s); });
    add("array-rows", text_of(uint64_t(a.rows)), "systolic array rows R", true,
        [](PlatformParams& p, const Setting& s) {
          p.processor.array.rows = uint32_t(whole(s, 1, 1u << 16));
        });
    add("array-cols", text_of(uint64_t(a.cols)), "systolic array columns C", true,
        [](PlatformParams& p, const Setting& s) {
          p.processor.array.cols = uint32_t(whole(s, 1, 1u << 16));
        });
    add("dataflow", to_string(a.dataflow), "array dataflow: os, ws or is", true,
        [](PlatformParams& p, const Setting& s) {
          p.processor.array.dataflow = parse_dataflow(shown(trim(s.value)), s.origin);
        });
    add("vector-lanes", text_of(uint64_t(a.vector_lanes)),
        "lanes of the element-wise vector unit", true, [](PlatformParams& p, const Setting& s) {
          p.processor.array.vector_lanes = uint32_t(whole(s, 1, 1u << 16));
        });
    add("sparsity", text_of(a.sparsity), "skip zero spikes in the F and G GEMMs (true/false)",
        true, [](PlatformParams& p, const Setting& s) { p.processor.array.sparsity = boolean(s); });
    add("firing-rate", text_of(a.firing_rate),
        "spike firing rate used when sparsity is on, (0, 1]", true,
        [](PlatformParams& p, const Setting& s) { p.processor.array.firing_rate = real(s, 0, 1); });
    return k;
  }();
  return defs;
}

const KeyDef* find_key(const std::string& name) {
  for (const auto& d : key_defs())
    if (d.key.name == name) return &d;
  return nullptr;
}

std::string key_list(bool array_only) {
  std::string s;
  for (const auto& d : key_defs())
    if (!array_only || d.key.array) s += (s.empty() ? "" : ", ") + d.key.name;
  return s;
}

// Applies `settings` over `p`; returns the origin of each key set, for KeyName.
std::map<std::string, std::string> apply(PlatformParams& p, const std::vector<Setting>& settings,
                                         bool array_only) {
  std::map<std::string, std::string> origin;
  std::map<std::string, size_t> last;  // a later setting of a key replaces an earlier one unread
  for (size_t i = 0; i < settings.size(); ++i) last[settings[i].key] = i;
  for (size_t i = 0; i < settings.size(); ++i) {
    const Setting& s = settings[i];
    const KeyDef* d = find_key(s.key);
    if (!d) fail(s.origin, "unknown platform key '" + shown(s.key) + "'", key_list(false));
    if ((array_only && !d->key.array) || last[s.key] != i) continue;
    d->apply(p, s);
    origin[s.key] = s.origin;
  }
  return origin;
}

KeyName named_by(const std::map<std::string, std::string>& origin) {
  return [origin](const std::string& k) {
    auto it = origin.find(k);
    return it == origin.end() ? k : it->second;
  };
}

}  // namespace

const std::vector<PlatformKey>& platform_keys() {
  static const std::vector<PlatformKey> keys = [] {
    std::vector<PlatformKey> k;
    for (const auto& d : key_defs()) k.push_back(d.key);
    return k;
  }();
  return keys;
}

bool is_platform_key(const std::string& name) { return find_key(name) != nullptr; }

std::vector<Setting> read_platform_ini(const std::string& text, const std::string& file) {
  std::vector<Setting> out;
  std::set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string where = file + ":" + std::to_string(n);
    if (const std::string b = binary_byte(line, false); !b.empty())
      fail(where, "holds " + b + ", not text", "a text file of key = value lines");
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t[0] == '[')
      fail(where, "section '" + shown(t) + "' is not used by platform files",
           "key = value lines, without sections");
    const auto eq = t.find('=');
    if (eq == std::string::npos)
      fail(where, "'" + shown(t) + "' is not a key = value line", "key = value; # comments");
    Setting s{trim(t.substr(0, eq)), trim(t.substr(eq + 1)), {}};
    s.origin = where + ": " + s.key;
    if (!is_platform_key(s.key))
      fail(where, "unknown key '" + shown(s.key) + "'",
           key_list(false) + " (the flags of `spikepipe run --help` without the --)");
    if (!seen.insert(s.key).second) fail(s.origin, "is given twice", "each key once");
    out.push_back(std::move(s));
  }
  return out;
}

PlatformParams make_platform(const std::vector<Setting>& settings, const std::string& name) {
  PlatformParams p;
  p.name = name;
  p.noc.cols = p.noc.rows = 0;  // the built-in NoC is the smallest that fits the processors
  const auto origin = apply(p, settings, false);
  p.noc.auto_size(p.processors);
  p.validate(named_by(origin));
  return p;
}

ArrayParams make_array(const std::vector<Setting>& settings) {
  PlatformParams p;
  const auto origin = apply(p, settings, true);
  p.processor.array.validate(named_by(origin));
  return p.processor.array;
}

}  // namespace spikepipe

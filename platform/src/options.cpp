// Each shared option is declared once here: the declaration is the CLI flag, the INI key of a
// platform file, the default and the --help line.
#include "spikepipe/platform/options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "spikepipe/workloads/data_dir.h"
#include "spikepipe/workloads/error.h"
#include "spikepipe/workloads/topology.h"

namespace spikepipe::cli {

namespace fs = std::filesystem;

namespace {

// boost converts "-3" to 4294967293 for an unsigned option; this refuses a leading minus before
// the conversion, for flags and INI keys alike. The message names the option (%canonical_option%
// is the flag, or the key in a file).
class NegativeValue : public po::error_with_option_name {
 public:
  explicit NegativeValue(const std::string& token)
      : po::error_with_option_name("%canonical_option%: " + token +
                                   " is negative (allowed: a whole number >= 0)") {}
};

template <class T>
class NonNegativeValue : public po::typed_value<T> {
 public:
  NonNegativeValue() : po::typed_value<T>(nullptr) {}
  void xparse(boost::any& store, const std::vector<std::string>& tokens) const override {
    for (const auto& t : tokens) {
      const auto i = t.find_first_not_of(" \t");
      if (i != std::string::npos && t[i] == '-') throw NegativeValue(t);
    }
    po::typed_value<T>::xparse(store, tokens);
  }
};

// A default as the user would type it: 0.15, not 0.14999999999999999.
std::string text_of(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}
std::string text_of(bool v) { return v ? "true" : "false"; }

// Platform keys that are lists ("0,1,2,3") stay strings in program_options and are split here.
std::vector<uint32_t> parse_list(const std::string& text, const std::string& where) {
  std::vector<uint32_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      size_t used = 0;
      long v = std::stol(item, &used);
      if (used != item.size() || v < 0) throw std::invalid_argument(item);
      out.push_back(static_cast<uint32_t>(v));
    } catch (const std::exception&) {
      fail(where, "'" + item + "' is not a node number", "comma-separated non-negative integers");
    }
  }
  return out;
}

// The platform keys, shared by the command line and INI files. Defaults equal PlatformParams{}.
// The array keys are the only ones `layers` uses; the rest describe the machine around it.
po::options_description array_keys() {
  const ArrayParams d;
  po::options_description o("Systolic array (flags, or keys of a --platform INI file; flag wins)");
  o.add_options()
      ("array-rows", count<uint32_t>()->default_value(d.rows), "systolic array rows R")
      ("array-cols", count<uint32_t>()->default_value(d.cols), "systolic array columns C")
      ("dataflow", po::value<std::string>()->default_value(to_string(d.dataflow)), "array dataflow: os, ws or is")
      ("vector-lanes", count<uint32_t>()->default_value(d.vector_lanes), "lanes of the element-wise vector unit")
      ("sparsity", po::value<bool>()->default_value(d.sparsity, text_of(d.sparsity)), "skip zero spikes in the F and G GEMMs (true/false)")
      ("firing-rate", po::value<double>()->default_value(d.firing_rate, text_of(d.firing_rate)), "spike firing rate used when sparsity is on, (0, 1]");
  return o;
}

po::options_description machine_keys() {
  const PlatformParams d;
  po::options_description o("Processors, memory and NoC (flags, or keys of a --platform INI file; flag wins)");
  o.add_options()
      ("processors", count<uint32_t>()->default_value(d.processors), "number of systolic processors")
      ("clock-ghz", po::value<double>()->default_value(d.clock_ghz, text_of(d.clock_ghz)), "clock frequency, GHz (cycles -> seconds)")
      ("sram-bytes", count<uint64_t>()->default_value(d.processor.sram_bytes), "local SRAM per processor, bytes")
      ("overlap-units", po::value<bool>()->default_value(d.processor.overlap_units, text_of(d.processor.overlap_units)), "let the next op's array part start while the vector unit finishes (true/false; schedulers do not predict it)")
      ("noc-topology", po::value<std::string>()->default_value(to_string(d.noc.topology)), "mesh, torus, ring or crossbar")
      ("noc-cols", count<uint32_t>()->default_value(0), "NoC columns (ring: nodes); 0 = smallest fitting the processors")
      ("noc-rows", count<uint32_t>()->default_value(0), "NoC rows; 0 = smallest fitting the processors")
      ("noc-link-bytes", po::value<double>()->default_value(d.noc.link_bytes_per_cycle, text_of(d.noc.link_bytes_per_cycle)), "link bandwidth, bytes/cycle")
      ("noc-router-latency", count<uint64_t>()->default_value(d.noc.router_latency), "router latency per hop, cycles")
      ("noc-packet-bytes", count<uint32_t>()->default_value(d.noc.packet_bytes), "maximum payload of one packet, bytes")
      ("processor-nodes", po::value<std::string>()->default_value(""), "NoC node of each processor, comma-separated (default: processor p on node p)")
      ("dram-channels", count<uint32_t>()->default_value(d.memory.channels), "DRAM channels")
      ("dram-channel-bytes", po::value<double>()->default_value(d.memory.channel_bytes_per_cycle, text_of(d.memory.channel_bytes_per_cycle)), "bandwidth per DRAM channel, bytes/cycle")
      ("dram-latency", count<uint64_t>()->default_value(d.memory.latency), "DRAM access latency, cycles")
      ("dram-interleave", count<uint32_t>()->default_value(d.memory.interleave_bytes), "address interleaving across channels, bytes")
      ("dram-nodes", po::value<std::string>()->default_value(""), "NoC nodes of the memory controllers, comma-separated (default: node 0)");
  return o;
}

// Every key a platform file may hold (a file written for `run` also serves `layers`).
po::options_description platform_keys() {
  po::options_description o;
  o.add(machine_keys()).add(array_keys());
  return o;
}

fs::path configs_dir() { return data_dir("configs", SPIKEPIPE_CONFIGS_DIR); }

fs::path platform_file(const std::string& name_or_path) {
  fs::path p(name_or_path);
  if (p.extension() == ".cfg" || p.has_parent_path() || fs::exists(p)) {
    if (!fs::exists(p)) fail("--platform", "no such file '" + name_or_path + "'");
    return p;
  }
  fs::path preset = configs_dir() / (name_or_path + ".cfg");
  if (!fs::exists(preset)) {
    std::string allowed;
    for (const auto& n : platform_presets()) allowed += (allowed.empty() ? "" : ", ") + n;
    fail("--platform", "unknown platform '" + name_or_path + "'", allowed + ", or a path to an INI file");
  }
  return preset;
}

template <class T>
T get(const po::variables_map& vm, const char* key) {
  return vm[key].as<T>();
}

// Smallest near-square mesh (cols >= rows) with at least n nodes.
void auto_dims(uint32_t n, uint32_t& cols, uint32_t& rows) {
  rows = static_cast<uint32_t>(std::floor(std::sqrt(static_cast<double>(n))));
  if (rows == 0) rows = 1;
  cols = (n + rows - 1) / rows;
}

uint32_t hops_between(const NocParams& noc, uint32_t a, uint32_t b) {
  if (noc.topology == Topology::Crossbar) return a == b ? 0 : 1;
  if (noc.topology == Topology::Ring) {
    uint32_t d = a > b ? a - b : b - a;
    return std::min(d, noc.cols - d);
  }
  uint32_t dx = a % noc.cols > b % noc.cols ? a % noc.cols - b % noc.cols : b % noc.cols - a % noc.cols;
  uint32_t dy = a / noc.cols > b / noc.cols ? a / noc.cols - b / noc.cols : b / noc.cols - a / noc.cols;
  if (noc.topology == Topology::Torus) {
    dx = std::min(dx, noc.cols - dx);
    dy = std::min(dy, noc.rows - dy);
  }
  return dx + dy;
}

}  // namespace

po::options_description network_options() {
  po::options_description o("Network");
  o.add_options()
      ("network", po::value<std::string>()->default_value("mnist-fc"),
       "preset (mnist-fc, fmnist-conv, cifar10-vgg) or path to a network YAML file")
      ("topology", po::value<std::string>(), "SCALE-Sim topology CSV instead of --network")
      ("topology-format", po::value<std::string>()->default_value("conv"), "format of --topology: conv or gemm")
      ("timesteps", count<uint32_t>()->default_value(0), "time steps T (0 = the network's own; topologies: 20)")
      ("batch", count<uint32_t>()->default_value(0), "mini-batch size B (0 = the network's own; topologies: 32)")
      ("act-bits", count<uint32_t>()->default_value(0), "bits of errors and membrane potentials (0 = the network's own; topologies: 16)")
      ("weight-bits", count<uint32_t>()->default_value(0), "bits of weights and gradients (0 = the network's own; topologies: 16)");
  return o;
}

Network network_from(const po::variables_map& vm) {
  const uint32_t T = get<uint32_t>(vm, "timesteps"), B = get<uint32_t>(vm, "batch");
  const uint32_t act = get<uint32_t>(vm, "act-bits"), wb = get<uint32_t>(vm, "weight-bits");
  Network net;
  if (vm.count("topology")) {
    if (!vm["network"].defaulted()) fail("--topology", "give either --network or --topology, not both");
    TopologySnnParams snn;
    if (T) snn.timesteps = T;
    if (B) snn.batch = B;
    if (act) snn.act_bits = act;
    if (wb) snn.weight_bits = wb;
    net = import_topology(get<std::string>(vm, "topology"),
                          parse_topology_format(get<std::string>(vm, "topology-format"), "--topology-format"),
                          snn);
  } else {
    net = load_network(get<std::string>(vm, "network"));
    if (T) net.timesteps = T;
    if (B) net.batch = B;
    if (act) net.act_bits = act;
    if (wb) net.weight_bits = wb;
  }
  validate(net);
  return net;
}

std::vector<std::string> platform_presets() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(configs_dir(), ec)) {
    if (e.path().extension() == ".cfg") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

std::string platform_help(bool array_only) {
  const PlatformParams d;
  const ArrayParams& a = d.processor.array;
  uint32_t cols = 0, rows = 0;
  auto_dims(d.processors, cols, rows);
  std::string presets;
  for (const auto& n : platform_presets()) presets += (presets.empty() ? "" : ", ") + n;
  std::string h = "preset (" + presets + ") or path to a platform INI file; flags below override ";
  if (array_only) return h + "its keys (only its array keys are used here); absent: the built-in " +
                         std::to_string(a.rows) + "x" + std::to_string(a.cols) + " " +
                         to_string(a.dataflow) + " array, the defaults below";
  return h + "its keys; absent: the built-in platform, the defaults below: " +
         std::to_string(d.processors) + " processors with " + std::to_string(a.rows) + "x" +
         std::to_string(a.cols) + " " + to_string(a.dataflow) + " arrays and " +
         std::to_string(d.processor.sram_bytes / 1024) + " KiB SRAM each, a " +
         std::to_string(cols) + "x" + std::to_string(rows) + " " + to_string(d.noc.topology) +
         " NoC of " + text_of(d.noc.link_bytes_per_cycle) + " bytes/cycle links, " +
         std::to_string(d.memory.channels) +
         (d.memory.channels == 1 ? " DRAM channel of " : " DRAM channels of ") +
         text_of(d.memory.channel_bytes_per_cycle) + " bytes/cycle";
}

// The command line merged with the --platform file (if any) and the built-in defaults, and where
// each value came from, so that an error names the flag, or the file and key, the user wrote.
struct Merged {
  const po::variables_map& cli;
  po::variables_map vm;
  std::string file;  // empty: no --platform

  // "--array-rows" (a flag), "mesh8.cfg: array-rows" (the file) or "array-rows" (built in).
  std::string origin(const std::string& key) const {
    if (cli.count(key) && !cli[key].defaulted()) return "--" + key;
    if (!file.empty() && vm.count(key) && !vm[key].defaulted()) return file + ": " + key;
    return key;
  }
  // Runs a range check written with bare key names ("array-rows = 0 (allowed ...)") and puts
  // the origin of the key it names in front.
  template <class F>
  void check(F&& f) const {
    try {
      f();
    } catch (const Error& e) {
      const std::string msg = e.what();
      const size_t n = msg.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-");
      const std::string key = msg.substr(0, n);
      if (key.empty() || !platform_keys().find_nothrow(key, false)) throw;
      throw Error(origin(key) + msg.substr(key.size()));
    }
  }
};

Merged merge(const po::variables_map& cli_vm) {
  Merged m{cli_vm, cli_vm, {}};  // flags already stored; a file fills only what they left default
  const po::options_description keys = platform_keys();
  if (cli_vm.count("platform")) {
    const fs::path file = platform_file(cli_vm["platform"].as<std::string>());
    m.file = file.string();
    std::ifstream in(file);
    if (!in) fail(m.file, "cannot read the platform file");
    try {
      po::store(po::parse_config_file(in, keys, /*allow_unregistered=*/false), m.vm);
    } catch (const po::unknown_option& e) {
      fail(m.file, e.what(),
           "the flags of `spikepipe run --help` under \"Processors, memory and NoC\" and "
           "\"Systolic array\", without the --");
    } catch (const po::error& e) {
      fail(m.file, e.what());
    }
  }
  // Built-in defaults for the keys the command did not declare (`layers` has no NoC flags).
  po::store(po::parsed_options(&keys), m.vm);
  return m;
}

ArrayParams array_of(const Merged& m) {
  ArrayParams a;
  a.rows = get<uint32_t>(m.vm, "array-rows");
  a.cols = get<uint32_t>(m.vm, "array-cols");
  a.dataflow = parse_dataflow(get<std::string>(m.vm, "dataflow"), m.origin("dataflow"));
  a.vector_lanes = get<uint32_t>(m.vm, "vector-lanes");
  a.sparsity = get<bool>(m.vm, "sparsity");
  a.firing_rate = get<double>(m.vm, "firing-rate");
  return a;
}

}  // namespace

po::options_description platform_options() {
  po::options_description o("Platform");
  o.add_options()("platform", po::value<std::string>(), platform_help(false).c_str());
  o.add(platform_keys());
  return o;
}

po::options_description array_options() {
  po::options_description o("Platform");
  o.add_options()("platform", po::value<std::string>(), platform_help(true).c_str());
  o.add(array_keys());
  return o;
}

ArrayParams array_from(const po::variables_map& cli_vm) {
  const Merged m = merge(cli_vm);
  const ArrayParams a = array_of(m);
  m.check([&] { a.validate(""); });
  return a;
}

PlatformParams platform_from(const po::variables_map& cli_vm) {
  const Merged m = merge(cli_vm);
  const po::variables_map& vm = m.vm;
  PlatformParams p;
  p.name.clear();  // validate() names keys after it; the origin is added by check()
  p.processors = get<uint32_t>(vm, "processors");
  p.clock_ghz = get<double>(vm, "clock-ghz");
  p.processor.array = array_of(m);
  p.processor.sram_bytes = get<uint64_t>(vm, "sram-bytes");
  p.processor.overlap_units = get<bool>(vm, "overlap-units");
  auto& n = p.noc;
  n.topology = parse_topology(get<std::string>(vm, "noc-topology"), m.origin("noc-topology"));
  n.cols = get<uint32_t>(vm, "noc-cols");
  n.rows = get<uint32_t>(vm, "noc-rows");
  if (n.cols == 0 && n.rows == 0) {
    if (n.topology == Topology::Ring || n.topology == Topology::Crossbar) {
      n.cols = p.processors;
      n.rows = 1;
    } else {
      auto_dims(p.processors, n.cols, n.rows);
    }
  } else if (n.cols == 0 || n.rows == 0) {
    if (n.topology == Topology::Ring && n.cols) {
      n.rows = 1;
    } else {
      fail(m.origin(n.cols ? "noc-cols" : "noc-rows"),
           "noc-cols and noc-rows must both be set or both be 0 (auto)");
    }
  }
  n.link_bytes_per_cycle = get<double>(vm, "noc-link-bytes");
  n.router_latency = get<uint64_t>(vm, "noc-router-latency");
  n.packet_bytes = get<uint32_t>(vm, "noc-packet-bytes");
  n.processor_nodes =
      parse_list(get<std::string>(vm, "processor-nodes"), m.origin("processor-nodes"));
  auto& mem = p.memory;
  mem.channels = get<uint32_t>(vm, "dram-channels");
  mem.channel_bytes_per_cycle = get<double>(vm, "dram-channel-bytes");
  mem.latency = get<uint64_t>(vm, "dram-latency");
  mem.interleave_bytes = get<uint32_t>(vm, "dram-interleave");
  mem.controller_nodes = parse_list(get<std::string>(vm, "dram-nodes"), m.origin("dram-nodes"));
  // The checks run without a name; the error then gets the origin of the key it is about.
  m.check([&] { p.validate(); });
  p.name = m.file.empty() ? PlatformParams{}.name : fs::path(m.file).stem().string();
  return p;
}

po::options_description scheduler_options() {
  const SchedulerOptions d;
  po::options_description o("Schedule");
  o.add_options()
      ("scheduler", po::value<std::string>()->default_value("spikepipe"),
       "sequential, gpipe, pipedream or spikepipe")
      ("split", po::bool_switch(), "spikepipe: allow splitting a GEMM over processors by output columns")
      ("micro-batches", count<uint32_t>()->default_value(d.micro_batches), "gpipe: micro-batches per mini-batch");
  return o;
}

SchedulerOptions scheduler_options_from(const po::variables_map& vm, const PlatformParams& p) {
  SchedulerOptions o;
  o.processors = p.processors;
  o.split = vm.count("split") && vm["split"].as<bool>();
  o.micro_batches = get<uint32_t>(vm, "micro-batches");
  o.link_bytes_per_cycle = p.noc.link_bytes_per_cycle;
  o.hop_latency = p.noc.router_latency;
  o.dram_latency = p.memory.latency;
  o.dram_bytes_per_cycle = p.memory.channel_bytes_per_cycle;
  // Mean hop count over ordered pairs of distinct processors, from their placement.
  std::vector<uint32_t> node(p.processors);
  for (uint32_t i = 0; i < p.processors; ++i) {
    node[i] = i < p.noc.processor_nodes.size() ? p.noc.processor_nodes[i] : i;
  }
  double sum = 0;
  uint64_t pairs = 0;
  for (uint32_t i = 0; i < p.processors; ++i) {
    for (uint32_t j = 0; j < p.processors; ++j) {
      if (i == j) continue;
      sum += hops_between(p.noc, node[i], node[j]);
      ++pairs;
    }
  }
  o.mean_hops = pairs ? sum / static_cast<double>(pairs) : 0.0;
  try {
    o.validate();
  } catch (const Error& e) {
    // "scheduler options: processors = 100000 (...)": name the flag or file the count came from.
    const std::string msg = e.what(), prefix = "scheduler options: ";
    if (msg.rfind(prefix, 0) != 0) throw;
    const std::string rest = msg.substr(prefix.size());
    const std::string key = rest.substr(0, rest.find(' '));
    if (!vm.count(key)) throw;
    if (!vm[key].defaulted()) throw Error("--" + rest);
    if (key == "processors" && vm.count("platform"))
      throw Error(platform_file(vm["platform"].as<std::string>()).string() + ": " + rest);
    throw;
  }
  return o;
}

template <class T>
po::typed_value<T>* count() {
  return new NonNegativeValue<T>();
}
template po::typed_value<uint32_t>* count<uint32_t>();
template po::typed_value<uint64_t>* count<uint64_t>();

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
bool listed(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The flag a stray word was probably meant for ("fmnist-conv" -> --network), if the command has it.
std::string meant_flag(const std::string& word, const po::options_description& desc) {
  auto has = [&](const char* k) { return desc.find_nothrow(k, false) != nullptr; };
  if (has("network") && (listed(network_presets(), word) || ends_with(word, ".yaml") ||
                         ends_with(word, ".yml")))
    return "--network";
  if (has("topology") && ends_with(word, ".csv")) return "--topology";
  if (has("platform") && (listed(platform_presets(), word) || ends_with(word, ".cfg")))
    return "--platform";
  if (has("scheduler")) {
    for (const auto& e : schedulers())
      if (word == e.name) return "--scheduler";
  }
  return "";
}

}  // namespace

std::optional<po::variables_map> parse(const Args& args, const po::options_description& desc,
                                       const std::string& usage) {
  po::options_description all;
  all.add_options()("help,h", "show this help and exit");
  all.add(desc);
  const std::string help_hint = "see `spikepipe " + usage.substr(0, usage.find(' ')) + " --help`";
  po::variables_map vm;
  try {
    const po::parsed_options parsed = po::command_line_parser(args).options(all).run();
    // Without a positional description boost keeps stray words under an empty key, and store()
    // drops them: `run fmnist-conv` would quietly run the default network.
    for (const auto& o : parsed.options) {
      if (!o.string_key.empty()) continue;
      const std::string word = o.original_tokens.empty() ? "" : o.original_tokens.front();
      const std::string flag = meant_flag(word, all);
      fail("", "unexpected argument '" + word + "'" +
                   (flag.empty() ? "" : " (did you mean " + flag + " " + word + "?)"),
           "options only; " + help_hint);
    }
    po::store(parsed, vm);
    if (vm.count("help")) {
      std::cout << "usage: spikepipe " << usage << "\n\n" << all << "\n";
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const NegativeValue& e) {
    fail("", e.what());
  } catch (const po::error& e) {
    fail("", e.what(), help_hint);
  }
  return vm;
}

}  // namespace spikepipe::cli

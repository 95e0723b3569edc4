// Each shared option is declared once here: the declaration is the CLI flag, the INI key of a
// platform file, the default and the --help line.
#include "spikepipe/platform/options.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "spikepipe/workloads/error.h"
#include "spikepipe/workloads/topology.h"

namespace spikepipe::cli {

namespace fs = std::filesystem;

namespace {

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
po::options_description platform_keys() {
  const PlatformParams d;
  po::options_description o("Platform (flags, or keys of a --platform INI file; flag wins)");
  o.add_options()
      ("processors", po::value<uint32_t>()->default_value(d.processors), "number of systolic processors")
      ("clock-ghz", po::value<double>()->default_value(d.clock_ghz), "clock frequency, GHz (cycles -> seconds)")
      ("array-rows", po::value<uint32_t>()->default_value(d.processor.array.rows), "systolic array rows R")
      ("array-cols", po::value<uint32_t>()->default_value(d.processor.array.cols), "systolic array columns C")
      ("dataflow", po::value<std::string>()->default_value(to_string(d.processor.array.dataflow)), "array dataflow: os, ws or is")
      ("vector-lanes", po::value<uint32_t>()->default_value(d.processor.array.vector_lanes), "lanes of the element-wise vector unit")
      ("sparsity", po::value<bool>()->default_value(d.processor.array.sparsity), "skip zero spikes in the F and G GEMMs (true/false)")
      ("firing-rate", po::value<double>()->default_value(d.processor.array.firing_rate), "spike firing rate used when sparsity is on, (0, 1]")
      ("sram-bytes", po::value<uint64_t>()->default_value(d.processor.sram_bytes), "local SRAM per processor, bytes")
      ("overlap-units", po::value<bool>()->default_value(d.processor.overlap_units), "let the next op's array part start while the vector unit finishes (true/false; schedulers do not predict it)")
      ("noc-topology", po::value<std::string>()->default_value(to_string(d.noc.topology)), "mesh, torus, ring or crossbar")
      ("noc-cols", po::value<uint32_t>()->default_value(0), "NoC columns (ring: nodes); 0 = smallest fitting the processors")
      ("noc-rows", po::value<uint32_t>()->default_value(0), "NoC rows; 0 = smallest fitting the processors")
      ("noc-link-bytes", po::value<double>()->default_value(d.noc.link_bytes_per_cycle), "link bandwidth, bytes/cycle")
      ("noc-router-latency", po::value<uint64_t>()->default_value(d.noc.router_latency), "router latency per hop, cycles")
      ("noc-packet-bytes", po::value<uint32_t>()->default_value(d.noc.packet_bytes), "maximum payload of one packet, bytes")
      ("processor-nodes", po::value<std::string>()->default_value(""), "NoC node of each processor, comma-separated (default: processor p on node p)")
      ("dram-channels", po::value<uint32_t>()->default_value(d.memory.channels), "DRAM channels")
      ("dram-channel-bytes", po::value<double>()->default_value(d.memory.channel_bytes_per_cycle), "bandwidth per DRAM channel, bytes/cycle")
      ("dram-latency", po::value<uint64_t>()->default_value(d.memory.latency), "DRAM access latency, cycles")
      ("dram-interleave", po::value<uint32_t>()->default_value(d.memory.interleave_bytes), "address interleaving across channels, bytes")
      ("dram-nodes", po::value<std::string>()->default_value(""), "NoC nodes of the memory controllers, comma-separated (default: node 0)");
  return o;
}

fs::path platform_file(const std::string& name_or_path) {
  fs::path p(name_or_path);
  if (p.extension() == ".cfg" || p.has_parent_path() || fs::exists(p)) {
    if (!fs::exists(p)) fail("--platform", "no such file '" + name_or_path + "'");
    return p;
  }
  fs::path preset = fs::path(SPIKEPIPE_CONFIGS_DIR) / (name_or_path + ".cfg");
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
      ("timesteps", po::value<uint32_t>()->default_value(0), "time steps T (0 = the network's own; topologies: 20)")
      ("batch", po::value<uint32_t>()->default_value(0), "mini-batch size B (0 = the network's own; topologies: 32)")
      ("act-bits", po::value<uint32_t>()->default_value(0), "bits of errors and membrane potentials (0 = the network's own; topologies: 16)")
      ("weight-bits", po::value<uint32_t>()->default_value(0), "bits of weights and gradients (0 = the network's own; topologies: 16)");
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
  for (const auto& e : fs::directory_iterator(SPIKEPIPE_CONFIGS_DIR, ec)) {
    if (e.path().extension() == ".cfg") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

po::options_description platform_options() {
  po::options_description o("Platform");
  o.add_options()("platform", po::value<std::string>(),
                  "preset (mesh4, mesh8, mesh16, mesh64) or path to a platform INI file; "
                  "flags below override its keys");
  o.add(platform_keys());
  return o;
}

PlatformParams platform_from(const po::variables_map& cli_vm) {
  po::variables_map vm = cli_vm;  // flags already stored; a file fills only what they left default
  std::string where = "command line";
  PlatformParams p;
  if (vm.count("platform")) {
    const fs::path file = platform_file(vm["platform"].as<std::string>());
    where = file.string();
    p.name = file.stem().string();
    std::ifstream in(file);
    if (!in) fail(where, "cannot read the platform file");
    try {
      po::store(po::parse_config_file(in, platform_keys(), /*allow_unregistered=*/false), vm);
    } catch (const po::error& e) {
      fail(where, e.what(), "the keys of `spikepipe run --help`, section Platform");
    }
  }
  p.processors = get<uint32_t>(vm, "processors");
  p.clock_ghz = get<double>(vm, "clock-ghz");
  auto& a = p.processor.array;
  a.rows = get<uint32_t>(vm, "array-rows");
  a.cols = get<uint32_t>(vm, "array-cols");
  a.dataflow = parse_dataflow(get<std::string>(vm, "dataflow"), where + ": dataflow");
  a.vector_lanes = get<uint32_t>(vm, "vector-lanes");
  a.sparsity = get<bool>(vm, "sparsity");
  a.firing_rate = get<double>(vm, "firing-rate");
  p.processor.sram_bytes = get<uint64_t>(vm, "sram-bytes");
  p.processor.overlap_units = get<bool>(vm, "overlap-units");
  auto& n = p.noc;
  n.topology = parse_topology(get<std::string>(vm, "noc-topology"), where + ": noc-topology");
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
      fail(where, "noc-cols and noc-rows must both be set or both be 0 (auto)");
    }
  }
  n.link_bytes_per_cycle = get<double>(vm, "noc-link-bytes");
  n.router_latency = get<uint64_t>(vm, "noc-router-latency");
  n.packet_bytes = get<uint32_t>(vm, "noc-packet-bytes");
  n.processor_nodes = parse_list(get<std::string>(vm, "processor-nodes"), where + ": processor-nodes");
  auto& m = p.memory;
  m.channels = get<uint32_t>(vm, "dram-channels");
  m.channel_bytes_per_cycle = get<double>(vm, "dram-channel-bytes");
  m.latency = get<uint64_t>(vm, "dram-latency");
  m.interleave_bytes = get<uint32_t>(vm, "dram-interleave");
  m.controller_nodes = parse_list(get<std::string>(vm, "dram-nodes"), where + ": dram-nodes");
  if (where != "command line") p.name = fs::path(where).stem().string();
  // Range checks name the file when the value came from one; a flag's value is named as a flag.
  try {
    p.validate();
  } catch (const Error& e) {
    if (where == "command line") throw;
    fail(where, e.what());
  }
  return p;
}

po::options_description scheduler_options() {
  const SchedulerOptions d;
  po::options_description o("Schedule");
  o.add_options()
      ("scheduler", po::value<std::string>()->default_value("spikepipe"),
       "sequential, gpipe, pipedream or spikepipe")
      ("split", po::bool_switch(), "spikepipe: allow splitting a GEMM over processors by output columns")
      ("micro-batches", po::value<uint32_t>()->default_value(d.micro_batches), "gpipe: micro-batches per mini-batch");
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
  o.validate();
  return o;
}

std::optional<po::variables_map> parse(const Args& args, const po::options_description& desc,
                                       const std::string& usage) {
  po::options_description all;
  all.add_options()("help,h", "show this help and exit");
  all.add(desc);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: spikepipe " << usage << "\n\n" << all << "\n";
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    fail("", e.what(), "see `spikepipe " + usage.substr(0, usage.find(' ')) + " --help`");
  }
  return vm;
}

}  // namespace spikepipe::cli

// Each shared option is declared once here: the declaration is the CLI flag, the INI key of a
// platform file, the default and the --help line.
#include "spikepipe/cli/options.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "spikepipe/core/text.h"
#include "spikepipe/platform/config.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/topology.h"

namespace spikepipe::cli {

namespace fs = std::filesystem;

namespace {

// boost converts "-3" to 4294967293 for an unsigned option; this refuses a leading minus before
// the conversion, for flags and INI keys alike. The message names the option (%canonical_option%
// is the flag, or the key in a file).
class RangeError : public po::error_with_option_name {
 public:
  explicit RangeError(const std::string& msg) : po::error_with_option_name("%canonical_option%: " + msg) {}
};

// A whole number in lo .. hi, read exactly: "2.5", "1e3", "-1" and values past the type are
// refused with the range, before boost converts (it would wrap "-3" to 4294967293 in a uint32_t
// or say only "the argument is invalid").
template <class T>
class WholeValue : public po::typed_value<T> {
 public:
  WholeValue(int64_t lo, int64_t hi) : po::typed_value<T>(nullptr), lo_(lo), hi_(hi) {}
  void xparse(boost::any& store, const std::vector<std::string>& tokens) const override {
    const std::string range = std::to_string(lo_) + " .. " + std::to_string(hi_);
    for (const auto& raw : tokens) {
      const std::string t = raw.substr(0, raw.find_last_not_of(" \t") + 1);
      const size_t i = t.find_first_not_of(" \t");
      const std::string v = i == std::string::npos ? "" : t.substr(i);
      const size_t digits = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
      if (v.size() == digits || v.find_first_not_of("0123456789", digits) != std::string::npos)
        throw RangeError("'" + printable(v) + "' is not a whole number (allowed: " + range + ")");
      errno = 0;
      const long long n = std::strtoll(v.c_str(), nullptr, 10);
      if (errno == ERANGE || n < lo_ || n > hi_)
        throw RangeError(v + " is out of range (allowed: " + range + ")");
    }
    po::typed_value<T>::xparse(store, tokens);
  }

 private:
  int64_t lo_, hi_;
};

std::string text_of(double v) { return number_text(v); }

// The platform keys, declared once in core (platform_config.h): each becomes a flag taking its
// text, and a flag the user gave becomes a setting over the --platform file.
po::options_description keys_group(bool array_only, const char* title) {
  po::options_description o(title);
  for (const PlatformKey& k : platform_keys()) {
    if (array_only && !k.array) continue;
    o.add_options()(k.name.c_str(), po::value<std::string>()->default_value(k.default_text),
                    k.help.c_str());
  }
  return o;
}

template <class T>
T get(const po::variables_map& vm, const char* key) {
  return vm[key].as<T>();
}

// The flags the user gave, as settings (in declaration order: each key is given at most once).
std::vector<Setting> flag_settings(const po::variables_map& vm, bool array_only) {
  std::vector<Setting> out;
  for (const PlatformKey& k : platform_keys()) {
    if (array_only && !k.array) continue;
    if (!vm.count(k.name) || vm[k.name].defaulted()) continue;
    out.push_back({k.name, vm[k.name].as<std::string>(), "--" + k.name});
  }
  return out;
}

std::string platform_arg(const po::variables_map& vm) {
  return vm.count("platform") ? vm["platform"].as<std::string>() : std::string();
}

}  // namespace

po::options_description network_options() {
  po::options_description o("Network");
  o.add_options()
      ("network", po::value<std::string>()->default_value("mnist-fc"),
       "preset (mnist-fc, fmnist-conv, cifar10-vgg, cifar10-vgg16) or path to a network YAML or NIR (.nir) file")
      ("nir-dt", po::value<double>()->default_value(1.0), "NIR files: the time step in the file's time unit (lambda = 1 - dt/tau)")
      ("topology", po::value<std::string>(), "SCALE-Sim topology CSV instead of --network")
      ("topology-format", po::value<std::string>()->default_value("conv"), "format of --topology: conv or gemm")
      ("timesteps", whole<uint32_t>(0, 1 << 20)->default_value(0), "time steps T, 1 .. 1048576 (0 = the network's own; topologies: 20)")
      ("batch", whole<uint32_t>(0, 1 << 20)->default_value(0), "mini-batch size B, 1 .. 1048576 (0 = the network's own; topologies: 32)")
      ("act-bits", whole<uint32_t>(0, 64)->default_value(0), "bits of errors and membrane potentials, 1 .. 64 (0 = the network's own; topologies: 16)")
      ("weight-bits", whole<uint32_t>(0, 64)->default_value(0), "bits of weights and gradients, 1 .. 64 (0 = the network's own; topologies: 16)");
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
    NetworkLoadOptions load;
    if (vm.count("nir-dt")) load.nir_dt = vm["nir-dt"].as<double>();
    net = load_network(get<std::string>(vm, "network"), load);
    if (T) net.timesteps = T;
    if (B) net.batch = B;
    if (act) net.act_bits = act;
    if (wb) net.weight_bits = wb;
  }
  validate(net);
  return net;
}

namespace {

std::string platform_help(bool array_only) {
  const PlatformParams d;
  const ArrayParams& a = d.processor.array;
  NocParams noc;
  noc.cols = noc.rows = 0;
  noc.auto_size(d.processors);
  const uint32_t cols = noc.cols, rows = noc.rows;
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

}  // namespace

po::options_description platform_options() {
  po::options_description o("Platform");
  o.add_options()("platform", po::value<std::string>(), platform_help(false).c_str());
  o.add(keys_group(false, "Processors, memory, NoC and array (flags, or keys of a --platform INI file; flag wins)"));
  return o;
}

po::options_description array_options() {
  po::options_description o("Platform");
  o.add_options()("platform", po::value<std::string>(), platform_help(true).c_str());
  o.add(keys_group(true, "Systolic array (flags, or keys of a --platform INI file; flag wins)"));
  return o;
}

ArrayParams array_from(const po::variables_map& vm) {
  std::vector<Setting> all = platform_settings(platform_arg(vm), "--platform");
  const std::vector<Setting> flags = flag_settings(vm, true);
  all.insert(all.end(), flags.begin(), flags.end());
  return make_array(all);
}

PlatformParams platform_from(const po::variables_map& vm) {
  std::vector<Setting> all = platform_settings(platform_arg(vm), "--platform");
  const std::vector<Setting> flags = flag_settings(vm, false);
  all.insert(all.end(), flags.begin(), flags.end());
  const std::string arg = platform_arg(vm);
  return make_platform(all, arg.empty() ? PlatformParams{}.name : fs::path(arg).stem().string());
}

std::string scheduler_names() {
  std::string names;
  for (const auto& e : schedulers()) names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names;
}

po::options_description scheduler_options() {
  const SchedulerOptions d;
  po::options_description o("Schedule");
  o.add_options()
      ("scheduler", po::value<std::string>()->default_value("spikepipe"), scheduler_names().c_str())
      ("split", po::bool_switch(),
       "spikepipe only: let a GEMM be cut over several processors (per task the cheapest cut: "
       "output columns, output neurons kept local across F/D/G/U, or samples with summed "
       "partial gradients)")
      ("micro-batches", whole<uint32_t>(1, 1 << 20)->default_value(d.micro_batches),
       "gpipe only: micro-batches per mini-batch, 1 .. batch")
      ("recompute", po::bool_switch(),
       "gpipe only: re-materialisation: each stage keeps only its input and re-runs its forward "
       "before each micro-batch's backward instead of stashing activations (less SRAM, more "
       "compute; the predicted period includes it)")
      ("memory", po::value<std::string>()->default_value(to_string(d.memory)),
       "every scheduler: how a schedule meets each processor's sram-bytes: fit (refuse a "
       "schedule that does not fit), spill (stashed tensors that do not fit go to DRAM as timed "
       "writes and reads), recompute (re-run F before D instead of stashing; the rest spilled), "
       "auto (the faster of spill and recompute); the predicted period includes it");
  return o;
}

void check_applicable(const po::variables_map& vm, const std::string& scheduler) {
  const SchedulerEntry* e = find_scheduler(scheduler);
  if (!e) return;  // make_schedule names the known ones
  auto takers = [](bool SchedulerEntry::*what) {
    std::string names;
    for (const auto& x : schedulers())
      if (x.*what) names += (names.empty() ? "" : ", ") + std::string(x.name);
    return names;
  };
  if (vm.count("split") && vm["split"].as<bool>() && !e->splits)
    fail("--split", "does not apply to --scheduler " + scheduler,
         "--split with " + takers(&SchedulerEntry::splits) + "; or no --split");
  if (vm.count("micro-batches") && !vm["micro-batches"].defaulted() && !e->micro_batches)
    fail("--micro-batches", "does not apply to --scheduler " + scheduler,
         "--micro-batches with " + takers(&SchedulerEntry::micro_batches) +
             "; or no --micro-batches");
  if (vm.count("recompute") && vm["recompute"].as<bool>() && !e->recompute)
    fail("--recompute", "does not apply to --scheduler " + scheduler,
         "--recompute with " + takers(&SchedulerEntry::recompute) + "; or no --recompute");
}

SchedulerOptions scheduler_options_from(const po::variables_map& vm, const PlatformParams& p) {
  SchedulerOptions o = SchedulerOptions::for_platform(p);
  o.split = vm.count("split") && vm["split"].as<bool>();
  o.micro_batches = get<uint32_t>(vm, "micro-batches");
  o.recompute = vm.count("recompute") && vm["recompute"].as<bool>();
  if (vm.count("memory")) o.memory = parse_memory_mode(vm["memory"].as<std::string>(), "--memory");
  if (o.micro_batches == 0) fail("--micro-batches", "0 is out of range", "1 .. batch");
  o.validate();
  // After two seconds, one line on stderr per step, at most one every two seconds.
  const auto t0 = std::chrono::steady_clock::now();
  auto last = std::make_shared<double>(0.0);
  o.progress = [t0, last](const std::string& what) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < 2.0 || s - *last < 2.0) return;
    *last = s;
    std::cerr << "spikepipe: scheduling: " << what << " (" << int(s) << " s)\n";
  };
  return o;
}

template <class T>
po::typed_value<T>* whole(int64_t lo, int64_t hi) {
  return new WholeValue<T>(lo, hi);
}
template po::typed_value<uint32_t>* whole<uint32_t>(int64_t, int64_t);
template po::typed_value<int64_t>* whole<int64_t>(int64_t, int64_t);

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
                         ends_with(word, ".nir") ||
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
  } catch (const RangeError& e) {
    fail("", e.what());
  } catch (const po::error& e) {
    fail("", e.what(), help_hint);
  }
  return vm;
}

}  // namespace spikepipe::cli

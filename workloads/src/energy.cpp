// METHOD.md §8 and docs/ENERGY.md: the action table, its file, and the actions of one task.
#include "spikepipe/workloads/energy.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"

namespace spikepipe {

namespace {

// Every numeric key, with where it lives in the table. The text (unit, meaning, source) is the one
// documentation of the default figures; docs/ENERGY.md repeats it with the reasoning.
struct NumericKey {
  EnergyKey key;
  double EnergyTable::*field;
};


const std::vector<NumericKey>& numeric_keys() {
  static const std::vector<NumericKey> keys = {
      {{"mac8_pj", "pJ", "one 8-bit multiply-accumulate",
        "Horowitz, ISSCC 2014, 45 nm: 8-bit int mult 0.2 + add 0.03"},
       &EnergyTable::mac8_pj},
      {{"mac16_pj", "pJ", "one 16-bit multiply-accumulate",
        "Horowitz, ISSCC 2014, 45 nm: 16-bit FP mult 1.1 + add 0.4"},
       &EnergyTable::mac16_pj},
      {{"mac32_pj", "pJ", "one 32-bit multiply-accumulate",
        "Horowitz, ISSCC 2014, 45 nm: 32-bit FP mult 3.7 + add 0.9"},
       &EnergyTable::mac32_pj},
      {{"ac8_pj", "pJ", "one 8-bit accumulate (a spike selects the operand)",
        "Horowitz, ISSCC 2014, 45 nm: 8-bit int add 0.03"},
       &EnergyTable::ac8_pj},
      {{"ac16_pj", "pJ", "one 16-bit accumulate", "Horowitz, ISSCC 2014, 45 nm: 16-bit FP add 0.4"},
       &EnergyTable::ac16_pj},
      {{"ac32_pj", "pJ", "one 32-bit accumulate", "Horowitz, ISSCC 2014, 45 nm: 32-bit FP add 0.9"},
       &EnergyTable::ac32_pj},
      {{"vector_op_pj", "pJ",
        "one vector-unit element-step (a LIF IIR step and threshold, a surrogate step, an update)",
        "assumption from Horowitz 45 nm 16-bit FP: 2 mult (2 x 1.1) + 2 add (2 x 0.4)"},
       &EnergyTable::vector_op_pj},
      {{"sram_8kib_read_pj_per_byte", "pJ/B", "SRAM read of an 8 KiB array",
        "Horowitz, ISSCC 2014, 45 nm: 8 KB SRAM, 64-bit read ~10 pJ"},
       &EnergyTable::sram_8kib_read_pj_per_byte},
      {{"sram_32kib_read_pj_per_byte", "pJ/B", "SRAM read of a 32 KiB array",
        "Horowitz, ISSCC 2014, 45 nm: 32 KB SRAM, 64-bit read ~20 pJ"},
       &EnergyTable::sram_32kib_read_pj_per_byte},
      {{"sram_1mib_read_pj_per_byte", "pJ/B", "SRAM read of a 1 MiB array",
        "Horowitz, ISSCC 2014, 45 nm: 1 MB SRAM, 64-bit read ~100 pJ"},
       &EnergyTable::sram_1mib_read_pj_per_byte},
      {{"sram_write_over_read", "1", "SRAM write energy / read energy",
        "assumption (writes cost as much as reads)"},
       &EnergyTable::sram_write_over_read},
      {{"sram_bank_kib", "KiB",
        "largest SRAM bank: a larger SRAM is banked and an access touches one bank",
        "assumption (the largest array of the Horowitz table)"},
       &EnergyTable::sram_bank_kib},
      {{"dram_ddr3_pj_per_byte", "pJ/B", "DRAM per byte moved, dram_type = ddr3",
        "Horowitz, ISSCC 2014: DRAM 1.3-2.6 nJ per 64-bit access (low end)"},
       &EnergyTable::dram_ddr3_pj_per_byte},
      {{"dram_ddr4_pj_per_byte", "pJ/B", "DRAM per byte moved, dram_type = ddr4",
        "assumption: 15 pJ/bit, between the DDR3 and HBM2 figures"},
       &EnergyTable::dram_ddr4_pj_per_byte},
      {{"dram_hbm2_pj_per_byte", "pJ/B", "DRAM per byte moved, dram_type = hbm2",
        "O'Connor et al., MICRO 2017 (Fine-Grained DRAM): HBM2 ~3.9 pJ/bit"},
       &EnergyTable::dram_hbm2_pj_per_byte},
      {{"noc_router_pj_per_byte", "pJ/B", "one router traversal per byte",
        "assumption (0.2 pJ/bit), in line with Park et al., DAC 2012: 45 nm 4x4 mesh, 892 Gb/s "
        "at 531.4 mW (~0.6 pJ per delivered bit over a few hops)"},
       &EnergyTable::noc_router_pj_per_byte},
      {{"noc_link_pj_per_byte", "pJ/B", "one link traversal per byte",
        "assumption (0.1 pJ/bit: ~1 mm full-swing; Park et al., DATE 2013: low-swing 40.4 "
        "fJ/bit/mm in 45 nm)"},
       &EnergyTable::noc_link_pj_per_byte},
      {{"pe_static_mw", "mW", "static power per processing element of an array",
        "assumption (~10% of a 16-bit FP MAC's dynamic power at 1 GHz)"},
       &EnergyTable::pe_static_mw},
      {{"vector_lane_static_mw", "mW", "static power per vector-unit lane",
        "assumption (~10% of a lane's dynamic power at 1 GHz)"},
       &EnergyTable::vector_lane_static_mw},
      {{"sram_static_mw_per_mib", "mW/MiB", "SRAM leakage per MiB", "assumption (45 nm SRAM)"},
       &EnergyTable::sram_static_mw_per_mib},
      {{"noc_link_static_mw", "mW", "static power per NoC link and the router port driving it",
        "assumption"},
       &EnergyTable::noc_link_static_mw},
      {{"dram_static_mw_per_channel", "mW", "DRAM background and refresh power per channel",
        "assumption"},
       &EnergyTable::dram_static_mw_per_channel},
  };
  return keys;
}

const EnergyKey kDramTypeKey = {"dram_type", "-", "which DRAM figure applies (ddr3, ddr4, hbm2)",
                                "ddr3: the Horowitz table's figure"};

std::string allowed_keys() {
  std::string s;
  for (const auto& k : energy_keys()) s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// Width class of an operand width: 8, 16 or 32 (wider is charged as 32).
int width_class(uint32_t bits) { return bits <= 8 ? 8 : bits <= 16 ? 16 : 32; }

}  // namespace

const std::vector<EnergyKey>& energy_keys() {
  static const std::vector<EnergyKey> keys = [] {
    std::vector<EnergyKey> v;
    for (const auto& k : numeric_keys()) v.push_back(k.key);
    v.push_back(kDramTypeKey);
    return v;
  }();
  return keys;
}

const std::vector<std::string>& dram_types() {
  static const std::vector<std::string> t = {"ddr3", "ddr4", "hbm2"};
  return t;
}

double EnergyTable::mac_pj(uint32_t bits) const {
  const int w = width_class(bits);
  return w == 8 ? mac8_pj : w == 16 ? mac16_pj : mac32_pj;
}

double EnergyTable::ac_pj(uint32_t bits) const {
  const int w = width_class(bits);
  return w == 8 ? ac8_pj : w == 16 ? ac16_pj : ac32_pj;
}

double EnergyTable::sram_read_pj_per_byte(uint64_t sram_bytes) const {
  // Log-log interpolation between the three capacities; clamped to the smallest and largest.
  const double kib = std::min(static_cast<double>(sram_bytes) / 1024.0, sram_bank_kib);
  const double xs[3] = {8.0, 32.0, 1024.0};
  const double ys[3] = {sram_8kib_read_pj_per_byte, sram_32kib_read_pj_per_byte,
                        sram_1mib_read_pj_per_byte};
  if (kib <= xs[0]) return ys[0];
  if (kib >= xs[2]) return ys[2];
  const int i = kib <= xs[1] ? 0 : 1;
  if (ys[i] <= 0 || ys[i + 1] <= 0) {  // a zero figure: linear instead
    const double f = (kib - xs[i]) / (xs[i + 1] - xs[i]);
    return ys[i] + f * (ys[i + 1] - ys[i]);
  }
  const double f = std::log(kib / xs[i]) / std::log(xs[i + 1] / xs[i]);
  return std::exp(std::log(ys[i]) + f * (std::log(ys[i + 1]) - std::log(ys[i])));
}

double EnergyTable::sram_write_pj_per_byte(uint64_t sram_bytes) const {
  return sram_write_over_read * sram_read_pj_per_byte(sram_bytes);
}

double EnergyTable::dram_pj_per_byte() const {
  if (dram_type == "ddr4") return dram_ddr4_pj_per_byte;
  if (dram_type == "hbm2") return dram_hbm2_pj_per_byte;
  return dram_ddr3_pj_per_byte;
}

double EnergyTable::processor_static_w(const ProcessorParams& p) const {
  const double pes = static_cast<double>(p.array.rows) * static_cast<double>(p.array.cols);
  const double mib = static_cast<double>(p.sram_bytes) / 1048576.0;
  return 1e-3 * (pes * pe_static_mw + p.array.vector_lanes * vector_lane_static_mw +
                 mib * sram_static_mw_per_mib);
}

void EnergyTable::validate(const std::string& where) const {
  for (const auto& k : numeric_keys()) {
    const double v = this->*k.field;
    if (!std::isfinite(v) || v < 0)
      fail(where, std::string(k.key.name) + " = " + number_text(v), "a finite number >= 0");
  }
  if (sram_bank_kib < 8) fail(where, "sram_bank_kib = " + number_text(sram_bank_kib), ">= 8");
  if (std::find(dram_types().begin(), dram_types().end(), dram_type) == dram_types().end())
    fail(where, "dram_type = '" + printable(dram_type) + "'", "ddr3, ddr4, hbm2");
}

EnergyTable parse_energy_text(const std::string& text, const std::string& where) {
  EnergyTable t;
  t.source = where;
  if (const std::string b = binary_byte(text); !b.empty())
    fail(where, "not a text file: " + b, "an energy file of `key = value` lines");
  std::istringstream in(text);
  std::string line;
  std::set<std::string> seen;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string at = where + ":" + std::to_string(n);
    const size_t hash = line.find_first_of("#;");
    const std::string body = trim(hash == std::string::npos ? line : line.substr(0, hash));
    if (body.empty()) continue;
    const size_t eq = body.find('=');
    if (eq == std::string::npos)
      fail(at, "'" + printable(body) + "' is not `key = value`", allowed_keys());
    const std::string key = trim(body.substr(0, eq)), value = trim(body.substr(eq + 1));
    if (!seen.insert(key).second) fail(at, "key '" + printable(key) + "' given twice", "once");
    if (key == kDramTypeKey.name) {
      if (std::find(dram_types().begin(), dram_types().end(), value) == dram_types().end())
        fail(at, "dram_type '" + printable(value) + "'", "ddr3, ddr4, hbm2");
      t.dram_type = value;
      continue;
    }
    const auto& keys = numeric_keys();
    const auto it = std::find_if(keys.begin(), keys.end(),
                                 [&](const NumericKey& k) { return key == k.key.name; });
    if (it == keys.end()) fail(at, "unknown key '" + printable(key) + "'", allowed_keys());
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) || v < 0)
      fail(at, key + ": '" + printable(value) + "' is not a number",
           std::string("a number >= 0, in ") + it->key.unit);
    t.*(it->field) = v;
  }
  t.validate(where);
  return t;
}

EnergyTable read_energy_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read the energy file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_energy_text(ss.str(), path);
}

std::string energy_file_text(const EnergyTable& t) {
  std::ostringstream os;
  os << "# SpikePipe-SC energy table (docs/ENERGY.md). Every key is optional; an absent key keeps\n"
        "# the built-in figure. Units are in the key's suffix.\n";
  for (const auto& k : numeric_keys()) {
    os << "\n# " << k.key.what << " [" << k.key.unit << "]; default from: " << k.key.source
       << "\n"
       << k.key.name << " = " << number_text(t.*k.field) << "\n";
  }
  os << "\n# " << kDramTypeKey.what << "\n" << kDramTypeKey.name << " = " << t.dram_type << "\n";
  return os.str();
}

namespace {

// One GEMM's actions, added to x: MACs, or accumulates where a spike operand selects the other
// one (then only the selected elements of the other operand are read).
// `first`: the task's first GEMM sets the operand width, a second one can only widen it.
void add_gemm_actions(TaskActions& x, const GemmCost& c, const OperandBits& b, bool spike_driven,
                      double rho, bool first) {
  auto bytes = [](uint64_t elements, uint64_t bits) {
    return static_cast<double>((elements * bits + 7) / 8);
  };
  double ifmap = bytes(c.ifmap_reads, b.ifmap), filter = bytes(c.filter_reads, b.filter);
  const double ofmap = bytes(c.ofmap_writes, b.ofmap);
  uint32_t width = 0;
  if (spike_driven) {
    // F: X is the spikes, W is read only for the ones; G: W is the spikes, X (the errors) read
    // only where a spike selects it.
    if (b.ifmap == 1) {
      filter *= rho;
      width = static_cast<uint32_t>(std::max(b.filter, b.ofmap));
    } else {
      ifmap *= rho;
      width = static_cast<uint32_t>(std::max(b.ifmap, b.ofmap));
    }
    x.acs += static_cast<double>(c.macs) * rho;
  } else {
    x.macs += static_cast<double>(c.macs);
    width = static_cast<uint32_t>(std::max({b.ifmap, b.filter, b.ofmap}));
  }
  x.width_bits = first ? width : std::max(x.width_bits, width);
  x.sram_read_bytes += ifmap + filter;
  x.sram_write_bytes += ofmap;
}

}  // namespace

TaskActions task_actions(const Task& t, const ArrayParams& a) {
  TaskActions x;
  const double rho = a.sparsity ? a.firing_rate : 1.0;
  const bool gemm = !t.gemm.empty();
  if (gemm) add_gemm_actions(x, t.gemm_cost, t.gemm_bits, t.spike_driven, rho, true);
  // A recurrent layer's product with W_rec (F, D and G; D has no other GEMM).
  if (t.rec_cost.macs > 0)
    add_gemm_actions(x, t.rec_cost, t.rec_bits, t.rec_spike_driven, rho, !gemm);
  x.vector_ops = static_cast<double>(t.vector_elements) * static_cast<double>(t.vector_steps);
  x.sram_read_bytes += static_cast<double>(t.vector_read_bytes);
  x.sram_write_bytes += static_cast<double>(t.vector_write_bytes);
  return x;
}

TaskEnergy task_energy(const TaskActions& a, const EnergyTable& t, uint64_t sram_bytes) {
  TaskEnergy e;
  e.array_pj = a.macs * t.mac_pj(a.width_bits) + a.acs * t.ac_pj(a.width_bits);
  e.vector_pj = a.vector_ops * t.vector_op_pj;
  e.sram_pj = a.sram_read_bytes * t.sram_read_pj_per_byte(sram_bytes) +
              a.sram_write_bytes * t.sram_write_pj_per_byte(sram_bytes);
  return e;
}

}  // namespace spikepipe

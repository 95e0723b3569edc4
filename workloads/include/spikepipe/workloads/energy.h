#pragma once
// METHOD.md §8: energy per action, as Accelergy counts it. An action table (energy of each action
// of each component, static power per component) with a default for one technology node (45 nm,
// each figure's source in kEnergyKeys and docs/ENERGY.md), read over by a user's file; and the
// actions of one task of the task graph (MACs, accumulate-only ops, vector-unit ops, SRAM bytes),
// counted next to its cost (cost_model.h). What happens at run time (messages, DRAM accesses,
// link traversals, static power over the simulated time) is counted by platform/ from the run's
// events (platform/src/metrics/energy.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

struct EnergyTable {
  // Array: one multiply-accumulate / one accumulate-only op by operand width class (8, 16, 32).
  double mac8_pj = 0.23, mac16_pj = 1.5, mac32_pj = 4.6;
  double ac8_pj = 0.03, ac16_pj = 0.4, ac32_pj = 0.9;
  // Vector unit: one element-step (one neuron of one sample at one time step, or one weight).
  double vector_op_pj = 3.0;
  // SRAM read energy per byte at three capacities (log-log interpolated between them); writes
  // cost `sram_write_over_read` times a read. An SRAM larger than `sram_bank_kib` is banked and
  // an access touches one bank: the bank's size sets the figure.
  double sram_8kib_read_pj_per_byte = 1.25, sram_32kib_read_pj_per_byte = 2.5,
         sram_1mib_read_pj_per_byte = 12.5;
  double sram_write_over_read = 1.0;
  double sram_bank_kib = 1024;
  // DRAM per byte moved, by type; `dram_type` picks one.
  std::string dram_type = "ddr3";
  double dram_ddr3_pj_per_byte = 162.5, dram_ddr4_pj_per_byte = 120.0,
         dram_hbm2_pj_per_byte = 31.2;
  // NoC per byte per hop (one router and one link traversed).
  double noc_router_pj_per_byte = 1.6, noc_link_pj_per_byte = 0.8;
  // Static power.
  double pe_static_mw = 0.15;           // per processing element of an array
  double vector_lane_static_mw = 0.3;   // per vector-unit lane
  double sram_static_mw_per_mib = 30.0; // per MiB of a processor's SRAM
  double noc_link_static_mw = 2.0;      // per NoC link (the router port that drives it included)
  double dram_static_mw_per_channel = 100.0;  // per DRAM channel (background, refresh)

  std::string source = "built-in 45 nm defaults";  // or the file it was read from

  // Figures for one platform and operand width.
  double mac_pj(uint32_t bits) const;  // width class: <= 8, <= 16, else 32
  double ac_pj(uint32_t bits) const;
  double sram_read_pj_per_byte(uint64_t sram_bytes) const;
  double sram_write_pj_per_byte(uint64_t sram_bytes) const;
  double dram_pj_per_byte() const;
  double noc_pj_per_byte_hop() const { return noc_router_pj_per_byte + noc_link_pj_per_byte; }
  double processor_static_w(const ProcessorParams& p) const;
  double link_static_w() const { return noc_link_static_mw * 1e-3; }
  double channel_static_w() const { return dram_static_mw_per_channel * 1e-3; }

  void validate(const std::string& where) const;  // every figure finite and >= 0, known type
};

// The keys of an energy file, in order: name, unit, what, and the source of the default figure.
struct EnergyKey {
  const char* name;
  const char* unit;
  const char* what;
  const char* source;
};
const std::vector<EnergyKey>& energy_keys();
const std::vector<std::string>& dram_types();  // ddr3, ddr4, hbm2

// The default table with every `key = value` line of `path` applied (INI syntax: `#` or `;`
// comments, blank lines, no sections). An unknown key, a repeated key or a bad value throws Error
// naming "file:line" and what is allowed.
EnergyTable read_energy_file(const std::string& path);
// The same from text (`where` names it in errors).
EnergyTable parse_energy_text(const std::string& text, const std::string& where);
// The table as an energy file (every key, its unit and source as a comment): what --energy reads.
std::string energy_file_text(const EnergyTable& t);

// What one run of a task does (METHOD.md §8). F and G take binary spikes as one operand, so their
// array work is accumulates (ACs) without multiplies; with sparsity on, only `firing_rate` of it
// is done (zero skipping, as in time), and only that share of the other operand is read from
// SRAM (the spikes themselves are read dense to find the ones). E's array work is MACs. The IIR
// scans (F, D) and the update (U) are vector-unit element-steps.
struct TaskActions {
  double macs = 0;       // multiply-accumulates performed
  double acs = 0;        // accumulate-only ops performed (the task's synaptic operations)
  uint32_t width_bits = 16;  // widest operand of the GEMM (spikes excluded)
  double vector_ops = 0;     // element-steps on the vector unit
  double sram_read_bytes = 0, sram_write_bytes = 0;  // operand traffic with the array and vector unit
};
TaskActions task_actions(const Task& t, const ArrayParams& a);

// Energy of those actions (picojoules) on a processor with `sram_bytes` of SRAM.
struct TaskEnergy {
  double array_pj = 0, vector_pj = 0, sram_pj = 0;
  double compute_pj() const { return array_pj + vector_pj; }
  double total_pj() const { return array_pj + vector_pj + sram_pj; }
};
TaskEnergy task_energy(const TaskActions& a, const EnergyTable& t, uint64_t sram_bytes);

}  // namespace spikepipe

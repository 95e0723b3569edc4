#pragma once
// The figures that say whether one run's period can be trusted, read from its summary.json and
// formatted once for every table that shows them (`compare`, the sweep's closing table): did it
// reach a steady state, simulated over predicted period, the planner's SRAM need against the
// capacity, and the bytes it moved to DRAM per iteration.
#include <nlohmann/json.hpp>
#include <string>

namespace spikepipe::cli {

struct Trust {
  bool steady = false;       // steady_state_reached
  double sim_pred = 0;       // simulated_over_predicted
  double sram_need = 0;      // largest predicted_sram_peak_bytes over processors
  double sram_capacity = 0;  // platform.sram_bytes
  double spilled = 0;        // dram_spill_bytes (planned and unplanned spills, per iteration)
};

Trust trust_of(const nlohmann::json& summary);

// Table cells: "yes"/"no"; "1.0123"; "need/cap" in KiB ("30720/4096"); spilled KiB, one decimal.
std::string steady_cell(const Trust& t);
std::string sim_pred_cell(const Trust& t);
std::string sram_cell(const Trust& t);
std::string spilled_cell(const Trust& t);

// The closing line when some runs never settled (empty when all did): what their period means
// and what to do about it. `what` names the runs ("points", "schedulers").
std::string unsteady_note(size_t unsteady, size_t total, const std::string& what);

}  // namespace spikepipe::cli

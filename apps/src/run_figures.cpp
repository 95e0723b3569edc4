// Shared by `compare` and the sweep table so that both print one run the same way.
#include "spikepipe/cli/run_figures.h"

#include <algorithm>
#include <cstdio>

namespace spikepipe::cli {

namespace {

double num(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

std::string f(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

Trust trust_of(const nlohmann::json& s) {
  Trust t;
  t.steady = s.contains("steady_state_reached") && s["steady_state_reached"].is_boolean() &&
             s["steady_state_reached"].get<bool>();
  t.sim_pred = num(s, "simulated_over_predicted");
  if (s.contains("predicted_sram_peak_bytes") && s["predicted_sram_peak_bytes"].is_array()) {
    for (const auto& v : s["predicted_sram_peak_bytes"])
      if (v.is_number()) t.sram_need = std::max(t.sram_need, v.get<double>());
  }
  t.sram_capacity = s.contains("platform") ? num(s["platform"], "sram_bytes") : 0.0;
  t.spilled = num(s, "dram_spill_bytes");
  return t;
}

std::string steady_cell(const Trust& t) { return t.steady ? "yes" : "no"; }
std::string sim_pred_cell(const Trust& t) { return f("%.4f", t.sim_pred); }
std::string sram_cell(const Trust& t) {
  return f("%.0f", t.sram_need / 1024.0) + "/" + f("%.0f", t.sram_capacity / 1024.0);
}
std::string spilled_cell(const Trust& t) { return f("%.1f", t.spilled / 1024.0); }

std::string unsteady_note(size_t unsteady, size_t total, const std::string& what) {
  if (unsteady == 0) return "";
  return std::to_string(unsteady) + " of " + std::to_string(total) + " " + what +
         " did not reach a steady state (steady = no): their period is the mean over the "
         "measured span; raise --iterations or --warmup\n";
}

}  // namespace spikepipe::cli

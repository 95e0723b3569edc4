// summary.json and the printed table of one run.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "spikepipe/models/stats.h"
#include "spikepipe/platform/metrics.h"

namespace spikepipe {

namespace {

using json = nlohmann::ordered_json;

json by_kind(const std::array<uint64_t, kTensorKinds>& a) {
  json j = json::object();
  for (int k = 0; k < kTensorKinds; ++k) j[to_string(static_cast<TensorKind>(k))] = a[k];
  return j;
}

// A figure at full precision: an integral value as an integer (138956000, not 138956000.0),
// any other as the shortest decimal that reads back to the same double (nlohmann's dump), so
// that the same run writes the same bytes and a reader loses nothing.
json full(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0)  // 2^53
    return json(static_cast<int64_t>(v));
  return json(v);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// The statistics the models declare (models/stats.h), each under the key summary.json has it:
// "links[].busy_cycles" is busy_cycles in every entry of links.
template <size_t N>
void declare(json& list, const std::string& where, const StatDecl (&stats)[N]) {
  for (const StatDecl& s : stats)
    list.push_back({{"key", where + s.name}, {"unit", s.unit}, {"what", s.what}});
}

json statistics() {
  json list = json::array();
  declare(list, "per_processor[].", kProcessorStats);
  declare(list, "links[].", kLinkStats);
  declare(list, "", kMessageStats);
  declare(list, "dram_channels[].", kChannelStats);
  declare(list, "", kDramStats);
  declare(list, "", kEnergyStats);
  return list;
}

std::string bytes_text(double b) {
  if (b >= 1048576.0) return fmt("%.2f MiB", b / 1048576.0);
  if (b >= 1024.0) return fmt("%.1f KiB", b / 1024.0);
  return fmt("%.0f B", b);
}

json components(const EnergyBreakdown& b) {
  return {{"compute", full(b.compute)},
          {"sram", full(b.sram)},
          {"dram", full(b.dram)},
          {"noc", full(b.noc)},
          {"static", full(b.leakage)}};
}

json reals(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(full(x));
  return a;
}

// The energy keys (kEnergyStats); per-location and per-task lists are arrays, so that sweep.csv
// keeps to the totals.
void energy_json(json& j, const Metrics& m) {
  const EnergyMetrics& e = m.energy;
  const double b = m.batch ? static_cast<double>(m.batch) : 1.0;
  j["energy_per_sample_j"] = full(e.per_sample_j);
  j["energy_breakdown_j"] = components(e.per_iteration.scaled(1.0 / b));
  j["energy_per_iteration_j"] = full(e.per_iteration.total());
  j["average_power_w"] = full(e.average_power_w);
  j["energy_delay_product_j_s"] = full(e.edp_j_s);
  j["synops_per_sample"] = full(e.synops / b);
  j["macs_per_sample"] = full(e.macs / b);
  j["energy"] = {{"table", e.table},
                 {"per_iteration_j", components(e.per_iteration)},
                 {"compute_array_j", full(e.array_j)},
                 {"compute_vector_j", full(e.vector_j)},
                 {"sram_operand_j", full(e.sram_operand_j)},
                 {"sram_transfer_j", full(e.sram_transfer_j)},
                 {"static_power_w", full(e.static_w)},
                 {"vector_ops_per_sample", full(e.vector_ops / b)}};
  j["energy_by_processor_j"] = reals(e.per_processor_j);
  j["energy_by_link_j"] = reals(e.per_link_j);
  j["energy_by_channel_j"] = reals(e.per_channel_j);
  j["energy_by_layer_j"] = reals(e.per_layer_j);
  json tasks = json::array();
  for (const auto& t : e.per_task) {
    tasks.push_back({{"task", t.task},
                     {"kind", to_string(t.kind)},
                     {"layer", t.layer + 1},
                     {"energy_j", full(t.total_j())},
                     {"array_j", full(t.array_j)},
                     {"vector_j", full(t.vector_j)},
                     {"sram_j", full(t.sram_j)},
                     {"macs", full(t.macs)},
                     {"synops", full(t.synops)},
                     {"vector_ops", full(t.vector_ops)}});
  }
  j["energy_by_task"] = tasks;
}

// "1.23 mJ", "456 uJ".
std::string joules_text(double j) {
  const double a = std::fabs(j);
  if (a >= 1.0) return fmt("%.3g J", j);
  if (a >= 1e-3) return fmt("%.3g mJ", j * 1e3);
  if (a >= 1e-6) return fmt("%.3g uJ", j * 1e6);
  if (a >= 1e-9) return fmt("%.3g nJ", j * 1e9);
  return fmt("%.3g pJ", j * 1e12);
}

}  // namespace

nlohmann::ordered_json to_json(const Metrics& m) {
  json j;
  j["scheduler"] = m.scheduler;
  j["split"] = m.split;
  j["processors"] = m.processors;
  j["batch"] = m.batch;
  j["clock_ghz"] = m.clock_ghz;
  j["iterations"] = {{"warmup", m.plan.warmup},
                     {"measured", m.plan.measured},
                     {"drain", m.plan.drain},
                     {"simulated", m.plan.total()},
                     {"chosen_by", m.plan.basis}};
  j["period_cycles"] = full(m.period_cycles);
  j["steady_state_reached"] = m.steady;
  j["steady_state_cycle_iterations"] = m.cycle;
  j["interval_spread"] = full(m.interval_spread);
  j["predicted_period_cycles"] = m.predicted_period_cycles;
  j["lower_bound_cycles"] = m.lower_bound_cycles;
  j["schedule_bound_cycles"] = m.schedule_bound_cycles;
  j["simulated_over_predicted"] = full(m.simulated_over_predicted);
  j["gap_to_lower_bound"] = full(m.gap_to_lower_bound);
  j["latency_cycles"] = full(m.latency_cycles);
  j["latency_min_cycles"] = m.latency_min;
  j["latency_max_cycles"] = m.latency_max;
  j["predicted_latency_cycles"] = m.predicted_latency_cycles;
  j["fill_cycles"] = m.fill_cycles;
  j["drain_cycles"] = m.drain_cycles;
  j["end_time_cycles"] = m.end_time;
  j["steady_state"] = {{"begin_cycles", m.span_begin},
                       {"end_cycles", m.span_end},
                       {"first_iteration", m.measured_from},
                       {"iterations", m.measured_used}};
  j["throughput_samples_per_s"] = full(m.throughput_samples_per_s);

  json per = json::array();
  for (const auto& p : m.per_processor) per.push_back(full(p.utilisation));
  j["utilisation"] = {{"mean", full(m.mean_utilisation)}, {"per_processor", per}};
  j["bytes_by_kind"] = by_kind(m.bytes_by_kind);
  j["received_bytes_by_kind"] = by_kind(m.received_by_kind);
  j["predicted_bytes_by_kind"] = by_kind(m.predicted_bytes_by_kind);
  j["dram_bytes_by_kind"] = by_kind(m.dram_bytes_by_kind);
  j["inter_processor_bytes"] = m.inter_processor_bytes;
  j["dram_bytes"] = m.dram_bytes;
  j["dram_spill_bytes"] = m.dram_spill_bytes;
  j["graph_bytes"] = m.graph_bytes;
  j["training_bytes"] = m.training_bytes;
  j["pipedream_bytes"] = m.pipedream_bytes;
  j["comm_overhead"] = full(m.comm_overhead);
  j["sram_operand_bytes"] = m.sram_operand_bytes;
  j["all_traffic_bytes"] = m.all_traffic_bytes;
  j["comm_overhead_all_traffic"] = full(m.comm_overhead_all_traffic);
  j["peak_sram_bytes"] = m.peak_sram_bytes;
  j["predicted_sram_peak_bytes"] = m.predicted_sram_peak;
  j["delays"] = m.delays;
  j["weight_versions"] = m.weight_versions;

  json procs = json::array();
  for (size_t p = 0; p < m.per_processor.size(); ++p) {
    const auto& pm = m.per_processor[p];
    json busy = json::object();
    for (int k = 0; k < kTaskKinds; ++k)
      busy[to_string(static_cast<TaskKind>(k))] = pm.busy_by_kind[k];
    procs.push_back(
        {{"processor", p},
         {"utilisation", full(pm.utilisation)},
         {"busy_cycles", pm.busy},
         {"busy_by_kind", busy},
         {"sending_cycles", pm.sending},
         {"waiting_cycles", pm.waiting},
         {"ops_run", pm.ops},
         {"predicted_load_cycles", p < m.predicted_loads.size() ? m.predicted_loads[p] : 0},
         {"peak_sram_bytes", pm.peak_sram_bytes},
         {"predicted_sram_peak_bytes",
          p < m.predicted_sram_peak.size() ? m.predicted_sram_peak[p] : uint64_t(0)},
         {"peak_spilled_bytes", pm.peak_spilled_bytes},
         {"weight_footprint_bytes", pm.weight_footprint_bytes}});
  }
  j["per_processor"] = procs;

  json links = json::array();
  for (const auto& l : m.links) {
    links.push_back({{"link", l.name},
                     {"bytes_per_iteration", l.bytes},
                     {"busy_cycles", l.busy},
                     {"utilisation", full(l.utilisation)},
                     {"transfers", l.transfers}});
  }
  j["links"] = links;
  j["link_utilisation"] = {{"mean", full(m.mean_link_utilisation)},
                           {"max", full(m.max_link_utilisation)}};
  json ch = json::array();
  for (size_t c = 0; c < m.channels.size(); ++c) {
    const auto& cm = m.channels[c];
    ch.push_back({{"channel", c},
                  {"bytes_per_iteration", cm.bytes},
                  {"busy_cycles", cm.busy},
                  {"utilisation", full(cm.utilisation)},
                  {"achieved_bytes_per_cycle", full(cm.achieved_bytes_per_cycle)},
                  {"accesses", cm.accesses},
                  {"row_hits", cm.row_hits},
                  {"row_misses", cm.row_misses},
                  {"row_conflicts", cm.row_conflicts},
                  {"row_hit_rate", full(cm.row_hit_rate)},
                  {"refreshes", cm.refreshes}});
  }
  j["dram_channels"] = ch;
  j["dram_model"] = m.dram_model;
  j["dram_peak_bytes_per_cycle"] = full(m.dram_peak_bytes_per_cycle);
  const auto& ml = m.message_latency;
  j["message_latency_cycles"] = {{"count", ml.count}, {"mean", full(ml.mean)}, {"min", ml.min},
                                 {"p50", ml.p50},     {"p95", ml.p95},       {"max", ml.max}};
  j["messages"] = m.messages;
  j["ops_run"] = m.ops_run;

  json its = json::array();
  for (size_t k = 0; k < m.iteration_start.size(); ++k) {
    its.push_back({{"iteration", k},
                   {"start_cycles", m.iteration_start[k]},
                   {"end_cycles", m.iteration_end[k]},
                   {"latency_cycles", m.iteration_latency[k]}});
  }
  j["per_iteration"] = its;
  energy_json(j, m);
  // An array, so that sweep.csv (which flattens objects into columns) does not repeat it.
  j["statistics"] = statistics();
  return j;
}

std::string summary_text(const Metrics& m) {
  std::ostringstream os;
  const auto& pl = m.plan;
  os << "iterations: " << pl.warmup << " warm-up + " << pl.measured << " measured + " << pl.drain
     << " drain = " << pl.total() << " simulated (" << pl.basis << ")\n";
  os << "  iteration       start         end     latency\n";
  for (size_t k = 0; k < m.iteration_start.size(); ++k) {
    const bool measured = k >= m.measured_from && k < m.measured_from + m.measured_used;
    os << fmt("  %9.0f", static_cast<double>(k))
       << fmt(" %11.0f", static_cast<double>(m.iteration_start[k]))
       << fmt(" %11.0f", static_cast<double>(m.iteration_end[k]))
       << fmt(" %11.0f", static_cast<double>(m.iteration_latency[k])) << (measured ? "  *" : "")
       << "\n";
  }
  os << "  (* measured: steady state from cycle " << m.span_begin << " to " << m.span_end;
  if (m.cycle > 1) os << "; completions repeat every " << m.cycle << " iterations";
  os << ")\n\n";
  auto row = [&](const std::string& name, const std::string& value) {
    os << "  " << name << std::string(name.size() < 28 ? 28 - name.size() : 1, ' ') << value
       << "\n";
  };
  row("period (simulated)", fmt("%.1f cycles", m.period_cycles) +
                                (m.steady ? ""
                                          : "  (NOT steady: intervals vary by " +
                                                fmt("%.1f%%", 100.0 * m.interval_spread) +
                                                " without repeating; raise --warmup)"));
  row("period (predicted)", std::to_string(m.predicted_period_cycles) +
                                " cycles  (simulated/predicted " +
                                fmt("%.4f", m.simulated_over_predicted) + ")");
  row("lower bound", std::to_string(m.lower_bound_cycles) + " cycles  (period is " +
                         fmt("%+.1f%%", 100.0 * m.gap_to_lower_bound) +
                         " above it; the same for every scheduler)");
  row("schedule's own bound", std::to_string(m.schedule_bound_cycles) +
                                  " cycles  (its placement and delays: T-inf, largest op, op time / P)");
  row("latency (mean, min..max)", fmt("%.1f", m.latency_cycles) + " cycles  (" +
                                      std::to_string(m.latency_min) + ".." +
                                      std::to_string(m.latency_max) + "; predicted " +
                                      std::to_string(m.predicted_latency_cycles) + ")");
  row("fill / drain",
      std::to_string(m.fill_cycles) + " / " + std::to_string(m.drain_cycles) + " cycles");
  row("throughput",
      fmt("%.1f samples/s", m.throughput_samples_per_s) + fmt(" at %.3g GHz", m.clock_ghz));
  std::string u;
  for (size_t p = 0; p < m.per_processor.size(); ++p) {
    if (p && p % 8 == 0) u += "\n" + std::string(30, ' ');
    u += fmt("P%-2.0f ", static_cast<double>(p)) +
         fmt("%5.1f%%  ", 100.0 * m.per_processor[p].utilisation);
  }
  row("utilisation (mean " + fmt("%.1f%%", 100.0 * m.mean_utilisation) + ")", u);
  std::string b;
  for (int k = 0; k < kTensorKinds; ++k) {
    if (m.bytes_by_kind[k] == 0) continue;
    b += std::string(b.empty() ? "" : ", ") + to_string(static_cast<TensorKind>(k)) + " " +
         bytes_text(static_cast<double>(m.bytes_by_kind[k]));
  }
  row("NoC bytes per iteration", bytes_text(static_cast<double>(m.inter_processor_bytes)) +
                                     (b.empty() ? "" : "  (" + b + ")"));
  row("DRAM bytes per iteration", bytes_text(static_cast<double>(m.dram_bytes)) + "  (spill " +
                                      bytes_text(static_cast<double>(m.dram_spill_bytes)) + ")");
  if (!m.channels.empty() && m.dram_model != "simple" && !m.dram_model.empty()) {
    double achieved = 0;
    uint64_t hits = 0, bursts = 0, refreshes = 0;
    for (const auto& c : m.channels) {
      achieved += c.achieved_bytes_per_cycle;
      hits += c.row_hits;
      bursts += c.row_hits + c.row_misses + c.row_conflicts;
      refreshes += c.refreshes;
    }
    row("DRAM channels (" + m.dram_model + ")",
        fmt("%.2f", achieved / static_cast<double>(m.channels.size())) + " of " +
            fmt("%.4g", m.dram_peak_bytes_per_cycle) + " B/cycle each (mean), row hits " +
            fmt("%.1f%%", bursts ? 100.0 * double(hits) / double(bursts) : 0.0) + ", " +
            std::to_string(refreshes) + " refreshes");
  }
  row("comm overhead vs standard", fmt("%+.3f%%", 100.0 * m.comm_overhead) + " of " +
                                        bytes_text(static_cast<double>(m.training_bytes)) +
                                        " training bytes");
  row("comm overhead, all traffic",
      fmt("%+.3f%%", 100.0 * m.comm_overhead_all_traffic) + " of " +
          bytes_text(static_cast<double>(m.all_traffic_bytes)) + " (+ " +
          bytes_text(static_cast<double>(m.sram_operand_bytes)) + " operand traffic)");
  row("message latency", fmt("mean %.1f", m.message_latency.mean) + ", p95 " +
                             std::to_string(m.message_latency.p95) + ", max " +
                             std::to_string(m.message_latency.max) + " cycles (" +
                             std::to_string(m.message_latency.count) + " messages)");
  row("links", fmt("mean %.1f%%", 100.0 * m.mean_link_utilisation) +
                   fmt(", max %.1f%% busy", 100.0 * m.max_link_utilisation));
  row("peak SRAM", bytes_text(static_cast<double>(m.peak_sram_bytes)) + " (max over processors)");
  {
    const EnergyMetrics& e = m.energy;
    const double batch = m.batch ? static_cast<double>(m.batch) : 1.0;
    const EnergyBreakdown s = e.per_iteration.scaled(1.0 / batch);
    const double tot = s.total() > 0 ? s.total() : 1.0;
    auto part = [&](const char* name, double v) {
      return std::string(name) + " " + joules_text(v) + fmt(" (%.1f%%)", 100.0 * v / tot);
    };
    row("energy per sample", joules_text(e.per_sample_j) + "  (" +
                                 joules_text(e.per_iteration.total()) + " per iteration, " +
                                 fmt("%.3g W", e.average_power_w) + " average)");
    row("  breakdown", part("compute", s.compute) + ", " + part("SRAM", s.sram) + ",");
    row("", part("DRAM", s.dram) + ", " + part("NoC", s.noc) + ", " + part("static", s.leakage));
    row("  SynOps / MACs per sample",
        fmt("%.4g", e.synops / batch) + " / " + fmt("%.4g", e.macs / batch) +
            fmt("  (energy-delay %.3g J*s per sample)", e.edp_j_s));
  }
  std::string d;
  for (size_t l = 0; l < m.delays.size(); ++l) d += (l ? " " : "") + std::to_string(m.delays[l]);
  row("gradient delays d_l", d.empty() ? "-" : d);
  return os.str();
}

}  // namespace spikepipe

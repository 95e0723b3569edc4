// Energy (METHOD.md §8, docs/ENERGY.md): the action table applied to what the run did.
//  - compute and operand SRAM: every op instance of the measured iterations, its task's actions
//    (workloads/energy.h) times its share of the task (a part of a cut task, a micro-batch);
//  - SRAM transfers: a message is read from its sender's SRAM and written into its receiver's;
//    a DRAM read is written into the requester's SRAM, a DRAM write read from it (spills,
//    streamed weights and F1's input alike);
//  - DRAM: the bytes of every access inside the span; NoC: the bytes of every link traversal
//    inside the span (one router and one link per hop);
//  - static: each component's static power over the period.
// Everything per iteration, like the other steady-state figures.
#include <algorithm>
#include <cmath>

#include "sections.h"

namespace spikepipe::metrics {

namespace {

constexpr double kPj = 1e-12;

const EnergyTable& table_of(const MetricsInput& in) {
  static const EnergyTable defaults;
  return in.energy ? *in.energy : defaults;
}

// Per task of the graph: its energy per run (pJ) and its actions.
struct TaskCosts {
  std::vector<TaskActions> actions;
  std::vector<TaskEnergy> energy;
};

TaskCosts task_costs(const MetricsInput& in, const EnergyTable& t) {
  TaskCosts c;
  for (const Task& task : in.graph.tasks) {
    c.actions.push_back(task_actions(task, in.platform.processor.array));
    c.energy.push_back(task_energy(c.actions.back(), t, in.platform.processor.sram_bytes));
  }
  return c;
}

// The share of its task that one op does: 1 / (parts x micro-batches).
double share(const Op& op) {
  return 1.0 / (static_cast<double>(std::max<uint16_t>(op.parts, 1)) *
                static_cast<double>(std::max<uint16_t>(op.micros, 1)));
}

}  // namespace

void energy(const MetricsInput& in, const Window& w, Metrics& m) {
  const EnergyTable& t = table_of(in);
  EnergyMetrics& e = m.energy;
  e.table = t.source;
  const uint32_t P = in.platform.processors;
  const uint64_t sram = in.platform.processor.sram_bytes;
  const double rd = t.sram_read_pj_per_byte(sram), wr = t.sram_write_pj_per_byte(sram);
  const TaskCosts costs = task_costs(in, t);

  // Per task of the graph, per iteration.
  e.per_layer_j.assign(in.graph.layers, 0.0);
  for (size_t i = 0; i < in.graph.tasks.size(); ++i) {
    const Task& task = in.graph.tasks[i];
    TaskEnergyMetrics r;
    r.task = task.name;
    r.kind = task.kind;
    r.layer = task.layer;
    r.array_j = costs.energy[i].array_pj * kPj;
    r.vector_j = costs.energy[i].vector_pj * kPj;
    r.sram_j = costs.energy[i].sram_pj * kPj;
    r.macs = costs.actions[i].macs;
    r.synops = costs.actions[i].acs;
    r.vector_ops = costs.actions[i].vector_ops;
    if (task.layer < e.per_layer_j.size()) e.per_layer_j[task.layer] += r.total_j();
    e.per_task.push_back(r);
  }

  std::vector<double> proc(P, 0.0), link(m.links.size(), 0.0), channel(m.channels.size(), 0.0);
  auto at = [&](std::vector<double>& v, size_t i) -> double& {
    if (i >= v.size()) v.resize(i + 1, 0.0);
    return v[i];
  };
  double array = 0, vector = 0, operand = 0, transfer = 0, dram = 0, noc = 0;
  // Op instances of the measured iterations.
  for (const auto& ev : in.log.tasks) {
    if (!w.measured(ev.iteration) || ev.op.value >= in.schedule.ops.size()) continue;
    const Op& op = in.schedule.op(ev.op);
    if (op.task.value >= costs.energy.size()) continue;
    const double f = share(op);
    const TaskEnergy& te = costs.energy[op.task.value];
    const TaskActions& ta = costs.actions[op.task.value];
    array += f * te.array_pj;
    vector += f * te.vector_pj;
    operand += f * te.sram_pj;
    e.macs += f * ta.macs;
    e.synops += f * ta.acs;
    e.vector_ops += f * ta.vector_ops;
    at(proc, ev.proc.value) += f * te.total_pj();
  }
  // Messages of the measured iterations: out of the sender's SRAM, into the receiver's.
  for (const auto& ev : in.log.messages) {
    if (!w.measured(ev.iteration)) continue;
    const double b = static_cast<double>(ev.bytes);
    at(proc, ev.src.value) += b * rd;
    at(proc, ev.dst.value) += b * wr;
    transfer += b * (rd + wr);
  }
  // DRAM accesses inside the span, and the requester's SRAM side of them.
  for (const auto& ev : in.log.memory) {
    const double b = w.prorated(ev.bytes, ev.start, ev.end);
    const double s = b * (ev.write ? rd : wr);
    at(proc, ev.requester.value) += s;
    transfer += s;
    at(channel, ev.channel) += b * t.dram_pj_per_byte();
    dram += b * t.dram_pj_per_byte();
  }
  // Link traversals inside the span.
  for (const auto& ev : in.log.links) {
    const double b = w.prorated(ev.bytes, ev.start, ev.end);
    at(link, ev.link.value) += b * t.noc_pj_per_byte_hop();
    noc += b * t.noc_pj_per_byte_hop();
  }

  const double n = w.iterations ? static_cast<double>(w.iterations) : 1.0;
  const double period_s = m.period_cycles / (m.clock_ghz * 1e9);
  const double proc_w = t.processor_static_w(in.platform.processor);
  e.static_w = proc_w * static_cast<double>(proc.size()) +
               t.link_static_w() * static_cast<double>(link.size()) +
               t.channel_static_w() * static_cast<double>(channel.size());
  for (auto& v : proc) v = v * kPj / n + proc_w * period_s;
  for (auto& v : link) v = v * kPj / n + t.link_static_w() * period_s;
  for (auto& v : channel) v = v * kPj / n + t.channel_static_w() * period_s;
  e.per_processor_j = std::move(proc);
  e.per_link_j = std::move(link);
  e.per_channel_j = std::move(channel);

  e.array_j = array * kPj / n;
  e.vector_j = vector * kPj / n;
  e.sram_operand_j = operand * kPj / n;
  e.sram_transfer_j = transfer * kPj / n;
  e.macs /= n;
  e.synops /= n;
  e.vector_ops /= n;
  e.per_iteration.compute = e.array_j + e.vector_j;
  e.per_iteration.sram = e.sram_operand_j + e.sram_transfer_j;
  e.per_iteration.dram = dram * kPj / n;
  e.per_iteration.noc = noc * kPj / n;
  e.per_iteration.leakage = e.static_w * period_s;
  const double total = e.per_iteration.total();
  const double batch = m.batch ? static_cast<double>(m.batch) : 1.0;
  e.per_sample_j = total / batch;
  e.average_power_w = period_s > 0 ? total / period_s : 0.0;
  e.edp_j_s = e.per_sample_j * period_s / batch;
}

}  // namespace spikepipe::metrics

namespace spikepipe {

std::vector<PowerSample> power_over_time(const MetricsInput& in, uint32_t bins) {
  const Cycles end = in.log.end_time();
  std::vector<PowerSample> out;
  if (end == 0 || bins == 0) return out;
  const Cycles width = std::max<Cycles>(1, (end + bins - 1) / bins);
  const size_t n = static_cast<size_t>((end + width - 1) / width);
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].begin = static_cast<Cycles>(i) * width;
    out[i].end = std::min<Cycles>(end, out[i].begin + width);
  }
  const EnergyTable& t = metrics::table_of(in);
  const uint64_t sram = in.platform.processor.sram_bytes;
  const double rd = t.sram_read_pj_per_byte(sram), wr = t.sram_write_pj_per_byte(sram);
  const metrics::TaskCosts costs = metrics::task_costs(in, t);
  // Adds `pj` spread evenly over [s, e) (an instant: into its bin) to the member of each bin.
  auto spread = [&](double PowerSample::*field, double pj, Cycles s, Cycles e) {
    if (pj <= 0) return;
    if (e <= s) {
      const size_t i = std::min(n - 1, static_cast<size_t>(s / width));
      out[i].*field += pj;
      return;
    }
    const double per_cycle = pj / static_cast<double>(e - s);
    for (size_t i = static_cast<size_t>(s / width); i < n && out[i].begin < e; ++i) {
      const Cycles lo = std::max(s, out[i].begin), hi = std::min(e, out[i].end);
      if (hi > lo) out[i].*field += per_cycle * static_cast<double>(hi - lo);
    }
  };
  for (const auto& ev : in.log.tasks) {
    if (ev.op.value >= in.schedule.ops.size()) continue;
    const Op& op = in.schedule.op(ev.op);
    if (op.task.value >= costs.energy.size()) continue;
    const TaskEnergy& te = costs.energy[op.task.value];
    const double f = metrics::share(op);
    spread(&PowerSample::compute_w, f * te.compute_pj(), ev.start, ev.end);
    spread(&PowerSample::sram_w, f * te.sram_pj, ev.start, ev.end);
  }
  for (const auto& ev : in.log.messages)
    spread(&PowerSample::sram_w, static_cast<double>(ev.bytes) * (rd + wr), ev.sent,
           std::max(ev.received, ev.sent));
  for (const auto& ev : in.log.memory) {
    const double b = static_cast<double>(ev.bytes);
    spread(&PowerSample::dram_w, b * t.dram_pj_per_byte(), ev.start, ev.end);
    spread(&PowerSample::sram_w, b * (ev.write ? rd : wr), ev.start, ev.end);
  }
  for (const auto& ev : in.log.links)
    spread(&PowerSample::noc_w, static_cast<double>(ev.bytes) * t.noc_pj_per_byte_hop(), ev.start,
           ev.end);
  // pJ per bin -> W at the clock; static power throughout.
  uint32_t links = static_cast<uint32_t>(in.link_names.size());
  for (const auto& ev : in.log.links) links = std::max(links, ev.link.value + 1);
  uint32_t channels = in.platform.memory.channels;
  for (const auto& ev : in.log.memory) channels = std::max(channels, ev.channel + 1);
  const double static_w = t.processor_static_w(in.platform.processor) * in.platform.processors +
                          t.link_static_w() * links + t.channel_static_w() * channels;
  for (auto& s : out) {
    const double seconds = static_cast<double>(s.end - s.begin) / (in.platform.clock_ghz * 1e9);
    const double f = seconds > 0 ? metrics::kPj / seconds : 0.0;
    s.compute_w *= f;
    s.sram_w *= f;
    s.dram_w *= f;
    s.noc_w *= f;
    s.static_w = static_w;
  }
  return out;
}

}  // namespace spikepipe

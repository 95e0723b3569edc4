// The list simulation: every processor walks its cyclic program in order, an op starts when its
// processor is free and its deps are satisfied, then the processor injects one message per remote
// out-dep. Links are assumed uncontended (the schedulers' view of the NoC), so the result does not
// depend on the order in which processors are advanced: it is the unique self-timed execution.
#include <algorithm>
#include <cmath>
#include <limits>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {

Cycles op_duration(const Op& op, const CommModel& c) {
  return c.dram_read(op.dram_read_bytes, op.proc) + op.cycles();
}

std::vector<uint64_t> weight_excess(const Schedule& s, const CommModel& c) {
  std::vector<uint64_t> out(s.processors, 0);
  if (!c.sram_bytes) return out;
  const std::vector<uint64_t> w = resident_weight_bytes(s);
  for (uint32_t p = 0; p < s.processors && p < w.size(); ++p)
    out[p] = w[p] > c.sram_bytes ? w[p] - c.sram_bytes : 0;
  return out;
}

std::vector<uint64_t> op_dram_reads(const Schedule& s, const CommModel& c) {
  std::vector<uint64_t> out(s.ops.size(), 0);
  for (const Op& op : s.ops) out[op.id.value] = op.dram_read_bytes;
  for (const Dep& d : s.deps)
    if (d.spill_bytes && occupies_sram(d)) out[d.dst.value] += d.spill_bytes;
  const std::vector<uint64_t> excess = weight_excess(s, c);
  bool any = false;
  for (uint64_t e : excess) any = any || e;
  if (any) {
    const std::vector<uint64_t> total = resident_weight_bytes(s);
    for (const Op& op : s.ops) {
      const uint32_t p = op.proc.value;
      if (!excess[p] || !holds_weights(op) || !total[p]) continue;
      // The processor's formula (models/src/processor.cpp read_memory), to the byte.
      out[op.id.value] += static_cast<uint64_t>(double(op.weight_bytes) * double(excess[p]) /
                                                double(total[p]));
    }
  }
  return out;
}

std::vector<double> dram_sharing(const Schedule& s, const CommModel& c) {
  std::vector<double> g(s.processors, 1.0);
  const std::vector<uint64_t> reads = op_dram_reads(s, c);
  std::vector<double> R(s.processors, 0.0), W(s.processors, 0.0);
  for (const Op& op : s.ops) {
    R[op.proc.value] += double(reads[op.id.value]);
    W[op.proc.value] += double(op.dram_write_bytes);
  }
  for (const Dep& d : s.deps)
    if (d.spill_bytes && occupies_sram(d)) W[s.op(d.dst).proc.value] += double(d.spill_bytes);
  double sum = 0, sq = 0;
  for (uint32_t p = 0; p < s.processors; ++p) {
    const double b = R[p] + W[p];
    sum += b;
    sq += b * b;
  }
  if (sq <= 0) return g;
  const double users = sum * sum / sq;  // the effective number of processors using the DRAM
  for (uint32_t p = 0; p < s.processors; ++p)
    if (R[p] > 0) g[p] = std::max(1.0, users * (1.0 + W[p] / R[p]));
  return g;
}

std::vector<Cycles> op_durations(const Schedule& s, const CommModel& c) {
  const std::vector<uint64_t> reads = op_dram_reads(s, c);
  const std::vector<double> g = dram_sharing(s, c);
  const double all = c.dram_bytes_per_cycle * std::max<uint32_t>(1, c.dram_channels);
  std::vector<Cycles> out(s.ops.size());
  for (const Op& op : s.ops) {
    const uint64_t b = reads[op.id.value];
    Cycles t = c.dram_read(b, op.proc);
    const double f = op.proc.value < g.size() ? g[op.proc.value] : 1.0;
    // Shared channels: the read waits for the data queued ahead of it, (f - 1) times its own
    // bytes over all channels (dram_sharing), then runs as if alone.
    if (b && f > 1.0) t += serial_cycles(static_cast<uint64_t>(double(b) * (f - 1.0)), all);
    out[op.id.value] = t + op.cycles();
  }
  return out;
}

Cycles SharedLoads::link_max() const {
  return links.empty() ? 0 : *std::max_element(links.begin(), links.end());
}

SharedLoads shared_loads(const Schedule& s, const CommModel& c) {
  SharedLoads r;
  if (!c.noc) return r;
  r.links.assign(c.noc->links().size(), 0);
  std::vector<LinkId> route;
  auto on_route = [&](uint32_t a, uint32_t b, uint64_t bytes) {
    if (!bytes || a == b) return;
    route.clear();
    c.noc->route(a, b, route);
    const Cycles t = serial_cycles(bytes, c.link_bytes_per_cycle);
    for (LinkId l : route) r.links[l.value] += t;
  };
  auto node = [&](ProcessorId p) { return p.value < c.node.size() ? c.node[p.value] : 0u; };
  auto ctrl = [&](ProcessorId p) {
    return p.value < c.controller.size() ? c.controller[p.value] : 0u;
  };
  auto dram = [&](uint64_t bytes) {
    if (!bytes) return;
    r.dram_bytes += bytes;
    r.dram_channel += serial_cycles(c.channel_share(bytes), c.dram_bytes_per_cycle);
  };
  for (const Dep& d : s.deps) {
    const Op& a = s.op(d.src);
    const Op& b = s.op(d.dst);
    if (s.remote(d)) on_route(node(a.proc), node(b.proc), d.bytes);
    if (d.spill_bytes && occupies_sram(d)) {
      on_route(node(b.proc), ctrl(b.proc), d.spill_bytes);  // the write
      dram(d.spill_bytes);
      r.spilled_bytes += d.spill_bytes;
    }
  }
  // Reads: one access per op here (the processor issues its reads together).
  const std::vector<uint64_t> reads = op_dram_reads(s, c);
  for (const Op& op : s.ops) {
    on_route(ctrl(op.proc), node(op.proc), reads[op.id.value]);
    dram(reads[op.id.value]);
    on_route(node(op.proc), ctrl(op.proc), op.dram_write_bytes);
    dram(op.dram_write_bytes);
  }
  return r;
}

std::vector<std::vector<uint32_t>> remote_out_deps(const Schedule& s) {
  std::vector<std::vector<uint32_t>> out(s.ops.size());
  for (uint32_t d = 0; d < s.deps.size(); ++d)
    if (s.remote(s.deps[d])) out[s.deps[d].src.value].push_back(d);
  return out;
}

std::vector<Cycles> send_cycles(const Schedule& s, const CommModel& c) {
  std::vector<Cycles> out(s.ops.size(), 0);
  for (const Dep& d : s.deps)
    if (s.remote(d)) out[d.src.value] += c.inject(d.bytes);
  return out;
}

std::vector<Cycles> processor_loads(const Schedule& s, const CommModel& c) {
  std::vector<Cycles> load(s.processors, 0);
  const auto sends = send_cycles(s, c);
  const auto dur = op_durations(s, c);
  for (const Op& op : s.ops) load[op.proc.value] += dur[op.id.value] + sends[op.id.value];
  return load;
}

PredictedRun predict_run(const Schedule& s, const CommModel& c, uint32_t iterations) {
  constexpr Cycles kUnknown = std::numeric_limits<Cycles>::max();
  const size_t n_ops = s.ops.size();
  int32_t max_offset = 0;
  for (const Op& op : s.ops) max_offset = std::max(max_offset, op.offset);
  const uint32_t N = iterations ? iterations
                                 : uint32_t(max_offset) + std::min<uint32_t>(400, std::max<uint32_t>(16, 3 * (max_offset + 2)));

  std::vector<std::vector<uint32_t>> in(n_ops);
  for (uint32_t d = 0; d < s.deps.size(); ++d) in[s.deps[d].dst.value].push_back(d);
  const auto out = remote_out_deps(s);
  const std::vector<Cycles> dur = op_durations(s, c);

  std::vector<Cycles> start(n_ops * N, kUnknown), end(n_ops * N, kUnknown);
  std::vector<Cycles> arrival(s.deps.size() * N, kUnknown);
  std::vector<Cycles> send_start(s.deps.size() * N, kUnknown);

  std::vector<ProgramCursor> cur;
  std::vector<Cycles> free_at(s.processors, 0);
  for (uint32_t p = 0; p < s.processors; ++p) cur.emplace_back(s, ProcessorId(p), N);

  PredictedRun res;
  res.iterations = N;
  bool progress = true;
  while (progress) {
    progress = false;
    for (uint32_t p = 0; p < s.processors; ++p) {
      ProgramCursor& cp = cur[p];
      for (; !cp.done(); cp.next()) {
        const Op& op = cp.op();
        const uint32_t k = cp.iteration();
        bool ready = true;
        Cycles t = free_at[p];
        for (uint32_t d : in[op.id.value]) {
          const Dep& dep = s.deps[d];
          const auto ks = producer_iteration(dep, k);
          if (!ks) continue;
          const Cycles r = s.remote(dep) ? arrival[size_t(d) * N + *ks]
                                         : end[size_t(dep.src.value) * N + *ks];
          if (r == kUnknown) {
            ready = false;
            break;
          }
          t = std::max(t, r);
        }
        if (!ready) break;
        const size_t i = size_t(op.id.value) * N + k;
        start[i] = t;
        t += dur[op.id.value];
        end[i] = t;
        for (uint32_t d : out[op.id.value]) {
          send_start[size_t(d) * N + k] = t;
          t += c.inject(s.deps[d].bytes);
          const Dep& dep = s.deps[d];
          arrival[size_t(d) * N + k] = t + c.flight(op.proc, s.op(dep.dst).proc);
        }
        free_at[p] = t;
        progress = true;
      }
    }
  }

  for (uint32_t p = 0; p < s.processors; ++p) {
    if (cur[p].done()) continue;
    res.deadlock = true;
    res.blocked = "processor " + std::to_string(p) + " waits in round " +
                  std::to_string(cur[p].round()) + " at " + cur[p].op().label();
    return res;
  }

  res.completion.assign(N, 0);
  res.first_start.assign(N, kUnknown);
  for (size_t o = 0; o < n_ops; ++o)
    for (uint32_t k = 0; k < N; ++k) {
      res.completion[k] = std::max(res.completion[k], end[o * N + k]);
      res.first_start[k] = std::min(res.first_start[k], start[o * N + k]);
      res.makespan = std::max(res.makespan, end[o * N + k]);
    }
  // Iteration k completes by round k + max_offset; later rounds skip the ops of iterations
  // >= N and drain faster, so only iterations up to N - 1 - max_offset show the steady state.
  const uint32_t e = N - 1 > uint32_t(max_offset) ? N - 1 - uint32_t(max_offset) : N - 1;
  const uint32_t w = e / 2;
  if (e > w)
    res.period = double(res.completion[e] - res.completion[w]) / double(e - w);
  else
    res.period = double(res.completion[e]);
  double lat = 0;
  for (uint32_t k = w; k <= e; ++k) lat += double(res.completion[k] - res.first_start[k]);
  res.latency = lat / double(e - w + 1);
  res.window_begin = res.completion[w];
  res.window_end = res.completion[e];
  res.op_end = std::move(end);
  res.send_start = std::move(send_start);
  return res;
}

}  // namespace spikepipe

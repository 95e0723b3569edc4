// The list simulation: every processor walks its cyclic program in order, an op starts when its
// processor is free and its deps are satisfied, then the processor injects one message per remote
// out-dep. Links are assumed uncontended (the schedulers' view of the NoC), so the result does not
// depend on the order in which processors are advanced: it is the unique self-timed execution.
#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis_internal.h"
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

std::vector<Cycles> op_durations(const Schedule& s, const CommModel& c) {
  const std::vector<uint64_t> reads = op_dram_reads(s, c);
  const bool waits = c.op_wait.size() == s.ops.size();
  std::vector<Cycles> out(s.ops.size());
  for (const Op& op : s.ops) {
    const uint32_t i = op.id.value;
    out[i] = c.dram_read(reads[i], op.proc) + (waits && reads[i] ? c.op_wait[i] : 0) + op.cycles();
  }
  return out;
}

std::vector<Cycles> dram_waits(const Schedule& s, const CommModel& c) {
  return dram_waits_keep_run(s, c, nullptr);
}

// dram_waits, and the list simulation without waits that it ran (when it ran one) in *run:
// finalize_schedule's own list simulation is that one when every wait is 0.
std::vector<Cycles> dram_waits_keep_run(const Schedule& s, const CommModel& c, PredictedRun* run) {
  CommModel alone = c;
  alone.op_wait.clear();
  std::vector<Cycles> wait(s.ops.size(), 0);
  const std::vector<uint64_t> reads = op_dram_reads(s, alone);
  bool any = false;
  for (uint64_t b : reads) any = any || b;
  if (!any) return wait;
  PredictedRun kept;
  PredictedRun& r = run ? *run : kept;
  r = predict_run(s, alone);
  if (r.deadlock) return wait;
  const uint32_t N = r.iterations;
  const std::vector<Cycles> dur = op_durations(s, alone);
  const double all = c.dram_bytes_per_cycle * std::max<uint32_t>(1, c.dram_channels);
  constexpr Cycles kUnknown = std::numeric_limits<Cycles>::max();
  // Every DRAM access of the run as bytes spread evenly over its window.
  struct Ev {
    double t, rate;
  };
  std::vector<Ev> ev;
  auto add = [&](double from, double len, uint64_t bytes) {
    if (!bytes) return;
    len = std::max(len, 1.0);
    ev.push_back({from, double(bytes) / len});
    ev.push_back({from + len, -double(bytes) / len});
  };
  auto link = [&](uint64_t b) { return double(serial_cycles(b, c.link_bytes_per_cycle)); };
  // Each processor's posted writes: (issued, its part on the channels done). The simulator's
  // channels serve in call order (busy_until), so a read issued after a write of its processor
  // starts on the channels only once that write, which first crosses the NoC to the controller,
  // is done there.
  std::vector<std::vector<std::pair<Cycles, Cycles>>> writes(s.processors);
  auto write = [&](ProcessorId p, Cycles t, uint64_t b) {
    if (!b || p.value >= s.processors) return;
    const Cycles h = Cycles(c.controller_hops(p)) * c.hop_latency;
    writes[p.value].push_back({t, t + serial_cycles(b, c.link_bytes_per_cycle) + h +
                                      c.dram_latency +
                                      serial_cycles(c.channel_share(b), c.dram_bytes_per_cycle)});
  };
  for (const Op& op : s.ops) {
    const uint32_t o = op.id.value;
    for (uint32_t k = 0; k < N; ++k) {
      const Cycles end = r.op_end[size_t(o) * N + k];
      if (end == kUnknown) continue;
      const Cycles start = end - dur[o];
      if (reads[o]) add(double(start), double(c.dram_read(reads[o], op.proc)), reads[o]);
      if (op.dram_write_bytes) add(double(end), link(op.dram_write_bytes), op.dram_write_bytes);
      write(op.proc, end, op.dram_write_bytes);
    }
  }
  for (uint32_t d = 0; d < s.deps.size(); ++d) {
    const Dep& dep = s.deps[d];
    if (!dep.spill_bytes || !occupies_sram(dep)) continue;
    const Op& src = s.op(dep.src);
    for (uint32_t k = 0; k < N; ++k) {
      Cycles t;
      if (s.remote(dep)) {
        const Cycles st = r.send_start[size_t(d) * N + k];
        if (st == kUnknown) continue;
        t = st + c.inject(dep.bytes) + c.flight(src.proc, s.op(dep.dst).proc);
      } else {
        t = r.op_end[size_t(src.id.value) * N + k];
        if (t == kUnknown) continue;
      }
      add(double(t), link(dep.spill_bytes), dep.spill_bytes);
      write(s.op(dep.dst).proc, t, dep.spill_bytes);
    }
  }
  for (auto& w : writes) {
    std::sort(w.begin(), w.end());
    for (size_t i = 1; i < w.size(); ++i) w[i].second = std::max(w[i].second, w[i - 1].second);
  }
  std::sort(ev.begin(), ev.end(), [](const Ev& a, const Ev& b) { return a.t < b.t; });
  // G(x) = integral of the summed rate up to x, piecewise linear through the event times.
  std::vector<double> T, I, R;
  double rate = 0, integral = 0, last = ev.empty() ? 0 : ev.front().t;
  for (size_t i = 0; i < ev.size();) {
    const double t = ev[i].t;
    integral += rate * (t - last);
    last = t;
    while (i < ev.size() && ev[i].t == t) rate += ev[i++].rate;
    T.push_back(t);
    I.push_back(integral);
    R.push_back(std::max(0.0, rate));
  }
  auto G = [&](double x) {
    auto it = std::upper_bound(T.begin(), T.end(), x);
    if (it == T.begin()) return 0.0;
    const size_t j = size_t(it - T.begin()) - 1;
    return I[j] + R[j] * (x - T[j]);
  };
  // The steady state: reads of the instances that start inside the measured window.
  for (const Op& op : s.ops) {
    const uint32_t o = op.id.value;
    if (!reads[o]) continue;
    double sum = 0;
    uint32_t n = 0;
    for (uint32_t k = 0; k < N; ++k) {
      const Cycles end = r.op_end[size_t(o) * N + k];
      if (end == kUnknown) continue;
      const Cycles start = end - dur[o];
      if (start < r.window_begin || start >= r.window_end) continue;
      const double len = std::max(1.0, double(c.dram_read(reads[o], op.proc)));
      const double others = G(double(start) + len) - G(double(start)) - double(reads[o]);
      double wt = std::max(0.0, others) / all;
      // Behind its own processor's last posted writes (their channel part done, prefix max).
      const auto& w = writes[op.proc.value];
      auto it = std::upper_bound(w.begin(), w.end(), std::make_pair(start, ~Cycles(0)));
      if (it != w.begin()) {
        const Cycles h = Cycles(c.controller_hops(op.proc)) * c.hop_latency;
        const Cycles ready = start + h + c.dram_latency;  // the read's own channel start, alone
        const Cycles busy = std::prev(it)->second;
        if (busy > ready) wt = std::max(wt, double(busy - ready));
      }
      sum += wt;
      ++n;
    }
    if (n) wait[o] = static_cast<Cycles>(std::ceil(sum / n - 1e-9));
  }
  return wait;
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
    if (s.remote(s.deps[d]) && sent_by_processor(s.deps[d])) out[s.deps[d].src.value].push_back(d);
  return out;
}

std::vector<Cycles> send_cycles(const Schedule& s, const CommModel& c) {
  std::vector<Cycles> out(s.ops.size(), 0);
  for (const Dep& d : s.deps)
    if (s.remote(d) && sent_by_processor(d)) out[d.src.value] += c.inject(d.bytes);
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

  // Flat per-op tables (CSR): each in-dep as where its producer's time is (arrival of the dep,
  // or end of the src op, per §2) and its distance; each remote out-dep with its injection and
  // flight; each collective member with its delay after S. Same rules as producer_iteration()
  // and sent_by_processor(), precomputed once instead of per instance.
  struct In {
    size_t base;  // index of iteration 0 in `arrival` (from_arrival) or `end`
    uint32_t distance;
    bool from_arrival;
  };
  std::vector<uint32_t> in_at(n_ops + 1, 0);
  for (const Dep& d : s.deps) ++in_at[d.dst.value + 1];
  for (size_t o = 0; o < n_ops; ++o) in_at[o + 1] += in_at[o];
  std::vector<In> in(s.deps.size());
  {
    std::vector<uint32_t> fill(in_at.begin(), in_at.end() - 1);
    for (uint32_t d = 0; d < s.deps.size(); ++d) {
      const Dep& dep = s.deps[d];
      const bool arr = s.remote(dep) || dep.in_collective();
      in[fill[dep.dst.value]++] =
          In{arr ? size_t(d) * N : size_t(dep.src.value) * N, dep.distance, arr};
    }
  }
  struct Out {
    uint32_t dep;
    Cycles inject, flight;
  };
  std::vector<uint32_t> out_at(n_ops + 1, 0);
  for (const Dep& d : s.deps)
    if (s.remote(d) && sent_by_processor(d)) ++out_at[d.src.value + 1];
  for (size_t o = 0; o < n_ops; ++o) out_at[o + 1] += out_at[o];
  std::vector<Out> out(out_at[n_ops]);
  {
    std::vector<uint32_t> fill(out_at.begin(), out_at.end() - 1);
    for (uint32_t d = 0; d < s.deps.size(); ++d) {
      const Dep& dep = s.deps[d];
      if (!(s.remote(dep) && sent_by_processor(dep))) continue;
      out[fill[dep.src.value]++] =
          Out{d, c.inject(dep.bytes), c.flight(s.op(dep.src).proc, s.op(dep.dst).proc)};
    }
  }
  const std::vector<Cycles> dur = op_durations(s, c);

  std::vector<Cycles> start(n_ops * N, kUnknown), end(n_ops * N, kUnknown);
  std::vector<Cycles> arrival(s.deps.size() * N, kUnknown);
  std::vector<Cycles> send_start(s.deps.size() * N, kUnknown);
  // Collectives (docs/EXECUTION.md §7): srcs still to end and the latest end, per instance.
  const CollectiveIndex ci(s);
  std::vector<Cycles> member_delay(s.deps.size(), 0);  // arrival - S of a collective member
  for (const auto& members : ci.members)
    for (uint32_t d : members) {
      const Dep& dep = s.deps[d];
      member_delay[d] = s.remote(dep) ? c.inject(dep.bytes) +
                                            c.flight(s.op(dep.src).proc, s.op(dep.dst).proc)
                                      : 0;
    }
  std::vector<uint32_t> remaining(s.collectives.size() * N);
  std::vector<Cycles> group_start(s.collectives.size() * N, 0);
  for (size_t g = 0; g < s.collectives.size(); ++g)
    std::fill_n(remaining.begin() + long(g * N), N, uint32_t(s.collectives[g].srcs.size()));

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
        for (uint32_t j = in_at[op.id.value], je = in_at[op.id.value + 1]; j < je; ++j) {
          const In& x = in[j];
          if (k < x.distance) continue;  // the initial weights (producer_iteration)
          const Cycles r = (x.from_arrival ? arrival : end)[x.base + (k - x.distance)];
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
        for (uint32_t g : ci.of_src[op.id.value]) {
          const size_t gi = size_t(g) * N + k;
          group_start[gi] = std::max(group_start[gi], t);
          if (--remaining[gi]) continue;
          const Cycles S = group_start[gi];  // the last src has ended: every member is sent
          for (uint32_t d : ci.members[g]) {
            send_start[size_t(d) * N + k] = S;
            arrival[size_t(d) * N + k] = S + member_delay[d];
          }
        }
        for (uint32_t j = out_at[op.id.value], je = out_at[op.id.value + 1]; j < je; ++j) {
          const Out& x = out[j];
          send_start[size_t(x.dep) * N + k] = t;
          t += x.inject;
          arrival[size_t(x.dep) * N + k] = t + x.flight;
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

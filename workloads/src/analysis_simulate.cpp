// The list simulation: every processor walks its cyclic program in order, an op starts when its
// processor is free and its deps are satisfied, then the processor injects one message per remote
// out-dep. Links are assumed uncontended (the schedulers' view of the NoC), so the result does not
// depend on the order in which processors are advanced: it is the unique self-timed execution.
#include <algorithm>
#include <cmath>
#include <limits>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe {

CommModel CommModel::from(const SchedulerOptions& o) {
  CommModel c;
  c.link_bytes_per_cycle = o.link_bytes_per_cycle;
  c.hop_latency = o.hop_latency;
  c.mean_hops = o.mean_hops;
  c.dram_latency = o.dram_latency;
  c.dram_bytes_per_cycle = o.dram_bytes_per_cycle;
  return c;
}

Cycles CommModel::inject(uint64_t bytes) const {
  if (bytes == 0) return 0;
  return static_cast<Cycles>(std::ceil(static_cast<double>(bytes) / link_bytes_per_cycle - 1e-9));
}

Cycles CommModel::flight() const {
  return static_cast<Cycles>(std::llround(mean_hops * static_cast<double>(hop_latency)));
}

Cycles CommModel::dram(uint64_t bytes) const {
  if (bytes == 0) return 0;
  return dram_latency +
         static_cast<Cycles>(std::ceil(static_cast<double>(bytes) / dram_bytes_per_cycle - 1e-9));
}

Cycles op_duration(const Op& op, const CommModel& c) {
  return c.dram(op.dram_read_bytes) + op.cycles();
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
  for (const Op& op : s.ops) load[op.proc.value] += op_duration(op, c) + sends[op.id.value];
  return load;
}

SimulationResult simulate(const Schedule& s, const CommModel& c, uint32_t iterations) {
  constexpr Cycles kUnknown = std::numeric_limits<Cycles>::max();
  const size_t n_ops = s.ops.size();
  int32_t max_offset = 0;
  for (const Op& op : s.ops) max_offset = std::max(max_offset, op.offset);
  const uint32_t N = iterations ? iterations
                                 : uint32_t(max_offset) + std::min<uint32_t>(400, std::max<uint32_t>(16, 3 * (max_offset + 2)));

  std::vector<std::vector<uint32_t>> in(n_ops);
  for (uint32_t d = 0; d < s.deps.size(); ++d) in[s.deps[d].dst.value].push_back(d);
  const auto out = remote_out_deps(s);
  std::vector<Cycles> dur(n_ops);
  for (const Op& op : s.ops) dur[op.id.value] = op_duration(op, c);

  std::vector<Cycles> start(n_ops * N, kUnknown), end(n_ops * N, kUnknown);
  std::vector<Cycles> arrival(s.deps.size() * N, kUnknown);
  std::vector<Cycles> send_start(s.deps.size() * N, kUnknown);

  struct Cursor {
    int64_t round = 0;
    size_t index = 0;
    Cycles time = 0;
    int64_t last_round = 0;
  };
  std::vector<Cursor> cur(s.processors);
  for (uint32_t p = 0; p < s.processors; ++p) {
    int32_t off = 0;
    for (OpId id : s.programs[p]) off = std::max(off, s.op(id).offset);
    cur[p].last_round = s.programs[p].empty() ? -1 : int64_t(N) + off - 1;
  }

  SimulationResult res;
  res.iterations = N;
  bool progress = true;
  while (progress) {
    progress = false;
    for (uint32_t p = 0; p < s.processors; ++p) {
      Cursor& cp = cur[p];
      const auto& prog = s.programs[p];
      while (cp.round <= cp.last_round) {
        const Op& op = s.op(prog[cp.index]);
        const int64_t k = cp.round - op.offset;
        bool ready = true;
        Cycles t = cp.time;
        if (k >= 0 && k < int64_t(N)) {
          for (uint32_t d : in[op.id.value]) {
            const Dep& dep = s.deps[d];
            const int64_t ks = k - int64_t(dep.distance);
            if (ks < 0) continue;
            const Cycles r = s.remote(dep) ? arrival[size_t(d) * N + ks] : end[size_t(dep.src.value) * N + ks];
            if (r == kUnknown) { ready = false; break; }
            t = std::max(t, r);
          }
          if (!ready) break;
          const size_t i = size_t(op.id.value) * N + size_t(k);
          start[i] = t;
          t += dur[op.id.value];
          end[i] = t;
          for (uint32_t d : out[op.id.value]) {
            send_start[size_t(d) * N + size_t(k)] = t;
            t += c.inject(s.deps[d].bytes);
            arrival[size_t(d) * N + size_t(k)] = t + c.flight();
          }
          cp.time = t;
        }
        progress = true;
        if (++cp.index == prog.size()) { cp.index = 0; ++cp.round; }
      }
    }
  }

  for (uint32_t p = 0; p < s.processors; ++p) {
    if (cur[p].round > cur[p].last_round) continue;
    const Op& op = s.op(s.programs[p][cur[p].index]);
    res.deadlock = true;
    res.blocked = "processor " + std::to_string(p) + " waits in round " + std::to_string(cur[p].round) +
                  " at " + op.label();
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

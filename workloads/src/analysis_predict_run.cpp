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
  return c.dram(op.dram_read_bytes) + op.cycles();
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
  for (const Op& op : s.ops) load[op.proc.value] += op_duration(op, c) + sends[op.id.value];
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
  std::vector<Cycles> dur(n_ops);
  for (const Op& op : s.ops) dur[op.id.value] = op_duration(op, c);

  std::vector<Cycles> start(n_ops * N, kUnknown), end(n_ops * N, kUnknown);
  std::vector<Cycles> arrival(s.deps.size() * N, kUnknown);
  std::vector<Cycles> send_start(s.deps.size() * N, kUnknown);
  // Collectives (docs/EXECUTION.md §7): srcs still to end and the latest end, per instance.
  const CollectiveIndex ci(s);
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
        for (uint32_t d : in[op.id.value]) {
          const Dep& dep = s.deps[d];
          const auto ks = producer_iteration(dep, k);
          if (!ks) continue;
          const Cycles r = s.remote(dep) || dep.in_collective()
                               ? arrival[size_t(d) * N + *ks]
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
        for (uint32_t g : ci.of_src[op.id.value]) {
          const size_t gi = size_t(g) * N + k;
          group_start[gi] = std::max(group_start[gi], t);
          if (--remaining[gi]) continue;
          const Cycles S = group_start[gi];  // the last src has ended: every member is sent
          for (uint32_t d : ci.members[g]) {
            const Dep& dep = s.deps[d];
            send_start[size_t(d) * N + k] = S;
            arrival[size_t(d) * N + k] =
                s.remote(dep) ? S + c.inject(dep.bytes) + c.flight() : S;
          }
        }
        for (uint32_t d : out[op.id.value]) {
          send_start[size_t(d) * N + k] = t;
          t += c.inject(s.deps[d].bytes);
          arrival[size_t(d) * N + k] = t + c.flight();
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

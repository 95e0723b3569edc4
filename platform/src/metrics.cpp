// METHOD.md §6 from the event log: period, latency, utilisation, bytes, links, memory.
#include "spikepipe/platform/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {

namespace {

constexpr Cycles kNever = std::numeric_limits<Cycles>::max();

// Cycles of [s, e) inside [b, f).
Cycles clip(Cycles s, Cycles e, Cycles b, Cycles f) {
  const Cycles lo = std::max(s, b), hi = std::min(e, f);
  return hi > lo ? hi - lo : 0;
}

// The share of an access's bytes that falls inside the span: in a periodic steady state the
// shares cut off at one end of the span are made up at the other, so the sum is exact.
double prorated(uint64_t bytes, Cycles s, Cycles e, Cycles b, Cycles f) {
  if (e <= s) return (s >= b && s < f) ? static_cast<double>(bytes) : 0.0;
  return static_cast<double>(bytes) * static_cast<double>(clip(s, e, b, f)) /
         static_cast<double>(e - s);
}

uint64_t per_iteration(double bytes, uint32_t iterations) {
  return iterations ? static_cast<uint64_t>(std::llround(bytes / iterations)) : 0;
}

uint64_t per_iteration(uint64_t bytes, uint32_t iterations) {
  return iterations ? static_cast<uint64_t>(std::llround(static_cast<double>(bytes) / iterations))
                    : 0;
}

}  // namespace

uint64_t total(const std::array<uint64_t, kTensorKinds>& a) {
  uint64_t s = 0;
  for (auto v : a) s += v;
  return s;
}

uint32_t pipeline_depth(const Schedule& s) {
  if (s.ops.empty()) return 0;
  int32_t lo = s.ops.front().offset, hi = lo;
  for (const auto& op : s.ops) {
    lo = std::min(lo, op.offset);
    hi = std::max(hi, op.offset);
  }
  return static_cast<uint32_t>(hi - lo);
}

void check_iteration_counts(int64_t measured, int64_t warmup) {
  const std::string max = std::to_string(kMaxIterations);
  if (measured < 1 || measured > kMaxIterations)
    fail("--iterations", std::to_string(measured) + " is out of range", "1 .. " + max);
  if (warmup < -1 || warmup > kMaxIterations)
    fail("--warmup", std::to_string(warmup) + " is out of range", "-1 (automatic) or 0 .. " + max);
}

IterationPlan plan_iterations(const Schedule& s, uint32_t measured, int warmup) {
  check_iteration_counts(measured, warmup);
  IterationPlan p;
  p.measured = measured;
  // Run on until every message of a measured iteration has a consumer that runs: the pipeline
  // depth, and at least the longest dependency distance (weights reach F_l d_l + 1 iterations on).
  p.drain = pipeline_depth(s);
  for (const auto& d : s.deps) p.drain = std::max(p.drain, d.distance);
  // Automatic warm-up: four times the depth. Ops that may run d_l iterations ahead (weights with a
  // delay) keep filling buffers for several depths before the completions settle; measured on
  // cifar10-vgg with 8 processors, the intervals settled after about 3x the depth.
  const uint64_t auto_warmup = std::max<uint64_t>(4ull * p.drain, 1);
  const uint64_t w = warmup < 0 ? auto_warmup : static_cast<uint64_t>(warmup);
  // total() is a 32-bit count; a schedule deep enough to overflow it cannot be simulated anyway.
  if (w + measured + p.drain > std::numeric_limits<uint32_t>::max()) {
    fail("--warmup", "warm-up " + std::to_string(w) + " + measured " + std::to_string(measured) +
                         " + drain " + std::to_string(p.drain) + " iterations is too many",
         "a total below 2^32");
  }
  p.warmup = static_cast<uint32_t>(w);
  return p;
}

LatencyStats latency_stats(std::vector<Cycles> v) {
  LatencyStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.count = v.size();
  double sum = 0;
  for (auto x : v) sum += static_cast<double>(x);
  s.mean = sum / static_cast<double>(v.size());
  s.min = v.front();
  s.max = v.back();
  auto rank = [&](double q) {
    size_t r = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size(), std::max<size_t>(r, 1)) - 1];
  };
  s.p50 = rank(0.50);
  s.p95 = rank(0.95);
  return s;
}

Metrics compute_metrics(const MetricsInput& in) {
  const Schedule& sch = in.schedule;
  const EventLog& log = in.log;
  const IterationPlan& plan = in.plan;
  const uint32_t P = in.platform.processors;
  Metrics m;
  m.scheduler = sch.scheduler;
  m.split = sch.split;
  m.processors = P;
  m.batch = in.graph.batch;
  m.clock_ghz = in.platform.clock_ghz;
  m.plan = plan;
  m.end_time = log.end_time();

  // Iterations: first op start and last op end.
  const uint32_t N = plan.total();
  m.iteration_start.assign(N, kNever);
  m.iteration_end.assign(N, 0);
  std::vector<bool> seen(N, false);
  for (const auto& e : log.tasks) {
    if (e.iteration >= N) continue;
    seen[e.iteration] = true;
    m.iteration_start[e.iteration] = std::min(m.iteration_start[e.iteration], e.start);
    m.iteration_end[e.iteration] = std::max(m.iteration_end[e.iteration], e.end);
  }
  for (uint32_t k = 0; k < N; ++k) {
    if (!seen[k])
      fail("run", "iteration " + std::to_string(k) + " ran no task (the run is incomplete)");
    m.iteration_latency.push_back(m.iteration_end[k] - m.iteration_start[k]);
  }
  // Steady state: the completion intervals of the measured iterations repeat, with a cycle of c
  // iterations (c = 1 when every interval is the period; DRAM interleaving or a schedule whose
  // rounds differ can give c = 2 or 3). The period is the mean over whole cycles, the last ones.
  uint32_t W = plan.warmup, I = plan.measured;
  {
    std::vector<double> iv;
    for (uint32_t k = W; k < W + I; ++k) {
      const Cycles prev = k == 0 ? 0 : m.iteration_end[k - 1];
      iv.push_back(static_cast<double>(m.iteration_end[k] > prev ? m.iteration_end[k] - prev : 0));
    }
    double mean = 0;
    for (double v : iv) mean += v / I;
    const auto [lo, hi] = std::minmax_element(iv.begin(), iv.end());
    m.interval_spread = mean > 0 ? (*hi - *lo) / mean : 0.0;
    for (uint32_t c = 1; c <= I / 2 && m.cycle == 0; ++c) {
      bool repeats = true;
      for (uint32_t k = 0; k + c < I; ++k)
        repeats = repeats && std::fabs(iv[k + c] - iv[k]) <= 0.005 * mean;
      if (repeats) m.cycle = c;
    }
    m.steady = m.cycle != 0 || I == 1;
    if (m.cycle > 1) {
      const uint32_t used = (I / m.cycle) * m.cycle;
      W += I - used;
      I = used;
    }
  }
  m.measured_from = W;
  m.measured_used = I;
  m.span_begin = W == 0 ? 0 : m.iteration_end[W - 1];
  m.span_end = m.iteration_end[W + I - 1];
  if (m.span_end <= m.span_begin) {
    fail("run", "the last measured iteration completed before the warm-up did",
         "a schedule whose iterations complete in order");
  }
  const Cycles span = m.span_end - m.span_begin;
  m.period_cycles = static_cast<double>(span) / I;
  double lat = 0;
  m.latency_min = kNever;
  for (uint32_t k = W; k < W + I; ++k) {
    lat += static_cast<double>(m.iteration_latency[k]);
    m.latency_min = std::min(m.latency_min, m.iteration_latency[k]);
    m.latency_max = std::max(m.latency_max, m.iteration_latency[k]);
  }
  m.latency_cycles = lat / I;
  m.fill_cycles = *std::min_element(m.iteration_end.begin(), m.iteration_end.end());
  m.drain_cycles = m.end_time - m.iteration_start[N - 1];
  m.throughput_samples_per_s = m.batch * m.clock_ghz * 1e9 / m.period_cycles;

  m.predicted_period_cycles = sch.predicted_period;
  m.predicted_sram_peak = sch.sram_peak;
  m.predicted_latency_cycles = sch.predicted_latency;
  m.lower_bound_cycles = sch.lower_bound;
  m.simulated_over_predicted =
      sch.predicted_period ? m.period_cycles / static_cast<double>(sch.predicted_period) : 0.0;
  m.gap_to_lower_bound =
      sch.lower_bound ? m.period_cycles / static_cast<double>(sch.lower_bound) - 1.0 : 0.0;
  m.delays = sch.delays;
  m.weight_versions = sch.weight_versions;
  m.predicted_loads = sch.loads;
  m.predicted_bytes_by_kind = sch.bytes_by_kind;

  // Processors: busy time per kind, sending, waiting inside the span; SRAM peaks.
  m.per_processor.assign(P, {});
  auto proc = [&](ProcessorId p) -> ProcessorMetrics& {
    if (p.value >= P)
      fail("run",
           "an event names processor " + std::to_string(p.value) + " of " + std::to_string(P));
    return m.per_processor[p.value];
  };
  for (const auto& e : log.tasks) {
    auto& pm = proc(e.proc);
    const Cycles c = clip(e.start, e.end, m.span_begin, m.span_end);
    pm.busy += c;
    pm.busy_by_kind[static_cast<int>(e.kind)] += c;
    ++pm.ops;
  }
  m.ops_run = log.tasks.size();
  for (const auto& e : log.waits)
    proc(e.proc).waiting += clip(e.start, e.end, m.span_begin, m.span_end);
  const double link_bpc = in.platform.noc.link_bytes_per_cycle;
  std::vector<Cycles> latencies;
  std::array<uint64_t, kTensorKinds> sent{}, received{};
  for (const auto& e : log.messages) {
    const Cycles until =
        e.injected > e.sent ? e.injected : e.sent + serial_cycles(e.bytes, link_bpc);
    proc(e.src).sending += clip(e.sent, until, m.span_begin, m.span_end);
    latencies.push_back(e.received >= e.sent ? e.received - e.sent : 0);
    if (e.iteration >= W && e.iteration < W + I) {
      sent[static_cast<int>(e.kind)] += e.bytes;
      if (e.received >= e.sent && e.received > 0) received[static_cast<int>(e.kind)] += e.bytes;
    }
  }
  m.messages = log.messages.size();
  m.message_latency = latency_stats(latencies);
  for (int k = 0; k < kTensorKinds; ++k) {
    m.bytes_by_kind[k] = per_iteration(sent[k], I);
    m.received_by_kind[k] = per_iteration(received[k], I);
  }
  m.inter_processor_bytes = total(m.bytes_by_kind);
  for (const auto& e : log.sram) {
    auto& pm = proc(e.proc);
    pm.peak_sram_bytes = std::max(pm.peak_sram_bytes, e.bytes);
    pm.peak_spilled_bytes = std::max(pm.peak_spilled_bytes, e.spilled);
  }
  // Weights each processor holds: the residency rule of core/execution.h, as the model holds them.
  const std::vector<uint64_t> resident = resident_weight_bytes(sch);
  for (uint32_t p = 0; p < P && p < resident.size(); ++p)
    m.per_processor[p].weight_footprint_bytes = resident[p];
  double usum = 0;
  for (auto& pm : m.per_processor) {
    pm.utilisation = static_cast<double>(pm.busy) / static_cast<double>(span);
    usum += pm.utilisation;
    m.peak_sram_bytes = std::max(m.peak_sram_bytes, pm.peak_sram_bytes);
  }
  m.mean_utilisation = P ? usum / P : 0.0;

  // Links: bytes inside the span (prorated), per iteration; busy time inside the span.
  uint32_t nlinks = static_cast<uint32_t>(in.link_names.size());
  for (const auto& e : log.links) nlinks = std::max(nlinks, e.link.value + 1);
  m.links.assign(nlinks, {});
  for (uint32_t l = 0; l < nlinks; ++l) {
    m.links[l].name = l < in.link_names.size() && !in.link_names[l].empty()
                          ? in.link_names[l]
                          : "link" + std::to_string(l);
  }
  std::vector<double> link_bytes(nlinks, 0);
  for (const auto& e : log.links) {
    auto& lm = m.links[e.link.value];
    lm.busy += clip(e.start, e.end, m.span_begin, m.span_end);
    ++lm.transfers;
    link_bytes[e.link.value] += prorated(e.bytes, e.start, e.end, m.span_begin, m.span_end);
  }
  double lsum = 0;
  for (uint32_t l = 0; l < nlinks; ++l) {
    auto& lm = m.links[l];
    lm.bytes = per_iteration(link_bytes[l], I);
    lm.utilisation = static_cast<double>(lm.busy) / static_cast<double>(span);
    lsum += lm.utilisation;
    m.max_link_utilisation = std::max(m.max_link_utilisation, lm.utilisation);
  }
  m.mean_link_utilisation = nlinks ? lsum / nlinks : 0.0;

  // DRAM: per kind and per channel, bytes inside the span (prorated), per iteration.
  uint32_t nch = in.platform.memory.channels;
  for (const auto& e : log.memory) nch = std::max(nch, e.channel + 1);
  m.channels.assign(nch, {});
  std::array<double, kTensorKinds> dram{};
  std::vector<double> ch_bytes(nch, 0);
  double spill = 0;
  for (const auto& e : log.memory) {
    auto& cm = m.channels[e.channel];
    cm.busy += clip(e.start, e.end, m.span_begin, m.span_end);
    ++cm.accesses;
    const double b = prorated(e.bytes, e.start, e.end, m.span_begin, m.span_end);
    dram[static_cast<int>(e.kind)] += b;
    ch_bytes[e.channel] += b;
    if (e.spill) spill += b;
  }
  for (int k = 0; k < kTensorKinds; ++k) m.dram_bytes_by_kind[k] = per_iteration(dram[k], I);
  for (uint32_t c = 0; c < nch; ++c) {
    m.channels[c].bytes = per_iteration(ch_bytes[c], I);
    m.channels[c].utilisation = static_cast<double>(m.channels[c].busy) / static_cast<double>(span);
  }
  m.dram_bytes = total(m.dram_bytes_by_kind);
  m.dram_spill_bytes = per_iteration(spill, I);

  // Communication overhead relative to pipedream, over all the bytes an iteration moves.
  for (const auto& e : in.graph.edges) m.graph_bytes += e.bytes;
  m.training_bytes = m.graph_bytes + m.dram_bytes;
  m.pipedream_bytes = in.pipedream_bytes;
  m.comm_overhead = m.training_bytes ? (static_cast<double>(m.inter_processor_bytes) -
                                        static_cast<double>(m.pipedream_bytes)) /
                                           static_cast<double>(m.training_bytes)
                                     : 0.0;
  m.sram_operand_bytes = in.graph.sram_bytes();
  m.all_traffic_bytes = m.training_bytes + m.sram_operand_bytes;
  m.comm_overhead_all_traffic = m.all_traffic_bytes
                                    ? (static_cast<double>(m.inter_processor_bytes) -
                                       static_cast<double>(m.pipedream_bytes)) /
                                          static_cast<double>(m.all_traffic_bytes)
                                    : 0.0;
  return m;
}

}  // namespace spikepipe

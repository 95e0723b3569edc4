// Communication: the messages between processors (bytes per kind and iteration, latency) and the
// overhead relative to pipedream over all the bytes an iteration moves.
#include <algorithm>
#include <cmath>

#include "sections.h"

namespace spikepipe {

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

namespace metrics {

namespace {

// (inter-processor bytes - pipedream's) / basis.
double overhead(const Metrics& m, uint64_t basis) {
  return basis ? (static_cast<double>(m.inter_processor_bytes) -
                  static_cast<double>(m.pipedream_bytes)) /
                     static_cast<double>(basis)
               : 0.0;
}

}  // namespace

void communication(const MetricsInput& in, const Window& w, Metrics& m) {
  // Bytes of the messages of the measured iterations (sent, and those that arrived); latency of
  // every message.
  std::vector<Cycles> latencies;
  std::array<uint64_t, kTensorKinds> sent{}, received{};
  for (const auto& e : in.log.messages) {
    latencies.push_back(e.received >= e.sent ? e.received - e.sent : 0);
    if (!w.measured(e.iteration)) continue;
    sent[static_cast<int>(e.kind)] += e.bytes;
    if (e.received >= e.sent && e.received > 0) received[static_cast<int>(e.kind)] += e.bytes;
  }
  m.messages = in.log.messages.size();
  m.message_latency = latency_stats(latencies);
  for (int k = 0; k < kTensorKinds; ++k) {
    m.bytes_by_kind[k] = w.per_iteration(sent[k]);
    m.received_by_kind[k] = w.per_iteration(received[k]);
  }
  m.inter_processor_bytes = total(m.bytes_by_kind);

  // The overhead's basis: every edge of one iteration, local or remote, plus the DRAM bytes; and
  // that plus the SRAM <-> array/vector operand traffic (docs/RESULTS.md).
  for (const auto& e : in.graph.edges) m.graph_bytes += e.bytes;
  m.training_bytes = m.graph_bytes + m.dram_bytes;
  m.pipedream_bytes = in.pipedream_bytes;
  m.comm_overhead = overhead(m, m.training_bytes);
  m.sram_operand_bytes = in.graph.sram_bytes();
  m.all_traffic_bytes = m.training_bytes + m.sram_operand_bytes;
  m.comm_overhead_all_traffic = overhead(m, m.all_traffic_bytes);
}

}  // namespace metrics

}  // namespace spikepipe

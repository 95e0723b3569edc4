// The execution rules (core/execution.h, docs/EXECUTION.md).
#include "spikepipe/core/execution.h"

#include <algorithm>
#include <map>
#include <utility>

namespace spikepipe {

Cycles serial_cycles(uint64_t bytes, double bytes_per_cycle) {
  if (bytes == 0) return 0;
  const double c = static_cast<double>(bytes) / bytes_per_cycle;
  const auto whole = static_cast<Cycles>(c);
  return (c - static_cast<double>(whole) > 1e-9) ? whole + 1 : (whole == 0 ? 1 : whole);
}

Cycles dram_access_cycles(uint64_t bytes, Cycles latency, double bytes_per_cycle) {
  return bytes ? latency + serial_cycles(bytes, bytes_per_cycle) : 0;
}

bool holds_weights(const Op& op) {
  return op.weight_bytes &&
         (op.kind == TaskKind::F || op.kind == TaskKind::E || op.kind == TaskKind::U);
}

uint64_t weight_copies(const Schedule& s, const Op& op) {
  if (op.kind == TaskKind::U || op.layer >= s.weight_versions.size()) return 1;
  return std::max(1u, s.weight_versions[op.layer]);
}

uint64_t resident_weight_bytes(const Schedule& s, ProcessorId p) {
  if (p.value >= s.programs.size()) return 0;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> w;  // (layer, part) -> bytes
  for (OpId o : s.programs[p.value]) {
    const Op& op = s.op(o);
    if (!holds_weights(op)) continue;
    auto& v = w[{op.layer, op.part}];
    v = std::max(v, op.weight_bytes * weight_copies(s, op));
  }
  uint64_t total = 0;
  for (const auto& kv : w) total += kv.second;
  return total;
}

std::vector<uint64_t> resident_weight_bytes(const Schedule& s) {
  std::vector<uint64_t> out(s.processors, 0);
  for (uint32_t p = 0; p < s.processors; ++p) out[p] = resident_weight_bytes(s, ProcessorId(p));
  return out;
}

bool occupies_sram(const Dep& d) { return d.kind != TensorKind::Weights && d.bytes > 0; }

bool has_consumer(const Dep& d, uint32_t k, uint32_t iterations) {
  return uint64_t(k) + d.distance < iterations;
}

std::optional<uint32_t> producer_iteration(const Dep& d, uint32_t k) {
  if (k < d.distance) return std::nullopt;
  return k - d.distance;
}

bool sent_by_processor(const Dep& d) { return !d.in_collective(); }

CollectiveIndex::CollectiveIndex(const Schedule& s)
    : of_src(s.ops.size()), members(s.collectives.size()) {
  for (uint32_t c = 0; c < s.collectives.size(); ++c)
    for (OpId o : s.collectives[c].srcs) of_src[o.value].push_back(c);
  for (uint32_t d = 0; d < s.deps.size(); ++d)
    if (s.deps[d].in_collective()) members[size_t(s.deps[d].collective)].push_back(d);
}

ProgramCursor::ProgramCursor(const Schedule& s, ProcessorId p, uint32_t iterations)
    : s_(s), program_(&s.programs.at(p.value)), iterations_(iterations) {
  if (program_->empty() || iterations == 0) return;  // done() at once
  int32_t lo = 0, hi = 0;
  for (OpId o : *program_) {
    lo = std::min(lo, s.op(o).offset);
    hi = std::max(hi, s.op(o).offset);
  }
  round_ = lo;
  last_round_ = int64_t(hi) + iterations - 1;
  if (!runs()) next();
}

bool ProgramCursor::runs() const {
  const int64_t k = round_ - op().offset;
  return k >= 0 && k < int64_t(iterations_);
}

void ProgramCursor::step() {
  if (++index_ == program_->size()) {
    index_ = 0;
    ++round_;
  }
}

void ProgramCursor::next() {
  do step();
  while (!done() && !runs());
}

}  // namespace spikepipe

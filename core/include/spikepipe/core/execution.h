#pragma once
// The execution rules of docs/EXECUTION.md, written once. The planner's list simulation
// (workloads/analysis.h), the SystemC processor (models/processor.h) and the metrics
// (platform/metrics.h) all call these; none of them restates a rule.
#include <cstdint>
#include <optional>
#include <vector>

#include "spikepipe/core/ids.h"
#include "spikepipe/core/schedule.h"

namespace spikepipe {

// --- Serialisation ------------------------------------------------------------------------------
// Cycles to move `bytes` at `bytes_per_cycle`: ceil(bytes / rate), at least 1 for any bytes, 0 for
// none. A NoC message keeps its sender busy this long (injection); a link and a DRAM channel are
// busy this long per transfer. Exact up to 1e-9 of a cycle, so 256 bytes at 25.6 are 10 cycles.
Cycles serial_cycles(uint64_t bytes, double bytes_per_cycle);
// An uncontended DRAM access as the planner sees it: latency + serial_cycles(bytes, rate), 0 for
// no bytes.
Cycles dram_access_cycles(uint64_t bytes, Cycles latency, double bytes_per_cycle);

// --- Residency ----------------------------------------------------------------------------------
// Weights: F and E read the version of their iteration, so a processor that runs them keeps
// weight_versions[layer] copies (weight stashing); U alone keeps the master copy once; G only
// writes gradients, which travel as a tensor (a dep). Per (layer, part) on a processor the
// largest of these counts, and they are resident for the whole run.
bool holds_weights(const Op& op);
uint64_t weight_copies(const Schedule& s, const Op& op);  // weight_bytes x this many
uint64_t resident_weight_bytes(const Schedule& s, ProcessorId p);
std::vector<uint64_t> resident_weight_bytes(const Schedule& s);  // per processor

// Tensors: every dep that carries bytes other than weights occupies the consumer's SRAM from its
// production (local producer: the producer's end) or the start of its transfer (remote: the
// receive buffer is taken when the sender starts injecting) until its consumer's instance ends.
// Weights move as versions already counted as resident.
bool occupies_sram(const Dep& d);
// The consumer of producer iteration k exists in a run of `iterations` iterations.
bool has_consumer(const Dep& d, uint32_t k, uint32_t iterations);
// The producer iteration that consumer iteration k waits for; nullopt when k < distance (the
// initial weights: nothing to wait for).
std::optional<uint32_t> producer_iteration(const Dep& d, uint32_t k);

// --- Collectives (docs/EXECUTION.md §7) ------------------------------------------------------
// A dep that is a member of a collective is not sent when its src op ends, by its processor:
// instance k of collective c starts when the last of c's srcs of iteration k has ended (its
// start, S), and then every member dep's message is injected at S by the NoC interface of its
// src's processor, beside compute (no processor is busy, the bytes are not in its load). A
// member dep whose ops share a processor carries nothing and is satisfied at S.
bool sent_by_processor(const Dep& d);  // a point-to-point dep: its src's processor injects it
// Which collectives each op is a src of, and each collective's member deps.
struct CollectiveIndex {
  explicit CollectiveIndex(const Schedule& s);
  std::vector<std::vector<uint32_t>> of_src;   // per op: collectives it is a src of
  std::vector<std::vector<uint32_t>> members;  // per collective: its deps
};

// --- Program cursor -----------------------------------------------------------------------------
// Processor p runs its program round after round; in round r an op with offset o runs iteration
// k = r - o when 0 <= k < iterations, and is skipped otherwise. The cursor walks the instances
// that run, in order: (op, iteration) pairs.
class ProgramCursor {
 public:
  ProgramCursor(const Schedule& s, ProcessorId p, uint32_t iterations);
  bool done() const { return round_ > last_round_; }
  const Op& op() const { return s_.op((*program_)[index_]); }
  uint32_t iteration() const { return static_cast<uint32_t>(round_ - op().offset); }
  int64_t round() const { return round_; }
  void next();  // to the next instance that runs

 private:
  bool runs() const;
  void step();
  const Schedule& s_;
  const std::vector<OpId>* program_;
  uint32_t iterations_;
  int64_t round_ = 0, last_round_ = -1;
  size_t index_ = 0;
};

}  // namespace spikepipe

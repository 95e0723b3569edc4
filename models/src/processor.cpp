// The processor's thread: wait for inputs, read DRAM, compute, hand results on (see processor.h).
#include "spikepipe/models/processor.h"

#include <algorithm>
#include <functional>

#include "spikepipe/core/execution.h"
#include "spikepipe/models/sim_time.h"
#include "spikepipe/core/error.h"

namespace spikepipe {

namespace {
constexpr uint64_t kRegionBits = 40;  // 1 TiB of address space per processor
constexpr uint64_t kSpillBase = 1ull << 38, kSpillSpan = 1ull << 37;
constexpr uint64_t kWeightBase = 1ull << 37;
constexpr uint64_t kOutputBase = 1ull << 39;
uint64_t round_up(uint64_t v, uint64_t to) { return (v + to - 1) / to * to; }
}  // namespace

SystolicProcessor::SystolicProcessor(const sc_core::sc_module_name& name, ProcessorId id,
                                     const ProcessorParams& p, const Schedule& schedule,
                                     RunLog& log, PayloadPool& pool, Probe& probe)
    : sc_module(name),
      noc("noc"),
      inbox("inbox"),
      id_(id),
      params_(p),
      s_(schedule),
      log_(log),
      pool_(pool),
      probe_(probe),
      sram_(p.sram_bytes, 0),
      region_(uint64_t(id.value + 1) << kRegionBits) {
  // Per op of this processor only (indexed by its place in the program, RunLog::local): at
  // 1024 processors a per-op table on every processor would grow with P^2.
  if (!log_.indexed) log_.index(s_);
  const size_t n = id_.value < s_.programs.size() ? s_.programs[id_.value].size() : 0;
  in_.resize(n);
  out_remote_.resize(n);
  out_local_.resize(n);
  done_.assign(n, 0);
  finish_.assign(n, 0);
  if (id_.value < log_.deps_into.size())
    for (uint32_t d : log_.deps_into[id_.value]) in_[local(s_.deps[d].dst)].push_back(d);
  if (id_.value < log_.deps_from.size())
    for (uint32_t d : log_.deps_from[id_.value]) {
      const Dep& dep = s_.deps[d];
      if (sent_by_processor(dep))  // collectives: finish()
        (s_.remote(dep) ? out_remote_ : out_local_)[local(dep.src)].push_back(d);
    }
  weight_total_ = resident_weight_bytes(s_, id_);
  sram_ = SramModel(p.sram_bytes, weight_total_);
  inbox.register_b_transport(this, &SystolicProcessor::inbox_transport);
  SC_THREAD(run);
  SC_METHOD(post_due);
  sensitive << posted_due_;
  dont_initialize();
}

void RunLog::index(const Schedule& s) {
  indexed = true;
  collectives.emplace(s);
  local.assign(s.ops.size(), 0);
  for (const auto& prog : s.programs)
    for (uint32_t i = 0; i < prog.size(); ++i) local[prog[i].value] = i;
  deps_into.assign(s.programs.size(), {});
  deps_from.assign(s.programs.size(), {});
  for (uint32_t d = 0; d < s.deps.size(); ++d) {
    deps_into[s.op(s.deps[d].dst).proc.value].push_back(d);
    deps_from[s.op(s.deps[d].src).proc.value].push_back(d);
  }
}

void SystolicProcessor::run() {
  try {
    sram_changed(0);
    run_program();
    finished_ = true;
  } catch (const std::exception& e) {
    if (log_.error.empty()) log_.error = e.what();
    sc_core::sc_stop();
  }
}

void SystolicProcessor::run_program() {
  if (id_.value >= s_.programs.size()) return;
  for (ProgramCursor cur(s_, id_, log_.iterations); !cur.done(); cur.next()) {
    const Op& op = cur.op();
    const uint32_t k = cur.iteration();
    wait_inputs(op, k);
    read_memory(op, k);
    const Cycles start = now_cycles();
    Cycles end = start + op.array_cycles + op.vector_cycles;
    if (params_.overlap_units) {
      // The thread follows the array; the vector part queues on its own unit.
      end = std::max(start + op.array_cycles, vector_free_) + op.vector_cycles;
      vector_free_ = end;
      wait(to_time(op.array_cycles));
    } else {
      wait(to_time(end - start));
    }
    TaskEvent t;
    t.proc = id_;
    t.op = op.id;
    t.kind = op.kind;
    t.layer = op.layer;
    t.iteration = k;
    t.start = start;
    t.array_end = start + op.array_cycles;
    t.end = end;
    probe_.on_task(t);
    log_.record_task(k, start, t.end);
    finish(op, k, end);
    log_.maybe_progress();
  }
}

bool SystolicProcessor::satisfied(uint32_t d, uint32_t k, Cycles& at) const {
  const Dep& dep = s_.deps[d];
  const auto producer = producer_iteration(dep, k);
  if (!producer) return true;  // initial weights
  const uint32_t j = *producer;
  if (!s_.remote(dep) && sent_by_processor(dep)) {
    if (done_[local(dep.src)] <= j) return false;
    at = std::max(at, finish_[local(dep.src)]);  // later than now only with overlap-units
    return true;
  }
  auto it = slots_.find(key(d, j));
  if (it == slots_.end() || it->second.arrival == kNever) return false;
  at = std::max(at, it->second.arrival);
  return true;
}

void SystolicProcessor::wait_inputs(const Op& op, uint32_t k) {
  const Cycles begin = now_cycles();
  wait_op_ = op.id;
  wait_iter_ = k;
  waiting_ = true;
  for (;;) {
    Cycles at = now_cycles();
    bool all = true;
    for (uint32_t d : in_[local(op.id)]) all = satisfied(d, k, at) && all;
    if (all) {
      if (at > now_cycles()) wait(to_time(at - now_cycles()));
      break;
    }
    wait(announced_);  // a local producer cannot finish while we wait: that stays a deadlock
  }
  waiting_ = false;
  if (now_cycles() > begin) {
    WaitEvent w;
    w.proc = id_;
    w.op = op.id;
    w.iteration = k;
    w.start = begin;
    w.end = now_cycles();
    probe_.on_wait(w);
  }
}

void SystolicProcessor::read_memory(const Op& op, uint32_t k) {
  const Cycles begin = now_cycles();
  issue_posted(begin);  // a spill written now goes before the read that may fetch it
  Cycles done = begin;
  if (op.dram_read_bytes) {
    const uint64_t addr = region_ + (k % 16) * round_up(op.dram_read_bytes, 4096);
    done = std::max(done, memory(false, false, TensorKind::Input, addr, op.dram_read_bytes, 0));
  }
  // Spilled inputs come back from where they were written; weights that do not fit in SRAM are
  // streamed, this op's share of them.
  for (uint32_t d : in_[local(op.id)]) {
    const Dep& dep = s_.deps[d];
    const auto producer = producer_iteration(dep, k);
    if (!producer) continue;
    auto it = slots_.find(key(d, *producer));
    if (it == slots_.end() || it->second.held.spilled == 0) continue;
    done = std::max(
        done, memory(false, true, dep.kind, it->second.spill_address, it->second.held.spilled, 0));
  }
  if (sram_.weight_excess() && holds_weights(op) && weight_total_) {
    const auto bytes = static_cast<uint64_t>(double(op.weight_bytes) *
                                             double(sram_.weight_excess()) / double(weight_total_));
    if (bytes) {
      const uint64_t addr =
          region_ + kWeightBase + (uint64_t(op.layer) << 28) + (uint64_t(op.part) << 24);
      done = std::max(done, memory(false, true, TensorKind::Weights, addr, bytes, 0));
    }
  }
  // Reads through the causal NoC complete later: wait for the last one.
  if (!pending_reads_.empty()) {
    for (;;) {
      bool all = true;
      for (auto* t : pending_reads_) all = all && ext_of(*t).done;
      if (all) break;
      wait(noc_done_);
    }
    for (auto* t : pending_reads_) {
      done = std::max(done, ext_of(*t).arrival);
      t->release();
    }
    pending_reads_.clear();
  }
  if (done > begin) {
    WaitEvent w;
    w.proc = id_;
    w.op = op.id;
    w.iteration = k;
    w.start = begin;
    w.end = done;
    probe_.on_wait(w);
    if (done > now_cycles()) wait(to_time(done - now_cycles()));
  }
}

void SystolicProcessor::finish(const Op& op, uint32_t k, Cycles end) {
  ++done_[local(op.id)];
  finish_[local(op.id)] = end;
  const Cycles now = now_cycles();
  if (op.dram_write_bytes) {
    memory(true, false, TensorKind::Stash,
           region_ + kOutputBase + (k % 16) * round_up(op.dram_write_bytes, 4096),
           op.dram_write_bytes, end - now);
  }
  bool changed = false;
  for (uint32_t d : in_[local(op.id)]) {  // inputs consumed
    const Dep& dep = s_.deps[d];
    const auto producer = producer_iteration(dep, k);
    if (!producer) continue;
    auto it = slots_.find(key(d, *producer));
    if (it == slots_.end()) continue;
    sram_.release(it->second.held);
    changed = changed || it->second.held.resident || it->second.held.spilled;
    slots_.erase(it);
  }
  for (uint32_t d : out_local_[local(op.id)]) {  // outputs kept for local consumers
    const Dep& dep = s_.deps[d];
    if (!occupies_sram(dep) || !has_consumer(dep, k, log_.iterations)) continue;
    Slot& slot = slots_[key(d, k)];
    slot.arrival = now;
    hold(slot, dep.kind, dep.bytes, dep.spill_bytes, end - now);
    changed = true;
  }
  if (changed) sram_changed(now);
  // docs/EXECUTION.md §7: the last src of a collective instance to end starts it; every member
  // is then sent by the NoC interface of its src's processor (or satisfied there, if local).
  // Before this op's own sends: those keep the thread busy injecting, and the collective starts
  // at `end`, not after them.
  if (log_.collectives)
    for (uint32_t g : log_.collectives->of_src[op.id.value]) {
      const uint64_t gk = (uint64_t(g) << 32) | k;
      auto it = log_.collective_open.find(gk);
      if (it == log_.collective_open.end())
        it = log_.collective_open
                 .emplace(gk, std::make_pair(uint32_t(s_.collectives[g].srcs.size()), Cycles(0)))
                 .first;
      it->second.second = std::max(it->second.second, end);
      if (--it->second.first) continue;
      const Cycles start = it->second.second;
      log_.collective_open.erase(it);
      for (uint32_t d : log_.collectives->members[g]) {
        const Dep& dep = s_.deps[d];
        if (s_.remote(dep))
          log_.processors[s_.op(dep.src).proc.value]->collective_send(d, k, start);
        else
          log_.processors[s_.op(dep.dst).proc.value]->collective_local(d, k, start);
      }
    }
  // docs/EXECUTION.md: one message per remote out-dep, also when its consumer's iteration is past the
  // last one (the sender cannot know the run ends; the receiver drops it).
  for (uint32_t d : out_remote_[local(op.id)]) send(d, k, end);
}

// The message of dep d for iteration k, from this processor, ready for the NoC.
tlm::tlm_generic_payload& SystolicProcessor::message(uint32_t d, uint32_t k) {
  const Dep& dep = s_.deps[d];
  tlm::tlm_generic_payload& trans = pool_.acquire();
  MessageExt& e = ext_of(trans);
  e.what = PayloadKind::Message;
  e.id = log_.next_id++;
  e.dep = DepId(d);
  e.src = id_;
  e.dst = s_.op(dep.dst).proc;
  e.kind = dep.kind;
  e.layer = s_.op(dep.src).layer;
  e.iteration = k;
  e.bytes = dep.bytes;
  trans.set_command(tlm::TLM_WRITE_COMMAND);
  trans.set_data_length(static_cast<unsigned>(std::min<uint64_t>(dep.bytes, 0xffffffffu)));
  trans.set_streaming_width(trans.get_data_length());
  e.done_event = &noc_done_;
  e.done = false;
  return trans;
}

void SystolicProcessor::collective_send(uint32_t d, uint32_t k, Cycles start) {
  tlm::tlm_generic_payload& trans = message(d, k);
  // Never in the past (a TLM delay is >= 0): with overlap-units the src may have ended earlier.
  sc_core::sc_time delay = to_time(start > now_cycles() ? start - now_cycles() : 0);
  noc->b_transport(trans, delay);  // nobody waits for the injection: the interface does it
  check(trans, "collective message");
  ++log_.messages;
  trans.release();  // the causal NoC keeps its own reference until the message has arrived
}

void SystolicProcessor::collective_local(uint32_t d, uint32_t k, Cycles start) {
  if (!has_consumer(s_.deps[d], k, log_.iterations)) return;
  slots_[key(d, k)].arrival = start;  // nothing to hold: the data is here
  announced_.notify(sc_core::SC_ZERO_TIME);
}

void SystolicProcessor::send(uint32_t d, uint32_t k, Cycles at) {
  tlm::tlm_generic_payload& trans = message(d, k);
  MessageExt& e = ext_of(trans);
  // With overlap-units the DMA injects at the op's end (or when it is free), the thread goes on.
  const Cycles t0 = params_.overlap_units ? std::max(at, dma_free_) : now_cycles();
  sc_core::sc_time delay = to_time(t0 - now_cycles());
  noc->b_transport(trans, delay);
  check(trans, "message");
  ++log_.messages;
  if (!e.done) {  // causal NoC: busy until the message is injected (back-pressure at the source)
    if (!params_.overlap_units) {
      while (!e.done) wait(noc_done_);
    }
    trans.release();  // the NoC keeps its own reference until the message has arrived
    return;
  }
  trans.release();
  if (params_.overlap_units) {
    dma_free_ = now_cycles() + to_cycles(delay);
  } else {
    wait(delay);  // busy injecting
  }
}

Cycles SystolicProcessor::memory(bool write, bool spill, TensorKind kind, uint64_t address,
                                 uint64_t bytes, Cycles after) {
  tlm::tlm_generic_payload& trans = pool_.acquire();
  MessageExt& e = ext_of(trans);
  e.what = write ? PayloadKind::MemoryWrite : PayloadKind::MemoryRead;
  e.id = log_.next_id++;
  e.src = id_;
  e.dst = id_;
  e.kind = kind;
  e.bytes = bytes;
  e.spill = spill;
  trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans.set_address(address);
  trans.set_data_length(static_cast<unsigned>(std::min<uint64_t>(bytes, 0xffffffffu)));
  trans.set_streaming_width(trans.get_data_length());
  sc_core::sc_time delay = to_time(after);
  e.done_event = &noc_done_;
  e.done = false;
  noc->b_transport(trans, delay);
  check(trans, write ? "DRAM write" : "DRAM read");
  if (!e.done && !write) {  // causal NoC: read_memory() waits for it
    pending_reads_.push_back(&trans);
    return now_cycles();
  }
  const Cycles done = e.done ? now_cycles() + to_cycles(delay) : now_cycles();
  trans.release();  // a posted write: the causal NoC keeps its own reference
  return done;
}

void SystolicProcessor::inbox_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  MessageExt* e = nullptr;
  trans.get_extension(e);
  if (!e || e->what != PayloadKind::Message || e->dst != id_ || e->dep.value >= s_.deps.size() ||
      s_.op(s_.deps[e->dep.value].dst).proc != id_) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const Cycles now = now_cycles();
  const Cycles arrival = now + to_cycles(delay);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  const Dep& dep = s_.deps[e->dep.value];
  if (!has_consumer(dep, e->iteration, log_.iterations)) return;
  Slot& slot = slots_[key(e->dep.value, e->iteration)];
  if (e->phase == MessageExt::Phase::Announce) {  // causal NoC: the transfer starts
    slot.arrival = kNever;
    if (occupies_sram(dep)) {
      slot.held = sram_.hold(e->bytes, dep.spill_bytes);
      sram_changed(now);
    }
    return;
  }
  if (e->phase == MessageExt::Phase::Arrive) {  // its last byte is in, now
    slot.arrival = now;
    if (occupies_sram(dep) && slot.held.spilled) {  // what did not fit streams to DRAM
      slot.spill_address = region_ + kSpillBase + spill_cursor_ % kSpillSpan;
      spill_cursor_ += round_up(slot.held.spilled, 4096);
      memory(true, true, e->kind, slot.spill_address, slot.held.spilled, 0);
    }
    announced_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  slot.arrival = arrival;
  if (occupies_sram(dep)) {
    // The receive buffer is taken when the transfer starts; what does not fit streams to DRAM.
    hold(slot, e->kind, e->bytes, dep.spill_bytes, arrival - now);
    sram_changed(now);
  }
  announced_.notify(sc_core::SC_ZERO_TIME);
}

void SystolicProcessor::hold(Slot& slot, TensorKind kind, uint64_t bytes, uint64_t to_dram,
                             Cycles after) {
  slot.held = sram_.hold(bytes, to_dram);
  if (slot.held.spilled == 0) return;
  slot.spill_address = region_ + kSpillBase + spill_cursor_ % kSpillSpan;
  spill_cursor_ += round_up(slot.held.spilled, 4096);
  if (after == 0) {
    memory(true, true, kind, slot.spill_address, slot.held.spilled, 0);
    return;
  }
  posted_.push_back({now_cycles() + after, posted_seq_++, kind, slot.spill_address,
                     slot.held.spilled});
  std::push_heap(posted_.begin(), posted_.end(), std::greater<>());
  posted_due_.notify(to_time(after));  // an earlier pending notification stays
}

void SystolicProcessor::issue_posted(Cycles now) {
  while (!posted_.empty() && posted_.front().at <= now) {
    std::pop_heap(posted_.begin(), posted_.end(), std::greater<>());
    const Posted w = posted_.back();
    posted_.pop_back();
    memory(true, true, w.kind, w.address, w.bytes, 0);
  }
}

void SystolicProcessor::post_due() {
  try {
    const Cycles now = now_cycles();
    issue_posted(now);
    if (!posted_.empty()) posted_due_.notify(to_time(posted_.front().at - now));
  } catch (const std::exception& e) {
    if (log_.error.empty()) log_.error = e.what();
    sc_core::sc_stop();
  }
}

void SystolicProcessor::sram_changed(Cycles at) {
  SramEvent ev;
  ev.proc = id_;
  ev.time = at;
  ev.bytes = sram_.occupancy();
  ev.spilled = sram_.spilled();
  probe_.on_sram(ev);
}

void SystolicProcessor::check(tlm::tlm_generic_payload& trans, const char* what) const {
  if (trans.is_response_error()) {
    fail(name(), std::string(what) + " failed: " + trans.get_response_string());
  }
}

std::string SystolicProcessor::blocked() const {
  if (finished_) return {};
  const std::string who = "processor " + std::to_string(id_.value);
  if (!waiting_) return who + " stopped outside a wait";
  const Op& op = s_.op(wait_op_);
  std::string msg = who + " waits for " + op.label() + " (op " + std::to_string(op.id.value) +
                    ") of iteration " + std::to_string(wait_iter_) + ": missing";
  for (uint32_t d : in_[local(op.id)]) {
    Cycles at = 0;
    if (satisfied(d, wait_iter_, at)) continue;
    const Dep& dep = s_.deps[d];
    const Op& src = s_.op(dep.src);
    msg += " " + src.label() + " (op " + std::to_string(src.id.value) + ") on processor " +
           std::to_string(src.proc.value) + " iteration " +
           std::to_string(wait_iter_ - dep.distance) + " [" + to_string(dep.kind) + ", dep " +
           std::to_string(d) + "];";
  }
  if (msg.back() == ';') msg.pop_back();
  return msg;
}

}  // namespace spikepipe

#include "spikepipe/models/dram.h"

#include <algorithm>

#include "spikepipe/core/dram_interleave.h"
#include "spikepipe/core/execution.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/sim_time.h"

namespace spikepipe {

namespace {

// The probe's record of `bytes` of a request served on channel c, in simulator cycles.
MemoryEvent completed(const MemoryEvent& proto, uint32_t c, uint64_t bytes,
                      const DramCompletion& k, const DramSpec& spec, double clock_ghz) {
  MemoryEvent ev = proto;
  ev.channel = c;
  ev.bytes = bytes;
  ev.start = spec.cycles(k.first, clock_ghz);
  ev.end = spec.cycles(k.done, clock_ghz);
  ev.row_hits = k.row_hits;
  ev.row_misses = k.row_misses;
  ev.row_conflicts = k.row_conflicts;
  ev.refreshes = k.refreshes;
  return ev;
}

}  // namespace

DramTiming::DramTiming(const MemoryParams& p, double clock_ghz)
    : p_(p), clock_ghz_(clock_ghz), busy_until_(p.channels, 0), share_(p.channels, 0) {
  if (p.model != DramModel::Simple) engines_.assign(p.channels, DramChannel(dram_spec(p)));
}

uint64_t DramTiming::channel_address(uint64_t address, uint32_t channel) const {
  return spikepipe::channel_address(address, channel, p_.interleave_bytes, p_.channels);
}

void DramTiming::split(uint64_t address, uint64_t bytes, std::vector<uint64_t>& per) const {
  interleave_split(address, bytes, p_.interleave_bytes, p_.channels, per);
}

DramTiming::Access DramTiming::access(uint64_t address, uint64_t bytes, Cycles t,
                                      const MemoryEvent& proto, Probe& probe) {
  split(address, bytes, share_);
  if (!engines_.empty()) return access_banked(address, t, proto, probe);
  Access r;
  r.first = ~Cycles(0);
  for (uint32_t c = 0; c < p_.channels; ++c) {
    if (share_[c] == 0) continue;
    const Cycles start = std::max(t + p_.latency, busy_until_[c]);
    const Cycles dur = serial_cycles(share_[c], p_.channel_bytes_per_cycle);
    busy_until_[c] = start + dur;
    r.first = std::min(r.first, start);
    r.done = std::max(r.done, start + dur);
    MemoryEvent ev = proto;
    ev.channel = c;
    ev.bytes = share_[c];
    ev.start = start;
    ev.end = start + dur;
    probe.on_memory(ev);
  }
  if (r.first == ~Cycles(0)) r.first = r.done = t + p_.latency;  // an empty access
  return r;
}

// Today's callers (b_transport) need the completion time at once, so the channel serves its queue
// until this request is done: requests are served in call order, as with busy_until. A causal
// driver submits at arrival and advances with the simulation instead (dram_engine.h).
DramTiming::Access DramTiming::access_banked(uint64_t address, Cycles t, const MemoryEvent& proto,
                                             Probe& probe) {
  const DramSpec& spec = engines_[0].spec();
  const Tick ready = spec.ticks(t, clock_ghz_);
  Access r;
  r.first = ~Cycles(0);
  for (uint32_t c = 0; c < p_.channels; ++c) {
    if (share_[c] == 0) continue;
    DramRequest q;
    q.id = next_request_++;
    q.address = channel_address(address, c);
    q.bytes = share_[c];
    q.write = proto.write;
    q.ready = ready;
    engines_[c].submit(q);
    done_.clear();
    engines_[c].advance(kNever, done_);
    for (const DramCompletion& k : done_) {
      const MemoryEvent ev = completed(proto, c, share_[c], k, spec, clock_ghz_);
      r.first = std::min(r.first, ev.start);
      r.done = std::max(r.done, ev.end);
      probe.on_memory(ev);
    }
  }
  if (r.first == ~Cycles(0)) {  // an empty access: one burst's read latency to a closed bank
    r.first = r.done = t + spec.cycles(spec.closed_read_ticks(), clock_ghz_);
  }
  return r;
}

void DramTiming::submit(uint64_t tag, uint64_t address, uint64_t bytes, Cycles ready,
                        const MemoryEvent& proto, Probe& probe) {
  if (engines_.empty()) {
    const Access a = access(address, bytes, ready, proto, probe);
    simple_done_.push_back({ready, Completion{tag, a.first, a.done}});
    return;
  }
  split(address, bytes, share_);
  const uint64_t seq = next_seq_++;
  Outstanding o;
  o.tag = tag;
  o.proto = proto;
  o.c.tag = tag;
  o.c.first = ~Cycles(0);
  const DramSpec& spec = engines_[0].spec();
  for (uint32_t c = 0; c < p_.channels; ++c) {
    if (share_[c] == 0) continue;
    DramRequest q;
    q.id = seq << 10 | c;
    q.address = channel_address(address, c);
    q.bytes = share_[c];
    q.write = proto.write;
    q.ready = spec.ticks(ready, clock_ghz_);
    engines_[c].submit(q);
    part_bytes_[q.id] = share_[c];
    ++o.parts;
  }
  if (o.parts == 0) {  // an empty request: one closed-bank read latency
    o.c.first = o.c.done = ready + spec.cycles(spec.closed_read_ticks(), clock_ghz_);
    simple_done_.push_back({ready, o.c});
    return;
  }
  outstanding_.emplace(seq, o);
}

Cycles DramTiming::next_event_time() const {
  Cycles t = kNoEvent;
  for (const auto& d : simple_done_) t = std::min(t, d.first);
  for (const DramChannel& e : engines_) {
    const Tick k = e.next_event_time();
    if (k != kNever) t = std::min(t, e.spec().cycles(k, clock_ghz_));
  }
  return t;
}

void DramTiming::advance(Cycles to, Probe& probe, std::vector<Completion>& done) {
  for (auto it = simple_done_.begin(); it != simple_done_.end();) {
    if (it->first <= to) {
      done.push_back(it->second);
      it = simple_done_.erase(it);
    } else {
      ++it;
    }
  }
  if (engines_.empty()) return;
  const DramSpec& spec = engines_[0].spec();
  // Every tick at or before `to` cycles: ticks(to) is the first at or after it.
  Tick last = kNever;
  if (to != kNoEvent) {
    const Tick k = spec.ticks(to, clock_ghz_);
    last = spec.cycles(k, clock_ghz_) <= to ? k : k - 1;
  }
  for (uint32_t c = 0; c < p_.channels; ++c) {
    done_.clear();
    engines_[c].advance(last, done_);
    for (const DramCompletion& k : done_) {
      auto it = outstanding_.find(k.id >> 10);
      if (it == outstanding_.end()) continue;
      Outstanding& o = it->second;
      const MemoryEvent ev = completed(o.proto, c, part_bytes_[k.id], k, spec, clock_ghz_);
      part_bytes_.erase(k.id);
      probe.on_memory(ev);
      o.c.first = std::min(o.c.first, ev.start);
      o.c.done = std::max(o.c.done, ev.end);
      if (--o.parts == 0) {
        done.push_back(o.c);
        outstanding_.erase(it);
      }
    }
  }
}

Dram::Dram(const sc_core::sc_module_name& name, const MemoryParams& p, Probe& probe,
           double clock_ghz)
    : sc_module(name), socket("socket"), timing_(p, clock_ghz), probe_(probe) {
  socket.register_b_transport(this, &Dram::b_transport);
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  MessageExt* e = nullptr;
  trans.get_extension(e);
  if (!e || trans.get_byte_enable_ptr() != nullptr ||
      (e->what != PayloadKind::MemoryRead && e->what != PayloadKind::MemoryWrite)) {
    trans.set_response_status(e ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                : tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const bool write = e->what == PayloadKind::MemoryWrite;
  if (trans.get_command() != (write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND)) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const Cycles now = now_cycles();
  MemoryEvent proto;
  proto.requester = e->src;
  proto.kind = e->kind;
  proto.write = write;
  proto.spill = e->spill;
  const DramTiming::Access a =
      timing_.access(trans.get_address(), e->bytes, now + to_cycles(delay), proto, probe_);
  e->data_first = a.first;
  e->data_done = a.done;
  delay = to_time(a.done - now);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace spikepipe

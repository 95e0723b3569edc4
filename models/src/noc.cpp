// Link reservation (wormhole-like trains of packets, in call order) and the TLM face of the NoC.
#include "spikepipe/models/noc.h"

#include <algorithm>

#include "spikepipe/core/execution.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/sim_time.h"
#include "spikepipe/core/error.h"

namespace spikepipe {

namespace {

// What the probe hears of a delivered message: its payload extension, timed.
MessageEvent message_event(const MessageExt& e) {
  MessageEvent m;
  m.id = e.id;
  m.dep = e.dep;
  m.src = e.src;
  m.dst = e.dst;
  m.kind = e.kind;
  m.layer = e.layer;
  m.iteration = e.iteration;
  m.bytes = e.bytes;
  m.hops = e.hops;
  m.packets = e.packets;
  m.sent = e.sent;
  m.received = e.arrival;
  m.injected = e.injected;
  return m;
}

}  // namespace

NocTiming::NocTiming(const NocParams& p, Probe& probe)
    : p_(p),
      topo_(p),
      probe_(probe),
      reserved_(topo_.links().size()) {}

void NocTiming::forget_before(Cycles t) { forget_ = std::max(forget_, t); }

// Packets of one message leave back to back and every link has the same rate, so a message is a
// train: if its first packet waits d cycles for a link, every later packet waits exactly d too
// (each one starts where the previous one ends). Reserving the train per link is therefore the
// same as reserving packet by packet, in O(hops) instead of O(hops x packets).
NocTiming::Transfer NocTiming::send(uint32_t a, uint32_t b, uint64_t bytes, Cycles t0,
                                    uint64_t message) {
  Transfer r;
  route_.clear();
  topo_.route(a, b, route_);
  const uint64_t pkt = p_.packet_bytes;
  const uint64_t n = bytes == 0 ? 1 : (bytes + pkt - 1) / pkt;
  const Cycles dur = serial_cycles(bytes, p_.link_bytes_per_cycle);
  Cycles head = t0;
  for (const LinkId id : route_) {
    const uint32_t l = id.value;
    // The first free window of `dur` cycles at or after the head's arrival.
    reserved_[l].forget_before(forget_);  // lazily, per link used: O(hops) per message
    const Cycles start = reserved_[l].book(head + p_.router_latency, dur);
    LinkEvent ev;
    ev.link = id;
    ev.message = message;
    ev.bytes = bytes;
    ev.start = start;
    ev.end = start + dur;
    probe_.on_link(ev);
    head = start;
  }
  r.arrival = head + dur + p_.terminal_latency;  // as the causal engine's Arrived
  r.injected = t0 + dur;
  r.hops = static_cast<uint32_t>(route_.size());
  r.packets = static_cast<uint32_t>(n);
  return r;
}

Noc::Noc(const sc_core::sc_module_name& name, const NocParams& p, std::vector<uint32_t> port_nodes,
         int memory_port, std::vector<uint32_t> controller_nodes, Probe& probe)
    : sc_module(name),
      in("in"),
      out("out"),
      timing_(p, probe),
      port_nodes_(std::move(port_nodes)),
      memory_port_(memory_port),
      controllers_(std::move(controller_nodes)),
      probe_(probe) {
  for (uint32_t n : port_nodes_) {
    if (n >= p.nodes())
      fail(std::string(this->name()), "port at node " + std::to_string(n) + " outside the NoC");
  }
  if (controllers_.empty()) controllers_.push_back(0);
  in.register_b_transport(this, &Noc::b_transport);
  if (p.model == NocModel::Causal) {
    std::vector<uint32_t> eps = port_nodes_;
    memory_endpoint0_ = static_cast<uint32_t>(eps.size());
    for (uint32_t c : controllers_) eps.push_back(c);
    engine_ = std::make_unique<NocEngine>(p, eps);
    SC_METHOD(step);
    sensitive << wake_;
    dont_initialize();
  }
}

void Noc::rearm() {
  Cycles n = engine_->next_time();
  if (!dram_due_.empty()) n = std::min(n, dram_due_.top().first);
  if (n == NocEngine::kNever) return;
  const Cycles now = now_cycles();
  if (n <= now) {
    wake_.notify(sc_core::SC_ZERO_TIME);
  } else {
    wake_.notify(to_time(n - now));
  }
}

void Noc::step() {
  const Cycles T = now_cycles();
  while (!dram_due_.empty() && dram_due_.top().first <= T) {
    const uint64_t i = dram_due_.top().second;
    dram_due_.pop();
    tlm::tlm_generic_payload* t = dram_reqs_[i];
    dram_free_.push_back(i);
    dram_request(*t);
  }
  engine_->advance(T, *this);
  // No process can hand the NoC a message before the kernel's next activity (or a DRAM request
  // fall due): simulate the engine up to then now, instead of one kernel wake-up per cycle.
  // (Messages come only from processes; causal_transport() fails loudly if one is earlier.)
  if (!sc_core::sc_pending_activity_at_current_time()) {
    Cycles H = NocEngine::kNever;
    if (sc_core::sc_pending_activity_at_future_time())
      H = to_cycles(sc_core::sc_time_stamp() + sc_core::sc_time_to_pending_activity());
    if (!dram_due_.empty()) H = std::min(H, dram_due_.top().first);
    engine_->run_ahead(H);
  }
  rearm();
}

void Noc::causal_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  MessageExt& e = ext_of(trans);
  const Cycles now = now_cycles();
  const Cycles t0 = now + to_cycles(delay);
  const uint32_t src = port_nodes_.at(static_cast<size_t>(port));
  if (t0 < engine_->now())  // the engine ran ahead (step()): only processes may send
    fail(std::string(this->name()), "message at cycle " + std::to_string(t0) +
                                        " after the causal NoC simulated up to cycle " +
                                        std::to_string(engine_->now()));
  e.done = false;
  e.sent = t0;
  auto track = [&](uint32_t h, Role role, int dst) {
    if (inflight_.size() <= h) inflight_.resize(h + 1);
    inflight_[h] = {&trans, role, dst};
    e.hops = engine_->message_hops(h);
    e.packets = engine_->message_packets(h);
  };
  switch (e.what) {
    case PayloadKind::Message: {
      const uint32_t dst_port = e.dst.value;
      if (dst_port >= port_nodes_.size() || static_cast<int>(dst_port) == memory_port_) break;
      // The receiver takes its buffer when the transfer is requested.
      e.phase = MessageExt::Phase::Announce;
      sc_core::sc_time d = delay;
      out[static_cast<int>(dst_port)]->b_transport(trans, d);
      if (trans.is_response_error()) return;
      trans.acquire();
      track(engine_->add(static_cast<uint32_t>(port), dst_port, e.bytes, t0, e.id), Role::Message,
            static_cast<int>(dst_port));
      trans.set_response_status(tlm::TLM_OK_RESPONSE);
      rearm();
      return;
    }
    case PayloadKind::MemoryRead:
    case PayloadKind::MemoryWrite: {
      if (memory_port_ < 0) break;
      const bool write = e.what == PayloadKind::MemoryWrite;
      if (trans.get_command() != (write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND)) {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
      }
      const uint32_t ctrl = controller_for(src);
      const uint32_t ctrl_ep =
          memory_endpoint0_ + static_cast<uint32_t>(std::find(controllers_.begin(),
                                                              controllers_.end(), ctrl) -
                                                    controllers_.begin());
      trans.acquire();
      trans.set_response_status(tlm::TLM_OK_RESPONSE);
      if (write) {
        track(engine_->add(static_cast<uint32_t>(port), ctrl_ep, e.bytes, t0, e.id), Role::Write,
              memory_port_);
      } else {
        // The request is a header: it reaches the controller after the head latency, on a side
        // band (no flits); the DRAM is called at that time.
        const Cycles t1 =
            t0 + timing_.topology().hops(src, ctrl) * timing_.params().router_latency;
        e.injected = t0;
        e.hops = ctrl_ep;  // the response leaves from this endpoint (overwritten by track())
        if (t1 == now) {
          dram_request(trans);
        } else {
          uint64_t i;
          if (!dram_free_.empty()) {
            i = dram_free_.back();
            dram_free_.pop_back();
            dram_reqs_[i] = &trans;
          } else {
            i = dram_reqs_.size();
            dram_reqs_.push_back(&trans);
          }
          dram_due_.push({t1, i});
        }
      }
      rearm();
      return;
    }
  }
  trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void Noc::dram_request(tlm::tlm_generic_payload& trans) {
  MessageExt& e = ext_of(trans);
  const Cycles now = now_cycles();
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  const bool write = e.what == PayloadKind::MemoryWrite;
  const uint32_t ctrl_ep = e.hops;
  out[memory_port_]->b_transport(trans, d);
  if (write || trans.is_response_error()) {
    e.arrival = trans.is_response_error() ? now : e.data_done;
    e.done = true;
    if (e.done_event) e.done_event->notify();
    trans.release();
    return;
  }
  // The data stream back while the channels read them: the last flit cannot leave before the
  // last beat, the first not before the first.
  const Cycles ser = serial_cycles(e.bytes, timing_.params().link_bytes_per_cycle);
  const Cycles ready =
      std::max({now, e.data_first, e.data_done > ser ? e.data_done - ser : Cycles(0)});
  const uint32_t requester = e.src.value;
  const uint32_t h = engine_->add(ctrl_ep, requester, e.bytes, ready, e.id);
  if (inflight_.size() <= h) inflight_.resize(h + 1);
  inflight_[h] = {&trans, Role::ReadData, -1};
  e.hops = engine_->message_hops(h);
  e.packets = engine_->message_packets(h);
  rearm();
}

void Noc::links(uint32_t msg, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) {
  const MessageExt& e = ext_of(*inflight_[msg].trans);
  for (const auto& x : u) {
    LinkEvent ev;
    ev.link = LinkId(x.link);
    ev.message = tag;
    ev.bytes = e.bytes;
    ev.start = x.start;
    ev.end = x.end;
    probe_.on_link(ev);
  }
}

void Noc::done(const NocEngine::Done& d) {
  const InFlight f = inflight_[d.msg];
  tlm::tlm_generic_payload& trans = *f.trans;
  MessageExt& e = ext_of(trans);
  if (d.kind == NocEngine::Done::Injected) {
    e.injected = d.time;
    if (f.role == Role::Message) {
      e.done = true;
      if (e.done_event) e.done_event->notify();
    }
    return;
  }
  switch (f.role) {
    case Role::Message: {
      e.arrival = d.time;
      e.phase = MessageExt::Phase::Arrive;
      sc_core::sc_time z = sc_core::SC_ZERO_TIME;
      out[f.dst_port]->b_transport(trans, z);
      probe_.on_message(message_event(e));
      trans.release();
      return;
    }
    case Role::ReadData:
      e.arrival = std::max(d.time, e.data_done);
      e.done = true;
      if (e.done_event) e.done_event->notify();
      trans.release();
      return;
    case Role::Write:
      dram_request(trans);  // arrived at the controller: the DRAM takes it now
      return;
  }
}

uint32_t Noc::controller_for(uint32_t node) const {
  uint32_t best = controllers_[0], best_h = timing_.topology().hops(node, best);
  for (uint32_t c : controllers_) {
    const uint32_t h = timing_.topology().hops(node, c);
    if (h < best_h) {
      best = c;
      best_h = h;
    }
  }
  return best;
}

void Noc::forward(int port, tlm::tlm_generic_payload& trans, Cycles at) {
  sc_core::sc_time d = to_time(at - now_cycles());
  out[port]->b_transport(trans, d);
}

void Noc::b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (engine_) {
    causal_transport(port, trans, delay);
    return;
  }
  MessageExt& e = ext_of(trans);
  e.done = true;  // the ideal NoC answers at once: the times are in the delay
  e.phase = MessageExt::Phase::Whole;
  const Cycles now = now_cycles();
  timing_.forget_before(now);  // called in time order; no send starts before now
  const Cycles t0 = now + to_cycles(delay);
  const uint32_t src = port_nodes_.at(static_cast<size_t>(port));
  const double bw = timing_.params().link_bytes_per_cycle;
  switch (e.what) {
    case PayloadKind::Message: {
      const uint32_t dst_port = e.dst.value;
      if (dst_port >= port_nodes_.size() || static_cast<int>(dst_port) == memory_port_) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
      }
      const NocTiming::Transfer t = timing_.send(src, port_nodes_[dst_port], e.bytes, t0, e.id);
      e.sent = t0;
      e.injected = t.injected;
      e.arrival = t.arrival;
      e.hops = t.hops;
      e.packets = t.packets;
      forward(static_cast<int>(dst_port), trans, t.arrival);
      if (trans.is_response_error()) return;
      probe_.on_message(message_event(e));
      delay = to_time(t.injected - now);
      return;
    }
    case PayloadKind::MemoryRead: {
      if (memory_port_ < 0) break;
      const uint32_t ctrl = controller_for(src);
      // The request is a header: it pays the head latency only.
      const Cycles t1 = t0 + timing_.topology().hops(src, ctrl) * timing_.params().router_latency;
      e.sent = t0;
      forward(memory_port_, trans, t1);
      if (trans.is_response_error()) return;
      // The data streams back while the channels read it: its last packet cannot leave before
      // the last beat, its first not before the first.
      const Cycles ser = serial_cycles(e.bytes, bw);
      const Cycles start = std::max(e.data_first, e.data_done > ser ? e.data_done - ser : 0);
      const NocTiming::Transfer t = timing_.send(ctrl, src, e.bytes, start, e.id);
      e.arrival = std::max(t.arrival, e.data_done);
      e.hops = t.hops;
      e.packets = t.packets;
      delay = to_time(e.arrival - now);
      return;
    }
    case PayloadKind::MemoryWrite: {
      if (memory_port_ < 0) break;
      const uint32_t ctrl = controller_for(src);
      const NocTiming::Transfer t = timing_.send(src, ctrl, e.bytes, t0, e.id);
      e.sent = t0;
      e.injected = t.injected;
      e.hops = t.hops;
      e.packets = t.packets;
      forward(memory_port_, trans, t.arrival);
      if (trans.is_response_error()) return;
      e.arrival = e.data_done;
      delay = to_time(e.data_done - now);
      return;
    }
  }
  trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace spikepipe

// Link reservation (wormhole-like trains of packets, in call order) and the TLM face of the NoC.
#include "spikepipe/models/noc.h"

#include <algorithm>

#include "spikepipe/core/execution.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/sim_time.h"
#include "spikepipe/core/error.h"

namespace spikepipe {

NocTiming::NocTiming(const NocParams& p, Probe& probe)
    : p_(p),
      topo_(p),
      probe_(probe),
      busy_until_(topo_.links().size(), 0) {}

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
    const Cycles start = std::max(head + p_.router_latency, busy_until_[l]);
    busy_until_[l] = start + dur;
    LinkEvent ev;
    ev.link = id;
    ev.message = message;
    ev.bytes = bytes;
    ev.start = start;
    ev.end = start + dur;
    probe_.on_link(ev);
    head = start;
  }
  r.arrival = head + dur;
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
  MessageExt& e = ext_of(trans);
  const Cycles now = now_cycles();
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
      MessageEvent m;
      m.id = e.id;
      m.dep = e.dep;
      m.src = e.src;
      m.dst = e.dst;
      m.kind = e.kind;
      m.layer = e.layer;
      m.iteration = e.iteration;
      m.bytes = e.bytes;
      m.hops = t.hops;
      m.packets = t.packets;
      m.sent = t0;
      m.received = t.arrival;
      m.injected = t.injected;
      probe_.on_message(m);
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

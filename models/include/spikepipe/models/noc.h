#pragma once
// The network-on-chip as one TLM-2.0 interconnect module (loosely timed, no process): every
// b_transport reserves the links on its route (a calendar of reserved windows per link), then
// forwards the payload to its target with the arrival time as the timing annotation.
//
// Ports: `in` and `out` are bound in the same order, port i sitting at node node_of_port(i).
// Processors are ports 0..P-1 (processor p on port p); the DRAM is the last port, reached through
// the memory controller nearest to the requester.
//
// Timing of one message of b bytes sent at t0 (MODELS.md has the derivation):
//   packets of at most packet_bytes; packet i leaves the sender during [t0 + ceil(c_{i-1}/bw),
//   t0 + ceil(c_i/bw)) where c_i is the bytes of packets 0..i (so the sender is busy ceil(b/bw));
//   on each link j of its route the train starts in the first window of link j at or after
//   head + router_latency that no earlier reservation holds for its whole serialisation time,
//   and holds the link that long; it arrives when its tail crosses the last link. Without contention: arrival = t0 + ceil(b/bw) + hops * router_latency. Since the
//   packets of a message leave back to back and all links have one rate, a delay met by the
//   first packet on a link is met by all, so the model reserves each link once per message for
//   its whole train (same result as packet by packet, O(hops) per message).
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <map>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include <memory>
#include <queue>

#include "spikepipe/core/link_calendar.h"
#include "spikepipe/core/noc_graph.h"
#include "spikepipe/core/noc_engine.h"
#include "spikepipe/core/platform.h"
#include "spikepipe/models/probe.h"

namespace spikepipe {

// The routing and link-reservation engine, plain C++ so that it can be tested and benchmarked
// without a kernel. It keeps no statistics: its LinkEvents carry them (stats.h).
class NocTiming {
 public:
  NocTiming(const NocParams& p, Probe& probe);

  struct Transfer {
    Cycles injected = 0;  // end of injection at the sender
    Cycles arrival = 0;   // last byte at the destination
    uint32_t hops = 0, packets = 0;
  };
  // A message of `bytes` from node a to node b whose injection starts at `t0`. Reports one
  // LinkEvent per link (the message's packets hold it back to back), tagged `message`.
  Transfer send(uint32_t a, uint32_t b, uint64_t bytes, Cycles t0, uint64_t message);
  // Callers promise that no later send() starts before t: reservations that end by then go.
  void forget_before(Cycles t);

  const NocGraph& topology() const { return topo_; }
  const NocParams& params() const { return p_; }

 private:
  NocParams p_;
  NocGraph topo_;
  Probe& probe_;
  // Per link, its reserved windows (start -> end) that may still matter. Sends are called in the
  // order their senders issue them, not the order they reach a link: a DRAM read's data are sent
  // when it is called, for when the channels have read them. A single busy_until per link kept
  // the link idle until then for every message called after it and ready before it.
  std::vector<LinkCalendar> reserved_;
  Cycles forget_ = 0;  // windows ending by then are dropped from a link when it is next used
  std::vector<LinkId> route_;  // scratch
};

// With noc-model = causal the Noc drives a NocEngine with one SC_METHOD: a message enters the
// engine at its ready time; the sender is told (MessageExt::done, done_event) when its last flit
// is injected, the receiver's inbox is called at the arrival with zero delay (and once with
// Phase::Announce when the transfer is requested). DRAM requests are headers that reach the
// controller after hops x router_latency (side band, no flits); the DRAM is called at that
// time, and its data come back through the engine from the controller's own port. Writes go
// through the engine to the controller and call the DRAM when they have arrived.
class Noc : public sc_core::sc_module, private NocEngine::Listener {
 public:
  SC_HAS_PROCESS(Noc);
  tlm_utils::multi_passthrough_target_socket<Noc> in;
  tlm_utils::multi_passthrough_initiator_socket<Noc> out;

  // port_nodes[i] = NoC node of port i; `memory_port` receives DRAM requests (or -1: none),
  // reached from the controller node nearest to the requester.
  Noc(const sc_core::sc_module_name& name, const NocParams& p, std::vector<uint32_t> port_nodes,
      int memory_port, std::vector<uint32_t> controller_nodes, Probe& probe);

  const NocTiming& timing() const { return timing_; }
  uint32_t controller_for(uint32_t node) const;  // nearest controller node (ties: first listed)

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void forward(int port, tlm::tlm_generic_payload& trans, Cycles at);
  void causal_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void dram_request(tlm::tlm_generic_payload& trans);  // at the controller, now
  void step();      // the engine's process
  void rearm();
  void done(const NocEngine::Done& d) override;
  void links(uint32_t msg, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) override;

  enum class Role : uint8_t { Message, ReadData, Write };
  struct InFlight {
    tlm::tlm_generic_payload* trans = nullptr;
    Role role = Role::Message;
    int dst_port = -1;
  };
  std::unique_ptr<NocEngine> engine_;
  std::vector<InFlight> inflight_;  // by engine message handle
  std::priority_queue<std::pair<Cycles, uint64_t>, std::vector<std::pair<Cycles, uint64_t>>,
                      std::greater<>>
      dram_due_;  // (time, index into dram_reqs_)
  std::vector<tlm::tlm_generic_payload*> dram_reqs_;
  std::vector<uint64_t> dram_free_;
  sc_core::sc_event wake_;
  uint32_t memory_endpoint0_ = 0;  // engine endpoint of controllers_[0]; one per controller

  NocTiming timing_;
  std::vector<uint32_t> port_nodes_;
  int memory_port_;
  std::vector<uint32_t> controllers_;
  Probe& probe_;
};

}  // namespace spikepipe

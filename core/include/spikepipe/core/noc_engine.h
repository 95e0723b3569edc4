#pragma once
// The causal network-on-chip: a cycle-level router model in plain C++ (no SystemC), so that it
// can be tested and benchmarked without a kernel and driven by any event loop.
//
// Flits of `link_bytes_per_cycle` bytes (one per link per cycle); packets of
// max(1, floor(packet_bytes / link_bytes)) flits; wormhole flow control through routers with
// `vcs` virtual channels per input port, `buffer_flits` flits per virtual channel and
// credit-based back-pressure (a credit comes back the cycle after its flit leaves the buffer).
// Each cycle a router allocates (separable, input first): every input port offers one of its
// virtual channels (round-robin among those whose head flit can go: a packet head first gets a
// free output virtual channel, the lowest free one of its class), every output port grants one
// of the inputs that ask for it (round-robin), so packets of different messages interleave flit
// by flit. A flit switched at cycle c reaches the next router at c + router_latency and may be
// switched there in that cycle. Every endpoint (a processor or a memory controller) has its own
// injection port into its router and ejection port out of it, one flit per cycle each; an
// endpoint injects its ready messages first come first served, packet by packet.
// noc-terminal-latency D (default 0) delays every Arrived report by D cycles and holds nothing:
// zero-load delivery is then t0 + F + H x router_latency + D.
// noc-input-speedup S (default 1): an input port offers up to S VCs per cycle, one from each
// group v mod S, and may so send up to S flits per cycle to different outputs (BookSim's
// input_speedup).
// Torus and ring split the virtual channels in two classes (dateline: class 1 after the
// wrap-around link of the current dimension), so they need vcs >= 2.
//
// Zero load (docs/MODELS.md): a message of F flits ready at t0 over H hops has injected its last
// flit at t0 + F and delivered it at t0 + F + H x router_latency, with buffer_flits >=
// router_latency + 1 (one virtual channel then streams at link rate).
//
// Fast path: a message whose ports and links, over the cycles it would use them alone, carry no
// other message, runs as a "train" with those closed-form times and no per-flit work. When a
// later message needs one of its channels, the train is turned into flits at that cycle
// (its exact state: flits on the wires, credits, virtual channels held) and both go on flit by
// flit. So the fast path gives the same times as the detailed model, by construction.
// A train is, in general, per router position j an offset a_j (flit f is switched there at
// a_j + f) and an injection offset i0 (flit f enters the source's local buffer at i0 + f), with
// R <= a_{j+1} - a_j <= buffer_flits - 1 and a_0 - i0 <= buffer_flits - 1: a contiguous stream at
// link rate, with a constant backlog in each buffer. A fresh train has a_j = t0 + j R, i0 = t0.
// Re-train: a detailed message that is the only message (detailed or train) on every channel of
// its path and whose flits are in such a pattern (checked flit by flit: buffers, wires, credits,
// virtual channels) is turned back into a train; from there the detailed model would move it
// exactly so, and anything that could touch it materialises it again (docs/PERFORMANCE.md).
// SPIKEPIPE_NOC_RETRAIN=0 in the environment turns it off.
//
// Causality: add() takes a message ready at any time >= now(); advance(T) simulates the cycles
// before T; a message takes part from its ready cycle on, nothing is reserved ahead of it.
// run_ahead(H) moves now() up to H early: the driver promises no add() before H.
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <vector>

#include "spikepipe/core/ids.h"
#include "spikepipe/core/noc_graph.h"
#include "spikepipe/core/platform.h"

namespace spikepipe {

class NocEngine {
 public:
  static constexpr Cycles kNever = ~Cycles(0);

  // endpoint_nodes[e] = NoC node of endpoint e (several endpoints may share a node).
  NocEngine(const NocParams& p, std::vector<uint32_t> endpoint_nodes, bool fast_path = true);

  // A message of `bytes` from endpoint a to endpoint b, ready to inject at `ready` (>= now()).
  // Returns its handle (reused after the message arrived).
  uint32_t add(uint32_t a, uint32_t b, uint64_t bytes, Cycles ready, uint64_t tag);

  struct Done {
    enum Kind : uint8_t { Injected, Arrived } kind;
    uint32_t msg;
    uint64_t tag;
    Cycles time;
  };
  // Per link crossed by a message: first flit's arrival at the far router, last flit's + 1.
  struct LinkUse {
    uint32_t link;
    Cycles start, end;
  };
  struct Listener {
    virtual ~Listener() = default;
    virtual void done(const Done& d) = 0;
    // Called once per message just before its Arrived, with the links it crossed.
    virtual void links(uint32_t /*msg*/, uint64_t /*tag*/, const std::vector<LinkUse>& /*u*/) {}
  };

  // Simulates every cycle before T, then reports (in time order) every injection end and
  // arrival at a time <= T. A driver calls it at T = next_time().
  void advance(Cycles T, Listener& l);
  // Simulates cycles ahead, reporting nothing, while cur < H and no report is due: a driver
  // that knows no message can be added before H (its next activity) calls it to skip waking up
  // every cycle. Times are unchanged: a cycle's state depends only on messages ready by then.
  void run_ahead(Cycles H);
  // The earliest T at which advance() has something to do or report; kNever when idle.
  Cycles next_time() const;
  Cycles now() const { return cur_; }

  const NocGraph& topology() const { return topo_; }
  uint32_t hops(uint32_t a, uint32_t b) const;  // between endpoints
  uint32_t flits_of(uint64_t bytes) const;
  uint32_t packet_flits() const { return P_; }
  // Facts about the message (valid from add() until its Arrived was reported).
  uint32_t message_hops(uint32_t msg) const { return msgs_[msg].H; }
  uint32_t message_packets(uint32_t msg) const;
  Cycles message_ready(uint32_t msg) const { return msgs_[msg].ready; }
  Cycles message_injected(uint32_t msg) const { return msgs_[msg].inject_time; }

  // Counters for the benchmarks and docs/PERFORMANCE.md.
  struct Counters {
    uint64_t messages = 0, trains = 0, materialised = 0, flit_moves = 0, cycles = 0,
             retrains = 0;
  };
  const Counters& counters() const { return count_; }
  // Re-train detailed messages that are alone on their path again (on by default with the fast
  // path; for tests that compare it with the flit-by-flit run).
  void set_retrain(bool on) { retrain_ = on && fast_; }

 private:
  static constexpr uint32_t kNone = 0xffffffffu;
  static constexpr uint32_t kRetrainMinFlits = 32;  // re-train only messages with more left
  struct Flit {
    uint32_t msg;
    uint32_t index;  // flit index within the message
    uint32_t hop;    // router position on the route (0 = source router)
    uint32_t flags;  // kTail | kHead | kLong
  };
  // kTail: the last flit of its packet; kHead: the first; kLong: of a message long enough to be
  // re-trained (the re-train check reads its switch count at every position, swc).
  static constexpr uint32_t kTail = 1, kHead = 2, kLong = 4;
  struct InFlight {
    Cycles at;
    uint32_t port, vc;  // downstream input port (= link id) and virtual channel
    Flit f;
  };
  struct InVc {
    uint32_t head = 0, count = 0;
    uint32_t out = kNone, out_vc = 0;  // out != kNone: a packet holds it (its output port, VC)
  };
  struct Msg {
    uint32_t src = 0, dst = 0, F = 0, H = 0;
    uint64_t tag = 0, bytes = 0;
    Cycles ready = 0;
    std::vector<uint32_t> route;   // link ids
    std::vector<uint8_t> cls;      // VC class per link
    bool live = false, train = false, cand = false;
    bool inj_reported = false;     // its Injected was reported (a train turned into flits may
                                   // queue a second event for the same time)
    uint32_t gen = 0;
    Cycles t0 = 0;                 // train: first flit injected (fresh train)
    Cycles i0 = 0;                 // train: flit f injected at i0 + f
    Cycles base = 0;               // train: it became a train at this cycle (history before)
    uint32_t injected = 0, delivered = 0;
    Cycles inject_time = kNever, arrive_time = kNever;
  };
  // Reported in time order; at one time, injections first, then by the caller's tag, so that
  // the order does not depend on how the engine got there (train, flit by flit, re-train): a
  // driver that wakes processes in report order then behaves the same in every mode.
  struct Event {
    Cycles time;
    uint64_t seq;
    uint64_t tag;
    uint32_t msg, gen;
    Done::Kind kind;
    bool operator>(const Event& o) const {
      if (time != o.time) return time > o.time;
      if (kind != o.kind) return kind > o.kind;
      if (tag != o.tag) return tag > o.tag;
      return seq > o.seq;
    }
  };
  struct Endpoint {
    uint32_t node = 0, router = 0;
    std::deque<uint32_t> fifo;  // ready detailed messages, first come first served
    uint32_t cur = kNone;       // message whose packet is being injected
    uint32_t vc = 0;            // its virtual channel
    uint32_t left = 0;          // flits of that packet still to inject (no division per flit)
    bool head = false;          // its next flit is its first
  };
  struct TrainUse {
    uint32_t msg, gen;
    Cycles begin, end;  // switch slots [begin, end] on the channel
    // What the train leaves in the round-robin pointers of the ports at this channel, as a
    // detailed run would have (kNone: no such port).
    uint32_t out_port, out_val, in_port, in_val;
    Cycles in_t, out_t;
  };
  void apply_rr(const TrainUse& u);
  // A train's pointers may be set ahead of time (t): only a later change moves them again.
  void set_out_rr(uint32_t port, uint32_t v, Cycles t) {
    if (t < out_rr_[port].t) return;
    out_rr_[port] = {t, v};
  }
  void set_in_rr(uint32_t port, uint32_t v, Cycles t) {
    if (t < in_rr_[port].t) return;
    in_rr_[port] = {t, v};
  }
  void prune(uint32_t ch, Cycles c);  // drops (and applies) the train uses over at c

  // Channels: links [0, L), injection ports [L, L+E), ejection ports [L+E, L+2E).
  uint32_t inj_channel(uint32_t e) const { return L_ + e; }
  uint32_t ej_channel(uint32_t e) const { return L_ + E_ + e; }
  // Input ports: links [0, L), injection [L, L+E). Output ports: links [0, L), ejection [L, L+E).
  uint32_t vc_lo(uint8_t cls) const { return split_ ? (cls ? V_ / 2 : 0) : 0; }
  uint32_t vc_hi(uint8_t cls) const { return split_ ? (cls ? V_ : V_ / 2) : V_; }
  Flit* buf(uint32_t port, uint32_t vc) { return &flits_[(size_t(port) * V_ + vc) * B_]; }
  void channels_of(const Msg& m, std::vector<uint32_t>& out) const;
  bool is_tail(const Msg& m, uint32_t index) const {
    return (index + 1) % P_ == 0 || index + 1 == m.F;
  }
  uint32_t flit_flags(const Msg& m, uint32_t index) const {
    return (is_tail(m, index) ? kTail : 0) | (index % P_ == 0 ? kHead : 0) |
           (m.F >= kRetrainMinFlits ? kLong : 0);
  }
  // Per message and router position j (flat, stride S_, so that the per-flit work touches no
  // Msg): the output port at j and the class of its VC (bit 31); first / last flit arrival
  // downstream of link j.
  uint32_t& rt(uint32_t msg, uint32_t j) { return rt_[size_t(msg) * S_ + j]; }
  Cycles& first(uint32_t msg, uint32_t j) { return pos_[size_t(msg) * S_ + j].first; }
  Cycles& last(uint32_t msg, uint32_t j) { return pos_[size_t(msg) * S_ + j].last; }
  // Train: switch offset at router position j; detailed: flits switched at position j so far
  // (kept for kLong messages only: no other is ever re-trained).
  Cycles& off(uint32_t msg, uint32_t j) { return pos_[size_t(msg) * S_ + j].off; }
  uint32_t& swc(uint32_t msg, uint32_t j) { return pos_[size_t(msg) * S_ + j].swc; }
  Cycles sw_at(uint32_t msg, uint32_t j, Cycles T) {  // train: flits switched at j before T
    const Cycles a = off(msg, j);
    return T <= a ? 0 : std::min<Cycles>(msgs_[msg].F, T - a);
  }
  void add_train_uses(uint32_t id);
  int try_retrain(uint32_t id, Cycles T);  // 0: not alone, 1: alone, not in pattern, 2: done
  void retrain_candidates(Cycles T);
  void candidate(uint32_t id);
  void grow_stride(uint32_t s);
  void own(uint32_t out, uint32_t vc, uint32_t key) {
    out_owner_[size_t(out) * V_ + vc] = key;
    out_free_[out] &= ~(uint64_t(1) << vc);
  }
  void disown(uint32_t out, uint32_t vc) {
    out_owner_[size_t(out) * V_ + vc] = kNone;
    out_free_[out] |= uint64_t(1) << vc;
  }

  void start_ready(Cycles c);
  bool try_train(uint32_t id, Cycles c);
  bool materialise(uint32_t id, Cycles T);  // false: it was already delivered
  void make_detailed(uint32_t id);
  void cycle(Cycles c);
  void inject(Cycles c);
  template <bool kSpeedup>
  void route_router(uint32_t r, Cycles c);
  void push_flit(uint32_t port, uint32_t vc, const Flit& f);
  void delivered(uint32_t msg, Cycles c);
  void push_event(uint32_t msg, Done::Kind k, Cycles t);
  void finish(uint32_t id);
  bool detailed_idle() const { return active_flits_ == 0 && wire_n_ == 0 && inj_list_.empty(); }
  // Flits on the wires arrive within router_latency cycles: bucket `at % (R + 1)` holds those
  // arriving at `at`, in the order they were sent (a deque sorted by time, without its cost).
  // A bucket holds at most one flit per link (a link carries one flit per cycle): fixed storage.
  struct Wire {
    std::vector<InFlight> v;
    uint32_t n = 0;
    InFlight* begin() { return v.data(); }
    InFlight* end() { return v.data() + n; }
    const InFlight* begin() const { return v.data(); }
    const InFlight* end() const { return v.data() + n; }
    void push(const InFlight& x) {
      assert(n < v.size());
      v[n++] = x;
    }
  };
  Wire& wire(Cycles at) { return wire_[at % wire_.size()]; }


  NocParams p_;
  NocGraph topo_;
  bool fast_;
  uint32_t L_, E_, V_, B_, P_, R_;
  Cycles D_;  // noc-terminal-latency, added to Arrived reports only
  uint32_t IS_;  // noc-input-speedup: VCs an input port may offer per cycle (one per v mod S)
  bool split_ = false;
  std::vector<uint32_t> link_from_router_, link_to_router_;
  std::vector<Endpoint> eps_;
  std::vector<uint32_t> router_of_node_;  // injection router of each node
  std::vector<uint32_t> ej_router_of_node_;
  uint32_t routers_ = 0;
  std::vector<std::vector<uint32_t>> router_in_;   // input ports of each router
  std::vector<uint32_t> in_slot_;                  // input port -> its index in its router
  std::vector<uint32_t> in_router_;                // input port -> router
  struct Rr {  // a round-robin pointer and the cycle of its last change (one cache line)
    Cycles t;
    uint32_t next;
  };
  std::vector<Rr> in_rr_;                          // per input port: next VC to consider
  std::vector<Rr> out_rr_;                         // per output port: next input slot
  std::vector<uint32_t> out_owner_;                // [out port * V + vc] -> input vc key or kNone
  std::vector<uint64_t> out_free_;                 // per out port: bit v = VC v has no owner
  std::vector<uint64_t> in_ne_;                    // per input port: bit v = VC v holds flits
  std::vector<uint64_t> router_ne_;                // per router: bit s = input slot s holds flits
  bool wide_ = false;                              // a router has more than 64 input ports
  static uint64_t slot_bit(uint32_t slot) { return slot < 64 ? uint64_t(1) << slot : 0; }
  uint64_t cls_mask_[2] = {0, 0};                  // the VCs of each class
  uint32_t S_ = 1;                                 // stride of rt_, pos_
  std::vector<uint32_t> rt_;
  struct Pos {  // together: the router step updates first, last and swc of one flit at once
    Cycles first, last, off;
    uint32_t swc;
  };
  std::vector<Pos> pos_;
  // [input port * V + vc]: credits for that buffer, held upstream (a link's output port, or the
  // endpoint for its injection port): one array, so the router step returns both kinds alike.
  std::vector<uint32_t> credits_;
  uint32_t& inj_credits(uint32_t e, uint32_t vc) { return credits_[size_t(L_ + e) * V_ + vc]; }
  std::vector<InVc> invc_;                         // [in port * V + vc]
  std::vector<Flit> flits_;
  std::vector<uint32_t> router_flits_;
  std::vector<uint32_t> active_;                   // routers holding flits: [0, nactive_)
  uint32_t nactive_ = 0;
  std::vector<uint8_t> in_active_;
  std::vector<Wire> wire_;
  uint64_t wire_n_ = 0;                            // flits on the wires
  Wire* wout_ = nullptr;                             // the bucket of this cycle's switched flits
  std::vector<uint32_t> credit_back_;  // input port * V + vc, credits for the next cycle
  uint32_t ncredit_back_ = 0;
  uint64_t active_flits_ = 0;
  std::vector<uint32_t> inj_list_;  // endpoints with something to inject
  std::vector<uint8_t> inj_flag_;

  std::vector<Msg> msgs_;
  std::vector<uint32_t> free_msgs_;
  struct Pending {
    Cycles ready;
    uint64_t seq;
    uint32_t msg;
    bool operator>(const Pending& o) const {
      return ready != o.ready ? ready > o.ready : seq > o.seq;
    }
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;  // not started
  uint64_t seq_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<uint32_t> detailed_use_;             // per channel
  std::vector<uint32_t> detailed_xor_;             // per channel: xor of its detailed messages
  bool retrain_ = true;
  struct Cand {
    uint32_t msg, gen;
    Cycles next;
    uint32_t step;
  };
  std::vector<Cand> cands_;
  std::vector<uint32_t> scratch3_;
  std::vector<Cycles> a_;
  std::vector<std::vector<TrainUse>> train_use_;   // per channel
  std::vector<uint32_t> scratch_, scratch2_;
  std::vector<LinkUse> uses_;
  std::vector<LinkId> route_scratch_;
  Cycles cur_ = 0;
  Counters count_;

  struct Req {
    uint32_t in, vc, out, slot;
  };
  std::vector<Req> reqs_;
  std::vector<uint32_t> win_;
};

}  // namespace spikepipe

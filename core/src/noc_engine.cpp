// The causal NoC engine: flit-level routers with virtual channels, credits and round-robin
// allocation, and the exact "train" fast path (see noc_engine.h).
#include "spikepipe/core/noc_engine.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {

NocEngine::NocEngine(const NocParams& p, std::vector<uint32_t> endpoint_nodes, bool fast_path)
    : p_(p), topo_(p), fast_(fast_path) {
  L_ = static_cast<uint32_t>(topo_.links().size());
  E_ = static_cast<uint32_t>(endpoint_nodes.size());
  V_ = std::max<uint32_t>(1, p.vcs);
  B_ = std::max<uint32_t>(1, p.buffer_flits);
  R_ = static_cast<uint32_t>(std::max<Cycles>(1, p.router_latency));
  // A train streams at link rate, which one VC does only with buffer_flits >= R + 1 (the
  // platform rejects less for noc-model = causal). Below that a materialised train would put
  // more flits in a buffer than it holds, so engines built directly with such buffers go flit
  // by flit.
  fast_ = fast_ && B_ >= R_ + 1;
  D_ = p.terminal_latency;
  IS_ = std::min(V_, std::max<uint32_t>(1, p.input_speedup));
  P_ = static_cast<uint32_t>(
      std::max<double>(1.0, double(uint64_t(p.packet_bytes / p.link_bytes_per_cycle + 1e-9))));
  split_ = p.topology == NocShape::Torus || p.topology == NocShape::Ring;
  if (split_ && V_ < 2)
    fail("noc-vcs", "is " + std::to_string(V_) + " on a " + to_string(p.topology),
         ">= 2 (dateline classes against deadlock)");
  const uint32_t N = topo_.nodes();
  const bool xbar = p.topology == NocShape::Crossbar;
  routers_ = xbar ? N + 1 : N;
  router_of_node_.resize(N);
  ej_router_of_node_.resize(N);
  for (uint32_t n = 0; n < N; ++n) {
    router_of_node_[n] = xbar ? N : n;
    ej_router_of_node_[n] = n;
  }
  link_from_router_.resize(L_);
  link_to_router_.resize(L_);
  for (const LinkInfo& l : topo_.links()) {
    link_from_router_[l.id.value] = l.from == NocGraph::kCrossbar ? N : l.from;
    link_to_router_[l.id.value] = l.to;
  }
  eps_.resize(E_);
  for (uint32_t e = 0; e < E_; ++e) {
    if (endpoint_nodes[e] >= N)
      fail("noc", "endpoint at node " + std::to_string(endpoint_nodes[e]) + " outside the NoC");
    eps_[e].node = endpoint_nodes[e];
    eps_[e].router = router_of_node_[endpoint_nodes[e]];
  }
  router_in_.resize(routers_);
  in_slot_.resize(L_ + E_);
  in_router_.resize(L_ + E_);
  for (uint32_t l = 0; l < L_; ++l) in_router_[l] = link_to_router_[l];
  for (uint32_t e = 0; e < E_; ++e) in_router_[L_ + e] = eps_[e].router;
  for (uint32_t ip = 0; ip < L_ + E_; ++ip) {
    in_slot_[ip] = static_cast<uint32_t>(router_in_[in_router_[ip]].size());
    router_in_[in_router_[ip]].push_back(ip);
  }
  in_rr_.assign(L_ + E_, Rr{0, 0});
  out_rr_.assign(L_ + E_, Rr{0, 0});
  out_owner_.assign(size_t(L_ + E_) * V_, kNone);
  if (V_ > 64) fail("noc-vcs", "is " + std::to_string(V_), "<= 64");
  out_free_.assign(L_ + E_, V_ == 64 ? ~uint64_t(0) : (uint64_t(1) << V_) - 1);
  in_ne_.assign(L_ + E_, 0);
  router_ne_.assign(routers_, 0);
  for (uint8_t k = 0; k < 2; ++k)
    for (uint32_t v = vc_lo(k); v < vc_hi(k); ++v) cls_mask_[k] |= uint64_t(1) << v;
  credits_.assign(size_t(L_ + E_) * V_, B_);
  invc_.resize(size_t(L_ + E_) * V_);
  flits_.resize(size_t(L_ + E_) * V_ * B_);
  router_flits_.assign(routers_, 0);
  in_active_.assign(routers_, 0);
  inj_flag_.assign(E_, 0);
  detailed_use_.assign(L_ + 2 * E_, 0);
  detailed_xor_.assign(L_ + 2 * E_, 0);
  const char* rt_env = std::getenv("SPIKEPIPE_NOC_RETRAIN");
  retrain_ = fast_ && !(rt_env && rt_env[0] == '0');
  train_use_.resize(L_ + 2 * E_);
  wire_.resize(size_t(R_) + 1);
  size_t most = 0;
  for (const auto& ins : router_in_) most = std::max(most, ins.size());
  wide_ = most > 64;  // router_ne_ holds 64 slots
  reqs_.resize(most * IS_);  // noc-input-speedup: up to IS_ requests per input port
  active_.resize(routers_ + 1);  // + 1: push_flit writes one past the list
  credit_back_.resize(size_t(L_ + E_) * IS_);  // flits leaving an input port per cycle at most
  for (auto& w : wire_) w.v.resize(std::max<uint32_t>(1, L_));
  win_.resize(most);
}

uint32_t NocEngine::hops(uint32_t a, uint32_t b) const {
  return topo_.hops(eps_[a].node, eps_[b].node);
}

uint32_t NocEngine::flits_of(uint64_t bytes) const {
  return static_cast<uint32_t>(std::max<Cycles>(1, serial_cycles(bytes, p_.link_bytes_per_cycle)));
}

uint32_t NocEngine::message_packets(uint32_t msg) const { return (msgs_[msg].F + P_ - 1) / P_; }

uint32_t NocEngine::add(uint32_t a, uint32_t b, uint64_t bytes, Cycles ready, uint64_t tag) {
  if (a >= E_ || b >= E_) fail("noc", "message between unknown endpoints");
  uint32_t id;
  if (!free_msgs_.empty()) {
    id = free_msgs_.back();
    free_msgs_.pop_back();
  } else {
    id = static_cast<uint32_t>(msgs_.size());
    msgs_.emplace_back();
  }
  Msg& m = msgs_[id];
  m.src = a;
  m.dst = b;
  m.tag = tag;
  m.bytes = bytes;
  m.F = flits_of(bytes);
  m.ready = std::max(ready, cur_);
  m.live = true;
  m.train = false;
  m.cand = false;
  m.inj_reported = false;
  m.injected = m.delivered = 0;
  m.inject_time = m.arrive_time = kNever;
  scratch2_.clear();
  route_scratch_.clear();  // a member: no allocation per message
  topo_.route(eps_[a].node, eps_[b].node, route_scratch_);
  m.route.clear();
  for (LinkId l : route_scratch_) m.route.push_back(l.value);
  m.H = static_cast<uint32_t>(m.route.size());
  m.cls.assign(m.H, 0);
  if (split_) {
    // Dateline: class 1 from the wrap-around link of a dimension on, class 0 in a new dimension.
    const uint32_t cols = p_.cols;
    int dim = -1;
    bool crossed = false;
    for (uint32_t j = 0; j < m.H; ++j) {
      const LinkInfo& li = topo_.links()[m.route[j]];
      int d = 0;
      bool wrap;
      if (p_.topology == NocShape::Ring) {
        const uint32_t diff = li.from > li.to ? li.from - li.to : li.to - li.from;
        wrap = diff > 1;
      } else {
        const uint32_t fr = li.from / cols, fc = li.from % cols, tr = li.to / cols,
                       tc = li.to % cols;
        d = fr == tr ? 0 : 1;
        const uint32_t diff = d == 0 ? (fc > tc ? fc - tc : tc - fc) : (fr > tr ? fr - tr : tr - fr);
        wrap = diff > 1;
      }
      if (d != dim) {
        dim = d;
        crossed = false;
      }
      if (wrap) crossed = true;
      m.cls[j] = crossed ? 1 : 0;
    }
  }
  if (m.H + 1 > S_) grow_stride(m.H + 1);
  if (rt_.size() < size_t(id + 1) * S_) {
    rt_.resize(size_t(id + 1) * S_);
    pos_.resize(size_t(id + 1) * S_);
  }
  for (uint32_t j = 0; j < m.H; ++j) rt(id, j) = m.route[j] | (uint32_t(m.cls[j]) << 31);
  for (uint32_t j = 0; j <= m.H; ++j) {  // position H: the ejection port
    first(id, j) = kNever;
    last(id, j) = 0;
    swc(id, j) = 0;
  }
  rt(id, m.H) = L_ + b;
  pending_.push({m.ready, seq_++, id});
  ++count_.messages;
  return id;
}

void NocEngine::grow_stride(uint32_t s) {
  const size_t n = msgs_.size();
  std::vector<uint32_t> rt(n * s);
  std::vector<Pos> ps(n * s);
  for (size_t i = 0; i < n && S_ > 0; ++i) {
    for (uint32_t j = 0; j < S_ && size_t(i + 1) * S_ <= rt_.size(); ++j) {
      rt[i * s + j] = rt_[i * S_ + j];
      ps[i * s + j] = pos_[i * S_ + j];
    }
  }
  rt_.swap(rt);
  pos_.swap(ps);
  S_ = s;
}

void NocEngine::channels_of(const Msg& m, std::vector<uint32_t>& out) const {
  out.clear();
  out.push_back(inj_channel(m.src));
  for (uint32_t l : m.route) out.push_back(l);
  out.push_back(ej_channel(m.dst));
}

void NocEngine::push_event(uint32_t msg, Done::Kind k, Cycles t) {
  // The terminal latency shifts only the report: the engine's own state keeps arrive_time.
  events_.push({k == Done::Arrived ? t + D_ : t, seq_++, msgs_[msg].tag, msg, msgs_[msg].gen, k});
}

void NocEngine::advance(Cycles T, Listener& l) {
  while (cur_ < T) {
    if (detailed_idle()) {
      const Cycles nxt = pending_.empty() ? kNever : pending_.top().ready;
      if (nxt >= T) {
        cur_ = T;
        break;
      }
      if (nxt > cur_) cur_ = nxt;
    }
    cycle(cur_);
    ++cur_;
  }
  while (!events_.empty() && events_.top().time <= T) {
    const Event ev = events_.top();
    events_.pop();
    // Listeners may add() messages (msgs_ may move): no reference to a Msg across a call.
    Msg& m = msgs_[ev.msg];
    if (!m.live || m.gen != ev.gen) continue;
    if (ev.kind == Done::Injected) {
      if (m.inject_time != ev.time || m.inj_reported) continue;
      m.inj_reported = true;
      l.done({Done::Injected, ev.msg, m.tag, ev.time});
    } else {
      if (m.arrive_time == kNever || m.arrive_time + D_ != ev.time) continue;
      uses_.clear();
      for (uint32_t j = 0; j < m.H; ++j) {
        if (m.train) {  // a re-trained message keeps the first arrivals it had before
          const Cycles a = off(ev.msg, j) + R_;
          const Cycles s = first(ev.msg, j) != kNever ? first(ev.msg, j) : a;
          uses_.push_back({m.route[j], s, a + m.F});
        } else {
          uses_.push_back({m.route[j], first(ev.msg, j), last(ev.msg, j) + 1});
        }
      }
      const uint64_t tag = m.tag;
      l.links(ev.msg, tag, uses_);
      l.done({Done::Arrived, ev.msg, tag, ev.time});
      finish(ev.msg);
    }
  }
}

void NocEngine::run_ahead(Cycles H) {
  while (cur_ < H && (events_.empty() || events_.top().time > cur_)) {
    if (detailed_idle()) {  // jump to the next start or report, as advance() does
      Cycles nxt = pending_.empty() ? kNever : pending_.top().ready;
      if (!events_.empty()) nxt = std::min(nxt, events_.top().time);
      if (nxt >= H) break;  // (cur stays: a later add may be ready at any time from here)
      if (nxt > cur_) {
        cur_ = nxt;
        continue;
      }
    }
    cycle(cur_);
    ++cur_;
  }
}

Cycles NocEngine::next_time() const {
  Cycles t = kNever;
  if (active_flits_ > 0 || !inj_list_.empty()) {
    t = cur_ + 1;
  } else if (wire_n_ > 0) {
    Cycles a = kNever;
    for (const auto& w : wire_)
      if (w.n > 0) a = std::min(a, w.v[0].at);
    t = a + 1;
  }
  if (!pending_.empty()) t = std::min(t, pending_.top().ready + 1);
  if (!events_.empty()) t = std::min(t, events_.top().time);
  return t;
}

void NocEngine::finish(uint32_t id) {
  Msg& m = msgs_[id];
  m.live = false;
  m.train = false;
  ++m.gen;
  free_msgs_.push_back(id);
}

void NocEngine::cycle(Cycles c) {
  ++count_.cycles;
  start_ready(c);  // first: a train turned into flits may have flits arriving this cycle
  {
    auto& w = wire(c);  // cycles run back to back while flits are on the wires: all arrive at c
    for (const InFlight& x : w) push_flit(x.port, x.vc, x.f);
    wire_n_ -= w.n;
    w.n = 0;
  }
  if (!inj_list_.empty()) inject(c);
  wout_ = &wire(c + R_);
  if (IS_ > 1) {
    for (uint32_t i = 0; i < nactive_; ++i) route_router<true>(active_[i], c);
  } else {
    for (uint32_t i = 0; i < nactive_; ++i) route_router<false>(active_[i], c);
  }
  uint32_t keep = 0;
  for (uint32_t i = 0; i < nactive_; ++i) {
    const uint32_t r = active_[i];
    if (router_flits_[r] > 0) {
      active_[keep++] = r;
    } else {
      in_active_[r] = 0;
    }
  }
  nactive_ = keep;
  for (uint32_t i = 0; i < ncredit_back_; ++i) ++credits_[credit_back_[i]];
  ncredit_back_ = 0;
  if (!cands_.empty()) retrain_candidates(c + 1);
}

void NocEngine::push_flit(uint32_t port, uint32_t vc, const Flit& f) {
  InVc& iv = invc_[size_t(port) * V_ + vc];
  uint32_t at = iv.head + iv.count;
  if (at >= B_) at -= B_;
  buf(port, vc)[at] = f;
  ++iv.count;
  in_ne_[port] |= uint64_t(1) << vc;
  const uint32_t r = in_router_[port];
  router_ne_[r] |= slot_bit(in_slot_[port]);
  ++router_flits_[r];
  ++active_flits_;
  active_[nactive_] = r;  // joins the list unless it is there (no branch: random under load)
  nactive_ += in_active_[r] ^ 1;
  in_active_[r] = 1;
}

void NocEngine::start_ready(Cycles c) {
  while (!pending_.empty() && pending_.top().ready <= c) {
    const uint32_t id = pending_.top().msg;
    pending_.pop();
    if (try_train(id, c)) continue;
    // Everything it shares a channel with goes flit by flit from now on.
    channels_of(msgs_[id], scratch_);
    std::vector<uint32_t> work;
    for (uint32_t ch : scratch_) {
      for (const TrainUse& u : train_use_[ch]) {
        const Msg& o = msgs_[u.msg];
        if (o.live && o.gen == u.gen && o.train && u.end + R_ + 1 > c) work.push_back(u.msg);
      }
    }
    while (!work.empty()) {
      const uint32_t t = work.back();
      work.pop_back();
      if (!msgs_[t].train) continue;
      std::vector<uint32_t> chans;
      channels_of(msgs_[t], chans);
      if (!materialise(t, c)) continue;  // already delivered: it cannot change
      for (uint32_t ch : chans) {
        for (const TrainUse& u : train_use_[ch]) {
          const Msg& o = msgs_[u.msg];
          if (o.live && o.gen == u.gen && o.train && u.end + R_ + 1 > c) work.push_back(u.msg);
        }
      }
    }
    make_detailed(id);
    Endpoint& ep = eps_[msgs_[id].src];
    ep.fifo.push_back(id);
    if (!inj_flag_[msgs_[id].src]) {
      inj_flag_[msgs_[id].src] = 1;
      inj_list_.push_back(msgs_[id].src);
    }
  }
}

bool NocEngine::try_train(uint32_t id, Cycles c) {
  if (!fast_) return false;
  Msg& m = msgs_[id];
  const Endpoint& ep = eps_[m.src];
  if (!ep.fifo.empty() || ep.cur != kNone) return false;
  channels_of(m, scratch_);
  const size_t n = scratch_.size();
  auto pos = [&](size_t i) -> Cycles { return i == 0 ? 0 : (i == n - 1 ? m.H : Cycles(i - 1)); };
  for (size_t i = 0; i < n; ++i) {
    const uint32_t ch = scratch_[i];
    if (detailed_use_[ch]) return false;
    prune(ch, c);
    const auto& uses = train_use_[ch];
    const Cycles b = c + pos(i) * R_, e = b + m.F - 1;
    for (const TrainUse& u : uses) {
      if (!(e < u.begin || u.end < b)) return false;
    }
  }
  m.train = true;
  m.t0 = m.i0 = m.base = c;
  for (uint32_t j = 0; j <= m.H; ++j) off(id, j) = c + Cycles(j) * R_;
  add_train_uses(id);
  m.injected = m.F;
  m.inject_time = c + m.F;
  m.arrive_time = c + m.F + Cycles(m.H) * R_;
  push_event(id, Done::Injected, m.inject_time);
  push_event(id, Done::Arrived, m.arrive_time);
  ++count_.trains;
  return true;
}

// The channels a train still uses from m.base on, with what it leaves in the round-robin pointers
// (kNone: no such port, or nothing switched there from m.base on). Channel intervals: the
// injection port from the first injection to the last switch at the source; a link from its
// first switch onto it until the next router can take a new train's flits at link rate
// (a_{j+1} + F - 1 - R: no flit of this train left in that router's buffer); the ejection port.
void NocEngine::add_train_uses(uint32_t id) {
  const Msg& m = msgs_[id];
  const uint32_t F = m.F, H = m.H;
  const Cycles T = m.base;
  auto out_val = [&](uint32_t j) {  // the input slot after the one feeding position j
    const uint32_t ip = j == 0 ? L_ + m.src : m.route[j - 1];
    return (in_slot_[ip] + 1) % uint32_t(router_in_[in_router_[ip]].size());
  };
  if (sw_at(id, 0, T) < F) {
    const Cycles e = off(id, 0) + F - 1;
    train_use_[inj_channel(m.src)].push_back(
        {id, m.gen, m.i0, e, kNone, 0, L_ + m.src, (vc_lo(0) + 1) % V_, e, e});
  }
  for (uint32_t j = 0; j < H; ++j) {
    if (sw_at(id, j + 1, T) >= F) continue;  // all its flits are past this link
    const Cycles ej = off(id, j) + F - 1, ej1 = off(id, j + 1) + F - 1;
    TrainUse u{id, m.gen, off(id, j), ej1 - R_, kNone, 0,
               m.route[j], (vc_lo(m.cls[j]) + 1) % V_, ej1, ej};
    if (sw_at(id, j, T) < F) {
      u.out_port = m.route[j];
      u.out_val = out_val(j);
    }
    train_use_[m.route[j]].push_back(u);
  }
  const Cycles eH = off(id, H) + F - 1;
  train_use_[ej_channel(m.dst)].push_back(
      {id, m.gen, off(id, H), eH, L_ + m.dst, out_val(H), kNone, 0, eH, eH});
}

void NocEngine::make_detailed(uint32_t id) {
  channels_of(msgs_[id], scratch2_);
  for (uint32_t ch : scratch2_) {
    ++detailed_use_[ch];
    detailed_xor_[ch] ^= id;
    prune(ch, cur_);
  }
}

void NocEngine::apply_rr(const TrainUse& u) {
  if (u.out_port != kNone) set_out_rr(u.out_port, u.out_val, u.out_t);
  if (u.in_port != kNone) set_in_rr(u.in_port, u.in_val, u.in_t);
}

void NocEngine::prune(uint32_t ch, Cycles c) {
  auto& uses = train_use_[ch];
  size_t keep = 0;
  for (size_t i = 0; i < uses.size(); ++i) {
    if (uses[i].end + R_ + 1 <= c) {
      apply_rr(uses[i]);
    } else {
      uses[keep++] = uses[i];
    }
  }
  uses.resize(keep);
}

// The state of train `id` at the start of cycle T had it run flit by flit: flit f is switched at
// router position j at a_j + f (a_j = off(id, j); a fresh train has a_j = t0 + j*R) and enters the
// source's local buffer at i0 + f; it reaches position j + 1 at a_j + f + R and waits there
// until a_{j+1} + f (a fresh train: not at all, buffers are empty at cycle boundaries); a credit is
// back the cycle after its flit left the next buffer, and every packet uses the lowest virtual
// channel of its class. Positions the message had passed before it became a train (m.base) keep
// their history (round-robin pointers, first arrivals). See noc_engine.h.
bool NocEngine::materialise(uint32_t id, Cycles T) {
  Msg& m = msgs_[id];
  const uint32_t F = m.F, H = m.H;
  if (sw_at(id, H, T) == F) return false;  // delivered: its events and train uses stand
  for (uint32_t ch : (channels_of(m, scratch2_), scratch2_)) {
    auto& uses = train_use_[ch];
    uses.erase(std::remove_if(uses.begin(), uses.end(),
                              [&](const TrainUse& u) { return u.msg == id && u.gen == m.gen; }),
               uses.end());
  }
  auto sw = [&](uint32_t j) { return static_cast<uint32_t>(sw_at(id, j, T)); };
  auto arrived = [&](uint32_t j) -> uint32_t {  // flits that reached position j + 1 before T
    const Cycles a = off(id, j) + R_;
    return T <= a ? 0u : static_cast<uint32_t>(std::min<Cycles>(F, T - a));
  };
  ++count_.materialised;
  m.train = false;
  m.delivered = sw(H);
  m.arrive_time = kNever;
  const uint32_t ninj =
      T <= m.i0 ? 0u : static_cast<uint32_t>(std::min<Cycles>(F, T - m.i0));
  m.injected = ninj;
  if (ninj < F) m.inject_time = kNever;  // else its Injected event stands
  make_detailed(id);
  Endpoint& ep = eps_[m.src];
  if (ninj < F) {
    ep.fifo.push_front(id);
    ep.cur = ninj % P_ ? id : kNone;
    ep.left = std::min(P_ - ninj % P_, F - ninj);
    ep.head = false;
    ep.vc = vc_lo(0);
    if (!inj_flag_[m.src]) {
      inj_flag_[m.src] = 1;
      inj_list_.push_back(m.src);
    }
  }
  for (uint32_t j = 0; j <= H; ++j) {
    const uint32_t bj = sw(j);
    const uint32_t hj = static_cast<uint32_t>(sw_at(id, j, m.base));
    const uint32_t ip = j == 0 ? L_ + m.src : m.route[j - 1];
    const uint32_t ivc = j == 0 ? vc_lo(0) : vc_lo(m.cls[j - 1]);
    const Cycles a = off(id, j);
    swc(id, j) = bj;
    if (bj > 0) {
      Cycles& fi = first(id, j);
      if (fi == kNever) fi = a + R_;
      last(id, j) = a + bj - 1 + R_;
    }
    if (bj > hj) {  // the round-robin pointers its last flit through here left
      const Cycles tj = a + bj - 1;
      set_in_rr(ip, (ivc + 1) % V_, tj);
      const uint32_t op = j < H ? m.route[j] : L_ + m.dst;
      set_out_rr(op, (in_slot_[ip] + 1) % uint32_t(router_in_[in_router_[ip]].size()), tj);
    }
    if (bj > 0 && bj < F && bj % P_ != 0) {  // a packet is half through this router
      InVc& iv = invc_[size_t(ip) * V_ + ivc];
      if (j < H) {
        iv.out = m.route[j];
        iv.out_vc = vc_lo(m.cls[j]);
        own(iv.out, iv.out_vc, ip * V_ + ivc);
      } else {
        iv.out = L_ + m.dst;
        iv.out_vc = 0;
      }
    }
    // Its backlog here: flits that arrived (were injected) before T and wait to be switched.
    const uint32_t arr = j == 0 ? ninj : arrived(j - 1);
    for (uint32_t f = bj; f < arr; ++f)
      push_flit(ip, ivc, Flit{id, f, j, flit_flags(m, f)});
    if (j == 0) inj_credits(m.src, ivc) -= arr - bj;
  }
  std::vector<InFlight> wires;
  for (uint32_t j = 0; j < H; ++j) {
    const uint32_t sent = sw(j), arr = arrived(j);
    const uint32_t vc = vc_lo(m.cls[j]);
    for (uint32_t f = arr; f < sent; ++f) {
      wires.push_back({off(id, j) + f + R_, m.route[j], vc,
                       {id, f, j + 1, flit_flags(m, f)}});
    }
    credits_[size_t(m.route[j]) * V_ + vc] -= sent - sw(j + 1);
  }
  if (!wires.empty()) {
    std::sort(wires.begin(), wires.end(),
              [](const InFlight& a, const InFlight& b) { return a.at < b.at; });
    for (const InFlight& x : wires) wire(x.at).push(x);
    wire_n_ += wires.size();
  }
  return true;
}

void NocEngine::inject(Cycles c) {
  size_t keep = 0;
  for (size_t i = 0; i < inj_list_.size(); ++i) {
    const uint32_t e = inj_list_[i];
    Endpoint& ep = eps_[e];
    if (ep.cur == kNone) {
      if (ep.fifo.empty()) {
        inj_flag_[e] = 0;
        continue;
      }
      uint32_t v = kNone;
      for (uint32_t k = vc_lo(0); k < vc_hi(0); ++k) {
        if (inj_credits(e, k) > 0) {
          v = k;
          break;
        }
      }
      inj_list_[keep++] = e;
      if (v == kNone) continue;
      ep.cur = ep.fifo.front();
      ep.vc = v;
      ep.left = std::min(P_, msgs_[ep.cur].F - msgs_[ep.cur].injected);
      ep.head = true;
    } else {
      inj_list_[keep++] = e;
    }
    if (inj_credits(e, ep.vc) == 0) continue;
    Msg& m = msgs_[ep.cur];
    --inj_credits(e, ep.vc);
    const uint32_t flags = (ep.left == 1 ? kTail : 0) | (ep.head ? kHead : 0) |
                           (m.F >= kRetrainMinFlits ? kLong : 0);
    ep.head = false;
    push_flit(L_ + e, ep.vc, Flit{ep.cur, m.injected, 0, flags});
    ++m.injected;
    if (m.injected == m.F) {
      m.inject_time = c + 1;
      push_event(ep.cur, Done::Injected, c + 1);
      ep.fifo.pop_front();
      ep.cur = kNone;
    } else if (--ep.left == 0) {
      ep.cur = kNone;
    }
  }
  inj_list_.resize(keep);
}

template <bool kSpeedup>
void NocEngine::route_router(uint32_t r, Cycles c) {
  const std::vector<uint32_t>& insv = router_in_[r];
  const uint32_t* ins = insv.data();
  const uint32_t nslots = static_cast<uint32_t>(insv.size());
  Req* reqs = reqs_.data();  // sized to the largest router: no push_back in the hot loop
  uint32_t n = 0;
  constexpr uint32_t kVa = 0x40000000u, kLost = 0x80000000u;
  // Priority of input slot s at an output whose round-robin pointer is rr: (s - rr) mod nslots.
  auto pri = [nslots](uint32_t slot, uint32_t rr) { return slot >= rr ? slot - rr : slot + nslots - rr; };
  // 1. Every input port offers one virtual channel, round-robin: one whose packet holds an
  //    output virtual channel with a credit, or one whose head flit needs an output VC. With
  //    noc-input-speedup S it offers one per group of VCs v mod S (S crossbar inputs, as
  //    BookSim's input_speedup), i.e. up to S flits per cycle to different outputs.
  bool any_va = false;
  // Offers VC v of input port ip if its head can go; false if it cannot.
  auto offer = [&](uint32_t ip, uint32_t slot, uint32_t v) {
    const InVc& iv = invc_[size_t(ip) * V_ + v];
    if (iv.out == kNone) {
      const Flit& f = buf(ip, v)[iv.head];
      const uint32_t o = rt(f.msg, f.hop);
      const uint32_t out = o & 0x7fffffffu;
      // only a head that may find a free output VC asks
      if (out < L_ && !(out_free_[out] & cls_mask_[o >> 31])) return false;
      reqs[n++] = {ip, v | kVa, out, slot};
      any_va = true;
    } else {
      if (iv.out < L_ && credits_[size_t(iv.out) * V_ + iv.out_vc] == 0) return false;
      reqs[n++] = {ip, v, iv.out, slot};
    }
    return true;
  };
  auto offer_port = [&](uint32_t slot) {
    const uint32_t ip = ins[slot];
    const uint64_t ne = in_ne_[ip];
    // The VCs holding flits in round-robin order: from in_rr_ up, then those below it.
    const uint64_t hi = ne & (~uint64_t(0) << in_rr_[ip].next);
    if (!kSpeedup) {  // the first that can go
      bool done = false;
      for (uint64_t m = hi; m && !done; m &= m - 1)
        done = offer(ip, slot, static_cast<uint32_t>(__builtin_ctzll(m)));
      for (uint64_t m = ne ^ hi; m && !done; m &= m - 1)
        done = offer(ip, slot, static_cast<uint32_t>(__builtin_ctzll(m)));
      return;
    }
    uint64_t m = hi, rest = ne ^ hi;
    uint64_t groups = 0;  // VC groups (v mod S) that already offered
    uint32_t offered = 0;
    for (;;) {
      if (!m) {
        if (!rest) break;
        m = rest;
        rest = 0;
      }
      const uint32_t v = static_cast<uint32_t>(__builtin_ctzll(m));
      m &= m - 1;
      if ((groups >> (v % IS_)) & 1) continue;
      if (!offer(ip, slot, v)) continue;
      if (++offered == IS_) break;
      groups |= uint64_t(1) << (v % IS_);
    }
  };
  // The input ports holding flits, in slot order: a mask per router (which of its ports hold
  // flits is random under load, so testing each costs a mispredicted branch).
  if (wide_) {
    for (uint32_t slot = 0; slot < nslots; ++slot)
      if (in_ne_[ins[slot]]) offer_port(slot);
  } else {
    for (uint64_t sm = router_ne_[r]; sm; sm &= sm - 1)
      offer_port(static_cast<uint32_t>(__builtin_ctzll(sm)));
  }
  if (n == 0) return;
  // 2. Virtual-channel allocation: heads get the lowest free output VC of their class, inputs
  //    served in the output's round-robin order.
  if (any_va) {
    // Insertion sort by (out, priority): at most noc-input-speedup requests per input port.
    for (uint32_t i = 1; i < n; ++i) {
      const Req x = reqs[i];
      const uint32_t px = pri(x.slot, out_rr_[x.out].next);
      uint32_t j = i;
      while (j > 0) {
        const Req& y = reqs[j - 1];
        if (y.out < x.out || (y.out == x.out && pri(y.slot, out_rr_[y.out].next) <= px)) break;
        reqs[j] = y;
        --j;
      }
      reqs[j] = x;
    }
    for (uint32_t i = 0; i < n; ++i) {
      Req& q = reqs[i];
      if (!(q.vc & kVa)) continue;
      q.vc &= ~kVa;
      InVc& iv = invc_[size_t(q.in) * V_ + q.vc];
      if (q.out < L_) {
        const Flit& f = buf(q.in, q.vc)[iv.head];
        const uint64_t freev = out_free_[q.out] & cls_mask_[rt(f.msg, f.hop) >> 31];
        if (!freev) {
          q.vc |= kLost;  // no VC: no switch request this cycle
          continue;
        }
        const uint32_t ov = static_cast<uint32_t>(__builtin_ctzll(freev));
        own(q.out, ov, q.in * V_ + q.vc);
        iv.out_vc = ov;
        iv.out = q.out;
        if (credits_[size_t(q.out) * V_ + ov] == 0) q.vc |= kLost;
      } else {
        iv.out_vc = 0;
        iv.out = q.out;
      }
    }
  }
  // 3. Each output grants the requesting input next in its round-robin order (decided for all
  //    outputs before any pointer moves): per output the request of least priority wins.
  if (n > 1) {
    uint32_t* win = win_.data();  // indices into reqs of the current winner per output
    uint32_t nw = 0;
    for (uint32_t i = 0; i < n; ++i) {
      Req& q = reqs[i];
      if (q.vc & kLost) continue;
      uint32_t w = 0;
      while (w < nw && reqs[win[w]].out != q.out) ++w;
      if (w == nw) {
        win[nw++] = i;
        continue;
      }
      Req& o = reqs[win[w]];
      const uint32_t rr = out_rr_[q.out].next;
      if (pri(q.slot, rr) < pri(o.slot, rr)) {
        o.vc |= kLost;
        win[w] = i;
      } else {
        q.vc |= kLost;
      }
    }
  }
  // 4. The winners move. Round-robin pointers: a train sets them only for cycles before this
  //    one (set_in_rr's time check always passes here), so they are stored directly.
  Wire& wout = *wout_;
  uint32_t moved = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const Req& q = reqs[i];
    if (q.vc & kLost) continue;
    ++moved;
    InVc& iv = invc_[size_t(q.in) * V_ + q.vc];
    const Flit f = buf(q.in, q.vc)[iv.head];
    iv.head = iv.head + 1 == B_ ? 0 : iv.head + 1;
    // Branch-free bookkeeping: whether a VC empties or a packet ends here is random under load.
    --iv.count;
    const uint64_t ne = in_ne_[q.in] & ~(uint64_t(iv.count == 0) << q.vc);
    in_ne_[q.in] = ne;
    router_ne_[r] &= ~(uint64_t(ne == 0) * slot_bit(q.slot));
    assert(in_rr_[q.in].t <= c && out_rr_[q.out].t <= c);
    in_rr_[q.in] = {c, q.vc + 1 == V_ ? 0 : q.vc + 1};
    out_rr_[q.out] = {c, q.slot + 1 == nslots ? 0 : q.slot + 1};
    credit_back_[ncredit_back_++] = q.in * V_ + q.vc;
    // Per position (at H, the ejection, too): first and last arrival, for the link uses, and for
    // the re-train check the switch count. The first flit switched here is a packet's head, the
    // last one a packet's tail, so the others need not touch the message's record.
    if (f.flags & (kHead | kTail | kLong)) {
      Pos& ps = pos_[size_t(f.msg) * S_ + f.hop];
      ps.first = std::min(ps.first, c + R_);  // kNever until the first
      ps.last = c + R_;
      ps.swc += (f.flags & kLong) ? 1 : 0;
    }
    if (q.out < L_) {
      --credits_[size_t(q.out) * V_ + iv.out_vc];
      wout.push({c + R_, q.out, iv.out_vc, {f.msg, f.index, f.hop + 1, f.flags}});
      ++wire_n_;
      if (f.flags & kTail) disown(q.out, iv.out_vc);
    } else {
      delivered(f.msg, c);
    }
    iv.out = (f.flags & kTail) ? kNone : iv.out;
  }
  router_flits_[r] -= moved;
  active_flits_ -= moved;
  count_.flit_moves += moved;
}

void NocEngine::delivered(uint32_t id, Cycles c) {
  Msg& m = msgs_[id];
  if (++m.delivered < m.F) return;
  m.arrive_time = c + 1;
  push_event(id, Done::Arrived, c + 1);
  channels_of(m, scratch2_);
  for (uint32_t ch : scratch2_) {
    detailed_xor_[ch] ^= id;
    // One detailed message left on this channel: it may be alone on its whole path now.
    if (--detailed_use_[ch] == 1) candidate(detailed_xor_[ch]);
  }
}

void NocEngine::candidate(uint32_t id) {
  if (!retrain_) return;
  Msg& m = msgs_[id];
  if (!m.live || m.train || m.cand) return;
  // A few flits left: checking costs more than moving them (the loaded benchmark's 8-flit
  // packets would pay for checks that cannot pay back).
  // (So only messages of kRetrainMinFlits or more are checked: their flits are kLong and keep
  // the switch counts the check reads.)
  if (m.F - m.delivered < kRetrainMinFlits) return;
  m.cand = true;
  cands_.push_back({id, m.gen, 0, 1});
}

// Candidates are retried with a growing interval (1, 2, 4, ... 64 cycles) while alone but not yet
// in a train's pattern (a lone message settles into one within a few hops' time), and dropped
// when something else shares their path (a later delivery makes them candidates again).
void NocEngine::retrain_candidates(Cycles T) {
  size_t keep = 0;
  for (size_t i = 0; i < cands_.size(); ++i) {
    Cand cd = cands_[i];
    if (!msgs_[cd.msg].live || msgs_[cd.msg].gen != cd.gen) continue;
    if (msgs_[cd.msg].train) {
      msgs_[cd.msg].cand = false;
      continue;
    }
    if (cd.next > T) {
      cands_[keep++] = cd;
      continue;
    }
    if (try_retrain(cd.msg, T) != 1) {
      msgs_[cd.msg].cand = false;
      continue;
    }
    cd.next = T + cd.step;
    cd.step = std::min<uint32_t>(cd.step * 2, 64);
    cands_[keep++] = cd;
  }
  cands_.resize(keep);
}

// At the start of cycle T (after cycle T - 1, credits returned): if detailed message `id` is the
// only message on every channel of its path and its state is exactly a train's (see
// materialise()), make it that train. Returns 0 if it is not alone, 1 if it is alone but not in a
// train's pattern, 2 when done.
int NocEngine::try_retrain(uint32_t id, Cycles T) {
  Msg& m = msgs_[id];
  channels_of(m, scratch3_);
  for (uint32_t ch : scratch3_)
    if (detailed_use_[ch] != 1) return 0;  // (no train shares a channel with a detailed message)
  if (B_ < R_ + 1) return 0;  // one virtual channel cannot stream at link rate: no train pattern
  const uint32_t F = m.F, H = m.H, I = m.injected;
  Endpoint& ep = eps_[m.src];
  if (I < F) {
    if (ep.fifo.size() != 1 || ep.fifo.front() != id) return 1;
    if (I % P_ != 0 ? (ep.cur != id || ep.vc != vc_lo(0)) : ep.cur != kNone) return 1;
  } else if (ep.cur == id) {
    return 1;
  }
  for (uint32_t v = 0; v < V_; ++v) {
    const uint32_t want = v == vc_lo(0) ? B_ - (I - swc(id, 0)) : B_;
    if (inj_credits(m.src, v) != want) return 1;
  }
  a_.resize(H + 1);
  auto arrived = [&](uint32_t j) -> uint32_t {  // flits that reached position j + 1 before T
    const Cycles a = a_[j] + R_;
    return T <= a ? 0u : static_cast<uint32_t>(std::min<Cycles>(F, T - a));
  };
  uint64_t wires = 0;
  for (uint32_t j = 0; j <= H; ++j) {
    const uint32_t s = swc(id, j);
    const uint32_t ip = j == 0 ? L_ + m.src : m.route[j - 1];
    const uint32_t ivc = j == 0 ? vc_lo(0) : vc_lo(m.cls[j - 1]);
    const InVc* ivs = &invc_[size_t(ip) * V_];
    // Its offset here: from the last switch (every cycle since a_j while flits are left).
    if (s == F) {
      a_[j] = last(id, j) - R_ - (F - 1);
    } else if (s > 0) {
      if (last(id, j) - R_ != T - 1) return 1;
      a_[j] = T - s;
    } else {
      a_[j] = (j == 0 || ivs[ivc].count > 0) ? T : a_[j - 1] + R_;
      if (a_[j] < T) return 1;
    }
    if (j > 0) {
      if (s < F && a_[j] < a_[j - 1] + R_) return 1;    // its flits arrive before their slot
      if (swc(id, j - 1) < F && a_[j] > a_[j - 1] + (B_ - 1)) return 1;  // credits for link rate
    } else if (I < F && a_[0] + I - T > B_ - 1) {
      return 1;
    }
    // Its input virtual channel here holds flits [s, arrived) in order; the others nothing.
    const uint32_t arr = j == 0 ? I : arrived(j - 1);
    if (arr < s) return 1;
    const uint32_t nb = arr - s;
    const bool act = s > 0 && s < F && s % P_ != 0;
    for (uint32_t v = 0; v < V_; ++v) {
      const InVc& iv = ivs[v];
      if (iv.count != (v == ivc ? nb : 0u)) return 1;
      if ((iv.out != kNone) != (act && v == ivc)) return 1;
    }
    if (act && (ivs[ivc].out != (j < H ? m.route[j] : L_ + m.dst) ||
                ivs[ivc].out_vc != (j < H ? vc_lo(m.cls[j]) : 0u)))
      return 1;
    for (uint32_t k = 0, at = ivs[ivc].head; k < nb; ++k, at = at + 1 == B_ ? 0 : at + 1) {
      const Flit& f = buf(ip, ivc)[at];
      if (f.msg != id || f.index != s + k || f.hop != j) return 1;
    }
    if (j < H) {  // the output: its VC owned by its half-through packet only; credits
      const uint32_t out = m.route[j], ov = vc_lo(m.cls[j]);
      for (uint32_t v = 0; v < V_; ++v) {
        if (out_owner_[size_t(out) * V_ + v] != (act && v == ov ? ip * V_ + ivc : kNone)) return 1;
        const uint32_t want = v == ov ? B_ - (s - swc(id, j + 1)) : B_;
        if (credits_[size_t(out) * V_ + v] != want) return 1;
      }
    }
  }
  for (uint32_t j = 0; j < H; ++j) {
    const uint32_t arr = arrived(j);
    if (arr > swc(id, j)) return 1;
    wires += swc(id, j) - arr;
  }
  if (wires > 0) {  // and on the wires exactly the flits the pattern has there, at its times
    uint64_t seen = 0;
    for (const auto& w : wire_) {
      for (const InFlight& x : w) {
        if (x.f.msg != id) continue;
        if (x.f.hop == 0 || x.f.hop > H) return 1;
        const uint32_t j = x.f.hop - 1;
        if (x.port != m.route[j] || x.vc != vc_lo(m.cls[j]) || x.f.index < arrived(j) ||
            x.f.index >= swc(id, j) || x.at != a_[j] + x.f.index + R_)
          return 1;
        ++seen;
      }
    }
    if (seen != wires) return 1;
  }
  // It is a train: take its flits, credits and virtual channels out of the detailed state.
  for (uint32_t j = 0; j <= H; ++j) {
    const uint32_t ip = j == 0 ? L_ + m.src : m.route[j - 1];
    const uint32_t ivc = j == 0 ? vc_lo(0) : vc_lo(m.cls[j - 1]);
    InVc& iv = invc_[size_t(ip) * V_ + ivc];
    if (iv.count > 0) {
      router_flits_[in_router_[ip]] -= iv.count;
      active_flits_ -= iv.count;
      iv.count = 0;
      if (!(in_ne_[ip] &= ~(uint64_t(1) << ivc)))
        router_ne_[in_router_[ip]] &= ~slot_bit(in_slot_[ip]);
    }
    if (iv.out != kNone) {
      if (j < H) disown(iv.out, iv.out_vc);
      iv.out = kNone;
    }
    if (j < H) credits_[size_t(m.route[j]) * V_ + vc_lo(m.cls[j])] = B_;
  }
  inj_credits(m.src, vc_lo(0)) = B_;
  if (wires > 0) {
    for (auto& w : wire_) {
      const uint32_t kept = static_cast<uint32_t>(
          std::remove_if(w.begin(), w.end(), [id](const InFlight& x) { return x.f.msg == id; }) -
          w.begin());
      wire_n_ -= w.n - kept;
      w.n = kept;
    }
  }
  if (I < F) {
    ep.fifo.clear();
    ep.cur = kNone;
  }
  for (uint32_t ch : scratch3_) {
    --detailed_use_[ch];
    detailed_xor_[ch] ^= id;
  }
  m.train = true;
  m.base = T;
  m.i0 = T - I;
  m.t0 = a_[0];
  for (uint32_t j = 0; j <= H; ++j) off(id, j) = a_[j];
  add_train_uses(id);
  if (I < F) {
    m.inject_time = m.i0 + F;
    push_event(id, Done::Injected, m.inject_time);
  }
  m.injected = F;
  m.arrive_time = a_[H] + F;
  push_event(id, Done::Arrived, m.arrive_time);
  ++count_.retrains;
  return 2;
}

}  // namespace spikepipe

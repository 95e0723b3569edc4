// The machine replay: the run the simulator makes of a schedule, without SystemC. On the causal
// NoC it drives the simulator's own flit-level engine (core/noc_engine.h) as models/src/noc.cpp
// does (see "The causal NoC" below and docs/EXECUTION.md); what follows is the ideal NoC.
// It and the DRAM behind it serve their resources in call order (a link is reserved for a whole
// message when its send is issued; a DRAM channel serves each access to its end when it is made:
// busy_until with the simple model, the bank engine core/dram_engine.h with ddr4 / hbm2), so
// the order in which accesses contend is the order in which the processors issue them;
// replaying the processors' calls in time order with the same rules gives the same times. The
// rules are those of models/src/processor.cpp (wait, read, compute, finish, sends),
// models/src/noc.cpp (NocTiming::send, reads and writes through the controller) and
// models/src/dram.cpp (DramTiming::access, access_banked); the link calendar
// (core/link_calendar.h) and the channel split (core/dram_interleave.h) are shared. A change
// there must be made here too (tests/unit/platform/test_sim_vs_prediction.cpp compares both).
// Calls at the same cycle are ordered as SystemC 2.3's kernel orders its threads (the run queue,
// the delta notifications triggered last made first, the timed-event heap): on the shipped
// presets every run's period is the replay's to the cycle. Ties matter: cifar10-vgg --split on mesh16 ran 8% apart when two
// processors whose reads tie at one cycle were served the other way round.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "spikepipe/core/dram_engine.h"
#include "spikepipe/core/dram_interleave.h"
#include "spikepipe/core/link_calendar.h"
#include "spikepipe/core/noc_engine.h"
#include "spikepipe/core/sram.h"
#include "spikepipe/workloads/analysis.h"

namespace spikepipe {
namespace {

// kNever (core/dram_engine.h): the largest time, "not yet" and "never".
static_assert(std::is_same_v<Cycles, Tick>);
// models/src/processor.cpp: the address map of a processor's DRAM region.
constexpr uint64_t kRegionBits = 40, kSpillBase = 1ull << 38, kSpillSpan = 1ull << 37;
constexpr uint64_t kWeightBase = 1ull << 37, kOutputBase = 1ull << 39;
uint64_t round_up(uint64_t v, uint64_t to) { return (v + to - 1) / to * to; }

class Machine : private NocEngine::Listener {
 public:
  Machine(const Schedule& s, const CommModel& c, uint32_t iterations)
      : s_(s), c_(c), N_(iterations), ci_(s), reserved_(c.noc->links().size()),
        busy_ch_(std::max<uint32_t>(1, c.dram_channels), 0) {
    if (c.dram_device) banked_.assign(busy_ch_.size(), DramChannel(*c.dram_device));
    const uint32_t P = s.processors;
    done_.assign(s.ops.size(), 0);
    in_.resize(s.ops.size());
    out_.resize(s.ops.size());
    for (uint32_t d = 0; d < s.deps.size(); ++d) {
      const Dep& dep = s.deps[d];
      in_[dep.dst.value].push_back(d);
      if (sent_by_processor(dep) && s.remote(dep)) out_[dep.src.value].push_back(d);
      else if (sent_by_processor(dep)) local_out_[dep.src.value].push_back(d);
    }
    const std::vector<uint64_t> w = resident_weight_bytes(s);
    for (uint32_t p = 0; p < P; ++p) {
      procs_.emplace_back(ProgramCursor(s, ProcessorId(p), N_));
      sram_.emplace_back(c.sram_bytes ? c.sram_bytes : ~uint64_t(0) / 2, p < w.size() ? w[p] : 0);
      weight_total_.push_back(p < w.size() ? w[p] : 0);
    }
    announced_.assign(P, 0);
    posted_.resize(P);
    post_seq_.assign(P, 0);
    post_pending_.assign(P, kNone);
    post_at_.assign(P, 0);
    iteration_end_.assign(N_, 0);
    iteration_start_.assign(N_, kNever);
    if (c.causal_noc) {
      // models/src/noc.cpp: the ports (processors, then the DRAM port at the first controller),
      // then one endpoint per controller; a processor's requests go to its nearest controller's.
      std::vector<uint32_t> eps(c.node.begin(), c.node.end());
      const std::vector<uint32_t>& ctrls = c.controller_nodes;
      eps.push_back(ctrls.front());
      const uint32_t ep0 = uint32_t(eps.size());
      for (uint32_t n : ctrls) eps.push_back(n);
      for (uint32_t p = 0; p < c.node.size(); ++p)
        ctrl_ep_.push_back(ep0 + uint32_t(std::find(ctrls.begin(), ctrls.end(), c.controller[p]) -
                                          ctrls.begin()));
      eng_ = std::make_unique<NocEngine>(*c.causal_noc, eps);
      // The re-train changes no time (docs/MODELS.md), only the engine's work, which the budget
      // counts: on whatever SPIKEPIPE_NOC_RETRAIN says, so that the prediction does not depend
      // on it.
      eng_->set_retrain(true);
    }
  }

  // The kernel's loop as SystemC runs it: the threads made runnable run in order; then the delta
  // notifications of that evaluation wake their threads, the last made first (sc_simcontext::
  // crunch walks m_delta_events backwards); then time
  // advances to the earliest timed wait, and every wait that ends then wakes its thread in the
  // order the kernel's event heap gives them (sc_ppq: the same binary heap, so equal times
  // come out in SystemC's order).
  // With the causal NoC the Noc's own method (step) runs too, woken by its event (rearm), and
  // the NoC wakes a processor waiting for its injections or reads by an immediate notification
  // (it runs in the same evaluation, after the threads already runnable).
  bool run() {
    for (uint32_t p = 0; p < s_.processors; ++p) runnable_.push_back(p);
    for (;;) {
      // The evaluation: methods first, then the threads made runnable so far (toggle_threads),
      // again while a method made a thread runnable.
      while (!methods_.empty() || !runnable_.empty()) {
        std::swap(methods_, batch_m_);
        methods_.clear();
        for (batch_i_ = 0; batch_i_ < batch_m_.size(); ++batch_i_) {
          const uint32_t q = batch_m_[batch_i_];
          if (q == kNoc) {
            step();
            if (over_budget()) return false;
          } else {
            post_due(q);
          }
        }
        batch_m_.clear();
        std::swap(runnable_, batch_t_);
        runnable_.clear();
        for (uint32_t q : batch_t_) resume(q);
        batch_t_.clear();
        if (diverged_) return false;
      }
      if (!delta_.empty()) {
        std::swap(delta_, woken_);
        delta_.clear();
        for (auto it = woken_.rbegin(); it != woken_.rend(); ++it) {
          const auto [q, kind] = *it;
          if (kind == Delta::Timeout) {
            runnable_.push_back(q);
            continue;
          }
          if (kind == Delta::NocWake) {
            wake_type_ = Notify::None;
            methods_.push_back(kNoc);
            continue;
          }
          announced_[q] = 0;
          if (procs_[q].blocked) {
            procs_[q].blocked = false;
            runnable_.push_back(q);
          }
        }
        woken_.clear();
        continue;
      }
      pop_dead();  // sc_simcontext::next_time
      if (heap_.size() <= 1) break;
      now_ = heap_[1].first;
      do {
        const Timed e = timed_[extract_top()];
        if (!e.live) continue;  // a notification replaced by an earlier one (sc_event::notify)
        if (!e.method) {
          runnable_.push_back(e.proc);
          continue;
        }
        if (e.proc == kNoc) {
          wake_type_ = Notify::None;
        } else {
          post_pending_[e.proc] = kNone;
        }
        methods_.push_back(e.proc);
      } while (heap_.size() > 1 && heap_[1].first == now_);
    }
    for (const Proc& p : procs_)
      if (!p.cur.done()) return false;
    return true;
  }

  const std::vector<Cycles>& iteration_end() const { return iteration_end_; }
  // With the causal NoC: stop (run() false) once the engine's work (cycles simulated + flits
  // switched, deterministic) passes `budget`, or is on course to pass twice it.
  void set_budget(uint64_t budget) { budget_ = budget; }
  const std::vector<Cycles>& iteration_start() const { return iteration_start_; }

 private:
  enum class Stage { Wait, Read, Compute, Finish, Send };
  // The causal NoC's driver (models/src/noc.cpp Noc) and payloads.
  static constexpr uint32_t kNoc = ~uint32_t(0) - 1;  // the Noc's step method, as a process
  struct Req {  // a payload: a message, a DRAM read or write
    enum What : uint8_t { Message, Read, Write } what = Message;
    uint8_t refs = 0;
    bool done = false;
    uint32_t proc = 0;          // whose noc_done_ it notifies (the sender, the requester)
    uint32_t dep = 0, k = 0;    // a message's dep and iteration
    uint64_t id = 0;            // MessageExt::id, the engine's tag (its order of reports)
    uint64_t address = 0, bytes = 0;
    Cycles data_done = 0, arrival = 0;
  };
  enum class Role : uint8_t { Message, ReadData, Write };
  struct InFlight {
    uint32_t req;
    Role role;
  };
  enum class Notify : uint8_t { None, Delta, Timed };

  struct Proc {
    explicit Proc(ProgramCursor c) : cur(std::move(c)) {}
    ProgramCursor cur;
    Stage stage = Stage::Wait;
    bool blocked = false;  // waits for its announced_ event
    size_t next_send = 0;
    Cycles start = 0;
    uint64_t spill_cursor = 0;
    // Causal NoC: waits for its noc_done_ event (a send's injection, its reads' data).
    bool on_done = false;
    uint32_t sending = kNone;        // the request of the message being injected
    bool reading = false;            // its reads are issued, read_begin when
    Cycles read_begin = 0;
    std::vector<uint32_t> reads;     // their requests
  };
  struct Slot {
    Cycles arrival = kNever;
    SramModel::Hold held;
    uint64_t spill_address = 0;
  };

  // sc_ppq_base::insert / extract_top / heapify with sc_notify_time_compare (earlier first,
  // strict comparisons), 1-indexed.
  uint32_t insert(Cycles t, uint32_t p, bool method = false) {
    const uint32_t id = uint32_t(timed_.size());
    timed_.push_back({p, method, true});
    heap_.push_back({t, id});
    size_t i = heap_.size() - 1;
    while (i > 1 && heap_[i / 2].first > t) {
      heap_[i] = heap_[i / 2];
      i /= 2;
    }
    heap_[i] = {t, id};
    return id;
  }
  uint32_t extract_top() {
    const uint32_t top = heap_[1].second;
    heap_[1] = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size() - 1;
    for (size_t i = 1;;) {
      const size_t l = 2 * i, r = l + 1;
      if (l > n) break;
      size_t best = heap_[l].first < heap_[i].first ? l : i;
      if (r <= n && heap_[r].first < heap_[best].first) best = r;
      if (best == i) break;
      std::swap(heap_[i], heap_[best]);
      i = best;
    }
    return top;
  }
  bool over_budget() const {
    if (!budget_) return false;
    const NocEngine::Counters& k = eng_->counters();
    const uint64_t used = k.cycles + k.flit_moves;
    if (used > budget_) return true;
    // On course to pass it: the work so far scaled to the run, by the simulated time against
    // N periods of the prediction so far (once a sixteenth of a period has run), or by the ops
    // run (once one iteration's worth has): each an underestimate while the pipeline fills.
    const double P = double(s_.predicted_period);
    if (P > 0 && double(now_) * 16 >= P &&
        double(used) * double(N_) * P / double(now_) > double(budget_))
      return true;
    const uint64_t per_iteration = s_.ops.size();
    return ops_done_ >= per_iteration &&
           double(used) * double(per_iteration) * double(N_) / double(ops_done_) >
               double(budget_);
  }
  void pop_dead() {
    while (heap_.size() > 1 && !timed_[heap_[1].second].live) extract_top();
  }
  // posted_due_.notify(after): an earlier pending notification stays, a later one is replaced.
  void notify_post(uint32_t p, Cycles at) {
    uint32_t& pending = post_pending_[p];
    if (pending != kNone) {
      if (post_at_[p] <= at) return;
      timed_[pending].live = false;
    }
    pending = insert(at, p, true);
    post_at_[p] = at;
  }
  // SystolicProcessor::issue_posted / post_due: spill writes of arrived data, earliest first.
  void issue_posted(uint32_t p, Cycles now) {
    auto& q = posted_[p];
    while (!q.empty() && q.front().at <= now) {
      std::pop_heap(q.begin(), q.end(), std::greater<>());
      const Posted w = q.back();
      q.pop_back();
      write(p, w.address, w.bytes, now);
    }
  }
  void post_due(uint32_t p) {
    issue_posted(p, now_);
    if (!posted_[p].empty()) notify_post(p, posted_[p].front().at);
  }
  // wait(t): a timed wait, or a delta one for no time.
  void wait_until(uint32_t p, Cycles t, Stage next) {
    procs_[p].stage = next;
    if (t > now_) insert(t, p);
    else delta_.push_back({p, Delta::Timeout});
  }
  uint64_t key(uint32_t d, uint32_t k) const { return (uint64_t(d) << 32) | k; }
  uint64_t region(uint32_t p) const { return uint64_t(p + 1) << kRegionBits; }
  uint32_t node(uint32_t p) const { return c_.node[p]; }

  // NocTiming::send: each link of the route reserved for the whole message, in call order.
  std::pair<Cycles, Cycles> noc(uint32_t a, uint32_t b, uint64_t bytes, Cycles t0) {
    route_.clear();
    c_.noc->route(a, b, route_);
    const Cycles dur = serial_cycles(bytes, c_.link_bytes_per_cycle);
    Cycles head = t0;
    for (LinkId l : route_) {
      // NocTiming::send: the first free window of `dur` at or after the head's arrival.
      LinkCalendar& w = reserved_[l.value];
      w.forget_before(now_);
      head = w.book(head + c_.hop_latency, dur);
    }
    return {t0 + dur, head + dur + c_.terminal_latency};  // injected, arrival
  }

  // DramTiming::split + access: the bytes interleaved over the channels, each served in order.
  std::pair<Cycles, Cycles> dram(uint64_t address, uint64_t bytes, bool write, Cycles t) {
    const uint32_t ch = static_cast<uint32_t>(busy_ch_.size());
    interleave_split(address, bytes, c_.dram_interleave, ch, share_);
    if (!banked_.empty()) return dram_banked(address, write, t);
    Cycles first = kNever, done = 0;
    for (size_t i = 0; i < ch; ++i) {
      if (!share_[i]) continue;
      const Cycles start = std::max(t + c_.dram_latency, busy_ch_[i]);
      busy_ch_[i] = start + serial_cycles(share_[i], c_.dram_bytes_per_cycle);
      first = std::min(first, start);
      done = std::max(done, busy_ch_[i]);
    }
    if (first == kNever) first = done = t + c_.dram_latency;
    return {first, done};
  }

  // DramTiming::access_banked: each channel's share submitted at t and served to its end now.
  std::pair<Cycles, Cycles> dram_banked(uint64_t address, bool write, Cycles t) {
    const DramSpec& spec = *c_.dram_device;
    const double ghz = c_.clock_ghz;
    Cycles first = kNever, done = 0;
    for (size_t i = 0; i < banked_.size(); ++i) {
      if (!share_[i]) continue;
      DramRequest q;
      q.id = dram_request_++;
      q.address = channel_address(address, static_cast<uint32_t>(i), c_.dram_interleave,
                                  static_cast<uint32_t>(banked_.size()));
      q.bytes = share_[i];
      q.write = write;
      q.ready = spec.ticks(t, ghz);
      banked_[i].submit(q);
      completions_.clear();
      banked_[i].advance(kNever, completions_);
      for (const DramCompletion& k : completions_) {
        first = std::min<Cycles>(first, spec.cycles(k.first, ghz));
        done = std::max<Cycles>(done, spec.cycles(k.done, ghz));
      }
    }
    if (first == kNever) first = done = t + spec.cycles(spec.closed_read_ticks(), ghz);
    return {first, done};
  }


  // Noc MemoryRead: the header to the controller, the channels, the data back. Its arrival.
  Cycles read(uint32_t p, uint64_t address, uint64_t bytes, Cycles t0) {
    const uint32_t ctrl = c_.controller[p];
    const Cycles t1 = t0 + Cycles(c_.noc->hops(node(p), ctrl)) * c_.hop_latency;
    const auto [first, done] = dram(address, bytes, false, t1);
    const Cycles ser = serial_cycles(bytes, c_.link_bytes_per_cycle);
    const Cycles start = std::max(first, done > ser ? done - ser : 0);
    return std::max(noc(ctrl, node(p), bytes, start).second, done);
  }
  // Noc MemoryWrite (posted): to the controller, then the channels, reserved now.
  void write(uint32_t p, uint64_t address, uint64_t bytes, Cycles t0) {
    if (eng_) return causal_write(p, address, bytes, t0);
    dram(address, bytes, true, noc(node(p), c_.controller[p], bytes, t0).second);
  }
  // SystolicProcessor::hold: what does not fit (or is planned to) streams to DRAM.
  void hold(uint32_t p, Slot& slot, uint64_t bytes, uint64_t to_dram, Cycles t0) {
    slot.held = sram_[p].hold(bytes, to_dram);
    if (!slot.held.spilled) return;
    Proc& q = procs_[p];
    slot.spill_address = region(p) + kSpillBase + q.spill_cursor % kSpillSpan;
    q.spill_cursor += round_up(slot.held.spilled, 4096);
    if (t0 <= now_) return write(p, slot.spill_address, slot.held.spilled, now_);
    posted_[p].push_back({t0, post_seq_[p]++, slot.spill_address, slot.held.spilled});
    std::push_heap(posted_[p].begin(), posted_[p].end(), std::greater<>());
    notify_post(p, t0);
  }
  // A message of dep d, iteration k, injected from t0: the receiver takes its buffer now.
  Cycles message(uint32_t d, uint32_t k, Cycles t0) {
    const Dep& dep = s_.deps[d];
    const uint32_t q = s_.op(dep.dst).proc.value;
    const auto [injected, arrival] =
        noc(node(s_.op(dep.src).proc.value), node(q), dep.bytes, t0);
    if (has_consumer(dep, k, N_)) {
      Slot& slot = slots_[key(d, k)];
      slot.arrival = arrival;
      if (occupies_sram(dep)) hold(q, slot, dep.bytes, dep.spill_bytes, arrival);
      wake(q, t0);
    }
    return injected;
  }
  // announced_.notify(SC_ZERO_TIME): one pending delta notification per processor.
  void wake(uint32_t q, Cycles) {
    if (announced_[q]) return;
    announced_[q] = 1;
    delta_.push_back({q, Delta::Announce});
  }

  // --- The causal NoC: models/src/noc.cpp (Noc::causal_transport, step, rearm, done,
  // dram_request) and the processor's side of it (models/src/processor.cpp: send, memory,
  // read_memory, inbox_transport's Announce and Arrive), call for call.

  // wake_.notify(SC_ZERO_TIME) / notify(t) (sc_event::notify: a pending delta stays, an earlier
  // timed one stays, a later timed one is cancelled, its heap entry left dead).
  void wake_delta() {
    if (wake_type_ == Notify::Delta) return;
    if (wake_type_ == Notify::Timed) timed_[wake_id_].live = false;
    delta_.push_back({kNoc, Delta::NocWake});
    wake_type_ = Notify::Delta;
  }
  void wake_timed(Cycles at) {
    if (wake_type_ == Notify::Delta) return;
    if (wake_type_ == Notify::Timed) {
      if (wake_at_ <= at) return;
      timed_[wake_id_].live = false;
    }
    wake_id_ = insert(at, kNoc, true);
    wake_at_ = at;
    wake_type_ = Notify::Timed;
  }
  void rearm() {
    Cycles n = eng_->next_time();
    if (!dram_due_.empty()) n = std::min(n, dram_due_.top().first);
    if (n == NocEngine::kNever) return;
    if (n <= now_) wake_delta();
    else wake_timed(n);
  }
  // Noc::step: the DRAM requests due, the engine to now (its reports delivered in its order),
  // then ahead to the kernel's next activity when nothing else runs at this time.
  void step() {
    const Cycles T = now_;
    while (!dram_due_.empty() && dram_due_.top().first <= T) {
      const uint64_t i = dram_due_.top().second;
      dram_due_.pop();
      dram_free_.push_back(i);
      dram_request(dram_reqs_[i]);
    }
    eng_->advance(T, *this);
    // sc_pending_activity_at_current_time: runnable processes (this evaluation's other methods,
    // the threads not yet run) or delta notifications.
    const bool pending = batch_i_ + 1 < batch_m_.size() || !methods_.empty() ||
                         !runnable_.empty() || !delta_.empty();
    if (!pending) {
      pop_dead();  // sc_pending_activity_at_future_time (next_time) drops cancelled entries
      Cycles H = heap_.size() > 1 ? heap_[1].first : NocEngine::kNever;
      if (!dram_due_.empty()) H = std::min(H, dram_due_.top().first);
      eng_->run_ahead(H);
    }
    rearm();
  }
  // A request lives while the engine or a waiting processor holds it (refs).
  uint32_t new_req(Req r, uint8_t refs) {
    r.id = next_id_++;
    r.refs = refs;
    if (!free_reqs_.empty()) {
      const uint32_t i = free_reqs_.back();
      free_reqs_.pop_back();
      reqs_[i] = r;
      return i;
    }
    reqs_.push_back(r);
    return uint32_t(reqs_.size() - 1);
  }
  void release(uint32_t i) {
    if (--reqs_[i].refs == 0) free_reqs_.push_back(i);
  }
  void track(uint32_t h, uint32_t req, Role role) {
    if (inflight_.size() <= h) inflight_.resize(h + 1);
    inflight_[h] = {req, role};
  }
  uint32_t add(uint32_t a, uint32_t b, uint64_t bytes, Cycles t0, uint32_t req, Role role) {
    if (t0 < eng_->now()) diverged_ = true;  // the simulator fails here: not its run
    const uint32_t h = eng_->add(a, b, bytes, t0, reqs_[req].id);
    track(h, req, role);
    return h;
  }
  // SystolicProcessor::send / collective_send through Noc::causal_transport: the receiver takes
  // its buffer now (Announce), the message enters the engine.
  uint32_t causal_message(uint32_t d, uint32_t k, Cycles t0, bool waited) {
    const Dep& dep = s_.deps[d];
    const uint32_t p = s_.op(dep.src).proc.value, q = s_.op(dep.dst).proc.value;
    Req r;
    r.what = Req::Message;
    r.proc = p;
    r.dep = d;
    r.k = k;
    const uint32_t i = new_req(r, waited ? 2 : 1);
    if (has_consumer(dep, k, N_)) {
      Slot& slot = slots_[key(d, k)];
      slot.arrival = kNever;
      if (occupies_sram(dep)) slot.held = sram_[q].hold(dep.bytes, dep.spill_bytes);
    }
    add(p, q, dep.bytes, t0, i, Role::Message);
    rearm();
    return i;
  }
  // SystolicProcessor::memory (a read) through Noc::causal_transport: the header reaches the
  // controller side band after hops x router latency, the DRAM is called then (Noc::step).
  uint32_t causal_read(uint32_t p, uint64_t address, uint64_t bytes) {
    Req r;
    r.what = Req::Read;
    r.proc = p;
    r.address = address;
    r.bytes = bytes;
    const uint32_t i = new_req(r, 2);
    const Cycles t1 = now_ + Cycles(c_.noc->hops(node(p), c_.controller[p])) * c_.hop_latency;
    if (t1 == now_) {
      dram_request(i);
    } else {
      uint64_t at;
      if (!dram_free_.empty()) {
        at = dram_free_.back();
        dram_free_.pop_back();
        dram_reqs_[at] = i;
      } else {
        at = dram_reqs_.size();
        dram_reqs_.push_back(i);
      }
      dram_due_.push({t1, at});
    }
    rearm();
    return i;
  }
  // A posted write: through the engine to the controller, the DRAM called at its arrival.
  void causal_write(uint32_t p, uint64_t address, uint64_t bytes, Cycles t0) {
    Req r;
    r.what = Req::Write;
    r.proc = p;
    r.address = address;
    r.bytes = bytes;
    const uint32_t i = new_req(r, 1);
    add(p, ctrl_ep_[p], bytes, t0, i, Role::Write);
    rearm();
  }
  // Noc::dram_request: at the controller now; a read's data back from max(now, first beat,
  // last beat - serialisation).
  void dram_request(uint32_t i) {
    Req& r = reqs_[i];
    const bool wr = r.what == Req::Write;
    const auto [first, done] = dram(r.address, r.bytes, wr, now_);
    if (wr) {
      const uint32_t p = r.proc;
      release(i);
      noc_done(p);
      return;
    }
    r.data_done = done;
    const Cycles ser = serial_cycles(r.bytes, c_.link_bytes_per_cycle);
    const Cycles ready = std::max({now_, first, done > ser ? done - ser : Cycles(0)});
    const uint32_t p = r.proc;
    add(ctrl_ep_[p], p, r.bytes, ready, i, Role::ReadData);
    rearm();
  }
  // noc_done_.notify(): immediate; a thread waiting for it runs in this evaluation.
  void noc_done(uint32_t p) {
    if (!procs_[p].on_done) return;
    procs_[p].on_done = false;
    runnable_.push_back(p);
  }
  // Noc::done: the engine's reports, in its order.
  void done(const NocEngine::Done& d) override {
    const InFlight f = inflight_[d.msg];
    Req& r = reqs_[f.req];
    if (d.kind == NocEngine::Done::Injected) {
      if (f.role == Role::Message) {
        r.done = true;
        noc_done(r.proc);
      }
      return;
    }
    switch (f.role) {
      case Role::Message: {
        // SystolicProcessor::inbox_transport, Phase::Arrive: what did not fit streams to DRAM.
        const uint32_t dd = r.dep, k = r.k;
        release(f.req);
        const Dep& dep = s_.deps[dd];
        if (!has_consumer(dep, k, N_)) return;
        const uint32_t q = s_.op(dep.dst).proc.value;
        Slot& slot = slots_[key(dd, k)];
        slot.arrival = now_;
        if (occupies_sram(dep) && slot.held.spilled) {
          Proc& pq = procs_[q];
          slot.spill_address = region(q) + kSpillBase + pq.spill_cursor % kSpillSpan;
          pq.spill_cursor += round_up(slot.held.spilled, 4096);
          causal_write(q, slot.spill_address, slot.held.spilled, now_);
        }
        wake(q, now_);
        return;
      }
      case Role::ReadData:
        r.arrival = std::max(d.time, r.data_done);
        r.done = true;
        release(f.req);  // the reader holds it still
        noc_done(reqs_[f.req].proc);
        return;
      case Role::Write:
        dram_request(f.req);
        return;
    }
  }

  // The thread of processor p from where it waits until it waits again.
  void resume(uint32_t p) {
    Proc& pr = procs_[p];
    for (;;) {
      if (pr.cur.done()) return;
      switch (pr.stage) {
        case Stage::Wait:
          if (!wait_inputs(p, now_)) return;
          break;
        case Stage::Read:
          if (!read_memory(p, now_)) return;
          break;
        case Stage::Compute: {
          const Op& op = pr.cur.op();
          pr.start = now_;
          iteration_start_[pr.cur.iteration()] =
              std::min(iteration_start_[pr.cur.iteration()], now_);
          return wait_until(p, now_ + op.array_cycles + op.vector_cycles, Stage::Finish);
        }
        case Stage::Finish:
          finish(p, now_);
          break;
        case Stage::Send:
          if (!send(p, now_)) return;
          break;
      }
    }
  }

  // Whether the thread goes on now (false: it waits).
  bool wait_inputs(uint32_t p, Cycles t) {
    Proc& pr = procs_[p];
    const Op& op = pr.cur.op();
    const uint32_t k = pr.cur.iteration();
    Cycles ready = t;
    for (uint32_t d : in_[op.id.value]) {
      const Dep& dep = s_.deps[d];
      const auto j = producer_iteration(dep, k);
      if (!j) continue;
      if (!s_.remote(dep) && sent_by_processor(dep)) {
        if (done_[dep.src.value] <= *j) {
          pr.blocked = true;  // a local producer that has not run: a deadlock, as in the model
          return false;
        }
        continue;
      }
      auto it = slots_.find(key(d, *j));
      if (it == slots_.end() || it->second.arrival == kNever) {
        pr.blocked = true;
        return false;
      }
      ready = std::max(ready, it->second.arrival);
    }
    pr.stage = Stage::Read;
    if (ready > t) {
      wait_until(p, ready, Stage::Read);
      return false;
    }
    return true;
  }

  bool read_memory(uint32_t p, Cycles t) {
    Proc& pr = procs_[p];
    if (eng_ && pr.reading) return reads_done(p);
    const Op& op = pr.cur.op();
    const uint32_t k = pr.cur.iteration();
    issue_posted(p, t);  // a spill written now goes before the read that may fetch it
    Cycles done = t;
    // The causal NoC answers later: read_memory() waits for every read's data (reads_done).
    auto rd = [&](uint64_t address, uint64_t bytes) {
      if (!eng_) return read(p, address, bytes, t);
      pr.reads.push_back(causal_read(p, address, bytes));
      return t;
    };
    if (op.dram_read_bytes)
      done = std::max(done, rd(region(p) + (k % 16) * round_up(op.dram_read_bytes, 4096),
                               op.dram_read_bytes));
    for (uint32_t d : in_[op.id.value]) {
      const auto j = producer_iteration(s_.deps[d], k);
      if (!j) continue;
      auto it = slots_.find(key(d, *j));
      if (it == slots_.end() || !it->second.held.spilled) continue;
      done = std::max(done, rd(it->second.spill_address, it->second.held.spilled));
    }
    const uint64_t excess = sram_[p].weight_excess();
    if (excess && holds_weights(op) && weight_total_[p]) {
      const auto bytes = static_cast<uint64_t>(double(op.weight_bytes) * double(excess) /
                                               double(weight_total_[p]));
      if (bytes)
        done = std::max(done, rd(region(p) + kWeightBase + (uint64_t(op.layer) << 28) +
                                     (uint64_t(op.part) << 24),
                                 bytes));
    }
    if (eng_) {
      pr.reading = true;
      pr.read_begin = t;
      return reads_done(p);
    }
    pr.stage = Stage::Compute;
    if (done > t) {
      wait_until(p, done, Stage::Compute);
      return false;
    }
    return true;
  }

  // SystolicProcessor::read_memory: wait(noc_done_) until every read is done, then to the last
  // data's arrival.
  bool reads_done(uint32_t p) {
    Proc& pr = procs_[p];
    Cycles done = pr.read_begin;
    for (uint32_t i : pr.reads)
      if (!reqs_[i].done) {
        pr.on_done = true;
        return false;
      }
    for (uint32_t i : pr.reads) {
      done = std::max(done, reqs_[i].arrival);
      release(i);
    }
    pr.reads.clear();
    pr.reading = false;
    pr.stage = Stage::Compute;
    if (done > now_) {
      wait_until(p, done, Stage::Compute);
      return false;
    }
    return true;
  }

  void finish(uint32_t p, Cycles t) {
    Proc& pr = procs_[p];
    const Op& op = pr.cur.op();
    const uint32_t k = pr.cur.iteration();
    iteration_end_[k] = std::max(iteration_end_[k], t);
    ++done_[op.id.value];
    ++ops_done_;
    if (op.dram_write_bytes)
      write(p, region(p) + kOutputBase + (k % 16) * round_up(op.dram_write_bytes, 4096),
            op.dram_write_bytes, t);
    for (uint32_t d : in_[op.id.value]) {  // inputs consumed
      const auto j = producer_iteration(s_.deps[d], k);
      if (!j) continue;
      auto it = slots_.find(key(d, *j));
      if (it == slots_.end()) continue;
      sram_[p].release(it->second.held);
      slots_.erase(it);
    }
    if (auto lo = local_out_.find(op.id.value); lo != local_out_.end())
      for (uint32_t d : lo->second) {  // outputs kept for local consumers
        const Dep& dep = s_.deps[d];
        if (!occupies_sram(dep) || !has_consumer(dep, k, N_)) continue;
        Slot& slot = slots_[key(d, k)];
        slot.arrival = t;
        hold(p, slot, dep.bytes, dep.spill_bytes, t);
      }
    for (uint32_t g : ci_.of_src[op.id.value]) {  // docs/EXECUTION.md §7
      auto it = open_.find(key(g, k));
      if (it == open_.end())
        it = open_.emplace(key(g, k), std::make_pair(uint32_t(s_.collectives[g].srcs.size()),
                                                     Cycles(0))).first;
      it->second.second = std::max(it->second.second, t);
      if (--it->second.first) continue;
      const Cycles S = it->second.second;
      open_.erase(it);
      for (uint32_t d : ci_.members[g]) {
        const Dep& dep = s_.deps[d];
        if (s_.remote(dep)) {
          if (eng_) causal_message(d, k, std::max(S, t), false);
          else message(d, k, std::max(S, t));
        } else if (has_consumer(dep, k, N_)) {
          slots_[key(d, k)].arrival = S;
          wake(s_.op(dep.dst).proc.value, t);
        }
      }
    }
    pr.next_send = 0;
    pr.stage = Stage::Send;
  }

  bool send(uint32_t p, Cycles t) {
    Proc& pr = procs_[p];
    const std::vector<uint32_t>& outs = out_[pr.cur.op().id.value];
    if (eng_) {  // busy until the NoC reports the message injected
      if (pr.sending != kNone) {
        if (!reqs_[pr.sending].done) {
          pr.on_done = true;
          return false;
        }
        release(pr.sending);
        pr.sending = kNone;
      }
      if (pr.next_send < outs.size()) {
        pr.sending = causal_message(outs[pr.next_send++], pr.cur.iteration(), t, true);
        pr.on_done = true;
        return false;
      }
      pr.cur.next();
      pr.stage = Stage::Wait;
      return true;
    }
    if (pr.next_send < outs.size()) {
      const Cycles injected = message(outs[pr.next_send++], pr.cur.iteration(), t);
      wait_until(p, injected, Stage::Send);
      return false;
    }
    pr.cur.next();
    pr.stage = Stage::Wait;
    return true;
  }

  const Schedule& s_;
  const CommModel& c_;
  const uint32_t N_;
  const CollectiveIndex ci_;
  std::vector<LinkCalendar> reserved_;  // per link: its booked windows
  std::vector<Cycles> busy_ch_;
  std::vector<uint64_t> share_;
  std::vector<DramChannel> banked_;  // ddr4 / hbm2: one engine per channel
  std::vector<DramCompletion> completions_;
  uint64_t dram_request_ = 0;
  std::vector<LinkId> route_;
  std::vector<uint32_t> done_;
  std::vector<std::vector<uint32_t>> in_, out_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> local_out_;
  std::vector<Proc> procs_;
  std::vector<SramModel> sram_;
  std::vector<uint64_t> weight_total_;
  std::unordered_map<uint64_t, Slot> slots_;
  std::unordered_map<uint64_t, std::pair<uint32_t, Cycles>> open_;
  Cycles now_ = 0;
  std::vector<std::pair<Cycles, uint32_t>> heap_{{0, 0}};  // [0] unused, as in sc_ppq
  std::vector<uint32_t> runnable_;
  enum class Delta : uint8_t { Timeout, Announce, NocWake };
  std::vector<std::pair<uint32_t, Delta>> delta_, woken_;  // (processor, what was notified)
  std::vector<uint32_t> batch_m_, batch_t_;  // the methods and threads of this evaluation pass
  size_t batch_i_ = 0;
  std::vector<char> announced_;
  struct Timed {
    uint32_t proc;
    bool method;  // the processor's post_due method, else its thread
    bool live;
  };
  std::vector<Timed> timed_;  // every timed notification made (the heap holds their ids)
  std::vector<uint32_t> methods_;
  struct Posted {
    Cycles at;
    uint64_t seq, address, bytes;
    bool operator>(const Posted& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::vector<std::vector<Posted>> posted_;
  std::vector<uint64_t> post_seq_;
  std::vector<uint32_t> post_pending_;
  std::vector<Cycles> post_at_;
  static constexpr uint32_t kNone = ~uint32_t(0);
  std::vector<Cycles> iteration_end_, iteration_start_;

  // The causal NoC (null on the ideal one) and what its driver keeps.
  std::unique_ptr<NocEngine> eng_;
  std::vector<uint32_t> ctrl_ep_;  // per processor: its controller's endpoint
  std::vector<Req> reqs_;
  std::vector<uint32_t> free_reqs_;
  uint64_t next_id_ = 1;  // RunLog::next_id
  std::vector<InFlight> inflight_;  // by engine handle
  std::priority_queue<std::pair<Cycles, uint64_t>, std::vector<std::pair<Cycles, uint64_t>>,
                      std::greater<>>
      dram_due_;  // (time, index into dram_reqs_), as Noc::dram_due_
  std::vector<uint32_t> dram_reqs_;
  std::vector<uint64_t> dram_free_;
  Notify wake_type_ = Notify::None;  // the Noc's wake_ event
  uint32_t wake_id_ = 0;
  Cycles wake_at_ = 0;
  bool diverged_ = false;  // a message ready before the engine's time: the simulator fails there
  uint64_t budget_ = 0, ops_done_ = 0;
};

}  // namespace

uint64_t causal_replay_budget() {
  // SPIKEPIPE_REPLAY_BUDGET (a count; 0: none) overrides it, for measurements.
  if (const char* v = std::getenv("SPIKEPIPE_REPLAY_BUDGET")) {
    try {
      return std::stoull(v);
    } catch (const std::exception&) {
    }
  }
  return kCausalReplayBudget;
}

MachineReplay replay_machine(const Schedule& s, const CommModel& c, uint32_t measured,
                             int warmup) {
  MachineReplay r;
  if (!c.noc || c.node.size() < s.processors || s.ops.empty() || !measured) return r;
  if (c.causal_noc && c.controller_nodes.empty()) return r;
  // The automatic warm-up of plan_iterations when none is given.
  const uint32_t drain = drain_iterations(s);
  const uint32_t W = warmup < 1 ? std::max<uint32_t>(4 * drain, 1) : uint32_t(warmup);
  const uint32_t N = W + measured + drain;
  Machine m(s, c, N);
  if (c.causal_noc) m.set_budget(causal_replay_budget());
  const bool ran = m.run();
  if (!ran) return r;
  const auto& end = m.iteration_end();
  // platform/src/metrics/iterations.cpp steady_state: the last whole cycles of the intervals.
  std::vector<double> iv;
  double mean = 0;
  for (uint32_t k = W; k < W + measured; ++k) {
    iv.push_back(double(end[k] > end[k - 1] ? end[k] - end[k - 1] : 0));
    mean += iv.back() / measured;
  }
  uint32_t cycle = 0;
  for (uint32_t cl = 1; cl <= measured / 2 && !cycle; ++cl) {
    bool repeats = true;
    for (uint32_t k = 0; k + cl < measured; ++k)
      repeats = repeats && std::abs(iv[k + cl] - iv[k]) <= 0.005 * mean;
    if (repeats) cycle = cl;
  }
  uint32_t from = W, used = measured;
  if (cycle > 1) {
    used = (measured / cycle) * cycle;
    from += measured - used;
  }
  if (end[from + used - 1] <= end[from - 1]) return r;
  r.ok = true;
  r.steady = cycle != 0 || measured == 1;
  r.iterations = N;
  r.period = double(end[from + used - 1] - end[from - 1]) / double(used);
  double lat = 0;
  for (uint32_t k = from; k < from + used; ++k) lat += double(end[k] - m.iteration_start()[k]);
  r.latency = lat / double(used);
  r.completion = end;
  return r;
}

}  // namespace spikepipe

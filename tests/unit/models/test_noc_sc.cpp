// The NoC under a SystemC kernel: arrival exactly at the closed form, the sender busy for the
// injection only, TLM response status on bad requests.
#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "support/recording_probe.h"
#include "spikepipe/models/dram.h"
#include "spikepipe/models/noc.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/sc_run.h"
#include "spikepipe/models/sim_time.h"
#include "support/sc_fixture.h"

namespace spikepipe {
namespace {

constexpr Cycles kNever = ~Cycles(0);

struct Sink : sc_core::sc_module {
  tlm_utils::simple_target_socket<Sink> in;
  sc_core::sc_event ev;
  Cycles seen = kNever;  // when the arrival event fired
  SC_HAS_PROCESS(Sink);
  explicit Sink(const sc_core::sc_module_name& n) : sc_module(n), in("in") {
    in.register_b_transport(this, &Sink::transport);
    SC_THREAD(watch);
  }
  void transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    ev.notify(delay);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void watch() {
    wait(ev);
    seen = now_cycles();
  }
};

struct Sender : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Sender> out;
  PayloadPool pool;
  struct Req {
    Cycles at;
    PayloadKind what;
    uint32_t dst;
    uint64_t bytes;
    tlm::tlm_command cmd;
  };
  std::vector<Req> reqs;
  std::vector<tlm::tlm_response_status> status;
  std::vector<Cycles> resumed;  // sender time after waiting the returned delay
  SC_HAS_PROCESS(Sender);
  explicit Sender(const sc_core::sc_module_name& n) : sc_module(n), out("out") { SC_THREAD(run); }
  void run() {
    for (const Req& r : reqs) {
      if (r.at > now_cycles()) wait(to_time(r.at - now_cycles()));
      auto& t = pool.acquire();
      auto& e = ext_of(t);
      e.what = r.what;
      e.dst = ProcessorId(r.dst);
      e.bytes = r.bytes;
      t.set_command(r.cmd);
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      out->b_transport(t, d);
      status.push_back(t.get_response_status());
      t.release();
      wait(d);
      resumed.push_back(now_cycles());
    }
  }
};

NocParams mesh4x4() {
  NocParams p;
  p.cols = p.rows = 4;
  p.link_bytes_per_cycle = 32;
  p.router_latency = 3;
  p.packet_bytes = 256;
  return p;
}

class NocSc : public SystemCTest {};

TEST_F(NocSc, MessageArrivesExactlyAtClosedForm) {
  test::RecordingProbe probe;
  Noc noc("noc", mesh4x4(), {0, 5, 15, 3}, -1, {}, probe);
  Sender s("sender");
  Sink k0("k0"), k1("k1"), k2("k2"), k3("k3");
  s.out.bind(noc.in);
  for (Sink* k : {&k0, &k1, &k2, &k3}) noc.out.bind(k->in);
  s.reqs.push_back(
      {10, PayloadKind::Message, 2, 1000, tlm::TLM_WRITE_COMMAND});  // node 0 -> 15: 6 hops
  run_systemc();
  const Cycles L = (1000 + 31) / 32 + 6 * 3;
  EXPECT_NE(k2.seen, 10 + L - 1);  // not arrived at t + L - 1 ...
  EXPECT_EQ(k2.seen, 10 + L);      // ... arrived at t + L
  EXPECT_EQ(k0.seen, kNever);
  ASSERT_EQ(s.status.size(), 1u);
  EXPECT_EQ(s.status[0], tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(s.resumed[0], 10u + 32);  // busy for the injection only
  ASSERT_EQ(probe.messages.size(), 1u);
  EXPECT_EQ(probe.messages[0].received, 10 + L);
  EXPECT_EQ(probe.messages[0].injected, 10u + 32);
  EXPECT_EQ(probe.messages[0].hops, 6u);
  EXPECT_EQ(probe.messages[0].packets, 4u);
  EXPECT_EQ(probe.links.size(), 6u);
}

TEST_F(NocSc, BadRequestsGetErrorResponses) {
  NullProbe probe;
  MemoryParams mp;
  Noc noc("noc", mesh4x4(), {0, 1, 0}, 2, {0}, probe);
  Dram dram("dram", mp, probe);
  Sender s("sender");
  Sink k0("k0"), k1("k1");
  s.out.bind(noc.in);
  noc.out.bind(k0.in);
  noc.out.bind(k1.in);
  noc.out.bind(dram.socket);
  s.reqs.push_back({0, PayloadKind::Message, 9, 10, tlm::TLM_WRITE_COMMAND});     // no such port
  s.reqs.push_back({0, PayloadKind::Message, 2, 10, tlm::TLM_WRITE_COMMAND});     // the DRAM port
  s.reqs.push_back({0, PayloadKind::MemoryRead, 0, 10, tlm::TLM_WRITE_COMMAND});  // wrong command
  s.reqs.push_back({0, PayloadKind::MemoryRead, 0, 256, tlm::TLM_READ_COMMAND});  // fine
  run_systemc();
  ASSERT_EQ(s.status.size(), 4u);
  EXPECT_EQ(s.status[0], tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(s.status[1], tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(s.status[2], tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(s.status[3], tlm::TLM_OK_RESPONSE);
  // Controller at the requester's node: latency + ceil(256 / 25.6) on one channel.
  EXPECT_EQ(s.resumed[3], mp.latency + 10);
}

TEST_F(NocSc, DramReadTravelsTheNoc) {
  test::RecordingProbe probe;
  MemoryParams mp;
  mp.channels = 1;
  mp.channel_bytes_per_cycle = 16;
  mp.latency = 50;
  Noc noc("noc", mesh4x4(), {5, 0}, 1, {0},
          probe);  // requester at r1c1, controller at r0c0: 2 hops
  Dram dram("dram", mp, probe);
  Sender s("sender");
  Sink k0("k0");
  s.out.bind(noc.in);
  noc.out.bind(k0.in);
  noc.out.bind(dram.socket);
  s.reqs.push_back({0, PayloadKind::MemoryRead, 0, 1024, tlm::TLM_READ_COMMAND});
  run_systemc();
  // Request head 2*3, latency 50, channel 1024/16 = 64 cycles; the data streams back as it is
  // read (the link is faster than the channel), so the last byte lands 2 hops after the last beat.
  EXPECT_EQ(s.resumed[0], 6u + 50 + 64 + 6);
  ASSERT_EQ(probe.memory.size(), 1u);
  EXPECT_EQ(probe.memory[0].start, 56u);
  EXPECT_EQ(probe.memory[0].end, 120u);
  EXPECT_EQ(probe.links.size(), 2u);  // the response's bytes on the two links back
}

}  // namespace
}  // namespace spikepipe

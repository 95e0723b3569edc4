// SystolicProcessor on its own: its inbox answers with a TLM response status, and a message it
// accepts releases the op that waits for it at the annotated arrival time.
#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "support/recording_probe.h"
#include "spikepipe/models/processor.h"
#include "spikepipe/models/sc_run.h"
#include "spikepipe/models/sim_time.h"
#include "support/sc_fixture.h"

namespace spikepipe {
namespace {

struct NullTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<NullTarget> in;
  explicit NullTarget(const sc_core::sc_module_name& n) : sc_module(n), in("in") {
    in.register_b_transport(this, &NullTarget::transport);
  }
  void transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Feeder : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Feeder> out;
  PayloadPool pool;
  struct Msg {
    uint32_t dst, dep, iteration;
    Cycles arrival;  // annotated delay from cycle 0
  };
  std::vector<Msg> msgs;
  std::vector<tlm::tlm_response_status> status;
  SC_HAS_PROCESS(Feeder);
  explicit Feeder(const sc_core::sc_module_name& n) : sc_module(n), out("out") { SC_THREAD(run); }
  void run() {
    for (const Msg& m : msgs) {
      auto& t = pool.acquire();
      auto& e = ext_of(t);
      e.what = PayloadKind::Message;
      e.dst = ProcessorId(m.dst);
      e.dep = DepId(m.dep);
      e.iteration = m.iteration;
      e.bytes = 100;
      t.set_command(tlm::TLM_WRITE_COMMAND);
      sc_core::sc_time d = to_time(m.arrival);
      out->b_transport(t, d);
      status.push_back(t.get_response_status());
      t.release();
    }
  }
};

class ProcessorSc : public SystemCTest {};

TEST_F(ProcessorSc, InboxChecksAndReleasesTheWaitingOp) {
  test::HandSchedule h(2);
  const OpId producer = h.op(1, TaskKind::F, 0, 10, 0);
  const OpId consumer = h.op(0, TaskKind::F, 1, 20, 5);
  h.dep(producer, consumer, 100);
  ProcessorParams pp;
  RunLog log(1);
  PayloadPool pool;
  test::RecordingProbe probe;
  SystolicProcessor proc("proc0", ProcessorId(0), pp, h.s, log, pool, probe);
  NullTarget noc("noc");
  Feeder feed("feed");
  proc.noc.bind(noc.in);
  feed.out.bind(proc.inbox);
  feed.msgs = {{1, 0, 0, 5}, {0, 7, 0, 5}, {0, 0, 0, 333}};  // wrong processor, unknown dep, fine
  run_systemc();
  ASSERT_EQ(feed.status.size(), 3u);
  EXPECT_EQ(feed.status[0], tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(feed.status[1], tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(feed.status[2], tlm::TLM_OK_RESPONSE);
  EXPECT_TRUE(proc.finished());
  const TaskEvent* t = probe.task(consumer, 0);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->start, 333u);  // not at 332: exactly when the message arrived
  EXPECT_EQ(t->array_end, 353u);
  EXPECT_EQ(t->end, 358u);
  ASSERT_EQ(probe.waits.size(), 1u);
  EXPECT_EQ(probe.waits[0].end, 333u);
  EXPECT_EQ(proc.blocked(), "");
}

}  // namespace
}  // namespace spikepipe

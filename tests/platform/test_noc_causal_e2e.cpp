// Run invariants of the causal NoC (issue 11), read back from the CSV files of `spikepipe run
// --noc-model causal` on shipped presets, as a user would check them:
//
// 1. No message waits while its path is free: a message whose latency (received - sent) exceeds
//    the zero-load closed form F + H x R (docs/MODELS.md) shared some channel of its path with
//    other traffic while it was in flight: its source's injection port (another message from
//    the same processor whose flits had not yet left the source router), one of its links (a links.csv row of another transfer,
//    messages and DRAM traffic alike), or its destination's ejection port (another message to
//    the same processor in flight), or a DRAM transfer of its source or destination.
// 2. No processor receives faster than its ejection port: a message's F flits leave the network
//    between its head's arrival at the destination router (the start of its last link, or sent
//    when it has no hop) and received - 1, one flit per cycle shared by every message to that
//    processor. So for every interval [a, b], the flits of the messages whose windows lie in it
//    fit: sum F <= b - a + 1 (the condition is necessary and sufficient for one port).
// 3. Injection at link rate: injected - sent >= F, and a processor's injections do not overlap
//    by more than its one port allows (the same interval condition on [sent, injected - 1]).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "support/binary.h"

using namespace spikepipe::test;

namespace {

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& p,
                                               std::vector<std::string>& header) {
  std::istringstream in(read_file(p));
  std::string line;
  std::vector<std::vector<std::string>> rows;
  auto split = [](const std::string& l) {
    std::vector<std::string> c;
    std::stringstream ls(l);
    for (std::string cell; std::getline(ls, cell, ',');) c.push_back(cell);
    if (!l.empty() && l.back() == ',') c.emplace_back();
    return c;
  };
  std::getline(in, line);
  header = split(line);
  while (std::getline(in, line)) rows.push_back(split(line));
  return rows;
}

size_t col(const std::vector<std::string>& h, const std::string& name) {
  const auto it = std::find(h.begin(), h.end(), name);
  EXPECT_NE(it, h.end()) << "no column " << name;
  return static_cast<size_t>(it - h.begin());
}

struct Msg {
  uint64_t id, bytes, F;
  uint32_t src, dst, hops;
  uint64_t sent, received, injected, head_at_dst;
  uint64_t leaves_src;  // its last flit has left the source router (end of its first link)
};

struct Window {
  uint64_t a, b, flits;  // flits that must pass one port within [a, b]
};

// Hall's condition for a unit-rate port: for every a <= b, the windows inside [a, b] carry at
// most b - a + 1 flits. Returns the first violation as text ("" when none).
std::string port_overload(std::vector<Window> w) {
  std::sort(w.begin(), w.end(), [](const Window& x, const Window& y) { return x.a > y.a; });
  std::vector<const Window*> inside;  // windows with start >= a, kept sorted by end
  for (const Window& x : w) {
    inside.insert(std::upper_bound(inside.begin(), inside.end(), &x,
                                   [](const Window* p, const Window* q) { return p->b < q->b; }),
                  &x);
    uint64_t sum = 0;
    for (const Window* y : inside) {
      sum += y->flits;
      if (sum > y->b - x.a + 1)
        return std::to_string(sum) + " flits in [" + std::to_string(x.a) + ", " +
               std::to_string(y->b) + "]";
    }
  }
  return "";
}

struct Check {
  size_t messages = 0, delayed = 0, explained = 0;
  std::vector<std::string> errors;
};

Check check_run(const std::filesystem::path& dir, double link_bytes, uint64_t R) {
  Check r;
  std::vector<std::string> mh, lh, dh;
  const auto mrows = read_csv(dir / "messages.csv", mh);
  const auto lrows = read_csv(dir / "links.csv", lh);
  const auto drows = read_csv(dir / "memory.csv", dh);
  const size_t m_id = col(mh, "message"), m_src = col(mh, "src"), m_dst = col(mh, "dst"),
               m_bytes = col(mh, "bytes"), m_hops = col(mh, "hops"), m_sent = col(mh, "sent"),
               m_recv = col(mh, "received"), m_inj = col(mh, "injected");
  const size_t l_link = col(lh, "link"), l_msg = col(lh, "message"), l_start = col(lh, "start"),
               l_end = col(lh, "end");
  const size_t d_req = col(dh, "requester"), d_start = col(dh, "start"), d_end = col(dh, "end");

  struct Use {
    uint32_t link;
    uint64_t msg, start, end;
  };
  std::map<uint64_t, std::vector<Use>> uses_of;     // message -> its link uses, in route order
  std::map<uint32_t, std::vector<Use>> uses_on;     // link -> every use
  for (const auto& c : lrows) {
    const Use u{uint32_t(std::stoul(c[l_link])), std::stoull(c[l_msg]), std::stoull(c[l_start]),
                std::stoull(c[l_end])};
    uses_of[u.msg].push_back(u);
    uses_on[u.link].push_back(u);
  }
  std::vector<Msg> ms;
  for (const auto& c : mrows) {
    Msg m{};
    m.id = std::stoull(c[m_id]);
    m.src = uint32_t(std::stoul(c[m_src]));
    m.dst = uint32_t(std::stoul(c[m_dst]));
    m.bytes = std::stoull(c[m_bytes]);
    m.hops = uint32_t(std::stoul(c[m_hops]));
    m.sent = std::stoull(c[m_sent]);
    m.received = std::stoull(c[m_recv]);
    m.injected = std::stoull(c[m_inj]);
    m.F = std::max<uint64_t>(1, uint64_t(double(m.bytes) / link_bytes + 1 - 1e-9));
    const auto it = uses_of.find(m.id);
    m.head_at_dst = m.sent;
    m.leaves_src = m.received;
    if (m.hops > 0) {
      if (it == uses_of.end() || it->second.size() != m.hops) {
        r.errors.push_back("message " + std::to_string(m.id) + ": " + std::to_string(m.hops) +
                           " hops but not as many links.csv rows");
        continue;
      }
      uint64_t s = 0;
      for (const Use& u : it->second) s = std::max(s, u.start);
      m.head_at_dst = s;
      uint64_t first_end = it->second.front().end, first_start = it->second.front().start;
      for (const Use& u : it->second) {
        if (u.start < first_start) {
          first_start = u.start;
          first_end = u.end;
        }
      }
      m.leaves_src = first_end;
    }
    ms.push_back(m);
  }
  r.messages = ms.size();
  std::map<uint32_t, std::vector<std::pair<uint64_t, uint64_t>>> dram_of;  // processor -> accesses
  for (const auto& c : drows)
    dram_of[uint32_t(std::stoul(c[d_req]))].push_back({std::stoull(c[d_start]), std::stoull(c[d_end])});

  auto overlaps = [](uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) {
    return a0 < b1 && b0 < a1;  // half-open intervals
  };
  std::map<uint32_t, std::vector<Window>> ej, inj;
  for (const Msg& m : ms) {
    // 3. injection at link rate
    if (m.injected < m.sent + m.F)
      r.errors.push_back("message " + std::to_string(m.id) + " injected " +
                         std::to_string(m.F) + " flits in " + std::to_string(m.injected - m.sent) +
                         " cycles");
    inj[m.src].push_back({m.sent, m.injected - 1, m.F});
    // 2. ejection port
    if (m.received < m.head_at_dst + m.F)
      r.errors.push_back("message " + std::to_string(m.id) + " ejected " + std::to_string(m.F) +
                         " flits in " + std::to_string(m.received - m.head_at_dst) + " cycles");
    ej[m.dst].push_back({m.head_at_dst, m.received - 1, m.F});
    // 1. a wait needs a busy channel
    const uint64_t zero_load = m.sent + m.F + uint64_t(m.hops) * R;
    if (m.received < zero_load) {
      r.errors.push_back("message " + std::to_string(m.id) + " arrived before its zero-load time");
      continue;
    }
    if (m.received == zero_load) continue;
    ++r.delayed;
    bool busy = false;
    for (const Msg& o : ms) {
      if (o.id == m.id) continue;
      // The injection port's buffers at the source router hold a message's flits until they
      // cross its first link, which may be well after its injection ended.
      if ((o.src == m.src && overlaps(o.sent, o.leaves_src, m.sent, m.received)) ||
          (o.dst == m.dst && overlaps(o.sent, o.received, m.sent, m.received))) {
        busy = true;
        break;
      }
    }
    if (!busy && uses_of.count(m.id)) {
      for (const Use& u : uses_of[m.id]) {
        for (const Use& o : uses_on[u.link]) {
          if (o.msg != m.id && overlaps(o.start, o.end, m.sent, m.received)) busy = true;
        }
        if (busy) break;
      }
    }
    // DRAM transfers of the source (writes through its injection port) or the destination
    // (read data through its ejection port) without a hop leave no links.csv row; memory.csv
    // gives their channel times, which their NoC transfer precedes (writes) or follows (reads)
    // by at most the message's own latency here.
    for (uint32_t p : {m.src, m.dst}) {
      if (busy) break;
      const uint64_t slack = m.received - m.sent;
      for (const auto& a : dram_of[p]) {
        if (overlaps(a.first > slack ? a.first - slack : 0, a.second + slack, m.sent, m.received)) {
          busy = true;
          break;
        }
      }
    }
    if (busy) {
      ++r.explained;
    } else {
      r.errors.push_back("message " + std::to_string(m.id) + " from P" + std::to_string(m.src) +
                         " to P" + std::to_string(m.dst) + " took " +
                         std::to_string(m.received - m.sent) + " cycles, zero load " +
                         std::to_string(zero_load - m.sent) + ", with its path free");
    }
  }
  for (auto& [p, w] : ej) {
    const std::string e = port_overload(w);
    if (!e.empty()) r.errors.push_back("P" + std::to_string(p) + " ejection port: " + e);
  }
  for (auto& [p, w] : inj) {
    const std::string e = port_overload(w);
    if (!e.empty()) r.errors.push_back("P" + std::to_string(p) + " injection port: " + e);
  }
  return r;
}

}  // namespace

TEST(NocCausalE2E, PortOverloadFindsTooManyFlits) {
  EXPECT_EQ(port_overload({{0, 9, 10}}), "");
  EXPECT_EQ(port_overload({{0, 9, 5}, {5, 9, 5}}), "");
  EXPECT_NE(port_overload({{0, 9, 5}, {5, 9, 6}}), "");  // 6 flits in [5, 9]
  EXPECT_NE(port_overload({{0, 9, 6}, {2, 12, 8}}), "");  // 14 flits in [0, 12]
}

// Every shipped platform preset small enough for the test suite, with the schedulers whose
// traffic differs most: sequential (all-to-all exchanges), pipedream (replicated stages),
// spikepipe (the demo's) and its --split form (spills to DRAM on mesh4).
TEST(NocCausalE2E, NoWaitOnAFreePathAndNoPortFasterThanItsRate) {
  struct Case {
    std::string platform, scheduler;
  };
  const std::vector<Case> cases = {{"mesh4", "spikepipe"},    {"mesh4", "sequential"},
                                   {"mesh4", "pipedream"},    {"mesh4", "spikepipe --split"},
                                   {"mesh8", "spikepipe"},    {"mesh8", "sequential"},
                                   {"mesh8", "gpipe"}};
  const auto dir = scratch("noc_causal");
  size_t delayed = 0;
  for (const Case& c : cases) {
    const std::string name = c.platform + "_" + c.scheduler.substr(0, c.scheduler.find(' ')) +
                             (c.scheduler.find("split") != std::string::npos ? "_split" : "");
    const auto out = dir / name;
    const RunResult rr = run_spikepipe("run --network mnist-fc --platform " + c.platform +
                                           " --scheduler " + c.scheduler +
                                           " --noc-model causal --no-trace --quiet --out " +
                                           out.string(),
                                       dir);
    ASSERT_EQ(rr.rc, 0) << name << ": " << rr.err;
    const Check k = check_run(out, 32, 2);  // both presets: noc-link-bytes 32, router latency 2
    EXPECT_GT(k.messages, 0u) << name;
    delayed += k.delayed;
    for (size_t i = 0; i < std::min<size_t>(k.errors.size(), 10); ++i)
      ADD_FAILURE() << name << ": " << k.errors[i];
    EXPECT_TRUE(k.errors.empty()) << name << ": " << k.errors.size() << " violations";
  }
  EXPECT_GT(delayed, 0u);  // the runs do contend: the first check is not vacuous
  std::filesystem::remove_all(dir);
}

// The port check finds what issue 11 measured on the ideal model (no ejection port): processors
// that take in several messages at once. (The free-path check does not catch the ideal model's
// waits behind a reservation made for a later time: the reserving transfer overlaps the waiting
// message's time in flight, and these files do not say which came first; see
// docs/VALIDATION.md.)
TEST(NocCausalE2E, TheIdealModelBreaksThem) {
  // Sequential's dense exchanges are ring collectives now (one message in per processor), so the
  // many-to-one traffic that shows the missing port is spikepipe --split's.
  const auto dir = scratch("noc_ideal");
  const auto out = dir / "ideal";
  const RunResult rr = run_spikepipe("run --network mnist-fc --platform mesh8 --scheduler "
                                     "spikepipe --split --noc-model ideal --no-trace --quiet --out " +
                                         out.string(),
                                     dir);
  ASSERT_EQ(rr.rc, 0) << rr.err;
  const Check k = check_run(out, 32, 2);
  size_t ejection = 0;
  for (const std::string& e : k.errors) ejection += e.find("ejection") != std::string::npos;
  EXPECT_GT(ejection, 0u);
  std::filesystem::remove_all(dir);
}

// The re-train (docs/MODELS.md) changes no output of a real run: every file of
// `spikepipe run --noc-model causal` is byte-identical with SPIKEPIPE_NOC_RETRAIN=0 and =1, on
// the mesh preset and on a torus, where messages that met contention are re-trained.
TEST(NocCausalE2E, RetrainGivesIdenticalOutputs) {
  const auto dir = scratch("noc_retrain");
  for (const std::string topo : {"mesh", "torus"}) {
    std::string files[2][5];
    for (int on = 0; on < 2; ++on) {
      ::setenv("SPIKEPIPE_NOC_RETRAIN", on ? "1" : "0", 1);
      const auto out = dir / (topo + std::to_string(on));
      const RunResult rr = run_spikepipe(
          "run --network mnist-fc --platform mesh8 --scheduler sequential --noc-model causal "
          "--noc-topology " + topo + " --no-trace --quiet --out " + out.string(),
          dir);
      ASSERT_EQ(rr.rc, 0) << topo << ": " << rr.err;
      int i = 0;
      for (const char* f : {"messages.csv", "links.csv", "tasks.csv", "memory.csv", "summary.json"})
        files[on][i++] = read_file(out / f);
    }
    ::unsetenv("SPIKEPIPE_NOC_RETRAIN");
    for (int i = 0; i < 5; ++i) {
      EXPECT_FALSE(files[0][i].empty()) << topo << " " << i;
      EXPECT_TRUE(files[0][i] == files[1][i]) << topo << " file " << i << " differs";
    }
  }
  std::filesystem::remove_all(dir);
}

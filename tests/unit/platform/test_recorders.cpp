// Recorders on hand-made events: the processor timeline, the VCD read back signal by signal, the
// GTKWave save file, the Perfetto JSON (flows have both ends) and the CSV tables.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "spikepipe/core/noc_graph.h"
#include "spikepipe/platform/recorders/csv.h"
#include "spikepipe/platform/recorders/gtkw.h"
#include "spikepipe/platform/recorders/perfetto.h"
#include "spikepipe/platform/recorders/vcd.h"
#include "spikepipe/core/error.h"

using namespace spikepipe;

namespace {

Schedule two_stage() {
  Schedule s;
  s.scheduler = "hand";
  s.processors = 2;
  Op a;
  a.id = OpId(0);
  a.task = TaskId(0);
  a.kind = TaskKind::F;
  a.layer = 0;
  a.proc = ProcessorId(0);
  Op b = a;
  b.id = OpId(1);
  b.task = TaskId(1);
  b.layer = 1;
  b.proc = ProcessorId(1);
  s.ops = {a, b};
  s.programs = {{OpId(0)}, {OpId(1)}};
  return s;
}

// Iteration k (k = 0, 1): F1 on P0 [100k, 100k+60), sends 1000 bytes over [100k+60, 100k+70)
// (link 0 busy then), F2 on P1 [100k+70, 100k+150); P1 waits [0, 70) for iteration 0.
EventLog log2() {
  EventLog log;
  for (uint32_t k = 0; k < 2; ++k) {
    const Cycles t = 100 * k;
    log.on_task({ProcessorId(0), OpId(0), TaskKind::F, 0, k, t, t + 60, t + 40});
    log.on_task({ProcessorId(1), OpId(1), TaskKind::F, 1, k, t + 70, t + 150, t + 150});
    MessageEvent m;
    m.id = 10 + k;
    m.src = ProcessorId(0);
    m.dst = ProcessorId(1);
    m.bytes = 1000;
    m.iteration = k;
    m.hops = 1;
    m.packets = 4;
    m.sent = t + 60;
    m.injected = t + 70;
    m.received = t + 72;
    log.on_message(m);
    log.on_link({LinkId(0), m.id, 1000, t + 60, t + 70});
  }
  log.on_wait({ProcessorId(1), OpId(1), 0, 0, 70});
  MemoryEvent r;
  r.channel = 1;
  r.requester = ProcessorId(0);
  r.bytes = 64;
  r.start = 0;
  r.end = 30;
  log.on_memory(r);
  log.on_sram({ProcessorId(0), 5, 4096, 0});
  log.sort();
  return log;
}

PlatformParams two_procs(double ghz = 1.0) {
  PlatformParams p;
  p.name = "hand";
  p.processors = 2;
  p.clock_ghz = ghz;
  p.memory.channels = 2;
  p.noc.link_bytes_per_cycle = 100.0;
  return p;
}

// A small VCD reader: timescale, declared signals (hierarchical names) and every value change.
struct Vcd {
  std::string timescale;
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>>
      changes;  // name -> (time, value)

  explicit Vcd(const std::string& text) {
    std::istringstream in(text);
    std::string tok;
    std::vector<std::string> scope;
    std::map<std::string, std::string> code;
    uint64_t now = 0;
    while (in >> tok) {
      if (tok == "$comment" || tok == "$date" || tok == "$version") {
        while (in >> tok && tok != "$end") {
        }
      } else if (tok == "$timescale") {
        in >> timescale;
      } else if (tok == "$scope") {
        std::string kind, name;
        in >> kind >> name;
        scope.push_back(name);
      } else if (tok == "$upscope") {
        scope.pop_back();
      } else if (tok == "$var") {
        std::string type, width, id, name, next;
        in >> type >> width >> id >> name >> next;
        std::string full;
        for (const auto& s : scope) full += s + ".";
        full += name;
        if (next != "$end") full += next;
        names.push_back(full);
        code[id] = full;
      } else if (tok[0] == '#') {
        now = std::stoull(tok.substr(1));
      } else if (tok[0] == 'b') {
        std::string id;
        in >> id;
        changes[code.at(id)].push_back({now, std::stoull(tok.substr(1), nullptr, 2)});
      } else if ((tok[0] == '0' || tok[0] == '1') && tok.size() > 1) {
        changes[code.at(tok.substr(1))].push_back({now, static_cast<uint64_t>(tok[0] - '0')});
      }
    }
  }
};

}  // namespace

TEST(Recorders, TimelineShowsTasksOverSendingOverWaiting) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, {}, {}};
  const auto p0 = processor_timeline(in, ProcessorId(0), in.span());
  const std::vector<std::pair<Cycles, ProcState>> want0 = {
      {0, ProcState::F},   {60, ProcState::Sending},  {70, ProcState::Idle},
      {100, ProcState::F}, {160, ProcState::Sending}, {170, ProcState::Idle}};
  ASSERT_EQ(p0.size(), want0.size());
  for (size_t i = 0; i < p0.size(); ++i) {
    EXPECT_EQ(p0[i].time, want0[i].first) << i;
    EXPECT_EQ(p0[i].state, want0[i].second) << i;
  }
  EXPECT_EQ(p0[3].iteration, 1u);
  EXPECT_EQ(p0[3].layer, 1u);
  const auto p1 = processor_timeline(in, ProcessorId(1), in.span());
  ASSERT_GE(p1.size(), 3u);
  EXPECT_EQ(p1[0].state, ProcState::Waiting);
  EXPECT_EQ(p1[0].layer, 2u);  // waiting for F2
  EXPECT_EQ(p1[1].time, 70u);
  EXPECT_EQ(p1[1].state, ProcState::F);
  // F2 of iteration 0 ends at 150 and F2 of iteration 1 starts at 170.
  EXPECT_EQ(p1[2].time, 150u);
  EXPECT_EQ(p1[2].state, ProcState::Idle);
}

TEST(Recorders, TaskSignalNamesCombineKindAndLayer) {
  EXPECT_EQ(task_value(ProcState::F, 3), 3u * 8 + 2);
  EXPECT_EQ(task_name(task_value(ProcState::F, 3)), "F3");
  EXPECT_EQ(task_name(task_value(ProcState::Waiting, 2)), "wait2");
  EXPECT_EQ(task_name(task_value(ProcState::Sending, 1)), "send1");
  EXPECT_EQ(task_name(task_value(ProcState::Idle, 4)), "idle");
  const std::string f = gtkw_task_filter(3);
  EXPECT_NE(f.find("\n26 F3\n"), std::string::npos);
  EXPECT_NE(f.find("\n0 idle\n"), std::string::npos);
  EXPECT_NE(gtkw_state_filter().find("\n7 sending\n"), std::string::npos);
}

TEST(Recorders, VcdReadBackDeclaresSignalsAndValues) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, {}, {"r0c0->r0c1"}};
  const Vcd v(vcd_text(in));
  EXPECT_EQ(v.timescale, "1ns");
  const std::set<std::string> names(v.names.begin(), v.names.end());
  for (const char* n :
       {"top.P0.state[3:0]", "top.P0.task[15:0]", "top.P0.layer[15:0]", "top.P0.iteration[31:0]",
        "top.P1.state[3:0]", "top.links.L0_r0c0__r0c1.busy", "top.links.L0_r0c0__r0c1.bytes[47:0]",
        "top.dram.ch0.busy", "top.dram.ch1.busy", "top.iterations_done[31:0]"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  EXPECT_EQ(v.names, vcd_signal_names(in));
  using C = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(v.changes.at("top.P0.state[3:0]"),
            (C{{0, 2}, {60, 7}, {70, 0}, {100, 2}, {160, 7}, {170, 0}}));
  EXPECT_EQ(v.changes.at("top.links.L0_r0c0__r0c1.busy"),
            (C{{0, 0}, {60, 1}, {70, 0}, {160, 1}, {170, 0}}));
  EXPECT_EQ(v.changes.at("top.links.L0_r0c0__r0c1.bytes[47:0]"),
            (C{{0, 0}, {70, 1000}, {170, 2000}}));
  EXPECT_EQ(v.changes.at("top.dram.ch1.busy"), (C{{0, 1}, {30, 0}}));
  EXPECT_EQ(v.changes.at("top.dram.ch0.busy"), (C{{0, 0}}));
  EXPECT_EQ(v.changes.at("top.iterations_done[31:0]"), (C{{0, 0}, {150, 1}, {250, 2}}));
  EXPECT_EQ(v.changes.at("top.P0.sram_bytes[47:0]"), (C{{0, 0}, {5, 4096}}));
}

// GTKWave's time axis reads in cycles at any clock; the header says how long a cycle is.
TEST(Recorders, VcdAtTwoGigahertzStillCountsCycles) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs(2.0);
  TraceInput in{p, s, log, {}, {}};
  const std::string text = vcd_text(in);
  const Vcd v(text);
  EXPECT_EQ(v.timescale, "1ns");
  EXPECT_EQ(v.changes.at("top.P0.state[3:0]")[1],
            (std::pair<uint64_t, uint64_t>{60, 7}));  // cycle 60
  EXPECT_NE(text.find("$comment time unit = 1 clock cycle (0.5 ns at 2 GHz)"), std::string::npos)
      << text.substr(0, 600);
}

TEST(Recorders, TraceWindowLimitsTheTimeShown) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, parse_trace_window("1:1"), {}};
  EXPECT_EQ(in.span().begin, 100u);
  EXPECT_EQ(in.span().end, 250u);
  const Vcd v(vcd_text(in));
  EXPECT_EQ(v.changes.at("top.P0.state[3:0]").front(), (std::pair<uint64_t, uint64_t>{100, 2}));
  EXPECT_EQ(v.changes.at("top.iterations_done[31:0]").front(),
            (std::pair<uint64_t, uint64_t>{100, 0}));
  const auto j = nlohmann::json::parse(perfetto_json(in));
  int tasks = 0;
  for (const auto& e : j["traceEvents"]) tasks += e.value("cat", "") == "task";
  EXPECT_EQ(tasks, 3);  // F1 it1, F2 it1, and F2 it0 which ends at 150, inside the window
}

// The run writes the traces in pieces (8 MiB each) so that a long run never holds a whole trace:
// any piece size gives the same text, every piece but the last at least that size.
TEST(Recorders, TracesInPiecesAreTheWholeText) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, {}, {"r0c0->r0c1"}};
  const std::string vcd = vcd_text(in), perfetto = perfetto_json(in);
  for (size_t piece : {size_t(1), size_t(100), size_t(1000), vcd.size() + perfetto.size()}) {
    SCOPED_TRACE(piece);
    std::vector<std::string> pieces;
    const auto collect = [&](const std::string& t) { pieces.push_back(t); };
    vcd_text(in, piece, collect);
    std::string joined;
    for (const auto& t : pieces) joined += t;
    EXPECT_EQ(joined, vcd);
    for (size_t i = 0; i + 1 < pieces.size(); ++i) EXPECT_GE(pieces[i].size(), piece);
    if (piece == 100) {
      EXPECT_GT(pieces.size(), 3u);
    }
    pieces.clear();
    perfetto_json(in, piece, collect);
    joined.clear();
    for (const auto& t : pieces) joined += t;
    EXPECT_EQ(joined, perfetto);
    for (size_t i = 0; i + 1 < pieces.size(); ++i) EXPECT_GE(pieces[i].size(), piece);
  }
}

TEST(Recorders, TraceWindowSyntaxErrorsNameTheOption) {
  EXPECT_EQ(parse_trace_window("4:7").first, 4u);
  EXPECT_EQ(parse_trace_window("4:7").last, 7u);
  for (const char* bad : {"7:4", "x", "4", "4:", ":4", "-1:3"}) {
    try {
      parse_trace_window(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--trace-window"), std::string::npos) << e.what();
    }
  }
}

TEST(Recorders, PerfettoJsonHasTracksSlicesCountersAndPairedFlows) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, {}, {"r0c0->r0c1"}};
  const auto j = nlohmann::json::parse(perfetto_json(in));
  std::map<uint64_t, int> starts, finishes;
  std::set<std::string> names, threads;
  int counters = 0, links = 0;
  for (const auto& e : j["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "s") ++starts[e["id"].get<uint64_t>()];
    if (ph == "f") {
      ++finishes[e["id"].get<uint64_t>()];
      EXPECT_EQ(e["bp"], "e");
    }
    if (ph == "X") names.insert(e["name"].get<std::string>());
    if (ph == "X" && e["cat"] == "link") ++links;
    if (ph == "C") ++counters;
    if (ph == "M" && e["name"] == "thread_name")
      threads.insert(e["args"]["name"].get<std::string>());
  }
  EXPECT_EQ(starts, (std::map<uint64_t, int>{{10, 1}, {11, 1}}));
  EXPECT_EQ(finishes, starts);
  EXPECT_TRUE(names.count("F1 it0"));
  EXPECT_TRUE(names.count("F2 it1"));
  EXPECT_TRUE(names.count("send spikes L1 it0 -> P1"));
  EXPECT_TRUE(names.count("wait F2 it0"));
  EXPECT_EQ(links, 2);
  EXPECT_EQ(counters, 1);
  for (const char* t : {"P0", "P0 inbox", "P1", "P1 inbox", "r0c0->r0c1", "ch0", "ch1"})
    EXPECT_TRUE(threads.count(t)) << t;
  // A task slice: microseconds at 1 GHz.
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "X" && e["name"] == "F1 it1") {
      EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 0.1);
      EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 0.06);
    }
  }
}

TEST(Recorders, CsvTablesHaveOneRowPerEvent) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, {}, {"r0c0->r0c1"}};
  const std::string t = tasks_csv(in);
  EXPECT_EQ(t.substr(0, t.find('\n')),
            "processor,op,task,kind,layer,iteration,start,array_end,end,cycles");
  EXPECT_NE(t.find("\n0,0,F1,F,1,0,0,40,60,60\n"), std::string::npos) << t;
  EXPECT_NE(t.find("\n1,1,F2,F,2,1,170,250,250,80\n"), std::string::npos) << t;
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 5);
  const std::string l = links_csv(in);
  EXPECT_NE(l.find("\n0,r0c0->r0c1,10,0,1,spikes,1,0,1000,60,70\n"), std::string::npos) << l;
  const std::string m = memory_csv(in);
  EXPECT_NE(m.find("\n1,0,input,read,0,64,0,30,0,0,0,0\n"), std::string::npos) << m;
  const std::string g = messages_csv(in);
  EXPECT_NE(g.find("\n11,0,1,spikes,1,1,1000,1,4,160,172,12,170\n"), std::string::npos) << g;
}

TEST(Recorders, GtkwOpensTheVcdWithGroupsAndFilters) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs();
  TraceInput in{p, s, log, {}, {"r0c0->r0c1"}};
  const std::string g = gtkw_text(in);
  // Files beside the save file, by name: no directory, so the run directory can move.
  EXPECT_NE(g.find("[dumpfile] \"trace.vcd\"\n[savefile] \"trace.gtkw\"\n"), std::string::npos);
  EXPECT_NE(g.find("^1 gtkwave_states.txt\ntop.P1.state[3:0]\n"), std::string::npos);
  EXPECT_NE(g.find("^2 gtkwave_tasks.txt\n+{P0} top.P0.task[15:0]\n"), std::string::npos);
  {
    std::istringstream lines(g);
    for (std::string l; std::getline(lines, l);) {
      if (l[0] == '^' || l.rfind("[dumpfile]", 0) == 0 || l.rfind("[savefile]", 0) == 0) {
        EXPECT_EQ(l.find('/'), std::string::npos) << l;
      }
    }
  }
  EXPECT_NE(g.find("@800200\n-pipeline\n"), std::string::npos);
  EXPECT_NE(g.find("-L0_r0c0__r0c1\n"), std::string::npos);
  EXPECT_NE(g.find("top.links.L0_r0c0__r0c1.busy\n"), std::string::npos);
  // Every group that opens closes.
  size_t open = 0, close = 0;
  std::istringstream in2(g);
  for (std::string line; std::getline(in2, line);) {
    if (line == "@800200" || line == "@c00200") ++open;
    if (line == "@1000200" || line == "@1401200") ++close;
  }
  EXPECT_EQ(open, close);
  EXPECT_EQ(open, 1u + 1u + 2u + 1u + 1u);  // pipeline, noc and dram busy, P0, P1, one link, dram
  // Link rows say which processors (and memory controllers) sit on their two nodes.
  EXPECT_NE(g.find("+{r0c0->r0c1 (P0+dram->P1)} top.links.L0_r0c0__r0c1.busy\n"), std::string::npos)
      << g;
}

// The view opens on one measured iteration's latency and the next two completions, not on the
// whole run.
TEST(Recorders, GtkwDefaultViewShowsLatencyAndTwoPeriodsOfAMeasuredIteration) {
  // Iteration i runs [100 i, 100 i + 250): period 100, latency 250; iterations 2.. measured.
  std::vector<Cycles> start, end;
  for (Cycles i = 0; i < 10; ++i) {
    start.push_back(100 * i);
    end.push_back(100 * i + 250);
  }
  const GtkwView v = gtkw_default_view({0, 1250}, start, end, 2, 100.0);
  ASSERT_EQ(v.markers.size(), 4u);
  EXPECT_EQ(v.markers[0].time, 200u);
  EXPECT_EQ(v.markers[0].name, "it2 starts");
  EXPECT_EQ(v.markers[1].time, 450u);
  EXPECT_EQ(v.markers[1].name, "it2 done: latency 250");
  EXPECT_EQ(v.markers[2].time, 550u);
  EXPECT_EQ(v.markers[2].name, "it3 done: +100");
  EXPECT_EQ(v.markers[3].time, 650u);
  EXPECT_EQ(v.primary, 200);
  // latency + 2 periods = 200 .. 650, with a 3% margin each side.
  EXPECT_EQ(v.begin, 200u - 14u);
  EXPECT_EQ(v.end, 650u + 14u);
  EXPECT_EQ(v.ruler_origin, 450u);
  EXPECT_EQ(v.ruler_step, 100u);

  // A trace window that starts later: the first measured iteration inside it.
  const GtkwView w = gtkw_default_view({500, 1250}, start, end, 2, 100.0);
  ASSERT_FALSE(w.markers.empty());
  EXPECT_EQ(w.markers[0].name, "it5 starts");
  EXPECT_EQ(w.begin, 500u);  // the margin stops at the span
  // A window that ends before the next completions: the iteration alone.
  const GtkwView x = gtkw_default_view({200, 450}, start, end, 2, 100.0);
  EXPECT_EQ(x.markers.size(), 2u);
  EXPECT_EQ(x.end, 450u);
  // A window of warm-up iterations only: the first iteration inside it.
  EXPECT_EQ(gtkw_default_view({0, 400}, start, end, 8, 100.0).markers.at(0).name, "it0 starts");
  // No iteration inside: the whole span, no markers.
  const GtkwView none = gtkw_default_view({0, 100}, start, end, 2, 100.0);
  EXPECT_TRUE(none.markers.empty());
  EXPECT_LE(none.end, none.begin);
}

TEST(Recorders, GtkwWritesTheViewItIsGiven) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  const PlatformParams p = two_procs(2.0);
  TraceInput in{p, s, log, {}, {"r0c0->r0c1"}};
  GtkwView v;
  v.begin = 100;
  v.end = 250;
  v.primary = 100;
  v.markers = {{100, "it1 starts"}, {250, "it1 done: latency 150"}};
  v.ruler_origin = 250;
  v.ruler_step = 100;
  const std::string g = gtkw_text(in, v);
  EXPECT_NE(g.find("[timestart] 100\n"), std::string::npos) << g;
  EXPECT_NE(g.find(" 100 100 250 -1 -1"), std::string::npos) << g;  // primary, A, B, C unset
  EXPECT_NE(g.find("[markername] Ait1 starts\n[markername] Bit1 done: latency 150\n"),
            std::string::npos);
  EXPECT_NE(g.find("[ruler] 250 100\n"), std::string::npos);
  EXPECT_NE(g.find("@200\n-time unit: 1 cycle = 0.5 ns\n"), std::string::npos);
  // Without a view: the whole span, no markers.
  const std::string all = gtkw_text(in);
  EXPECT_NE(all.find("[timestart] 0\n"), std::string::npos);
  EXPECT_EQ(all.find("[markername]"), std::string::npos);
  EXPECT_EQ(all.find("[ruler]"), std::string::npos);
}

TEST(Recorders, LinkLabelsNameTheProcessorsOnBothEnds) {
  const Schedule s = two_stage();
  const EventLog log = log2();
  PlatformParams p = two_procs();
  p.noc.cols = 3;  // 3x2 mesh: P0 on r0c0, P1 on r0c1, DRAM on r0c0, nothing on r0c2 or row 1
  std::vector<std::string> names;
  for (const auto& l : noc_links(p.noc)) names.push_back(l.name);
  TraceInput in{p, s, log, {}, names};
  std::map<std::string, std::string> label;
  for (uint32_t l = 0; l < names.size(); ++l) label[names[l]] = gtkw_link_label(in, LinkId(l));
  EXPECT_EQ(label.at("r0c0->r0c1"), "r0c0->r0c1 (P0+dram->P1)");
  EXPECT_EQ(label.at("r0c1->r0c0"), "r0c1->r0c0 (P1->P0+dram)");
  EXPECT_EQ(label.at("r0c1->r0c2"), "r0c1->r0c2 (from P1)");
  EXPECT_EQ(label.at("r1c0->r0c0"), "r1c0->r0c0 (to P0+dram)");
  EXPECT_EQ(label.at("r1c1->r1c2"), "r1c1->r1c2");
  p.noc.processor_nodes = {4, 4};  // both on r1c1 (`in` refers to p)
  EXPECT_EQ(gtkw_link_label(in, LinkId(0)), "r0c0->r0c1 (from dram)");
  for (uint32_t l = 0; l < names.size(); ++l) {
    if (names[l] == "r1c1->r1c2") {
      EXPECT_EQ(gtkw_link_label(in, LinkId(l)), "r1c1->r1c2 (from P0+P1)");
    }
  }
  p.noc.topology = NocShape::Crossbar;
  p.noc.processor_nodes.clear();
  const auto xbar = noc_links(p.noc);
  TraceInput in2{p, s, log, {}, {xbar[1].name}};
  // Link 0 named as no link 0 of this NoC is: its name, as it is.
  EXPECT_EQ(gtkw_link_label(in2, LinkId(0)), xbar[1].name);
  EXPECT_EQ(xbar[1].name, "xbar->n1");
  in2.link_names = {xbar[0].name, xbar[1].name};
  EXPECT_EQ(gtkw_link_label(in2, LinkId(1)), "xbar->n1 (to P1)");
}

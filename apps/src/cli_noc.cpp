// `spikepipe noc`: the causal NoC engine on its own, as BookSim and Noxim are used. Synthetic
// traffic (uniform, transpose, bit complement, hotspot, neighbour) at a list of injection rates
// gives offered load, accepted throughput and packet latency (mean, p99) per rate, with the
// zero-load latency and the channel-load bound of the pattern (Dally & Towles) beside them;
// --replay DIR feeds a run's messages.csv, at the times they were sent, to another NoC.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/noc_graph.h"
#include "spikepipe/core/noc_engine.h"
#include "spikepipe/platform/output_dir.h"

namespace spikepipe::cli {
namespace {

namespace fs = std::filesystem;

struct Pattern {
  std::string name;
  uint32_t cols, rows, N;
  uint32_t hotspot;
  double hot_fraction;
  // Destination of a packet from `s`; `u` is a uniform draw in [0, 1), `v` a node draw.
  uint32_t dst(uint32_t s, double u, uint32_t v) const {
    const uint32_t r = s / cols, c = s % cols;
    if (name == "transpose") return c * cols + r;
    if (name == "bitcomp") return N - 1 - s;
    if (name == "neighbor") return r * cols + (c + 1) % cols;
    if (name == "hotspot" && u < hot_fraction) return hotspot;
    return v;  // uniform (also the rest of hotspot)
  }
  // Probability that s sends to d (for the channel loads).
  double prob(uint32_t s, uint32_t d) const {
    if (name == "uniform") return 1.0 / N;
    if (name == "hotspot") return (1 - hot_fraction) / N + (d == hotspot ? hot_fraction : 0.0);
    return dst(s, 1.0, 0) == d ? 1.0 : 0.0;
  }
};

double percentile(std::vector<Cycles>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, size_t(std::ceil(q * double(v.size())) - 1));
  return double(v[i]);
}

struct Counter : NocEngine::Listener {
  std::vector<Cycles>* ready;
  Cycles from = 0, to = 0;
  uint64_t flits_in_window = 0;
  uint32_t F = 1;
  std::vector<Cycles> lat;
  uint64_t measured_left = 0;
  std::vector<uint64_t> tag_ready;
  std::vector<uint32_t> tag_src;
  // Per source: packets generated and packets whose injection ended, up to the start and up to
  // the end of the measurement window. A source whose queue (generated - injected) grows over
  // the window is past saturation, even when the mean over all nodes still keeps up (transpose:
  // only the rows whose links are the bottleneck fall behind).
  std::vector<uint64_t> gen_from, gen_to, inj_from, inj_to;
  void done(const NocEngine::Done& d) override {
    if (d.kind == NocEngine::Done::Injected) {
      if (d.time <= from) ++inj_from[tag_src[d.tag]];
      if (d.time <= to) ++inj_to[tag_src[d.tag]];
      return;
    }
    if (d.time > from && d.time <= to) flits_in_window += F;
    const Cycles r = tag_ready[d.tag];
    if (r >= from && r < to) {
      lat.push_back(d.time - r);
      --measured_left;
    }
  }
};

std::vector<double> rates_of(const std::string& s) {
  std::vector<double> v;
  const auto colon = s.find(':');
  if (colon != std::string::npos) {  // lo:hi:step
    double lo = 0, hi = 0, step = 0;
    if (std::sscanf(s.c_str(), "%lf:%lf:%lf", &lo, &hi, &step) != 3 || step <= 0 || lo <= 0 ||
        hi < lo)
      fail("--injection-rate", "'" + s + "'", "a list r1,r2,... or lo:hi:step with 0 < lo <= hi");
    for (double r = lo; r <= hi + 1e-9; r += step) v.push_back(r);
  } else {
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
      char* end = nullptr;
      const double r = std::strtod(item.c_str(), &end);
      if (item.empty() || *end || !(r > 0) || r > 1)
        fail("--injection-rate", "'" + item + "'", "flits per node per cycle, in (0, 1]");
      v.push_back(r);
    }
  }
  for (double r : v)
    if (r > 1 + 1e-9) fail("--injection-rate", std::to_string(r), "<= 1 flit per node per cycle");
  return v;
}

int replay(const po::variables_map& vm, const PlatformParams& p) {
  const fs::path dir = (*vm.find("replay")).second.as<std::string>();
  std::ifstream in(dir / "messages.csv");
  if (!in) fail("--replay", (dir / "messages.csv").string() + " cannot be read", "a run's --out DIR");
  std::string line;
  std::getline(in, line);
  const std::string file = (dir / "messages.csv").string();
  if (line.rfind("message,src,dst,", 0) != 0)
    fail("--replay " + file, "unknown header", "a run's messages.csv: message,src,dst,...");
  struct M {
    uint64_t id, bytes;
    uint32_t src, dst;
    Cycles sent, received;
  };
  std::vector<M> ms;
  for (size_t no = 2; std::getline(in, line); ++no) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    const std::string where = "--replay " + file + ":" + std::to_string(no);
    if (f.size() < 12) fail(where, "a row of " + std::to_string(f.size()) + " fields", "12 or more");
    M m;
    try {
      m = M{std::stoull(f[0]), std::stoull(f[6]), uint32_t(std::stoul(f[1])),
            uint32_t(std::stoul(f[2])), std::stoull(f[9]), std::stoull(f[10])};
    } catch (const std::exception&) {
      fail(where, "a field is not a whole number", "message,src,dst,...,bytes,...,sent,received");
    }
    if (m.src >= p.processors || m.dst >= p.processors)
      fail("--replay", "message " + f[0] + " names processor beyond --processors",
           "the platform of the run");
    ms.push_back(m);
  }
  // Checked before the work, written all at once at the end (platform/output_dir.h).
  std::optional<OutputDir> out;
  if (vm.count("out")) out.emplace(vm["out"].as<std::string>(), "noc");
  std::stable_sort(ms.begin(), ms.end(), [](const M& a, const M& b) { return a.sent < b.sent; });
  std::vector<uint32_t> nodes;
  for (uint32_t q = 0; q < p.processors; ++q) nodes.push_back(p.noc.node_of(q));
  NocEngine e(p.noc, nodes);
  struct L : NocEngine::Listener {
    std::map<uint64_t, Cycles> arr;
    void done(const NocEngine::Done& d) override {
      if (d.kind == NocEngine::Done::Arrived) arr[d.tag] = d.time;
    }
  } l;
  for (size_t i = 0; i < ms.size(); ++i) {
    e.advance(ms[i].sent, l);
    e.add(ms[i].src, ms[i].dst, ms[i].bytes, ms[i].sent, i);
  }
  for (Cycles t = e.next_time(); t != NocEngine::kNever; t = e.next_time()) e.advance(t, l);
  std::ostringstream os;
  os << "message,src,dst,bytes,sent,received_before,received_after,latency_before,latency_after\n";
  double before = 0, after = 0;
  for (size_t i = 0; i < ms.size(); ++i) {
    const M& m = ms[i];
    const Cycles a = l.arr[i];
    before += double(m.received - m.sent);
    after += double(a - m.sent);
    os << m.id << ',' << m.src << ',' << m.dst << ',' << m.bytes << ',' << m.sent << ','
       << m.received << ',' << a << ',' << m.received - m.sent << ',' << a - m.sent << '\n';
  }
  if (out) {
    out->write("replay.csv", os.str());
    out->commit();
  }
  const double n = std::max<double>(1, double(ms.size()));
  std::printf("replayed %zu messages of %s on %s (%s NoC, %u VCs x %u flits)\n", ms.size(),
              dir.string().c_str(), p.name.c_str(), to_string(p.noc.topology), p.noc.vcs,
              p.noc.buffer_flits);
  std::printf("mean latency: %.1f cycles in the run, %.1f on this NoC (sent times kept: an open "
              "loop, dependencies are not re-timed)\n",
              before / n, after / n);
  return 0;
}

}  // namespace

int noc(const Args& args) {
  po::options_description desc;
  desc.add(platform_options());
  po::options_description own("Synthetic traffic");
  own.add_options()
      ("traffic", po::value<std::string>()->default_value("uniform"),
       "uniform, transpose, bitcomp, hotspot or neighbor (east neighbour)")
      ("injection-rate", po::value<std::string>()->default_value("0.05:1:0.05"),
       "offered load, flits per node per cycle: r1,r2,... or lo:hi:step")
      ("packet-flits", whole<uint32_t>(1, 1 << 16)->default_value(8),
       "flits per packet (noc-packet-bytes becomes packet-flits x noc-link-bytes)")
      ("warmup", whole<uint32_t>(0, 1 << 30)->default_value(3000), "warm-up cycles")
      ("measure", whole<uint32_t>(1, 1 << 30)->default_value(10000), "measured cycles")
      ("hotspot-node", whole<uint32_t>(0, 1 << 20)->default_value(0), "hotspot: the node")
      ("hotspot-fraction", po::value<double>()->default_value(0.2),
       "hotspot: share of packets sent to the hotspot node")
      ("seed", whole<uint32_t>(0, 1 << 30)->default_value(1), "random seed")
      ("replay", po::value<std::string>(),
       "replay DIR/messages.csv of a run on this platform's NoC instead")
      ("out", po::value<std::string>(), "write noc.csv (or replay.csv) into this directory");
  desc.add(own);
  const auto vm = parse(args, desc,
                        "noc [--platform P] [--noc-* ...] [--traffic T] [--injection-rate R] "
                        "[--packet-flits F] [--out DIR] | --replay RUN_DIR");
  if (!vm) return 0;
  PlatformParams p = platform_from(*vm);
  if (vm->count("replay")) return replay(*vm, p);

  const uint32_t F = (*vm)["packet-flits"].as<uint32_t>();
  NocParams np = p.noc;
  np.model = NocModel::Causal;
  const double bw = np.link_bytes_per_cycle;
  np.packet_bytes = static_cast<uint32_t>(std::ceil(F * bw));
  np.validate(plain_keys("noc"), 1);
  const uint32_t N = np.nodes();
  Pattern pat{(*vm)["traffic"].as<std::string>(), np.cols, np.topology == NocShape::Ring ? N : np.rows,
              N, (*vm)["hotspot-node"].as<uint32_t>(), (*vm)["hotspot-fraction"].as<double>()};
  if (pat.name != "uniform" && pat.name != "transpose" && pat.name != "bitcomp" &&
      pat.name != "hotspot" && pat.name != "neighbor")
    fail("--traffic", "'" + pat.name + "'", "uniform, transpose, bitcomp, hotspot, neighbor");
  if (pat.name == "transpose" && np.cols != np.rows)
    fail("--traffic transpose", "needs a square NoC", "noc-cols = noc-rows");
  if (pat.hotspot >= N) fail("--hotspot-node", std::to_string(pat.hotspot), "< nodes");
  if (!(pat.hot_fraction >= 0 && pat.hot_fraction <= 1))
    fail("--hotspot-fraction", std::to_string(pat.hot_fraction), "0..1");
  const std::vector<double> rates = rates_of((*vm)["injection-rate"].as<std::string>());
  const Cycles warm = (*vm)["warmup"].as<uint32_t>(), meas = (*vm)["measure"].as<uint32_t>();
  const uint64_t seed = (*vm)["seed"].as<uint32_t>();

  // Channel loads at 1 flit per node per cycle (injection and ejection ports included): the
  // saturation bound is 1 / the largest; zero-load latency F + R x mean hops.
  std::vector<uint32_t> nodes(N);
  for (uint32_t i = 0; i < N; ++i) nodes[i] = i;
  NocEngine probe_engine(np, nodes);
  const NocGraph& g = probe_engine.topology();
  std::vector<double> load(g.links().size(), 0.0), ej(N, 0.0);
  double mean_h = 0;
  std::vector<LinkId> route;
  for (uint32_t s = 0; s < N; ++s) {
    for (uint32_t d = 0; d < N; ++d) {
      const double q = pat.prob(s, d);
      if (q == 0) continue;
      route.clear();
      g.route(s, d, route);
      for (LinkId l : route) load[l.value] += q;
      ej[d] += q;
      mean_h += q * double(route.size()) / N;
    }
  }
  double gmax = 1.0;  // the injection port
  for (double x : load) gmax = std::max(gmax, x);
  for (double x : ej) gmax = std::max(gmax, x);
  const double bound = 1.0 / gmax;
  const double zero_load =
      double(F) + double(np.router_latency) * mean_h + double(np.terminal_latency);

  std::optional<OutputDir> out;  // checked before the work, written at the end
  if (vm->count("out")) out.emplace((*vm)["out"].as<std::string>(), "noc");
  std::ostringstream csv;
  csv << "traffic,packet_flits,offered,accepted,latency_mean,latency_p99,packets,zero_load,"
         "channel_bound,stable\n";
  std::printf("%s traffic, %ux%u %s, %u-flit packets, %u VCs x %u flits, router latency %llu\n",
              pat.name.c_str(), np.cols, pat.rows, to_string(np.topology), F, np.vcs,
              np.buffer_flits, static_cast<unsigned long long>(np.router_latency));
  std::printf("zero-load latency %.2f cycles, channel-load bound %.3f flits/node/cycle\n",
              zero_load, bound);
  std::printf("%9s %9s %10s %10s %9s %7s\n", "offered", "accepted", "lat_mean", "lat_p99",
              "packets", "stable");
  for (const double rate : rates) {
    NocEngine e(np, nodes);
    Counter c;
    c.F = F;
    c.gen_from.assign(N, 0);
    c.gen_to.assign(N, 0);
    c.inj_from.assign(N, 0);
    c.inj_to.assign(N, 0);
    c.from = warm;
    c.to = warm + meas;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> U(0, 1);
    std::uniform_int_distribution<uint32_t> node(0, N - 1);
    const double pp = rate / F;  // packets per node per cycle (Bernoulli)
    const uint64_t bytes = uint64_t(std::ceil(F * bw - 1e-9));
    uint64_t tag = 0;
    for (Cycles t = 0; t < warm + meas; ++t) {
      for (uint32_t s = 0; s < N; ++s) {
        if (U(rng) >= pp) continue;
        const uint32_t d = pat.dst(s, U(rng), node(rng));
        c.tag_ready.push_back(t);
        c.tag_src.push_back(s);
        if (t < warm) ++c.gen_from[s];
        ++c.gen_to[s];
        if (t >= warm) ++c.measured_left;
        e.add(s, d, bytes, t, tag++);
      }
      e.advance(t + 1, c);
    }
    // Drain the measured packets (bounded: past saturation the queues never empty, so a point
    // whose measured packets are not all out 5 measurement periods later is unstable).
    const Cycles limit = warm + meas + 5 * meas;
    while (c.measured_left > 0 && e.now() < limit) {
      const Cycles t = e.next_time();
      if (t == NocEngine::kNever) break;
      e.advance(std::min(t, limit), c);
    }
    const size_t n = c.lat.size();
    double mean = 0;
    for (Cycles x : c.lat) mean += double(x);
    mean = n ? mean / double(n) : 0;
    const double p99 = percentile(c.lat, 0.99);
    const double acc = double(c.flits_in_window) / (double(N) * double(meas));
    // Stable: the measured packets drain, the network accepts what is offered, and no source's
    // queue grows over the window by more than its noise (4 packets or 2% of what it generated).
    bool keeps_up = true;
    for (uint32_t s = 0; s < N; ++s) {
      const double growth =
          double(c.gen_to[s] - c.inj_to[s]) - double(c.gen_from[s] - c.inj_from[s]);
      keeps_up = keeps_up && growth <= std::max(4.0, 0.02 * double(c.gen_to[s] - c.gen_from[s]));
    }
    const bool stable = c.measured_left == 0 && acc >= 0.97 * rate && keeps_up;
    std::printf("%9.3f %9.3f %10.2f %10.0f %9zu %7s\n", rate, acc, mean, p99, n,
                stable ? "yes" : "no");
    char row[256];
    std::snprintf(row, sizeof row, "%s,%u,%.4f,%.4f,%.3f,%.0f,%zu,%.3f,%.4f,%d\n",
                  pat.name.c_str(), F, rate, acc, mean, p99, n, zero_load, bound, stable ? 1 : 0);
    csv << row;
  }
  if (out) {
    out->write("noc.csv", csv.str());
    out->commit();
    std::printf("wrote %s\n", (out->final_path() / "noc.csv").string().c_str());
  }
  return 0;
}

}  // namespace spikepipe::cli

// The readable schedule report: the numbers a computer architect checks first, then where the
// time goes per processor.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "spikepipe/workloads/analysis.h"
#include "spikepipe/workloads/schedule_io.h"

namespace spikepipe {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string human_bytes(uint64_t b) {
  if (b >= (1ull << 20)) return fmt("%.2f MiB", double(b) / double(1ull << 20));
  if (b >= (1ull << 10)) return fmt("%.1f KiB", double(b) / 1024.0);
  return std::to_string(b) + " B";
}

// "9.2 MiB", "4 MiB", "512 KiB": one decimal, none when it is whole.
std::string short_bytes(uint64_t b) {
  const char* unit = "B";
  double v = double(b);
  if (b >= (1ull << 30)) unit = "GiB", v /= double(1ull << 30);
  else if (b >= (1ull << 20)) unit = "MiB", v /= double(1ull << 20);
  else if (b >= (1ull << 10)) unit = "KiB", v /= 1024.0;
  std::string n = fmt("%.1f", v);
  if (n.size() > 2 && n.compare(n.size() - 2, 2, ".0") == 0) n.resize(n.size() - 2);
  return n + " " + unit;
}

}  // namespace

std::string sram_warning(const Schedule& s, uint64_t sram_bytes) {
  std::vector<size_t> over;
  size_t worst = 0;
  for (size_t p = 0; p < s.sram_peak.size(); ++p) {
    if (s.sram_peak[p] <= sram_bytes) continue;
    over.push_back(p);
    if (s.sram_peak[p] > s.sram_peak[worst] || over.size() == 1) worst = p;
  }
  const std::string tail =
      ": expect spills beyond the planned ones (in the predicted period when the planner replays "
      "the machine)";
  if (over.empty()) return {};
  if (over.size() == 1)
    return "P" + std::to_string(worst) + " needs " + short_bytes(s.sram_peak[worst]) +
           " of SRAM, has " + short_bytes(sram_bytes) + tail;
  std::string who;
  for (size_t i = 0; i < over.size() && i < 8; ++i) who += (i ? ", P" : "P") + std::to_string(over[i]);
  if (over.size() > 8) who += ", ...";
  return std::to_string(over.size()) + " of " + std::to_string(s.sram_peak.size()) +
         " processors need more SRAM than their " + short_bytes(sram_bytes) + " (" + who +
         "; up to " + short_bytes(s.sram_peak[worst]) + " on P" + std::to_string(worst) + ")" +
         tail;
}

std::string schedule_summary(const Schedule& s, const TaskGraph& g) {
  std::ostringstream o;
  o << "schedule     " << s.scheduler << (s.split ? " --split" : "") << " on " << s.processors
    << " processors, network " << g.network << " (" << g.layers << " layers, "
    << g.array.rows << "x" << g.array.cols << " array)\n";
  if (s.scheduler == "gpipe") o << "micro-batches " << s.micro_batches << "\n";
  if (!s.note.empty()) o << "note         " << s.note << "\n";
  o << "period       " << s.predicted_period << " cycles (predicted steady state)\n";
  o << "latency      " << s.predicted_latency << " cycles (first op start to last op end)\n";
  const double gap = s.lower_bound ? 100.0 * (double(s.predicted_period) - double(s.lower_bound)) /
                                         double(s.lower_bound)
                                   : 0.0;
  o << "lower bound  " << s.lower_bound << " cycles (period is " << fmt("%.1f", gap)
    << "% above; no schedule of this network on this platform beats it)\n";
  o << "own bound    " << s.schedule_bound
    << " cycles (this schedule's placement and delays: T-inf, largest op, op time / P)\n";
  o << "delays       ";
  for (size_t l = 0; l < s.delays.size(); ++l) o << (l ? " " : "") << "d" << l + 1 << "=" << s.delays[l];
  o << "   (weight versions kept: d+1)\n";

  o << "load per processor (compute + injection, cycles per iteration; | marks the period)\n";
  const Cycles top = std::max<Cycles>(
      s.predicted_period, s.loads.empty() ? 1 : *std::max_element(s.loads.begin(), s.loads.end()));
  constexpr int kBar = 40;
  const int mark = top ? int(double(s.predicted_period) * kBar / double(top)) : kBar;
  for (size_t p = 0; p < s.loads.size(); ++p) {
    const int n = top ? int(double(s.loads[p]) * kBar / double(top) + 0.5) : 0;
    std::string bar(size_t(kBar) + 1, ' ');
    for (int i = 0; i < n && i <= kBar; ++i) bar[size_t(i)] = '#';
    if (mark >= 0 && mark <= kBar && bar[size_t(mark)] == ' ') bar[size_t(mark)] = '|';
    char head[64];
    std::snprintf(head, sizeof head, "  P%-3zu %10llu ", p, static_cast<unsigned long long>(s.loads[p]));
    const double util = s.predicted_period ? 100.0 * double(s.loads[p]) / double(s.predicted_period) : 0;
    o << head << bar << fmt(" %5.1f%%", util) << "  ";
    size_t shown = 0;
    for (OpId id : s.programs[p]) {
      if (++shown > 12) { o << " ..."; break; }
      const Op& op = s.op(id);
      o << " " << op.label();
      if (op.offset) o << "@" << op.offset;
    }
    o << "\n";
  }
  if (!s.sram_peak.empty()) {
    o << "SRAM need per processor (predicted peak in steady state: weights x versions + held tensors)\n";
    const auto w = resident_weight_bytes(s);
    for (size_t p = 0; p < s.sram_peak.size(); ++p) {
      const uint64_t wp = p < w.size() ? std::min(w[p], s.sram_peak[p]) : 0;
      char head[32];
      std::snprintf(head, sizeof head, "  P%-3zu ", p);
      o << head << human_bytes(s.sram_peak[p]) << "  (weights " << human_bytes(wp) << " + held "
        << human_bytes(s.sram_peak[p] - wp) << ")\n";
    }
  }
  o << "bytes per iteration between processors (input: read from DRAM)\n";
  for (int k = 0; k < kTensorKinds; ++k)
    o << "  " << to_string(TensorKind(k)) << std::string(12 - std::string(to_string(TensorKind(k))).size(), ' ')
      << human_bytes(s.bytes_by_kind[size_t(k)]) << "\n";
  size_t transfers = 0;
  for (const Dep& d : s.deps) transfers += s.remote(d);
  o << "ops " << s.ops.size() << ", transfers " << transfers << " per iteration ("
    << "'X@o' = runs iteration r-o in round r)\n";
  return o.str();
}

}  // namespace spikepipe

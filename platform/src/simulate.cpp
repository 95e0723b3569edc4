// Assembly: NoC, DRAM and one SystolicProcessor per processor, wired with TLM sockets; then run
// until every program is done or nothing can move (a deadlock, reported by name).
#include "spikepipe/platform/simulate.h"

#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "spikepipe/models/dram.h"
#include "spikepipe/models/noc.h"
#include "spikepipe/models/payload.h"
#include "spikepipe/models/processor.h"
#include "spikepipe/models/sc_run.h"
#include "spikepipe/models/sim_time.h"
#include "spikepipe/core/error.h"

namespace spikepipe {

namespace {

void check_schedule(const PlatformParams& p, const Schedule& s) {
  const std::string where = "schedule (" + s.scheduler + ")";
  if (s.programs.size() > p.processors) {
    fail(where,
         "has programs for " + std::to_string(s.programs.size()) +
             " processors, the platform has " + std::to_string(p.processors),
         "at most `processors` programs");
  }
  std::vector<int> seen(s.ops.size(), 0);
  for (uint32_t q = 0; q < s.programs.size(); ++q) {
    for (OpId o : s.programs[q]) {
      if (o.value >= s.ops.size())
        fail(where,
             "program " + std::to_string(q) + " lists unknown op " + std::to_string(o.value));
      const Op& op = s.op(o);
      if (op.id != o)
        fail(where, "op " + std::to_string(o.value) + " carries id " + std::to_string(op.id.value));
      if (op.proc.value != q) {
        fail(where, op.label() + " (op " + std::to_string(o.value) + ") is placed on processor " +
                        std::to_string(op.proc.value) + " but listed in the program of processor " +
                        std::to_string(q));
      }
      if (seen[o.value]++)
        fail(where, op.label() + " (op " + std::to_string(o.value) + ") is listed twice");
    }
  }
  for (uint32_t d = 0; d < s.deps.size(); ++d) {
    const Dep& dep = s.deps[d];
    if (dep.src.value >= s.ops.size() || dep.dst.value >= s.ops.size()) {
      fail(where, "dep " + std::to_string(d) + " names an unknown op");
    }
    if (dep.in_collective() && size_t(dep.collective) >= s.collectives.size())
      fail(where, "dep " + std::to_string(d) + " names an unknown collective " +
                      std::to_string(dep.collective));
  }
  for (size_t c = 0; c < s.collectives.size(); ++c)
    for (OpId o : s.collectives[c].srcs)
      if (o.value >= s.ops.size())
        fail(where, "collective " + std::to_string(c) + " names an unknown op");
  for (uint32_t o = 0; o < s.ops.size(); ++o) {
    if (!seen[o])
      fail(where, s.ops[o].label() + " (op " + std::to_string(o) + ") is in no program");
  }
}

// The modules live until the process ends: SystemC elaborates once per process, and tearing a
// hierarchy down after sc_start buys nothing. keep_until_exit() tells a leak checker so.
struct Platform {
  std::unique_ptr<RunLog> log;
  std::unique_ptr<PayloadPool> pool;
  std::unique_ptr<Noc> noc;
  std::unique_ptr<Dram> dram;
  std::vector<std::unique_ptr<SystolicProcessor>> procs;
};

}  // namespace

SimResult simulate(const PlatformParams& platform, const Schedule& schedule,
                   const SimOptions& options, Probe& probe) {
  platform.validate();
  check_schedule(platform, schedule);
  if (options.iterations == 0) fail("simulate", "iterations = 0", ">= 1");
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    fail("simulate", "the SystemC kernel already ran in this process",
         "one simulate() per process");
  }
  auto* pf = new Platform;  // see Platform
  keep_until_exit(pf);
  pf->log = std::make_unique<RunLog>(options.iterations);
  RunLog& log = *pf->log;
  log.progress = options.progress;
  log.ops_total = uint64_t(schedule.ops.size()) * options.iterations;
  pf->pool = std::make_unique<PayloadPool>();

  const uint32_t P = platform.processors;
  std::vector<uint32_t> ports;
  for (uint32_t q = 0; q < P; ++q) ports.push_back(platform.noc.node_of(q));
  const std::vector<uint32_t> controllers = platform.memory.controllers();
  ports.push_back(controllers.front());
  pf->noc =
      std::make_unique<Noc>("noc", platform.noc, ports, static_cast<int>(P), controllers, probe);
  pf->dram = std::make_unique<Dram>("dram", platform.memory, probe, platform.clock_ghz);
  for (uint32_t q = 0; q < P; ++q) {
    const std::string name = "proc" + std::to_string(q);
    pf->procs.push_back(std::make_unique<SystolicProcessor>(
        name.c_str(), ProcessorId(q), platform.processor, schedule, log, *pf->pool, probe));
    pf->procs.back()->noc.bind(pf->noc->in);
    pf->noc->out.bind(pf->procs.back()->inbox);
  }
  pf->noc->out.bind(pf->dram->socket);
  for (const auto& p : pf->procs) log.processors.push_back(p.get());

  run_systemc();
  if (!log.error.empty()) throw Error(log.error);

  std::string blocked;
  for (const auto& p : pf->procs) {
    const std::string b = p->blocked();
    if (!b.empty()) blocked += (blocked.empty() ? "" : "; ") + b;
  }
  if (!blocked.empty()) {
    fail("simulate (" + schedule.scheduler + ")",
         "deadlock at cycle " + std::to_string(now_cycles()) + ": " + blocked);
  }

  SimResult r;
  r.end_time = 0;
  for (Cycles e : log.iteration_end) r.end_time = std::max(r.end_time, e);
  r.iteration_start = log.iteration_start;
  r.iteration_end = log.iteration_end;
  r.ops_run = log.ops_run;
  r.messages = log.messages;
  return r;
}

}  // namespace spikepipe

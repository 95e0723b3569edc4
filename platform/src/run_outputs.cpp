#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>

#include "spikepipe/platform/recorders/csv.h"
#include "spikepipe/platform/recorders/gtkw.h"
#include "spikepipe/platform/recorders/perfetto.h"
#include "spikepipe/platform/recorders/vcd.h"
#include "spikepipe/platform/run.h"

namespace spikepipe {

namespace {

// "writing trace.perfetto.json: 45%" on stderr, shown only once writing a file has taken more
// than 2 s (small runs stay silent) and only when the percentage changes.
class WriteProgress {
 public:
  explicit WriteProgress(std::string name)
      : name_(std::move(name)), start_(std::chrono::steady_clock::now()) {}
  ~WriteProgress() {
    if (shown_ >= 0)
      std::cerr << (tty_ ? "\r" : "") << "writing " << name_ << ": done\n" << std::flush;
  }
  // On a terminal the line is rewritten at every percent; in a log, a line every 10%.
  void operator()(double fraction) {
    const int pct = static_cast<int>(fraction * 100.0) / (tty_ ? 1 : 10) * (tty_ ? 1 : 10);
    if (pct == shown_) return;
    if (shown_ < 0 && std::chrono::steady_clock::now() - start_ < std::chrono::seconds(2)) return;
    shown_ = pct;
    std::cerr << (tty_ ? "\r" : "") << "writing " << name_ << ": " << pct << "%"
              << (tty_ ? "" : "\n") << std::flush;
  }

 private:
  std::string name_;
  std::chrono::steady_clock::time_point start_;
  int shown_ = -1;
  bool tty_ = ::isatty(2) != 0;
};

constexpr size_t kTracePieceBytes = size_t(8) << 20;

uint64_t trace_events(const EventLog& log) {
  return log.tasks.size() + log.waits.size() + 4 * log.messages.size() + log.links.size() +
         log.memory.size() + log.sram.size();
}

}  // namespace

TraceWindow default_trace_window(const EventLog& log, const IterationPlan& plan,
                                 std::string* note) {
  if (trace_events(log) <= kTraceEventBudget || plan.measured == 0) return TraceWindow{};
  TraceWindow w;
  w.first = plan.first_measured();
  w.last = w.first + std::min<uint32_t>(kDefaultTraceIterations, plan.measured) - 1;
  if (note) {
    *note = "spikepipe: note: traces show iterations " + std::to_string(w.first) + ".." +
            std::to_string(w.last) + " of 0.." + std::to_string(plan.total() - 1) +
            " (the run has " + std::to_string(trace_events(log)) +
            " trace events; CSV files are complete); --trace-window FIRST:LAST traces more";
  }
  return w;
}

nlohmann::ordered_json summary_json(const RunDescription& d, const PlatformParams& p,
                                    const Metrics& m) {
  nlohmann::ordered_json j;
  j["network"] = {{"name", d.network},
                  {"source", d.network_source},
                  {"layers", d.layers},
                  {"batch", d.batch},
                  {"timesteps", d.timesteps}};
  j["platform"] = {{"name", p.name},
                   {"processors", p.processors},
                   {"array", std::to_string(p.processor.array.rows) + "x" +
                                 std::to_string(p.processor.array.cols) + " " +
                                 to_string(p.processor.array.dataflow)},
                   {"noc", std::string(to_string(p.noc.topology)) + " " +
                               std::to_string(p.noc.cols) + "x" + std::to_string(p.noc.rows)},
                   {"noc_link_bytes", p.noc.link_bytes_per_cycle},
                   {"sram_bytes", p.processor.sram_bytes},
                   {"dram_channels", p.memory.channels},
                   {"dram_model", to_string(p.memory.model)},
                   {"clock_ghz", p.clock_ghz}};
  j["command"] = d.command;
  const nlohmann::ordered_json metrics = to_json(m);
  for (const auto& item : metrics.items()) j[item.key()] = item.value();
  return j;
}

void write_run_outputs(OutputDir& out, const TraceInput& in, const RunDescription& d,
                       const Metrics& m, const std::string& summary, bool trace) {
  out.write(kSummaryFile, summary_json(d, in.platform, m).dump(2) + "\n");
  out.write("summary.txt", summary);
  out.write("tasks.csv", tasks_csv(in));
  out.write("links.csv", "");  // in pieces of a million rows (millions at 1024 processors)
  links_csv(in, 1000000, [&](const std::string& piece) { out.append("links.csv", piece); });
  out.write("memory.csv", memory_csv(in));
  out.write("messages.csv", messages_csv(in));
  if (!trace) return;
  // Without --trace-window a long run traces only a few measured iterations (docs/TRACES.md).
  TraceInput traced = in;
  if (in.window.all()) {
    std::string note;
    traced.window = default_trace_window(in.log, m.plan, &note);
    if (!note.empty()) std::cerr << note << "\n";
  }
  // Traces in pieces, like links.csv: whole, they were the largest allocation of a long run.
  const auto to = [&out](const char* name) {
    out.write(name, "");
    return [&out, name](const std::string& piece) { out.append(name, piece); };
  };
  {
    WriteProgress progress("trace.vcd");
    vcd_text(traced, kTracePieceBytes, to("trace.vcd"), std::ref(progress));
  }
  out.write(kStateFilterFile, gtkw_state_filter());
  out.write(kTaskFilterFile, gtkw_task_filter(schedule_layers(in.schedule)));
  out.write("trace.gtkw",
            gtkw_text(traced, gtkw_default_view(traced.span(), m.iteration_start, m.iteration_end,
                                                m.plan.first_measured(), m.period_cycles)));
  WriteProgress progress("trace.perfetto.json");
  perfetto_json(traced, kTracePieceBytes, to("trace.perfetto.json"), std::ref(progress));
}

}  // namespace spikepipe

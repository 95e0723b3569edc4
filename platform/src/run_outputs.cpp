#include "spikepipe/platform/recorders/csv.h"
#include "spikepipe/platform/recorders/gtkw.h"
#include "spikepipe/platform/recorders/perfetto.h"
#include "spikepipe/platform/recorders/vcd.h"
#include "spikepipe/platform/run.h"

namespace spikepipe {

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
                   {"dram_channels", p.memory.channels},
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
  out.write("links.csv", links_csv(in));
  out.write("memory.csv", memory_csv(in));
  out.write("messages.csv", messages_csv(in));
  if (!trace) return;
  out.write("trace.vcd", vcd_text(in));
  out.write(kStateFilterFile, gtkw_state_filter());
  out.write(kTaskFilterFile, gtkw_task_filter(schedule_layers(in.schedule)));
  out.write("trace.gtkw", gtkw_text(in, out.final_path().string()));
  out.write("trace.perfetto.json", perfetto_json(in));
}

}  // namespace spikepipe

// The schedule as JSON (docs/SCHEDULE_FORMAT.md). Keys carry their unit where they have one.
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"

namespace spikepipe {
namespace {

using nlohmann::json;

TaskKind task_kind(const std::string& s, const std::string& where) {
  for (int k = 0; k < kTaskKinds; ++k)
    if (s == to_string(TaskKind(k))) return TaskKind(k);
  fail(where, "unknown task kind '" + s + "'", "F, D, E, G, U");
}

TensorKind tensor_kind(const std::string& s, const std::string& where) {
  for (int k = 0; k < kTensorKinds; ++k)
    if (s == to_string(TensorKind(k))) return TensorKind(k);
  fail(where, "unknown tensor kind '" + s + "'", "spikes, errors, weights, gradients, stash, input");
}

template <class T>
T get(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key)) fail(where, "missing key '" + std::string(key) + "'");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception& e) {
    fail(where, "key '" + std::string(key) + "' has the wrong type: " + e.what());
  }
}

}  // namespace

json schedule_to_json(const Schedule& s) {
  json j;
  j["format"] = "spikepipe-schedule/1";
  j["scheduler"] = s.scheduler;
  j["processors"] = s.processors;
  j["split"] = s.split;
  j["micro_batches"] = s.micro_batches;
  j["note"] = s.note;
  j["predicted_period_cycles"] = s.predicted_period;
  j["predicted_latency_cycles"] = s.predicted_latency;
  j["lower_bound_cycles"] = s.lower_bound;
  j["schedule_bound_cycles"] = s.schedule_bound;
  j["delays"] = s.delays;
  j["weight_versions"] = s.weight_versions;
  j["loads_cycles"] = s.loads;
  j["sram_peak_bytes"] = s.sram_peak;
  json bytes = json::object();
  for (int k = 0; k < kTensorKinds; ++k) bytes[to_string(TensorKind(k))] = s.bytes_by_kind[size_t(k)];
  j["bytes_by_kind"] = bytes;
  json ops = json::array();
  for (const Op& op : s.ops)
    ops.push_back({{"id", op.id.value}, {"label", op.label()}, {"task", op.task.value},
                   {"kind", to_string(op.kind)}, {"layer", op.layer}, {"part", op.part},
                   {"parts", op.parts}, {"micro", op.micro}, {"micros", op.micros},
                   {"processor", op.proc.value}, {"offset", op.offset},
                   {"array_cycles", op.array_cycles}, {"vector_cycles", op.vector_cycles},
                   {"dram_read_bytes", op.dram_read_bytes}, {"dram_write_bytes", op.dram_write_bytes},
                   {"weight_bytes", op.weight_bytes}, {"recompute", op.recompute}});
  j["ops"] = ops;
  json programs = json::array();
  for (const auto& prog : s.programs) {
    json p = json::array();
    for (OpId id : prog) p.push_back(id.value);
    programs.push_back(p);
  }
  j["programs"] = programs;
  json deps = json::array(), transfers = json::array();
  for (size_t i = 0; i < s.deps.size(); ++i) {
    const Dep& d = s.deps[i];
    deps.push_back({{"src", d.src.value}, {"dst", d.dst.value}, {"distance", d.distance},
                    {"kind", to_string(d.kind)}, {"bytes", d.bytes}});
    if (s.remote(d))
      transfers.push_back({{"dep", i}, {"src_op", s.op(d.src).label()}, {"dst_op", s.op(d.dst).label()},
                           {"src_processor", s.op(d.src).proc.value},
                           {"dst_processor", s.op(d.dst).proc.value}, {"kind", to_string(d.kind)},
                           {"bytes", d.bytes}, {"distance", d.distance}});
  }
  j["deps"] = deps;
  j["transfers"] = transfers;
  return j;
}

Schedule schedule_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) fail(where, "a schedule must be a JSON object");
  Schedule s;
  s.scheduler = get<std::string>(j, "scheduler", where);
  s.processors = get<uint32_t>(j, "processors", where);
  s.split = j.value("split", false);
  s.micro_batches = j.value("micro_batches", 1u);
  s.note = j.value("note", std::string());
  s.predicted_period = get<Cycles>(j, "predicted_period_cycles", where);
  s.predicted_latency = get<Cycles>(j, "predicted_latency_cycles", where);
  s.lower_bound = get<Cycles>(j, "lower_bound_cycles", where);
  s.schedule_bound = j.value("schedule_bound_cycles", Cycles(0));
  s.delays = get<std::vector<uint32_t>>(j, "delays", where);
  s.weight_versions = j.value("weight_versions", std::vector<uint32_t>{});
  s.loads = j.value("loads_cycles", std::vector<Cycles>{});
  s.sram_peak = j.value("sram_peak_bytes", std::vector<uint64_t>{});
  if (j.contains("bytes_by_kind"))
    for (int k = 0; k < kTensorKinds; ++k)
      s.bytes_by_kind[size_t(k)] = j["bytes_by_kind"].value(to_string(TensorKind(k)), uint64_t(0));
  for (const json& o : get<json>(j, "ops", where)) {
    const std::string w = where + ": ops[" + std::to_string(s.ops.size()) + "]";
    Op op;
    op.id = OpId(get<uint32_t>(o, "id", w));
    op.task = TaskId(get<uint32_t>(o, "task", w));
    op.kind = task_kind(get<std::string>(o, "kind", w), w);
    op.layer = get<uint32_t>(o, "layer", w);
    op.part = get<uint16_t>(o, "part", w);
    op.parts = get<uint16_t>(o, "parts", w);
    op.micro = get<uint16_t>(o, "micro", w);
    op.micros = get<uint16_t>(o, "micros", w);
    op.proc = ProcessorId(get<uint32_t>(o, "processor", w));
    op.offset = get<int32_t>(o, "offset", w);
    op.array_cycles = get<Cycles>(o, "array_cycles", w);
    op.vector_cycles = get<Cycles>(o, "vector_cycles", w);
    op.dram_read_bytes = o.value("dram_read_bytes", uint64_t(0));
    op.dram_write_bytes = o.value("dram_write_bytes", uint64_t(0));
    op.weight_bytes = o.value("weight_bytes", uint64_t(0));
    op.recompute = o.value("recompute", false);
    if (op.id.value != s.ops.size()) fail(w, "op ids must be 0, 1, 2, ... in order");
    if (op.proc.value >= s.processors) fail(w, "processor out of range", "< processors");
    s.ops.push_back(op);
  }
  for (const json& p : get<json>(j, "programs", where)) {
    std::vector<OpId> prog;
    for (const json& id : p) {
      const uint32_t v = id.get<uint32_t>();
      if (v >= s.ops.size()) fail(where, "programs name op " + std::to_string(v), "existing op ids");
      prog.push_back(OpId(v));
    }
    s.programs.push_back(prog);
  }
  for (const json& d : get<json>(j, "deps", where)) {
    const std::string w = where + ": deps[" + std::to_string(s.deps.size()) + "]";
    Dep dep;
    dep.src = OpId(get<uint32_t>(d, "src", w));
    dep.dst = OpId(get<uint32_t>(d, "dst", w));
    if (dep.src.value >= s.ops.size() || dep.dst.value >= s.ops.size())
      fail(w, "names an op that does not exist");
    dep.distance = get<uint32_t>(d, "distance", w);
    dep.kind = tensor_kind(get<std::string>(d, "kind", w), w);
    dep.bytes = get<uint64_t>(d, "bytes", w);
    s.deps.push_back(dep);
  }
  return s;
}

}  // namespace spikepipe

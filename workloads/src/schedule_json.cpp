// The schedule as JSON (docs/SCHEDULE_FORMAT.md). Keys carry their unit where they have one.
#include <climits>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"
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

// Reading is strict about types and ranges: nlohmann-json's get<T>() would turn 1.5, -1 or 1e300
// into a uint32_t by a cast (truncated, wrapped, or undefined), and value() and iteration accept a
// scalar where a list belongs.
std::string shown(const json& v) {
  return printable(v.dump(-1, ' ', false, json::error_handler_t::replace), 40);
}

[[noreturn]] void wrong(const std::string& where, const std::string& key,
                        const std::string& expected, const json& v) {
  fail(where, "key '" + key + "' must be " + expected + ", not " + shown(v));
}

const json& member(const json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(where, "missing key '" + std::string(key) + "'");
  return *it;
}

// A whole number that fits T exactly; `key` names it in the message.
template <class T>
T whole_value(const json& v, const std::string& key, const std::string& where) {
  static_assert(std::is_integral_v<T>);
  using L = std::numeric_limits<T>;
  const std::string range = std::to_string(L::min()) + " .. " + std::to_string(L::max());
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(L::max())) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (L::is_signed ? i >= static_cast<int64_t>(L::min()) && i <= static_cast<int64_t>(L::max())
                     : i >= 0 && static_cast<uint64_t>(i) <= static_cast<uint64_t>(L::max()))
      return static_cast<T>(i);
  }
  wrong(where, key, "a whole number " + range, v);
}

template <class T>
T whole(const json& obj, const char* key, const std::string& where) {
  return whole_value<T>(member(obj, key, where), key, where);
}

template <class T>
T whole_or(const json& obj, const char* key, T otherwise, const std::string& where) {
  return obj.contains(key) ? whole<T>(obj, key, where) : otherwise;
}

const json& list(const json& obj, const char* key, const std::string& where) {
  const json& v = member(obj, key, where);
  if (!v.is_array()) wrong(where, key, "a list", v);
  return v;
}

template <class T>
std::vector<T> wholes_or(const json& obj, const char* key, const std::string& where) {
  std::vector<T> out;
  if (!obj.contains(key)) return out;
  const json& v = list(obj, key, where);
  for (size_t i = 0; i < v.size(); ++i)
    out.push_back(whole_value<T>(v[i], std::string(key) + "[" + std::to_string(i) + "]", where));
  return out;
}

std::string text(const json& obj, const char* key, const std::string& where) {
  const json& v = member(obj, key, where);
  if (!v.is_string()) wrong(where, key, "a string", v);
  return v.get<std::string>();
}

const json& object(const json& v, const std::string& where) {
  if (!v.is_object()) fail(where, "must be a JSON object, not " + shown(v));
  return v;
}

}  // namespace

json schedule_to_json(const Schedule& s) {
  json j;
  // /2 added collectives (docs/SCHEDULE_FORMAT.md); a schedule without any is also valid /1.
  j["format"] = s.collectives.empty() ? "spikepipe-schedule/1" : "spikepipe-schedule/2";
  j["scheduler"] = s.scheduler;
  j["processors"] = s.processors;
  j["split"] = s.split;
  j["micro_batches"] = s.micro_batches;
  j["note"] = s.note;
  j["predicted_period_cycles"] = s.predicted_period;
  j["predicted_latency_cycles"] = s.predicted_latency;
  j["lower_bound_cycles"] = s.lower_bound;
  j["schedule_bound_cycles"] = s.schedule_bound;
  if (s.run_measured) {
    j["run_warmup_iterations"] = s.run_warmup;
    j["run_measured_iterations"] = s.run_measured;
  }
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
    json dj = {{"src", d.src.value}, {"dst", d.dst.value}, {"distance", d.distance},
               {"kind", to_string(d.kind)}, {"bytes", d.bytes}};
    if (d.spill_bytes) dj["spill_bytes"] = d.spill_bytes;  // only when planned: files stay as they were
    if (d.in_collective()) dj["collective"] = d.collective;
    deps.push_back(std::move(dj));
    if (s.remote(d)) {
      json t = {{"dep", i}, {"src_op", s.op(d.src).label()}, {"dst_op", s.op(d.dst).label()},
                {"src_processor", s.op(d.src).proc.value},
                {"dst_processor", s.op(d.dst).proc.value}, {"kind", to_string(d.kind)},
                {"bytes", d.bytes}, {"distance", d.distance}};
      if (d.in_collective()) t["collective"] = d.collective;
      transfers.push_back(std::move(t));
    }
  }
  j["deps"] = deps;
  j["transfers"] = transfers;
  if (!s.collectives.empty()) {
    json cols = json::array();
    for (const Collective& c : s.collectives) {
      json srcs = json::array();
      for (OpId o : c.srcs) srcs.push_back(o.value);
      cols.push_back({{"kind", to_string(c.kind)}, {"srcs", srcs}});
    }
    j["collectives"] = cols;
  }
  return j;
}

Schedule schedule_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) fail(where, "a schedule must be a JSON object");
  Schedule s;
  if (j.contains("format")) {
    const std::string f = text(j, "format", where);
    if (f != "spikepipe-schedule/1" && f != "spikepipe-schedule/2")
      fail(where, "format '" + f + "' is not known",
           "spikepipe-schedule/1 or spikepipe-schedule/2");
  }
  s.scheduler = text(j, "scheduler", where);
  s.processors = whole<uint32_t>(j, "processors", where);
  if (j.contains("split")) {
    if (!j["split"].is_boolean()) wrong(where, "split", "true or false", j["split"]);
    s.split = j["split"].get<bool>();
  }
  s.micro_batches = whole_or<uint32_t>(j, "micro_batches", 1, where);
  if (j.contains("note")) s.note = text(j, "note", where);
  s.predicted_period = whole<Cycles>(j, "predicted_period_cycles", where);
  s.predicted_latency = whole<Cycles>(j, "predicted_latency_cycles", where);
  s.lower_bound = whole<Cycles>(j, "lower_bound_cycles", where);
  s.schedule_bound = whole_or<Cycles>(j, "schedule_bound_cycles", 0, where);
  s.run_warmup = whole_or<uint32_t>(j, "run_warmup_iterations", 0, where);
  s.run_measured = whole_or<uint32_t>(j, "run_measured_iterations", 0, where);
  list(j, "delays", where);
  s.delays = wholes_or<uint32_t>(j, "delays", where);
  s.weight_versions = wholes_or<uint32_t>(j, "weight_versions", where);
  s.loads = wholes_or<Cycles>(j, "loads_cycles", where);
  s.sram_peak = wholes_or<uint64_t>(j, "sram_peak_bytes", where);
  if (j.contains("bytes_by_kind")) {
    const json& b = object(j["bytes_by_kind"], where + ": bytes_by_kind");
    for (int k = 0; k < kTensorKinds; ++k)
      s.bytes_by_kind[size_t(k)] =
          whole_or<uint64_t>(b, to_string(TensorKind(k)), 0, where + ": bytes_by_kind");
  }
  for (const json& item : list(j, "ops", where)) {
    const std::string w = where + ": ops[" + std::to_string(s.ops.size()) + "]";
    const json& o = object(item, w);
    Op op;
    op.id = OpId(whole<uint32_t>(o, "id", w));
    op.task = TaskId(whole<uint32_t>(o, "task", w));
    op.kind = task_kind(text(o, "kind", w), w);
    op.layer = whole<uint32_t>(o, "layer", w);
    op.part = whole<uint16_t>(o, "part", w);
    op.parts = whole<uint16_t>(o, "parts", w);
    op.micro = whole<uint16_t>(o, "micro", w);
    op.micros = whole<uint16_t>(o, "micros", w);
    op.proc = ProcessorId(whole<uint32_t>(o, "processor", w));
    op.offset = whole<int32_t>(o, "offset", w);
    op.array_cycles = whole<Cycles>(o, "array_cycles", w);
    op.vector_cycles = whole<Cycles>(o, "vector_cycles", w);
    op.dram_read_bytes = whole_or<uint64_t>(o, "dram_read_bytes", 0, w);
    op.dram_write_bytes = whole_or<uint64_t>(o, "dram_write_bytes", 0, w);
    op.weight_bytes = whole_or<uint64_t>(o, "weight_bytes", 0, w);
    if (o.contains("recompute")) {
      if (!o["recompute"].is_boolean()) wrong(w, "recompute", "true or false", o["recompute"]);
      op.recompute = o["recompute"].get<bool>();
    }
    if (op.id.value != s.ops.size()) fail(w, "op ids must be 0, 1, 2, ... in order");
    if (op.proc.value >= s.processors) fail(w, "processor out of range", "< processors");
    s.ops.push_back(op);
  }
  for (const json& p : list(j, "programs", where)) {
    const std::string w = where + ": programs[" + std::to_string(s.programs.size()) + "]";
    if (!p.is_array()) fail(w, "must be a list of op ids, not " + shown(p));
    std::vector<OpId> prog;
    for (const json& id : p) {
      const uint32_t v = whole_value<uint32_t>(id, "op id", w);
      if (v >= s.ops.size()) fail(w, "names op " + std::to_string(v), "existing op ids");
      prog.push_back(OpId(v));
    }
    s.programs.push_back(prog);
  }
  for (const json& item : list(j, "deps", where)) {
    const std::string w = where + ": deps[" + std::to_string(s.deps.size()) + "]";
    const json& d = object(item, w);
    Dep dep;
    dep.src = OpId(whole<uint32_t>(d, "src", w));
    dep.dst = OpId(whole<uint32_t>(d, "dst", w));
    if (dep.src.value >= s.ops.size() || dep.dst.value >= s.ops.size())
      fail(w, "names an op that does not exist");
    dep.distance = whole<uint32_t>(d, "distance", w);
    dep.kind = tensor_kind(text(d, "kind", w), w);
    dep.bytes = whole<uint64_t>(d, "bytes", w);
    dep.spill_bytes = whole_or<uint64_t>(d, "spill_bytes", 0, w);
    if (dep.spill_bytes > dep.bytes) fail(w, "spill_bytes is larger than bytes", "0 .. bytes");
    if (d.contains("collective")) {
      const uint32_t c = whole<uint32_t>(d, "collective", w);
      if (c > uint32_t(INT32_MAX)) fail(w, "collective " + std::to_string(c), "0..2147483647");
      dep.collective = int32_t(c);
    }
    s.deps.push_back(dep);
  }
  if (j.contains("collectives")) {
    for (const json& item : list(j, "collectives", where)) {
      const std::string w = where + ": collectives[" + std::to_string(s.collectives.size()) + "]";
      const json& c = object(item, w);
      Collective col;
      const std::string kind = text(c, "kind", w);
      bool known = false;
      for (CollectiveKind k : {CollectiveKind::AllGather, CollectiveKind::ReduceScatter,
                               CollectiveKind::AllToAll})
        if (kind == to_string(k)) col.kind = k, known = true;
      if (!known) fail(w, "kind '" + kind + "' is not known", "all-gather, reduce-scatter, all-to-all");
      for (const json& id : list(c, "srcs", w)) {
        const uint32_t v = whole_value<uint32_t>(id, "op id", w + ": srcs");
        if (v >= s.ops.size()) fail(w + ": srcs", "names op " + std::to_string(v), "existing op ids");
        col.srcs.push_back(OpId(v));
      }
      if (col.srcs.empty()) fail(w, "has no srcs", "at least one op id");
      s.collectives.push_back(std::move(col));
    }
  }
  // Every collective member names an existing collective whose srcs include its src.
  std::vector<std::vector<char>> is_src(s.collectives.size());
  for (size_t c = 0; c < s.collectives.size(); ++c) {
    is_src[c].assign(s.ops.size(), 0);
    for (OpId o : s.collectives[c].srcs) is_src[c][o.value] = 1;
  }
  for (size_t i = 0; i < s.deps.size(); ++i) {
    const Dep& d = s.deps[i];
    if (!d.in_collective()) continue;
    const std::string w = where + ": deps[" + std::to_string(i) + "]";
    if (size_t(d.collective) >= s.collectives.size())
      fail(w, "names collective " + std::to_string(d.collective),
           "0.." + std::to_string(int64_t(s.collectives.size()) - 1) + " (the `collectives` list)");
    if (!is_src[size_t(d.collective)][d.src.value])
      fail(w, "its src (op " + std::to_string(d.src.value) + ") is not a src of collective " +
                  std::to_string(d.collective));
  }
  return s;
}

}  // namespace spikepipe

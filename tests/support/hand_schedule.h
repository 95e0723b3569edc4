#pragma once
// Schedules built by hand, op by op (plain C++: workloads tests use it too).
#include <vector>

#include "spikepipe/core/schedule.h"

namespace spikepipe::test {

// Schedule built by hand: ops appended to their processor's program in call order.
struct HandSchedule {
  Schedule s;
  explicit HandSchedule(uint32_t processors) {
    s.scheduler = "hand";
    s.processors = processors;
    s.programs.resize(processors);
  }
  OpId op(uint32_t proc, TaskKind kind, uint32_t layer, Cycles array, Cycles vector,
          int32_t offset = 0) {
    Op o;
    o.id = OpId(static_cast<uint32_t>(s.ops.size()));
    o.task = TaskId(o.id.value);
    o.kind = kind;
    o.layer = layer;
    o.proc = ProcessorId(proc);
    o.offset = offset;
    o.array_cycles = array;
    o.vector_cycles = vector;
    s.ops.push_back(o);
    s.programs[proc].push_back(o.id);
    return o.id;
  }
  Op& at(OpId id) { return s.ops[id.value]; }
  DepId dep(OpId src, OpId dst, uint64_t bytes, TensorKind kind = TensorKind::Spikes,
            uint32_t distance = 0) {
    Dep d;
    d.src = src;
    d.dst = dst;
    d.bytes = bytes;
    d.kind = kind;
    d.distance = distance;
    s.deps.push_back(d);
    return DepId(static_cast<uint32_t>(s.deps.size() - 1));
  }
};

}  // namespace spikepipe::test

#pragma once
// Helpers for tests that simulate: a probe that keeps every event, and hand-built schedules.
#include <vector>

#include "spikepipe/models/probe.h"
#include "spikepipe/workloads/schedule.h"

namespace spikepipe::test {

struct RecordingProbe : Probe {
  std::vector<TaskEvent> tasks;
  std::vector<WaitEvent> waits;
  std::vector<MessageEvent> messages;
  std::vector<LinkEvent> links;
  std::vector<MemoryEvent> memory;
  std::vector<SramEvent> sram;
  void on_task(const TaskEvent& e) override { tasks.push_back(e); }
  void on_wait(const WaitEvent& e) override { waits.push_back(e); }
  void on_message(const MessageEvent& e) override { messages.push_back(e); }
  void on_link(const LinkEvent& e) override { links.push_back(e); }
  void on_memory(const MemoryEvent& e) override { memory.push_back(e); }
  void on_sram(const SramEvent& e) override { sram.push_back(e); }

  const TaskEvent* task(OpId op, uint32_t iteration) const {
    for (const auto& t : tasks)
      if (t.op == op && t.iteration == iteration) return &t;
    return nullptr;
  }
};

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

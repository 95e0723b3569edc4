#pragma once
// What the models report. Models call a Probe; recorders in platform/ implement it and turn the
// events into VCD, Perfetto JSON and CSV. A model never writes a file, and a probe may be absent
// (NullProbe). Events carry complete intervals in cycles and may arrive out of time order
// (temporal decoupling); recorders sort where they need to.
#include <cstdint>

#include "spikepipe/core/ids.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

struct TaskEvent {
  ProcessorId proc;
  OpId op;
  TaskKind kind = TaskKind::F;
  uint32_t layer = 0;
  uint32_t iteration = 0;
  Cycles start = 0, end = 0;        // whole task (array then vector unit)
  Cycles array_end = 0;             // end of its systolic-array part
};

// A processor waiting for the inputs of its next op.
struct WaitEvent {
  ProcessorId proc;
  OpId op;
  uint32_t iteration = 0;
  Cycles start = 0, end = 0;
};

struct MessageEvent {
  uint64_t id = 0;  // unique per run; links and memory events refer to it
  DepId dep;
  ProcessorId src, dst;
  TensorKind kind = TensorKind::Spikes;
  uint32_t layer = 0;
  uint32_t iteration = 0;
  uint64_t bytes = 0;
  uint32_t hops = 0;
  uint32_t packets = 0;
  Cycles sent = 0, received = 0;   // injection start; arrival of the last byte
  Cycles injected = 0;             // injection end: the sender was busy from sent to injected
};

struct LinkEvent {
  LinkId link;
  uint64_t message = 0;
  uint64_t bytes = 0;
  Cycles start = 0, end = 0;
};

struct MemoryEvent {
  uint32_t channel = 0;
  ProcessorId requester;
  TensorKind kind = TensorKind::Input;
  bool write = false;
  bool spill = false;  // SRAM overflow traffic rather than ordinary input data
  uint64_t bytes = 0;
  Cycles start = 0, end = 0;  // first data on the channel, end of its last data
  // dram-model ddr4 / hbm2 (0 with simple): the access's bursts by row-buffer outcome, and the
  // refreshes the channel issued since its previous access (dram_engine.h).
  uint32_t row_hits = 0, row_misses = 0, row_conflicts = 0, refreshes = 0;
};

struct SramEvent {
  ProcessorId proc;
  Cycles time = 0;
  uint64_t bytes = 0;    // occupancy after the change
  uint64_t spilled = 0;  // bytes currently held in DRAM because SRAM is full
};

class Probe {
 public:
  virtual ~Probe() = default;
  virtual void on_task(const TaskEvent&) {}
  virtual void on_wait(const WaitEvent&) {}
  virtual void on_message(const MessageEvent&) {}
  virtual void on_link(const LinkEvent&) {}
  virtual void on_memory(const MemoryEvent&) {}
  virtual void on_sram(const SramEvent&) {}
};

class NullProbe final : public Probe {};

}  // namespace spikepipe

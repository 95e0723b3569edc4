#pragma once
// For tests that simulate: every event of a run, plus a lookup by op and iteration.
#include <cstdint>

#include "spikepipe/platform/recorders/event_log.h"
#include "support/hand_schedule.h"

namespace spikepipe::test {

// The platform's event log, plus a lookup by op and iteration.
struct RecordingProbe : EventLog {
  const TaskEvent* task(OpId op, uint32_t iteration) const {
    for (const auto& t : tasks)
      if (t.op == op && t.iteration == iteration) return &t;
    return nullptr;
  }
};

}  // namespace spikepipe::test

// The execution rules of core/execution.h on hand-built schedules, worked out by hand.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "spikepipe/core/execution.h"

namespace spikepipe {
namespace {

Op op(uint32_t id, TaskKind kind, uint32_t layer, uint32_t proc, int32_t offset,
      uint64_t weight_bytes = 0, uint16_t part = 0) {
  Op o;
  o.id = OpId(id);
  o.kind = kind;
  o.layer = layer;
  o.proc = ProcessorId(proc);
  o.offset = offset;
  o.weight_bytes = weight_bytes;
  o.part = part;
  o.parts = part ? 2 : 1;
  return o;
}

TEST(Execution, SerialisationRoundsUpAndIsExactOnWholeCycles) {
  EXPECT_EQ(serial_cycles(0, 32.0), 0u);
  EXPECT_EQ(serial_cycles(1, 32.0), 1u);
  EXPECT_EQ(serial_cycles(64, 32.0), 2u);
  EXPECT_EQ(serial_cycles(65, 32.0), 3u);
  EXPECT_EQ(serial_cycles(256, 25.6), 10u);
  EXPECT_EQ(serial_cycles(1, 1e12), 1u);  // any bytes take a cycle
  EXPECT_EQ(dram_access_cycles(0, 100, 25.6), 0u);
  EXPECT_EQ(dram_access_cycles(256, 100, 25.6), 110u);
}

TEST(Execution, ResidentWeightsFollowStashingAndTheMasterCopy) {
  Schedule s;
  s.processors = 3;
  s.weight_versions = {3, 2};
  // P0: F1 and E1 (3 versions of 100), U1 (master copy, 100): max per (layer, part) = 300.
  // P1: G1 only: no weights. P2: F2 in two parts of 50 (2 versions each) and U2 part 0.
  s.ops = {op(0, TaskKind::F, 0, 0, 0, 100), op(1, TaskKind::E, 0, 0, 0, 100),
           op(2, TaskKind::U, 0, 0, 0, 100), op(3, TaskKind::G, 0, 1, 0, 100),
           op(4, TaskKind::F, 1, 2, 0, 50, 0), op(5, TaskKind::F, 1, 2, 0, 50, 1),
           op(6, TaskKind::U, 1, 2, 0, 80, 0)};
  s.programs = {{OpId(0), OpId(1), OpId(2)}, {OpId(3)}, {OpId(4), OpId(5), OpId(6)}};
  EXPECT_EQ(resident_weight_bytes(s), (std::vector<uint64_t>{300, 0, 100 + 100}));
  EXPECT_EQ(weight_copies(s, s.ops[2]), 1u);
  EXPECT_EQ(weight_copies(s, s.ops[4]), 2u);
  EXPECT_FALSE(holds_weights(s.ops[3]));
}

TEST(Execution, TensorsOccupySramUntilTheirConsumerAndWeightsDoNot) {
  Dep d;
  d.kind = TensorKind::Spikes;
  d.bytes = 10;
  d.distance = 2;
  EXPECT_TRUE(occupies_sram(d));
  EXPECT_TRUE(has_consumer(d, 5, 8));
  EXPECT_FALSE(has_consumer(d, 6, 8));
  EXPECT_FALSE(producer_iteration(d, 1).has_value());
  EXPECT_EQ(producer_iteration(d, 2), 0u);
  d.kind = TensorKind::Weights;
  EXPECT_FALSE(occupies_sram(d));
  d.kind = TensorKind::Errors;
  d.bytes = 0;
  EXPECT_FALSE(occupies_sram(d));
}

TEST(Execution, CursorWalksRoundsAndSkipsIterationsOutsideTheRun) {
  Schedule s;
  s.processors = 1;
  s.ops = {op(0, TaskKind::F, 0, 0, 0), op(1, TaskKind::D, 0, 0, 2)};
  s.programs = {{OpId(0), OpId(1)}};
  std::vector<std::pair<uint32_t, uint32_t>> seen;  // (op, iteration)
  for (ProgramCursor c(s, ProcessorId(0), 3); !c.done(); c.next())
    seen.push_back({c.op().id.value, c.iteration()});
  // Rounds 0..4: F runs iterations 0..2 in rounds 0..2, D iterations 0..2 in rounds 2..4.
  const std::vector<std::pair<uint32_t, uint32_t>> want = {{0, 0}, {0, 1}, {0, 2}, {1, 0},
                                                           {1, 1}, {1, 2}};
  EXPECT_EQ(seen, want);
  ProgramCursor none(s, ProcessorId(0), 0);
  EXPECT_TRUE(none.done());
}

}  // namespace
}  // namespace spikepipe

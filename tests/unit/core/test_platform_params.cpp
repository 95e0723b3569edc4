// Parameter validation: each error names its key and the allowed range.
#include <gtest/gtest.h>

#include "spikepipe/core/platform.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/execution.h"

namespace spikepipe {
namespace {

std::string error_of(const PlatformParams& p) {
  try {
    p.validate();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

TEST(Params, DefaultsAreValid) { EXPECT_EQ(error_of(PlatformParams{}), ""); }

TEST(Params, ZeroLinkBandwidthNamesKey) {
  PlatformParams p;
  p.noc.link_bytes_per_cycle = 0;
  const std::string e = error_of(p);
  EXPECT_NE(e.find("noc-link-bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("positive"), std::string::npos) << e;
}

TEST(Params, MeshSmallerThanProcessorCount) {
  PlatformParams p;
  p.processors = 5;  // 2x2 mesh
  const std::string e = error_of(p);
  EXPECT_NE(e.find("noc-cols x noc-rows"), std::string::npos) << e;
  EXPECT_NE(e.find("4 nodes cannot hold 5"), std::string::npos) << e;
}

TEST(Params, PacketSizeZero) {
  PlatformParams p;
  p.noc.packet_bytes = 0;
  EXPECT_NE(error_of(p).find("noc-packet-bytes"), std::string::npos);
}

TEST(Params, ProcessorNodesOutOfRangeOrDuplicated) {
  PlatformParams p;
  p.noc.processor_nodes = {0, 1, 2, 4};
  std::string e = error_of(p);
  EXPECT_NE(e.find("processor-nodes"), std::string::npos) << e;
  EXPECT_NE(e.find("0..3"), std::string::npos) << e;
  p.noc.processor_nodes = {0, 1, 1, 3};
  e = error_of(p);
  EXPECT_NE(e.find("used twice"), std::string::npos) << e;
  p.noc.processor_nodes = {0, 1};
  EXPECT_NE(error_of(p).find("one node per processor"), std::string::npos);
  p.noc.processor_nodes = {3, 2, 1, 0};
  EXPECT_EQ(error_of(p), "");
  EXPECT_EQ(p.noc.node_of(0), 3u);
}

TEST(Params, DramNodesAndChannels) {
  PlatformParams p;
  p.memory.controller_nodes = {7};
  std::string e = error_of(p);
  EXPECT_NE(e.find("dram-nodes"), std::string::npos) << e;
  p.memory.controller_nodes = {};
  EXPECT_EQ(p.memory.controllers(), std::vector<uint32_t>{0});
  p.memory.channels = 0;
  EXPECT_NE(error_of(p).find("dram-channels"), std::string::npos);
  p.memory.channels = 2;
  p.memory.channel_bytes_per_cycle = -1;
  EXPECT_NE(error_of(p).find("dram-channel-bytes"), std::string::npos);
}

TEST(Params, SramSmallerThanWeightTile) {
  PlatformParams p;
  p.processor.sram_bytes = 4 * 32 * 32 - 1;
  const std::string e = error_of(p);
  EXPECT_NE(e.find("sram-bytes"), std::string::npos) << e;
  EXPECT_NE(e.find(">= 4096"), std::string::npos) << e;
  p.processor.sram_bytes = 4 * 32 * 32;
  EXPECT_EQ(error_of(p), "");
}

TEST(Params, RingHasOneRow) {
  PlatformParams p;
  p.noc.topology = NocShape::Ring;
  p.noc.cols = 4;
  p.noc.rows = 2;
  EXPECT_NE(error_of(p).find("noc-rows"), std::string::npos);
  p.noc.rows = 1;
  EXPECT_EQ(error_of(p), "");
}

TEST(Params, TopologyNames) {
  for (NocShape t : {NocShape::Mesh, NocShape::Torus, NocShape::Ring, NocShape::Crossbar}) {
    EXPECT_EQ(parse_noc_shape(to_string(t), "x"), t);
  }
  try {
    parse_noc_shape("hypercube", "noc-topology");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mesh, torus, ring, crossbar"), std::string::npos);
  }
}

TEST(Params, SerialCyclesRoundsUpExactly) {
  EXPECT_EQ(serial_cycles(0, 32.0), 0u);
  EXPECT_EQ(serial_cycles(1, 32.0), 1u);
  EXPECT_EQ(serial_cycles(32, 32.0), 1u);
  EXPECT_EQ(serial_cycles(33, 32.0), 2u);
  EXPECT_EQ(serial_cycles(256, 25.6), 10u);  // 256 / 25.6 is 10 up to rounding
  EXPECT_EQ(serial_cycles(257, 25.6), 11u);
}

}  // namespace
}  // namespace spikepipe

// SCALE-Sim topology import: both formats, implied pooling, fc rows, unchained rows, and errors
// that name the file, the line and the column.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/task_graph.h"
#include "spikepipe/workloads/topology.h"

namespace spikepipe {
namespace {

const std::string kData = std::string(SPIKEPIPE_TEST_DATA) + "/topologies/";

TopologySnnParams single() {  // B = T = 1: the forward GEMMs are exactly SCALE-Sim's
  TopologySnnParams p;
  p.timesteps = 1;
  p.batch = 1;
  return p;
}

const Task& fwd(const TaskGraph& g, uint32_t l) { return g.task(g.find(TaskKind::F, l)); }

void expect_gemm(const Task& t, uint64_t M, uint64_t N, uint64_t K) {
  EXPECT_EQ(t.gemm.M, M) << t.name;
  EXPECT_EQ(t.gemm.N, N) << t.name;
  EXPECT_EQ(t.gemm.K, K) << t.name;
}

TEST(Topology, ConvFormatWithImpliedPoolAndFcRow) {
  const Network n = import_topology(kData + "conv_small.csv", TopologyFormat::Conv, single());
  EXPECT_EQ(n.name, "conv_small");
  EXPECT_EQ(n.source, kData + "conv_small.csv");
  EXPECT_TRUE(n.chained);
  EXPECT_EQ(n.in_h, 12u);
  EXPECT_EQ(n.in_c, 1u);
  ASSERT_EQ(n.layers.size(), 3u);
  // Conv1: 12x12x1, 3x3 -> 10x10x4; the next IFMAP is 5x5, so a pool of 2 sits in between.
  EXPECT_EQ(n.layers[0].name, "Conv1");
  EXPECT_EQ(n.layers[0].kind, LayerKind::Conv);
  EXPECT_EQ(n.layers[0].pad, 0u);
  EXPECT_EQ(n.layers[0].pool, 2u);
  // Conv2: 5x5x4, 3x3 -> 3x3x8 = 72 features, exactly FC1's channels: no pool.
  EXPECT_EQ(n.layers[1].pool, 1u);
  // FC1: a 1x1 IFMAP under a 1x1 filter is fully connected.
  EXPECT_EQ(n.layers[2].kind, LayerKind::FC);
  EXPECT_EQ(n.layers[2].in_c, 72u);
  EXPECT_EQ(n.layers[2].out_c, 10u);

  const TaskGraph g = build_task_graph(n, ArrayParams{});
  expect_gemm(fwd(g, 0), 100, 4, 9);  // 10*10 positions, 4 filters, 3*3*1
  expect_gemm(fwd(g, 1), 9, 8, 36);   // 3*3 positions, 8 filters, 3*3*4
  expect_gemm(fwd(g, 2), 1, 10, 72);
}

TEST(Topology, PoolBeforeAnFcRow) {
  // Conv1: 6x6x2, 3x3 -> 4x4x8 = 128 features; FC1 takes 32 = 2x2x8, so a pool of 2.
  const Network n =
      import_topology(kData + "conv_pool_into_fc.csv", TopologyFormat::Conv, single());
  EXPECT_TRUE(n.chained);
  EXPECT_EQ(n.layers[0].pool, 2u);
  EXPECT_EQ(n.layers[1].kind, LayerKind::FC);
}

TEST(Topology, RowsThatDoNotChainKeepTheirOwnInput) {
  // Conv1 gives 8x8x4; Conv2 reads 9x9x6 (CRLF line ends, a blank line in between).
  const Network n = import_topology(kData + "unchained.csv", TopologyFormat::Conv, single());
  EXPECT_FALSE(n.chained);
  EXPECT_EQ(n.layers[0].pool, 1u);
  EXPECT_EQ(n.layers[1].in_h, 9u);
  EXPECT_EQ(n.layers[1].in_c, 6u);
  EXPECT_EQ(n.layers[1].conv_h(), 4u);  // (9 - 3) / 2 + 1
  const TaskGraph g = build_task_graph(n, ArrayParams{});
  // The spikes between the rows are the next row's IFMAP: 9*9*6 = 486 bits -> 61 bytes.
  for (const Edge& e : g.edges)
    if (e.kind == TensorKind::Spikes) {
      EXPECT_EQ(e.bytes, 61u);
    }
}

TEST(Topology, GemmFormat) {
  const Network n = import_topology(kData + "gemm_small.csv", TopologyFormat::Gemm, single());
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[0].kind, LayerKind::Conv);  // M = 64 positions of a 1x1 layer
  EXPECT_EQ(n.layers[1].kind, LayerKind::FC);    // M = 1
  const TaskGraph g = build_task_graph(n, ArrayParams{});
  expect_gemm(fwd(g, 0), 64, 32, 100);
  expect_gemm(fwd(g, 1), 1, 10, 32);
}

TEST(Topology, SnnParametersComeFromTheCaller) {
  TopologySnnParams p;
  p.timesteps = 4;
  p.batch = 2;
  p.act_bits = 8;
  p.neuron.theta = 0.75;
  const Network n = import_topology(kData + "gemm_small.csv", TopologyFormat::Gemm, p);
  EXPECT_EQ(n.timesteps, 4u);
  EXPECT_EQ(n.batch, 2u);
  EXPECT_EQ(n.act_bits, 8u);
  EXPECT_EQ(n.neuron.theta, 0.75);
  // B*T = 8 samples-steps: F1's GEMM M = 8 * 64.
  EXPECT_EQ(fwd(build_task_graph(n, ArrayParams{}), 0).gemm.M, 512u);
}

struct BadCase {
  const char* file;
  TopologyFormat format;
  std::string at;  // expected start of the message after the path
  std::vector<std::string> parts;
};

class MalformedTopology : public testing::TestWithParam<BadCase> {};

TEST_P(MalformedTopology, ErrorNamesFileLineAndColumn) {
  const BadCase& c = GetParam();
  const std::string path = kData + "bad/" + c.file;
  std::string msg = "no error";
  try {
    import_topology(path, c.format, TopologySnnParams{});
  } catch (const Error& e) {
    msg = e.what();
  }
  EXPECT_EQ(msg.rfind(path + c.at, 0), 0u) << msg;
  for (const auto& p : c.parts)
    EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Files, MalformedTopology,
    testing::Values(
        BadCase{"too_few_columns.csv",
                TopologyFormat::Conv,
                ":3: ",
                {"row 'Conv2' has 6 columns, expected 8", "Strides"}},
        BadCase{"gemm_as_conv.csv",
                TopologyFormat::Conv,
                ":2: ",
                {"has 4 columns", "--topology-format gemm"}},
        BadCase{"not_a_number.csv",
                TopologyFormat::Conv,
                ":2: column 3 (IFMAP Width): ",
                {"'twelve' is not an integer"}},
        BadCase{"zero_filters.csv",
                TopologyFormat::Conv,
                ":2: column 7 (Num Filter): ",
                {"value 0 is out of range"}},
        BadCase{"filter_too_big.csv",
                TopologyFormat::Conv,
                ":3: column 4 (Filter Height): ",
                {"exceeds the IFMAP height 3"}},
        BadCase{"header_only.csv", TopologyFormat::Conv, ": ", {"no layer rows"}},
        BadCase{"empty.csv", TopologyFormat::Gemm, ": ", {"no layer rows", "Layer, M, N, K"}},
        BadCase{"gemm_negative.csv", TopologyFormat::Gemm, ":2: column 3 (N): ", {"-2"}},
        BadCase{"gemm_too_few.csv", TopologyFormat::Gemm, ":2: ", {"has 3 columns, expected 4"}}),
    [](const testing::TestParamInfo<BadCase>& i) {
      std::string s = i.param.file;
      return s.substr(0, s.find('.'));
    });

TEST(Topology, AConvFileReadAsGemmIsRefused) {
  try {
    import_topology(kData + "conv_small.csv", TopologyFormat::Gemm, TopologySnnParams{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "conv_small.csv:2: row 'Conv1' has 8 columns, expected 4 (is this a conv file? "
                  "use --topology-format conv)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Topology, UnreadableFileAndUnknownFormat) {
  try {
    import_topology(kData + "missing.csv", TopologyFormat::Conv, TopologySnnParams{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.csv: cannot read topology file"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(parse_topology_format("gemm", "x"), TopologyFormat::Gemm);
  EXPECT_EQ(parse_topology_format("conv", "x"), TopologyFormat::Conv);
  try {
    parse_topology_format("mnk", "--topology-format");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("--topology-format: unknown topology format 'mnk'", 0), 0u) << m;
  }
}

}  // namespace
}  // namespace spikepipe

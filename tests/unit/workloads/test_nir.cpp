// NIR import and export (docs/NETWORK_FORMAT.md, "NIR"). Files written by other tools
// (tests/data/nir/, made by make_foreign.py with h5py as nir.write lays them out, and
// tests/data/nir/nirlib/, made by make_nirlib.py with the real nir library) give the shapes
// worked out by hand below; graphs built here go through our own HDF5 writer (hdf5_tree.h, the
// code behind `spikepipe export --nir`); every bad file gives one Error naming the file and node.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/hdf5_tree.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/nir.h"
#include "spikepipe/workloads/task_graph.h"
#include "support/binary.h"

namespace spikepipe {
namespace {

namespace fs = std::filesystem;
const std::string kNir = std::string(SPIKEPIPE_TEST_DATA) + "/nir/";

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void expect_layer(const Layer& L, LayerKind kind, uint32_t h, uint32_t w, uint32_t c,
                  uint32_t kh, uint32_t kw, uint32_t pad, uint32_t out_c, uint32_t pool,
                  uint32_t out_h, uint32_t out_w) {
  EXPECT_EQ(L.kind, kind) << L.name;
  EXPECT_EQ(L.in_h, h) << L.name;
  EXPECT_EQ(L.in_w, w) << L.name;
  EXPECT_EQ(L.in_c, c) << L.name;
  EXPECT_EQ(L.kernel_h, kh) << L.name;
  EXPECT_EQ(L.kernel_w, kw) << L.name;
  EXPECT_EQ(L.pad, pad) << L.name;
  EXPECT_EQ(L.out_c, out_c) << L.name;
  EXPECT_EQ(L.pool, pool) << L.name;
  EXPECT_EQ(L.out_h(), out_h) << L.name;
  EXPECT_EQ(L.out_w(), out_w) << L.name;
}

// ---------- a small graph builder over our HDF5 writer ----------

using h5::Group;

Group typed(const std::string& type) {
  Group g;
  g.data["type"] = h5::text(type);
  return g;
}
Group input(std::vector<int64_t> shape) {
  Group g = typed("Input");
  if (!shape.empty()) g.data["shape"] = h5::integers(shape);
  return g;
}
Group output() { return typed("Output"); }
Group affine(uint64_t out, uint64_t in, bool bias = true) {
  Group g = typed(bias ? "Affine" : "Linear");
  g.data["weight"] = h5::constant(0, {out, in});
  if (bias) g.data["bias"] = h5::constant(0, {out});
  return g;
}
Group conv2d(uint64_t cout, uint64_t cin, uint64_t k, h5::Value padding, std::vector<int64_t> hw = {}) {
  Group g = typed("Conv2d");
  g.data["weight"] = h5::constant(0, {cout, cin, k, k});
  g.data["bias"] = h5::constant(0, {cout});
  g.data["stride"] = h5::integers({1, 1});
  g.data["padding"] = padding;
  g.data["dilation"] = h5::integer(1);
  g.data["groups"] = h5::integer(1);
  if (!hw.empty()) g.data["input_shape"] = h5::integers(hw);
  return g;
}
Group lif(std::vector<uint64_t> shape, double tau = 4, double thr = 1) {
  Group g = typed("LIF");
  g.data["tau"] = h5::constant(tau, shape);
  g.data["r"] = h5::constant(tau, shape);  // c = r*dt/tau = 1
  g.data["v_leak"] = h5::constant(0, shape);
  g.data["v_threshold"] = h5::constant(thr, shape);
  return g;
}
Group pool(const std::string& type, int64_t k, int64_t s) {
  Group g = typed(type);
  g.data["kernel_size"] = h5::integers({k, k});
  g.data["stride"] = h5::integers({s, s});
  g.data["padding"] = h5::integers({0, 0});
  return g;
}

using Edges = std::vector<std::pair<std::string, std::string>>;

Group graph(std::map<std::string, Group> nodes, Edges edges, unsigned shuffle_seed = 0) {
  if (shuffle_seed) std::shuffle(edges.begin(), edges.end(), std::mt19937(shuffle_seed));
  Group g = typed("NIRGraph");
  g.groups["nodes"].groups = std::move(nodes);
  std::vector<std::string> flat;
  for (const auto& [a, b] : edges) flat.push_back(a), flat.push_back(b);
  g.data["edges"] = h5::texts(flat, {edges.size(), 2});
  return g;
}

std::string write_nir(const std::string& name, Group top, const std::string& version = "1.0") {
  static const fs::path dir = test::scratch("nir");
  Group root;
  if (!version.empty()) root.data["version"] = h5::text(version);
  root.groups["node"] = std::move(top);
  const std::string path = (dir / name).string();
  h5::write_file(path, root);
  return path;
}

// input 1x8x8 -> conv 3x3x4 pad 1 -> LIF -> pool 2 -> flatten -> fc 64 -> 10 -> LIF
Group small_conv_net(unsigned seed = 0) {
  Group flat = typed("Flatten");
  flat.data["start_dim"] = h5::integer(0);
  flat.data["end_dim"] = h5::integer(-1);
  return graph({{"in", input({1, 8, 8})},
                {"c", conv2d(4, 1, 3, h5::integer(1))},
                {"n1", lif({4, 8, 8})},
                {"p", pool("SumPool2d", 2, 2)},
                {"f", flat},
                {"fc", affine(10, 64)},
                {"n2", lif({10})},
                {"out", output()}},
               {{"in", "c"}, {"c", "n1"}, {"n1", "p"}, {"p", "f"}, {"f", "fc"}, {"fc", "n2"},
                {"n2", "out"}},
               seed);
}

// ---------- files written by other tools ----------

NetworkLoadOptions dt(double v) {
  NetworkLoadOptions o;
  o.nir_dt = v;
  return o;
}

TEST(NirForeign, SnnTorchFullyConnected) {
  // snnTorch exports with dt = 1e-4 (tau = 1e-3 for beta 0.9): with dt = 1 tau is too short.
  const std::string e = error_of([] { load_network(kNir + "snntorch_fc.nir"); });
  EXPECT_NE(e.find("snntorch_fc.nir: node 'lif1' (LIF): tau = 0.001 is shorter than the time "
                   "step dt = 1"),
            std::string::npos)
      << e;
  const Network n = load_network(kNir + "snntorch_fc.nir", dt(1e-4));
  EXPECT_EQ(n.name, "snntorch_fc");
  ASSERT_EQ(n.layers.size(), 2u);
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 784, 1, 1, 0, 128, 1, 1, 1);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 128, 1, 1, 0, 10, 1, 1, 1);
  EXPECT_EQ(n.layers[0].name, "fc1");
  // snnTorch: tau = dt/(1-beta), r = tau/dt, so lambda = 1 - dt/tau = beta and c = r*dt/tau = 1.
  EXPECT_EQ(n.layers[0].neuron.model, "LIF");
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.9, 1e-6);
  EXPECT_NEAR(n.layers[0].neuron.params.c, 1.0, 1e-6);
  EXPECT_NEAR(n.layers[0].neuron.params.theta, 1.0, 1e-6);
  EXPECT_NEAR(n.layers[1].neuron.params.lambda, 0.8, 1e-6);
  EXPECT_NEAR(n.layers[1].neuron.params.theta, 0.5, 1e-6);
  EXPECT_NEAR(n.neuron.lambda, 0.9, 1e-6);  // the network's neuron: the first layer's
  EXPECT_EQ(n.in_c, 784u);
  EXPECT_EQ(n.timesteps, 20u);
  EXPECT_EQ(n.batch, 32u);
}

TEST(NirForeign, NorseConvNeedsItsTimeStep) {
  // Norse writes taus in seconds (0.01 s) for dt = 1 ms: with dt = 1, lambda would be -99.
  const std::string e = error_of([] { load_network(kNir + "norse_conv.nir"); });
  EXPECT_NE(e.find("norse_conv.nir: node 'lif"), std::string::npos) << e;
  EXPECT_NE(e.find("--nir-dt"), std::string::npos) << e;
  const Network n = load_network(kNir + "norse_conv.nir", dt(0.001));
  ASSERT_EQ(n.layers.size(), 3u);
  // 28x28x1, conv 5x5 pad 2 -> 28x28x8, pool 2 -> 14x14x8
  expect_layer(n.layers[0], LayerKind::Conv, 28, 28, 1, 5, 5, 2, 8, 2, 14, 14);
  // 14x14x8, conv 3x3 pad 1 -> 14x14x16, pool 2 -> 7x7x16
  expect_layer(n.layers[1], LayerKind::Conv, 14, 14, 8, 3, 3, 1, 16, 2, 7, 7);
  // flatten 7*7*16 = 784 -> 10
  expect_layer(n.layers[2], LayerKind::FC, 1, 1, 784, 1, 1, 0, 10, 1, 1, 1);
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.9, 1e-9);  // 1 - 0.001/0.01
  EXPECT_NEAR(n.layers[0].neuron.params.c, 0.1, 1e-9);       // r*dt/tau
  EXPECT_EQ(n.in_h, 28u);
  EXPECT_EQ(n.in_c, 1u);
}

TEST(NirForeign, SinabsSamePaddingAvgPoolLinear) {
  const Network n = load_network(kNir + "sinabs_same.nir");
  ASSERT_EQ(n.layers.size(), 2u);
  // 32x32x2, conv 3x3 'same' (pad 1) -> 32x32x4, avgpool 4 -> 8x8x4
  expect_layer(n.layers[0], LayerKind::Conv, 32, 32, 2, 3, 3, 1, 4, 4, 8, 8);
  // 8*8*4 = 256 -> 11 (Linear: no bias)
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 256, 1, 1, 0, 11, 1, 1, 1);
  EXPECT_EQ(n.layers[0].neuron.model, "IF");
  EXPECT_DOUBLE_EQ(n.layers[0].neuron.params.lambda, 1.0);
  EXPECT_DOUBLE_EQ(n.layers[1].neuron.params.theta, 2.0);
  EXPECT_EQ(n.layers[1].name, "4");
}

TEST(NirForeign, NirRecurrentExample) {
  const Network n = load_network(kNir + "rnn_recurrent.nir");
  ASSERT_EQ(n.layers.size(), 2u);
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 2, 1, 1, 0, 3, 1, 1, 1);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 3, 1, 1, 0, 2, 1, 1, 1);
  EXPECT_TRUE(n.layers[0].recurrent);
  EXPECT_FALSE(n.layers[1].recurrent);
  EXPECT_EQ(n.layers[0].weights(), 2u * 3 + 3 * 3);  // input weights + recurrent 3x3
  const LayerNeuron& c = n.layers[0].neuron;
  EXPECT_EQ(c.model, "CubaLIF");
  EXPECT_TRUE(c.synaptic);
  EXPECT_NEAR(c.params.lambda, 0.95, 1e-12);  // 1 - 1/20
  EXPECT_NEAR(c.syn_lambda, 0.8, 1e-12);      // 1 - 1/5
  EXPECT_NEAR(c.params.c, 1.0, 1e-12);        // w_in * r * dt / tau_mem = 20/20
}

TEST(NirForeign, SnnTorchRecurrentLayerAsNestedGraph) {
  const Network n = load_network(kNir + "snntorch_rsynaptic.nir", dt(1e-4));
  ASSERT_EQ(n.layers.size(), 2u);
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 40, 1, 1, 0, 64, 1, 1, 1);
  EXPECT_TRUE(n.layers[0].recurrent);
  EXPECT_EQ(n.layers[0].weights(), 40u * 64 + 64 * 64);
  const LayerNeuron& c = n.layers[0].neuron;
  EXPECT_EQ(c.model, "CubaLIF");
  EXPECT_NEAR(c.params.lambda, 0.95, 1e-9);  // beta
  EXPECT_NEAR(c.syn_lambda, 0.8, 1e-9);      // alpha
  EXPECT_NEAR(c.params.c, 5.0, 1e-6);        // w_in*r*dt/tau_mem = (tau_syn/dt) = 1/(1-alpha)
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 64, 1, 1, 0, 5, 1, 1, 1);
}

TEST(NirForeign, OldVersionConv1dScaleThresholdDelayLI) {
  const Network n = load_network(kNir + "nir0_conv1d.nir");
  ASSERT_EQ(n.layers.size(), 2u);
  // 2 x 16 -> Conv1d k3 -> 6 x 14: a 1x3 conv over a 1x16 map
  expect_layer(n.layers[0], LayerKind::Conv, 1, 16, 2, 1, 3, 0, 6, 1, 1, 14);
  EXPECT_EQ(n.layers[0].neuron.model, "Threshold");
  EXPECT_DOUBLE_EQ(n.layers[0].neuron.params.lambda, 0.0);
  EXPECT_DOUBLE_EQ(n.layers[0].neuron.params.theta, 0.25);
  // flatten 6*14 = 84 -> 4, an LI read-out
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 84, 1, 1, 0, 4, 1, 1, 1);
  EXPECT_EQ(n.layers[1].neuron.model, "LI");
  EXPECT_FALSE(n.layers[1].neuron.spiking);
  EXPECT_NEAR(n.layers[1].neuron.params.lambda, 0.75, 1e-12);
}

TEST(NirForeign, EveryForeignFileCostsAsATaskGraph) {
  const std::vector<std::pair<std::string, double>> files = {
      {"snntorch_fc", 1e-4}, {"snntorch_rsynaptic", 1e-4}, {"norse_conv", 1e-3},
      {"sinabs_same", 1},    {"rnn_recurrent", 1},         {"nir0_conv1d", 1}};
  for (const auto& [f, step] : files) {
    const Network n = load_network(kNir + f + ".nir", dt(step));
    const TaskGraph g = build_task_graph(n, ArrayParams{});
    EXPECT_GT(g.total_cycles(), 0u) << f;
  }
}

// ---------- files written by the real nir library (tests/data/nir/nirlib/) ----------
// make_nirlib.py builds these with nir 1.0.1's own node classes and nir.write (neuromorphs/NIR;
// the commits are in its docstring). The shapes below are worked out by hand from the graphs
// it builds.

const std::string kNirLib = kNir + "nirlib/";

TEST(NirLib, PaperCsnnAsSinabsExportsIt) {
  // The NIR paper's N-MNIST CSNN (paper/02_cnn/mnist_sinabs_to_nir.py), through sinabs.to_nir
  // and nir's infer_types: IF neurons with per-neuron arrays, tuple strides and paddings.
  const Network n = load_network(kNirLib + "paper_cnn_sinabs.nir");
  ASSERT_EQ(n.layers.size(), 5u);
  // 2x34x34, conv 5x5 stride 2 pad 1: (34 + 2 - 5) / 2 + 1 = 16 -> 16x16x16 (the IF, no pool)
  expect_layer(n.layers[0], LayerKind::Conv, 34, 34, 2, 5, 5, 1, 16, 1, 16, 16);
  EXPECT_EQ(n.layers[0].stride, 2u);
  EXPECT_EQ(n.layers[0].name, "0");
  // conv 3x3 pad 1 -> 16x16x16, IF, SumPool2d 2 -> 8x8x16
  expect_layer(n.layers[1], LayerKind::Conv, 16, 16, 16, 3, 3, 1, 16, 2, 8, 8);
  // conv 3x3 pad 1 -> 8x8x8, IF, SumPool2d 2 -> 4x4x8
  expect_layer(n.layers[2], LayerKind::Conv, 8, 8, 16, 3, 3, 1, 8, 2, 4, 4);
  // Flatten (start_dim 1, input_type [8,4,4] after infer_types): 128 -> 256 -> 10
  expect_layer(n.layers[3], LayerKind::FC, 1, 1, 128, 1, 1, 0, 256, 1, 1, 1);
  expect_layer(n.layers[4], LayerKind::FC, 1, 1, 256, 1, 1, 0, 10, 1, 1, 1);
  for (const Layer& L : n.layers) {
    EXPECT_EQ(L.neuron.model, "IF") << L.name;
    EXPECT_DOUBLE_EQ(L.neuron.params.lambda, 1.0) << L.name;
    EXPECT_DOUBLE_EQ(L.neuron.params.c, 1.0) << L.name;  // r * dt
    EXPECT_DOUBLE_EQ(L.neuron.params.theta, 1.0) << L.name;
    EXPECT_FALSE(L.neuron.per_neuron) << L.name;  // per-neuron arrays, all alike
  }
  EXPECT_EQ(n.in_h, 34u);
  EXPECT_EQ(n.in_c, 2u);
}

TEST(NirLib, PaperBrailleRsnnAsSnnTorchExportsIt) {
  // paper/03_rnn (parameters_ref_20231017): 12 -> RSynaptic 54 (alpha .8, beta .4) -> Synaptic
  // 7 (alpha .75, beta .3); snnTorch's dt = 1e-4.
  const Network n = load_network(kNirLib + "paper_rnn_braille.nir", dt(1e-4));
  ASSERT_EQ(n.layers.size(), 2u);
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 12, 1, 1, 0, 54, 1, 1, 1);
  EXPECT_EQ(n.layers[0].name, "fc1");
  EXPECT_TRUE(n.layers[0].recurrent);  // lif1 is a nested graph: lif <-> w_rec
  EXPECT_EQ(n.layers[0].weights(), 12u * 54 + 54 * 54);
  const LayerNeuron& a = n.layers[0].neuron;
  EXPECT_EQ(a.model, "CubaLIF");
  EXPECT_NEAR(a.params.lambda, 0.4, 1e-9);  // beta
  EXPECT_NEAR(a.syn_lambda, 0.8, 1e-9);     // alpha
  EXPECT_NEAR(a.params.c, 5.0, 1e-6);       // w_in*r*dt/tau_mem = tau_syn/dt = 1/(1-alpha)
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 54, 1, 1, 0, 7, 1, 1, 1);
  EXPECT_FALSE(n.layers[1].recurrent);
  const LayerNeuron& b = n.layers[1].neuron;  // 0-d float32 parameters
  EXPECT_EQ(b.model, "CubaLIF");
  EXPECT_NEAR(b.params.lambda, 0.3, 1e-6);
  EXPECT_NEAR(b.syn_lambda, 0.75, 1e-6);
  EXPECT_NEAR(b.params.c, 4.0, 1e-5);
}

TEST(NirLib, SnnTorchLeakyWithBatchedInput) {
  const Network n = load_network(kNirLib + "snntorch_leaky.nir", dt(1e-4));
  ASSERT_EQ(n.layers.size(), 2u);
  // Input [1, 100]: the traced sample's batch of one
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 100, 1, 1, 0, 32, 1, 1, 1);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 32, 1, 1, 0, 10, 1, 1, 1);
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.9, 1e-6);
  EXPECT_NEAR(n.layers[0].neuron.params.c, 1.0, 1e-5);
  EXPECT_NEAR(n.layers[1].neuron.params.lambda, 0.8, 1e-6);
  EXPECT_NEAR(n.layers[1].neuron.params.theta, 0.5, 1e-6);
  EXPECT_EQ(n.in_c, 100u);
}

TEST(NirLib, FromListNamesAndNeurons) {
  // NIRGraph.from_list(Affine, LIF, Affine, IF, Linear, LI) names the nodes itself.
  const Network n = load_network(kNirLib + "from_list.nir");
  ASSERT_EQ(n.layers.size(), 3u);
  EXPECT_EQ(n.layers[0].name, "affine");
  EXPECT_EQ(n.layers[1].name, "affine_1");
  EXPECT_EQ(n.layers[2].name, "linear");
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 30, 1, 1, 0, 20, 1, 1, 1);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 20, 1, 1, 0, 16, 1, 1, 1);
  expect_layer(n.layers[2], LayerKind::FC, 1, 1, 16, 1, 1, 0, 5, 1, 1, 1);
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.75, 1e-12);  // LIF tau 4
  EXPECT_EQ(n.layers[1].neuron.model, "IF");
  EXPECT_DOUBLE_EQ(n.layers[1].neuron.params.theta, 2.0);
  EXPECT_EQ(n.layers[2].neuron.model, "LI");  // the read-out
  EXPECT_FALSE(n.layers[2].neuron.spiking);
  EXPECT_NEAR(n.layers[2].neuron.params.lambda, 0.8, 1e-12);  // tau 5
  EXPECT_NEAR(n.layers[2].neuron.params.c, 0.2, 1e-12);       // r*dt/tau
}

TEST(NirLib, Conv1dScaleThresholdDelayFlattenLI) {
  const Network n = load_network(kNirLib + "conv1d_chain.nir");
  ASSERT_EQ(n.layers.size(), 2u);
  // 2 x 16, Conv1d k3 -> 6 x 14: a 1x3 conv over a 1x16 map
  expect_layer(n.layers[0], LayerKind::Conv, 1, 16, 2, 1, 3, 0, 6, 1, 1, 14);
  EXPECT_EQ(n.layers[0].neuron.model, "Threshold");
  EXPECT_DOUBLE_EQ(n.layers[0].neuron.params.theta, 0.25);
  // 6*14 = 84 -> 4, LI tau 4
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 84, 1, 1, 0, 4, 1, 1, 1);
  EXPECT_NEAR(n.layers[1].neuron.params.lambda, 0.75, 1e-12);
}

TEST(NirLib, Conv2dSameValidStrideAndPool) {
  const Network n = load_network(kNirLib + "conv2d_padding.nir");
  ASSERT_EQ(n.layers.size(), 3u);
  // 3x16x16, conv 3x3 'same' (pad 1) -> 8x16x16, IF, SumPool2d 2 -> 8x8x8
  expect_layer(n.layers[0], LayerKind::Conv, 16, 16, 3, 3, 3, 1, 8, 2, 8, 8);
  // conv 3x3 'valid' stride 2: (8 - 3) / 2 + 1 = 3 -> 12x3x3
  expect_layer(n.layers[1], LayerKind::Conv, 8, 8, 8, 3, 3, 0, 12, 1, 3, 3);
  EXPECT_EQ(n.layers[1].stride, 2u);
  EXPECT_NEAR(n.layers[1].neuron.params.lambda, 0.9, 1e-12);  // LIF tau 10
  // 12*3*3 = 108 -> 10
  expect_layer(n.layers[2], LayerKind::FC, 1, 1, 108, 1, 1, 0, 10, 1, 1, 1);
}

TEST(NirLib, RecurrentCubaLifExample) {
  const Network n = load_network(kNirLib + "recurrent_cubalif.nir");
  ASSERT_EQ(n.layers.size(), 2u);
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 2, 1, 1, 0, 3, 1, 1, 1);
  EXPECT_TRUE(n.layers[0].recurrent);
  EXPECT_EQ(n.layers[0].weights(), 2u * 3 + 3 * 3);
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.95, 1e-12);
  EXPECT_NEAR(n.layers[0].neuron.syn_lambda, 0.8, 1e-12);
  EXPECT_NEAR(n.layers[0].neuron.params.c, 1.0, 1e-12);  // w_in defaults to 1 in nir
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 3, 1, 1, 0, 2, 1, 1, 1);
}

TEST(NirLib, NestedGraphsTwoDeep) {
  const Network n = load_network(kNirLib + "nested.nir");
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[0].name, "l1.w");
  EXPECT_EQ(n.layers[1].name, "block.inner.w");
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 40, 1, 1, 0, 24, 1, 1, 1);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 24, 1, 1, 0, 12, 1, 1, 1);
}

TEST(NirLib, WhatWeCannotModelSaysWhichNodeAndWhy) {
  // nirlib/bad/: graphs nir 1.0.1 writes without complaint that our layers cannot hold.
  const std::map<std::string, std::string> expect = {
      {"groups", "node 'c' (Conv2d): groups = 2 (allowed: groups = 1: grouped and depthwise"},
      {"dilation", "node 'c' (Conv2d): dilation 2 (allowed: dilation 1"},
      {"rect_stride", "node 'c' (Conv2d): stride = (1, 2)"},
      {"even_same", "node 'c' (Conv2d): padding 'same' with a 4x4 kernel"},
      {"overlap_pool", "node 'p' (SumPool2d): kernel 3 with stride 2"},
      {"li_mid", "node 'b' (Affine): reads the output of the LI neuron of 'a'"},
      {"residual", "node 'n' (LIF): feeds 2 nodes ('b', 'm')"},
      {"rec_conv", "node 'n' (LIF): feeds back through 'r' on the conv layer 'c'"}};
  size_t seen = 0;
  for (const auto& e : fs::directory_iterator(kNirLib + "bad")) {
    const std::string stem = e.path().stem().string();
    const auto it = expect.find(stem);
    ASSERT_NE(it, expect.end()) << e.path() << " has no expected error";
    ++seen;
    const std::string err = error_of([&] { load_network(e.path().string()); });
    EXPECT_NE(err.find(e.path().string() + ": " + it->second), std::string::npos) << err;
  }
  EXPECT_EQ(seen, expect.size());
}

TEST(NirLib, EveryFileInTheFolderIsCoveredAndCosts) {
  // Every file make_nirlib.py writes has a test above; a new one must get its shapes here.
  const std::map<std::string, double> files = {
      {"paper_cnn_sinabs.nir", 1},  {"paper_rnn_braille.nir", 1e-4}, {"snntorch_leaky.nir", 1e-4},
      {"from_list.nir", 1},         {"conv1d_chain.nir", 1},          {"conv2d_padding.nir", 1},
      {"recurrent_cubalif.nir", 1}, {"nested.nir", 1}};
  size_t seen = 0;
  for (const auto& e : fs::directory_iterator(kNirLib)) {
    if (e.path().extension() != ".nir") continue;
    ++seen;
    const auto it = files.find(e.path().filename().string());
    ASSERT_NE(it, files.end()) << e.path() << " has no hand-computed test";
    const Network n = load_network(e.path().string(), dt(it->second));
    EXPECT_GT(build_task_graph(n, ArrayParams{}).total_cycles(), 0u) << e.path();
  }
  EXPECT_EQ(seen, files.size());
}

// The fuzz target's entry (import_nir_bytes(): the bytes through HDF5's core driver, no file) reads
// every foreign file as import_nir() reads it from disk, and refuses what is not HDF5 the same way.
TEST(NirForeign, FromBytesAsFromTheFile) {
  auto describe = [](const Network& n) {
    std::string s = n.name + " " + std::to_string(n.in_h) + "x" + std::to_string(n.in_w) + "x" +
                    std::to_string(n.in_c) + " T" + std::to_string(n.timesteps) + " B" +
                    std::to_string(n.batch);
    for (const Layer& L : n.layers)
      s += " | " + L.name + " " + std::to_string(int(L.kind)) + " " + std::to_string(L.in_h) + "x" +
           std::to_string(L.in_w) + "x" + std::to_string(L.in_c) + " k" + std::to_string(L.kernel_h) +
           "x" + std::to_string(L.kernel_w) + " s" + std::to_string(L.stride) + " p" +
           std::to_string(L.pad) + " o" + std::to_string(L.out_c) + " pool" +
           std::to_string(L.pool) + (L.recurrent ? " rec " : " ") + L.neuron.model + " " +
           std::to_string(L.neuron.params.lambda);
    return s;
  };
  const std::map<std::string, double> step = {{"snntorch_fc", 1e-4}, {"snntorch_rsynaptic", 1e-4},
                                               {"norse_conv", 1e-3}};
  int n = 0;
  for (const auto& e : fs::directory_iterator(kNir)) {
    if (e.path().extension() != ".nir") continue;
    SCOPED_TRACE(e.path().string());
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    NirOptions o;
    if (auto it = step.find(e.path().stem().string()); it != step.end()) o.dt = it->second;
    const Network from_file = import_nir(e.path().string(), o);
    const Network from_bytes = import_nir_bytes(bytes, e.path().string(), o);
    EXPECT_EQ(describe(from_bytes), describe(from_file));
    EXPECT_EQ(from_bytes.source, from_file.source);
    // A second read of the same bytes (HDF5 must not take it for the already open first image).
    EXPECT_EQ(describe(import_nir_bytes(bytes, e.path().string(), o)), describe(from_file));
    // Cut short: one Error naming the file, never a crash.
    const std::string cut = error_of([&] { import_nir_bytes(bytes.substr(0, bytes.size() / 2), "cut.nir"); });
    EXPECT_EQ(cut.rfind("cut.nir", 0), 0u) << cut;
    ++n;
  }
  EXPECT_GE(n, 6);
  EXPECT_EQ(error_of([] { import_nir_bytes("input: {height: 1}\n", "text.nir"); }),
            "text.nir: is not an HDF5 file (no HDF5 signature), so not a NIR file "
            "(allowed: a NIR file as written by nir.write (HDF5))");
  EXPECT_EQ(error_of([] { import_nir_bytes("", "empty.nir"); }).rfind("empty.nir: ", 0), 0u);
}

// fuzz_nir's first finding: a list of strings whose second cannot be read (a damaged global-heap
// reference) made HDF5 1.10 allocate the first, fail, and drop it: a leak inside libhdf5 that
// LeakSanitizer reports (the sanitizer run of this test). Strings are now read one per H5Dread.
// The intact list reads back; the damaged one is one Error. And a string that claims to be longer
// than 1 MiB or than the file is one Error before HDF5 allocates anything for it.
TEST(NirBad, AStringListThatFailsPartWayIsAnErrorAndFreesWhatWasRead) {
  Group root;
  root.data["version"] = h5::text("1.0");
  root.data["names"] = h5::texts({std::string(400, 'a'), std::string(400, 'b')}, {2});
  const fs::path p = test::scratch("nir_vlen") / "two.nir";
  h5::write_file(p.string(), root);
  std::ifstream in(p, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Group good = h5::read_image(bytes.data(), bytes.size(), "two.nir", {}, 100);
  ASSERT_NE(good.value("names"), nullptr);
  EXPECT_EQ(good.value("names")->str,
            (std::vector<std::string>{std::string(400, 'a'), std::string(400, 'b')}));
  // Each string of the dataset is a reference (length u32, heap collection address u64, index
  // u32) into the global heap collection "GCOL". Point the second one to where no collection is.
  const size_t gcol = bytes.find("GCOL");
  ASSERT_NE(gcol, std::string::npos);
  auto reference = [&](uint32_t index) {
    std::string r(16, '\0');
    const uint32_t len = 400;
    const uint64_t addr = gcol;
    std::memcpy(&r[0], &len, 4);
    std::memcpy(&r[4], &addr, 8);
    std::memcpy(&r[12], &index, 4);
    return r;
  };
  // The strings are converted in the order of their references in the file: damage the later one.
  ASSERT_NE(bytes.find(reference(1)), std::string::npos);
  ASSERT_NE(bytes.find(reference(2)), std::string::npos);
  const size_t second = std::max(bytes.find(reference(1)), bytes.find(reference(2)));
  const uint64_t nowhere = gcol + 8, gcol_address = gcol;
  std::memcpy(&bytes[second + 4], &nowhere, 8);
  // The reader now walks the heap collections first and names the damage (HDF5 is not asked).
  EXPECT_EQ(error_of([&] { h5::read_image(bytes.data(), bytes.size(), "two.nir", {}, 100); }),
            "two.nir: /names: the strings' heap at " + std::to_string(nowhere) +
                " is damaged: no heap collection there");
  // fuzz_nir's second: a reference whose length claims more than the file holds. libhdf5 1.10
  // allocates and clears a buffer of the claimed length before it finds out (4 GiB here: 4.7 GB
  // and 48 s under ASan); the reader checks the lengths first.
  std::memcpy(&bytes[second + 4], &gcol_address, 8);
  const uint32_t huge = 0xfffffff0u;
  std::memcpy(&bytes[second], &huge, 4);
  EXPECT_EQ(error_of([&] { h5::read_image(bytes.data(), bytes.size(), "two.nir", {}, 100); }),
            "two.nir: /names: a string of 4294967280 bytes in a file of " +
                std::to_string(bytes.size()) + " bytes (allowed: at most 1048576 bytes each)");
  // The input the fuzzer found (its edge list claims 2 GiB), read from memory and from disk.
  const std::string found = std::string(SPIKEPIPE_TEST_DATA) + "/fuzz/nir/string-claims-2-gib.nir";
  std::ifstream fin(found, std::ios::binary);
  const std::string fbytes((std::istreambuf_iterator<char>(fin)), std::istreambuf_iterator<char>());
  const std::string want = ": /node/edges: a string of 2193359291 bytes in a file of 32264 bytes "
                           "(allowed: at most 1048576 bytes each)";
  EXPECT_EQ(error_of([&] { import_nir_bytes(fbytes, "f.nir"); }), "f.nir" + want);
  EXPECT_EQ(error_of([&] { import_nir(found); }), found + want);
  // fuzz_nir's fourth: a heap object whose size runs 281 GiB past its collection; libhdf5 1.10
  // memcpy'd that much out of a 4 kB buffer (ASan: memcpy-param-overlap; a crash without ASan).
  const std::string heap = std::string(SPIKEPIPE_TEST_DATA) +
                           "/fuzz/nir/heap-object-larger-than-its-collection.nir";
  EXPECT_EQ(error_of([&] { import_nir(heap); }),
            heap + ": /node/edges: the strings' heap at 2064 is damaged: object 17 of "
                   "301872447491 bytes");
  // Its fifth: a reference to an object index the collection does not hold (a SEGV in H5HG_read).
  const std::string index = std::string(SPIKEPIPE_TEST_DATA) + "/fuzz/nir/string-refers-to-no-heap-object.nir";
  EXPECT_EQ(error_of([&] { import_nir(index); }),
            index + ": /node/edges: the strings' heap at 2064 is damaged: a string refers to object "
                    "4110417930, which it does not hold");
}

// ---------- graphs written through our writer ----------

TEST(NirImport, SmallConvNetShapes) {
  const Network n = import_nir(write_nir("conv.nir", small_conv_net()));
  ASSERT_EQ(n.layers.size(), 2u);
  expect_layer(n.layers[0], LayerKind::Conv, 8, 8, 1, 3, 3, 1, 4, 2, 4, 4);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 64, 1, 1, 0, 10, 1, 1, 1);
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.75, 1e-12);  // 1 - 1/4
}

TEST(NirImport, EdgeOrderDoesNotMatter) {
  const Network a = import_nir(write_nir("ordered.nir", small_conv_net(0)));
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    const Network b = import_nir(write_nir("shuffled.nir", small_conv_net(seed)));
    ASSERT_EQ(b.layers.size(), a.layers.size());
    for (size_t i = 0; i < a.layers.size(); ++i) {
      EXPECT_EQ(b.layers[i].name, a.layers[i].name);
      EXPECT_EQ(b.layers[i].in_c, a.layers[i].in_c);
      EXPECT_EQ(b.layers[i].out_c, a.layers[i].out_c);
      EXPECT_EQ(b.layers[i].pool, a.layers[i].pool);
    }
  }
}

TEST(NirImport, MissingShapesAreInferred) {
  // No shape on the Input: the Affine's weight gives 20 inputs.
  Network n = import_nir(write_nir(
      "noshape_fc.nir", graph({{"in", input({})}, {"a", affine(7, 20)}, {"l", lif({7})}},
                              {{"in", "a"}, {"a", "l"}})));
  EXPECT_EQ(n.layers[0].in_c, 20u);
  // No shape on the Input: the Conv2d's input_shape (12, 10) and its weight's 3 channels.
  n = import_nir(write_nir("noshape_conv.nir",
                           graph({{"in", input({})}, {"c", conv2d(2, 3, 3, h5::text("valid"), {12, 10})},
                                  {"l", lif({2, 10, 8})}},
                                 {{"in", "c"}, {"c", "l"}})));
  expect_layer(n.layers[0], LayerKind::Conv, 12, 10, 3, 3, 3, 0, 2, 1, 10, 8);
  // Scalar neuron parameters fit any shape.
  n = import_nir(write_nir("scalar.nir", graph({{"in", input({5})}, {"a", affine(3, 5)},
                                                {"l", lif({}, 2.0, 0.5)}},
                                               {{"in", "a"}, {"a", "l"}})));
  EXPECT_NEAR(n.layers[0].neuron.params.lambda, 0.5, 1e-12);
  // Nothing says the conv's height and width: one clear error.
  const std::string e = error_of([] {
    import_nir(write_nir("noshape_bad.nir", graph({{"in", input({})}, {"c", conv2d(2, 3, 3, h5::integer(0))}},
                                                  {{"in", "c"}})));
  });
  EXPECT_NE(e.find("node 'c' (Conv2d): the input's height and width are unknown"), std::string::npos) << e;
}

TEST(NirImport, InputShapeWithABatchOfOne) {
  // nirtorch traces a sample with its batch dimension: [1, 784], [1, 1, 8, 8].
  Network n = import_nir(write_nir("batch_fc.nir", graph({{"in", input({1, 784})}, {"a", affine(10, 784)},
                                                          {"l", lif({10})}},
                                                         {{"in", "a"}, {"a", "l"}})));
  EXPECT_EQ(n.layers[0].in_c, 784u);
  n = import_nir(write_nir("batch_conv.nir",
                           graph({{"in", input({1, 1, 8, 8})}, {"c", conv2d(4, 1, 3, h5::integer(1))},
                                  {"l", lif({4, 8, 8})}},
                                 {{"in", "c"}, {"c", "l"}})));
  expect_layer(n.layers[0], LayerKind::Conv, 8, 8, 1, 3, 3, 1, 4, 1, 8, 8);
  EXPECT_EQ(n.in_h, 8u);
}

TEST(NirImport, PaddingVariants) {
  auto net_with = [](const std::string& name, h5::Value pad) {
    return import_nir(write_nir(name, graph({{"in", input({1, 9, 9})}, {"c", conv2d(2, 1, 5, pad)},
                                             {"l", lif({2})}},
                                            {{"in", "c"}, {"c", "l"}})));
  };
  EXPECT_EQ(net_with("p_int.nir", h5::integer(2)).layers[0].pad, 2u);
  EXPECT_EQ(net_with("p_pair.nir", h5::integers({1, 1})).layers[0].pad, 1u);
  EXPECT_EQ(net_with("p_same.nir", h5::text("same")).layers[0].pad, 2u);
  EXPECT_EQ(net_with("p_valid.nir", h5::text("valid")).layers[0].out_h(), 5u);
  std::string e = error_of([&] { net_with("p_uneq.nir", h5::integers({1, 2})); });
  EXPECT_NE(e.find("node 'c' (Conv2d): padding = (1, 2)"), std::string::npos) << e;
  e = error_of([&] { net_with("p_what.nir", h5::text("full")); });
  EXPECT_NE(e.find("padding 'full'"), std::string::npos) << e;
}

TEST(NirImport, NestedGraphsAndPassThroughNodes) {
  Group inner = graph({{"input", input({6})}, {"w", affine(4, 6)}, {"n", lif({4})},
                       {"output", output()}},
                      {{"input", "w"}, {"w", "n"}, {"n", "output"}});
  Group deeper = graph({{"input", input({4})}, {"inner2", graph({{"input", input({4})}, {"w", affine(3, 4)},
                                                                {"n", lif({3})}, {"output", output()}},
                                                               {{"input", "w"}, {"w", "n"}, {"n", "output"}})},
                        {"output", output()}},
                       {{"input", "inner2"}, {"inner2", "output"}});
  Group delay = typed("Delay");
  delay.data["delay"] = h5::constant(1, {6});
  Group scale = typed("Scale");
  scale.data["scale"] = h5::constant(2, {6});
  const Network n = import_nir(write_nir(
      "nested.nir", graph({{"in", input({6})}, {"d", delay}, {"s", scale}, {"sub", inner},
                           {"deep", deeper}, {"out", output()}},
                          {{"in", "d"}, {"d", "s"}, {"s", "sub"}, {"sub", "deep"}, {"deep", "out"}},
                          7)));
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[0].name, "sub.w");
  EXPECT_EQ(n.layers[1].name, "deep.inner2.w");
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 4, 1, 1, 0, 3, 1, 1, 1);
}

TEST(NirImport, RecurrentLayerInTheTaskGraph) {
  Network n = import_nir(write_nir(
      "rec.nir", graph({{"in", input({10})}, {"a", affine(16, 10)}, {"n", lif({16})},
                        {"r", affine(16, 16)}, {"b", affine(4, 16)}, {"m", lif({4})}},
                       {{"in", "a"}, {"a", "n"}, {"n", "r"}, {"r", "n"}, {"n", "b"}, {"b", "m"}})));
  ASSERT_TRUE(n.layers[0].recurrent);
  n.batch = 8, n.timesteps = 5;
  ArrayParams a;
  const TaskGraph g = build_task_graph(n, a);
  const Task& f = g.task(g.find(TaskKind::F, 0));
  // The input product batches over B*T = 40 rows; the recurrent one runs T = 5 times on B = 8.
  EXPECT_EQ(f.gemm.M, 40u);
  EXPECT_EQ(f.rec_gemm.M, 8u);
  EXPECT_EQ(f.rec_gemm.N, 16u);
  EXPECT_EQ(f.rec_gemm.K, 16u);
  const GemmCost one = gemm_cost({8, 16, 16}, a);
  EXPECT_EQ(f.rec_cost.cycles, 5 * one.cycles);
  EXPECT_EQ(f.rec_cost.macs, 5u * 8 * 16 * 16);
  EXPECT_EQ(f.array_cycles, f.gemm_cost.cycles + 5 * one.cycles);
  // D carries the error back through W_rec^T, per step.
  const Task& d = g.task(g.find(TaskKind::D, 0));
  EXPECT_EQ(d.array_cycles, 5 * one.cycles);
  // G: the recurrent gradient batches over B*T like the forward one.
  const Task& gr = g.task(g.find(TaskKind::G, 0));
  EXPECT_EQ(gr.rec_gemm.K, 40u);
  EXPECT_EQ(gr.array_cycles, gr.gemm_cost.cycles + gemm_cost({16, 16, 40}, a).cycles);
  // U updates the 10x16 input and 16x16 recurrent weights.
  EXPECT_EQ(g.task(g.find(TaskKind::U, 0)).vector_elements, 10u * 16 + 16 * 16);
  EXPECT_EQ(g.weight_bytes[0], (10u * 16 + 16 * 16) * 2);
  // The second layer is not recurrent.
  EXPECT_EQ(g.task(g.find(TaskKind::F, 1)).rec_cost.macs, 0u);
}

TEST(NirImport, CubaLifCostsOneMoreVectorPass) {
  Network n = load_network(kNir + "rnn_recurrent.nir");
  n.batch = 4, n.timesteps = 3;
  const TaskGraph g = build_task_graph(n, ArrayParams{});
  EXPECT_EQ(g.task(g.find(TaskKind::F, 1)).vector_elements, 4u * 2 * 2);  // B * neurons * 2 passes
  EXPECT_EQ(g.task(g.find(TaskKind::D, 1)).vector_elements, 4u * 2 * 2);
}

// ---------- bad files ----------

TEST(NirBad, NotHdf5) {
  const fs::path p = test::scratch("nir_bad") / "text.nir";
  std::ofstream(p) << "input: {height: 1}\n";
  const std::string e = error_of([&] { load_network(p.string()); });
  EXPECT_EQ(e, p.string() + ": is not an HDF5 file (no HDF5 signature), so not a NIR file "
                            "(allowed: a NIR file as written by nir.write (HDF5))");
  const std::string none = error_of([] { import_nir("/nonexistent/x.nir"); });
  EXPECT_NE(none.find("/nonexistent/x.nir: no such NIR file"), std::string::npos) << none;
}

TEST(NirBad, MissingGroups) {
  const std::string dir = test::scratch("nir_groups").string();
  Group root;
  root.data["version"] = h5::text("1.0");
  h5::write_file(dir + "/nonode.nir", root);
  std::string e = error_of([&] { import_nir(dir + "/nonode.nir"); });
  EXPECT_NE(e.find("nonode.nir: no group 'node'"), std::string::npos) << e;
  Group g = typed("NIRGraph");
  g.data["edges"] = h5::texts({}, {0, 2});
  e = error_of([&] { import_nir(write_nir("nonodes.nir", g)); });
  EXPECT_NE(e.find("nonodes.nir: the top graph: no group 'nodes'"), std::string::npos) << e;
  Group h = typed("NIRGraph");
  h.groups["nodes"].groups["in"] = input({3});
  e = error_of([&] { import_nir(write_nir("noedges.nir", h)); });
  EXPECT_NE(e.find("no dataset 'edges'"), std::string::npos) << e;
  Group lonely = graph({{"in", input({3})}, {"a", affine(2, 3)}, {"x", affine(2, 3)}}, {{"in", "a"}});
  e = error_of([&] { import_nir(write_nir("lonely.nir", lonely)); });
  EXPECT_NE(e.find("node 'x' (Affine): is not on the path from the Input"), std::string::npos) << e;
  Group noweight = typed("Affine");
  e = error_of([&] {
    import_nir(write_nir("noweight.nir", graph({{"in", input({3})}, {"a", noweight}}, {{"in", "a"}})));
  });
  EXPECT_NE(e.find("node 'a' (Affine): no dataset 'weight'"), std::string::npos) << e;
}

TEST(NirBad, UnknownNodeType) {
  const std::string e = error_of([] {
    import_nir(write_nir("unknown.nir", graph({{"in", input({3})}, {"x", typed("Dropout")}},
                                              {{"in", "x"}})));
  });
  EXPECT_NE(e.find("unknown.nir: node 'x': unknown NIR node type 'Dropout' (allowed: Input, Output, "
                   "Affine"),
            std::string::npos)
      << e;
}

TEST(NirBad, CycleThatIsNotARecurrentLayer) {
  // a -> n -> b -> a: the loop goes through two weights and back into the first one.
  std::string e = error_of([] {
    import_nir(write_nir("cycle.nir",
                         graph({{"in", input({4})}, {"a", affine(4, 4)}, {"n", lif({4})}, {"b", affine(4, 4)},
                                {"m", lif({4})}},
                               {{"in", "a"}, {"a", "n"}, {"n", "b"}, {"b", "a"}, {"b", "m"}})));
  });
  EXPECT_NE(e.find("cycle.nir: the cycle 'n' -> 'b' -> 'a' -> 'n' is not a recurrent layer"),
            std::string::npos)
      << e;
  // A loop with no neuron on it.
  e = error_of([] {
    import_nir(write_nir("cycle2.nir", graph({{"in", input({4})}, {"a", affine(4, 4)}, {"b", affine(4, 4)}},
                                             {{"in", "a"}, {"a", "b"}, {"b", "a"}})));
  });
  EXPECT_NE(e.find("is not a recurrent layer"), std::string::npos) << e;
}

TEST(NirBad, WhatWeCannotModelYet) {
  auto err = [](const std::string& name, Group g) { return error_of([&] { import_nir(write_nir(name, g)); }); };
  Group grouped = conv2d(4, 2, 3, h5::integer(0), {8, 8});
  grouped.data["groups"] = h5::integer(2);
  grouped.data["weight"] = h5::constant(0, {4, 1, 3, 3});
  EXPECT_NE(err("groups.nir", graph({{"in", input({2, 8, 8})}, {"c", grouped}}, {{"in", "c"}}))
                .find("node 'c' (Conv2d): groups = 2"),
            std::string::npos);
  EXPECT_NE(err("overlap.nir", graph({{"in", input({1, 8, 8})}, {"c", conv2d(2, 1, 3, h5::integer(1))},
                                      {"p", pool("SumPool2d", 3, 2)}},
                                     {{"in", "c"}, {"c", "p"}}))
                .find("node 'p' (SumPool2d): kernel 3 with stride 2"),
            std::string::npos);
  EXPECT_NE(err("branch.nir", graph({{"in", input({3})}, {"a", affine(2, 3)}, {"b", affine(2, 3)}},
                                    {{"in", "a"}, {"in", "b"}}))
                .find("node 'in' (Input): feeds 2 nodes"),
            std::string::npos);
  EXPECT_NE(err("twoweights.nir", graph({{"in", input({3})}, {"a", affine(2, 3)}, {"b", affine(2, 2)}},
                                        {{"in", "a"}, {"a", "b"}}))
                .find("node 'b' (Affine): follows the weight layer 'a' with no neuron"),
            std::string::npos);
  EXPECT_NE(err("mismatch.nir", graph({{"in", input({5})}, {"a", affine(2, 3)}}, {{"in", "a"}}))
                .find("weight takes 3 inputs, but 5 values arrive"),
            std::string::npos);
  Group li = typed("LI");
  li.data["tau"] = h5::constant(2, {2});
  li.data["r"] = h5::constant(1, {2});
  li.data["v_leak"] = h5::constant(0, {2});
  EXPECT_NE(err("li_mid.nir", graph({{"in", input({3})}, {"a", affine(2, 3)}, {"li", li}, {"b", affine(2, 2)},
                                     {"n", lif({2})}},
                                    {{"in", "a"}, {"a", "li"}, {"li", "b"}, {"b", "n"}}))
                .find("node 'b' (Affine): reads the output of the LI neuron of 'a'"),
            std::string::npos);
  EXPECT_NE(err("lif_first.nir", graph({{"in", input({3})}, {"n", lif({3})}}, {{"in", "n"}}))
                .find("node 'n' (LIF): a neuron with no weight layer before it"),
            std::string::npos);
  Group conv_rec = graph({{"in", input({1, 4, 4})}, {"c", conv2d(1, 1, 3, h5::integer(1))}, {"n", lif({1, 4, 4})},
                          {"r", affine(16, 16)}},
                         {{"in", "c"}, {"c", "n"}, {"n", "r"}, {"r", "n"}});
  EXPECT_NE(err("conv_rec.nir", conv_rec).find("recurrent fc layers"), std::string::npos);
  const std::string v = error_of([] { import_nir(write_nir("v2.nir", small_conv_net(), "2.0")); });
  EXPECT_NE(v.find("NIR version '2.0'"), std::string::npos) << v;
}

// ---------- export and round trip ----------

TEST(NirExport, PresetsRoundTrip) {
  const fs::path dir = test::scratch("nir_export");
  for (const std::string& preset : network_presets()) {
    Network a = load_network(preset);
    a.timesteps = 7, a.batch = 3, a.act_bits = 12;
    const std::string path = (dir / (preset + ".nir")).string();
    export_nir(a, path);
    EXPECT_LT(fs::file_size(path), 200u * 1024) << preset;  // zero weights are fill values
    const Network b = import_nir(path);
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.timesteps, 7u);
    EXPECT_EQ(b.batch, 3u);
    EXPECT_EQ(b.act_bits, 12u);
    EXPECT_EQ(b.in_h, a.in_h);
    EXPECT_EQ(b.in_w, a.in_w);
    EXPECT_EQ(b.in_c, a.in_c);
    ASSERT_EQ(b.layers.size(), a.layers.size()) << preset;
    for (size_t i = 0; i < a.layers.size(); ++i) {
      const Layer &x = a.layers[i], &y = b.layers[i];
      EXPECT_EQ(y.name, x.name);
      EXPECT_EQ(y.kind, x.kind);
      EXPECT_EQ(y.in_h, x.in_h);
      EXPECT_EQ(y.in_w, x.in_w);
      EXPECT_EQ(y.in_c, x.in_c);
      EXPECT_EQ(y.kernel_h, x.kernel_h);
      EXPECT_EQ(y.stride, x.stride);
      EXPECT_EQ(y.pad, x.pad);
      EXPECT_EQ(y.out_c, x.out_c);
      EXPECT_EQ(y.pool, x.pool);
      EXPECT_NEAR(y.neuron.params.lambda, a.neuron.lambda, 1e-6);
      EXPECT_NEAR(y.neuron.params.c, a.neuron.c, 1e-5);
      EXPECT_NEAR(y.neuron.params.theta, a.neuron.theta, 1e-6);
    }
    // The same work: the task graphs cost the same.
    EXPECT_EQ(build_task_graph(b, ArrayParams{}).total_cycles(),
              build_task_graph(a, ArrayParams{}).total_cycles());
  }
}

TEST(NirExport, RecurrentAndCubaRoundTrip) {
  const Network a = load_network(kNir + "rnn_recurrent.nir");
  const std::string path = (test::scratch("nir_export_rec") / "rnn.nir").string();
  export_nir(a, path);
  const Network b = import_nir(path);
  ASSERT_EQ(b.layers.size(), 2u);
  EXPECT_TRUE(b.layers[0].recurrent);
  EXPECT_EQ(b.layers[0].neuron.model, "CubaLIF");
  EXPECT_NEAR(b.layers[0].neuron.syn_lambda, 0.8, 1e-6);
  EXPECT_NEAR(b.layers[0].neuron.params.lambda, 0.95, 1e-6);
  EXPECT_EQ(build_task_graph(b, ArrayParams{}).total_cycles(),
            build_task_graph(a, ArrayParams{}).total_cycles());
}

}  // namespace
}  // namespace spikepipe

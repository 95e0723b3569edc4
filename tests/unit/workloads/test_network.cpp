// Network YAML files, presets and validation: good files give the shapes worked out by hand,
// every malformed file gives an Error naming the file, the line and the key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {
namespace {

const std::string kData = std::string(SPIKEPIPE_TEST_DATA) + "/networks/";

std::string error_of(const std::string& path) {
  try {
    load_network(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void expect_layer(const Layer& L, LayerKind kind, uint32_t h, uint32_t w, uint32_t c, uint32_t k,
                  uint32_t out_c, uint32_t pool) {
  EXPECT_EQ(L.kind, kind) << L.name;
  EXPECT_EQ(L.in_h, h) << L.name;
  EXPECT_EQ(L.in_w, w) << L.name;
  EXPECT_EQ(L.in_c, c) << L.name;
  EXPECT_EQ(L.kernel_h, k) << L.name;
  EXPECT_EQ(L.out_c, out_c) << L.name;
  EXPECT_EQ(L.pool, pool) << L.name;
}

TEST(NetworkYaml, TinyFileMatchesTheHandBuiltNetwork) {
  const Network n = load_network(kData + "tiny.yaml");
  EXPECT_EQ(n.name, "tiny");
  EXPECT_EQ(n.source, kData + "tiny.yaml");
  EXPECT_EQ(n.timesteps, 2u);
  EXPECT_EQ(n.batch, 3u);
  EXPECT_EQ(n.act_bits, 8u);
  EXPECT_EQ(n.neuron.c, 2.0);
  EXPECT_EQ(n.neuron.lambda, 0.5);
  EXPECT_EQ(n.neuron.theta, 1.0);
  EXPECT_EQ(n.neuron.surrogate_width, 1.0);  // defaults to theta
  EXPECT_EQ(n.neuron.reset, ResetMode::Subtract);
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[0].name, "c1");
  expect_layer(n.layers[0], LayerKind::Conv, 4, 4, 1, 3, 2, 2);
  EXPECT_EQ(n.layers[0].pad, 1u);
  EXPECT_EQ(n.layers[1].name, "fc2");
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 8, 1, 5, 1);  // 2x2x2 flattened
}

TEST(NetworkYaml, DefaultsAndNonSquareKernel) {
  const Network n = load_network(kData + "minimal.yaml");
  EXPECT_EQ(n.name, "minimal");  // the file's stem
  EXPECT_EQ(n.timesteps, 20u);
  EXPECT_EQ(n.batch, 32u);
  EXPECT_EQ(n.act_bits, 16u);
  EXPECT_EQ(n.weight_bits, 16u);
  EXPECT_EQ(n.neuron.c, 4.0);
  EXPECT_EQ(n.neuron.lambda, 0.25);
  EXPECT_EQ(n.neuron.theta, 0.5);
  EXPECT_EQ(n.neuron.surrogate_width, 0.5);
  EXPECT_EQ(n.neuron.reset, ResetMode::Zero);
  ASSERT_EQ(n.layers.size(), 2u);
  const Layer& c = n.layers[0];
  EXPECT_EQ(c.kernel_h, 3u);
  EXPECT_EQ(c.kernel_w, 1u);
  EXPECT_EQ(c.stride, 2u);
  EXPECT_EQ(c.conv_h(), 3u);         // (8 - 3) / 2 + 1
  EXPECT_EQ(c.conv_w(), 3u);         // (6 - 1) / 2 + 1
  EXPECT_EQ(c.fan_in(), 6u);         // 3 * 1 * 2
  EXPECT_EQ(n.layers[1].in_c, 36u);  // 3 * 3 * 4 flattened
}

TEST(NetworkPresets, ListedAndLoadable) {
  EXPECT_EQ(network_presets(),
            (std::vector<std::string>{"cifar10-vgg", "cifar10-vgg16", "fmnist-conv", "mnist-fc"}));
  for (const auto& p : network_presets()) {
    const Network n = load_network(p);
    EXPECT_EQ(n.name, p);
    EXPECT_EQ(n.source, "preset:" + p);
    EXPECT_NO_THROW(build_task_graph(n, ArrayParams{})) << p;
  }
}

TEST(NetworkPresets, MnistFc) {
  const Network n = load_network("mnist-fc");
  EXPECT_EQ(n.timesteps, 20u);
  EXPECT_EQ(n.batch, 32u);
  ASSERT_EQ(n.layers.size(), 3u);
  expect_layer(n.layers[0], LayerKind::FC, 1, 1, 784, 1, 500, 1);
  expect_layer(n.layers[1], LayerKind::FC, 1, 1, 500, 1, 500, 1);
  expect_layer(n.layers[2], LayerKind::FC, 1, 1, 500, 1, 10, 1);
}

TEST(NetworkPresets, FmnistConv) {
  const Network n = load_network("fmnist-conv");
  EXPECT_EQ(n.timesteps, 20u);
  EXPECT_EQ(n.batch, 32u);
  ASSERT_EQ(n.layers.size(), 4u);
  expect_layer(n.layers[0], LayerKind::Conv, 28, 28, 1, 5, 32, 2);
  EXPECT_EQ(n.layers[0].pad, 2u);
  EXPECT_EQ(n.layers[0].positions(), 784u);
  expect_layer(n.layers[1], LayerKind::Conv, 14, 14, 32, 5, 64, 2);
  EXPECT_EQ(n.layers[1].fan_in(), 800u);
  expect_layer(n.layers[2], LayerKind::FC, 1, 1, 7 * 7 * 64, 1, 512, 1);
  expect_layer(n.layers[3], LayerKind::FC, 1, 1, 512, 1, 10, 1);
}

TEST(NetworkPresets, Cifar10Vgg) {
  const Network n = load_network("cifar10-vgg");
  EXPECT_EQ(n.timesteps, 8u);
  EXPECT_EQ(n.batch, 32u);
  ASSERT_EQ(n.layers.size(), 7u);
  expect_layer(n.layers[0], LayerKind::Conv, 32, 32, 3, 3, 64, 1);
  expect_layer(n.layers[1], LayerKind::Conv, 32, 32, 64, 3, 128, 2);
  expect_layer(n.layers[2], LayerKind::Conv, 16, 16, 128, 3, 256, 1);
  expect_layer(n.layers[3], LayerKind::Conv, 16, 16, 256, 3, 256, 2);
  expect_layer(n.layers[4], LayerKind::Conv, 8, 8, 256, 3, 512, 2);
  expect_layer(n.layers[5], LayerKind::FC, 1, 1, 4 * 4 * 512, 1, 1024, 1);
  expect_layer(n.layers[6], LayerKind::FC, 1, 1, 1024, 1, 10, 1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(n.layers[i].pad, 1u);
}

// The deep preset, VGG-16 for CIFAR-10 at T = 4: 13 convolutions (3x3, padding 1, stride 1:
// each keeps its input's height and width) in blocks of 2, 2, 3, 3, 3 closed by a 2x2 pool
// (32 -> 16 -> 8 -> 4 -> 2 -> 1), then fc 512, 512, 10. Every figure below by hand.
TEST(NetworkPresets, Cifar10Vgg16) {
  const Network n = load_network("cifar10-vgg16");
  EXPECT_EQ(n.timesteps, 4u);
  EXPECT_EQ(n.batch, 32u);
  ASSERT_EQ(n.layers.size(), 16u);
  // in_h = in_w, in_c, out_c, pool after it
  const uint32_t shape[16][4] = {
      {32, 3, 64, 1},    {32, 64, 64, 2},                                      // block 1
      {16, 64, 128, 1},  {16, 128, 128, 2},                                    // block 2
      {8, 128, 256, 1},  {8, 256, 256, 1},  {8, 256, 256, 2},                  // block 3
      {4, 256, 512, 1},  {4, 512, 512, 1},  {4, 512, 512, 2},                  // block 4
      {2, 512, 512, 1},  {2, 512, 512, 1},  {2, 512, 512, 2},                  // block 5
      {1, 512, 512, 1},  {1, 512, 512, 1},  {1, 512, 10, 1}};                  // classifier
  uint64_t weights = 0;
  for (int i = 0; i < 16; ++i) {
    const auto& s = shape[i];
    const bool conv = i < 13;
    expect_layer(n.layers[i], conv ? LayerKind::Conv : LayerKind::FC, s[0], s[0], s[1],
                 conv ? 3 : 1, s[2], s[3]);
    if (conv) {
      EXPECT_EQ(n.layers[i].pad, 1u);
      EXPECT_EQ(n.layers[i].positions(), uint64_t(s[0]) * s[0]) << i;  // same size out
      EXPECT_EQ(n.layers[i].fan_in(), 9u * s[1]) << i;
    }
    weights += n.layers[i].weights();
  }
  EXPECT_EQ(n.layers[12].outputs(), 512u);  // 2x2x512 pooled to 1x1x512, flattened into fc 512
  // 9 x (3x64 + 64x64 + 64x128 + 128x128 + 128x256 + 2 x 256x256 + 256x512 + 5 x 512x512)
  // + 512x512 + 512x512 + 512x10 = 14,710,464 + 529,408: VGG-16's 15.2 M weights for CIFAR-10
  EXPECT_EQ(weights, 15239872u);
}

struct BadCase {
  const char* file;
  int line;  // 0: not checked
  std::vector<std::string> parts;
};

class MalformedNetwork : public testing::TestWithParam<BadCase> {};

TEST_P(MalformedNetwork, ErrorNamesFileLineAndKey) {
  const BadCase& c = GetParam();
  const std::string path = kData + "bad/" + c.file;
  const std::string msg = error_of(path);
  const std::string at = c.line ? path + ":" + std::to_string(c.line) + ":" : path;
  EXPECT_EQ(msg.rfind(at, 0), 0u) << msg;
  for (const auto& p : c.parts)
    EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Files, MalformedNetwork,
    testing::Values(
        BadCase{"unknown_layer_type.yaml",
                4,
                {"layers[1].type", "unknown layer type 'dense'", "allowed: fc, conv, pool"}},
        BadCase{
            "zero_units.yaml", 3, {"layers[0].units", "value 0 is out of range", "allowed: 1 .."}},
        BadCase{"negative_kernel.yaml", 4, {"layers[0].kernel", "-3", "allowed: 1 .."}},
        BadCase{"empty_conv_output.yaml",
                4,
                {"layers[1]", "conv output is empty: input 2x2", "kernel <= input + 2*padding"}},
        BadCase{"pool_first.yaml", 3, {"layers[0]", "pool is the first layer"}},
        BadCase{"pool_after_pool.yaml", 5, {"layers[2]", "pool after another pool"}},
        BadCase{"pool_after_fc.yaml",
                4,
                {"layers[1]", "pool after an fc layer", "pool follows a conv"}},
        BadCase{"pool_too_large.yaml", 4, {"layers[1].size", "larger than the conv output 2x2"}},
        BadCase{"missing_input.yaml", 1, {"input: missing key"}},
        BadCase{"missing_units.yaml", 4, {"layers[1].units: missing key"}},
        BadCase{"missing_kernel.yaml", 3, {"layers[0].kernel: missing key"}},
        BadCase{"missing_layers.yaml", 1, {"layers: missing key"}},
        BadCase{"wrong_type_batch.yaml", 2, {"batch: 'many' is not an integer"}},
        BadCase{"wrong_type_input.yaml", 1, {"input: expected a mapping"}},
        BadCase{"fractional_units.yaml", 3, {"layers[0].units: '5.5' is not an integer"}},
        BadCase{"unknown_top_key.yaml", 2, {"timestep: unknown key", "timesteps"}},
        BadCase{"unknown_layer_key.yaml", 3, {"layers[0].chanels: unknown key", "channels"}},
        BadCase{"duplicate_key.yaml", 3, {"batch: key given twice"}},
        BadCase{
            "bad_reset.yaml", 2, {"neuron.reset", "unknown reset mode 'hard'", "zero, subtract"}},
        BadCase{"lambda_out_of_range.yaml", 3, {"neuron.lambda", "1.5", "<= 1"}},
        BadCase{"padding_too_large.yaml", 3, {"layers[0].padding", "padding < kernel size"}},
        BadCase{"layers_empty.yaml", 2, {"layers: expected a non-empty list"}},
        BadCase{"not_yaml.yaml", 0, {"not valid YAML"}},
        BadCase{"top_is_list.yaml", 1, {"expected a mapping at the top level"}},
        BadCase{"empty.yaml", 0, {"empty network file"}},
        BadCase{"comment_only.yaml", 0, {"empty network file"}}),
    [](const testing::TestParamInfo<BadCase>& i) {
      std::string s = i.param.file;
      s = s.substr(0, s.find('.'));
      return s;
    });

TEST(NetworkLoad, UnreadableFileAndUnknownPreset) {
  std::string msg = error_of(kData + "no_such_file.yaml");
  EXPECT_NE(msg.find("no_such_file.yaml: cannot read network file"), std::string::npos) << msg;
  msg = error_of("mnist-cnn");
  EXPECT_NE(msg.find("mnist-cnn: no such preset or file"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mnist-fc"), std::string::npos) << msg;
  msg = error_of(kData);
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;
}

TEST(NetworkYaml, ParseFromTextNamesTheGivenFile) {
  try {
    parse_network_yaml(
        "input: {height: 2, width: 2, channels: 1}\nlayers:\n  - {type: fc, units: x}\n",
        "inline.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind("inline.yaml:3: layers[0].units: 'x' is not an integer", 0), 0u)
        << e.what();
  }
}

Network valid_net() {
  return parse_network_yaml(
      "input: {height: 8, width: 8, channels: 1}\nlayers:\n"
      "  - {type: conv, kernel: 3, channels: 4}\n  - {type: fc, units: 3}\n",
      "hand.yaml");
}

TEST(NetworkValidate, RejectsWhatNoFileCouldSay) {
  EXPECT_NO_THROW(validate(valid_net()));
  Network n = valid_net();
  n.timesteps = 0;
  EXPECT_THROW(validate(n), Error);
  n = valid_net();
  n.layers.clear();
  EXPECT_THROW(validate(n), Error);
  n = valid_net();
  n.layers[0].stride = 0;
  EXPECT_THROW(validate(n), Error);
  n = valid_net();
  n.layers[1].in_h = 2;  // an fc has a 1x1 input
  EXPECT_THROW(validate(n), Error);
  n = valid_net();
  n.layers[1].in_c = 143;  // conv gives 6x6x4 = 144 features
  try {
    validate(n);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("hand.yaml: layer 2 (fc2)"), std::string::npos) << m;
    EXPECT_NE(m.find("144"), std::string::npos) << m;
  }
  n.chained = false;  // SCALE-Sim imports give each layer's input explicitly
  EXPECT_NO_THROW(validate(n));
}

}  // namespace
}  // namespace spikepipe

namespace spikepipe {
namespace {

TEST(NetworkYaml, TinyFileCostsLikeTheHandBuiltNetwork) {
  // The same 4x4 os array, 4 lanes, as test_task_graph.cpp: 456 + 64 + 8 + 44 + 48 + 10 + 48 +
  // 306 + 5 cycles, and the same edge bytes.
  ArrayParams a;
  a.rows = a.cols = 4;
  a.vector_lanes = 4;
  const TaskGraph g = build_task_graph(load_network(kData + "tiny.yaml"), a);
  EXPECT_EQ(g.total_cycles(), 989u);
  uint64_t bytes = 0;
  for (const Edge& e : g.edges) bytes += e.bytes;
  EXPECT_EQ(bytes, 6u + 216 + 34 + 30 + 48 + 30 + 192 + 6 + 12 + 36 + 36 + 80 + 80 + 80);
}

}  // namespace
}  // namespace spikepipe

namespace spikepipe {
namespace {

TEST(NetworkValidate, RejectsCountsThatWouldOverflow) {
  // 640 * 4096^2 positions * 9*4096 * 4096 weights: about 1.6e20 MACs per iteration.
  try {
    parse_network_yaml(
        "input: {height: 4096, width: 4096, channels: 4096}\nlayers:\n"
        "  - {type: conv, kernel: 3, channels: 4096, padding: 1}\n",
        "huge.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("huge.yaml: layer 1 (conv1): layer too large"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace spikepipe

namespace spikepipe {
namespace {

std::string yaml_error(const std::string& text) {
  try {
    parse_network_yaml(text, "n.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

const char* kGood = "input: {height: 1, width: 1, channels: 4}\nlayers:\n  - {type: fc, units: 2}\n";

TEST(NetworkYaml, SizeLimitsSayWhatIsAllowed) {
  std::string many = "input: {height: 1, width: 1, channels: 4}\nlayers:\n";
  for (size_t i = 0; i <= kMaxLayers; ++i) many += "  - {type: fc, units: 2}\n";
  EXPECT_EQ(yaml_error(many), "n.yaml:3: layers: 257 layers (allowed: at most 256)");
  EXPECT_EQ(yaml_error(std::string(kMaxNetworkFileBytes + 1, '#')),
            "n.yaml: is 1048577 bytes, too large for a network file (allowed: at most 1048576 bytes)");
}

TEST(NetworkYaml, RefusesWhatItCannotReadExactly) {
  EXPECT_EQ(yaml_error(kGood), "");
  // A NUL would end yaml-cpp's input early: "units: 1\0 0" must not read as 1.
  EXPECT_EQ(yaml_error(std::string(kGood) + std::string("# x\0 0\n", 7)),
            "n.yaml: holds the byte \\x00 on line 4, so it is not a text YAML file (allowed: a "
            "YAML text file)");
  EXPECT_EQ(yaml_error(std::string(kGood) + "---\n" + kGood),
            "n.yaml: holds 2 YAML documents (--- separators) (allowed: one network per file)");
  EXPECT_EQ(yaml_error("layers: " + std::string(100, '[') + std::string(100, ']')),
            "n.yaml: nests [ ] or { } 100 levels deep (allowed: at most 64 levels)");
  EXPECT_EQ(yaml_error("name: \"[[[[\"\n" + std::string(kGood)), "");  // quoted brackets
  EXPECT_NE(yaml_error("input: {height: h\xff\xfe, width: 1, channels: 4}\nlayers: []\n")
                .find("'h\\xff\\xfe' is not"),
            std::string::npos);
}

}  // namespace
}  // namespace spikepipe

// The training engine (train/, docs/TRAINING.md): gradients against finite differences, the
// delayed-gradient semantics, zero delays = plain SGD, learning on a subset, bad data files.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "spikepipe/core/error.h"
#include "spikepipe/train/dataset.h"
#include "spikepipe/train/snn.h"
#include "spikepipe/train/trainer.h"

using namespace spikepipe;
using namespace spikepipe::train;
namespace fs = std::filesystem;

namespace {

// conv 3x3 (3 channels, pad 1) on 6x6 -> pool 2 -> fc 5 -> fc 3: every kind of layer.
Network tiny_net(const std::string& reset = "zero") {
  return parse_network_yaml(
      "name: tiny\ninput: {height: 6, width: 6, channels: 1}\ntimesteps: 4\nbatch: 3\n"
      "neuron: {c: 4, lambda: 0.25, theta: 0.5, reset: " + reset + ", surrogate_width: 2}\n"
      "layers:\n  - {type: conv, kernel: 3, channels: 3, padding: 1}\n  - {type: pool, size: 2}\n"
      "  - {type: fc, units: 12}\n  - {type: fc, units: 3}\n",
      "tiny.yaml");
}

Network fc_net(uint32_t hidden, uint32_t T, uint32_t B, uint32_t in = 28) {
  return parse_network_yaml(
      "name: small\ninput: {height: " + std::to_string(in) + ", width: " + std::to_string(in) +
          ", channels: 1}\ntimesteps: " + std::to_string(T) + "\nbatch: " + std::to_string(B) +
          "\nneuron: {c: 4, lambda: 0.25, theta: 0.5, reset: zero, surrogate_width: 0.5}\n"
          "layers:\n  - {type: fc, units: " + std::to_string(hidden) + "}\n  - {type: fc, units: 10}\n",
      "small.yaml");
}

std::vector<float> random_images(size_t n, size_t per, uint64_t seed) {
  std::mt19937_64 r(seed);
  std::vector<float> v(n * per);
  for (float& x : v) x = float(r() % 1000) / 1000.0f;
  return v;
}

// Finite differences of the smooth model's loss against the surrogate backward.
void check_gradients(const Network& net, Loss loss, Encoding enc = Encoding::Direct) {
  EngineOptions o;
  o.smooth = true;
  o.detach_reset = false;
  o.loss = loss;
  o.encoding = enc;
  Snn<double> snn(net, o);
  Weights<double> w = init_weights<double>(net, 7, 1.0);
  const uint32_t B = net.batch;
  const auto img = random_images(B, 36, 3);
  const std::vector<uint8_t> lab = {0, 2, 1};
  std::mt19937_64 rng(1);
  auto ptrs = [&] {
    std::vector<const std::vector<double>*> p;
    for (auto& x : w.w) p.push_back(&x);
    return p;
  };
  const StepResult<double> r = snn.step(ptrs(), img.data(), lab.data(), B, rng, true);
  ASSERT_EQ(r.grads.size(), net.layers.size());
  auto loss_at = [&] {
    std::mt19937_64 same(1);  // rate coding: the same input spikes as the analytic step
    return snn.step(ptrs(), img.data(), lab.data(), B, same, false).loss;
  };
  const double eps = 1e-6;
  size_t checked = 0, nonzero = 0;
  for (size_t l = 0; l < w.w.size(); ++l) {
    size_t layer_nonzero = 0;
    for (size_t i = 0; i < w.w[l].size(); i += std::max<size_t>(1, w.w[l].size() / 12)) {
      const double keep = w.w[l][i];
      w.w[l][i] = keep + eps;
      const double up = loss_at();
      w.w[l][i] = keep - eps;
      const double down = loss_at();
      w.w[l][i] = keep;
      const double fd = (up - down) / (2 * eps), an = r.grads[l][i];
      EXPECT_NEAR(an, fd, 1e-6 + 1e-4 * std::abs(fd)) << "layer " << l << " weight " << i;
      ++checked;
      if (std::abs(fd) > 1e-6) ++nonzero, ++layer_nonzero;
    }
    EXPECT_GT(layer_nonzero, 0u) << "layer " << l << ": no weight with a gradient was checked";
  }
  EXPECT_GT(checked, 30u);
  EXPECT_GT(nonzero, checked / 3) << "too few weights with a gradient: the check would be empty";
}

}  // namespace

TEST(TrainGradients, MatchFiniteDifferencesMembraneLoss) { check_gradients(tiny_net(), Loss::Membrane); }
TEST(TrainGradients, MatchFiniteDifferencesCountLoss) { check_gradients(tiny_net(), Loss::Count); }
TEST(TrainGradients, MatchFiniteDifferencesSubtractReset) { check_gradients(tiny_net("subtract"), Loss::Membrane); }
// Rate coding: the first layer's input changes with t (its conv runs per step, not once).
TEST(TrainGradients, MatchFiniteDifferencesRateCoding) {
  check_gradients(tiny_net(), Loss::Membrane, Encoding::Rate);
}

TEST(TrainStash, ForwardReadsTheVersionDelaysOld) {
  // One weight, gradient 1, lr 1: W(k) = -k. Iteration k must read W(max(0, k - d)).
  Weights<double> w0;
  w0.w = {{0.0}, {0.0}};
  WeightStash<double> s(w0, {3, 0}, 1.0);
  for (int k = 0; k < 10; ++k) {
    const auto v = s.versions_for_step();
    EXPECT_EQ((*v[0])[0], -double(std::max(0, k - 3))) << "k=" << k;
    EXPECT_EQ((*v[1])[0], -double(k)) << "k=" << k;
    EXPECT_LE(s.held(0), 4u);
    EXPECT_EQ(s.held(1), 1u);
    s.update({{1.0}, {1.0}});
    EXPECT_EQ(s.newest(0)[0], -double(k + 1));
  }
  EXPECT_EQ(s.held(0), 4u);  // d + 1 versions: Schedule::weight_versions
}

TEST(TrainStash, ZeroDelaysArePlainSgd) {
  const Network net = fc_net(32, 4, 8, 8);
  Dataset d;
  d.rows = d.cols = 8;
  d.pixels = random_images(96, 64, 11);
  for (size_t i = 0; i < 96; ++i) d.labels.push_back(uint8_t(i % 10));
  d.classes = 10;
  TrainConfig cfg;
  cfg.epochs = 2;
  cfg.lr = 0.01;
  cfg.seed = 5;
  cfg.delays = {0, 0};
  const TrainResult r = train_snn(net, d, d, cfg);

  // The same by hand: init, shuffled batches, W -= lr * grad.
  Snn<float> snn(net, cfg.engine);
  Weights<float> w = init_weights<float>(net, cfg.seed, cfg.init_scale);
  std::mt19937_64 rng(cfg.seed + 1);
  std::vector<double> losses;
  for (uint32_t ep = 0; ep < cfg.epochs; ++ep) {
    for (const auto& b : batch_order(d.count(), net.batch, ep, cfg.seed)) {
      std::vector<float> px;
      std::vector<uint8_t> lb;
      for (uint32_t i : b) {
        px.insert(px.end(), d.image(i), d.image(i) + 64);
        lb.push_back(d.labels[i]);
      }
      std::vector<const std::vector<float>*> p = {&w.w[0], &w.w[1]};
      const auto s = snn.step(p, px.data(), lb.data(), net.batch, rng, true);
      for (size_t l = 0; l < 2; ++l)
        for (size_t i = 0; i < w.w[l].size(); ++i) w.w[l][i] -= float(cfg.lr) * s.grads[l][i];
    }
    const Evaluation e = evaluate(snn, {&w.w[0], &w.w[1]}, d, net.batch, cfg.seed);
    EXPECT_EQ(e.loss, r.epochs[ep].test_loss) << "epoch " << ep;  // bit for bit
    EXPECT_EQ(e.accuracy, r.epochs[ep].test_accuracy);
  }
  // And delays change the training (they are applied at all).
  cfg.delays = {2, 1};
  const TrainResult delayed = train_snn(net, d, d, cfg);
  EXPECT_NE(delayed.epochs.back().test_loss, r.epochs.back().test_loss);
}

TEST(TrainLearn, ShortTrainingOnAFashionMnistSubsetLearns) {
  // 2000 training samples, one epoch, a small fc SNN: far above chance (10%) in seconds.
  const Dataset tr = load_split(default_data_dir(), true, 2000);
  const Dataset te = load_split(default_data_dir(), false, 500);
  ASSERT_EQ(tr.count(), 2000u);
  ASSERT_EQ(tr.rows, 28u);
  const Network net = fc_net(64, 6, 32);
  TrainConfig cfg;
  cfg.epochs = 1;
  cfg.seed = 3;
  cfg.target_accuracy = 0.5;
  const TrainResult r = train_snn(net, tr, te, cfg);
  ASSERT_EQ(r.epochs.size(), 1u);
  EXPECT_GT(r.epochs[0].test_accuracy, 0.6);
  EXPECT_GE(r.iterations_to_target, 1);
  // Deterministic for a seed.
  const TrainResult again = train_snn(net, tr, te, cfg);
  EXPECT_EQ(again.epochs[0].test_loss, r.epochs[0].test_loss);
}

namespace {

void write_bytes(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), long(b.size()));
}
std::vector<uint8_t> idx_header(uint32_t magic, std::vector<uint32_t> dims) {
  std::vector<uint8_t> b;
  for (uint32_t v : std::vector<uint32_t>{magic}) dims.insert(dims.begin(), v);
  for (uint32_t v : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
  return b;
}
std::string error_of(const fs::path& img, const fs::path& lab) {
  try {
    load_idx(img.string(), lab.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// What a NIR import can describe but the engine cannot train is refused, naming the layer.
TEST(TrainCheck, RefusesRecurrentAndOwnNeurons) {
  auto message = [](const Network& n) {
    try {
      check_trainable(n, 28, 28, 10);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message(fc_net(16, 2, 2)), "");
  Network rec = fc_net(16, 2, 2);
  rec.layers[0].recurrent = true;
  EXPECT_NE(message(rec).find("recurrent"), std::string::npos) << message(rec);
  EXPECT_NE(message(rec).find(rec.layers[0].name), std::string::npos) << message(rec);
  Network cuba = fc_net(16, 2, 2);
  cuba.layers[1].neuron.model = "CubaLIF";
  cuba.layers[1].neuron.params = cuba.neuron;
  cuba.layers[1].neuron.synaptic = true;
  EXPECT_NE(message(cuba).find("CubaLIF neuron"), std::string::npos) << message(cuba);
  Network own = fc_net(16, 2, 2);
  own.layers[0].neuron.model = "LIF";
  own.layers[0].neuron.params = own.neuron;
  EXPECT_EQ(message(own), "");  // the same parameters as the network's: trainable
  own.layers[0].neuron.params.theta = 1.0;
  EXPECT_NE(message(own).find("its own LIF parameters"), std::string::npos) << message(own);
}

TEST(TrainData, BadFilesGiveClearErrors) {
  const fs::path dir = fs::temp_directory_path() / ("spikepipe_train_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto img = idx_header(0x803, {2, 2, 2});
  img.insert(img.end(), {0, 255, 10, 20, 30, 40, 50, 60});
  auto lab = idx_header(0x801, {2});
  lab.insert(lab.end(), {1, 3});
  write_bytes(dir / "img", img);
  write_bytes(dir / "lab", lab);
  const Dataset ok = load_idx((dir / "img").string(), (dir / "lab").string());
  EXPECT_EQ(ok.count(), 2u);
  EXPECT_EQ(ok.classes, 4u);
  EXPECT_FLOAT_EQ(ok.pixels[1], 1.0f);
  // gzip-compressed reads the same.
  gzFile gz = gzopen((dir / "img.gz").string().c_str(), "wb");
  gzwrite(gz, img.data(), unsigned(img.size()));
  gzclose(gz);
  EXPECT_EQ(load_idx((dir / "img.gz").string(), (dir / "lab").string()).pixels, ok.pixels);

  EXPECT_NE(error_of(dir / "nope", dir / "lab").find("no such file"), std::string::npos);
  auto wrong = idx_header(0x801, {2, 2, 2});
  wrong.insert(wrong.end(), 8, 0);
  write_bytes(dir / "wrong", wrong);
  EXPECT_NE(error_of(dir / "wrong", dir / "lab").find("not an IDX image file: magic 0x00000801"), std::string::npos);
  EXPECT_NE(error_of(dir / "img", dir / "img").find("not an IDX label file"), std::string::npos);
  auto cut = img;
  cut.pop_back();
  write_bytes(dir / "cut", cut);
  const std::string e = error_of(dir / "cut", dir / "lab");
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  EXPECT_NE(e.find((dir / "cut").string()), std::string::npos) << e;
  auto lab3 = idx_header(0x801, {3});
  lab3.insert(lab3.end(), {1, 2, 3});
  write_bytes(dir / "lab3", lab3);
  EXPECT_NE(error_of(dir / "img", dir / "lab3").find("3 labels for 2 images"), std::string::npos);
  write_bytes(dir / "short", {0, 0});
  EXPECT_NE(error_of(dir / "short", dir / "lab").find("too short"), std::string::npos);
  std::vector<uint8_t> badgz = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8};
  write_bytes(dir / "bad.gz", badgz);
  EXPECT_NE(error_of(dir / "bad.gz", dir / "lab"), "");
  try {
    load_split((dir / "empty").string(), true);
    ADD_FAILURE() << "no error for a directory without IDX files";
  } catch (const Error& x) {
    EXPECT_NE(std::string(x.what()).find("dataset-fashion-mnist"), std::string::npos) << x.what();
  }
  fs::remove_all(dir);
}

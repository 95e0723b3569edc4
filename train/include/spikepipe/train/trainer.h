#pragma once
// Training with the delayed gradients of a pipeline schedule (METHOD.md §9, docs/TRAINING.md).
//
// Weight stashing: iteration k's forward and backward of layer l (its F, D, E and G tasks) use
// the version W_l(k - d_l) (W_l(0) while k < d_l: the pipeline fills with the initial weights),
// and U_l applies that gradient to the newest version:
//     W_l(k+1) = W_l(k) - η·∇W_l(computed at W_l(k - d_l))
// so layer l keeps d_l + 1 versions (Schedule::weight_versions). With every d_l = 0 this is
// plain mini-batch SGD, bit for bit.
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "spikepipe/train/dataset.h"
#include "spikepipe/train/snn.h"

namespace spikepipe::train {

// The versions of every layer's weights that a pipeline with delays d_l holds.
template <class S>
class WeightStash {
 public:
  // momentum 0: W -= lr·g; else v = momentum·v + g, W -= lr·v (v on the newest version).
  WeightStash(Weights<S> w0, std::vector<uint32_t> delays, double lr, double momentum = 0.0);
  // W_l(k - d_l) per layer: what iteration k's forward and backward read.
  std::vector<const std::vector<S>*> versions_for_step() const;
  // W_l(k+1) from W_l(k) and the gradient; drops the versions no later iteration reads.
  void update(const std::vector<std::vector<S>>& grads);
  const std::vector<S>& newest(size_t layer) const { return v_[layer].back(); }
  size_t held(size_t layer) const { return v_[layer].size(); }  // <= d_l + 1
  uint64_t iteration() const { return k_; }                       // updates applied so far
  const std::vector<uint32_t>& delays() const { return d_; }
  void set_lr(double lr) { lr_ = lr; }  // the learning rate of the next updates

 private:
  std::vector<std::deque<std::vector<S>>> v_;
  std::vector<std::vector<S>> vel_;
  std::vector<uint32_t> d_;
  double lr_, mom_;
  uint64_t k_ = 0;
};

struct TrainConfig {
  uint32_t epochs = 1;
  double lr = 0.01;
  double momentum = 0.0;
  double lr_decay = 1.0;  // the learning rate of epoch e (0-based) is lr * lr_decay^e
  uint64_t seed = 1;
  double init_scale = 1.0;
  std::vector<uint32_t> delays;  // per layer; empty: all 0 (no pipeline)
  uint64_t eval_every = 0;       // test evaluations every this many iterations too (0: per epoch)
  double target_accuracy = 0;    // > 0: record the first evaluated iteration reaching it
  bool stop_at_target = false;   // and stop there
  EngineOptions engine;
};

struct Evaluation {
  double loss = 0, accuracy = 0;
};

struct EpochRecord {
  uint32_t epoch = 0;       // 1-based
  uint64_t iterations = 0;  // updates applied at its end
  double train_loss = 0, train_accuracy = 0;  // means over its mini-batches (at the weights used)
  double test_loss = 0, test_accuracy = 0;
  double seconds = 0;       // wall time of the epoch's training (not its evaluation)
};

struct EvalRecord {
  uint64_t iteration = 0;
  double test_loss = 0, test_accuracy = 0;
};

struct TrainResult {
  std::vector<EpochRecord> epochs;
  std::vector<EvalRecord> evals;     // every evaluation, epoch ends included, in order
  int64_t iterations_to_target = -1;  // -1: not reached
  double train_seconds = 0;
};

// Mini-batches of epoch `epoch` (0-based): a seeded shuffle of 0..n-1 cut into full batches of
// `batch` (a last partial batch is dropped, as a fixed-B pipeline does).
std::vector<std::vector<uint32_t>> batch_order(size_t n, uint32_t batch, uint32_t epoch, uint64_t seed);

// Forward only over the whole data set, in batches of `batch`, at the newest weights.
Evaluation evaluate(Snn<float>& snn, const std::vector<const std::vector<float>*>& w,
                    const Dataset& data, uint32_t batch, uint64_t seed);

using Progress = std::function<void(const std::string& line)>;

// Trains net (its T, B and neuron parameters) on `train`, evaluating on `test`. Deterministic
// for a seed (and a thread count). Throws Error when the data does not fit the network.
TrainResult train_snn(const Network& net, const Dataset& train, const Dataset& test,
                      const TrainConfig& cfg, const Progress& progress = {});

}  // namespace spikepipe::train

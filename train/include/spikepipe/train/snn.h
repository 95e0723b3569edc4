#pragma once
// The functional SNN of a network description (METHOD.md §1, §2): the computation whose F, D, E,
// G and U tasks the cost model times, run for real on Eigen. Per weight layer l and step t:
//
//   I[t] = W · s_in[t]                                  (fc: a GEMM; conv: im2col, then a GEMM)
//   u[t] = λ·u[t-1]·(1 - s[t-1]) + c·I[t]              (reset zero; subtract: λ·(u[t-1] - θ·s[t-1]))
//   s[t] = H(u[t] - θ), then max pooling of the spikes when the layer has pool > 1
//
// and backward through time with the triangle surrogate σ'(x) = max(0, 1 - |x|/w)/w:
//
//   δ[t] = e[t]·σ'(u[t] - θ) + λ·(1 - s[t])·δ[t+1]     (subtract: λ·δ[t+1])
//   e_in[t] = c·Wᵀ·δ[t],  ∇W = c·Σ_batch Σ_t δ[t]·s_in[t]ᵀ
//
// The engine is a pure function of (weights, mini-batch): weight versions, delays and updates
// belong to the trainer (trainer.h). docs/TRAINING.md gives every choice made here.
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "spikepipe/workloads/network.h"

namespace spikepipe::train {

// How pixels become the first layer's input at every step: the intensity itself at every step
// (direct current) or a Bernoulli spike with that probability (rate coding, seeded).
enum class Encoding { Direct, Rate };
// The loss: softmax cross-entropy over the output layer's mean membrane potential over T
// (membrane) or over its spike count (count).
enum class Loss { Membrane, Count };

Encoding parse_encoding(const std::string& s);  // "direct" | "rate"; Error otherwise
Loss parse_loss(const std::string& s);          // "membrane" | "count"
const char* to_string(Encoding e);
const char* to_string(Loss l);

struct EngineOptions {
  Encoding encoding = Encoding::Direct;
  Loss loss = Loss::Membrane;
  // METHOD §1: the reset factor (1 - s[t-1]) is a constant for BPTT (as its δ recursion reads).
  // false: the gradient also flows through the reset (exact for the smooth model below).
  bool detach_reset = true;
  // Tests: s = S(u - θ) with S' = the triangle, a smooth stand-in for H whose exact gradient is
  // what the surrogate backward computes, so that finite differences can check it.
  bool smooth = false;
};

// Weights per layer: out_c x fan_in (fan_in in the order channel, kernel row, kernel column).
template <class S>
struct Weights {
  std::vector<std::vector<S>> w;  // column-major out_c x fan_in, one per layer
};

template <class S>
struct StepResult {
  double loss = 0;       // mean cross-entropy over the batch
  uint32_t correct = 0;  // arg max of the logits == label
  std::vector<std::vector<S>> grads;  // per layer, like the weights; empty when no backward
  std::vector<double> firing;         // per layer: mean spikes per neuron and step
};

// Checks that the network is one the engine trains: fc and conv layers, chained, input
// channels 1 (the image datasets), batch >= 1, T >= 1. Throws Error naming the layer.
void check_trainable(const Network& net, uint32_t image_rows, uint32_t image_cols, uint32_t classes);

// Initial weights: uniform in ±init_scale/sqrt(fan_in), from the seed.
template <class S>
Weights<S> init_weights(const Network& net, uint64_t seed, double init_scale = 1.0);

template <class S>
class Snn {
 public:
  Snn(const Network& net, EngineOptions opt);
  ~Snn();
  Snn(const Snn&) = delete;
  Snn& operator=(const Snn&) = delete;

  // One mini-batch of `batch` images (pixels_per_image floats each, in [0, 1]) with their labels,
  // at the weights `w[l]` (pointers: the trainer passes stashed versions). Forward always;
  // backward when `backward`, filling grads. `rng` draws the rate-coded input spikes.
  StepResult<S> step(const std::vector<const std::vector<S>*>& w, const float* images,
                     const uint8_t* labels, uint32_t batch, std::mt19937_64& rng, bool backward);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets the threads of Eigen's matrix products (OpenMP builds; otherwise 1). Returns the count.
int set_threads(int n);

}  // namespace spikepipe::train

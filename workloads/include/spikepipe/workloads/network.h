#pragma once
// An SNN as the simulator sees it: layer shapes plus the training parameters that size the work.
#include <cstdint>
#include <string>
#include <vector>

namespace spikepipe {

enum class LayerKind { FC, Conv };
enum class ResetMode { Zero, Subtract };

const char* to_string(LayerKind k);
const char* to_string(ResetMode m);

// METHOD.md §1 defaults (paper, Figure 3).
struct NeuronParams {
  double c = 4.0;
  double lambda = 0.25;
  double theta = 0.5;
  ResetMode reset = ResetMode::Zero;
  double surrogate_width = 0.5;  // triangle half-width; defaults to theta
};

// A layer's own neuron, when its file gives one (NIR import, docs/NETWORK_FORMAT.md); with an
// empty model the network's `neuron` applies. The cost model reads only `synaptic`: a second state
// per neuron (the synaptic current) is one more vector pass per step in F and D.
struct LayerNeuron {
  std::string model;        // "" (the network's), or the NIR type: LIF, IF, CubaLIF, Threshold, LI, ...
  NeuronParams params;      // lambda, c, theta as mapped from the NIR parameters
  bool spiking = true;      // false for LI, I, CubaLI (a read-out: passes v, not spikes)
  bool per_neuron = false;  // the file gave differing per-neuron values; params hold their means
  double v_leak = 0, v_reset = 0;
  bool synaptic = false;    // CubaLIF, CubaLI: a synaptic current state besides v
  double syn_lambda = 0;    // its leak, 1 - dt/tau_syn
};

// One weight layer (fc or conv); a following pool is folded into it (pool > 1).
// An fc layer is a conv with a 1x1 input over the flattened features and a 1x1 kernel.
struct Layer {
  std::string name;
  LayerKind kind = LayerKind::FC;
  uint32_t in_h = 1, in_w = 1, in_c = 1;  // input feature map (after the previous pool)
  uint32_t kernel_h = 1, kernel_w = 1, stride = 1, pad = 0;
  uint32_t out_c = 1;  // output channels (fc: neurons)
  uint32_t pool = 1;   // pooling window/stride after this layer; 1 = none
  // fc only: the layer's spikes of step t-1 feed back through an out_c x out_c weight matrix
  // (NIR recurrent layers). That product runs once per time step and cannot batch across T.
  bool recurrent = false;
  LayerNeuron neuron;  // empty model: Network::neuron

  uint32_t conv_h() const;  // output height before pooling
  uint32_t conv_w() const;
  uint32_t out_h() const { return conv_h() / pool; }  // after pooling
  uint32_t out_w() const { return conv_w() / pool; }
  uint64_t positions() const { return uint64_t(conv_h()) * conv_w(); }  // P_l of METHOD.md §2
  uint64_t fan_in() const { return uint64_t(kernel_h) * kernel_w * in_c; }  // GEMM K (forward)
  uint64_t fan_out() const { return out_c; }                               // GEMM N (forward)
  uint64_t recurrent_weights() const { return recurrent ? uint64_t(out_c) * out_c : 0; }
  uint64_t weights() const { return fan_in() * fan_out() + recurrent_weights(); }
  uint64_t inputs() const { return uint64_t(in_h) * in_w * in_c; }          // per sample, per step
  uint64_t neurons() const { return positions() * out_c; }                 // before pooling
  uint64_t outputs() const { return uint64_t(out_h()) * out_w() * out_c; }  // after pooling
};

struct Network {
  std::string name;
  std::string source;  // file it came from, or "preset:<name>"
  uint32_t in_h = 1, in_w = 1, in_c = 1;
  uint32_t timesteps = 20;  // T
  uint32_t batch = 32;      // B
  NeuronParams neuron;
  uint32_t act_bits = 16;     // errors and membrane potentials
  uint32_t weight_bits = 16;  // weights and gradients
  std::vector<Layer> layers;
  // true: each layer reads exactly the previous layer's (pooled) output, and validate() checks it.
  // false for SCALE-Sim imports, where every row gives its own IFMAP.
  bool chained = true;

  uint64_t samples_steps() const { return uint64_t(batch) * timesteps; }  // B*T
};

// Limits that keep every step bounded (the schedulers' search grows faster than linearly with
// the layers); far above today's SNNs (VGG-16 and ResNet-18 have 16 to 20 layers).
inline constexpr size_t kMaxLayers = 256;
inline constexpr uint64_t kMaxNetworkFileBytes = 1u << 20;  // a 256-layer file is ~20 KiB

// Checks every layer's shape and chaining; throws Error naming the network, layer and key.
void validate(const Network& net);

}  // namespace spikepipe

namespace spikepipe {

// Shipped presets in workloads/networks/<name>.yaml: "mnist-fc", "fmnist-conv", "cifar10-vgg",
// "cifar10-vgg16".
std::vector<std::string> network_presets();
struct NetworkLoadOptions {
  double nir_dt = 1.0;  // NIR files: the time step, in the file's time unit (docs/NETWORK_FORMAT.md)
};
// A preset name, a path to a YAML file or to a NIR file (HDF5, workloads/nir.h). Errors name the
// file, line and key (YAML) or the file and node (NIR).
Network load_network(const std::string& name_or_path);
Network load_network(const std::string& name_or_path, const NetworkLoadOptions& options);
// Parses YAML text; `filename` is only used in error messages.
Network parse_network_yaml(const std::string& text, const std::string& filename);

}  // namespace spikepipe

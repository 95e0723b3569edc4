// Layer geometry and the checks every Network passes before it is costed, whatever built it
// (YAML file, preset, SCALE-Sim import or a test).
#include "spikepipe/workloads/network.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "spikepipe/core/error.h"

namespace spikepipe {

const char* to_string(LayerKind k) {
  switch (k) {
    case LayerKind::FC:
      return "fc";
    case LayerKind::Conv:
      return "conv";
  }
  return "?";
}

const char* to_string(ResetMode m) {
  switch (m) {
    case ResetMode::Zero:
      return "zero";
    case ResetMode::Subtract:
      return "subtract";
  }
  return "?";
}

namespace {

uint32_t conv_extent(uint32_t in, uint32_t kernel, uint32_t stride, uint32_t pad) {
  const uint64_t padded = uint64_t(in) + 2ull * pad;
  if (stride == 0 || kernel == 0 || padded < kernel) return 0;
  return uint32_t((padded - kernel) / stride + 1);
}

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string dims(uint32_t h, uint32_t w, uint32_t c) {
  return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c);
}

void check_range(const std::string& where, const char* key, uint64_t v, uint64_t lo, uint64_t hi) {
  if (v < lo || v > hi)
    fail(where, std::string(key) + " = " + std::to_string(v),
         std::to_string(lo) + " .. " + std::to_string(hi));
}

void check_layer(const Layer& L, const std::string& where) {
  constexpr uint64_t kMax = 1u << 24;  // catches typos, not real networks
  check_range(where, "in_h", L.in_h, 1, kMax);
  check_range(where, "in_w", L.in_w, 1, kMax);
  check_range(where, "in_c", L.in_c, 1, kMax);
  check_range(where, "out_c", L.out_c, 1, kMax);
  check_range(where, "kernel_h", L.kernel_h, 1, kMax);
  check_range(where, "kernel_w", L.kernel_w, 1, kMax);
  check_range(where, "stride", L.stride, 1, kMax);
  check_range(where, "pool", L.pool, 1, kMax);
  if (L.kind == LayerKind::FC && (L.in_h != 1 || L.in_w != 1 || L.kernel_h != 1 ||
                                  L.kernel_w != 1 || L.pad != 0 || L.stride != 1))
    fail(where,
         "fc layer with a spatial shape (input " + dims(L.in_h, L.in_w, L.in_c) + ", kernel " +
             std::to_string(L.kernel_h) + "x" + std::to_string(L.kernel_w) + ")",
         "fc layers have a 1x1 input over the flattened features, kernel 1, stride 1, padding 0");
  if (L.pad > 0 && (L.pad >= L.kernel_h || L.pad >= L.kernel_w))
    fail(where,
         "padding " + std::to_string(L.pad) + " with a " + std::to_string(L.kernel_h) + "x" +
             std::to_string(L.kernel_w) + " kernel",
         "padding < kernel size");
  if (L.conv_h() == 0 || L.conv_w() == 0)
    fail(where,
         "conv output is empty: input " + dims(L.in_h, L.in_w, L.in_c) + ", kernel " +
             std::to_string(L.kernel_h) + "x" + std::to_string(L.kernel_w) + ", padding " +
             std::to_string(L.pad),
         "kernel <= input + 2*padding");
  if (L.out_h() == 0 || L.out_w() == 0)
    fail(where,
         "pool " + std::to_string(L.pool) + " is larger than the conv output " +
             std::to_string(L.conv_h()) + "x" + std::to_string(L.conv_w()),
         "pool <= output height and width");
}

}  // namespace

uint32_t Layer::conv_h() const { return conv_extent(in_h, kernel_h, stride, pad); }
uint32_t Layer::conv_w() const { return conv_extent(in_w, kernel_w, stride, pad); }

void validate(const Network& net) {
  const std::string where = net.source.empty() ? "network '" + net.name + "'" : net.source;
  check_range(where, "timesteps", net.timesteps, 1, 1u << 20);
  check_range(where, "batch", net.batch, 1, 1u << 20);
  check_range(where, "act_bits", net.act_bits, 1, 64);
  check_range(where, "weight_bits", net.weight_bits, 1, 64);
  check_range(where, "input height", net.in_h, 1, 1u << 24);
  check_range(where, "input width", net.in_w, 1, 1u << 24);
  check_range(where, "input channels", net.in_c, 1, 1u << 24);
  const NeuronParams& n = net.neuron;
  if (!(std::isfinite(n.c) && n.c > 0)) fail(where, "neuron.c = " + std::to_string(n.c), "c > 0");
  if (!(n.lambda >= 0 && n.lambda <= 1))
    fail(where, "neuron.lambda = " + std::to_string(n.lambda), "0 <= lambda <= 1");
  if (!(std::isfinite(n.theta) && n.theta > 0))
    fail(where, "neuron.theta = " + std::to_string(n.theta), "theta > 0");
  if (!(std::isfinite(n.surrogate_width) && n.surrogate_width > 0))
    fail(where, "neuron.surrogate_width = " + std::to_string(n.surrogate_width),
         "surrogate_width > 0");
  if (net.layers.empty()) fail(where, "no layers", "at least one fc or conv layer");
  if (net.layers.size() > kMaxLayers)
    fail(where, std::to_string(net.layers.size()) + " layers", "at most " + std::to_string(kMaxLayers));

  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& L = net.layers[i];
    const std::string lw =
        where + ": layer " + std::to_string(i + 1) + (L.name.empty() ? "" : " (" + L.name + ")");
    check_layer(L, lw);
    if (L.recurrent && L.kind != LayerKind::FC)
      fail(lw, "a recurrent conv layer", "recurrent fc layers (a neuron fed back through an fc weight)");
    if (!L.neuron.model.empty()) {
      const NeuronParams& p = L.neuron.params;
      if (!(std::isfinite(p.c) && p.c > 0))
        fail(lw, L.neuron.model + " neuron: c = " + std::to_string(p.c), "c > 0");
      if (!(p.lambda >= 0 && p.lambda <= 1))
        fail(lw, L.neuron.model + " neuron: lambda = " + std::to_string(p.lambda), "0 <= lambda <= 1");
      if (!(std::isfinite(p.theta) && p.theta > 0))
        fail(lw, L.neuron.model + " neuron: theta = " + std::to_string(p.theta), "theta > 0");
    }
    // Keeps every count of the task graph (MACs, bits) inside 64 bits.
    const double macs = double(net.samples_steps()) * double(L.positions()) * double(L.weights());
    const double bits =
        double(net.samples_steps()) * double(L.neurons()) * double(net.act_bits + 1);
    if (macs > 1e18 || bits > 1e18)
      fail(lw,
           "layer too large: " + sci(macs) + " MACs, " + sci(bits) + " stash bits per iteration",
           "at most 1e18 MACs and bits per layer and iteration");
    if (!net.chained) continue;
    // What this layer must read: the network input, or the previous layer's pooled output.
    uint32_t h = net.in_h, w = net.in_w, c = net.in_c;
    if (i > 0) {
      const Layer& P = net.layers[i - 1];
      h = P.out_h(), w = P.out_w(), c = P.out_c;
    }
    const bool ok = L.kind == LayerKind::FC ? L.inputs() == uint64_t(h) * w * c
                                            : (L.in_h == h && L.in_w == w && L.in_c == c);
    if (!ok)
      fail(lw,
           "input " + dims(L.in_h, L.in_w, L.in_c) + " does not match the " +
               (i == 0 ? std::string("network input ") : std::string("previous layer's output ")) +
               dims(h, w, c),
           L.kind == LayerKind::FC ? "an fc layer takes the flattened " +
                                         std::to_string(uint64_t(h) * w * c) + " features"
                                   : "a conv layer takes " + dims(h, w, c));
  }
}

}  // namespace spikepipe

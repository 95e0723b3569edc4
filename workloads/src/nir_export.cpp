// NIR export: our Network as a nir 1.0 graph (docs/NETWORK_FORMAT.md). We keep shapes, not
// trained weights, so weights and biases are zeros; they and the constant neuron parameters are
// stored as HDF5 fill values, which costs no space and reads back as full arrays (h5py too).
#include <cmath>
#include <string>
#include <vector>

#include "spikepipe/workloads/hdf5_tree.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/nir.h"

namespace spikepipe {
namespace {

using Dims = std::vector<uint64_t>;

h5::Group node(const std::string& type) {
  h5::Group g;
  g.data["type"] = h5::text(type);
  return g;
}

h5::Value shape_value(const Dims& d) {
  std::vector<int64_t> v(d.begin(), d.end());
  return h5::integers(v);
}

// input_type / output_type as NIR 1.0 writes them for the nodes that have them as fields
// (neurons, Input, Output, NIRGraph): a group holding one dataset. nir.read rejects keys that are
// not fields of the node, so Affine, Conv2d and the pools get none, and Flatten's input_type is a
// plain dataset (Flatten.to_dict).
void types(h5::Group& g, const Dims& in, const Dims& out) {
  g.groups["input_type"].data["input"] = shape_value(in);
  g.groups["output_type"].data["output"] = shape_value(out);
}

// The inverse of the import's mapping (nir_import.cpp): lambda = 1 - dt/tau, c = r*dt/tau.
h5::Group neuron_node(const Layer& L, const NeuronParams& net_neuron, double dt, const Dims& d) {
  const bool own = !L.neuron.model.empty();
  const NeuronParams& p = own ? L.neuron.params : net_neuron;
  const std::string model = own ? L.neuron.model : (p.lambda >= 1 ? "IF" : "LIF");
  auto fill = [&](double v) { return h5::constant(v, d); };
  h5::Group g = node(model);
  const double v_leak = own ? L.neuron.v_leak : 0, v_reset = own ? L.neuron.v_reset : 0;
  if (model == "Threshold") {
    g.data["threshold"] = fill(p.theta);
    return g;  // a bare Threshold has no input_type/output_type fields
  } else if (model == "IF" || model == "I") {
    g.data["r"] = fill(p.c / dt);
    if (model == "IF") g.data["v_threshold"] = fill(p.theta), g.data["v_reset"] = fill(v_reset);
  } else if (model == "LIF" || model == "LI") {
    if (p.lambda >= 1)
      fail("export --nir: layer " + L.name, "a LIF with lambda = 1", "lambda < 1 (lambda = 1 is an IF)");
    const double tau = dt / (1 - p.lambda);
    g.data["tau"] = fill(tau);
    g.data["r"] = fill(p.c * tau / dt);
    g.data["v_leak"] = fill(v_leak);
    if (model == "LIF") g.data["v_threshold"] = fill(p.theta), g.data["v_reset"] = fill(v_reset);
  } else {  // CubaLIF, CubaLI
    const double tm = dt / (1 - p.lambda), ts = dt / (1 - L.neuron.syn_lambda);
    g.data["tau_mem"] = fill(tm);
    g.data["tau_syn"] = fill(ts);
    g.data["r"] = fill(p.c * tm / dt);
    g.data["w_in"] = fill(1.0);
    g.data["v_leak"] = fill(v_leak);
    if (model == "CubaLIF") g.data["v_threshold"] = fill(p.theta), g.data["v_reset"] = fill(v_reset);
  }
  types(g, d, d);
  return g;
}

// A node id: HDF5 reads '/' as a path separator.
std::string id_of(const std::string& name, const std::string& fallback) {
  std::string s = name.empty() ? fallback : name;
  for (char& ch : s)
    if (ch == '/') ch = '_';
  return s;
}

}  // namespace

void export_nir(const Network& net, const std::string& path, const NirOptions& options) {
  validate(net);
  if (!net.chained)
    fail("export --nir: " + net.source, "the network is not chained (a SCALE-Sim import whose rows "
                                        "give their own IFMAPs)",
         "chained networks: a NIR graph passes each layer's output to the next");
  const double dt = options.dt;
  h5::Group graph = node("NIRGraph");
  h5::Group& nodes = graph.groups["nodes"];
  std::vector<std::string> edges;
  std::string prev = "input";
  auto link = [&](const std::string& name, h5::Group g) {
    nodes.groups[name] = std::move(g);
    edges.push_back(prev);
    edges.push_back(name);
    prev = name;
  };

  // The signal as NIR shapes it: channels x height x width, or a flat vector.
  Dims cur = {net.in_c, net.in_h, net.in_w};
  if (net.in_h == 1 && net.in_w == 1) cur = {net.in_c};
  {
    h5::Group in = node("Input");
    in.data["shape"] = shape_value(cur);
    in.groups["input_type"].data["input"] = shape_value(cur);  // Input's only type field
    nodes.groups["input"] = std::move(in);
  }
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& L = net.layers[i];
    const std::string n = std::to_string(i + 1);
    if (L.kind == LayerKind::FC) {
      if (cur.size() > 1) {
        h5::Group f = node("Flatten");
        f.data["start_dim"] = h5::integer(0);
        f.data["end_dim"] = h5::integer(-1);
        f.data["input_type"] = shape_value(cur);
        link("flatten" + n, std::move(f));
        cur = {L.in_c};
      }
      h5::Group a = node("Affine");
      a.data["weight"] = h5::constant(0, {L.out_c, L.in_c});
      a.data["bias"] = h5::constant(0, {L.out_c});
      link(id_of(L.name, "fc" + n), std::move(a));
      cur = {L.out_c};
    } else {
      h5::Group c = node("Conv2d");
      c.data["weight"] = h5::constant(0, {L.out_c, L.in_c, L.kernel_h, L.kernel_w});
      c.data["bias"] = h5::constant(0, {L.out_c});
      c.data["stride"] = h5::integers({L.stride, L.stride});
      c.data["padding"] = h5::integers({L.pad, L.pad});
      c.data["dilation"] = h5::integers({1, 1});
      c.data["groups"] = h5::integer(1);
      c.data["input_shape"] = h5::integers({L.in_h, L.in_w});
      const Dims out = {L.out_c, L.conv_h(), L.conv_w()};
      link(id_of(L.name, "conv" + n), std::move(c));
      cur = out;
    }
    const std::string neuron_name = "neuron" + n;
    link(neuron_name, neuron_node(L, net.neuron, dt, cur));
    if (L.recurrent) {  // NIR's recurrent example: the neuron feeds back through an Affine
      h5::Group r = node("Affine");
      r.data["weight"] = h5::constant(0, {L.out_c, L.out_c});
      r.data["bias"] = h5::constant(0, {L.out_c});
      nodes.groups["recurrent" + n] = std::move(r);
      edges.insert(edges.end(), {neuron_name, "recurrent" + n, "recurrent" + n, neuron_name});
    }
    if (L.pool > 1) {
      h5::Group p = node("SumPool2d");
      p.data["kernel_size"] = h5::integers({L.pool, L.pool});
      p.data["stride"] = h5::integers({L.pool, L.pool});
      p.data["padding"] = h5::integers({0, 0});
      const Dims out = {L.out_c, L.out_h(), L.out_w()};
      link("pool" + n, std::move(p));
      cur = out;
    }
  }
  {
    h5::Group out = node("Output");
    out.data["shape"] = shape_value(cur);
    out.groups["output_type"].data["output"] = shape_value(cur);  // Output's only type field
    link("output", std::move(out));
  }
  graph.data["edges"] = h5::texts(edges, {edges.size() / 2, 2});
  graph.groups["input_type"].data["input"] = nodes.groups["input"].data["shape"];
  graph.groups["output_type"].data["output"] = shape_value(cur);
  h5::Group& meta = graph.groups["metadata"];
  meta.data["spikepipe_name"] = h5::text(net.name);
  meta.data["spikepipe_timesteps"] = h5::integer(net.timesteps);
  meta.data["spikepipe_batch"] = h5::integer(net.batch);
  meta.data["spikepipe_act_bits"] = h5::integer(net.act_bits);
  meta.data["spikepipe_weight_bits"] = h5::integer(net.weight_bits);
  meta.data["spikepipe_dt"] = h5::floats({dt}, {});

  h5::Group root;
  root.data["version"] = h5::text("1.0");
  root.groups["node"] = std::move(graph);
  h5::write_file(path, root);
}

}  // namespace spikepipe

// NIR import (docs/NETWORK_FORMAT.md, "NIR"). The file's graph is flattened (nested NIRGraphs
// become prefixed nodes), recurrent loops (a neuron fed back through one Affine/Linear) are taken
// out and marked on their neuron, and what remains must be one chain from the Input, which is
// walked in edge order (never file order) while the shapes are inferred from the weights.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "spikepipe/workloads/hdf5_isolated.h"
#include "spikepipe/workloads/hdf5_tree.h"
#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"
#include "spikepipe/workloads/nir.h"

namespace spikepipe {
namespace fs = std::filesystem;

namespace {

using Shape = std::vector<uint64_t>;

const std::vector<std::string> kWeightTypes = {"Affine", "Linear", "Conv1d", "Conv2d"};
const std::vector<std::string> kNeuronTypes = {"LIF", "IF", "CubaLIF", "Threshold",
                                               "LI",  "I",  "CubaLI"};
const std::vector<std::string> kPoolTypes = {"SumPool2d", "AvgPool2d"};
const std::vector<std::string> kPassTypes = {"Delay", "Scale", "Identity"};
const char* kKnownTypes =
    "Input, Output, Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay, "
    "Threshold, I, IF, LI, LIF, CubaLIF, CubaLI, Identity, NIRGraph";

bool among(const std::string& s, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string shape_text(const Shape& s) {
  if (s.empty()) return "unknown";
  std::string r;
  for (uint64_t d : s) r += (r.empty() ? "" : "x") + std::to_string(d);
  return r;
}

uint64_t product(const Shape& s) {
  uint64_t n = 1;
  for (uint64_t d : s) n *= d;
  return n;
}

struct Node {
  std::string id;    // path with dots for nested graphs: "rsnn.lif"
  std::string type;  // NIR type; Input/Output of a nested graph become "Identity"
  const h5::Group* g = nullptr;
};

// One graph level while flattening: its node ids, nested graphs and Input/Output nodes.
struct Scope {
  std::string prefix;
  std::map<std::string, size_t> nodes;
  std::map<std::string, Scope> subs;
  std::vector<size_t> inputs, outputs;
};

class Importer {
 public:
  Importer(std::string file, const NirOptions& o) : file_(std::move(file)), opt_(o) {}

  Network run(const h5::Group& root) {
    check_version(root);
    const h5::Group* top = root.group("node");
    if (!top)
      fail(file_, "no group 'node'", "a NIR file: a 'version' and a group 'node' holding the graph");
    const h5::Value* type = top->value("type");
    if (type && text(*type, "node/type") != "NIRGraph")
      fail(file_, "the group 'node' is a " + text(*type, "node/type") + ", not a NIRGraph",
           "a NIRGraph at the top");
    Scope scope = flatten(*top, "", 0);
    find_recurrent_loops();
    walk(scope);
    return finish(*top);
  }

 private:
  // ---------- errors and values ----------
  std::string at(const Node& n) const { return file_ + ": node '" + printable(n.id) + "' (" + n.type + ")"; }
  [[noreturn]] void bad(const Node& n, const std::string& what, const std::string& allowed = {}) const {
    fail(at(n), what, allowed);
  }

  std::string text(const h5::Value& v, const std::string& key) const {
    if (!v.is_string() || v.str.size() != 1)
      fail(file_ + ": " + key, "expected one string", "a string dataset");
    return v.str.front();
  }

  const h5::Value& need(const Node& n, const std::string& key) const {
    const h5::Value* v = n.g->value(key);
    if (!v) bad(n, "no dataset '" + key + "'", "NIR's parameters of a " + n.type + " node");
    return *v;
  }

  // Whole numbers of an int dataset (scalar or list); `empty` if absent.
  std::vector<int64_t> ints(const Node& n, const std::string& key, bool required) const {
    const h5::Value* v = n.g->value(key);
    if (!v) {
      if (required) need(n, key);
      return {};
    }
    if (v->is_string()) bad(n, key + " is text", "whole numbers");
    std::vector<int64_t> r;
    for (double x : v->num) {
      if (!std::isfinite(x) || x != std::floor(x) || std::fabs(x) > 1e15)
        bad(n, key + " = " + number_text(x) + " is not a whole number");
      r.push_back(int64_t(x));
    }
    return r;
  }

  // A scalar or a pair that must be equal in both dimensions (stride, kernel_size).
  uint32_t square(const Node& n, const std::string& key, int64_t dflt, int64_t lo) const {
    std::vector<int64_t> v = ints(n, key, false);
    if (v.empty()) return uint32_t(dflt);
    if (v.size() > 2) bad(n, key + " has " + std::to_string(v.size()) + " values", "one, or a pair");
    if (v.size() == 2 && v[0] != v[1])
      bad(n, key + " = (" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")",
          "the same " + key + " for height and width: our layers are square in " + key);
    if (v[0] < lo || v[0] > (1 << 24))
      bad(n, key + " = " + std::to_string(v[0]), std::to_string(lo) + " .. 16777216");
    return uint32_t(v[0]);
  }

  // Mean of a neuron parameter; scalar or one value per neuron (or per channel).
  double param(const Node& n, const std::string& key, const Shape& cur, bool& differs,
               double dflt, bool required) const {
    const h5::Value* v = n.g->value(key);
    if (!v) {
      if (required) need(n, key);
      return dflt;
    }
    if (v->is_string() || v->num.empty()) bad(n, key + " holds no numbers", "a number or an array");
    const uint64_t k = v->num.size();
    if (k != 1 && k != product(cur) && !(cur.size() > 1 && k == cur[0]))
      bad(n, key + " has " + std::to_string(k) + " values for " + shape_text(cur) + " neurons",
          "one value, one per neuron (" + std::to_string(product(cur)) + ")" +
              (cur.size() > 1 ? " or one per channel (" + std::to_string(cur[0]) + ")" : ""));
    double sum = 0;
    for (double x : v->num) {
      if (!std::isfinite(x)) bad(n, key + " holds " + number_text(x), "finite numbers");
      sum += x;
      if (x != v->num.front()) differs = true;
    }
    return differs ? sum / double(k) : v->num.front();
  }

  void check_version(const h5::Group& root) {
    std::string v;
    if (const h5::Value* d = root.value("version")) {
      if (d->is_string() && d->str.size() == 1) v = d->str.front();
    } else if (root.string_attrs.count("version")) {
      v = root.string_attrs.at("version");
    }
    if (!v.empty() && !(v.rfind("0.", 0) == 0 || v.rfind("1.", 0) == 0 || v == "0" || v == "1"))
      fail(file_, "NIR version '" + printable(v) + "'", "NIR 0.x and 1.x");
  }

  // ---------- flattening ----------
  Scope flatten(const h5::Group& graph, const std::string& prefix, int depth) {
    if (depth > kMaxNirNesting)
      fail(file_ + ": graph '" + prefix + "'", "NIRGraphs nested more than " +
                                                    std::to_string(kMaxNirNesting) + " deep");
    const std::string gname = prefix.empty() ? "the top graph" : "graph '" + prefix + "'";
    Scope s;
    s.prefix = prefix;
    const h5::Group* nodes = graph.group("nodes");
    if (!nodes) fail(file_ + ": " + gname, "no group 'nodes'", "a NIRGraph holds 'nodes' and 'edges'");
    for (const auto& [name, ng] : nodes->groups) {
      Node n;
      n.id = prefix + name;
      n.g = &ng;
      const h5::Value* t = ng.value("type");
      if (!t) fail(file_ + ": node '" + printable(n.id) + "'", "no dataset 'type'", kKnownTypes);
      n.type = text(*t, "node '" + n.id + "'/type");
      if (n.type == "NIRGraph") {
        s.subs[name] = flatten(ng, n.id + ".", depth + 1);
        continue;
      }
      if (!among(n.type, kWeightTypes) && !among(n.type, kNeuronTypes) &&
          !among(n.type, kPoolTypes) && !among(n.type, kPassTypes) && n.type != "Input" &&
          n.type != "Output" && n.type != "Flatten")
        fail(file_ + ": node '" + printable(n.id) + "'",
             "unknown NIR node type '" + printable(n.type) + "'", kKnownTypes);
      if (nodes_.size() >= kMaxNirNodes)
        fail(file_, "more than " + std::to_string(kMaxNirNodes) + " nodes", "at most " + std::to_string(kMaxNirNodes));
      const size_t idx = nodes_.size();
      if (n.type == "Input") s.inputs.push_back(idx);
      if (n.type == "Output") s.outputs.push_back(idx);
      // Inside a nested graph, Input and Output only pass the signal through.
      if (depth > 0 && (n.type == "Input" || n.type == "Output")) n.type = "Identity";
      nodes_.push_back(n);
      s.nodes[name] = idx;
    }
    const h5::Value* edges = graph.value("edges");
    if (!edges) fail(file_ + ": " + gname, "no dataset 'edges'", "a NIRGraph holds 'nodes' and 'edges'");
    if (!edges->empty) {
      if (!edges->is_string() || edges->dims.size() != 2 || edges->dims[1] != 2)
        fail(file_ + ": " + gname, "'edges' is not a list of (source, target) names",
             "an N x 2 dataset of strings");
      for (size_t i = 0; i + 1 < edges->str.size(); i += 2) {
        const auto src = resolve(s, edges->str[i], true, gname);
        const auto dst = resolve(s, edges->str[i + 1], false, gname);
        for (size_t a : src)
          for (size_t b : dst) edges_.insert({a, b});
      }
    }
    return s;
  }

  // A name in an edge: a node, a nested graph (its Output as a source, its Input as a target) or
  // "graph.node" inside a nested graph.
  std::vector<size_t> resolve(const Scope& s, const std::string& name, bool src,
                              const std::string& gname) const {
    if (const auto it = s.nodes.find(name); it != s.nodes.end()) return {it->second};
    if (const auto it = s.subs.find(name); it != s.subs.end()) {
      const auto& ends = src ? it->second.outputs : it->second.inputs;
      if (ends.size() != 1)
        fail(file_ + ": " + gname, "an edge " + std::string(src ? "from" : "into") +
                                       " the nested graph '" + printable(name) + "', which has " +
                                       std::to_string(ends.size()) + (src ? " Output" : " Input") +
                                       " nodes",
             "nested graphs with one Input and one Output");
      return {ends.front()};
    }
    const size_t dot = name.find('.');
    if (dot != std::string::npos)
      if (const auto it = s.subs.find(name.substr(0, dot)); it != s.subs.end())
        return resolve(it->second, name.substr(dot + 1), src, gname);
    fail(file_ + ": " + gname, "an edge names '" + printable(name) + "', which is no node of it",
         "edges between the graph's nodes");
  }

  // ---------- recurrent loops ----------
  void find_recurrent_loops() {
    const size_t n = nodes_.size();
    succ_.assign(n, {});
    pred_.assign(n, {});
    for (const auto& [a, b] : edges_) {
      succ_[a].push_back(b);
      pred_[b].push_back(a);
    }
    // Tarjan's strongly connected components.
    std::vector<int> index(n, -1), low(n, 0), comp(n, -1);
    std::vector<bool> on(n, false);
    std::vector<size_t> stack;
    int counter = 0, comps = 0;
    std::function<void(size_t)> visit = [&](size_t v) {
      index[v] = low[v] = counter++;
      stack.push_back(v);
      on[v] = true;
      for (size_t w : succ_[v]) {
        if (index[w] < 0) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on[w]) {
          low[v] = std::min(low[v], index[w]);
        }
      }
      if (low[v] == index[v]) {
        for (;;) {
          const size_t w = stack.back();
          stack.pop_back();
          on[w] = false;
          comp[w] = comps;
          if (w == v) break;
        }
        ++comps;
      }
    };
    for (size_t v = 0; v < n; ++v)
      if (index[v] < 0) visit(v);
    removed_.assign(n, false);
    for (int c = 0; c < comps; ++c) {
      std::vector<size_t> members;
      for (size_t v = 0; v < n; ++v)
        if (comp[v] == c) members.push_back(v);
      const bool self = members.size() == 1 &&
                        std::count(succ_[members[0]].begin(), succ_[members[0]].end(), members[0]);
      if (members.size() > 1 || self) take_loop(members);
    }
    // Drop the loops' weights and pass-through nodes: the rest must be a chain.
    for (size_t v = 0; v < n; ++v) {
      std::vector<size_t> s, p;
      for (size_t w : succ_[v])
        if (!removed_[v] && !removed_[w]) s.push_back(w);
      for (size_t w : pred_[v])
        if (!removed_[v] && !removed_[w]) p.push_back(w);
      succ_[v] = s;
      pred_[v] = p;
    }
  }

  void take_loop(const std::vector<size_t>& members) {
    std::set<size_t> in(members.begin(), members.end());
    // The loop in edge order, from its neuron if it has one.
    size_t start = members.front();
    for (size_t v : members)
      if (among(nodes_[v].type, kNeuronTypes)) start = v;
    std::string path = "'" + nodes_[start].id + "'";
    std::vector<size_t> neurons, weights, others;
    bool simple = true;
    size_t v = start;
    std::set<size_t> seen;
    for (size_t step = 0; step <= members.size(); ++step) {
      seen.insert(v);
      (among(nodes_[v].type, kNeuronTypes)
           ? neurons
           : (nodes_[v].type == "Affine" || nodes_[v].type == "Linear") ? weights : others)
          .push_back(v);
      size_t next = v, inside = 0;
      for (size_t w : succ_[v])
        if (in.count(w)) ++inside, next = w;
      if (inside != 1) simple = false;
      path += " -> '" + nodes_[next].id + "'";
      if (next == start) break;
      if (seen.count(next)) {
        simple = false;
        break;
      }
      v = next;
    }
    simple = simple && seen.size() == members.size();
    bool passes_only = true;
    for (size_t o : others) passes_only = passes_only && among(nodes_[o].type, kPassTypes);
    bool closed = true;  // nothing but the neuron talks to the outside
    for (size_t m : members) {
      if (!neurons.empty() && m == neurons.front()) continue;
      for (size_t w : succ_[m]) closed = closed && in.count(w);
      for (size_t w : pred_[m]) closed = closed && in.count(w);
    }
    if (!simple || neurons.size() != 1 || weights.size() != 1 || !passes_only || !closed)
      fail(file_, "the cycle " + printable(path, 400) + " is not a recurrent layer",
           "a neuron whose output feeds back into it through one Affine or Linear node (and "
           "nothing else on the loop but Delay, Scale or a nested graph's Input/Output)");
    const size_t neuron = neurons.front();
    recurrent_[neuron] = weights.front();
    for (size_t m : members)
      if (m != neuron) removed_[m] = true;
  }

  // ---------- the chain ----------
  void walk(const Scope& top) {
    if (top.inputs.size() != 1)
      fail(file_, std::to_string(top.inputs.size()) + " Input nodes in the top graph",
           "one Input node");
    size_t cur = top.inputs.front();
    std::vector<bool> visited(nodes_.size(), false);
    visited[cur] = true;
    input(nodes_[cur]);
    for (;;) {
      const Node& n = nodes_[cur];
      if (succ_[cur].empty()) break;
      if (succ_[cur].size() > 1) {
        std::string list;
        for (size_t w : succ_[cur]) list += (list.empty() ? "'" : ", '") + nodes_[w].id + "'";
        bad(n, "feeds " + std::to_string(succ_[cur].size()) + " nodes (" + list + ")",
            "a chain of layers: branches are not modelled");
      }
      const size_t next = succ_[cur].front();
      if (pred_[next].size() > 1) {
        std::string list;
        for (size_t w : pred_[next]) list += (list.empty() ? "'" : ", '") + nodes_[w].id + "'";
        bad(nodes_[next], "sums the outputs of " + std::to_string(pred_[next].size()) +
                              " nodes (" + list + ")",
            "a chain of layers: merges (residual connections) are not modelled");
      }
      if (visited[next]) bad(nodes_[next], "reached twice");
      visited[next] = true;
      cur = next;
      step(cur);
    }
    for (size_t v = 0; v < nodes_.size(); ++v)
      if (!visited[v] && !removed_[v])
        bad(nodes_[v], "is not on the path from the Input to the Output",
            "every node on one chain from the Input");
    if (layers_.empty()) fail(file_, "no Affine, Linear or Conv node", "at least one weight layer");
  }

  Shape read_shape(const Node& n, const std::string& key) const {
    const h5::Value* v = n.g->value(key);
    if (!v || v->empty || v->is_string() || !v->values_read) return {};
    Shape s;
    for (double x : v->num) {
      if (!(x >= 1 && x <= double(1 << 24) && x == std::floor(x)))
        bad(n, key + " holds " + number_text(x), "sizes 1 .. 16777216");
      s.push_back(uint64_t(x));
    }
    return s;
  }

  // input_type as NIR 1.0 writes it (a group with a dataset "input") or as a plain dataset.
  Shape declared_input(const Node& n) const {
    if (const h5::Group* t = n.g->group("input_type"))
      if (const h5::Value* v = t->value("input"))
        if (!v->empty && !v->is_string()) {
          Shape s;
          for (double x : v->num)
            if (x >= 1 && x == std::floor(x)) s.push_back(uint64_t(x));
          if (s.size() == v->num.size()) return s;
        }
    return read_shape(n, "input_type");
  }

  void input(const Node& n) {
    shape_ = read_shape(n, "shape");
    if (shape_.empty()) shape_ = declared_input(n);
    // nirtorch traces a sample with its batch: [1, 784] or [1, C, H, W]. A leading 1 beyond
    // C x H x W is that batch of one.
    while (shape_.size() > 3 && shape_.front() == 1) shape_.erase(shape_.begin());
    input_shape_ = shape_;
  }

  // A leading batch of one before what a conv expects (nirtorch's [1, C, H, W]).
  void drop_batch(size_t dims) {
    while (shape_.size() > dims && shape_.front() == 1) shape_.erase(shape_.begin());
    if (layers_.empty() && input_shape_.size() > dims) input_shape_ = shape_;
  }

  Layer& last(const Node& n, const char* what) {
    if (layers_.empty())
      bad(n, std::string(what) + " with no weight layer before it",
          "each neuron and pool follows an Affine, Linear or Conv node");
    return layers_.back();
  }

  void new_layer(const Node& n, Layer L, const Shape& out) {
    if (!layers_.empty()) {
      const Layer& p = layers_.back();
      if (!has_neuron_)
        bad(n, "follows the weight layer '" + p.name + "' with no neuron between them",
            "weight layers separated by a neuron (LIF, IF, CubaLIF, Threshold)");
      if (!p.neuron.spiking)
        bad(n, "reads the output of the " + p.neuron.model + " neuron of '" + p.name +
                   "', which passes its membrane potential, not spikes",
            "LI, I and CubaLI only as the last layer's read-out");
    }
    if (layers_.size() >= kMaxLayers)
      bad(n, "is weight layer " + std::to_string(kMaxLayers + 1), "at most " + std::to_string(kMaxLayers) + " layers");
    L.name = n.id;
    layers_.push_back(L);
    has_neuron_ = false;
    shape_ = out;
  }

  void step(size_t idx) {
    const Node& n = nodes_[idx];
    const std::string& t = n.type;
    if (t == "Affine" || t == "Linear") return dense(n);
    if (t == "Conv2d") return conv2d(n);
    if (t == "Conv1d") return conv1d(n);
    if (among(t, kNeuronTypes)) return neuron(n, idx);
    if (among(t, kPoolTypes)) return pool(n);
    if (t == "Flatten") {
      if (shape_.empty()) shape_ = declared_input(n);
      if (shape_.empty()) bad(n, "the shape it flattens is unknown", "an input_type, or a known shape before it");
      shape_ = {product(shape_)};
      return;
    }
    if (t == "Scale") {
      const h5::Value& s = need(n, "scale");
      if (!shape_.empty() && s.elements() > 1 && s.elements() != product(shape_))
        bad(n, "scale has " + std::to_string(s.elements()) + " values for a " + shape_text(shape_) + " signal",
            "one value or one per element");
      return;
    }
    // Delay, Identity, Output: the signal passes unchanged.
  }

  void dense(const Node& n) {
    const h5::Value& w = need(n, "weight");
    if (w.dims.size() != 2)
      bad(n, "weight of shape " + shape_text(w.dims), "a 2-D weight (outputs x inputs)");
    const uint64_t out = w.dims[0], in = w.dims[1];
    if (shape_.empty()) shape_ = {in};
    if (product(shape_) != in)
      bad(n, "weight takes " + std::to_string(in) + " inputs, but " +
                 (shape_.size() > 1 ? shape_text(shape_) + " = " : std::string()) +
                 std::to_string(product(shape_)) + " values arrive",
          "weight of shape (outputs, " + std::to_string(product(shape_)) + ")");
    Layer L;
    L.kind = LayerKind::FC;
    L.in_c = uint32_t(in);
    L.out_c = uint32_t(out);
    if (in == 0 || out == 0 || in > (1u << 24) || out > (1u << 24))
      bad(n, "weight of shape " + shape_text(w.dims), "1 .. 16777216 inputs and outputs");
    new_layer(n, L, {out});
  }

  // padding: an int, a pair, 'same' or 'valid'.
  uint32_t padding(const Node& n, uint32_t kh, uint32_t kw, uint32_t stride) const {
    const h5::Value* p = n.g->value("padding");
    if (!p) return 0;
    if (p->is_string()) {
      const std::string s = text(*p, "node '" + n.id + "'/padding");
      if (s == "valid") return 0;
      if (s == "same") {
        if (stride != 1) bad(n, "padding 'same' with stride " + std::to_string(stride), "'same' with stride 1");
        if (kh % 2 == 0 || kw % 2 == 0 || kh != kw)
          bad(n, "padding 'same' with a " + std::to_string(kh) + "x" + std::to_string(kw) + " kernel",
              "'same' with a square kernel of odd size: an even one pads its sides unequally");
        return (kh - 1) / 2;
      }
      bad(n, "padding '" + printable(s) + "'", "an int, a pair, 'same' or 'valid'");
    }
    return square(n, "padding", 0, 0);
  }

  void conv_checks(const Node& n) const {
    for (int64_t d : ints(n, "dilation", false))
      if (d != 1) bad(n, "dilation " + std::to_string(d), "dilation 1: dilated convolutions are not modelled");
    for (int64_t g : ints(n, "groups", false))
      if (g != 1) bad(n, "groups = " + std::to_string(g), "groups = 1: grouped and depthwise convolutions are not modelled");
  }

  void conv2d(const Node& n) {
    const h5::Value& w = need(n, "weight");
    if (w.dims.size() != 4)
      bad(n, "weight of shape " + shape_text(w.dims), "(out channels, in channels, height, width)");
    conv_checks(n);
    const uint64_t cout = w.dims[0], cin = w.dims[1];
    if (shape_.empty()) {
      const Shape hw = read_shape(n, "input_shape");
      if (hw.size() == 2) shape_ = {cin, hw[0], hw[1]};
      else shape_ = declared_input(n);
    }
    drop_batch(3);
    if (shape_.empty())
      bad(n, "the input's height and width are unknown",
          "a shape on the Input node, or input_shape (height, width) on the first Conv2d");
    if (shape_.size() != 3 || shape_[0] != cin)
      bad(n, "weight takes " + std::to_string(cin) + " channels, but a " + shape_text(shape_) +
                 " signal arrives",
          "a channels x height x width input with " + std::to_string(cin) + " channels");
    Layer L;
    L.kind = LayerKind::Conv;
    L.in_c = uint32_t(cin), L.in_h = uint32_t(shape_[1]), L.in_w = uint32_t(shape_[2]);
    L.kernel_h = uint32_t(w.dims[2]), L.kernel_w = uint32_t(w.dims[3]);
    L.out_c = uint32_t(cout);
    L.stride = square(n, "stride", 1, 1);
    L.pad = padding(n, L.kernel_h, L.kernel_w, L.stride);
    conv_shape_checks(n, L);
    new_layer(n, L, {cout, L.conv_h(), L.conv_w()});
  }

  void conv1d(const Node& n) {
    const h5::Value& w = need(n, "weight");
    if (w.dims.size() != 3)
      bad(n, "weight of shape " + shape_text(w.dims), "(out channels, in channels, kernel)");
    conv_checks(n);
    const uint64_t cout = w.dims[0], cin = w.dims[1];
    if (shape_.empty()) {
      const Shape len = read_shape(n, "input_shape");
      if (len.size() == 1) shape_ = {cin, len[0]};
      else shape_ = declared_input(n);
    }
    drop_batch(2);
    if (shape_.empty())
      bad(n, "the input's length is unknown", "a shape on the Input node, or input_shape on the first Conv1d");
    if (shape_.size() != 2 || shape_[0] != cin)
      bad(n, "weight takes " + std::to_string(cin) + " channels, but a " + shape_text(shape_) +
                 " signal arrives",
          "a channels x length input with " + std::to_string(cin) + " channels");
    Layer L;
    L.kind = LayerKind::Conv;
    L.in_c = uint32_t(cin), L.in_h = 1, L.in_w = uint32_t(shape_[1]);
    L.kernel_h = 1, L.kernel_w = uint32_t(w.dims[2]);
    L.out_c = uint32_t(cout);
    const std::vector<int64_t> s = ints(n, "stride", false);
    L.stride = s.empty() ? 1 : uint32_t(std::max<int64_t>(1, s.front()));
    // A Conv1d runs as a 1 x k conv; our layers pad height and width alike, so only no padding.
    uint32_t pad = 0;
    if (const h5::Value* pv = n.g->value("padding"); pv && pv->is_string()) {
      const std::string ps = text(*pv, "node '" + n.id + "'/padding");
      if (ps != "valid" && !(ps == "same" && L.kernel_w == 1)) pad = L.kernel_w / 2 + (ps != "same");
    } else {
      for (int64_t x : ints(n, "padding", false)) pad = std::max(pad, uint32_t(std::max<int64_t>(0, x)));
    }
    if (pad != 0)
      bad(n, "a padded Conv1d",
          "padding 0 or 'valid': a Conv1d runs as a 1 x k conv, and our layers pad height and "
          "width alike");
    conv_shape_checks(n, L);
    new_layer(n, L, {cout, L.conv_w()});
  }

  void conv_shape_checks(const Node& n, const Layer& L) const {
    if (L.kernel_h == 0 || L.kernel_w == 0 || L.out_c == 0) bad(n, "an empty weight");
    if (L.pad > 0 && (L.pad >= L.kernel_h || L.pad >= L.kernel_w))
      bad(n, "padding " + std::to_string(L.pad) + " with a " + std::to_string(L.kernel_h) + "x" +
                 std::to_string(L.kernel_w) + " kernel",
          "padding < kernel size");
    if (L.conv_h() == 0 || L.conv_w() == 0)
      bad(n, "output is empty: input " + std::to_string(L.in_h) + "x" + std::to_string(L.in_w) +
                 ", kernel " + std::to_string(L.kernel_h) + "x" + std::to_string(L.kernel_w),
          "kernel <= input + 2*padding");
  }

  void pool(const Node& n) {
    Layer& L = last(n, "a pool");
    if (L.kind != LayerKind::Conv) bad(n, "pools the output of the fc layer '" + L.name + "'", "pools after conv layers");
    if (L.pool > 1) bad(n, "a second pool after '" + L.name + "'", "one pool per conv layer");
    if (shape_.size() != 3) bad(n, "pools a " + shape_text(shape_) + " signal", "a channels x height x width signal");
    need(n, "kernel_size");
    const uint32_t k = square(n, "kernel_size", 1, 1);
    const uint32_t s = square(n, "stride", k, 1);
    const std::vector<int64_t> pad = ints(n, "padding", false);
    for (int64_t p : pad)
      if (p != 0) bad(n, "padding " + std::to_string(p), "pools without padding");
    if (s != k)
      bad(n, "kernel " + std::to_string(k) + " with stride " + std::to_string(s),
          "stride = kernel size (non-overlapping pools, as our layers fold them)");
    if (k > shape_[1] || k > shape_[2])
      bad(n, "kernel " + std::to_string(k) + " is larger than the " + shape_text(shape_) + " input",
          "kernel <= height and width");
    L.pool = k;
    shape_ = {shape_[0], shape_[1] / k, shape_[2] / k};
  }

  void neuron(const Node& n, size_t idx) {
    Layer& L = last(n, "a neuron");
    if (has_neuron_)
      bad(n, "a second neuron on the layer '" + L.name + "'", "one neuron after each weight layer");
    const std::string& t = n.type;
    const double dt = opt_.dt;
    bool differs = false;
    LayerNeuron& ln = L.neuron;
    ln.model = t;
    NeuronParams& p = ln.params;
    p.reset = ResetMode::Zero;
    auto positive = [&](const char* key, double v) {
      if (!(v > 0)) bad(n, std::string(key) + " = " + number_text(v), std::string(key) + " > 0");
    };
    auto leak = [&](const char* key, double tau) {
      positive(key, tau);
      const double l = 1.0 - dt / tau;
      if (l < 0)
        bad(n, std::string(key) + " = " + number_text(tau) + " is shorter than the time step dt = " +
                   number_text(dt) + " (lambda = 1 - dt/" + key + " = " + number_text(l) + ")",
            std::string(key) + " >= dt; give the exporter's time step with --nir-dt");
      return l;
    };
    if (t == "Threshold") {
      p.lambda = 0;
      p.c = 1;
      p.theta = param(n, "threshold", shape_, differs, 0, true);
    } else if (t == "IF" || t == "I") {
      const double r = param(n, "r", shape_, differs, 1, t == "IF");
      positive("r", r);
      p.lambda = 1;
      p.c = r * dt;
    } else if (t == "LIF" || t == "LI") {
      const double tau = param(n, "tau", shape_, differs, 0, true);
      const double r = param(n, "r", shape_, differs, 1, false);
      positive("r", r);
      p.lambda = leak("tau", tau);
      p.c = r * dt / tau;
      ln.v_leak = param(n, "v_leak", shape_, differs, 0, false);
    } else {  // CubaLIF, CubaLI
      const double tm = param(n, "tau_mem", shape_, differs, 0, true);
      const double ts = param(n, "tau_syn", shape_, differs, 0, true);
      const double r = param(n, "r", shape_, differs, 1, false);
      const double w_in = param(n, "w_in", shape_, differs, 1, false);
      positive("r", r);
      positive("w_in", w_in);
      p.lambda = leak("tau_mem", tm);
      ln.syn_lambda = leak("tau_syn", ts);
      ln.synaptic = true;
      p.c = w_in * r * dt / tm;
      ln.v_leak = param(n, "v_leak", shape_, differs, 0, false);
    }
    ln.spiking = t == "LIF" || t == "IF" || t == "CubaLIF" || t == "Threshold";
    if (ln.spiking && t != "Threshold") {
      p.theta = param(n, "v_threshold", shape_, differs, 0, true);
      ln.v_reset = param(n, "v_reset", shape_, differs, 0, false);
    }
    if (ln.spiking && !(p.theta > 0))
      bad(n, "threshold " + number_text(p.theta), "a threshold > 0");
    if (!ln.spiking) p.theta = NeuronParams{}.theta;  // never compared: a read-out does not spike
    if (!std::isfinite(p.c) || p.c <= 0) bad(n, "gain c = " + number_text(p.c), "c > 0");
    p.surrogate_width = p.theta;
    ln.per_neuron = differs;
    has_neuron_ = true;
    if (const auto it = recurrent_.find(idx); it != recurrent_.end()) {
      const Node& w = nodes_[it->second];
      if (L.kind != LayerKind::FC)
        bad(n, "feeds back through '" + w.id + "' on the conv layer '" + L.name + "'",
            "recurrent fc layers: a recurrent convolution is not modelled");
      const h5::Value& wv = need(w, "weight");
      if (wv.dims.size() != 2 || wv.dims[0] != L.out_c || wv.dims[1] != L.out_c)
        bad(w, "recurrent weight of shape " + shape_text(wv.dims) + " on " +
                   std::to_string(L.out_c) + " neurons",
            std::to_string(L.out_c) + "x" + std::to_string(L.out_c));
      L.recurrent = true;
    }
  }

  // ---------- the network ----------
  Network finish(const h5::Group& top) {
    Network net;
    net.source = file_;
    std::string stem = fs::path(file_).stem().string();
    net.name = stem.empty() ? "nir" : stem;
    net.layers = layers_;
    const Layer& first = layers_.front();
    if (first.kind == LayerKind::Conv) {
      net.in_h = first.in_h, net.in_w = first.in_w, net.in_c = first.in_c;
    } else if (input_shape_.size() == 3) {
      net.in_c = uint32_t(input_shape_[0]), net.in_h = uint32_t(input_shape_[1]),
      net.in_w = uint32_t(input_shape_[2]);
    } else {
      net.in_c = first.in_c;
    }
    for (const Layer& L : layers_)
      if (!L.neuron.model.empty() && L.neuron.spiking) {
        net.neuron = L.neuron.params;
        break;
      }
    // Our own export keeps T, B and the bit widths in the graph's metadata.
    if (const h5::Group* m = top.group("metadata")) {
      auto get = [&](const char* key, uint32_t& out, uint32_t hi) {
        const h5::Value* v = m->value(key);
        if (!v || v->is_string() || v->num.size() != 1) return;
        const double x = v->num.front();
        if (x >= 1 && x <= hi && x == std::floor(x)) out = uint32_t(x);
      };
      get("spikepipe_timesteps", net.timesteps, 1u << 20);
      get("spikepipe_batch", net.batch, 1u << 20);
      get("spikepipe_act_bits", net.act_bits, 64);
      get("spikepipe_weight_bits", net.weight_bits, 64);
      if (const h5::Value* v = m->value("spikepipe_name"))
        if (v->is_string() && v->str.size() == 1 && !v->str.front().empty()) net.name = v->str.front();
    }
    validate(net);
    return net;
  }

  std::string file_;
  NirOptions opt_;
  std::vector<Node> nodes_;
  std::set<std::pair<size_t, size_t>> edges_;
  std::vector<std::vector<size_t>> succ_, pred_;
  std::vector<bool> removed_;
  std::map<size_t, size_t> recurrent_;   // neuron -> its recurrent weight node
  std::vector<Layer> layers_;
  bool has_neuron_ = false;
  Shape shape_, input_shape_;
};

}  // namespace

bool is_hdf5_file(const std::string& path) { return h5::has_hdf5_signature(path); }

Network import_nir(const std::string& path, const NirOptions& options) {
  if (!(options.dt > 0) || !std::isfinite(options.dt))
    fail("--nir-dt", "dt = " + number_text(options.dt), "a time step > 0");
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail(path, "is a directory, not a NIR file");
  if (!fs::exists(path, ec)) fail(path, "no such NIR file");
  if (const auto size = fs::file_size(path, ec); !ec && size > kMaxNirFileBytes)
    fail(path, "is " + std::to_string(size) + " bytes, too large for a NIR file",
         "at most " + std::to_string(kMaxNirFileBytes) + " bytes");
  if (!h5::has_hdf5_signature(path))
    fail(path, "is not an HDF5 file (no HDF5 signature), so not a NIR file",
         "a NIR file as written by nir.write (HDF5)");
  const h5::Group root =
      options.isolate_hdf5 ? h5::read_file_isolated(path, {"weight", "bias"}, kMaxNirParamValues)
                           : h5::read_file(path, {"weight", "bias"}, kMaxNirParamValues);
  return Importer(path, options).run(root);
}

Network import_nir_bytes(const std::string& bytes, const std::string& name,
                         const NirOptions& options) {
  if (!(options.dt > 0) || !std::isfinite(options.dt))
    fail("--nir-dt", "dt = " + number_text(options.dt), "a time step > 0");
  if (bytes.size() > kMaxNirFileBytes)
    fail(name, "is " + std::to_string(bytes.size()) + " bytes, too large for a NIR file",
         "at most " + std::to_string(kMaxNirFileBytes) + " bytes");
  if (!h5::has_hdf5_signature_in(bytes.data(), bytes.size()))
    fail(name, "is not an HDF5 file (no HDF5 signature), so not a NIR file",
         "a NIR file as written by nir.write (HDF5)");
  const h5::Group root =
      options.isolate_hdf5
          ? h5::read_image_isolated(bytes.data(), bytes.size(), name, {"weight", "bias"},
                                    kMaxNirParamValues)
          : h5::read_image(bytes.data(), bytes.size(), name, {"weight", "bias"}, kMaxNirParamValues);
  return Importer(name, options).run(root);
}

}  // namespace spikepipe

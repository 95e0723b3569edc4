// The network YAML format (docs/NETWORK_FORMAT.md). Strict on purpose: an unknown key, a wrong
// type or an impossible shape stops the load with "file:line: key: what (allowed: ...)", because
// a typo that is silently ignored would cost a network with the wrong shape.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"
#include "spikepipe/workloads/network.h"

namespace spikepipe {
namespace {

constexpr int64_t kMaxSize = 1 << 24;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  std::string at(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return m.line >= 0 ? file_ + ":" + std::to_string(m.line + 1) : file_;
  }

  [[noreturn]] void error(const YAML::Node& n, const std::string& key, const std::string& what,
                          const std::string& allowed = {}) const {
    fail(at(n), key.empty() ? what : key + ": " + what, allowed);
  }

  // Rejects keys not in `allowed` (and duplicates, which yaml-cpp would let the last one win).
  void keys(const YAML::Node& map, const std::string& path,
            const std::vector<std::string>& allowed) const {
    std::set<std::string> seen;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.IsScalar() ? it->first.Scalar() : "?";
      const std::string full = path.empty() ? k : path + "." + k;
      bool known = false;
      for (const auto& a : allowed) known = known || a == k;
      if (!known) error(it->first, full, "unknown key", list);
      if (!seen.insert(k).second) error(it->first, full, "key given twice", "each key once");
    }
  }

  YAML::Node map(const YAML::Node& parent, const YAML::Node& n, const std::string& key) const {
    if (!n.IsMap())
      error(n.IsDefined() && !n.IsNull() ? n : parent, key, "expected a mapping {key: value, ...}");
    return n;
  }

  std::string scalar(const YAML::Node& parent, const YAML::Node& n, const std::string& key,
                     const std::string& expected) const {
    if (!n.IsDefined()) error(parent, key, "missing key", expected);
    if (n.IsNull()) error(n, key, "missing value", expected);
    if (!n.IsScalar()) error(n, key, "expected a single value, got a list or mapping", expected);
    return n.Scalar();
  }

  int64_t integer(const YAML::Node& parent, const YAML::Node& n, const std::string& key, int64_t lo,
                  int64_t hi) const {
    const std::string range = std::to_string(lo) + " .. " + std::to_string(hi);
    const std::string s = scalar(parent, n, key, "an integer " + range);
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE)
      error(n, key, "'" + printable(s) + "' is not an integer", range);
    if (v < lo || v > hi) error(n, key, "value " + s + " is out of range", range);
    return v;
  }

  double real(const YAML::Node& parent, const YAML::Node& n, const std::string& key, double lo,
              double hi, bool open_lo) const {
    const std::string range =
        (open_lo ? "> " : ">= ") + num(lo) + (std::isinf(hi) ? "" : " and <= " + num(hi));
    const std::string s = scalar(parent, n, key, "a number " + range);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
      error(n, key, "'" + printable(s) + "' is not a number", range);
    if ((open_lo ? v <= lo : v < lo) || v > hi)
      error(n, key, "value " + s + " is out of range", range);
    return v;
  }

 private:
  static std::string num(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  std::string file_;
};

struct Shape {
  uint32_t h, w, c;
};

// Where the layers currently stand while the list is read top to bottom.
struct Chain {
  Shape shape;
  bool last_is_conv = false, last_is_pool = false;
};

void read_neuron(const Reader& r, const YAML::Node& top, NeuronParams& n) {
  const YAML::Node node = r.map(top, top["neuron"], "neuron");
  r.keys(node, "neuron", {"c", "lambda", "theta", "reset", "surrogate_width"});
  const double inf = HUGE_VAL;
  if (node["c"]) n.c = r.real(node, node["c"], "neuron.c", 0, inf, true);
  if (node["lambda"]) n.lambda = r.real(node, node["lambda"], "neuron.lambda", 0, 1, false);
  if (node["theta"]) n.theta = r.real(node, node["theta"], "neuron.theta", 0, inf, true);
  // METHOD.md §1: the surrogate's half-width defaults to theta.
  n.surrogate_width = node["surrogate_width"] ? r.real(node, node["surrogate_width"],
                                                       "neuron.surrogate_width", 0, inf, true)
                                              : n.theta;
  if (node["reset"]) {
    const std::string s = r.scalar(node, node["reset"], "neuron.reset", "zero, subtract");
    if (s == "zero")
      n.reset = ResetMode::Zero;
    else if (s == "subtract")
      n.reset = ResetMode::Subtract;
    else
      r.error(node["reset"], "neuron.reset", "unknown reset mode '" + s + "'", "zero, subtract");
  }
}

// kernel: 5  or  kernel: [5, 3] (height, width).
void read_kernel(const Reader& r, const YAML::Node& n, const std::string& key, Layer& L) {
  const YAML::Node k = n["kernel"];
  if (k && k.IsSequence()) {
    if (k.size() != 2)
      r.error(k, key, "expected [height, width]", "an integer or a list of two integers");
    L.kernel_h = uint32_t(r.integer(k, k[0], key + "[0]", 1, kMaxSize));
    L.kernel_w = uint32_t(r.integer(k, k[1], key + "[1]", 1, kMaxSize));
  } else {
    L.kernel_h = L.kernel_w = uint32_t(r.integer(n, k, key, 1, kMaxSize));
  }
}

void read_layer(const Reader& r, const YAML::Node& n, size_t index, Chain& chain, Network& net) {
  const std::string path = "layers[" + std::to_string(index) + "]";
  r.map(n, n, path);
  const std::string type = r.scalar(n, n["type"], path + ".type", "fc, conv, pool");
  if (type == "pool") {
    r.keys(n, path, {"type", "size"});
    if (net.layers.empty())
      r.error(n, path, "pool is the first layer", "pool follows a conv layer");
    if (chain.last_is_pool)
      r.error(n, path, "pool after another pool", "one pool after each conv layer");
    if (!chain.last_is_conv)
      r.error(n, path, "pool after an fc layer", "pool follows a conv layer");
    Layer& prev = net.layers.back();
    prev.pool = uint32_t(r.integer(n, n["size"], path + ".size", 1, kMaxSize));
    if (prev.out_h() == 0 || prev.out_w() == 0)
      r.error(n["size"], path + ".size",
              "pool " + std::to_string(prev.pool) + " is larger than the conv output " +
                  std::to_string(prev.conv_h()) + "x" + std::to_string(prev.conv_w()),
              "size <= output height and width");
    chain.shape = {prev.out_h(), prev.out_w(), prev.out_c};
    chain.last_is_pool = true;
    return;
  }

  Layer L;
  if (type == "fc") {
    r.keys(n, path, {"type", "name", "units"});
    L.kind = LayerKind::FC;
    L.in_c = chain.shape.h * chain.shape.w * chain.shape.c;  // an fc flattens its input
    L.out_c = uint32_t(r.integer(n, n["units"], path + ".units", 1, kMaxSize));
  } else if (type == "conv") {
    r.keys(n, path, {"type", "name", "kernel", "channels", "stride", "padding"});
    L.kind = LayerKind::Conv;
    L.in_h = chain.shape.h, L.in_w = chain.shape.w, L.in_c = chain.shape.c;
    read_kernel(r, n, path + ".kernel", L);
    L.out_c = uint32_t(r.integer(n, n["channels"], path + ".channels", 1, kMaxSize));
    if (n["stride"]) L.stride = uint32_t(r.integer(n, n["stride"], path + ".stride", 1, kMaxSize));
    if (n["padding"]) {
      L.pad = uint32_t(r.integer(n, n["padding"], path + ".padding", 0, kMaxSize));
      if (L.pad > 0 && (L.pad >= L.kernel_h || L.pad >= L.kernel_w))
        r.error(n["padding"], path + ".padding",
                "padding " + std::to_string(L.pad) + " with a " + std::to_string(L.kernel_h) + "x" +
                    std::to_string(L.kernel_w) + " kernel",
                "padding < kernel size");
    }
    if (L.conv_h() == 0 || L.conv_w() == 0)
      r.error(n, path,
              "conv output is empty: input " + std::to_string(L.in_h) + "x" +
                  std::to_string(L.in_w) + ", kernel " + std::to_string(L.kernel_h) + "x" +
                  std::to_string(L.kernel_w) + ", padding " + std::to_string(L.pad),
              "kernel <= input + 2*padding");
  } else {
    r.error(n["type"], path + ".type", "unknown layer type '" + type + "'", "fc, conv, pool");
  }
  L.name = n["name"] ? r.scalar(n, n["name"], path + ".name", "a name")
                     : std::string(to_string(L.kind)) + std::to_string(net.layers.size() + 1);
  chain.shape = {L.out_h(), L.out_w(), L.out_c};
  chain.last_is_conv = L.kind == LayerKind::Conv;
  chain.last_is_pool = false;
  net.layers.push_back(L);
}

// A network file is a few levels deep; yaml-cpp gives up on very deep flow nesting with only
// "bad file", so depth is checked first (brackets inside quotes do not count).
constexpr size_t kMaxFlowDepth = 64;
size_t flow_depth(const std::string& text) {
  size_t depth = 0, deepest = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote || c == '\n') quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth) {
      --depth;
    }
  }
  return deepest;
}

// yaml-cpp 0.7 leaves unread a token it cannot place where a document's top node starts (a ','
// there, for one): LoadAll() then reads an empty document at that same place forever, growing
// until memory runs out, and Load() drops the token and everything after it. So the documents are
// walked with a parser first, which stops where a document would start where the last one did.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

void check_documents_progress(const std::string& text, const std::string& filename) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts h;
  while (parser.HandleNextDocument(h)) {
    const size_t n = h.starts.size();
    if (n >= 2 && h.starts[n - 1].pos == h.starts[n - 2].pos) {
      const YAML::Mark& at = h.starts.back();
      const size_t pos = static_cast<size_t>(std::max(at.pos, 0));
      fail(filename + ":" + std::to_string(at.line + 1),
           "not valid YAML: '" + printable(text.substr(pos, 1)) + "' at column " +
               std::to_string(at.column + 1) + " cannot start a value");
    }
  }
}

std::string stem(const std::string& file) {
  std::string s = file.substr(file.find_last_of('/') + 1);
  const size_t dot = s.rfind('.');
  return dot == std::string::npos || dot == 0 ? s : s.substr(0, dot);
}

}  // namespace

Network parse_network_yaml(const std::string& text, const std::string& filename) {
  const Reader r(filename);
  if (text.size() > kMaxNetworkFileBytes)
    fail(filename, "is " + std::to_string(text.size()) + " bytes, too large for a network file",
         "at most " + std::to_string(kMaxNetworkFileBytes) + " bytes");
  // Refuse what yaml-cpp would read inexactly: a NUL ends its input early, and binary bytes
  // would be echoed raw in its messages.
  if (const std::string b = binary_byte(text); !b.empty())
    fail(filename, "holds " + b + ", so it is not a text YAML file", "a YAML text file");
  if (const size_t depth = flow_depth(text); depth > kMaxFlowDepth)
    fail(filename, "nests [ ] or { } " + std::to_string(depth) + " levels deep",
         "at most " + std::to_string(kMaxFlowDepth) + " levels");
  YAML::Node loaded;
  try {
    check_documents_progress(text, filename);  // before LoadAll(), which could loop forever
    const std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1)
      fail(filename, "holds " + std::to_string(docs.size()) + " YAML documents (--- separators)",
           "one network per file");
    if (!docs.empty()) loaded = docs.front();
  } catch (const YAML::Exception& e) {
    fail(filename + ":" + std::to_string(e.mark.line + 1), "not valid YAML: " + printable(e.msg, 200));
  }
  const YAML::Node top = loaded;  // const: operator[] must never insert what it looks up
  if (!top.IsDefined() || top.IsNull())
    fail(filename, "empty network file", "a mapping with input and layers");
  if (!top.IsMap())
    r.error(top, "", "expected a mapping at the top level", "name, input, layers, ...");
  r.keys(top, "",
         {"name", "input", "timesteps", "batch", "neuron", "act_bits", "weight_bits", "layers"});

  Network net;
  net.source = filename;
  net.name = top["name"] ? r.scalar(top, top["name"], "name", "a name") : stem(filename);
  const YAML::Node in = top["input"];
  if (!in) r.error(top, "input", "missing key", "input: {height: H, width: W, channels: C}");
  r.map(top, in, "input");
  r.keys(in, "input", {"height", "width", "channels"});
  net.in_h = uint32_t(r.integer(in, in["height"], "input.height", 1, kMaxSize));
  net.in_w = uint32_t(r.integer(in, in["width"], "input.width", 1, kMaxSize));
  net.in_c = uint32_t(r.integer(in, in["channels"], "input.channels", 1, kMaxSize));
  if (top["timesteps"])
    net.timesteps = uint32_t(r.integer(top, top["timesteps"], "timesteps", 1, 1 << 20));
  if (top["batch"]) net.batch = uint32_t(r.integer(top, top["batch"], "batch", 1, 1 << 20));
  if (top["act_bits"]) net.act_bits = uint32_t(r.integer(top, top["act_bits"], "act_bits", 1, 64));
  if (top["weight_bits"])
    net.weight_bits = uint32_t(r.integer(top, top["weight_bits"], "weight_bits", 1, 64));
  if (top["neuron"]) read_neuron(r, top, net.neuron);

  const YAML::Node layers = top["layers"];
  if (!layers) r.error(top, "layers", "missing key", "layers: a list of fc, conv and pool layers");
  if (!layers.IsSequence() || layers.size() == 0)
    r.error(layers.IsNull() ? top : layers, "layers", "expected a non-empty list",
            "a list of fc, conv and pool layers");
  if (layers.size() > kMaxLayers)
    r.error(layers, "layers", std::to_string(layers.size()) + " layers",
            "at most " + std::to_string(kMaxLayers));
  Chain chain{{net.in_h, net.in_w, net.in_c}};
  for (size_t i = 0; i < layers.size(); ++i) read_layer(r, layers[i], i, chain, net);
  validate(net);  // the same checks as every other Network: a second line of defence
  return net;
}

}  // namespace spikepipe

// SCALE-Sim topology CSV import (docs/NETWORK_FORMAT.md). SCALE-Sim gives every row its own
// IFMAP and never pads; we keep that, infer a pool where the next row's IFMAP is an integer
// pooling of this row's output, and leave rows that do not chain unchained (Network::chained).
#include "spikepipe/workloads/topology.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"

namespace spikepipe {

TopologyFormat parse_topology_format(const std::string& s, const std::string& where) {
  if (s == "conv") return TopologyFormat::Conv;
  if (s == "gemm") return TopologyFormat::Gemm;
  fail(where, "unknown topology format '" + s + "'",
       "conv (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
       "Filter, "
       "Strides) or gemm (Layer, M, N, K)");
}

namespace {

const std::vector<std::string> kConvColumns = {"Layer name",    "IFMAP Height", "IFMAP Width",
                                               "Filter Height", "Filter Width", "Channels",
                                               "Num Filter",    "Strides"};
const std::vector<std::string> kGemmColumns = {"Layer", "M", "N", "K"};

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    f.push_back(
        trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (!f.empty() && f.back().empty()) f.pop_back();  // SCALE-Sim rows end with a comma
  return f;
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return *end == '\0';
}

struct Row {
  int line;
  std::string name;
  std::vector<uint32_t> v;  // the numeric columns, in file order
};

class Reader {
 public:
  Reader(std::string path, const std::vector<std::string>& cols)
      : path_(std::move(path)), cols_(cols) {}

  [[noreturn]] void error(int line, size_t col, const std::string& what,
                          const std::string& allowed) const {
    std::string where = path_ + ":" + std::to_string(line);
    if (col > 0) where += ": column " + std::to_string(col + 1) + " (" + cols_[col] + ")";
    fail(where, what, allowed);
  }

  std::vector<Row> rows(std::istream& in, TopologyFormat format) const {
    std::vector<Row> out;
    std::string text;
    int line = 0;
    bool header_seen = false;
    std::string all;
    for (const auto& c : cols_) all += (all.empty() ? "" : ", ") + c;
    while (std::getline(in, text)) {
      ++line;
      if (const std::string b = binary_byte(text, false); !b.empty())
        fail(path_ + ":" + std::to_string(line), "holds " + b + ", not text",
             "a SCALE-Sim topology CSV");
      const std::vector<std::string> f = split(text);
      if (f.empty() || f[0].rfind('#', 0) == 0) continue;
      // The header is the first line whose second column is not a number.
      if (!header_seen && out.empty() && (f.size() < 2 || !is_number(f[1]))) {
        header_seen = true;
        continue;
      }
      if (f.size() < cols_.size())
        error(line, 0,
              "row '" + printable(f[0]) + "' has " + std::to_string(f.size()) + " columns, expected " +
                  std::to_string(cols_.size()) +
                  (format == TopologyFormat::Conv && f.size() == kGemmColumns.size()
                       ? " (is this a GEMM file? use --topology-format gemm)"
                       : ""),
              all);
      // A conv file read as gemm would run with its first three numbers as M, N, K.
      if (format == TopologyFormat::Gemm && f.size() > cols_.size())
        error(line, 0,
              "row '" + printable(f[0]) + "' has " + std::to_string(f.size()) +
                  " columns, expected " + std::to_string(cols_.size()) +
                  (f.size() >= kConvColumns.size() ? " (is this a conv file? use --topology-format conv)"
                                                   : ""),
              all);
      if (out.size() == kMaxLayers)
        error(line, 0, "more than " + std::to_string(kMaxLayers) + " layer rows",
              "at most " + std::to_string(kMaxLayers));
      Row r{line, f[0], {}};
      // Conv: columns past the last one SCALE-Sim defines (e.g. a sparsity column) are ignored.
      for (size_t c = 1; c < cols_.size(); ++c) r.v.push_back(number(line, c, f[c]));
      out.push_back(std::move(r));
    }
    if (in.bad()) fail(path_, "error while reading the topology file");
    if (out.empty()) fail(path_, "no layer rows", "a header line, then one row per layer: " + all);
    return out;
  }

 private:
  uint32_t number(int line, size_t col, const std::string& s) const {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE)
      error(line, col, "'" + printable(s) + "' is not an integer", "1 .. 16777216");
    if (v < 1 || v > (1 << 24))
      error(line, col, "value " + s + " is out of range", "1 .. 16777216");
    return uint32_t(v);
  }

  std::string path_;
  const std::vector<std::string>& cols_;
};

Layer conv_row(const Reader& rd, const Row& r) {
  Layer L;
  L.name = r.name;
  L.in_h = r.v[0], L.in_w = r.v[1];
  L.kernel_h = r.v[2], L.kernel_w = r.v[3];
  L.in_c = r.v[4], L.out_c = r.v[5], L.stride = r.v[6];
  if (L.kernel_h > L.in_h)
    rd.error(r.line, 3,
             "filter height " + std::to_string(L.kernel_h) + " exceeds the IFMAP height " +
                 std::to_string(L.in_h) + " (SCALE-Sim does not pad)",
             "Filter Height <= IFMAP Height");
  if (L.kernel_w > L.in_w)
    rd.error(r.line, 4,
             "filter width " + std::to_string(L.kernel_w) + " exceeds the IFMAP width " +
                 std::to_string(L.in_w) + " (SCALE-Sim does not pad)",
             "Filter Width <= IFMAP Width");
  // A 1x1 IFMAP under a 1x1 filter is a fully connected layer over `Channels` features.
  L.kind = L.in_h == 1 && L.in_w == 1 && L.kernel_h == 1 && L.kernel_w == 1 ? LayerKind::FC
                                                                            : LayerKind::Conv;
  if (L.kind == LayerKind::FC) L.stride = 1;
  return L;
}

// A GEMM row (M, N, K) is a 1x1 layer at M positions: F's GEMM is exactly M x K x N when B = T = 1
// (an fc layer when M = 1).
Layer gemm_row(const Row& r) {
  Layer L;
  L.name = r.name;
  const uint32_t M = r.v[0], N = r.v[1], K = r.v[2];
  L.kind = M == 1 ? LayerKind::FC : LayerKind::Conv;
  L.in_h = M, L.in_w = 1, L.in_c = K, L.out_c = N;
  return L;
}

// The pool p that turns `prev`'s output into `next`'s input, or 0 if none does.
uint32_t implied_pool(const Layer& prev, const Layer& next) {
  if (prev.kind != LayerKind::Conv) return next.inputs() == prev.outputs() ? 1 : 0;
  const uint32_t h = prev.conv_h(), w = prev.conv_w();
  for (uint32_t p = 1; p <= h && p <= w; ++p) {
    const uint32_t ph = h / p, pw = w / p;
    const bool ok = next.kind == LayerKind::FC
                        ? uint64_t(ph) * pw * prev.out_c == next.inputs()
                        : ph == next.in_h && pw == next.in_w && prev.out_c == next.in_c;
    if (ok) return p;
    if (ph < next.in_h || pw < next.in_w) break;  // pooling only shrinks
  }
  return 0;
}

std::string stem(const std::string& path) {
  std::string s = path.substr(path.find_last_of('/') + 1);
  const size_t dot = s.rfind('.');
  return dot == std::string::npos || dot == 0 ? s : s.substr(0, dot);
}

}  // namespace

Network import_topology(const std::string& path, TopologyFormat format,
                        const TopologySnnParams& snn) {
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxNetworkFileBytes)
    fail(path, "is " + std::to_string(size) + " bytes, too large for a topology file",
         "at most " + std::to_string(kMaxNetworkFileBytes) + " bytes (" +
             std::to_string(kMaxLayers) + " layers)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read topology file", "a SCALE-Sim topology CSV");
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, "error while reading the topology file");
  return parse_topology_csv(text.str(), path, format, snn);
}

Network parse_topology_csv(const std::string& text, const std::string& path, TopologyFormat format,
                           const TopologySnnParams& snn) {
  const Reader rd(path, format == TopologyFormat::Conv ? kConvColumns : kGemmColumns);
  if (text.size() > kMaxNetworkFileBytes)
    fail(path, "is " + std::to_string(text.size()) + " bytes, too large for a topology file",
         "at most " + std::to_string(kMaxNetworkFileBytes) + " bytes");
  std::istringstream in(text);
  Network net;
  net.name = stem(path);
  net.source = path;
  net.timesteps = snn.timesteps;
  net.batch = snn.batch;
  net.neuron = snn.neuron;
  net.act_bits = snn.act_bits;
  net.weight_bits = snn.weight_bits;
  for (const Row& r : rd.rows(in, format)) {
    Layer L = format == TopologyFormat::Conv ? conv_row(rd, r) : gemm_row(r);
    if (format == TopologyFormat::Gemm) {
      net.chained = false;  // GEMM rows are independent products, each with its own input
    } else if (!net.layers.empty()) {
      Layer& prev = net.layers.back();
      const uint32_t p = implied_pool(prev, L);
      if (p > 1) prev.pool = p;
      if (p == 0) net.chained = false;
    }
    net.layers.push_back(L);
  }
  const Layer& first = net.layers.front();
  net.in_h = first.kind == LayerKind::FC ? 1 : first.in_h;
  net.in_w = first.kind == LayerKind::FC ? 1 : first.in_w;
  net.in_c = first.in_c;
  validate(net);
  return net;
}

}  // namespace spikepipe

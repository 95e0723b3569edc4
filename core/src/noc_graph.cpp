// Topology generated from its description (no hand-wired tables): links and XY routes.
#include "spikepipe/core/noc_graph.h"

namespace spikepipe {

NocGraph::NocGraph(const NocParams& p)
    : shape_(p.topology),
      cols_(p.cols),
      rows_(p.topology == NocShape::Ring ? 1 : p.rows),
      nodes_(p.nodes()) {
  out_.assign(size_t(nodes_) * kDirs, kNone);
  if (shape_ == NocShape::Crossbar) {
    for (uint32_t n = 0; n < nodes_; ++n) out_[size_t(n) * kDirs] = add_link(kCrossbar, n);
    return;
  }
  const bool wrap = shape_ == NocShape::Torus || shape_ == NocShape::Ring;
  for (uint32_t n = 0; n < nodes_; ++n) {
    const uint32_t x = n % cols_, y = n / cols_;
    // A wrap link only when it is not already a neighbour link (dimension of 2) or a self loop.
    auto has = [&](uint32_t pos, uint32_t size, bool plus) {
      if (plus) return pos + 1 < size || (wrap && size > 2);
      return pos > 0 || (wrap && size > 2);
    };
    if (has(x, cols_, true)) out_[n * kDirs + East] = add_link(n, y * cols_ + (x + 1) % cols_);
    if (has(x, cols_, false))
      out_[n * kDirs + West] = add_link(n, y * cols_ + (x + cols_ - 1) % cols_);
    if (has(y, rows_, true)) out_[n * kDirs + South] = add_link(n, ((y + 1) % rows_) * cols_ + x);
    if (has(y, rows_, false))
      out_[n * kDirs + North] = add_link(n, ((y + rows_ - 1) % rows_) * cols_ + x);
  }
}

uint32_t NocGraph::add_link(uint32_t from, uint32_t to) {
  LinkInfo l;
  l.id = LinkId(static_cast<uint32_t>(links_.size()));
  l.from = from;
  l.to = to;
  l.name = (from == kCrossbar ? std::string("xbar") : node_name(from)) + "->" + node_name(to);
  links_.push_back(std::move(l));
  return links_.back().id.value;
}

std::string NocGraph::node_name(uint32_t node) const {
  if (shape_ == NocShape::Mesh || shape_ == NocShape::Torus) {
    return "r" + std::to_string(node / cols_) + "c" + std::to_string(node % cols_);
  }
  return "n" + std::to_string(node);
}

void NocGraph::way(uint32_t a, uint32_t b, uint32_t n, bool wrap, bool& plus, uint32_t& dist) {
  const uint32_t fwd = (b + n - a) % n, back = (a + n - b) % n;
  if (!wrap || n <= 2) {  // no wrap links in a dimension of 2 (see the constructor)
    plus = b >= a;
    dist = plus ? b - a : a - b;
    return;
  }
  plus = fwd <= back;
  dist = plus ? fwd : back;
}

void NocGraph::route(uint32_t a, uint32_t b, std::vector<LinkId>& out) const {
  if (a == b) return;
  if (shape_ == NocShape::Crossbar) {
    out.push_back(LinkId(out_[size_t(b) * kDirs]));
    return;
  }
  const bool wrap = shape_ != NocShape::Mesh;
  bool plus = true;
  uint32_t dist = 0;
  uint32_t at = a;
  way(a % cols_, b % cols_, cols_, wrap, plus, dist);
  for (uint32_t i = 0; i < dist; ++i) {
    const uint32_t l = out_[size_t(at) * kDirs + (plus ? East : West)];
    out.push_back(LinkId(l));
    at = links_[l].to;
  }
  way(a / cols_, b / cols_, rows_, wrap, plus, dist);
  for (uint32_t i = 0; i < dist; ++i) {
    const uint32_t l = out_[size_t(at) * kDirs + (plus ? South : North)];
    out.push_back(LinkId(l));
    at = links_[l].to;
  }
}

uint32_t NocGraph::hops(uint32_t a, uint32_t b) const {
  if (a == b) return 0;
  if (shape_ == NocShape::Crossbar) return 1;
  const bool wrap = shape_ != NocShape::Mesh;
  bool plus = true;
  uint32_t dx = 0, dy = 0;
  way(a % cols_, b % cols_, cols_, wrap, plus, dx);
  way(a / cols_, b / cols_, rows_, wrap, plus, dy);
  return dx + dy;
}

double mean_hops(const PlatformParams& p) {
  const NocGraph g(p.noc);
  double sum = 0;
  uint64_t pairs = 0;
  for (uint32_t i = 0; i < p.processors; ++i)
    for (uint32_t j = 0; j < p.processors; ++j) {
      if (i == j) continue;
      sum += g.hops(p.noc.node_of(i), p.noc.node_of(j));
      ++pairs;
    }
  return pairs ? sum / static_cast<double>(pairs) : 0.0;
}

}  // namespace spikepipe

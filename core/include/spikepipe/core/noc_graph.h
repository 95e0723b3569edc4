#pragma once
// The NoC as a graph, in plain C++ (no SystemC): nodes, directed links and dimension-order routes.
// The NoC model routes on it, the planner counts hops on it, and recorders name links with it
// ("r0c1->r0c2") without building the platform.
//
// Mesh and torus: node = row * cols + col, named "r<row>c<col>"; a link per neighbour direction
// (torus adds the wrap-around links when a dimension has more than 2 nodes). Routing is XY:
// columns first, then rows; on a torus each dimension goes the shorter way (ties: +).
// Ring: nodes "n<i>", a link each way between neighbours; the shorter way (ties: clockwise, +1).
// Crossbar: one output port per node, link "xbar->n<i>" (from = kCrossbar); every route is one
// hop over the destination's port, so only messages to the same destination contend.
#include <cstdint>
#include <string>
#include <vector>

#include "spikepipe/core/ids.h"
#include "spikepipe/core/platform.h"

namespace spikepipe {

struct LinkInfo {
  LinkId id;
  std::string name;   // "r0c1->r0c2", "n3->n4", "xbar->n2"
  uint32_t from = 0;  // node (kCrossbar for the crossbar's ports)
  uint32_t to = 0;
};

class NocGraph {
 public:
  static constexpr uint32_t kCrossbar = 0xffffffffu;

  explicit NocGraph(const NocParams& p);

  uint32_t nodes() const { return nodes_; }
  const std::vector<LinkInfo>& links() const { return links_; }
  std::string node_name(uint32_t node) const;
  // Appends the links from node a to node b, in order (nothing when a == b).
  void route(uint32_t a, uint32_t b, std::vector<LinkId>& out) const;
  uint32_t hops(uint32_t a, uint32_t b) const;

 private:
  enum Dir { East, West, South, North, kDirs };
  uint32_t add_link(uint32_t from, uint32_t to);
  // Direction and distance along one dimension of size n from a to b.
  static void way(uint32_t a, uint32_t b, uint32_t n, bool wrap, bool& plus, uint32_t& dist);

  NocShape shape_;
  uint32_t cols_, rows_, nodes_;
  std::vector<LinkInfo> links_;
  std::vector<uint32_t> out_;  // [node * kDirs + dir] -> link index, or kNone
  static constexpr uint32_t kNone = 0xffffffffu;
};

// Mean hop count over ordered pairs of distinct processors, from their placement on the NoC
// (0 for one processor).
double mean_hops(const PlatformParams& p);

// Links of the NoC that `p` describes, in LinkId order.
inline std::vector<LinkInfo> noc_links(const NocParams& p) { return NocGraph(p).links(); }

}  // namespace spikepipe

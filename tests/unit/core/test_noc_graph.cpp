// Topologies generated from their description: link counts, names, XY routes, shortest ways.
#include <gtest/gtest.h>

#include "spikepipe/core/noc_graph.h"

namespace spikepipe {
namespace {

NocParams noc(NocShape t, uint32_t cols, uint32_t rows) {
  NocParams p;
  p.topology = t;
  p.cols = cols;
  p.rows = rows;
  return p;
}

std::vector<std::string> route_names(const NocGraph& t, uint32_t a, uint32_t b) {
  std::vector<LinkId> r;
  t.route(a, b, r);
  std::vector<std::string> out;
  for (LinkId l : r) out.push_back(t.links()[l.value].name);
  return out;
}

TEST(NocGraph, MeshLinksAndXYRoute) {
  NocGraph t(noc(NocShape::Mesh, 3, 2));
  EXPECT_EQ(t.nodes(), 6u);
  // 2 rows x 2 horizontal pairs + 3 columns x 1 vertical pair, both ways.
  EXPECT_EQ(t.links().size(), 2u * (2 * 2 + 3 * 1));
  EXPECT_EQ(route_names(t, 0, 5),
            (std::vector<std::string>{"r0c0->r0c1", "r0c1->r0c2", "r0c2->r1c2"}));
  EXPECT_EQ(route_names(t, 5, 0),
            (std::vector<std::string>{"r1c2->r1c1", "r1c1->r1c0", "r1c0->r0c0"}));
  EXPECT_EQ(t.hops(0, 5), 3u);
  EXPECT_TRUE(route_names(t, 4, 4).empty());
  for (size_t i = 0; i < t.links().size(); ++i) EXPECT_EQ(t.links()[i].id.value, i);
}

TEST(NocGraph, TorusTakesTheShortWay) {
  NocGraph t(noc(NocShape::Torus, 4, 4));
  EXPECT_EQ(t.links().size(), 4u * 16);
  EXPECT_EQ(route_names(t, 0, 3), (std::vector<std::string>{"r0c0->r0c3"}));  // wrap west
  EXPECT_EQ(t.hops(0, 15), 2u);
  EXPECT_EQ(route_names(t, 0, 2).size(), 2u);  // tie: east
  EXPECT_EQ(route_names(t, 0, 2).front(), "r0c0->r0c1");
  NocGraph t2(noc(NocShape::Torus, 2, 2));  // no wrap links in a dimension of 2
  EXPECT_EQ(t2.links().size(), 8u);
  EXPECT_EQ(route_names(t2, 1, 0), (std::vector<std::string>{"r0c1->r0c0"}));
}

TEST(NocGraph, RingBothWays) {
  NocGraph t(noc(NocShape::Ring, 6, 1));
  EXPECT_EQ(t.links().size(), 12u);
  EXPECT_EQ(route_names(t, 0, 5), (std::vector<std::string>{"n0->n5"}));
  EXPECT_EQ(route_names(t, 1, 3), (std::vector<std::string>{"n1->n2", "n2->n3"}));
  EXPECT_EQ(t.hops(0, 3), 3u);
}

TEST(NocGraph, CrossbarOnePortPerDestination) {
  NocGraph t(noc(NocShape::Crossbar, 4, 1));
  EXPECT_EQ(t.links().size(), 4u);
  EXPECT_EQ(route_names(t, 0, 3), (std::vector<std::string>{"xbar->n3"}));
  EXPECT_EQ(route_names(t, 2, 3), (std::vector<std::string>{"xbar->n3"}));
  EXPECT_EQ(t.links()[3].from, NocGraph::kCrossbar);
  EXPECT_EQ(t.hops(1, 2), 1u);
}

}  // namespace
}  // namespace spikepipe

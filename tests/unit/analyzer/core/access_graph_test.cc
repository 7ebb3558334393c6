#include "grantpath/access_graph.h"

#include <catch2/catch.hpp>

namespace grantpath {
namespace {

AccessGraph Diamond() {
  // a -> b -> d, a -> c -> d, a -> d through e (3 steps), b -> c
  AccessGraph g;
  auto a = g.AddNode(AccessNodeKind::kK8sSubject, "a", "A");
  auto b = g.AddNode(AccessNodeKind::kHub, "b", "B");
  auto c = g.AddNode(AccessNodeKind::kHub, "c", "C");
  auto d = g.AddNode(AccessNodeKind::kCapability, "d", "D");
  auto e = g.AddNode(AccessNodeKind::kHub, "e", "E");
  auto f = g.AddNode(AccessNodeKind::kHub, "f", "F");
  g.AddEdge(a, b, {AccessEdgeKind::kCanActAs, "ab", {}, ""});
  g.AddEdge(b, d, {AccessEdgeKind::kHolds, "bd", {}, ""});
  g.AddEdge(a, c, {AccessEdgeKind::kCanActAs, "ac", {}, ""});
  g.AddEdge(c, d, {AccessEdgeKind::kHolds, "cd", {}, ""});
  g.AddEdge(a, e, {AccessEdgeKind::kCanActAs, "ae", {}, ""});
  g.AddEdge(e, f, {AccessEdgeKind::kCanActAs, "ef", {}, ""});
  g.AddEdge(f, d, {AccessEdgeKind::kHolds, "fd", {}, ""});
  g.AddEdge(b, c, {AccessEdgeKind::kCanActAs, "bc", {}, ""});
  g.Freeze();
  return g;
}

std::string Names(const AccessGraph& g, const AccessPath& p) {
  std::string s;
  for (const auto& st : p.steps) s += g.edge(st.edge).witness + " ";
  return s;
}

TEST_CASE("FindPaths gives the shortest path, then loopless alternatives by length", "[core][graph]") {
  AccessGraph g = Diamond();
  auto paths = FindPaths(g, *g.Find("a"), *g.Find("d"), 10);
  REQUIRE(paths.size() == 4);
  CHECK(Names(g, paths[0]) == "ab bd ");
  CHECK(Names(g, paths[1]) == "ac cd ");
  CHECK(paths[2].steps.size() == 3);
  CHECK(paths[3].steps.size() == 3);
  CHECK(FindPaths(g, *g.Find("d"), *g.Find("a"), 3).empty());
  CHECK(FindPaths(g, *g.Find("a"), *g.Find("d"), 1).size() == 1);
}

TEST_CASE("ShortestToward gives every node's first step toward a target", "[core][graph]") {
  AccessGraph g = Diamond();
  auto next = ShortestToward(g, *g.Find("d"));
  REQUIRE(next[*g.Find("a")]);
  CHECK(g.edge(*next[*g.Find("a")]).witness == "ab");
  CHECK(g.edge(*next[*g.Find("e")]).witness == "ef");
  CHECK_FALSE(next[*g.Find("d")]);
  // An edge filter: without a->b and a->c, the long way is the only one.
  auto filtered = ShortestToward(g, *g.Find("d"), [&](std::size_t e) {
    return g.edge(e).witness != "ab" && g.edge(e).witness != "ac";
  });
  CHECK(g.edge(*filtered[*g.Find("a")]).witness == "ae");
}

TEST_CASE("AddNode and AddEdge merge repeats", "[core][graph]") {
  AccessGraph g;
  auto a = g.AddNode(AccessNodeKind::kK8sSubject, "a", "A");
  CHECK(g.AddNode(AccessNodeKind::kHub, "a", "other") == a);
  CHECK(g.node(a).display == "A");
  auto b = g.AddNode(AccessNodeKind::kHub, "b", "B");
  g.AddEdge(a, b, {AccessEdgeKind::kCanActAs, "w", {SourceRange{1, {1, 1}, {1, 1}}}, ""});
  g.AddEdge(a, b, {AccessEdgeKind::kCanActAs, "w", {SourceRange{1, {2, 1}, {2, 1}}}, ""});
  CHECK(g.edge_count() == 1);
  CHECK(g.edge(0).locations.size() == 2);
  CHECK_FALSE(g.Find("zz"));
}

}  // namespace
}  // namespace grantpath

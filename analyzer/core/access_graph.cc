#include "grantpath/access_graph.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <set>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>

namespace grantpath {

const char* AccessNodeKindName(AccessNodeKind k) {
  switch (k) {
    case AccessNodeKind::kInternet: return "internet";
    case AccessNodeKind::kK8sSubject: return "k8s-subject";
    case AccessNodeKind::kWorkload: return "workload";
    case AccessNodeKind::kNode: return "node";
    case AccessNodeKind::kAwsPrincipal: return "aws-principal";
    case AccessNodeKind::kCloudIdentity: return "cloud-identity";
    case AccessNodeKind::kHub: return "step";
    case AccessNodeKind::kCapability: return "capability";
    case AccessNodeKind::kAwsInstance: return "aws-instance";
    case AccessNodeKind::kContainerService: return "container-service";
    case AccessNodeKind::kDockerHost: return "docker-host";
  }
  return "step";
}

const char* AccessEdgeKindName(AccessEdgeKind k) {
  switch (k) {
    case AccessEdgeKind::kCanActAs: return "can-act-as";
    case AccessEdgeKind::kMemberOf: return "member-of";
    case AccessEdgeKind::kHolds: return "holds";
    case AccessEdgeKind::kRunsAs: return "runs-as";
    case AccessEdgeKind::kCanAssume: return "can-assume";
    case AccessEdgeKind::kIrsa: return "irsa";
    case AccessEdgeKind::kPodIdentity: return "pod-identity";
    case AccessEdgeKind::kMapsTo: return "maps-to";
    case AccessEdgeKind::kWorkloadIdentity: return "workload-identity";
    case AccessEdgeKind::kReaches: return "reaches";
    case AccessEdgeKind::kEscapesTo: return "escapes-to";
    case AccessEdgeKind::kInstanceMetadata: return "instance-metadata";
    case AccessEdgeKind::kInstanceProfile: return "instance-profile";
  }
  return "can-act-as";
}

const char* AccessNodeDomain(AccessNodeKind k) {
  switch (k) {
    case AccessNodeKind::kInternet: return "internet";
    case AccessNodeKind::kAwsPrincipal:
    case AccessNodeKind::kAwsInstance: return "aws";
    case AccessNodeKind::kCloudIdentity: return "other-cloud";
    case AccessNodeKind::kCapability: return "capability";
    case AccessNodeKind::kContainerService:
    case AccessNodeKind::kDockerHost: return "docker";
    default: return "kubernetes";
  }
}

AccessGraph::Id AccessGraph::AddNode(AccessNodeKind kind, const std::string& id,
                                     const std::string& display, SourceRange where) {
  assert(!frozen_);
  auto it = by_id_.find(id);
  if (it != by_id_.end()) {
    AccessNode& n = nodes_[it->second];
    if (n.where.file == 0 && where.file != 0) n.where = where;
    return it->second;
  }
  Id v = boost::add_vertex(*g_);
  nodes_.push_back(AccessNode{kind, id, display, where, {}});
  by_id_.emplace(id, v);
  return v;
}

void AccessGraph::AddEdge(Id from, Id to, AccessEdge edge) {
  assert(!frozen_);
  std::uint64_t key = std::hash<std::string>{}(edge.witness);
  for (std::uint64_t part : {static_cast<std::uint64_t>(from), static_cast<std::uint64_t>(to),
                             static_cast<std::uint64_t>(edge.kind)})
    key = (key ^ part) * 1099511628211ull;
  if (2 * (merge_used_ + 1) > merge_slots_.size()) {  // keep the table at most half full
    std::size_t n = std::max<std::size_t>(1024, merge_slots_.size() * 2);
    std::vector<std::uint64_t> keys(n);
    std::vector<std::size_t> slots(n, 0);
    for (std::size_t i = 0; i < merge_slots_.size(); ++i) {
      if (merge_slots_[i] == 0) continue;
      std::size_t j = merge_keys_[i] & (n - 1);
      while (slots[j] != 0) j = (j + 1) & (n - 1);
      keys[j] = merge_keys_[i];
      slots[j] = merge_slots_[i];
    }
    merge_keys_ = std::move(keys);
    merge_slots_ = std::move(slots);
  }
  const std::size_t mask = merge_slots_.size() - 1;
  std::size_t j = key & mask;
  for (; merge_slots_[j] != 0; j = (j + 1) & mask) {
    if (merge_keys_[j] != key) continue;
    std::size_t e = merge_slots_[j] - 1;
    if (ends_[e].first == from && ends_[e].second == to && edges_[e].kind == edge.kind &&
        edges_[e].witness == edge.witness) {
      auto& locs = edges_[e].locations;
      for (const auto& l : edge.locations)
        if (std::find(locs.begin(), locs.end(), l) == locs.end()) locs.push_back(l);
      return;
    }
    // A 64-bit hash collision between different edges: keep probing, then
    // keep both.
  }
  merge_keys_[j] = key;
  merge_slots_[j] = edges_.size() + 1;
  ++merge_used_;
  std::size_t idx = edges_.size();
  boost::add_edge(from, to, idx, *g_);
  edges_.push_back(std::move(edge));
  ends_.emplace_back(from, to);
}

std::optional<AccessGraph::Id> AccessGraph::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::size_t> AccessGraph::OutEdges(Id v) const {
  std::vector<std::size_t> out;
  for (auto [b, e] = boost::out_edges(v, *g_); b != e; ++b) out.push_back(boost::get(boost::edge_index, *g_, *b));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::size_t> AccessGraph::InEdges(Id v) const {
  std::vector<std::size_t> in;
  for (auto [b, e] = boost::in_edges(v, *g_); b != e; ++b) in.push_back(boost::get(boost::edge_index, *g_, *b));
  std::sort(in.begin(), in.end());
  return in;
}

std::vector<std::string> AccessGraph::Ids() const {
  std::vector<std::string> ids;
  ids.reserve(by_id_.size());
  for (const auto& [id, v] : by_id_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

using G = AccessGraph::G;

// Edge filter for Boost's filtered_graph: the caller's predicate, less the
// edges and nodes Yen's method removes for one spur.
struct EdgeFilter {
  const G* g = nullptr;
  const std::function<bool(std::size_t)>* allowed = nullptr;
  const std::set<std::size_t>* removed_edges = nullptr;
  const std::set<std::size_t>* removed_nodes = nullptr;
  bool operator()(const G::edge_descriptor& e) const {
    std::size_t idx = boost::get(boost::edge_index, *g, e);
    if (allowed && *allowed && !(*allowed)(idx)) return false;
    if (removed_edges && removed_edges->count(idx)) return false;
    if (removed_nodes && (removed_nodes->count(boost::source(e, *g)) || removed_nodes->count(boost::target(e, *g))))
      return false;
    return true;
  }
};

// Records, for each vertex reached, the edge it was first reached by.
template <class Tag>
struct PredecessorRecorder : boost::default_bfs_visitor {
  std::vector<std::optional<std::size_t>>* pred;
  template <class E, class Graph>
  void tree_edge(E e, const Graph& g) {
    (*pred)[boost::target(e, g)] = boost::get(boost::edge_index, g, e);
  }
};

// One shortest path by breadth-first search, or nullopt.
std::optional<AccessPath> Shortest(const AccessGraph& ag, AccessGraph::Id from, AccessGraph::Id to,
                                   const EdgeFilter& filter) {
  const G& g = ag.graph();
  if (from == to) return AccessPath{};
  boost::filtered_graph<G, EdgeFilter> fg(g, filter);
  std::vector<std::optional<std::size_t>> pred(boost::num_vertices(g));
  std::vector<boost::default_color_type> color(boost::num_vertices(g));
  PredecessorRecorder<void> vis;
  vis.pred = &pred;
  boost::breadth_first_search(
      fg, from,
      boost::visitor(vis).color_map(boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g))));
  if (!pred[to]) return std::nullopt;
  AccessPath p;
  for (AccessGraph::Id v = to; v != from;) {
    std::size_t e = *pred[v];
    p.steps.push_back({e, ag.edge_source(e), v});
    v = ag.edge_source(e);
  }
  std::reverse(p.steps.begin(), p.steps.end());
  return p;
}

std::vector<std::size_t> EdgeList(const AccessPath& p) {
  std::vector<std::size_t> out;
  for (const auto& s : p.steps) out.push_back(s.edge);
  return out;
}

}  // namespace

std::vector<AccessPath> FindPaths(const AccessGraph& g, AccessGraph::Id from, AccessGraph::Id to,
                                  std::size_t k, const std::function<bool(std::size_t)>& allowed) {
  std::vector<AccessPath> found;
  if (k == 0) return found;
  EdgeFilter base{&g.graph(), &allowed, nullptr, nullptr};
  auto first = Shortest(g, from, to, base);
  if (!first || first->steps.empty()) {
    if (first) found.push_back(*first);
    return found;
  }
  found.push_back(*first);
  // Yen's k shortest loopless paths, with breadth-first search as the
  // shortest-path routine (every edge weighs 1).
  std::vector<AccessPath> candidates;
  std::set<std::vector<std::size_t>> seen{EdgeList(*first)};
  while (found.size() < k) {
    const AccessPath& last = found.back();
    for (std::size_t i = 0; i < last.steps.size(); ++i) {
      AccessGraph::Id spur = last.steps[i].from;
      std::vector<PathStep> root(last.steps.begin(), last.steps.begin() + static_cast<std::ptrdiff_t>(i));
      std::set<std::size_t> removed_edges, removed_nodes;
      for (const auto& p : found) {
        if (p.steps.size() > i && std::equal(root.begin(), root.end(), p.steps.begin(),
                                             [](const PathStep& a, const PathStep& b) { return a.edge == b.edge; }))
          removed_edges.insert(p.steps[i].edge);
      }
      for (const auto& s : root) removed_nodes.insert(s.from);
      EdgeFilter f{&g.graph(), &allowed, &removed_edges, &removed_nodes};
      auto spur_path = Shortest(g, spur, to, f);
      if (!spur_path) continue;
      AccessPath total;
      total.steps = root;
      total.steps.insert(total.steps.end(), spur_path->steps.begin(), spur_path->steps.end());
      if (seen.insert(EdgeList(total)).second) candidates.push_back(std::move(total));
    }
    if (candidates.empty()) break;
    auto best = std::min_element(candidates.begin(), candidates.end(), [](const AccessPath& a, const AccessPath& b) {
      return a.steps.size() != b.steps.size() ? a.steps.size() < b.steps.size() : EdgeList(a) < EdgeList(b);
    });
    found.push_back(std::move(*best));
    candidates.erase(best);
  }
  return found;
}

std::vector<std::optional<std::size_t>> ShortestToward(const AccessGraph& ag, AccessGraph::Id to,
                                                       const std::function<bool(std::size_t)>& allowed) {
  const G& g = ag.graph();
  EdgeFilter filter{&g, &allowed, nullptr, nullptr};
  boost::filtered_graph<G, EdgeFilter> fg(g, filter);
  auto rg = boost::make_reverse_graph(fg);
  std::vector<std::optional<std::size_t>> next(boost::num_vertices(g));
  std::vector<boost::default_color_type> color(boost::num_vertices(g));
  struct Vis : boost::default_bfs_visitor {
    std::vector<std::optional<std::size_t>>* next;
    const G* g;
    void tree_edge(typename boost::graph_traits<decltype(rg)>::edge_descriptor e, const decltype(rg)&) {
      // In the reversed graph, the tree edge goes from the node nearer `to`
      // to the one farther: the underlying edge leaves the farther node.
      G::edge_descriptor under = e.underlying_descx;
      (*next)[boost::source(under, *g)] = boost::get(boost::edge_index, *g, under);
    }
  } vis;
  vis.next = &next;
  vis.g = &g;
  boost::breadth_first_search(
      rg, to,
      boost::visitor(vis).color_map(boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g))));
  return next;
}

}  // namespace grantpath

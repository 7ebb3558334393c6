// The access graph: the one model of "who or what can get where" that every
// engine publishes into and every path rule and query reads.
//
// Nodes are the internet, Kubernetes subjects, workloads, AWS principals,
// cloud identities grantpath does not analyse yet, intermediate "hub"
// nodes of the escalation model (pods of a namespace, exec into a
// namespace), and capabilities (cluster-admin, aws-admin, secrets-read...).
// Every edge has a kind, a witness in words, and the source locations that
// justify it. After loading, each engine publishes once (see
// engine/graph_publish.h); then the graph is frozen, and readers only get it
// as const.
#pragma once

#include <cstdint>
#include <functional>
#include <tuple>
#include <unordered_map>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "grantpath/source.h"

namespace grantpath {

enum class AccessNodeKind : std::uint8_t {
  kInternet,       // "internet"
  kK8sSubject,     // "system:serviceaccount:NS:NAME", a user name, "group:NAME"
  kWorkload,       // "NS/KIND/NAME"
  kNode,           // a Kubernetes node as a host ("node:NAME" or "node:*")
  kAwsPrincipal,   // an IAM user, role or group ARN
  kCloudIdentity,  // a GCP service account or Azure client id: not analysed
  kHub,            // a step of the escalation model ("k8s:create|NS")
  kCapability,     // "cluster-admin", "aws-admin", an escalation target name
  kAwsInstance,    // an EC2 instance ("i-...") or a network interface ("eni-...")
  kContainerService,  // a Docker Compose / Swarm service ("PROJECT/SERVICE")
  kDockerHost,        // the host (or swarm nodes) of a Compose project ("docker-host:PROJECT")
};

enum class AccessEdgeKind : std::uint8_t {
  kCanActAs,          // RBAC: a grant lets the source act as the target
  kMemberOf,          // a subject is in a group
  kHolds,             // a subject holds a capability
  kRunsAs,            // a workload runs as its service account
  kCanAssume,         // IAM: identity and trust policy allow sts:AssumeRole
  kIrsa,              // a service account's annotated role admits it (web identity)
  kPodIdentity,       // an EKS Pod Identity association whose role trusts pods.eks.amazonaws.com
  kMapsTo,            // aws-auth: an IAM principal maps to a Kubernetes user or group
  kWorkloadIdentity,  // a GKE / Azure workload identity annotation
  kReaches,           // network: the source can open a connection to the target
  kEscapesTo,         // a workload can take over its node
  kInstanceMetadata,  // a node, or a pod whose egress allows it, gets the instance role
  kInstanceProfile,   // an EC2 instance's instance profile role (from its metadata service)
};

const char* AccessNodeKindName(AccessNodeKind k);
const char* AccessEdgeKindName(AccessEdgeKind k);
/// The domain a node belongs to, for grouping: "internet", "kubernetes",
/// "aws", "other-cloud", "capability", "docker".
const char* AccessNodeDomain(AccessNodeKind k);

struct AccessNode {
  AccessNodeKind kind = AccessNodeKind::kHub;
  std::string id;       // unique; what `grantpath paths --from/--to` accepts
  std::string display;  // "ServiceAccount 'ci/deployer'", "role 'admin'"
  SourceRange where;    // the defining object, when the input has one
  /// Set for nodes grantpath reaches but whose permissions it does not
  /// analyse (cloud identities of other providers): shown in every output.
  std::string not_analysed;
};

struct AccessEdge {
  AccessEdgeKind kind = AccessEdgeKind::kCanActAs;
  std::string witness;                 // the step in words, or a request
  std::vector<SourceRange> locations;  // every object that justifies it
  /// An assumption the edge rests on ("issuer taken from the trust
  /// policy: no describe-cluster output in the input"), or "".
  std::string assumption;
};

class AccessGraph {
 public:
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                  boost::no_property, boost::property<boost::edge_index_t, std::size_t>>;
  using Id = std::size_t;

  AccessGraph() = default;
  AccessGraph(AccessGraph&&) noexcept = default;
  AccessGraph& operator=(AccessGraph&&) noexcept = default;

  /// The node with `id`, created with the other fields on first call (later
  /// calls keep the first kind and display, and fill an unknown location).
  Id AddNode(AccessNodeKind kind, const std::string& id, const std::string& display,
             SourceRange where = {});
  /// Adds an edge. Parallel edges of the same kind and witness are merged.
  void AddEdge(Id from, Id to, AccessEdge edge);

  /// After Freeze, Add* assert: readers see a complete graph.
  void Freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }

  std::optional<Id> Find(const std::string& id) const;
  const AccessNode& node(Id v) const { return nodes_[v]; }
  const AccessEdge& edge(std::size_t e) const { return edges_[e]; }
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t edge_count() const { return edges_.size(); }
  Id edge_source(std::size_t e) const { return ends_[e].first; }
  Id edge_target(std::size_t e) const { return ends_[e].second; }
  /// Edge indices leaving / entering a node, in insertion order.
  std::vector<std::size_t> OutEdges(Id v) const;
  std::vector<std::size_t> InEdges(Id v) const;
  const G& graph() const { return *g_; }
  /// Every node id, for "did you mean".
  std::vector<std::string> Ids() const;

 private:
  // Behind a pointer: Boost's adjacency_list has no move constructor (and
  // its swap copies), so moving the graph would copy every edge.
  std::unique_ptr<G> g_ = std::make_unique<G>();
  std::vector<AccessNode> nodes_;
  std::vector<AccessEdge> edges_;
  std::vector<std::pair<Id, Id>> ends_;
  std::unordered_map<std::string, Id> by_id_;
  // The edge with a hash of (from, to, kind, witness), to merge repeats
  // into: open addressing, linear probing, slot = edge index + 1 (0: empty).
  std::vector<std::uint64_t> merge_keys_;
  std::vector<std::size_t> merge_slots_;
  std::size_t merge_used_ = 0;
  bool frozen_ = false;
};

/// One step of a path: an edge of the graph, resolved for output.
struct PathStep {
  std::size_t edge = 0;
  AccessGraph::Id from = 0, to = 0;
};

/// A path from one node to another, shortest first.
struct AccessPath {
  std::vector<PathStep> steps;
};

/// Shortest paths from `from` to `to` by edge count (breadth-first search
/// on Boost.Graph): the shortest, then up to `k - 1` alternatives, each a
/// loopless path that differs from every earlier one (Yen's method). Empty
/// when `to` is unreachable. `allowed`, when given, says which edges may be
/// used.
std::vector<AccessPath> FindPaths(const AccessGraph& g, AccessGraph::Id from, AccessGraph::Id to,
                                  std::size_t k,
                                  const std::function<bool(std::size_t edge)>& allowed = nullptr);

/// For every node, the first edge of one shortest path to `to` (nullopt
/// when `to` is unreachable from it; `to` itself has none): one reverse
/// breadth-first search answers every source at once.
std::vector<std::optional<std::size_t>> ShortestToward(
    const AccessGraph& g, AccessGraph::Id to,
    const std::function<bool(std::size_t edge)>& allowed = nullptr);

}  // namespace grantpath

// Kubernetes network reachability: which endpoint can open which
// connections (protocol and port) to which, under NetworkPolicy,
// AdminNetworkPolicy and BaselineAdminNetworkPolicy.
//
// Semantics (docs/network.md has the full list and the choices made):
// - A connection needs the source's egress AND the destination's ingress.
//   Each direction is decided in tiers: AdminNetworkPolicy rules by
//   priority (lower first) then rule order, first match wins per port
//   (Allow, Deny, or Pass to the next tier); then NetworkPolicy: a pod is
//   isolated for a direction when a policy of its namespace selects it and
//   has that policyType, and then only the union of those policies' rules
//   allows; a pod not isolated goes to BaselineAdminNetworkPolicy rules,
//   and what none of them decides is allowed.
// - ipBlock peers match addresses outside the cluster only, never pod IPs;
//   ANP `networks` match both external addresses and the IPs pods report.
// - Named ports resolve against the destination pod's container ports
//   (name and protocol must both match); unresolvable means no port.
// - hostNetwork pods share the node's address: no policy applies to them
//   and no pod or namespace selector matches them as a peer.
//
// Endpoints are grouped into classes of identical behaviour (same selected
// policies, same matching peers, same named-port numbers); the engine
// evaluates class pairs, so its cost follows the number of classes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/net_types.h"
#include "engine/policy_form.h"
#include <functional>

#include "grantpath/diagnostic.h"
#include "grantpath/finding.h"
#include "grantpath/model/model.h"

namespace grantpath::net {

/// The addresses of an ipBlock: `cidr` minus every `except` range, as
/// disjoint sorted intervals (excepts outside the cidr are ignored).
std::vector<IpRange> BlockSet(const IpRange& cidr, const std::vector<IpRange>& except);

enum class EndpointKind { kPod, kExternal, kIngressController };

/// A source or destination of connections.
struct Endpoint {
  EndpointKind kind = EndpointKind::kPod;
  std::string ns;             // pods
  std::string name;           // pods: workload or owner name
  std::string workload_kind;  // pods: "Deployment", "Pod", "ReplicaSet" ...
  std::vector<std::uint32_t> workloads;  // model.k8s_workloads indices, first = representative
  IpRange range;              // external
  /// External ranges come in two partitions of the address space: sources
  /// (split by the ipBlocks of ingress rules) and destinations (split by
  /// those of egress rules and ANP networks). Each partition is exact for
  /// its direction, and lines stay as coarse as the policies allow.
  bool source_side = false;
  std::uint32_t cls = 0;
  bool host_network = false;
  /// "ns/name[Kind]", "a.b.c.d-e.f.g.h[External]", "{ingress-controller}".
  std::string Display() const;
  SourceRange where;  // the workload object (pods), unknown otherwise
};

/// One policy rule (or policy, or default) that decided part of a verdict.
struct Reason {
  /// kCni: a Calico or Cilium policy rule (or the policy, rule -1);
  /// kTierEnd: a tier's default action, or Cilium's enable-policy=always.
  enum class Tier { kAdmin, kNetworkPolicy, kBaseline, kDefault, kCni, kTierEnd };
  Tier tier = Tier::kNetworkPolicy;
  bool ingress = true;
  std::uint32_t policy = 0;  // index into k8s_network_policies / k8s_admin_policies
  int rule = -1;             // rule index; -1: the policy isolates and no rule matches
  std::string action;        // "Allow", "Deny", "Pass"
  ConnTable::Id conns = ConnTable::kNone;  // the part it decided
  SourceRange where;         // the rule, or the policy
  // kCni and kTierEnd: the object's kind and name, the tier, and the sentence.
  std::string kind, name, tier_name, text;
  /// The rule of the policy form that decided (null for defaults and ends of tiers).
  const FormRule* form_rule = nullptr;
  /// "NetworkPolicy 'ns/name' ingress rule #1", "AdminNetworkPolicy 'x' egress rule 'name'".
  std::string Describe(const Model& model) const;
};

struct EngineOptions {
  /// Treat hostNetwork pods as ordinary pods (policies select them and
  /// selectors match them), as netpol-analyzer does.
  bool host_network_as_pod = false;
  /// The ingress controller reaches a pod only on the TCP ports its
  /// containers declare (a VirtualMachine: every TCP port), as
  /// netpol-analyzer does. Off by default: containerPort is informational,
  /// and a Service sends traffic to its numeric targetPort either way.
  bool ingress_declared_ports = false;
  /// Build endpoints only; Finish() builds the classes, of all endpoints or
  /// of the few a query needs.
  bool deferred = false;
  /// A Calico staged policy (index into Model::calico_policies) to
  /// evaluate as if it were enforced (what-if), or -1.
  int enforce_staged = -1;
};

class Engine {
 public:
  /// Builds endpoints and classes. Diagnostics (unsupported constructs,
  /// invalid CIDRs, ...) go to `sink`.
  Engine(const Model& model, DiagnosticSink& sink, EngineOptions options = {});

  /// Builds the classes (done by the constructor unless options.deferred);
  /// once: later calls do nothing.
  /// With `focus`, only of those endpoints and of the pods that share a
  /// display name with one of them: the engine then answers about them
  /// alone (Allowed, Egress, Ingress, the reasons and witnesses), exactly
  /// as the full engine would; pod selections, PolicySelects and
  /// ServiceTargets see only them. For a query about a few endpoints of a
  /// large cluster.
  void Finish(const std::vector<std::uint32_t>* focus = nullptr);
  bool HasClass(std::uint32_t ep) const { return endpoints_[ep].cls != kNoClass; }
  /// Pod endpoints that "ns/name" or "ns/kind/name" may name before or
  /// after Finish() (variants of an owner may be renamed to their pods).
  std::vector<std::uint32_t> PodCandidates(const std::string& ns, const std::string& name,
                                           const std::string& kind = "") const;

  const Model& model() const { return model_; }
  ConnTable& conns() { return conns_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  std::size_t class_count() const { return classes_.size(); }
  /// Index of the ingress-controller endpoint (exists when Ingress or
  /// Route objects were read), or -1.
  int ingress_controller() const { return ingress_controller_; }
  /// Whether IPv6 ranges are endpoints (some policy names an IPv6 block).
  bool has_ipv6() const { return has_ipv6_; }

  /// What `src` may open to `dst`: egress of src AND ingress of dst. The
  /// reasons of each direction are appended when the vectors are given.
  ConnTable::Id Allowed(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* egress = nullptr,
                        std::vector<Reason>* ingress = nullptr);
  ConnTable::Id Egress(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* why = nullptr);
  ConnTable::Id Ingress(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* why = nullptr);

  /// Allowed connections between classes, one source class at a time in
  /// class order: `row[d]` is what class `src` may open to class `d`. Each
  /// class's verdict per direction is computed once per distinct set of
  /// its rule peers that the other class matches, so the cost follows the
  /// distinct verdicts, not the class pairs.
  void ClassRows(const std::function<void(std::uint32_t src, const std::vector<ConnTable::Id>& row)>& f);
  /// All rows at once: class_count()^2 entries, row = source.
  std::vector<ConnTable::Id> ClassMatrix();

  /// The compiled policies, and what the rules that read them need.
  const PolicyForm& form() const { return form_; }
  bool RuleMatchesPeer(const FormRule& r, std::uint32_t ep) const;
  bool RuleMatchesSubject(const FormRule& r, std::uint32_t ep) const;
  ConnTable::Id FormRuleConns(const FormRule& r, std::uint32_t dst) { return RuleConns(r, dst); }
  /// The representative endpoint of a class.
  std::uint32_t ClassRep(std::uint32_t cls) const { return classes_[cls].rep; }

  /// Whether some NetworkPolicy isolates the endpoint for ingress / egress.
  bool IngressIsolated(std::uint32_t ep) const;
  bool EgressIsolated(std::uint32_t ep) const;
  /// NetworkPolicies (indices) that select the endpoint, any type.
  std::vector<std::uint32_t> SelectingPolicies(std::uint32_t ep) const;
  /// Endpoints a NetworkPolicy selects.
  const std::vector<std::uint32_t>& PolicySelects(std::uint32_t policy) const { return np_selects_[policy]; }
  /// Endpoints whose class matches peer `k` of rule `r` of NetworkPolicy
  /// `p` in the given direction (pods and external ranges).
  bool NpPeerMatches(std::uint32_t p, bool ingress, std::size_t r, std::size_t k, std::uint32_t ep) const;
  /// The port set a NetworkPolicy rule allows towards `dst` (named ports
  /// resolved against dst).
  ConnTable::Id NpRuleConns(std::uint32_t p, bool ingress, std::size_t r, std::uint32_t dst);

  /// Backends of Ingress/Route objects: for each, the destination
  /// endpoints and the target ports (before policies).
  struct Backend {
    std::uint32_t ingress = 0;  // index into k8s_ingresses
    std::size_t backend = 0;    // index into its backends
    std::uint32_t dst = 0;      // endpoint
    ConnTable::Id ports = ConnTable::kNone;
  };
  std::vector<Backend> IngressBackends();
  /// The TCP ports the endpoint's containers declare (options.ingress_declared_ports).
  ConnTable::Id DeclaredTcpPorts(std::uint32_t ep);

  /// A workload endpoint that outside traffic reaches: through a
  /// LoadBalancer or NodePort Service (`service` >= 0, from the outside
  /// address range `source`), or an Ingress or Route backend (`ingress` and
  /// `backend` >= 0, from the ingress controller), on `conn` (the target
  /// ports its ingress policies let through). One entry per (Service,
  /// endpoint) with the first outside range that gets through, and per
  /// ingress backend.
  struct Exposure {
    std::uint32_t endpoint = 0;
    std::uint32_t source = 0;
    ConnTable::Id conn = ConnTable::kNone;
    int service = -1;  // Model::k8s_services index
    int ingress = -1;  // Model::k8s_ingresses index
    int backend = -1;  // index in that ingress's backends
  };
  std::vector<Exposure> InternetExposures();
  /// A port a pod opens on its node: a container's hostPort (forwarded to
  /// its containerPort, through the pod's ingress policies), or a declared
  /// port of a hostNetwork pod (the node's own network: no pod policy
  /// selects it). One entry per (workload, container port) that some public
  /// internet address gets through to; whether the node's address is
  /// reachable from the internet is not in the input.
  struct HostExposure {
    std::uint32_t endpoint = 0;
    std::uint32_t workload = 0;  // Model::k8s_workloads index
    std::uint32_t source = 0;    // an outside endpoint that gets through
    std::int32_t node_port = 0;
    std::int32_t container_port = 0;
    std::string protocol;
    bool host_network = false;
    SourceRange where;  // the container port
  };
  std::vector<HostExposure> HostExposures();
  /// Endpoints behind a Service and the target ports of its ports.
  /// Only the Service ports `keep` accepts count (all when empty).
  std::vector<std::pair<std::uint32_t, ConnTable::Id>> ServiceTargets(
      const k8s::Service& svc, const std::function<bool(const k8s::ServicePort&)>& keep = {});

  /// Labels of a namespace (with kubernetes.io/metadata.name); empty
  /// for namespaces the input never mentions.
  const std::map<std::string, std::string>& NamespaceLabels(const std::string& ns) const;
  /// Labels of a pod endpoint (its representative pod); empty otherwise.
  const std::map<std::string, std::string>& PodLabels(std::uint32_t ep) const;

  /// Pod endpoints by display name ("ns/name[Kind]"), and lookup helpers
  /// for the CLI: "ns/name" or "ns/kind/name".
  int FindPod(const std::string& ns, const std::string& name, const std::string& kind = "") const;
  /// External endpoints of the source (or destination) partition that
  /// overlap `r`.
  std::vector<std::uint32_t> ExternalOverlapping(const IpRange& r, bool source_side) const;
  /// Every external endpoint of one partition, IPv4 and IPv6: "internet".
  std::vector<std::uint32_t> Internet(bool source_side) const;

  /// Fills `w` (kind "connection") for src => dst: endpoint names, one
  /// concrete address for range ends (a well-known public one when the
  /// range holds it; `dst_address` overrides), one allowed (protocol,
  /// port) of `conns`, and the whole set under `set_name` ("allowed", or
  /// "denied" when `conns` is what is missing). docs/json-output.md has the fields.
  void ConnectionWitness(Witness& w, std::uint32_t src, std::uint32_t dst, ConnTable::Id conns,
                         const std::string& dst_address = "", const char* set_name = "allowed");

 private:
  struct Class {
    std::uint32_t rep = 0;  // representative endpoint
    bool pod = false;
    std::vector<std::uint64_t> peer_bits;  // matched peer ids
    /// Policies of the form that select it, per direction (flat ids, in
    /// evaluation order).
    std::array<std::vector<std::uint32_t>, 2> sel;
    std::uint32_t port_profile = 0;  // classes with equal named-port numbers share it
  };
  // How one class decides one direction, as a function of the peer: the
  // rule peers it consults (a peer is described by the positions i of the
  // ids[i] it matches, ascending), the verdict for a peer matching none,
  // and the verdicts met so far.
  struct Plan {
    bool open = false;        // no policy: everything allowed
    bool exact = false;       // at most kPlanPeers peers (else pair by pair)
    bool by_profile = false;  // named ports resolve against the peer (egress)
    std::vector<std::uint32_t> ids;
    ConnTable::Id base = ConnTable::kAll;
    // (named-port profile of the peer, 0 unless by_profile; matched
    // positions) as bytes -> verdict
    std::unordered_map<std::string, ConnTable::Id> memo;
  };
  static constexpr std::size_t kPlanPeers = 1u << 16;
  Plan MakePlan(std::uint32_t cls, bool ingress);
  ConnTable::Id PlanVerdict(Plan& plan, std::uint32_t cls, bool ingress, const std::vector<std::uint32_t>& pos,
                            std::uint32_t peer_cls);
  // One peer of some rule, by id: which classes it matches lives in the
  // classes' peer bits.
  bool Matches(const Class& c, std::uint32_t peer_id) const {
    return peer_id / 64 < c.peer_bits.size() && (c.peer_bits[peer_id / 64] >> (peer_id % 64)) & 1;
  }
  void BuildEndpoints(DiagnosticSink& sink);
  void BuildAtoms(DiagnosticSink& sink);
  void BuildClasses(DiagnosticSink& sink);
  // Renames the variants of one owner (pods by display name) that classes tell apart.
  void SplitVariants(DiagnosticSink& sink, const std::map<std::string, std::vector<std::uint32_t>>& by_name);
  void Validate(DiagnosticSink& sink);
  // Pods selected by a namespace selector (or, when null, namespace `ns`)
  // and a pod selector (null: all). hostNetwork pods only when asked:
  // policies neither select them nor match them as peers.
  const std::vector<std::uint32_t>& SelectPods(const k8s::LabelSelector* ns_sel, const std::string& ns,
                                               const k8s::LabelSelector* pod_sel, bool with_host_network = false) const;
  std::vector<std::uint32_t> SelectPodsUncached(const k8s::LabelSelector* ns_sel, const std::string& ns,
                                                const k8s::LabelSelector* pod_sel, bool with_host_network) const;
  // Which namespaces (by id) a namespace selector selects.
  const std::vector<char>& SelectNamespaces(const k8s::LabelSelector& sel) const;
  // Named port lookup on an endpoint: (protocol, number) or {-1, 0}.
  std::pair<int, int> NamedPort(std::uint32_t ep, const std::string& name) const;
  // The ports a rule matches towards `dst` (named ports resolved).
  ConnTable::Id RuleConns(const FormRule& rule, std::uint32_t dst);
  ConnTable::Id NpPortsConns(std::uint32_t policy, bool ingress, std::size_t rule, std::uint32_t dst);
  Reason MakeReason(const FormPolicy& fp, const FormTier& tier, bool ingress, const FormRule* rule, Action action,
                    ConnTable::Id c) const;
  bool Isolated(std::uint32_t ep, int dir) const;
  ConnTable::Id Direction(std::uint32_t subject, std::uint32_t peer, bool ingress, std::vector<Reason>* why);
  // The verdict of `subject` for a peer described by `matches(peer id)`,
  // with named ports resolved against `dst`.
  template <class Match>
  ConnTable::Id Decide(std::uint32_t subject, const Match& matches, std::uint32_t dst, bool ingress,
                       std::vector<Reason>* why);

  static constexpr std::uint32_t kNoClass = ~0u;
  const Model& model_;
  DiagnosticSink* sink_;
  EngineOptions options_;
  // Finish(focus): which endpoints get classes (empty: all), and the pods among them.
  std::vector<char> focus_;
  std::vector<std::uint32_t> focus_pods_;
  bool finished_ = false;
  bool InFocus(std::uint32_t ep) const { return focus_.empty() || focus_[ep] != 0; }
  ConnTable conns_;
  std::vector<Endpoint> endpoints_;
  std::vector<Class> classes_;
  int ingress_controller_ = -1;
  bool has_ipv6_ = false;
  std::uint32_t pod_count_ = 0;  // endpoints [0, pod_count_) are pods
  std::map<std::string, std::map<std::string, std::string>> ns_labels_;
  // Namespaces by id (in name order): names, labels, pods; the namespace
  // id of each pod endpoint; namespace selector verdicts by content.
  std::unordered_map<std::string, std::uint32_t> ns_id_;
  std::vector<std::string> ns_names_;
  std::vector<const std::map<std::string, std::string>*> ns_label_list_;
  std::vector<std::vector<std::uint32_t>> ns_pods_;
  std::vector<std::uint32_t> ep_ns_;
  mutable std::unordered_map<std::string, std::vector<char>> ns_select_cache_;
  mutable std::unordered_map<std::string, std::vector<std::uint32_t>> select_cache_;  // SelectPods by content
  std::unordered_map<std::string, std::vector<std::uint32_t>> label_index_;  // "key\0value" -> pods
  // Labels selectors match on a pod endpoint: its own, or on Cilium its
  // identity's (identity_labels_, empty otherwise).
  const std::map<std::string, std::string>& SelectorLabels(std::uint32_t ep) const;
  std::vector<std::map<std::string, std::string>> identity_labels_;
  // The compiled policies; flat policy id -> (tier, policy); where each
  // NetworkPolicy is in the form.
  PolicyForm form_;
  bool cni_form_ = false;  // compiled by a CNI compiler (its default allow is worded so)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> flat_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> np_flat_;
  // Peer ids of NetworkPolicy rules: np_peer_[policy][dir][rule][peer].
  std::vector<std::array<std::vector<std::vector<std::uint32_t>>, 2>> np_peer_;
  std::vector<std::vector<std::uint32_t>> np_selects_;
  std::vector<std::uint32_t> profile_rep_;  // a class of each named-port profile
  std::map<std::pair<const void*, std::uint32_t>, ConnTable::Id> port_cache_;  // (ports list, dst port profile)
};

}  // namespace grantpath::net

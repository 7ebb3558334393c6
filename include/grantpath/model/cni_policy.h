// Policy records of the CNIs that enforce their own policy kinds: Calico
// (projectcalico.org/v3 and its crd.projectcalico.org/v1 copies) and
// Cilium (cilium.io/v2). Parsers fill them as written; the network engine
// compiles them, with Kubernetes NetworkPolicies and (B)ANPs, into one
// tiered policy form (analyzer/engine/policy_form.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/model/k8s.h"
#include "grantpath/source.h"

namespace grantpath::cni {

/// A parsed Calico selector expression
/// (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors):
/// `==`, `!=`, `in`, `not in`, `has()`, `!has()`, `contains`, `starts with`,
/// `ends with`, `all()`, `global()`, `&&`, `||`, `!` and parentheses.
/// Nodes are stored flat; `root` is -1 for an empty selector, which Calico
/// reads as all().
struct CalicoSelector {
  enum class Op : std::uint8_t {
    kAll, kGlobal, kHas, kEq, kNe, kIn, kNotIn, kContains, kStartsWith, kEndsWith, kNot, kAnd, kOr,
  };
  struct Node {
    Op op = Op::kAll;
    std::string key;
    std::vector<std::string> values;  // kEq..kEndsWith: one; kIn/kNotIn: the set
    int a = -1, b = -1;               // operands of kNot (a), kAnd and kOr (a, b)
  };
  std::string text;
  std::vector<Node> nodes;
  int root = -1;
  /// Whether the labels satisfy the expression. `!=`, `not in` and `!has`
  /// hold for a label that is absent; `global()` holds only when `global`
  /// says the labels are those of a global object (GlobalNetworkSet,
  /// HostEndpoint) and not of a namespaced one.
  bool Matches(const std::map<std::string, std::string>& labels, bool global = false) const;
  /// The expression is exactly global().
  bool IsGlobal() const { return root >= 0 && nodes[root].op == Op::kGlobal; }
};

struct CalicoPort {
  int lo = 0, hi = 0;      // numeric port or range (lo == hi for one port)
  std::string name;        // named port
  SourceRange where;
};

/// The source or destination of a Calico rule (an EntityRule).
struct CalicoEntity {
  std::optional<CalicoSelector> selector, not_selector, namespace_selector;
  std::vector<std::string> nets, not_nets;
  std::vector<CalicoPort> ports, not_ports;
  std::vector<std::string> sa_names;         // serviceAccounts.names
  std::optional<CalicoSelector> sa_selector;  // serviceAccounts.selector (on the account's labels)
  bool has_sa = false;
  std::vector<std::string> services;          // services.name (+ namespace): resolved as a Service's pods
  std::string service_ns;
  SourceRange where;
};

struct CalicoRule {
  std::string action;            // Allow, Deny, Pass, Log
  std::optional<std::string> protocol, not_protocol;  // names (TCP, UDP, ICMP, SCTP, UDPLite, ICMPv6) or numbers
  bool icmp = false, not_icmp = false;
  std::optional<int> icmp_type, icmp_code, not_icmp_type, not_icmp_code;  // when given
  bool http = false;             // L7 match: needs the application layer
  int ip_version = 0;            // 4, 6 or 0 (any)
  CalicoEntity source, destination;
  SourceRange where;
};

/// NetworkPolicy, GlobalNetworkPolicy and their Staged* variants; a
/// StagedKubernetesNetworkPolicy is kept as a Kubernetes-shaped record.
struct CalicoPolicy {
  k8s::ObjectMeta meta;
  std::string kind;              // as written
  bool global = false;
  bool staged = false;
  std::string tier = "default";
  std::optional<double> order;
  SourceRange order_where;
  CalicoSelector selector;       // empty: all()
  std::optional<CalicoSelector> namespace_selector;            // GNP
  std::optional<CalicoSelector> service_account_selector;      // spec.serviceAccountSelector
  bool ingress_type = false, egress_type = false;
  std::vector<CalicoRule> ingress, egress;
  bool do_not_track = false, pre_dnat = false, apply_on_forward = false;
  SourceRange host_flags_where;
  std::string staged_action;     // Set (default) or Delete
  std::map<std::string, std::string> labels_to_apply;  // Profile only
};

struct CalicoTier {
  std::string name;
  std::optional<double> order;
  std::string default_action = "Deny";  // Deny or Pass
  SourceRange where;
};

/// NetworkSet (namespaced) and GlobalNetworkSet: labelled address sets
/// that rule selectors match like endpoints.
struct CalicoNetworkSet {
  k8s::ObjectMeta meta;
  bool global = false;
  std::vector<std::string> nets;
};

/// HostEndpoint (and StagedKubernetesNetworkPolicy) are read so that what
/// they change is stated; host interfaces are not modelled.
struct CalicoOther {
  std::string kind;
  std::string name;
  std::map<std::string, std::string> labels;
  SourceRange where;
};

/// A Cilium endpoint selector, with label sources removed from keys
/// (`k8s:app` and `any:app` are `app`; `k8s:io.kubernetes.pod.namespace`
/// is the namespace).
struct CiliumSelector {
  k8s::LabelSelector labels;
  SourceRange where;
};

struct CiliumPort {
  int lo = 0, hi = 0;
  std::string name;
  std::string protocol = "ANY";  // TCP, UDP, SCTP, ICMP, ANY
  SourceRange where;
};

/// One toPorts entry: ports and, when present, the L7 rules that restrict
/// requests (not connections).
struct CiliumPortRule {
  std::vector<CiliumPort> ports;
  std::string l7;              // "", "HTTP", "Kafka", "DNS", or the L7 protocol name
  bool sni = false;
  SourceRange where;
};

struct CiliumCidr {
  std::string cidr;            // or the group name with `group`
  std::vector<std::string> except;
  std::string group;           // cidrGroupRef
  std::optional<CiliumSelector> group_selector;  // cidrGroupSelector
  SourceRange where;
};

struct CiliumRule {
  std::vector<CiliumSelector> endpoints;  // fromEndpoints/toEndpoints
  bool has_endpoints = false;
  std::vector<CiliumSelector> requires_;  // fromRequires/toRequires (not modelled: stated)
  std::vector<std::string> entities;
  std::vector<CiliumCidr> cidrs;          // fromCIDR, fromCIDRSet (and to*)
  bool has_cidrs = false;
  std::vector<CiliumPortRule> to_ports;
  std::vector<std::string> fqdns;         // toFQDNs matchName/matchPattern
  std::vector<std::pair<std::string, std::string>> services;  // toServices k8sService (ns, name)
  bool services_by_selector = false;
  bool nodes = false;                     // fromNodes/toNodes
  bool icmps = false;                     // icmps: ICMP only
  /// icmps fields: (IPv6, type); a name is resolved to its number, -1 when unknown.
  std::vector<std::pair<bool, int>> icmp_types;
  bool deny = false;
  SourceRange where;
};

/// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (one record per
/// spec: `specs:` lists give several).
struct CiliumPolicy {
  k8s::ObjectMeta meta;
  bool clusterwide = false;
  std::optional<CiliumSelector> endpoint_selector;
  std::optional<CiliumSelector> node_selector;
  std::vector<CiliumRule> ingress, egress;  // allow and deny rules
  bool ingress_given = false, egress_given = false;  // the direction's keys appear (even empty)
  std::optional<bool> default_deny_ingress, default_deny_egress;  // enableDefaultDeny
  SourceRange where;
  int spec_index = 0;
};

struct CiliumCidrGroup {
  k8s::ObjectMeta meta;
  std::vector<std::string> cidrs;
};

}  // namespace grantpath::cni

// Kubernetes records, as the parsers fill them and the engines read them.
// Every record keeps the location of the object and of the parts findings
// point at. Strings are kept exactly as written: RBAC names and verbs are
// case-sensitive.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/source.h"

namespace grantpath::k8s {

/// metadata of an object. `where` is the location of the object itself
/// (its first key); `name_where` that of metadata.name when present.
struct ObjectMeta {
  std::string name;
  std::string ns;  // "" for cluster-scoped objects or when not given
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  SourceRange where;
  SourceRange name_where;
};

/// One requirement of a label selector's matchExpressions.
struct SelectorRequirement {
  enum class Op { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;
};

/// A metav1.LabelSelector. An empty selector (no labels, no expressions)
/// selects everything; a null selector (`present == false`) selects nothing
/// where the API says so (callers decide, as the meaning differs by field).
struct LabelSelector {
  bool present = false;
  std::map<std::string, std::string> match_labels;
  std::vector<SelectorRequirement> match_expressions;
  SourceRange where;
  /// True when every label of `labels` satisfies the selector.
  bool Matches(const std::map<std::string, std::string>& labels) const;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
};

/// One rbac.authorization.k8s.io/v1 PolicyRule.
struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;
  SourceRange where;  // the rule's list item
};

/// A Role (namespaced) or ClusterRole.
struct Role {
  ObjectMeta meta;
  bool cluster = false;
  std::vector<PolicyRule> rules;
  /// ClusterRole aggregationRule.clusterRoleSelectors; empty when the role
  /// is not aggregated. `aggregated` distinguishes "no aggregationRule"
  /// from an aggregationRule with no selectors (which aggregates nothing).
  bool aggregated = false;
  std::vector<LabelSelector> aggregation_selectors;
  bool builtin = false;  // from the bundled Kubernetes bootstrap policy
};

struct Subject {
  std::string kind;  // "User", "Group", "ServiceAccount" (as written)
  std::string api_group;
  std::string name;
  std::string ns;  // as written; defaulting happens in the engine
  SourceRange where;
};

struct RoleRef {
  std::string api_group;
  std::string kind;  // "Role" or "ClusterRole"
  std::string name;
  SourceRange where;
};

/// A RoleBinding (namespaced) or ClusterRoleBinding.
struct Binding {
  ObjectMeta meta;
  bool cluster = false;
  RoleRef role_ref;
  std::vector<Subject> subjects;
  bool builtin = false;
};

struct ServiceAccount {
  ObjectMeta meta;
  std::optional<bool> automount_token;  // automountServiceAccountToken
};

struct Namespace {
  ObjectMeta meta;
};

struct ContainerPort {
  std::string name;
  std::int32_t port = 0;
  std::string protocol = "TCP";
  SourceRange where;
};

struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
  SourceRange where;
};

/// A Pod or the pod template of a controller (Deployment, StatefulSet,
/// DaemonSet, ReplicaSet, Job, CronJob).
struct Workload {
  ObjectMeta meta;
  std::string kind;  // "Pod", "Deployment", ...
  std::map<std::string, std::string> pod_labels;  // template labels
  std::string service_account = "default";
  SourceRange service_account_where;  // unknown when defaulted
  std::optional<bool> automount_token;
  bool host_network = false;
  std::vector<Container> containers;  // init containers included
};

/// One port of a NetworkPolicy rule (networking.k8s.io/v1).
struct NetworkPolicyPort {
  std::string protocol = "TCP";  // defaulted as the API server does
  bool any_port = true;          // no `port`: every port of the protocol
  std::int32_t port = 0;         // numeric port
  std::string port_name;         // named port, resolved per destination pod
  std::optional<std::int32_t> end_port;  // with a numeric port: the range's end
  SourceRange where;
};

/// One peer of a rule: an ipBlock, or pod and/or namespace selectors
/// (both = AND). An absent selector is nullopt; `{}` selects everything.
struct NetworkPolicyPeer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  bool ip_block = false;
  std::string cidr;
  std::vector<std::string> except;
  SourceRange where;
};

/// An ingress (from) or egress (to) rule. No peers = every peer; no ports =
/// every port and protocol.
struct NetworkPolicyRule {
  std::vector<NetworkPolicyPeer> peers;
  std::vector<NetworkPolicyPort> ports;
  SourceRange where;
};

/// A NetworkPolicy with its policyTypes defaulted: Ingress always, Egress
/// when `egress` has at least one rule (SetDefaults_NetworkPolicy).
struct NetworkPolicy {
  ObjectMeta meta;
  LabelSelector pod_selector;  // spec.podSelector ({} = every pod of the namespace)
  bool ingress_type = false;
  bool egress_type = false;
  bool policy_types_given = false;
  std::vector<NetworkPolicyRule> ingress;
  std::vector<NetworkPolicyRule> egress;
};

/// An object of a recognised kind that the current engines do not analyze
/// in depth yet (Service, Ingress, NetworkPolicy, ConfigMap ...). Kept so
/// that `--verbose` can list it and later engines can pick it up.
struct OtherObject {
  ObjectMeta meta;
  std::string api_version;
  std::string kind;
};

}  // namespace grantpath::k8s

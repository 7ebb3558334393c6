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
  bool ns_defaulted = false;  // namespaced, and the input gave no namespace
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
  std::int32_t host_port = 0;  // hostPort: the node's port forwarded to it (0: none)
  std::string protocol = "TCP";
  SourceRange where;
};

/// A hostPath volume as one container mounts it.
struct HostPathMount {
  std::string path;       // the volume's hostPath.path, as written
  bool read_only = false; // the volumeMount's readOnly
  SourceRange where;      // the volume's hostPath
};

struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
  SourceRange where;
  /// securityContext.privileged: true, with its location (unknown when not).
  bool privileged = false;
  SourceRange privileged_where;
  /// securityContext.capabilities.add, upper-cased without a CAP_ prefix.
  std::vector<Located<std::string>> added_capabilities;
  std::vector<HostPathMount> host_paths;
  /// command and args, in that order (controller flags such as Flux's
  /// --default-service-account are read from them).
  std::vector<std::string> args;
};

/// A Pod or the pod template of a controller (Deployment, StatefulSet,
/// DaemonSet, ReplicaSet, Job, CronJob), or the pods an operator creates
/// from a custom resource (`managed_by`).
struct Workload {
  ObjectMeta meta;
  std::string kind;  // "Pod", "Deployment", ..., or the resource's kind ("Prometheus")
  /// For pods an operator creates: the operator ("prometheus-operator") and
  /// the controller it creates them with ("StatefulSet/prometheus-k8s").
  std::string managed_by;
  std::string managed_controller;
  std::map<std::string, std::string> pod_labels;  // template labels
  std::string service_account = "default";
  SourceRange service_account_where;  // unknown when defaulted
  std::optional<bool> automount_token;
  bool host_network = false;
  SourceRange host_network_where;
  bool host_pid = false;  // spec.hostPID
  SourceRange host_pid_where;
  bool host_ipc = false;  // spec.hostIPC
  SourceRange host_ipc_where;
  std::string node_name;  // spec.nodeName, when the input gives it
  std::vector<Container> containers;  // init containers included
  /// sidecar.istio.io/inject of the pod (template), label or annotation
  /// (the label wins): "true", "false" or "" when absent.
  std::string istio_inject;
  /// For Pods: the controller in metadata.ownerReferences (kind and name),
  /// empty when the pod has none; and status.podIPs / podIP when given.
  std::string owner_kind;
  std::string owner_name;
  std::vector<std::string> pod_ips;
  std::int32_t replicas = 1;
  /// Multus secondary networks, as "NS/NAD-NAME": the pod (template)
  /// annotation k8s.v1.cni.cncf.io/networks, or a KubeVirt VM's multus
  /// networks.
  std::vector<std::string> secondary_networks;
  /// Addresses on secondary networks, as declared: the Multus annotation's
  /// "ips", or a KubeVirt VM's cloud-init networkData addresses.
  std::vector<std::string> secondary_ips;
};

/// A Calico HostEndpoint, recorded with the workloads (kind "HostEndpoint",
/// no namespace, no service account): a host's interface, never a pod.
inline bool IsHostEndpoint(const Workload& w) { return w.kind == "HostEndpoint"; }

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
  std::string kind = "NetworkPolicy";  // or "MultiNetworkPolicy" (same shape, secondary networks)
  LabelSelector pod_selector;  // spec.podSelector ({} = every pod of the namespace)
  bool ingress_type = false;
  bool egress_type = false;
  bool policy_types_given = false;
  std::vector<NetworkPolicyRule> ingress;
  std::vector<NetworkPolicyRule> egress;
};

/// One port of a Service.
struct ServicePort {
  std::string name;
  std::string protocol = "TCP";
  std::int32_t port = 0;
  std::int32_t target_port = 0;     // numeric targetPort (defaults to port)
  std::string target_port_name;     // named targetPort, resolved per pod
  std::int32_t node_port = 0;
  SourceRange where;
};

/// A core/v1 Service. Without a selector it selects no pod (its endpoints
/// are managed by hand), which `has_selector` tells apart from `{}`.
struct Service {
  ObjectMeta meta;
  std::string type = "ClusterIP";
  bool has_selector = false;
  std::map<std::string, std::string> selector;
  std::vector<ServicePort> ports;
};

/// A backend named by an Ingress (networking.k8s.io) or an OpenShift Route:
/// a Service of the object's namespace and one of its ports, by number or
/// by name (a Route names the target port of the pods, `by_target`).
struct IngressBackend {
  std::string service;
  std::int32_t port = 0;
  std::string port_name;
  bool by_target = false;
  bool any_port = false;  // a Route without spec.port: every Service port
  std::string host;
  std::string path;
  SourceRange where;
};

/// An Ingress or a Route: traffic from outside the cluster, through the
/// ingress controller, to the pods behind each backend.
struct Ingress {
  ObjectMeta meta;
  std::string kind;  // "Ingress" or "Route"
  std::vector<IngressBackend> backends;
};

/// A peer of an AdminNetworkPolicy / BaselineAdminNetworkPolicy rule.
struct AdminPolicyPeer {
  enum class Type { kNamespaces, kPods, kNetworks, kNodes, kDomainNames };
  Type type = Type::kNamespaces;
  LabelSelector namespace_selector;  // kNamespaces, kPods
  LabelSelector pod_selector;        // kPods
  LabelSelector node_selector;       // kNodes
  std::vector<std::string> networks;  // kNetworks (CIDRs), kDomainNames (names)
  SourceRange where;
};

/// A port of an admin policy rule: a number, a named port, or a range.
struct AdminPolicyPort {
  enum class Type { kNumber, kNamed, kRange };
  Type type = Type::kNumber;
  std::string protocol = "TCP";
  std::int32_t port = 0;
  std::int32_t end_port = 0;  // kRange
  std::string name;           // kNamed
  SourceRange where;
};

struct AdminPolicyRule {
  std::string name;
  std::string action;  // "Allow", "Deny", "Pass" (Pass not in a BANP); "Accept" for Allow in a ClusterNetworkPolicy
  std::vector<AdminPolicyPeer> peers;
  bool ports_given = false;  // absent = every port and protocol
  std::vector<AdminPolicyPort> ports;
  SourceRange where;
};

/// AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1), and
/// ClusterNetworkPolicy (v1alpha2/v1beta1: the same rules in its Admin or
/// Baseline tier, with priorities in both and Accept for Allow).
struct AdminPolicy {
  ObjectMeta meta;
  std::string kind = "AdminNetworkPolicy";  // as written
  bool baseline = false;      // BANP, or a ClusterNetworkPolicy of tier Baseline
  std::int32_t priority = 0;  // ANP and ClusterNetworkPolicy; lower wins
  SourceRange priority_where;
  bool subject_pods = false;          // subject.pods vs subject.namespaces
  LabelSelector subject_namespaces;   // namespace selector of the subject
  LabelSelector subject_pod_selector; // with subject.pods
  SourceRange subject_where;
  std::vector<AdminPolicyRule> ingress;
  std::vector<AdminPolicyRule> egress;
  bool banp() const { return kind == "BaselineAdminNetworkPolicy"; }
};

/// An object of a recognised kind that the current engines do not analyze
/// in depth yet (Service, Ingress, NetworkPolicy, ConfigMap ...). Kept so
/// that `--verbose` can list it and later engines can pick it up.
/// One mapping of the aws-auth ConfigMap (kube-system/aws-auth), as
/// aws-iam-authenticator reads it: an IAM role (mapRoles) or user
/// (mapUsers) ARN to a Kubernetes username and groups, or a whole account
/// (mapAccounts) whose users and roles keep their ARN as username.
struct AwsAuthEntry {
  enum class Kind : std::uint8_t { kRole, kUser, kAccount } kind = Kind::kRole;
  std::string arn;       // role or user ARN; the 12-digit id for kAccount
  std::string username;  // may hold templates ({{SessionName}}, {{AccountID}})
  std::vector<std::string> groups;
  SourceRange where;
};

/// k8s.ovn.org/v1 UserDefinedNetwork (namespaced) or
/// ClusterUserDefinedNetwork (spec.network, with a namespace selector).
struct UserDefinedNetwork {
  ObjectMeta meta;
  bool cluster = false;
  std::string topology;  // "Layer2", "Layer3"
  std::string role;      // "Primary", "Secondary"
  LabelSelector namespace_selector;  // CUDN only
  SourceRange where;       // the object
  SourceRange role_where;  // the role, or the object
};

/// k8s.cni.cncf.io/v1 NetworkAttachmentDefinition (Multus): a secondary
/// network. Attachments with the same CNI config `name` are one network.
struct NetworkAttachment {
  ObjectMeta meta;
  std::string network;  // spec.config's "name", else the object's name
  std::string type;     // spec.config's "type"
};

/// A Secret of type kubernetes.io/service-account-token: a long-lived token
/// of the account its annotation names (its data is never read).
struct TokenSecret {
  ObjectMeta meta;
  std::string service_account;  // kubernetes.io/service-account.name
};

/// argoproj.io AppProject: where the Applications of the project may
/// deploy, and which cluster-scoped kinds.
struct AppProject {
  ObjectMeta meta;
  struct Destination {
    std::string server, name, ns;  // as written ("*" wildcards allowed)
  };
  std::vector<Destination> destinations;
  std::vector<std::pair<std::string, std::string>> cluster_resources;  // clusterResourceWhitelist (group, kind)
  std::vector<std::string> source_namespaces;  // spec.sourceNamespaces (apps in any namespace)
};

struct OtherObject {
  ObjectMeta meta;
  std::string api_version;
  std::string kind;
};

}  // namespace grantpath::k8s

// The one policy form of the network engine. Every policy kind a cluster
// enforces compiles into it: Kubernetes NetworkPolicy, AdminNetworkPolicy
// and BaselineAdminNetworkPolicy (compile_k8s.cc), Calico's tiers and
// policies (compile_calico.cc), Cilium's (compile_cilium.cc) and Istio's
// PeerAuthentications and AuthorizationPolicies (compile_istio.cc: three
// tiers before the others).
// The evaluator (net.cc) knows only this form.
//
// A direction of one endpoint is decided tier by tier, in order. A tier
// counts for the endpoint when one of its policies that `counts` selects
// it in that direction. In a first-match tier, the rules of its selecting
// policies are tried in order: per port, the first matching Allow or Deny
// decides, Pass leaves the port to the next tier, Log goes on. What no
// rule decided gets the tier's end action (Deny, or Pass to the next
// tier). A union tier (NetworkPolicy semantics) allows the union of its
// matching rules and denies the rest. After the last tier, the form's
// final action decides.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/net_types.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "grantpath/source.h"

namespace grantpath::net {

enum class Action : std::uint8_t { kAllow, kDeny, kPass, kLog };
const char* ActionName(Action a);

/// What a policy of the form was compiled from.
enum class Origin : std::uint8_t { kNetworkPolicy, kAdmin, kBaseline, kCalico, kCilium, kIstio };

/// The ports a rule matches: every port (`all`), or the union of `ports`
/// and `named` (resolved against the destination); minus `not_ports` and
/// `not_named`. A named entry's protocol is -1 when any protocol matches.
struct FormPorts {
  bool all = true;
  PortSet ports;
  std::vector<std::pair<int, std::string>> named;
  PortSet not_ports;
  std::vector<std::pair<int, std::string>> not_named;
  bool HasNamed() const { return !named.empty() || !not_named.empty(); }
};

struct FormRule {
  Action action = Action::kAllow;
  /// Peer ids: the rule matches a peer that matches any of them, or every
  /// peer with `any_peer`.
  std::vector<std::uint32_t> peers;
  bool any_peer = false;
  /// A peer id the subject itself must match (Calico's destination
  /// selector of an ingress rule, source selector of an egress rule); -1
  /// when the rule does not restrict the subject.
  std::int32_t local = -1;
  FormPorts ports;
  int index = 0;        // in the original object's rules of that direction
  std::string label;    // "#2", "'name'"
  std::string note;     // said in explanations ("HTTP rules restrict requests on these ports")
  SourceRange where;
  /// The engine's interned port set, once computed (rules without named ports).
  mutable std::uint32_t conns = ~0u;
};

struct FormPolicy {
  Origin origin = Origin::kNetworkPolicy;
  std::uint32_t index = 0;  // record index in the Model vector of its origin
  std::string kind;         // "NetworkPolicy", "GlobalNetworkPolicy", "CiliumNetworkPolicy" ...
  std::string name;         // "ns/name" or "name"
  std::array<bool, 2> applies{};             // [0] ingress, [1] egress
  std::array<bool, 2> counts{{true, true}};  // selecting makes the tier count
  std::array<std::vector<FormRule>, 2> rules;
  std::vector<std::uint32_t> subjects;       // pod endpoints it selects
  /// Pod endpoints it selects that do not enforce it (Istio: no proxy).
  std::vector<std::uint32_t> unenforced;
  SourceRange where;
};

struct FormTier {
  std::string name;
  bool union_allow = false;
  Action end_action = Action::kDeny;  // kDeny or kPass
  SourceRange where;                  // the Tier object, when there is one
  std::vector<FormPolicy> policies;   // in evaluation order
  /// The CNI's own behaviour, not an object of the input (Calico's failsafe
  /// ports and the default deny of host endpoints): rules that judge the
  /// input's tiers and policies skip it.
  bool implicit = false;
};

struct PolicyForm {
  std::string cni = "kubernetes";  // "kubernetes", "calico", "cilium"
  std::vector<FormTier> tiers;
  /// After the last tier: Allow (Kubernetes, Calico's namespace profiles,
  /// Cilium's default mode) or Deny (Cilium's enable-policy: always).
  Action final_action = Action::kAllow;
  std::string final_text = "no policy restricts";  // said in explanations
  /// Cilium's enable-policy: never.
  bool enforcement_off = false;
  /// Calico's staged policies (never enforced): named in explanations of
  /// the endpoints they select.
  std::vector<FormPolicy> staged;
};

/// What the engine lends a compiler: peer ids, the endpoints they match,
/// and the views of endpoints that selectors read.
struct FormBuilder {
  FormBuilder(const Model& m, DiagnosticSink& s) : model(m), sink(s) {}
  const Model& model;
  DiagnosticSink& sink;
  std::uint32_t pod_count = 0;
  /// A new peer id.
  std::function<std::uint32_t()> new_peer;
  /// Marks pod endpoints as matching a peer.
  std::function<void(std::uint32_t id, const std::vector<std::uint32_t>& pods)> add_pods;
  /// Marks the external ranges (of both partitions) inside `r` minus
  /// `except` as matching a peer.
  std::function<void(std::uint32_t id, const IpRange& r, const std::vector<IpRange>& except)> add_nets;
  /// Marks the ingress controller (a pod of unknown namespace and labels).
  std::function<void(std::uint32_t id)> add_controller;
  /// Pods of the focus (all pods unless the engine answers about a few).
  std::function<bool(std::uint32_t ep)> in_focus;
  /// Kubernetes selection, cached by content (see Engine::SelectPods).
  std::function<const std::vector<std::uint32_t>&(const k8s::LabelSelector* ns_sel, const std::string& ns,
                                                  const k8s::LabelSelector* pod_sel)>
      select_pods;
  /// A pod endpoint's namespace, labels, service account, host network.
  std::function<const std::string&(std::uint32_t ep)> pod_ns;
  std::function<const std::map<std::string, std::string>&(std::uint32_t ep)> pod_labels;
  std::function<const std::string&(std::uint32_t ep)> pod_service_account;
  std::function<bool(std::uint32_t ep)> pod_host_network;  // a host-networked pod, or a host endpoint
  std::function<bool(std::uint32_t ep)> pod_host_endpoint;  // a Calico HostEndpoint
  std::function<const std::vector<std::string>&(std::uint32_t ep)> pod_ips;
  /// The representative workload of a pod endpoint.
  std::function<const k8s::Workload&(std::uint32_t ep)> pod_workload;
  std::function<const std::map<std::string, std::string>&(const std::string& ns)> ns_labels;
  /// Named port lookup on an endpoint: (protocol, number) or {-1, 0}.
  std::function<std::pair<int, int>(std::uint32_t ep, const std::string& name)> named_port;
  /// A Calico staged policy to compile as enforced (EngineOptions), or -1.
  int enforce_staged = -1;
};

/// Compilers. CompileKubernetes puts NetworkPolicies, ANPs and the BANP in
/// three tiers; the CNI compilers rearrange or extend the form.
/// `np_peers` receives the peer ids of each NetworkPolicy rule
/// ([policy][direction][rule][peer]) for the rules that inspect them.
void CompileKubernetes(FormBuilder& b, PolicyForm& form,
                       std::vector<std::array<std::vector<std::vector<std::uint32_t>>, 2>>& np_peers);
void CompileCalico(FormBuilder& b, PolicyForm& form);
void CompileCilium(FormBuilder& b, PolicyForm& form);
/// Istio's PeerAuthentications and AuthorizationPolicies: istio-mtls,
/// istio-deny and istio-allow tiers put before the others (a connection
/// needs Istio's and the CNI's consent).
void CompileIstio(FormBuilder& b, PolicyForm& form);

/// Address ranges the CNI policies name, per side (0: sources of ingress
/// rules, 1: destinations of egress rules, -1: both, for address sets), so
/// that external endpoints are split along them.
void CalicoNets(const Model& model,
                const std::function<void(int side, const std::string& cidr, SourceRange where)>& add);
void CiliumNets(const Model& model,
                const std::function<void(int side, const std::string& cidr, SourceRange where)>& add);
void IstioNets(const Model& model,
               const std::function<void(int side, const std::string& cidr, SourceRange where)>& add);

/// Which CNI's policies the input holds: "calico", "cilium" or "" (none).
std::string PolicyCni(const Model& model);

}  // namespace grantpath::net

// Multiple networks: OVN-Kubernetes user-defined networks (UDN, CUDN) and
// Multus secondary networks (NetworkAttachmentDefinition with
// MultiNetworkPolicy). The input is split into one view per network, each a
// model the network engine analyses on its own:
// - the pod network: workloads of namespaces without a primary (C)UDN, with
//   NetworkPolicies, (B)ANPs, Services and Ingresses;
// - a primary UDN (per namespace) or CUDN (per selected namespaces): their
//   workloads, which reach only each other and the outside, with the
//   NetworkPolicies of those namespaces;
// - a secondary network (NADs sharing one CNI config name): the workloads
//   attached to it, with the MultiNetworkPolicies whose policy-for names it;
//   no outside addresses.
// docs/network.md ("Multiple networks") has the rules and the warnings.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::net {

struct NetworkView {
  enum class Kind { kPod, kUdn, kCudn, kNad };
  Kind kind = Kind::kPod;
  std::string name;  // the UDN's namespace, the CUDN's name, the NAD network name
  /// "Pod network", "primary UDN blue", "primary CUDN tenant", "secondary NAD l2".
  std::string Title() const;
  std::unique_ptr<Model> model;
  /// Workload indices of the original model, in the view's order.
  std::vector<std::uint32_t> workloads;
};

struct NetworkSplit {
  std::vector<NetworkView> views;
  /// Per workload of the original model: "pod-network", "blue[UDN]",
  /// "tenant[CUDN]"; and its secondary networks "l2[NAD]".
  std::vector<std::string> primary;
  std::vector<std::vector<std::string>> secondary;
};

/// Whether the input has UDNs, CUDNs or NetworkAttachmentDefinitions.
bool HasMultipleNetworks(const Model& m);

/// Splits the input into network views; invalid combinations (a namespace
/// with two primary networks) are located errors, ignored objects warnings.
NetworkSplit SplitNetworks(const Model& m, DiagnosticSink& sink);

}  // namespace grantpath::net

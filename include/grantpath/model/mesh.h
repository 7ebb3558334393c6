// Service-mesh policy records: Istio's AuthorizationPolicy and
// PeerAuthentication (security.istio.io/v1beta1 and v1) and the mesh
// settings that scope them
// (the `istio` ConfigMap's rootNamespace and trustDomain). Parsers fill
// them as written; the network engine compiles them into two tiers that
// run before the CNI's (analyzer/engine/compile_istio.cc).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "grantpath/model/k8s.h"
#include "grantpath/source.h"

namespace grantpath::mesh {

/// One `from.source`: its fields are ANDed, the values of a field ORed.
/// Strings keep Istio's exact, prefix ("abc*"), suffix ("*abc") and
/// presence ("*") forms.
struct IstioSource {
  std::vector<std::string> principals, not_principals;
  std::vector<std::string> request_principals, not_request_principals;  // JWT: request level
  std::vector<std::string> namespaces, not_namespaces;
  std::vector<std::string> service_accounts, not_service_accounts;      // "ns/name"
  std::vector<std::string> ip_blocks, not_ip_blocks;
  std::vector<std::string> remote_ip_blocks, not_remote_ip_blocks;
  SourceRange where;
};

/// One `to.operation`: ports are connection level, the rest request level
/// (HTTP only).
struct IstioOperation {
  std::vector<std::string> ports, not_ports;
  std::vector<std::string> hosts, not_hosts, methods, not_methods, paths, not_paths;
  SourceRange where;
};

struct IstioCondition {
  std::string key;
  std::vector<std::string> values, not_values;
  SourceRange where;
};

/// A rule matches when one source, one operation and every condition match;
/// an absent list matches anything.
struct IstioRule {
  std::vector<IstioSource> from;
  std::vector<IstioOperation> to;
  std::vector<IstioCondition> when;
  SourceRange where;
};

struct AuthorizationPolicy {
  k8s::ObjectMeta meta;
  std::string action = "ALLOW";  // ALLOW, DENY, AUDIT, CUSTOM
  SourceRange action_where;
  bool has_selector = false;     // spec.selector (matchLabels; empty selects all)
  std::map<std::string, std::string> match_labels;
  SourceRange selector_where;
  bool target_ref = false;       // spec.targetRef(s): a Gateway or Service, not a workload
  SourceRange target_where;
  std::string provider;          // CUSTOM's extension provider
  bool rules_given = false;      // `rules` present (even empty)
  std::vector<IstioRule> rules;
  bool dry_run = false;          // annotation istio.io/dry-run: "true"
  SourceRange where;
};

/// PeerAuthentication (security.istio.io/v1beta1 and v1): the mTLS mode a
/// workload's proxy accepts, mesh-wide (root namespace, no selector),
/// namespace-wide (no selector) or per workload, with per-port modes.
struct PeerAuthentication {
  k8s::ObjectMeta meta;
  bool has_selector = false;  // a selector with labels (an empty one is namespace-wide)
  std::map<std::string, std::string> match_labels;
  std::string mode;           // "", UNSET, DISABLE, PERMISSIVE, STRICT ("" as UNSET)
  SourceRange mode_where;
  std::map<int, std::string> port_modes;  // portLevelMtls: workload port -> mode
  std::string created;        // metadata.creationTimestamp (the oldest wins among equals)
  SourceRange where;
};

/// A setting of the mesh configuration (ConfigMap `istio` or `istio-REV`,
/// key `mesh`): rootNamespace or trustDomain.
struct MeshSetting {
  std::string key;     // "rootNamespace", "trustDomain"
  std::string value;
  std::string object;  // "ConfigMap 'istio-system/istio'"
  SourceRange where;
};

}  // namespace grantpath::mesh

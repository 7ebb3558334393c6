// Capabilities: named sets of requests ("read secrets", "exec into pods")
// evaluated over every binding at once. The RBAC rules of `grantpath scan`
// are tables of probes over this one evaluator.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rbac.h"

namespace grantpath::rbac {

/// Stands for "a value no rule names": only "*" in a rule matches it.
inline constexpr std::string_view kAny = "\x01" "any";

/// How a probe treats a rule's resourceNames.
enum class Names {
  kCollection,  // the request has no name (list, watch, create): named rules never match
  kEvery,       // a request for an arbitrary object: only rules without resourceNames match
  kSome,        // some object: a rule listing names matches too
};

/// One request shape. `cluster_scoped` requests are granted only by
/// ClusterRoleBindings (their namespace is "").
struct Probe {
  std::string_view verb;
  std::string_view api_group;
  std::string_view resource;
  std::string_view subresource = "";
  bool cluster_scoped = false;
  Names names = Names::kCollection;
  std::string_view non_resource_url = "";  // set for non-resource probes
  /// The request this probe stands for in namespace `ns`.
  Request ToRequest(const std::string& ns) const;
  /// "get secrets", "create pods/exec", "* * (all groups)".
  std::string Describe() const;
};

/// One binding subject entry that holds at least one probe of a capability.
struct CapabilityHit {
  std::uint32_t binding = 0;
  std::uint32_t subject = 0;      // index into the binding's subjects
  SubjectKey who;
  std::vector<std::uint32_t> probes;  // indices of the probes granted
  std::vector<RuleRef> rules;         // rules that grant them (sorted, unique)
};

/// Every (binding, subject) granting any of `probes`, through the binding's
/// role's effective rules. Built-in bindings are included only when
/// `include_builtin` is set; `keep` (when given) further selects bindings.
std::vector<CapabilityHit> FindCapability(const Engine& engine, const std::vector<Probe>& probes,
                                          bool include_builtin = false,
                                          bool (*keep)(const k8s::Binding&) = nullptr);

/// The probe of cluster-admin equivalence: every verb on every resource of
/// every API group, cluster-wide.
const std::vector<Probe>& ClusterAdminProbes();

/// Hits grouped by subject, in subject order.
std::map<SubjectKey, std::vector<CapabilityHit>> BySubject(std::vector<CapabilityHit> hits);

}  // namespace grantpath::rbac

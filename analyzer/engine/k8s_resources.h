// Well-known Kubernetes resource types: plural names, short names, API
// groups and scope, so that queries accept what users type to kubectl
// (`po`, `deploy`, `deployments.apps`, `leases.coordination.k8s.io`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace grantpath::k8s {

struct ResourceType {
  std::string resource;     // plural, lower-case: "deployments"
  std::string group;        // "" for the core group
  bool known = false;       // found in the built-in table
  bool cluster_scoped = false;
};

/// Resolves TYPE as kubectl does offline: `resource[.group]`, plural,
/// singular or short name. An unknown type is taken literally (resource =
/// text before the first '.', group = the rest) with known == false.
ResourceType ResolveResourceType(std::string_view text);

/// Did-you-mean suggestion among the known plural names ("" when none).
std::string SuggestResourceType(std::string_view text);

}  // namespace grantpath::k8s

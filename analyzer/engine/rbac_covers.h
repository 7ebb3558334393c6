// The API server's escalation check: whether a user may grant rules.
//
// Creating or updating a Role/ClusterRole, or a binding to one, is allowed
// when the user holds the `escalate` (roles) or `bind` (bindings) verb on it,
// is a member of system:masters, or already holds every permission it
// grants. "Holds" is decided by Covers, as in
// pkg/registry/rbac/validation/policy_comparator.go: each granted rule is
// broken into atoms (one group, resource, verb, resourceName) and each atom
// must be covered by one owner rule comparing strings: "*" or the same
// value, "*/sub" for a subresource, and a nonResourceURL prefix ending in
// "*". This is stricter than request matching (an owner rule `pods/*` does
// not cover `pods/exec`, and neither does it match a request for it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/rbac.h"

namespace grantpath::rbac {

/// Splits a rule into atoms of one group, resource, verb and resourceName
/// (non-resource URLs combine with verbs only).
std::vector<k8s::PolicyRule> BreakdownRule(const k8s::PolicyRule& rule);

/// Whether one owner rule covers one atom.
bool RuleCovers(const k8s::PolicyRule& owner, const k8s::PolicyRule& atom);

/// Whether `owner` covers every rule of `servant`; the atoms left over go
/// to `uncovered` when given.
bool Covers(const std::vector<k8s::PolicyRule>& owner, const std::vector<k8s::PolicyRule>& servant,
            std::vector<k8s::PolicyRule>* uncovered = nullptr);

/// Every rule that applies to `user` in namespace `ns` ("" = cluster-wide
/// rules only), as the authorizer's rule resolver lists them.
std::vector<k8s::PolicyRule> RulesFor(const Engine& engine, const UserInfo& user,
                                      const std::string& ns);

struct BindDecision {
  bool allowed = false;
  std::string via;  // "system:masters", "bind", "covers"
  std::vector<k8s::PolicyRule> uncovered;  // when not allowed by covers
  std::vector<Grant> bind_grants;          // when allowed by the bind verb
};

/// Whether `user` may create a binding in `ns` ("" for a
/// ClusterRoleBinding) to the role `role` (index into Model::k8s_roles).
BindDecision CanBind(const Engine& engine, const UserInfo& user, std::size_t role,
                     const std::string& ns);

}  // namespace grantpath::rbac

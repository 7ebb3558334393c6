// rbac-cluster-admin-equivalent: see docs/rules/rbac-cluster-admin-equivalent.md
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-cluster-admin-equivalent", "Subject is cluster-admin equivalent", Severity::kCritical,
    "A subject holds every verb on every resource of every API group cluster-wide, through any route: a binding to cluster-admin, a custom role with wildcards, or an aggregated role. Whoever controls it controls the cluster.",
    "Bind the subject to a role that lists only the verbs, API groups and resources it needs; keep cluster-admin for break-glass identities outside day-to-day use."};
}  // namespace

std::unique_ptr<Rule> MakeRbacClusterAdminEquivalent() {
  return MakeCapabilityRule(kInfo, {"do anything to every resource", rbac::ClusterAdminProbes(), false, true});
}

}  // namespace grantpath::rules

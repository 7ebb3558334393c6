// rbac-escalate-bind: see docs/rules/rbac-escalate-bind.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-escalate-bind", "Subject can escalate or bind roles", Severity::kCritical,
    "A subject holds the escalate verb (edit roles beyond its own permissions) or the bind verb (bind any role, including cluster-admin, without holding its permissions) on roles or clusterroles. The API server's escalation check is bypassed for it.",
    "Remove escalate and bind; a controller that must create bindings should be granted bind with resourceNames naming the exact roles."};
}  // namespace

std::unique_ptr<Rule> MakeRbacEscalateBind() {
  return MakeCapabilityRule(kInfo, {"escalate or bind roles", rbac::probes::EscalateBind()});
}

}  // namespace grantpath::rules

// rbac-impersonate: see docs/rules/rbac-impersonate.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-impersonate", "Subject can impersonate other identities", Severity::kCritical,
    "A subject holds the impersonate verb on users, groups, service accounts, uids: with Impersonate-* headers it acts as those identities, including system:masters members when groups are not restricted.",
    "Remove impersonate, or restrict it with resourceNames to the identities that are meant to be impersonated."};
}  // namespace

std::unique_ptr<Rule> MakeRbacImpersonate() {
  return MakeCapabilityRule(kInfo, {"impersonate users, groups or service accounts", rbac::probes::Impersonate()});
}

}  // namespace grantpath::rules

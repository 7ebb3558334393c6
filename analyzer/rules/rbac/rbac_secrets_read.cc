// rbac-secrets-read: see docs/rules/rbac-secrets-read.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-secrets-read", "Subject can read secrets", Severity::kHigh,
    "A subject can get, list or watch Secrets without a resourceNames restriction. Secrets hold service-account tokens, credentials and keys: reading them is a step to impersonating other identities.",
    "Remove get/list/watch on secrets, or restrict get to the named secrets the subject needs with resourceNames (list and watch cannot be restricted by name)."};
}  // namespace

std::unique_ptr<Rule> MakeRbacSecretsRead() {
  return MakeCapabilityRule(kInfo, {"read secrets", rbac::probes::SecretsRead()});
}

}  // namespace grantpath::rules

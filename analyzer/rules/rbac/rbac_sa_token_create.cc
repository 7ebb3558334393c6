// rbac-sa-token-create: see docs/rules/rbac-sa-token-create.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-sa-token-create", "Subject can mint service account tokens", Severity::kHigh,
    "A subject can create serviceaccounts/token: it can request a token for a service account and then act with that account's permissions.",
    "Remove create on serviceaccounts/token, or restrict it with resourceNames to the accounts the subject is meant to use."};
}  // namespace

std::unique_ptr<Rule> MakeRbacSaTokenCreate() {
  CapabilitySpec spec{"create service account tokens", rbac::probes::TokenCreate()};
  spec.named_objects = true;
  return MakeCapabilityRule(kInfo, spec);
}

}  // namespace grantpath::rules

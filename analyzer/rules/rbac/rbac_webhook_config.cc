// rbac-webhook-config: see docs/rules/rbac-webhook-config.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-webhook-config", "Subject can change admission webhooks", Severity::kHigh,
    "A subject can create, update, patch or delete mutating or validating webhook configurations: it can intercept and rewrite every object sent to the API server (including secrets and pods), or remove the policies that guard them.",
    "Remove write verbs on mutatingwebhookconfigurations and validatingwebhookconfigurations from everyone but the operators that own them (with resourceNames)."};
}  // namespace

std::unique_ptr<Rule> MakeRbacWebhookConfig() {
  return MakeCapabilityRule(kInfo, {"change admission webhook configurations", rbac::probes::WebhookConfig()});
}

}  // namespace grantpath::rules

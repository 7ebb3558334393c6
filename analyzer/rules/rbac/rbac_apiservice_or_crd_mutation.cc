// rbac-apiservice-or-crd-mutation: see docs/rules/rbac-apiservice-or-crd-mutation.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-apiservice-or-crd-mutation", "Subject can redirect an API group or a CRD's conversion webhook",
    Severity::kHigh,
    "A subject can create, update or patch APIService objects, or update or patch CustomResourceDefinitions. An "
    "APIService sends a whole API group to the service it names (with the caller's identity and the request "
    "bodies); a CRD's conversion webhook receives every stored object of that type. Either lets the subject "
    "read or rewrite what other users send to the API server for those resources.",
    "Keep write verbs on apiservices and customresourcedefinitions for cluster administrators and the "
    "operators that own them, limited with resourceNames to their own objects."};
}  // namespace

std::unique_ptr<Rule> MakeRbacApiserviceOrCrdMutation() {
  return MakeCapabilityRule(kInfo, {"redirect aggregated APIs or CRD conversion webhooks",
                                    rbac::probes::ApiExtensionMutation()});
}

}  // namespace grantpath::rules

#include "rules/registry.h"

namespace grantpath::rules {

const std::vector<std::unique_ptr<Rule>>& AllRules() {
  static const std::vector<std::unique_ptr<Rule>> kRules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    // One line per rule, sorted by id (a test checks the order).
    r.push_back(MakeAwsEksPublicEndpointOpen());
    r.push_back(MakeAwsExposedInstancePrivilegedRole());
    r.push_back(MakeAwsInternetExposedAdminPort());
    r.push_back(MakeAwsSgOpenToWorldUnused());
    r.push_back(MakeCalicoStagedPolicyDiffers());
    r.push_back(MakeCiliumDenyOnlyDefaultDeny());
    r.push_back(MakeComposeBackendNotInternal());
    r.push_back(MakeComposeHostNetwork());
    r.push_back(MakeComposePublishedToWorld());
    r.push_back(MakeIamAdminEquivalent());
    r.push_back(MakeIamAssumeRolePath());
    r.push_back(MakeIamBroadPermissions());
    r.push_back(MakeIamCrossAccountTrust());
    r.push_back(MakeIamInvalidArn());
    r.push_back(MakeIamIrsaTrustAnyServiceaccount());
    r.push_back(MakeIamNetworkExposureGrant());
    r.push_back(MakeIamOidcTrustWithoutSubject());
    r.push_back(MakeIamPassroleStarResource());
    r.push_back(MakeIamPrivilegeEscalation());
    r.push_back(MakeIamPublicAccess());
    r.push_back(MakeIamSupplyChainWrite());
    r.push_back(MakeIamUnknownAction());
    r.push_back(MakeIamUnrestrictedDataAccess());
    r.push_back(MakeIstioPolicyNotEnforced());
    r.push_back(MakeK8sContainerEscape());
    r.push_back(MakeNetpolDeadPolicy());
    r.push_back(MakeNetpolEgressInternetAllPorts());
    r.push_back(MakeNetpolEgressNotIsolated());
    r.push_back(MakeNetpolHostNetwork());
    r.push_back(MakeNetpolIngressNotIsolated());
    r.push_back(MakeNetpolIntentViolation());
    r.push_back(MakeNetpolInternetExposed());
    r.push_back(MakeNetpolMetadataEgress());
    r.push_back(MakeNetpolRedundantRule());
    r.push_back(MakeNetpolSensitiveNamespaceAccess());
    r.push_back(MakeNetpolShadowedRule());
    r.push_back(MakeNetpolTierDefaultDenySurprise());
    r.push_back(MakeOverlayUnencrypted());
    r.push_back(MakePathCloudToClusterAdmin());
    r.push_back(MakePathInternetToCloud());
    r.push_back(MakePathK8sEscalation());
    r.push_back(MakePathK8sToCloudAdmin());
    r.push_back(MakeRbacAggregationWidensRole());
    r.push_back(MakeRbacAnonymousBinding());
    r.push_back(MakeRbacApiserviceOrCrdMutation());
    r.push_back(MakeRbacClusterAdminEquivalent());
    r.push_back(MakeRbacCsrApprove());
    r.push_back(MakeRbacDanglingRoleRef());
    r.push_back(MakeRbacDefaultSaPermissions());
    r.push_back(MakeRbacEscalateBind());
    r.push_back(MakeRbacImpersonate());
    r.push_back(MakeRbacNodesProxy());
    r.push_back(MakeRbacPodExec());
    r.push_back(MakeRbacSaTokenCreate());
    r.push_back(MakeRbacSecretsRead());
    r.push_back(MakeRbacWebhookConfig());
    r.push_back(MakeRbacWildcardRule());
    r.push_back(MakeRbacWorkloadCreate());
    return r;
  }();
  return kRules;
}

const Rule* FindRule(std::string_view id) {
  for (const auto& r : AllRules())
    if (r->info().id == id) return r.get();
  return nullptr;
}

}  // namespace grantpath::rules

// The rule catalog: every rule grantpath knows, in one sorted table.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "grantpath/rule.h"

namespace grantpath::rules {

// One factory per rule, defined in the rule's own file.
std::unique_ptr<Rule> MakeAwsEksPublicEndpointOpen();
std::unique_ptr<Rule> MakeAwsExposedInstancePrivilegedRole();
std::unique_ptr<Rule> MakeAwsInternetExposedAdminPort();
std::unique_ptr<Rule> MakeAwsSgOpenToWorldUnused();
std::unique_ptr<Rule> MakeCalicoStagedPolicyDiffers();
std::unique_ptr<Rule> MakeCiliumDenyOnlyDefaultDeny();
std::unique_ptr<Rule> MakeIstioPolicyNotEnforced();
std::unique_ptr<Rule> MakeComposeBackendNotInternal();
std::unique_ptr<Rule> MakeComposeHostNetwork();
std::unique_ptr<Rule> MakeComposePublishedToWorld();
std::unique_ptr<Rule> MakeIamAdminEquivalent();
std::unique_ptr<Rule> MakeIamAssumeRolePath();
std::unique_ptr<Rule> MakeIamBroadPermissions();
std::unique_ptr<Rule> MakeIamCrossAccountTrust();
std::unique_ptr<Rule> MakeIamInvalidArn();
std::unique_ptr<Rule> MakeIamIrsaTrustAnyServiceaccount();
std::unique_ptr<Rule> MakeIamNetworkExposureGrant();
std::unique_ptr<Rule> MakeIamOidcTrustWithoutSubject();
std::unique_ptr<Rule> MakeIamPassroleStarResource();
std::unique_ptr<Rule> MakeIamPrivilegeEscalation();
std::unique_ptr<Rule> MakeIamPublicAccess();
std::unique_ptr<Rule> MakeIamSupplyChainWrite();
std::unique_ptr<Rule> MakeIamUnknownAction();
std::unique_ptr<Rule> MakeIamUnrestrictedDataAccess();
std::unique_ptr<Rule> MakeK8sContainerEscape();
std::unique_ptr<Rule> MakeNetpolDeadPolicy();
std::unique_ptr<Rule> MakeNetpolEgressInternetAllPorts();
std::unique_ptr<Rule> MakeNetpolEgressNotIsolated();
std::unique_ptr<Rule> MakeNetpolHostNetwork();
std::unique_ptr<Rule> MakeNetpolIngressNotIsolated();
std::unique_ptr<Rule> MakeNetpolIntentViolation();
std::unique_ptr<Rule> MakeNetpolInternetExposed();
std::unique_ptr<Rule> MakeNetpolMetadataEgress();
std::unique_ptr<Rule> MakeNetpolRedundantRule();
std::unique_ptr<Rule> MakeNetpolSensitiveNamespaceAccess();
std::unique_ptr<Rule> MakeNetpolShadowedRule();
std::unique_ptr<Rule> MakeNetpolTierDefaultDenySurprise();
std::unique_ptr<Rule> MakeOverlayUnencrypted();
std::unique_ptr<Rule> MakePathCloudToClusterAdmin();
std::unique_ptr<Rule> MakePathInternetToCloud();
std::unique_ptr<Rule> MakePathK8sEscalation();
std::unique_ptr<Rule> MakePathK8sToCloudAdmin();
std::unique_ptr<Rule> MakeRbacAggregationWidensRole();
std::unique_ptr<Rule> MakeRbacAnonymousBinding();
std::unique_ptr<Rule> MakeRbacApiserviceOrCrdMutation();
std::unique_ptr<Rule> MakeRbacClusterAdminEquivalent();
std::unique_ptr<Rule> MakeRbacCsrApprove();
std::unique_ptr<Rule> MakeRbacDanglingRoleRef();
std::unique_ptr<Rule> MakeRbacDefaultSaPermissions();
std::unique_ptr<Rule> MakeRbacEscalateBind();
std::unique_ptr<Rule> MakeRbacImpersonate();
std::unique_ptr<Rule> MakeRbacNodesProxy();
std::unique_ptr<Rule> MakeRbacPodExec();
std::unique_ptr<Rule> MakeRbacSaTokenCreate();
std::unique_ptr<Rule> MakeRbacSecretsRead();
std::unique_ptr<Rule> MakeRbacWebhookConfig();
std::unique_ptr<Rule> MakeRbacWildcardRule();
std::unique_ptr<Rule> MakeRbacWorkloadCreate();

/// A rule defined by its info and a check function (the rule files of the
/// network and IAM engines define their rules this way).
class FnRule final : public Rule {
 public:
  using Fn = void (*)(const RuleInfo&, const AnalysisContext&, FindingSink&);
  FnRule(const RuleInfo& info, Fn fn) : info_(info), fn_(fn) {}
  const RuleInfo& info() const override { return info_; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override { fn_(info_, ctx, out); }

 private:
  const RuleInfo& info_;
  Fn fn_;
};

/// The info of netpol-intent-violation (findings made by `net intents`).
const RuleInfo& IntentViolationInfo();

/// Every rule, sorted by id. Built once; the pointers live for the program.
const std::vector<std::unique_ptr<Rule>>& AllRules();
/// The rule with this id, or nullptr.
const Rule* FindRule(std::string_view id);

}  // namespace grantpath::rules

// rbac-csr-approve: see docs/rules/rbac-csr-approve.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-csr-approve", "Subject can approve certificate signing requests", Severity::kHigh,
    "A subject can both update certificatesigningrequests/approval and approve for a signer: it can issue client certificates, for example for system:masters members through kubernetes.io/kube-apiserver-client.",
    "Remove update on certificatesigningrequests/approval or the approve verb on signers; leave CSR approval to the controller manager."};
}  // namespace

std::unique_ptr<Rule> MakeRbacCsrApprove() {
  return MakeCapabilityRule(kInfo, {"approve certificate signing requests", rbac::probes::CsrApprove(), true});
}

}  // namespace grantpath::rules

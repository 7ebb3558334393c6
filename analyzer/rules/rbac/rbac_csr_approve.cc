// rbac-csr-approve: see docs/rules/rbac-csr-approve.md
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
using rbac::Names;
using rbac::Probe;

constexpr RuleInfo kInfo{
    "rbac-csr-approve", "Subject can approve certificate signing requests", Severity::kHigh,
    "A subject can both update certificatesigningrequests/approval and approve for a signer: it can issue client certificates, for example for system:masters members through kubernetes.io/kube-apiserver-client.",
    "Remove update on certificatesigningrequests/approval or the approve verb on signers; leave CSR approval to the controller manager."};
}  // namespace

std::unique_ptr<Rule> MakeRbacCsrApprove() {
  return MakeCapabilityRule(kInfo, {"approve certificate signing requests", {
      Probe{"update", "certificates.k8s.io", "certificatesigningrequests", "approval", true, Names::kSome},
      Probe{"approve", "certificates.k8s.io", "signers", "", true, Names::kSome},
  }, true});
}

}  // namespace grantpath::rules

// rbac-pod-exec: see docs/rules/rbac-pod-exec.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-pod-exec", "Subject can exec into or attach to pods", Severity::kHigh,
    "A subject can run commands in running containers (pods/exec) or attach to them (pods/attach): it gains the pod's service-account token, secrets and network position. WebSocket clients reach exec with the get verb, so get counts as well as create.",
    "Remove create and get on pods/exec and pods/attach; grant interactive access per namespace to people, not to workloads."};
}  // namespace

std::unique_ptr<Rule> MakeRbacPodExec() {
  return MakeCapabilityRule(kInfo, {"exec into or attach to pods", rbac::probes::PodExec()});
}

}  // namespace grantpath::rules

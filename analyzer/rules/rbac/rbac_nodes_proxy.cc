// rbac-nodes-proxy: see docs/rules/rbac-nodes-proxy.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-nodes-proxy", "Subject can proxy to the kubelet API", Severity::kHigh,
    "A subject can get or create nodes/proxy: requests through the API server to a kubelet reach its API, which runs commands in any pod on the node and is not logged as pod exec.",
    "Remove get and create on nodes/proxy; monitoring agents need only nodes/metrics or nodes/stats."};
}  // namespace

std::unique_ptr<Rule> MakeRbacNodesProxy() {
  return MakeCapabilityRule(kInfo, {"reach the kubelet API through nodes/proxy", rbac::probes::NodesProxy()});
}

}  // namespace grantpath::rules

// rbac-workload-create: see docs/rules/rbac-workload-create.md
#include "engine/rbac_probes.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {
constexpr RuleInfo kInfo{
    "rbac-workload-create", "Subject can create or change pods or pod controllers", Severity::kHigh,
    "A subject can create pods or pod controllers (Deployments, DaemonSets, StatefulSets, ReplicaSets, Jobs, CronJobs, ReplicationControllers), or patch and update them. Such a pod may run as any service account of its namespace and mount that account's token, so the subject holds the powers of every service account there.",
    "Grant workload creation only to deployment pipelines, per namespace; keep service accounts with strong permissions out of namespaces where others can create pods."};
}  // namespace

std::unique_ptr<Rule> MakeRbacWorkloadCreate() {
  return MakeCapabilityRule(kInfo, {"create or change pods or pod controllers", rbac::probes::WorkloadCreate()});
}

}  // namespace grantpath::rules

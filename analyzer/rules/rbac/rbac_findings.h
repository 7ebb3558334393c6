// Shared pieces of the RBAC rules: naming objects, building the binding
// chain of a finding, and the capability rule that most RBAC rules are.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/context.h"
#include "engine/rbac_capability.h"
#include "grantpath/finding.h"
#include "grantpath/rule.h"

namespace grantpath::rules {

using rbac::BindingName;
using rbac::RoleName;
using rbac::WorkloadName;

/// Adds the subject entry, the roleRef and the granting rules of a hit to
/// the finding's related locations.
void AddBindingChain(const AnalysisContext& ctx, const rbac::CapabilityHit& hit, Finding* f);

/// Appends "; its token is mounted in Deployment 'a/b' and 2 more" and a
/// "workloads" witness field when workloads carry the subject's token.
void AddTokenWorkloads(const AnalysisContext& ctx, const SubjectKey& s, Finding* f);

/// A rule that fires for each subject holding a capability: any of the
/// probes (or all of them, `require_all`), through the effective rules of
/// every non-built-in binding that names the subject. Cluster-wide grants
/// get the rule's severity, namespace-only grants one level less.
/// Subjects that are cluster-admin equivalent are skipped unless
/// `include_cluster_admins` (that finding covers them).
struct CapabilitySpec {
  std::string_view what;  // "read secrets"
  const std::vector<rbac::Probe>& probes;  // a table of engine/rbac_probes.h
  bool require_all = false;
  bool include_cluster_admins = false;
  /// The capability concerns named objects (service account tokens): when
  /// every granting rule lists resourceNames, the finding names them, and a
  /// service account whose rules name only itself is not reported (it can
  /// already act as itself).
  bool named_objects = false;
};
std::unique_ptr<Rule> MakeCapabilityRule(const RuleInfo& info, CapabilitySpec spec);

}  // namespace grantpath::rules

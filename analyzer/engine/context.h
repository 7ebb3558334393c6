// The inputs every rule reads: the model, the engines, the options.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <memory>

#include "engine/aws_net.h"
#include "engine/compose_net.h"
#include "engine/encryption.h"
#include "engine/iam_analysis.h"
#include "engine/net.h"
#include "engine/rbac.h"
#include "engine/rbac_capability.h"
#include "grantpath/access_graph.h"
#include "grantpath/model/model.h"

namespace grantpath {

struct AnalysisOptions {
  /// Namespaces whose access from elsewhere is flagged.
  std::vector<std::string> sensitive_namespaces{"kube-system"};
  /// Capabilities (rbac-probes names such as "secrets-read") that count as
  /// escalation targets besides cluster-admin: a subject that does not hold
  /// one cluster-wide but can become a subject that does is reported.
  std::vector<std::string> escalation_targets;
  /// Solver limits for the IAM questions of a scan.
  iam::SolverLimits solver;
  /// Network engine options (hostNetwork treatment).
  net::EngineOptions net;
};

class AnalysisContext {
 public:
  AnalysisContext(const Model& model, const rbac::Engine& rbac, AnalysisOptions options);

  const Model& model() const { return model_; }
  const rbac::Engine& rbac() const { return rbac_; }
  const AnalysisOptions& options() const { return options_; }

  /// Subjects that hold every verb on every resource of every API group
  /// cluster-wide through non-built-in bindings. Other RBAC capability
  /// rules skip them: the cluster-admin finding says it all.
  bool IsClusterAdmin(const SubjectKey& s) const { return cluster_admins_.count(s) > 0; }

  /// Workloads whose pods carry a token of this subject: for a service
  /// account the workloads running as it, for system:serviceaccounts:NS
  /// those of NS, for system:serviceaccounts and system:authenticated all
  /// of them. Only workloads whose token is mounted.
  std::vector<std::uint32_t> TokenWorkloads(const SubjectKey& s) const;

  /// rbac::FindCapability over the non-built-in bindings, computed once per
  /// probe table (tables are identified by address: pass the shared ones
  /// of engine/rbac_probes.h, which live for the whole program).
  const std::vector<rbac::CapabilityHit>& Capability(const std::vector<rbac::Probe>& probes) const;
  /// The same, plus the built-in system:controller:* bindings: what the
  /// controller manager's service accounts in kube-system hold, for
  /// escalation paths through a pod that runs as one of them (rules keep
  /// reporting the input's bindings only).
  const std::vector<rbac::CapabilityHit>& EscalationCapability(const std::vector<rbac::Probe>& probes) const;

  /// The network engine, built on first use. Its diagnostics go to the
  /// sink given to SetDiagnostics (dropped when none was given).
  net::Engine& Net() const;
  /// The AWS network engine over the input's describe-* records (built on
  /// first use).
  awsnet::Engine& AwsNet() const;
  void SetDiagnostics(DiagnosticSink* sink) { net_sink_ = sink; }
  /// The Docker Compose / Swarm engine, built on first use; diagnostics as
  /// for Net().
  compose::Engine& Compose() const;
  /// Encryption in transit of every CNI and overlay network in the input.
  const std::vector<overlay::Status>& Encryption() const;

  /// The IAM analysis (subjects, effective permissions, assume-role
  /// graph), built on first use; diagnostics as for Net().
  iam::Analysis& Iam() const;

  /// The shared access graph (engine/graph_publish.h): every engine's
  /// edges and the cross-domain joins, built on first use and frozen;
  /// diagnostics as for Net().
  const AccessGraph& Access() const;

 private:
  const Model& model_;
  const rbac::Engine& rbac_;
  AnalysisOptions options_;
  std::set<SubjectKey> cluster_admins_;
  mutable std::map<const void*, std::vector<rbac::CapabilityHit>> capability_cache_;
  mutable std::map<const void*, std::vector<rbac::CapabilityHit>> escalation_capability_cache_;
  DiagnosticSink* net_sink_ = nullptr;
  mutable CollectingSink dropped_;
  mutable std::unique_ptr<net::Engine> net_;
  mutable std::unique_ptr<awsnet::Engine> aws_net_;
  mutable std::unique_ptr<compose::Engine> compose_;
  mutable std::unique_ptr<std::vector<overlay::Status>> encryption_;
  mutable std::unique_ptr<iam::Analysis> iam_;
  mutable std::unique_ptr<AccessGraph> access_;
};

}  // namespace grantpath

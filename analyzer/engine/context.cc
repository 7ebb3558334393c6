#include "engine/context.h"

#include "engine/graph_publish.h"

#include "engine/rbac_capability.h"

namespace grantpath {

AnalysisContext::AnalysisContext(const Model& model, const rbac::Engine& rbac,
                                 AnalysisOptions options)
    : model_(model), rbac_(rbac), options_(std::move(options)) {
  for (const auto& hit : Capability(rbac::ClusterAdminProbes()))
    cluster_admins_.insert(hit.who);
}

const std::vector<rbac::CapabilityHit>& AnalysisContext::Capability(
    const std::vector<rbac::Probe>& probes) const {
  auto it = capability_cache_.find(&probes);
  if (it == capability_cache_.end())
    it = capability_cache_.emplace(&probes, rbac::FindCapability(rbac_, probes)).first;
  return it->second;
}

const std::vector<rbac::CapabilityHit>& AnalysisContext::EscalationCapability(
    const std::vector<rbac::Probe>& probes) const {
  auto it = escalation_capability_cache_.find(&probes);
  if (it != escalation_capability_cache_.end()) return it->second;
  std::vector<rbac::CapabilityHit> hits = Capability(probes);
  auto controller = [](const k8s::Binding& b) {
    return b.builtin && b.role_ref.name.rfind("system:controller:", 0) == 0;
  };
  for (auto& h : rbac::FindCapability(rbac_, probes, /*include_builtin=*/true, controller)) hits.push_back(std::move(h));
  return escalation_capability_cache_.emplace(&probes, std::move(hits)).first->second;
}

iam::Analysis& AnalysisContext::Iam() const {
  if (!iam_) {
    iam_ = std::make_unique<iam::Analysis>(model_, net_sink_ ? *net_sink_ : dropped_);
    iam_->SetSolverLimits(options_.solver);
  }
  return *iam_;
}

net::Engine& AnalysisContext::Net() const {
  if (!net_) net_ = std::make_unique<net::Engine>(model_, net_sink_ ? *net_sink_ : dropped_, options_.net);
  return *net_;
}

awsnet::Engine& AnalysisContext::AwsNet() const {
  if (!aws_net_) aws_net_ = std::make_unique<awsnet::Engine>(model_);
  return *aws_net_;
}

compose::Engine& AnalysisContext::Compose() const {
  if (!compose_) compose_ = std::make_unique<compose::Engine>(model_, net_sink_ ? *net_sink_ : dropped_);
  return *compose_;
}

const std::vector<overlay::Status>& AnalysisContext::Encryption() const {
  if (!encryption_) encryption_ = std::make_unique<std::vector<overlay::Status>>(overlay::EncryptionReport(model_));
  return *encryption_;
}

std::vector<std::uint32_t> AnalysisContext::TokenWorkloads(const SubjectKey& s) const {
  std::vector<std::uint32_t> out;
  auto add_sa = [&](const SubjectKey& sa) {
    for (std::uint32_t w : rbac_.WorkloadsOf(sa))
      if (rbac_.TokenMounted(w)) out.push_back(w);
  };
  if (s.kind == "ServiceAccount") {
    add_sa(s);
  } else if (s.kind == "Group") {
    const std::string prefix = "system:serviceaccounts:";
    if (s.name == "system:serviceaccounts" || s.name == "system:authenticated") {
      for (const auto& sa : rbac_.AllServiceAccounts()) add_sa(sa);
    } else if (s.name.rfind(prefix, 0) == 0) {
      for (const auto& sa : rbac_.ServiceAccountsIn(s.name.substr(prefix.size()))) add_sa(sa);
    }
  }
  return out;
}

}  // namespace grantpath

namespace grantpath {

const AccessGraph& AnalysisContext::Access() const {
  if (!access_) access_ = std::make_unique<AccessGraph>(BuildAccessGraph(*this, net_sink_ ? *net_sink_ : dropped_));
  return *access_;
}

}  // namespace grantpath

// rbac-default-sa-permissions: see docs/rules/rbac-default-sa-permissions.md
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "rbac-default-sa-permissions", "Default service account carries permissions", Severity::kMedium,
    "A binding grants a role to a namespace's `default` service account. Every pod of the "
    "namespace that names no service account runs as `default` and mounts its token, so the "
    "permissions reach workloads nobody meant to grant them to.",
    "Create a dedicated service account for the workload that needs the permissions, bind the role "
    "to it, and set automountServiceAccountToken: false on the default service account."};

class DefaultSa final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    for (std::uint32_t bi = 0; bi < m.k8s_bindings.size(); ++bi) {
      const auto& b = m.k8s_bindings[bi];
      auto role = ctx.rbac().BoundRole(bi);
      if (b.builtin || !role || ctx.rbac().EffectiveRules(*role).empty()) continue;
      for (std::uint32_t si = 0; si < b.subjects.size(); ++si) {
        auto who = ctx.rbac().SubjectOf(b, b.subjects[si]);
        if (!who || who->kind != "ServiceAccount" || who->name != "default") continue;
        Finding f;
        f.rule = &kInfo;
        f.severity = kInfo.severity;
        f.primary = b.subjects[si].where;
        f.message = BindingName(b) + " grants " + RoleName(m.k8s_roles[*role]) + " to " +
                    who->Display();
        f.entity = std::string(kInfo.id) + "|" + BindingName(b) + "|" + who->Display();
        rbac::CapabilityHit hit{bi, si, *who, {}, {}};
        AddBindingChain(ctx, hit, &f);
        f.witness.kind = "k8s-subject";
        f.witness.Add("subject", who->Display());
        f.witness.Add("binding", BindingName(b));
        f.witness.Add("role", RoleName(m.k8s_roles[*role]));
        AddTokenWorkloads(ctx, *who, &f);
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacDefaultSaPermissions() { return std::make_unique<DefaultSa>(); }

}  // namespace grantpath::rules

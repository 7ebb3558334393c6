// rbac-anonymous-binding: see docs/rules/rbac-anonymous-binding.md
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "rbac-anonymous-binding", "Binding grants permissions to anonymous or all authenticated users",
    Severity::kCritical,
    "A binding names system:anonymous, system:unauthenticated or system:authenticated. The first "
    "two are anyone who can reach the API server without credentials; the last is every user and "
    "every service account of every namespace. Whatever the role grants, they all hold.",
    "Bind the role to the specific users, groups or service accounts that need it. Kubernetes' own "
    "default bindings for these groups are not reported."};

class AnonymousBinding final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    for (std::uint32_t bi = 0; bi < m.k8s_bindings.size(); ++bi) {
      const auto& b = m.k8s_bindings[bi];
      auto role = ctx.rbac().BoundRole(bi);
      if (b.builtin || !role || ctx.rbac().EffectiveRules(*role).empty()) continue;
      for (std::uint32_t si = 0; si < b.subjects.size(); ++si) {
        const auto& s = b.subjects[si];
        bool anon = (s.kind == "User" && s.name == "system:anonymous") ||
                    (s.kind == "Group" && s.name == "system:unauthenticated");
        bool all_users = s.kind == "Group" && s.name == "system:authenticated";
        if (!anon && !all_users) continue;
        Finding f;
        f.rule = &kInfo;
        f.severity = anon ? Severity::kCritical : Severity::kHigh;
        f.primary = s.where;
        const auto& r = m.k8s_roles[*role];
        f.message = BindingName(b) + " grants " + RoleName(r) + " to " + s.kind + " '" + s.name +
                    "' (" + (anon ? "anyone, without credentials" : "every authenticated user and service account") +
                    ")" + (b.cluster ? " cluster-wide" : " in namespace '" + b.meta.ns + "'");
        f.entity = std::string(kInfo.id) + "|" + BindingName(b) + "|" + s.name;
        rbac::CapabilityHit hit{bi, si, SubjectKey{s.kind, "", s.name}, {},
                                {}};
        AddBindingChain(ctx, hit, &f);
        f.witness.kind = "k8s-subject";
        f.witness.Add("subject", s.kind + " '" + s.name + "'");
        f.witness.Add("binding", BindingName(b));
        f.witness.Add("role", RoleName(r));
        f.witness.Add("rules", std::to_string(ctx.rbac().EffectiveRules(*role).size()));
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacAnonymousBinding() { return std::make_unique<AnonymousBinding>(); }

}  // namespace grantpath::rules

// rbac-dangling-role-ref: see docs/rules/rbac-dangling-role-ref.md
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "rbac-dangling-role-ref", "Binding references a role that does not exist", Severity::kLow,
    "A RoleBinding or ClusterRoleBinding references a Role or ClusterRole that is not in the "
    "input (a RoleBinding's Role must be in the binding's own namespace). It grants nothing "
    "today, but whoever later creates a role of that name grants its rules to the binding's "
    "subjects.",
    "Delete the binding, or fix roleRef to name the intended role. When the input is partial, add "
    "the missing role's manifest to the scan."};

class DanglingRoleRef final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    for (std::uint32_t bi = 0; bi < m.k8s_bindings.size(); ++bi) {
      const auto& b = m.k8s_bindings[bi];
      if (b.builtin || ctx.rbac().BoundRole(bi)) continue;
      Finding f;
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = b.role_ref.where;
      f.message = BindingName(b) + " references " + b.role_ref.kind + " '" +
                  (b.role_ref.kind == "Role" ? b.meta.ns + "/" : "") + b.role_ref.name +
                  "', which is not in the input; it grants nothing until that " +
                  b.role_ref.kind + " exists";
      f.entity = std::string(kInfo.id) + "|" + BindingName(b);
      f.witness.kind = "k8s-reference";
      f.witness.Add("binding", BindingName(b));
      f.witness.Add("roleRef", b.role_ref.kind + "/" + b.role_ref.name);
      f.related.push_back({b.meta.where, BindingName(b)});
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacDanglingRoleRef() { return std::make_unique<DanglingRoleRef>(); }

}  // namespace grantpath::rules

// rbac-wildcard-rule: see docs/rules/rbac-wildcard-rule.md
#include <set>

#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "rbac-wildcard-rule", "Role rule uses wildcards", Severity::kMedium,
    "A rule of a Role or ClusterRole grants '*' verbs, resources or API groups. Wildcards grant "
    "every present and future resource and verb, including subresources such as pods/exec and "
    "verbs such as escalate and impersonate, so the role's reach grows with the cluster.",
    "List the verbs, API groups and resources the role needs explicitly."};

class WildcardRule final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    // The API groups the input defines through CustomResourceDefinitions
    // (a CRD is named PLURAL.GROUP).
    std::set<std::string> crd_groups;
    for (const auto& o : m.k8s_other)
      if (o.kind == "CustomResourceDefinition")
        if (auto dot = o.meta.name.find('.'); dot != std::string::npos) crd_groups.insert(o.meta.name.substr(dot + 1));
    for (std::size_t i = 0; i < m.k8s_roles.size(); ++i) {
      const auto& role = m.k8s_roles[i];
      if (role.builtin) continue;
      for (std::size_t j = 0; j < role.rules.size(); ++j) {
        const auto& rule = role.rules[j];
        std::vector<std::string> fields;
        auto star = [](const std::vector<std::string>& v) {
          for (const auto& s : v)
            if (s == "*") return true;
          return false;
        };
        if (star(rule.verbs)) fields.push_back("verbs");
        if (star(rule.api_groups)) fields.push_back("apiGroups");
        if (star(rule.resources)) fields.push_back("resources");
        if (star(rule.non_resource_urls)) fields.push_back("nonResourceURLs");
        if (fields.empty()) continue;
        // A controller's wildcard over its own custom resources (groups
        // that CRDs of the input define, none of them core): info.
        bool own_crds = !rule.api_groups.empty() && !star(rule.api_groups) && rule.non_resource_urls.empty();
        for (const auto& g : rule.api_groups) own_crds = own_crds && crd_groups.count(g) > 0;
        Finding f;
        f.rule = &kInfo;
        f.severity = own_crds ? Severity::kInfo : kInfo.severity;
        f.primary = rule.where;
        std::string list;
        for (const auto& s : fields) list += (list.empty() ? "" : ", ") + s;
        f.message = "rule " + std::to_string(j + 1) + " of " + RoleName(role) +
                    " grants '*' in " + list;
        if (own_crds) f.message += ", only over custom resources that CustomResourceDefinitions of the input define";
        f.entity = std::string(kInfo.id) + "|" + RoleName(role) + "|" + std::to_string(j);
        f.witness.kind = "k8s-rule";
        f.witness.Add("role", RoleName(role));
        f.witness.Add("rule", std::to_string(j + 1));
        f.witness.Add("wildcards", list);
        f.related.push_back({role.meta.where, RoleName(role)});
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacWildcardRule() { return std::make_unique<WildcardRule>(); }

}  // namespace grantpath::rules

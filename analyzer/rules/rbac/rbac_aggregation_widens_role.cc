// rbac-aggregation-widens-role: see docs/rules/rbac-aggregation-widens-role.md
#include <set>

#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "rbac-aggregation-widens-role", "ClusterRole is aggregated into another role", Severity::kMedium,
    "A ClusterRole carries labels that an aggregated ClusterRole selects (for example "
    "rbac.authorization.k8s.io/aggregate-to-edit): the aggregation controller adds its rules to "
    "that role, so every subject bound to it (to edit, admin or view in every namespace) gains "
    "them. Adding a label silently widens many grants at once.",
    "Remove the aggregation label, or check that every subject bound to the aggregating role "
    "should hold these rules."};

// Whether a rule grants more than reading ordinary objects: any write verb,
// or any access to secrets, exec/attach/port-forward, the node proxy or
// service account tokens. Read-only custom resources added to `view` are
// what aggregation is for.
bool CarriesCapability(const k8s::PolicyRule& r) {
  static const std::set<std::string> kRead = {"get", "list", "watch"};
  for (const auto& v : r.verbs)
    if (!kRead.count(v)) return true;
  static const std::set<std::string> kSensitive = {"*", "secrets", "pods/exec", "pods/attach", "pods/portforward",
                                                   "pods/*", "nodes/proxy", "nodes/*", "serviceaccounts/token",
                                                   "serviceaccounts/*", "*/*"};
  for (const auto& res : r.resources)
    if (kSensitive.count(res)) return true;
  return false;  // reading non-resource URLs or ordinary objects
}

class AggregationWidens final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    const auto& eng = ctx.rbac();
    for (std::uint32_t ri = 0; ri < m.k8s_roles.size(); ++ri) {
      const auto& role = m.k8s_roles[ri];
      if (role.builtin || role.rules.empty()) continue;
      std::vector<std::size_t> capable;
      for (std::size_t j = 0; j < role.rules.size(); ++j)
        if (CarriesCapability(role.rules[j])) capable.push_back(j);
      if (capable.empty()) continue;  // read-only additions
      // Every aggregator that (transitively) receives this role's rules.
      std::set<std::uint32_t> into;
      std::vector<std::uint32_t> todo(eng.AggregatedInto(ri).begin(), eng.AggregatedInto(ri).end());
      while (!todo.empty()) {
        std::uint32_t a = todo.back();
        todo.pop_back();
        if (!into.insert(a).second) continue;
        for (auto next : eng.AggregatedInto(a)) todo.push_back(next);
      }
      if (into.empty()) continue;
      std::size_t bindings = 0;
      Finding f;
      for (std::uint32_t bi = 0; bi < m.k8s_bindings.size(); ++bi) {
        auto br = eng.BoundRole(bi);
        if (!br || !into.count(*br)) continue;
        ++bindings;
        const auto& b = m.k8s_bindings[bi];
        if (!b.builtin)
          f.related.push_back({b.role_ref.where, BindingName(b) + " now also grants these rules"});
      }
      std::string names;
      for (auto a : into) names += (names.empty() ? "" : ", ") + RoleName(m.k8s_roles[a]);
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = role.meta.name_where;
      f.message = RoleName(role) + " is aggregated into " + names + ", adding " + std::to_string(capable.size()) +
                  " rule(s) that write or reach secrets, exec or tokens to " + std::to_string(bindings) +
                  " binding(s) of those roles";
      f.entity = std::string(kInfo.id) + "|" + RoleName(role);
      f.witness.kind = "k8s-aggregation";
      f.witness.Add("role", RoleName(role));
      f.witness.Add("aggregatedInto", names);
      f.witness.Add("bindingsAffected", std::to_string(bindings));
      for (std::size_t j : capable)
        f.related.push_back({role.rules[j].where, "rule " + std::to_string(j + 1) + " added"});
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacAggregationWidensRole() {
  return std::make_unique<AggregationWidens>();
}

}  // namespace grantpath::rules

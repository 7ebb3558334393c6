// rbac-aggregation-widens-role: see docs/rules/rbac-aggregation-widens-role.md
#include <algorithm>
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

bool Has(const std::vector<std::string>& v, const char* x) {
  for (const auto& e : v)
    if (e == x) return true;
  return false;
}

// What a rule grants beyond reading ordinary objects, in words: writes,
// and access to secrets, exec/attach/port-forward, the node proxy or
// service account tokens (core resources: only through the "" or "*"
// group). Writes to Flux Kustomizations and HelmReleases and to Argo CD
// Applications are named, since their controllers apply them with their own
// accounts. Empty: read-only custom resources added to `view`, which is
// what aggregation is for.
std::vector<std::string> Capabilities(const k8s::PolicyRule& r) {
  std::vector<std::string> out;
  static const std::set<std::string> kRead = {"get", "list", "watch"};
  bool writes = false;
  for (const auto& v : r.verbs) writes |= !kRead.count(v);
  bool core = Has(r.api_groups, "") || Has(r.api_groups, "*");
  static const std::set<std::string> kSensitive = {"*", "secrets", "pods/exec", "pods/attach", "pods/portforward",
                                                   "pods/*", "nodes/proxy", "nodes/*", "serviceaccounts/token",
                                                   "serviceaccounts/*", "*/*"};
  bool sensitive = false;
  for (const auto& res : r.resources) sensitive |= core && kSensitive.count(res) > 0;
  if (sensitive) out.push_back("reach secrets, exec or tokens");
  auto custom = [&](const char* group, std::initializer_list<const char*> kinds, const std::string& what) {
    // Named only where the rule names the group: a '*' group does not say
    // that Flux or Argo CD is installed.
    if (!writes || !Has(r.api_groups, group)) return;
    for (const auto& res : r.resources)
      for (const char* k : kinds)
        if (res == k || res == "*") {
          out.push_back(what);
          return;
        }
  };
  custom("kustomize.toolkit.fluxcd.io", {"kustomizations"},
         "create or change Flux Kustomizations, which kustomize-controller applies as their serviceAccountName or "
         "else as its own account");
  custom("helm.toolkit.fluxcd.io", {"helmreleases"},
         "create or change Flux HelmReleases, which helm-controller applies as their serviceAccountName or else as "
         "its own account");
  custom("argoproj.io", {"applications", "applicationsets"},
         "create or change Argo CD Applications, which the application controller syncs as its own account");
  if (writes && out.empty()) out.push_back("write objects");
  return out;
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
      std::vector<std::string> what;
      for (std::size_t j = 0; j < role.rules.size(); ++j) {
        auto caps = Capabilities(role.rules[j]);
        if (!caps.empty()) capable.push_back(j);
        for (auto& c : caps)
          if (std::find(what.begin(), what.end(), c) == what.end()) what.push_back(std::move(c));
      }
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
      std::string what_text;
      for (const auto& w : what) what_text += (what_text.empty() ? "" : "; ") + w;
      std::string names;
      for (auto a : into) names += (names.empty() ? "" : ", ") + RoleName(m.k8s_roles[a]);
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = role.meta.name_where;
      f.message = RoleName(role) + " is aggregated into " + names + ", adding " + std::to_string(capable.size()) +
                  " rule(s) to " + std::to_string(bindings) + " binding(s) of those roles: they " + what_text;
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

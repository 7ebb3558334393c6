#include "engine/rbac.h"

#include <algorithm>
#include <set>

namespace grantpath::rbac {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string BindingName(const k8s::Binding& b) {
  return b.cluster ? "ClusterRoleBinding '" + b.meta.name + "'"
                   : "RoleBinding '" + b.meta.ns + "/" + b.meta.name + "'";
}

std::string RoleName(const k8s::Role& r) {
  return r.cluster ? "ClusterRole '" + r.meta.name + "'"
                   : "Role '" + r.meta.ns + "/" + r.meta.name + "'";
}

std::string WorkloadName(const k8s::Workload& w) {
  return w.kind + " '" + w.meta.ns + "/" + w.meta.name + "'";
}

std::string Request::Describe() const {
  if (!resource_request) return verb + " " + path;
  std::string out = verb + " " + resource;
  if (!subresource.empty()) out += "/" + subresource;
  if (!api_group.empty()) out += " (" + api_group + ")";
  if (!name.empty()) out += " '" + name + "'";
  out += ns.empty() ? " cluster-wide" : " in namespace '" + ns + "'";
  return out;
}

UserInfo UserInfoFor(const SubjectKey& s, const std::vector<std::string>& extra_groups) {
  UserInfo u;
  u.name = s.Username();
  if (s.kind == "ServiceAccount") {
    u.groups = {"system:serviceaccounts", "system:serviceaccounts:" + s.ns, "system:authenticated"};
  } else if (s.kind == "User") {
    u.groups.push_back(s.name == "system:anonymous" ? "system:unauthenticated"
                                                    : "system:authenticated");
  } else {  // a group: the identity of "some member of the group"
    u.name.clear();
    u.groups.push_back(s.name);
  }
  for (const auto& g : extra_groups)
    if (!Has(u.groups, g)) u.groups.push_back(g);
  return u;
}

bool VerbMatches(const k8s::PolicyRule& rule, const std::string& verb) {
  for (const auto& v : rule.verbs)
    if (v == "*" || v == verb) return true;
  return false;
}

bool ApiGroupMatches(const k8s::PolicyRule& rule, const std::string& group) {
  for (const auto& g : rule.api_groups)
    if (g == "*" || g == group) return true;
  return false;
}

bool ResourceMatches(const k8s::PolicyRule& rule, const std::string& combined,
                     const std::string& subresource) {
  for (const auto& r : rule.resources) {
    if (r == "*" || r == combined) return true;
    if (subresource.empty()) continue;
    // "*/sub" matches that subresource of every resource. "pods/*" is not a
    // wildcard: it only matches a request for the literal subresource "*".
    if (r.size() == subresource.size() + 2 && r.compare(0, 2, "*/") == 0 &&
        r.compare(2, std::string::npos, subresource) == 0)
      return true;
  }
  return false;
}

bool ResourceNameMatches(const k8s::PolicyRule& rule, const std::string& name) {
  if (rule.resource_names.empty()) return true;
  return Has(rule.resource_names, name);
}

bool NonResourceUrlMatches(const k8s::PolicyRule& rule, const std::string& url) {
  for (const auto& u : rule.non_resource_urls) {
    if (u == "*" || u == url) return true;
    if (!u.empty() && u.back() == '*') {
      std::size_t end = u.find_last_not_of('*');  // strings.TrimRight(u, "*")
      std::string prefix = end == std::string::npos ? "" : u.substr(0, end + 1);
      if (url.compare(0, prefix.size(), prefix) == 0) return true;
    }
  }
  return false;
}

bool RuleAllows(const k8s::PolicyRule& rule, const Request& req) {
  if (req.resource_request) {
    std::string combined = req.subresource.empty() ? req.resource
                                                   : req.resource + "/" + req.subresource;
    return VerbMatches(rule, req.verb) && ApiGroupMatches(rule, req.api_group) &&
           ResourceMatches(rule, combined, req.subresource) &&
           ResourceNameMatches(rule, req.name);
  }
  return VerbMatches(rule, req.verb) && NonResourceUrlMatches(rule, req.path);
}

Engine::Engine(const Model& model) : model_(model) {
  Aggregate();
  ResolveBindings();
  IndexWorkloads();
}

void Engine::Aggregate() {
  const auto& roles = model_.k8s_roles;
  effective_.assign(roles.size(), {});
  aggregated_into_.assign(roles.size(), {});
  std::vector<std::uint32_t> aggregators;
  for (std::uint32_t i = 0; i < roles.size(); ++i) {
    if (roles[i].cluster && roles[i].aggregated) {
      aggregators.push_back(i);
    } else {
      for (std::uint32_t j = 0; j < roles[i].rules.size(); ++j) effective_[i].push_back({i, j});
    }
  }
  // Which ClusterRoles each aggregator selects (itself apart: see below).
  std::vector<std::vector<std::uint32_t>> selects(roles.size());
  std::vector<bool> in_cycle(roles.size(), false);
  for (std::uint32_t a : aggregators) {
    for (const auto& sel : roles[a].aggregation_selectors)
      if (sel.Matches(roles[a].meta.labels)) in_cycle[a] = true;
    for (std::uint32_t j = 0; j < roles.size(); ++j) {
      if (j == a || !roles[j].cluster) continue;
      for (const auto& sel : roles[a].aggregation_selectors) {
        // A selector with no requirements selects every ClusterRole, as
        // metav1.LabelSelectorAsSelector does for an empty selector.
        if (sel.Matches(roles[j].meta.labels)) {
          selects[a].push_back(j);
          aggregated_into_[j].push_back(a);
          break;
        }
      }
    }
  }
  // Aggregated roles that reach themselves through selected aggregated
  // roles are in a cycle.
  for (std::uint32_t a : aggregators) {
    if (in_cycle[a]) continue;
    std::vector<std::uint32_t> stack(selects[a].begin(), selects[a].end());
    std::set<std::uint32_t> seen;
    while (!stack.empty() && !in_cycle[a]) {
      std::uint32_t j = stack.back();
      stack.pop_back();
      if (!roles[j].aggregated || !seen.insert(j).second) continue;
      if (j == a) in_cycle[a] = true;
      stack.insert(stack.end(), selects[j].begin(), selects[j].end());
    }
  }
  // The controller copies the current rules of selected roles, which for
  // an aggregated role are its own aggregated rules: iterate to a fixpoint,
  // from the stored rules for roles in a cycle.
  std::vector<std::set<RuleRef>> acc(roles.size());
  for (std::uint32_t a : aggregators) {
    if (!in_cycle[a]) continue;
    for (std::uint32_t j = 0; j < roles[a].rules.size(); ++j) acc[a].insert({a, j});
    diagnostics_.push_back(Diagnostic{
        DiagLevel::kWarning, "aggregation-cycle",
        "ClusterRole '" + roles[a].meta.name +
            "' is in an aggregation cycle (its clusterRoleSelectors reach itself): the rules the "
            "controller converges to depend on its order, so its stored rules are kept as well",
        roles[a].meta.where});
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t a : aggregators) {
      std::size_t before = acc[a].size();
      for (std::uint32_t j : selects[a]) {
        if (roles[j].aggregated) acc[a].insert(acc[j].begin(), acc[j].end());
        else acc[a].insert(effective_[j].begin(), effective_[j].end());
      }
      changed |= acc[a].size() != before;
    }
  }
  for (std::uint32_t a : aggregators) effective_[a].assign(acc[a].begin(), acc[a].end());
}

void Engine::ResolveBindings() {
  std::map<std::pair<std::string, std::string>, std::uint32_t> role_index;  // (ns, name)
  std::map<std::string, std::uint32_t> cluster_role_index;
  for (std::uint32_t i = 0; i < model_.k8s_roles.size(); ++i) {
    const auto& r = model_.k8s_roles[i];
    if (r.cluster) cluster_role_index.emplace(r.meta.name, i);
    else role_index.emplace(std::make_pair(r.meta.ns, r.meta.name), i);
  }
  binding_role_.assign(model_.k8s_bindings.size(), std::nullopt);
  for (std::uint32_t i = 0; i < model_.k8s_bindings.size(); ++i) {
    const auto& b = model_.k8s_bindings[i];
    if (b.cluster) clusterrolebindings_.push_back(i);
    else rolebindings_by_ns_[b.meta.ns].push_back(i);
    const auto& ref = b.role_ref;
    if (ref.kind == "ClusterRole") {
      auto it = cluster_role_index.find(ref.name);
      if (it != cluster_role_index.end()) binding_role_[i] = it->second;
    } else {
      auto it = role_index.find({b.meta.ns, ref.name});
      if (it != role_index.end()) binding_role_[i] = it->second;
    }
  }
}

void Engine::IndexWorkloads() {
  std::set<SubjectKey> sas;
  for (std::uint32_t i = 0; i < model_.k8s_service_accounts.size(); ++i) {
    const auto& sa = model_.k8s_service_accounts[i];
    SubjectKey k{"ServiceAccount", sa.meta.ns, sa.meta.name};
    sa_records_.emplace(k, i);
    sas.insert(k);
  }
  for (std::uint32_t i = 0; i < model_.k8s_workloads.size(); ++i) {
    const auto& w = model_.k8s_workloads[i];
    SubjectKey k{"ServiceAccount", w.meta.ns, w.service_account};
    workloads_by_sa_[k].push_back(i);
    sas.insert(k);
  }
  for (const auto& b : model_.k8s_bindings)
    for (const auto& s : b.subjects)
      if (auto key = SubjectOf(b, s); key && key->kind == "ServiceAccount") sas.insert(*key);
  all_sas_.assign(sas.begin(), sas.end());
  for (const auto& sa : all_sas_) sas_by_ns_[sa.ns].push_back(sa);
}

std::optional<SubjectKey> Engine::SubjectOf(const k8s::Binding& b, const k8s::Subject& s) const {
  if (s.kind == "ServiceAccount") {
    std::string ns = !s.ns.empty() ? s.ns : (b.cluster ? "" : b.meta.ns);
    if (ns.empty()) return std::nullopt;
    return SubjectKey{"ServiceAccount", ns, s.name};
  }
  if (s.kind == "User" || s.kind == "Group") return SubjectKey{s.kind, "", s.name};
  return std::nullopt;
}

bool Engine::SubjectApplies(const k8s::Binding& b, const k8s::Subject& s,
                            const UserInfo& user) const {
  if (s.kind == "User") return !user.name.empty() && user.name == s.name;
  if (s.kind == "Group") return Has(user.groups, s.name);
  if (s.kind == "ServiceAccount") {
    auto key = SubjectOf(b, s);
    return key && !user.name.empty() && user.name == key->Username();
  }
  return false;
}

std::vector<std::uint32_t> Engine::BindingsFor(const std::string& ns) const {
  std::vector<std::uint32_t> out = clusterrolebindings_;
  if (!ns.empty()) {
    auto it = rolebindings_by_ns_.find(ns);
    if (it != rolebindings_by_ns_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

Decision Engine::Authorize(const UserInfo& user, const Request& req) const {
  Decision d;
  if (Has(user.groups, "system:masters")) {
    // The API server authorizes system:masters before RBAC, whatever the
    // bindings say.
    d.allowed = true;
    Grant g;
    g.superuser = true;
    d.grants.push_back(g);
  }
  for (std::uint32_t bi : BindingsFor(req.ns)) {
    const auto& b = model_.k8s_bindings[bi];
    auto role = binding_role_[bi];
    if (!role) continue;
    for (std::uint32_t si = 0; si < b.subjects.size(); ++si) {
      if (!SubjectApplies(b, b.subjects[si], user)) continue;
      for (const RuleRef& rr : effective_[*role]) {
        if (RuleAllows(RuleOf(rr), req)) {
          d.allowed = true;
          d.grants.push_back(Grant{bi, si, *role, rr, false});
        }
      }
    }
  }
  return d;
}

std::vector<SubjectGrants> Engine::WhoCan(const Request& req, bool all_namespaces,
                                          bool cluster_scoped) const {
  std::vector<std::uint32_t> bindings;
  if (cluster_scoped || !req.resource_request) {
    bindings = clusterrolebindings_;
  } else if (all_namespaces) {
    for (std::uint32_t i = 0; i < model_.k8s_bindings.size(); ++i) bindings.push_back(i);
  } else {
    bindings = BindingsFor(req.ns);
  }
  std::map<SubjectKey, SubjectGrants> by_subject;
  for (std::uint32_t bi : bindings) {
    auto role = binding_role_[bi];
    if (!role) continue;
    std::vector<RuleRef> matching;
    for (const RuleRef& rr : effective_[*role])
      if (RuleAllows(RuleOf(rr), req)) matching.push_back(rr);
    if (matching.empty()) continue;
    const auto& b = model_.k8s_bindings[bi];
    for (std::uint32_t si = 0; si < b.subjects.size(); ++si) {
      auto key = SubjectOf(b, b.subjects[si]);
      if (!key) continue;
      auto& entry = by_subject[*key];
      entry.who = *key;
      for (const RuleRef& rr : matching) entry.grants.push_back(Grant{bi, si, *role, rr, false});
    }
  }
  // Service accounts allowed through their implicit groups.
  std::map<SubjectKey, SubjectGrants> expanded;
  for (const auto& [key, entry] : by_subject) {
    if (key.kind != "Group") continue;
    const std::string prefix = "system:serviceaccounts:";
    for (const auto& sa : all_sas_) {
      bool member = key.name == "system:serviceaccounts" || key.name == "system:authenticated" ||
                    (key.name.rfind(prefix, 0) == 0 && key.name.substr(prefix.size()) == sa.ns);
      if (!member || by_subject.count(sa)) continue;
      auto& e = expanded[sa];
      e.who = sa;
      if (e.via_group.empty()) e.via_group = key.name;
      e.grants.insert(e.grants.end(), entry.grants.begin(), entry.grants.end());
    }
  }
  // Service accounts named directly also hold what their groups hold.
  for (auto& [key, entry] : by_subject) {
    if (key.kind != "ServiceAccount") continue;
    for (const auto& group : UserInfoFor(key).groups) {
      auto it = by_subject.find(SubjectKey{"Group", "", group});
      if (it != by_subject.end())
        entry.grants.insert(entry.grants.end(), it->second.grants.begin(), it->second.grants.end());
    }
  }
  for (auto& [key, e] : expanded) by_subject.emplace(key, std::move(e));
  SubjectGrants masters;
  masters.who = SubjectKey{"Group", "", "system:masters"};
  masters.superuser = true;
  by_subject[masters.who].who = masters.who;
  by_subject[masters.who].superuser = true;
  std::vector<SubjectGrants> out;
  for (auto& [key, e] : by_subject) out.push_back(std::move(e));
  return out;
}

const std::vector<std::uint32_t>& Engine::WorkloadsOf(const SubjectKey& sa) const {
  static const std::vector<std::uint32_t> kNone;
  auto it = workloads_by_sa_.find(sa);
  return it == workloads_by_sa_.end() ? kNone : it->second;
}

const k8s::ServiceAccount* Engine::FindServiceAccount(const SubjectKey& sa) const {
  auto it = sa_records_.find(sa);
  return it == sa_records_.end() ? nullptr : &model_.k8s_service_accounts[it->second];
}

bool Engine::TokenMounted(std::size_t workload) const {
  const auto& w = model_.k8s_workloads[workload];
  if (w.automount_token) return *w.automount_token;
  if (const auto* sa = FindServiceAccount({"ServiceAccount", w.meta.ns, w.service_account}))
    if (sa->automount_token) return *sa->automount_token;
  return true;
}

const std::vector<SubjectKey>& Engine::ServiceAccountsIn(const std::string& ns) const {
  static const std::vector<SubjectKey> kNone;
  auto it = sas_by_ns_.find(ns);
  return it == sas_by_ns_.end() ? kNone : it->second;
}

Permissions PermissionsOf(const Engine& e, const UserInfo& user) {
  const Model& m = e.model();
  Permissions by_scope;
  for (std::uint32_t bi = 0; bi < m.k8s_bindings.size(); ++bi) {
    const auto& b = m.k8s_bindings[bi];
    auto role = e.BoundRole(bi);
    if (!role) continue;
    for (std::uint32_t si = 0; si < b.subjects.size(); ++si) {
      if (!e.SubjectApplies(b, b.subjects[si], user)) continue;
      for (const auto& rr : e.EffectiveRules(*role))
        by_scope[b.cluster ? "" : b.meta.ns][rr].push_back(Grant{bi, si, *role, rr, false});
    }
  }
  return by_scope;
}

}  // namespace grantpath::rbac

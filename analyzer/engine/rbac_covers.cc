#include "engine/rbac_covers.h"

#include <algorithm>

namespace grantpath::rbac {
namespace {

bool Has(const std::vector<std::string>& set, const std::string& s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool HasAll(const std::vector<std::string>& set, const std::vector<std::string>& subset) {
  for (const auto& s : subset)
    if (!Has(set, s)) return false;
  return true;
}

bool ResourceCoversAll(const std::vector<std::string>& set, const std::vector<std::string>& covers) {
  if (Has(set, "*") || HasAll(set, covers)) return true;
  for (const auto& path : covers) {
    if (Has(set, path)) continue;
    auto slash = path.find('/');
    if (slash == std::string::npos) return false;
    if (!Has(set, "*/" + path.substr(slash + 1))) return false;
  }
  return true;
}

bool NonResourceUrlCovers(const std::string& owner, const std::string& sub) {
  if (owner == sub) return true;
  if (owner.empty() || owner.back() != '*') return false;
  std::size_t end = owner.find_last_not_of('*');
  std::string prefix = end == std::string::npos ? "" : owner.substr(0, end + 1);
  return sub.compare(0, prefix.size(), prefix) == 0;
}

bool NonResourceUrlsCoverAll(const std::vector<std::string>& set,
                             const std::vector<std::string>& covers) {
  for (const auto& path : covers) {
    bool covered = false;
    for (const auto& owner : set) covered |= NonResourceUrlCovers(owner, path);
    if (!covered) return false;
  }
  return true;
}

}  // namespace

std::vector<k8s::PolicyRule> BreakdownRule(const k8s::PolicyRule& rule) {
  std::vector<k8s::PolicyRule> out;
  for (const auto& group : rule.api_groups)
    for (const auto& resource : rule.resources)
      for (const auto& verb : rule.verbs) {
        if (!rule.resource_names.empty()) {
          for (const auto& name : rule.resource_names) {
            k8s::PolicyRule a;
            a.api_groups = {group};
            a.resources = {resource};
            a.verbs = {verb};
            a.resource_names = {name};
            a.where = rule.where;
            out.push_back(std::move(a));
          }
        } else {
          k8s::PolicyRule a;
          a.api_groups = {group};
          a.resources = {resource};
          a.verbs = {verb};
          a.where = rule.where;
          out.push_back(std::move(a));
        }
      }
  for (const auto& url : rule.non_resource_urls)
    for (const auto& verb : rule.verbs) {
      k8s::PolicyRule a;
      a.non_resource_urls = {url};
      a.verbs = {verb};
      a.where = rule.where;
      out.push_back(std::move(a));
    }
  return out;
}

bool RuleCovers(const k8s::PolicyRule& owner, const k8s::PolicyRule& atom) {
  bool verbs = Has(owner.verbs, "*") || HasAll(owner.verbs, atom.verbs);
  bool groups = Has(owner.api_groups, "*") || HasAll(owner.api_groups, atom.api_groups);
  bool resources = ResourceCoversAll(owner.resources, atom.resources);
  bool urls = NonResourceUrlsCoverAll(owner.non_resource_urls, atom.non_resource_urls);
  bool names = atom.resource_names.empty()
                   ? owner.resource_names.empty()
                   : owner.resource_names.empty() || HasAll(owner.resource_names, atom.resource_names);
  return verbs && groups && resources && names && urls;
}

bool Covers(const std::vector<k8s::PolicyRule>& owner, const std::vector<k8s::PolicyRule>& servant,
            std::vector<k8s::PolicyRule>* uncovered) {
  bool all = true;
  for (const auto& rule : servant) {
    for (const auto& atom : BreakdownRule(rule)) {
      bool covered = false;
      for (const auto& o : owner) {
        if (RuleCovers(o, atom)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        all = false;
        if (uncovered == nullptr) return false;
        uncovered->push_back(atom);
      }
    }
  }
  return all;
}

std::vector<k8s::PolicyRule> RulesFor(const Engine& engine, const UserInfo& user,
                                      const std::string& ns) {
  std::vector<k8s::PolicyRule> out;
  const Model& m = engine.model();
  for (std::uint32_t bi : engine.BindingsFor(ns)) {
    const auto& b = m.k8s_bindings[bi];
    auto role = engine.BoundRole(bi);
    if (!role) continue;
    bool applies = false;
    for (const auto& s : b.subjects) applies |= engine.SubjectApplies(b, s, user);
    if (!applies) continue;
    for (const auto& rr : engine.EffectiveRules(*role)) out.push_back(engine.RuleOf(rr));
  }
  return out;
}

BindDecision CanBind(const Engine& engine, const UserInfo& user, std::size_t role,
                     const std::string& ns) {
  BindDecision d;
  const auto& r = engine.model().k8s_roles[role];
  if (Has(user.groups, "system:masters")) {
    d.allowed = true;
    d.via = "system:masters";
    return d;
  }
  Request bind;
  bind.verb = "bind";
  bind.api_group = "rbac.authorization.k8s.io";
  bind.resource = r.cluster ? "clusterroles" : "roles";
  bind.name = r.meta.name;
  bind.ns = ns;
  Decision bd = engine.Authorize(user, bind);
  if (bd.allowed) {
    d.allowed = true;
    d.via = "bind";
    d.bind_grants = bd.grants;
    return d;
  }
  std::vector<k8s::PolicyRule> servant;
  for (const auto& rr : engine.EffectiveRules(role)) servant.push_back(engine.RuleOf(rr));
  if (Covers(RulesFor(engine, user, ns), servant, &d.uncovered)) {
    d.allowed = true;
    d.via = "covers";
  }
  return d;
}

}  // namespace grantpath::rbac

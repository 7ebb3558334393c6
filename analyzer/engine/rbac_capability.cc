#include "engine/rbac_capability.h"

#include <algorithm>
#include <set>

namespace grantpath::rbac {

Request Probe::ToRequest(const std::string& ns) const {
  Request r;
  if (!non_resource_url.empty()) {
    r.resource_request = false;
    r.verb = std::string(verb);
    r.path = std::string(non_resource_url);
    return r;
  }
  r.verb = std::string(verb);
  r.api_group = std::string(api_group);
  r.resource = std::string(resource);
  r.subresource = std::string(subresource);
  r.name = names == Names::kCollection ? "" : std::string(kAny);
  r.ns = cluster_scoped ? "" : ns;
  return r;
}

std::string Probe::Describe() const {
  auto show = [](std::string_view s) { return s == kAny ? std::string("*") : std::string(s); };
  if (!non_resource_url.empty()) return show(verb) + " " + std::string(non_resource_url);
  std::string out = show(verb) + " " + show(resource);
  if (!subresource.empty()) out += "/" + show(subresource);
  if (api_group == kAny) out += " in all API groups";
  else if (!api_group.empty()) out += "." + std::string(api_group);
  return out;
}

namespace {

// Whether the rule allows the request for at least one object name: a rule
// restricted by resourceNames grants those objects. Copies the rule only in
// that case.
bool AllowsSomeObject(const k8s::PolicyRule& rule, const Request& req) {
  if (rule.resource_names.empty()) return RuleAllows(rule, req);
  k8s::PolicyRule any_name = rule;
  any_name.resource_names.clear();
  return RuleAllows(any_name, req);
}

}  // namespace

std::vector<CapabilityHit> FindCapability(const Engine& engine, const std::vector<Probe>& probes,
                                          bool include_builtin, bool (*keep)(const k8s::Binding&)) {
  const Model& m = engine.model();
  // Per role and binding kind: which probes its effective rules grant, and by which rules.
  struct Profile {
    bool computed = false;
    std::vector<std::uint32_t> probes;
    std::vector<RuleRef> rules;
  };
  std::vector<Profile> profiles[2];
  profiles[0].resize(m.k8s_roles.size());
  profiles[1].resize(m.k8s_roles.size());
  auto profile = [&](std::uint32_t role, bool cluster) -> const Profile& {
    Profile& p = profiles[cluster ? 1 : 0][role];
    if (p.computed) return p;
    p.computed = true;
    std::set<RuleRef> rules;
    for (std::uint32_t i = 0; i < probes.size(); ++i) {
      if (probes[i].cluster_scoped && !cluster) continue;
      Request req = probes[i].ToRequest("ns");
      bool hit = false;
      for (const RuleRef& rr : engine.EffectiveRules(role)) {
        const k8s::PolicyRule& rule = engine.RuleOf(rr);
        bool allows = probes[i].names == Names::kSome ? AllowsSomeObject(rule, req)
                                                      : RuleAllows(rule, req);
        if (allows) {
          hit = true;
          rules.insert(rr);
        }
      }
      if (hit) p.probes.push_back(i);
    }
    p.rules.assign(rules.begin(), rules.end());
    return p;
  };
  std::vector<CapabilityHit> out;
  for (std::uint32_t bi = 0; bi < m.k8s_bindings.size(); ++bi) {
    const auto& b = m.k8s_bindings[bi];
    if (b.builtin && !include_builtin) continue;
    if (keep != nullptr && !keep(b)) continue;
    auto role = engine.BoundRole(bi);
    if (!role) continue;
    const Profile& p = profile(*role, b.cluster);
    if (p.probes.empty()) continue;
    for (std::uint32_t si = 0; si < b.subjects.size(); ++si) {
      auto who = engine.SubjectOf(b, b.subjects[si]);
      if (!who) continue;
      out.push_back(CapabilityHit{bi, si, *who, p.probes, p.rules});
    }
  }
  return out;
}

const std::vector<Probe>& ClusterAdminProbes() {
  static const std::vector<Probe> k{Probe{kAny, kAny, kAny, "", true, Names::kEvery}};
  return k;
}

std::map<SubjectKey, std::vector<CapabilityHit>> BySubject(std::vector<CapabilityHit> hits) {
  std::map<SubjectKey, std::vector<CapabilityHit>> out;
  for (auto& h : hits) out[h.who].push_back(std::move(h));
  return out;
}

}  // namespace grantpath::rbac

#include "rules/rbac/rbac_findings.h"

#include <algorithm>
#include <set>

namespace grantpath::rules {

void AddBindingChain(const AnalysisContext& ctx, const rbac::CapabilityHit& hit, Finding* f) {
  const Model& m = ctx.model();
  const auto& b = m.k8s_bindings[hit.binding];
  f->related.push_back({b.subjects[hit.subject].where, "subject of " + BindingName(b)});
  auto role = ctx.rbac().BoundRole(hit.binding);
  if (role) {
    const auto& r = m.k8s_roles[*role];
    f->related.push_back({b.role_ref.where, BindingName(b) + " references " + RoleName(r)});
  }
  for (const auto& rr : hit.rules) {
    const auto& src = m.k8s_roles[rr.role];
    std::string what = "rule " + std::to_string(rr.rule + 1) + " of " + RoleName(src);
    if (role && rr.role != *role) what += " (aggregated into " + RoleName(m.k8s_roles[*role]) + ")";
    f->related.push_back({src.rules[rr.rule].where, what});
  }
}

void AddTokenWorkloads(const AnalysisContext& ctx, const SubjectKey& s, Finding* f) {
  auto ws = ctx.TokenWorkloads(s);
  if (ws.empty()) return;
  std::vector<std::string> names;
  for (auto w : ws) names.push_back(WorkloadName(ctx.model().k8s_workloads[w]));
  std::sort(names.begin(), names.end());
  f->message += "; its token is mounted in " + names[0];
  if (names.size() > 1) f->message += " and " + std::to_string(names.size() - 1) + " more";
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  f->witness.Add("workloads", all);
  for (auto w : ws) {
    const auto& wl = ctx.model().k8s_workloads[w];
    SourceRange where = wl.service_account_where.known() ? wl.service_account_where : wl.meta.where;
    f->related.push_back({where, WorkloadName(wl) + " runs as this identity with its token mounted"});
  }
}

namespace {

Severity Lower(Severity s) {
  return s == Severity::kInfo ? s : static_cast<Severity>(static_cast<int>(s) - 1);
}

class CapabilityRule final : public Rule {
 public:
  CapabilityRule(const RuleInfo& info, CapabilitySpec spec) : info_(info), spec_(std::move(spec)) {}
  const RuleInfo& info() const override { return info_; }

  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    auto by_subject = rbac::BySubject(ctx.Capability(spec_.probes));
    for (auto& [who, hits] : by_subject) {
      if (!spec_.include_cluster_admins && ctx.IsClusterAdmin(who)) continue;
      std::set<std::uint32_t> granted;
      for (const auto& h : hits) granted.insert(h.probes.begin(), h.probes.end());
      if (spec_.require_all && granted.size() != spec_.probes.size()) continue;
      // resourceNames of every granting rule, when all of them restrict.
      std::set<std::string> names;
      bool restricted = spec_.named_objects;
      for (const auto& h : hits)
        for (const auto& rr : h.rules) {
          const auto& rule = ctx.rbac().RuleOf(rr);
          if (rule.resource_names.empty()) restricted = false;
          names.insert(rule.resource_names.begin(), rule.resource_names.end());
        }
      if (restricted && who.kind == "ServiceAccount" && names == std::set<std::string>{who.name}) {
        bool own_namespace = true;
        for (const auto& h : hits) {
          const auto& b = m.k8s_bindings[h.binding];
          if (b.cluster || b.meta.ns != who.ns) own_namespace = false;
        }
        if (own_namespace) continue;  // it can mint only its own token
      }
      // Deterministic order: by the location of the subject entry.
      std::sort(hits.begin(), hits.end(), [&](const auto& a, const auto& b) {
        return m.k8s_bindings[a.binding].subjects[a.subject].where <
               m.k8s_bindings[b.binding].subjects[b.subject].where;
      });
      bool cluster_wide = false;
      std::set<std::string> namespaces;
      for (const auto& h : hits) {
        const auto& b = m.k8s_bindings[h.binding];
        if (b.cluster) cluster_wide = true;
        else namespaces.insert(b.meta.ns);
      }
      Finding f;
      f.rule = &info_;
      f.severity = cluster_wide ? info_.severity : Lower(info_.severity);
      const auto& first = hits.front();
      const auto& fb = m.k8s_bindings[first.binding];
      f.primary = fb.subjects[first.subject].where;
      std::string scope;
      if (cluster_wide) {
        scope = "cluster-wide";
      } else {
        scope = namespaces.size() == 1 ? "in namespace " : "in namespaces ";
        bool firstns = true;
        for (const auto& ns : namespaces) {
          scope += (firstns ? "'" : ", '") + ns + "'";
          firstns = false;
        }
      }
      f.message = who.Display() + " can " + std::string(spec_.what) + " " + scope + " via " +
                  BindingName(fb);
      if (hits.size() > 1) f.message += " and " + std::to_string(hits.size() - 1) + " more binding" + (hits.size() > 2 ? "s" : "");
      f.entity = std::string(info_.id) + "|" + who.Display();
      // One binding that grants several capabilities to one subject is one
      // finding when grouped (docs/rules: "Grouping").
      std::set<std::string> via;
      for (const auto& h : hits) via.insert(BindingName(m.k8s_bindings[h.binding]));
      f.group_key = "rbac|" + who.Display();
      for (const auto& v : via) f.group_key += "|" + v;
      f.group_label = std::string(spec_.what) + " (" + std::string(info_.id) + ")";
      const rbac::Probe& probe = spec_.probes[first.probes.front()];
      rbac::Request req = probe.ToRequest(fb.cluster ? "" : fb.meta.ns);
      auto show = [](const std::string& s) { return s == rbac::kAny ? std::string("*") : s; };
      f.witness.kind = "k8s-request";
      f.witness.Add("subject", who.Display());
      f.witness.Add("user", who.kind == "Group" ? "(any member of group '" + who.name + "')"
                                                : who.Username());
      if (req.resource_request) {
        f.witness.Add("verb", show(req.verb));
        f.witness.Add("apiGroup", show(req.api_group));
        f.witness.Add("resource", show(req.resource) +
                                      (req.subresource.empty() ? "" : "/" + show(req.subresource)));
        f.witness.Add("namespace", req.ns.empty() ? "*" : req.ns);
        if (!req.name.empty() || restricted) {
          std::string listed;
          for (const auto& n : names) listed += (listed.empty() ? "" : ",") + n;
          f.witness.Add("name", restricted ? listed : "*");
        }
      } else {
        f.witness.Add("verb", show(req.verb));
        f.witness.Add("path", req.path);
      }
      std::string perms;
      for (auto i : granted) perms += (perms.empty() ? "" : ", ") + spec_.probes[i].Describe();
      f.witness.Add("granted", perms);
      for (const auto& h : hits) AddBindingChain(ctx, h, &f);
      AddTokenWorkloads(ctx, who, &f);
      out.Add(std::move(f));
    }
  }

 private:
  const RuleInfo& info_;
  CapabilitySpec spec_;
};

}  // namespace

std::unique_ptr<Rule> MakeCapabilityRule(const RuleInfo& info, CapabilitySpec spec) {
  return std::make_unique<CapabilityRule>(info, std::move(spec));
}

}  // namespace grantpath::rules

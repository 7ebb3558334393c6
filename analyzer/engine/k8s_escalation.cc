#include "engine/k8s_escalation.h"

#include <boost/graph/adjacency_list.hpp>
#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/rbac_probes.h"

namespace grantpath::rbac {

namespace {

// An edge's explanation. Hub -> service account edges are numerous (one
// per account and kind): their text is built only when a path uses them.
struct EdgeInfo {
  std::string text;
  SourceRange where;
  const SubjectKey* sa = nullptr;  // set for hub -> service account edges
  std::int64_t binding = -1;       // the granting binding, named lazily
  std::string Text(const Model& m) const {
    if (binding >= 0) {
      return text + " (" + BindingName(m.k8s_bindings[static_cast<std::size_t>(binding)]) + ")";
    }
    if (sa == nullptr) return text;
    if (text == "create") return "run a pod as " + sa->Display() + " and use its token";
    if (text == "secrets") return "read the token Secret of " + sa->Display() + " (in the input)";
    if (text == "mint")
      return "create a token Secret for " + sa->Display() +
             " (type kubernetes.io/service-account-token) and read the token the control plane writes into it";
    if (text == "flux")
      return "have Flux apply manifests as " + sa->Display() + " (spec.serviceAccountName of a Kustomization or HelmRelease)";
    return "request a token for " + sa->Display();
  }
};

using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                boost::no_property, boost::property<boost::edge_index_t, std::size_t>>;

std::string NsText(const std::string& ns) { return ns.empty() ? "every namespace" : "namespace '" + ns + "'"; }

}  // namespace

struct EscalationGraph::Impl {
  G g;
  std::vector<EdgeInfo> info;              // by edge index
  const Model* model = nullptr;
  std::unordered_map<std::string, std::size_t> ids;  // node key -> vertex
  std::size_t admin = 0;
  std::map<std::string, std::size_t> targets;  // target name -> vertex
  std::vector<G::edge_descriptor> edge_of;            // by edge index

  std::size_t Node(const std::string& key) {
    auto it = ids.find(key);
    if (it != ids.end()) return it->second;
    std::size_t v = boost::add_vertex(g);
    ids.emplace(key, v);
    return v;
  }
  static std::string Key(const SubjectKey& s) { return s.kind + "|" + s.ns + "|" + s.name; }
  std::size_t Subject(const SubjectKey& s) { return Node(Key(s)); }
  void Edge(std::size_t a, std::size_t b, std::string text, SourceRange where,
            const SubjectKey* sa = nullptr, std::int64_t binding = -1) {
    std::size_t idx = info.size();
    auto [e, added] = boost::add_edge(a, b, idx, g);
    (void)added;
    info.push_back({std::move(text), where, sa, binding});
    edge_of.push_back(e);
  }
  // An edge granted by the binding of a capability hit.
  void Granted(std::size_t a, std::size_t b, std::string text, const CapabilityHit& h) {
    Edge(a, b, std::move(text), model->k8s_bindings[h.binding].subjects[h.subject].where, nullptr,
         h.binding);
  }
};

EscalationGraph::EscalationGraph(const AnalysisContext& ctx) : impl_(std::make_shared<Impl>()) {
  Impl& I = *impl_;
  const Model& m = ctx.model();
  const Engine& e = ctx.rbac();
  I.model = &m;
  I.ids.reserve(e.AllServiceAccounts().size() * 2 + 1024);
  I.admin = I.Node("admin");
  auto scope_of = [&](const CapabilityHit& h) {
    const auto& b = m.k8s_bindings[h.binding];
    return b.cluster ? std::string() : b.meta.ns;
  };
  std::set<std::string> namespaces;
  for (const auto& sa : e.AllServiceAccounts()) namespaces.insert(sa.ns);

  // Hub nodes per namespace ("" = every namespace), and what they lead to.
  auto hub = [&](const std::string& kind, const std::string& ns) { return I.Node(kind + "|" + ns); };
  // Kubernetes 1.24 and later create no token Secrets: reading secrets
  // yields a token only where the input has one; reading and creating
  // secrets mints one for any account of the namespace.
  std::map<SubjectKey, SourceRange> token_secret;
  for (const auto& ts : m.k8s_token_secrets)
    token_secret.emplace(SubjectKey{"ServiceAccount", ts.meta.ns, ts.service_account}, ts.meta.where);
  for (const auto& ns : namespaces) {
    for (const char* kind : {"create", "secrets", "mint", "token"}) {
      I.Edge(hub(kind, ""), hub(kind, ns), std::string("in ") + NsText(ns), {});
      std::size_t h = hub(kind, ns);
      for (const auto& sa : e.ServiceAccountsIn(ns)) {
        const auto* rec = e.FindServiceAccount(sa);
        if (std::string(kind) == "secrets") {
          auto it = token_secret.find(sa);
          if (it != token_secret.end()) I.Edge(h, I.Subject(sa), kind, it->second, &sa);
          continue;
        }
        I.Edge(h, I.Subject(sa), kind, rec ? rec->meta.where : SourceRange{}, &sa);
      }
    }
    I.Edge(hub("exec", ""), hub("exec", ns), "in " + NsText(ns), {});
  }
  for (const auto& sa : e.AllServiceAccounts()) {
    for (auto w : e.WorkloadsOf(sa)) {
      if (!e.TokenMounted(w)) continue;
      const auto& wl = m.k8s_workloads[w];
      I.Edge(hub("exec", wl.meta.ns), I.Subject(sa),
             "exec into " + WorkloadName(wl) + " and use the token of " + sa.Display(),
             wl.meta.where);
    }
    for (const auto& g : UserInfoFor(sa).groups)
      I.Edge(I.Subject(sa), I.Subject({"Group", "", g}), "member of group '" + g + "'", {});
  }

  // Direct admin edges first: the BFS prefers the earliest of equal paths.
  for (const auto& h : ctx.EscalationCapability(ClusterAdminProbes()))
    I.Granted(I.Subject(h.who), I.admin, "is cluster-admin equivalent", h);
  I.Edge(I.Subject({"Group", "", "system:masters"}), I.admin, "system:masters is a superuser group", {});
  auto connect = [&](const std::vector<Probe>& probes, const char* kind, const std::string& what) {
    for (const auto& h : ctx.EscalationCapability(probes)) {
      std::string ns = scope_of(h);
      I.Granted(I.Subject(h.who), hub(kind, ns),
             what + (ns.empty() ? std::string() : " in " + NsText(ns)), h);
    }
  };
  connect(probes::WorkloadCreate(), "create", "create pods or pod controllers");
  connect(probes::SecretsRead(), "secrets", "read secrets");
  {
    // Read and create secrets in the same scope: mint a token Secret.
    std::map<SubjectKey, std::set<std::string>> creates;
    for (const auto& h : ctx.EscalationCapability(probes::SecretsCreate())) creates[h.who].insert(scope_of(h));
    for (const auto& h : ctx.EscalationCapability(probes::SecretsRead())) {
      auto c = creates.find(h.who);
      if (c == creates.end()) continue;
      std::string ns = scope_of(h);
      std::set<std::string> where;  // namespaces where it both reads and creates ("" = all)
      if (!ns.empty()) {
        if (c->second.count("") || c->second.count(ns)) where.insert(ns);
      } else {
        where = c->second;
      }
      for (const auto& w : where)
        I.Granted(I.Subject(h.who), hub("mint", w),
                  "read and create secrets" + (w.empty() ? std::string() : " in " + NsText(w)), h);
    }
  }
  connect(probes::PodExec(), "exec", "exec into pods");
  for (const auto& h : ctx.EscalationCapability(probes::NodesProxy()))
    I.Granted(I.Subject(h.who), hub("exec", ""), "proxy to kubelets (nodes/proxy)", h);
  // Token requests: limited to resourceNames when every granting rule has them.
  for (const auto& h : ctx.EscalationCapability(probes::TokenCreate())) {
    std::set<std::string> names;
    bool any = false;
    for (const auto& rr : h.rules) {
      const auto& rule = e.RuleOf(rr);
      if (rule.resource_names.empty()) any = true;
      names.insert(rule.resource_names.begin(), rule.resource_names.end());
    }
    std::string ns = scope_of(h);
    if (any) {
      I.Granted(I.Subject(h.who), hub("token", ns), "create service account tokens", h);
    } else {
      for (const auto& sa : e.AllServiceAccounts())
        if ((ns.empty() || sa.ns == ns) && names.count(sa.name))
          I.Granted(I.Subject(h.who), I.Subject(sa), "request a token for " + sa.Display(), h);
    }
  }
  // Flux (when its controller is in the input): a Kustomization or
  // HelmRelease is applied as its spec.serviceAccountName, any account of
  // its namespace; without one, as the controller's own account unless the
  // controller runs with --default-service-account (multi-tenancy lockdown).
  struct FluxKind {
    const std::vector<Probe>& probes;
    const char* controller;
    const char* object;
  };
  for (const FluxKind& fk : {FluxKind{probes::FluxKustomizationWrite(), "kustomize-controller", "Kustomization"},
                             FluxKind{probes::FluxHelmReleaseWrite(), "helm-controller", "HelmRelease"}}) {
    const auto& hits = ctx.EscalationCapability(fk.probes);
    if (hits.empty()) continue;
    const k8s::Workload* controller = nullptr;
    for (const auto& w : m.k8s_workloads)
      if (w.meta.name == fk.controller && w.kind == "Deployment") controller = &w;
    // Without the controller in the input, nothing says Flux runs here: a
    // wildcard rule over every API group is no Flux step.
    if (!controller) continue;
    bool lockdown = false;
    if (controller)
      for (const auto& c : controller->containers)
        for (const auto& a : c.args) lockdown |= a.rfind("--default-service-account", 0) == 0;
    std::string key = std::string("flux-") + fk.object;
    std::set<std::string> built;
    for (const auto& h : hits) {
      std::string ns = scope_of(h);
      std::size_t hb = hub(key, ns);
      I.Granted(I.Subject(h.who), hb,
                std::string("create or change Flux ") + fk.object + "s" + (ns.empty() ? "" : " in " + NsText(ns)), h);
      if (!built.insert(ns).second) continue;
      for (const auto& sa : e.AllServiceAccounts())
        if (ns.empty() || sa.ns == ns) {
          const auto* rec = e.FindServiceAccount(sa);
          I.Edge(hb, I.Subject(sa), "flux", rec ? rec->meta.where : SourceRange{}, &sa);
        }
      if (controller && !lockdown) {
        SubjectKey csa{"ServiceAccount", controller->meta.ns, controller->service_account};
        I.Edge(hb, I.Subject(csa),
               std::string("have Flux apply a ") + fk.object + " without serviceAccountName: the " + fk.controller +
                   " applies it as its own account " + csa.Display() + " (no --default-service-account flag)",
               controller->meta.where);
      }
    }
  }
  // Argo CD: an Application (or ApplicationSet) is synced by the
  // application controller, as its own account, within what its AppProject
  // allows. A project that allows every cluster-scoped kind and every
  // namespace of this cluster leads to the controller's account; one that
  // lists namespaces leads to creating workloads there. Applications count
  // in the controller's namespace, or in a project's sourceNamespaces.
  // Without an AppProject 'default' in the input, Argo CD's own default
  // project (everything allowed) is assumed.
  if (const auto& hits = ctx.EscalationCapability(probes::ArgoApplicationWrite()); !hits.empty()) {
    const k8s::Workload* controller = nullptr;
    for (const auto& w : m.k8s_workloads)
      if (w.meta.name == "argocd-application-controller" && w.kind != "Pod") controller = &w;
    if (controller) {
      const std::string& home = controller->meta.ns;
      SubjectKey csa{"ServiceAccount", home, controller->service_account};
      std::vector<const k8s::AppProject*> projects;
      bool has_default = false;
      for (const auto& p : m.k8s_app_projects)
        if (p.meta.ns == home) {
          projects.push_back(&p);
          has_default |= p.meta.name == "default";
        }
      auto in_cluster = [](const k8s::AppProject::Destination& d) {
        return d.server == "*" || d.server == "https://kubernetes.default.svc" || d.name == "*" || d.name == "in-cluster";
      };
      auto matches = [](const std::string& pattern, const std::string& v) {
        if (pattern == "*" || pattern == v) return true;
        return !pattern.empty() && pattern.back() == '*' && v.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
      };
      for (const auto& h : hits) {
        std::string ns = scope_of(h);
        auto from_here = [&](const k8s::AppProject* p) {
          if (ns.empty() || ns == home) return true;
          for (const auto& sn : p->source_namespaces)
            if (matches(sn, ns)) return true;
          return false;
        };
        if (!has_default && (ns.empty() || ns == home))
          I.Granted(I.Subject(h.who), I.Subject(csa),
                    "create or change Argo CD Applications in namespace '" + home +
                        "' with the default AppProject (not in the input: Argo CD creates it allowing every "
                        "destination and resource), which " + csa.Display() + " syncs as itself",
                    h);
        for (const auto* p : projects) {
          if (!from_here(p)) continue;
          bool all_kinds = false;
          for (const auto& [g, k] : p->cluster_resources) all_kinds |= g == "*" && k == "*";
          bool everywhere = false;
          std::vector<std::string> namespaces_allowed;
          for (const auto& d : p->destinations) {
            if (!in_cluster(d)) continue;
            if (d.ns == "*") everywhere = true;
            else namespaces_allowed.push_back(d.ns);
          }
          std::string via = "create or change Argo CD Applications of AppProject '" + p->meta.name + "'";
          if (everywhere && all_kinds) {
            I.Granted(I.Subject(h.who), I.Subject(csa),
                      via + ", which allows every cluster-scoped kind and namespace of this cluster: " +
                          csa.Display() + " syncs them as itself",
                      h);
          } else if (everywhere) {
            I.Granted(I.Subject(h.who), hub("create", ""), via + ": it may deploy workloads into every namespace", h);
          } else {
            for (const auto& d : namespaces_allowed)
              if (d.find('*') == std::string::npos)
                I.Granted(I.Subject(h.who), hub("create", d),
                          via + ": it may deploy workloads into namespace '" + d + "'", h);
          }
        }
      }
    }
  }
  // Impersonation: users and groups are cluster-scoped, serviceaccounts namespaced.
  std::set<SubjectKey> users, groups;
  for (const auto& b : m.k8s_bindings)
    for (const auto& s : b.subjects) {
      if (s.kind == "User") users.insert({"User", "", s.name});
      if (s.kind == "Group") groups.insert({"Group", "", s.name});
    }
  groups.insert({"Group", "", "system:masters"});
  for (const auto& h : ctx.EscalationCapability(probes::Impersonate())) {
    for (std::uint32_t p : h.probes) {
      if (p == 0)
        for (const auto& u : users)
          I.Granted(I.Subject(h.who), I.Subject(u), "impersonate " + u.Display(), h);
      if (p == 1)
        for (const auto& g : groups)
          I.Granted(I.Subject(h.who), I.Subject(g), "impersonate " + g.Display(), h);
      if (p == 2) {
        std::string ns = scope_of(h);
        for (const auto& sa : e.AllServiceAccounts())
          if (ns.empty() || sa.ns == ns)
            I.Granted(I.Subject(h.who), I.Subject(sa), "impersonate " + sa.Display(), h);
      }
    }
  }
  // bind + create clusterrolebindings, or escalate + update clusterroles, cluster-wide.
  {
    std::map<SubjectKey, std::set<std::uint32_t>> eb, rw;
    std::map<SubjectKey, CapabilityHit> first;
    for (const auto& h : ctx.EscalationCapability(probes::EscalateBind()))
      if (m.k8s_bindings[h.binding].cluster) {
        eb[h.who].insert(h.probes.begin(), h.probes.end());
        first.emplace(h.who, h);
      }
    for (const auto& h : ctx.EscalationCapability(probes::RbacWrite()))
      rw[h.who].insert(h.probes.begin(), h.probes.end());
    for (const auto& [who, ps] : eb) {
      bool bind = ps.count(3) && rw[who].count(1);
      bool escalate = ps.count(1) && (rw[who].count(2) || rw[who].count(3));
      if (bind || escalate)
        I.Granted(I.Subject(who), I.admin,
                  bind ? "bind cluster-admin with a new ClusterRoleBinding"
                       : "escalate a ClusterRole it can update",
                  first.at(who));
    }
  }

  // bind (any role, no resourceNames) together with create rolebindings in
  // a namespace: a RoleBinding to cluster-admin there makes the subject
  // admin of that namespace, with its pods, secrets and tokens.
  {
    std::map<SubjectKey, std::set<std::string>> can_create_rb;  // "" = every namespace
    for (const auto& h : ctx.EscalationCapability(probes::RbacWrite()))
      for (std::uint32_t p : h.probes)
        if (p == 0) can_create_rb[h.who].insert(scope_of(h));
    for (const auto& ns : namespaces)
      for (const char* kind : {"create", "secrets", "mint", "token", "exec"})
        I.Edge(hub("nsadmin", ns), hub(kind, ns), "as its admin", {});
    for (const char* kind : {"create", "secrets", "mint", "token", "exec"})
      I.Edge(hub("nsadmin", ""), hub(kind, ""), "as their admin", {});
    for (const auto& h : ctx.EscalationCapability(probes::EscalateBind())) {
      bool binds = false;
      for (std::uint32_t p : h.probes) binds |= (p == 2 || p == 3);
      bool unrestricted = false;
      for (const auto& rr : h.rules) {
        const auto& rule = e.RuleOf(rr);
        bool bind_verb = std::find(rule.verbs.begin(), rule.verbs.end(), "bind") != rule.verbs.end() ||
                         std::find(rule.verbs.begin(), rule.verbs.end(), "*") != rule.verbs.end();
        unrestricted |= bind_verb && rule.resource_names.empty();
      }
      if (!binds || !unrestricted) continue;
      std::string ns = scope_of(h);
      auto rb = can_create_rb.find(h.who);
      if (rb == can_create_rb.end()) continue;
      // Where both hold: the bind scope and the rolebinding scope intersect.
      std::set<std::string> where;
      if (ns.empty()) where = rb->second;
      else if (rb->second.count("") || rb->second.count(ns)) where.insert(ns);
      for (const auto& w : where)
        I.Granted(I.Subject(h.who), hub("nsadmin", w),
                  "bind any role with a new RoleBinding in " + NsText(w), h);
    }
  }

  // Escalation targets besides admin: whoever holds the capability
  // cluster-wide, and admin, who holds everything.
  I.targets["admin"] = I.admin;
  for (const auto& name : ctx.options().escalation_targets) {
    const auto* table = probes::ByName(name);
    if (table == nullptr) continue;  // the CLI validates names
    std::size_t t = I.Node("target|" + name);
    I.targets[name] = t;
    I.Edge(I.admin, t, "holds every permission", {});
    // Cluster-wide holders; for a capability that needs all its probes,
    // only subjects whose cluster-wide grants together hold every one.
    std::map<SubjectKey, std::set<std::uint32_t>> held;
    for (const auto& h : ctx.EscalationCapability(*table))
      if (m.k8s_bindings[h.binding].cluster) held[h.who].insert(h.probes.begin(), h.probes.end());
    for (const auto& h : ctx.EscalationCapability(*table)) {
      if (!m.k8s_bindings[h.binding].cluster) continue;
      if (probes::RequiresAll(name) && held[h.who].size() != table->size()) continue;
      I.Granted(I.Subject(h.who), t, "holds " + name + " cluster-wide", h);
    }
  }

}

void EscalationGraph::ForEachEdge(
    const std::function<void(std::size_t, const std::string&, std::size_t, const std::string&, const std::string&,
                             SourceRange)>& fn) const {
  const Impl& I = *impl_;
  std::vector<const std::string*> key_of(boost::num_vertices(I.g), nullptr);
  for (const auto& [key, v] : I.ids) key_of[v] = &key;
  for (std::size_t idx = 0; idx < I.info.size(); ++idx) {
    auto e = I.edge_of[idx];
    std::size_t av = boost::source(e, I.g), bv = boost::target(e, I.g);
    const std::string* a = key_of[av];
    const std::string* b = key_of[bv];
    if (a && b) fn(av, *a, bv, *b, I.info[idx].Text(*I.model), I.info[idx].where);
  }
}

std::size_t EscalationGraph::vertices() const { return boost::num_vertices(impl_->g); }
std::size_t EscalationGraph::edges() const { return boost::num_edges(impl_->g); }

}  // namespace grantpath::rbac

#include <catch2/catch.hpp>

#include "engine/rbac.h"
#include "k8s/bootstrap.h"
#include "loader.h"
#include <set>
#include "test_util.h"

namespace grantpath {
namespace {

using rbac::Request;
using rbac::RuleAllows;

using testing::MakeRule;

Request Res(std::string verb, std::string group, std::string resource, std::string sub = "",
            std::string name = "", std::string ns = "ns") {
  Request r;
  r.verb = std::move(verb);
  r.api_group = std::move(group);
  r.resource = std::move(resource);
  r.subresource = std::move(sub);
  r.name = std::move(name);
  r.ns = std::move(ns);
  return r;
}

TEST_CASE("Verbs: '*' matches every verb; verbs are case-sensitive", "[rbac]") {
  CHECK(RuleAllows(MakeRule({"*"}, {""}, {"pods"}), Res("deletecollection", "", "pods")));
  CHECK(RuleAllows(MakeRule({"get"}, {""}, {"pods"}), Res("get", "", "pods")));
  CHECK_FALSE(RuleAllows(MakeRule({"get"}, {""}, {"pods"}), Res("GET", "", "pods")));
  CHECK_FALSE(RuleAllows(MakeRule({"get"}, {""}, {"pods"}), Res("list", "", "pods")));
}

TEST_CASE("API groups: exact or '*'; the core group is the empty string", "[rbac]") {
  CHECK(RuleAllows(MakeRule({"get"}, {"apps"}, {"deployments"}), Res("get", "apps", "deployments")));
  CHECK_FALSE(RuleAllows(MakeRule({"get"}, {""}, {"deployments"}), Res("get", "apps", "deployments")));
  CHECK(RuleAllows(MakeRule({"get"}, {"*"}, {"deployments"}), Res("get", "apps", "deployments")));
  CHECK_FALSE(RuleAllows(MakeRule({"get"}, {}, {"pods"}), Res("get", "", "pods")));
}

TEST_CASE("Resources and subresources", "[rbac]") {
  SECTION("a resource does not cover its subresources, nor the reverse") {
    CHECK_FALSE(RuleAllows(MakeRule({"*"}, {""}, {"pods"}), Res("create", "", "pods", "exec")));
    CHECK_FALSE(RuleAllows(MakeRule({"*"}, {""}, {"pods/exec"}), Res("create", "", "pods")));
    CHECK(RuleAllows(MakeRule({"*"}, {""}, {"pods/exec"}), Res("create", "", "pods", "exec")));
  }
  SECTION("'*' covers every resource and subresource") {
    CHECK(RuleAllows(MakeRule({"*"}, {""}, {"*"}), Res("create", "", "pods", "exec")));
  }
  SECTION("'*/scale' matches the scale subresource of every resource") {
    auto r = MakeRule({"update"}, {"*"}, {"*/scale"});
    CHECK(RuleAllows(r, Res("update", "apps", "deployments", "scale")));
    CHECK_FALSE(RuleAllows(r, Res("update", "apps", "deployments")));
    CHECK_FALSE(RuleAllows(r, Res("update", "apps", "deployments", "status")));
  }
  SECTION("'pods/*' is not a wildcard: only the literal subresource '*' matches it") {
    auto r = MakeRule({"*"}, {""}, {"pods/*"});
    CHECK_FALSE(RuleAllows(r, Res("create", "", "pods", "exec")));
    CHECK_FALSE(RuleAllows(r, Res("get", "", "pods")));
  }
  SECTION("resources are case-sensitive") {
    CHECK_FALSE(RuleAllows(MakeRule({"get"}, {""}, {"Pods"}), Res("get", "", "pods")));
  }
}

TEST_CASE("resourceNames never matches list/watch/create/deletecollection", "[rbac]") {
  auto r = MakeRule({"*"}, {""}, {"secrets"}, {"tls"});
  CHECK(RuleAllows(r, Res("get", "", "secrets", "", "tls")));
  CHECK(RuleAllows(r, Res("watch", "", "secrets", "", "tls")));  // a watch of one object
  CHECK_FALSE(RuleAllows(r, Res("get", "", "secrets", "", "other")));
  for (const char* verb : {"list", "watch", "create", "deletecollection"}) {
    INFO(verb);
    CHECK_FALSE(RuleAllows(r, Res(verb, "", "secrets")));
  }
}

TEST_CASE("nonResourceURLs: exact, or prefix when ending in '*'", "[rbac]") {
  k8s::PolicyRule r;
  r.verbs = {"get"};
  r.non_resource_urls = {"/healthz", "/metrics/*", "/logs**"};
  auto url = [](std::string p, std::string verb = "get") {
    Request q;
    q.resource_request = false;
    q.verb = std::move(verb);
    q.path = std::move(p);
    return q;
  };
  CHECK(RuleAllows(r, url("/healthz")));
  CHECK_FALSE(RuleAllows(r, url("/healthz/ready")));
  CHECK(RuleAllows(r, url("/metrics/")));
  CHECK(RuleAllows(r, url("/metrics/cadvisor")));
  CHECK_FALSE(RuleAllows(r, url("/metrics")));
  CHECK(RuleAllows(r, url("/logs/kube")));  // every trailing '*' is trimmed
  CHECK_FALSE(RuleAllows(r, url("/healthz", "post")));
  // A resource rule never matches a non-resource request.
  CHECK_FALSE(RuleAllows(MakeRule({"*"}, {"*"}, {"*"}), url("/healthz")));
}

struct Fixture {
  Model m;
  CollectingSink sink;
  explicit Fixture(const std::string& yaml, bool bootstrap = false) {
    testing::LoadString(m, sink, yaml);
    if (bootstrap) parsers::AddK8sBootstrap(m, sink);
  }
};

const char* kBindings = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules:
- {apiGroups: [''], resources: [nodes, pods], verbs: [get]}
- {nonResourceURLs: ['/metrics'], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: dev}
roleRef: {kind: ClusterRole, name: node-reader}
subjects:
- {kind: ServiceAccount, name: app}
- {kind: Group, name: 'system:serviceaccounts:qa'}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {kind: ClusterRole, name: node-reader}
subjects:
- {kind: ServiceAccount, name: nons}
- {kind: User, name: Alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: local, namespace: prod}
rules: [{apiGroups: [''], resources: [configmaps], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cross, namespace: dev}
roleRef: {kind: Role, name: local}
subjects: [{kind: User, name: bob}]
)";

TEST_CASE("RoleBinding to a ClusterRole grants only in its namespace", "[rbac]") {
  Fixture f(kBindings);
  rbac::Engine e(f.m);
  auto app = rbac::UserInfoFor({"ServiceAccount", "dev", "app"});
  CHECK(e.Authorize(app, Res("get", "", "pods", "", "", "dev")).allowed);
  CHECK_FALSE(e.Authorize(app, Res("get", "", "pods", "", "", "prod")).allowed);
  // Cluster-scoped resources and non-resource URLs have no namespace.
  CHECK_FALSE(e.Authorize(app, Res("get", "", "nodes", "", "", "")).allowed);
  Request metrics;
  metrics.resource_request = false;
  metrics.verb = "get";
  metrics.path = "/metrics";
  CHECK_FALSE(e.Authorize(app, metrics).allowed);
}

TEST_CASE("ServiceAccount subjects: namespace defaulting", "[rbac]") {
  Fixture f(kBindings);
  rbac::Engine e(f.m);
  // In a RoleBinding a subject without namespace means the binding's namespace.
  CHECK(e.Authorize(rbac::UserInfoFor({"ServiceAccount", "dev", "app"}),
                    Res("get", "", "pods", "", "", "dev"))
            .allowed);
  CHECK_FALSE(e.Authorize(rbac::UserInfoFor({"ServiceAccount", "other", "app"}),
                          Res("get", "", "pods", "", "", "dev"))
                  .allowed);
  // In a ClusterRoleBinding it matches nothing.
  for (const char* ns : {"", "default", "dev"}) {
    CHECK_FALSE(e.Authorize(rbac::UserInfoFor({"ServiceAccount", ns, "nons"}),
                            Res("get", "", "nodes", "", "", ""))
                    .allowed);
  }
}

TEST_CASE("Implicit groups of service accounts and users", "[rbac]") {
  Fixture f(kBindings);
  rbac::Engine e(f.m);
  auto qa = rbac::UserInfoFor({"ServiceAccount", "qa", "anything"});
  CHECK(qa.groups == std::vector<std::string>{"system:serviceaccounts",
                                              "system:serviceaccounts:qa", "system:authenticated"});
  CHECK(e.Authorize(qa, Res("get", "", "pods", "", "", "dev")).allowed);
  CHECK(rbac::UserInfoFor({"User", "", "alice"}).groups ==
        std::vector<std::string>{"system:authenticated"});
  CHECK(rbac::UserInfoFor({"User", "", "system:anonymous"}).groups ==
        std::vector<std::string>{"system:unauthenticated"});
}

TEST_CASE("User names are case-sensitive", "[rbac]") {
  Fixture f(kBindings);
  rbac::Engine e(f.m);
  CHECK(e.Authorize({"Alice", {}}, Res("get", "", "nodes", "", "", "")).allowed);
  CHECK_FALSE(e.Authorize({"alice", {}}, Res("get", "", "nodes", "", "", "")).allowed);
}

TEST_CASE("A roleRef to a Role of another namespace grants nothing", "[rbac]") {
  Fixture f(kBindings);
  rbac::Engine e(f.m);
  CHECK_FALSE(e.BoundRole(3).has_value());
  CHECK_FALSE(e.Authorize({"bob", {}}, Res("list", "", "configmaps", "", "", "dev")).allowed);
  CHECK_FALSE(e.Authorize({"bob", {}}, Res("list", "", "configmaps", "", "", "prod")).allowed);
}

TEST_CASE("system:masters has every power, even without bindings", "[rbac]") {
  Model m;
  rbac::Engine e(m);
  auto d = e.Authorize({"root", {"system:masters"}}, Res("delete", "", "nodes", "", "x", ""));
  CHECK(d.allowed);
  REQUIRE(d.grants.size() == 1);
  CHECK(d.grants[0].superuser);
}

TEST_CASE("Authorize reports every grant, not only the first", "[rbac]") {
  Fixture f(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
- {apiGroups: [''], resources: [pods], verbs: [get]}
- {apiGroups: ['*'], resources: ['*'], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: u}, {kind: Group, name: g}]
)");
  rbac::Engine e(f.m);
  auto d = e.Authorize({"u", {"g"}}, Res("get", "", "pods"));
  CHECK(d.allowed);
  CHECK(d.grants.size() == 4);  // 2 rules x 2 subject entries
}

TEST_CASE("Aggregation: the union of selected roles, whatever rules: says", "[rbac]") {
  Fixture f(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: top}}]
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mid, labels: {agg: top}}
aggregationRule:
  clusterRoleSelectors: [{matchExpressions: [{key: agg, operator: In, values: [mid]}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {agg: mid}}
rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: direct, labels: {agg: top}}
rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ns-role, namespace: x, labels: {agg: top}}
rules: [{apiGroups: [''], resources: [nodes], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: empty-selector}
aggregationRule: {clusterRoleSelectors: []}
)");
  rbac::Engine e(f.m);
  // top: rules of mid (= leaf, transitively) and direct; its own rules: are ignored;
  // namespaced Roles are never aggregated.
  const auto& top = e.EffectiveRules(0);
  REQUIRE(top.size() == 2);
  std::set<std::string> roles;
  for (auto rr : top) roles.insert(f.m.k8s_roles[rr.role].meta.name);
  CHECK(roles == std::set<std::string>{"leaf", "direct"});
  CHECK(e.EffectiveRules(1).size() == 1);
  CHECK(e.EffectiveRules(5).empty());  // no selectors: aggregates nothing
}

TEST_CASE("Aggregation cycles keep the stored rules of their roles, and are reported", "[rbac]") {
  Fixture f(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {to-b: "y"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-a: "y"}}]}
rules: [{apiGroups: [''], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {to-a: "y"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-b: "y"}}]}
rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: self, labels: {me: "y"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {me: "y"}}]}
rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: plain-aggregator}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-a: "y"}}]}
rules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]
)");
  rbac::Engine e(f.m);
  auto names = [&](std::size_t role) {
    std::set<std::string> out;
    for (auto rr : e.EffectiveRules(role)) out.insert(e.RuleOf(rr).resources.front());
    return out;
  };
  // Either order of the controller leaves both rules somewhere: keep both.
  CHECK(names(0) == std::set<std::string>{"configmaps", "secrets"});
  CHECK(names(1) == std::set<std::string>{"configmaps", "secrets"});
  CHECK(names(2) == std::set<std::string>{"pods/exec"});
  // Not in a cycle: its stored rules are overwritten by the controller.
  CHECK(names(3) == std::set<std::string>{"configmaps", "secrets"});
  REQUIRE(e.diagnostics().size() == 3);
  CHECK(e.diagnostics()[0].code == "aggregation-cycle");
  CHECK(e.diagnostics()[0].message ==
        "ClusterRole 'a' is in an aggregation cycle (its clusterRoleSelectors reach itself): the rules the "
        "controller converges to depend on its order, so its stored rules are kept as well");
}

TEST_CASE("Bootstrap roles: view, edit, admin aggregate as in Kubernetes", "[rbac]") {
  Fixture f("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", true);
  CHECK(f.sink.diagnostics().empty());
  rbac::Engine e(f.m);
  auto role_index = [&](const std::string& name) {
    for (std::size_t i = 0; i < f.m.k8s_roles.size(); ++i)
      if (f.m.k8s_roles[i].meta.name == name) return i;
    FAIL("no role " << name);
    return std::size_t{0};
  };
  auto allows = [&](const std::string& role, Request req) {
    for (auto rr : e.EffectiveRules(role_index(role)))
      if (RuleAllows(e.RuleOf(rr), req)) return true;
    return false;
  };
  CHECK(allows("view", Res("list", "", "pods")));
  CHECK_FALSE(allows("view", Res("get", "", "secrets", "", "s")));
  CHECK(allows("edit", Res("get", "", "secrets", "", "s")));
  CHECK(allows("edit", Res("create", "", "pods")));
  CHECK(allows("edit", Res("impersonate", "", "serviceaccounts", "", "sa")));
  CHECK(allows("edit", Res("create", "", "serviceaccounts", "token", "sa")));
  CHECK_FALSE(allows("edit", Res("create", "rbac.authorization.k8s.io", "rolebindings")));
  CHECK(allows("admin", Res("create", "rbac.authorization.k8s.io", "rolebindings")));
  CHECK(allows("admin", Res("list", "", "pods")));  // view -> edit -> admin
  CHECK(allows("cluster-admin", Res("delete", "x.io", "anything")));
}

TEST_CASE("Built-in objects yield to objects of the same name in the input", "[rbac]") {
  Fixture f(
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: view}\n"
      "rules: []\n",
      true);
  std::size_t views = 0;
  for (const auto& r : f.m.k8s_roles) views += r.meta.name == "view";
  CHECK(views == 1);
}

TEST_CASE("Workloads run as their service account; automount decides the token", "[rbac]") {
  Fixture f(R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: a}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: a}
spec: {serviceAccountName: quiet, containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p2, namespace: a}
spec: {serviceAccountName: quiet, automountServiceAccountToken: true, containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p3, namespace: a}
spec: {containers: [{name: c}]}
)");
  rbac::Engine e(f.m);
  CHECK_FALSE(e.TokenMounted(0));  // the ServiceAccount says no
  CHECK(e.TokenMounted(1));        // the pod-level setting wins
  CHECK(e.TokenMounted(2));        // default
  CHECK(e.WorkloadsOf({"ServiceAccount", "a", "quiet"}).size() == 2);
  CHECK(e.WorkloadsOf({"ServiceAccount", "a", "default"}).size() == 1);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

// The upstream bootstrap policy files, loaded as a full cluster dump (no
// built-ins): aggregation of admin/edit/view must give the documented
// powers, and the embedded copy must give the same effective rules.
TEST_CASE("Kubernetes bootstrap policy corpus: aggregation and the embedded copy agree",
          "[corpora][rbac]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  dir += "/k8s-rbac/kubernetes-bootstrappolicy/testdata";
  Model upstream;
  CollectingSink sink;
  DiskReader reader;
  parsers::Load({dir + "/cluster-roles.yaml", dir + "/cluster-role-bindings.yaml"}, reader,
                parsers::LoadOptions{}, upstream, sink);
  CHECK(sink.CountAtLeast(DiagLevel::kWarning) == 0);
  CHECK(upstream.k8s_roles.size() == 31);
  rbac::Engine up(upstream);
  Model embedded;
  parsers::AddK8sBootstrap(embedded, sink);
  rbac::Engine emb(embedded);
  auto rules_of = [](const Model& m, const rbac::Engine& e, const std::string& name) {
    std::multiset<std::string> out;
    for (std::size_t i = 0; i < m.k8s_roles.size(); ++i) {
      if (m.k8s_roles[i].meta.name != name) continue;
      for (auto rr : e.EffectiveRules(i)) {
        const auto& r = e.RuleOf(rr);
        std::string s;
        for (const auto* v : {&r.verbs, &r.api_groups, &r.resources, &r.resource_names, &r.non_resource_urls}) {
          for (const auto& x : *v) s += x + ",";
          s += "|";
        }
        out.insert(s);
      }
    }
    return out;
  };
  for (const auto& r : upstream.k8s_roles) {
    INFO(r.meta.name);
    CHECK(rules_of(upstream, up, r.meta.name) == rules_of(embedded, emb, r.meta.name));
  }
  auto allows = [&](const std::string& role, Request req) {
    for (std::size_t i = 0; i < upstream.k8s_roles.size(); ++i)
      if (upstream.k8s_roles[i].meta.name == role)
        for (auto rr : up.EffectiveRules(i))
          if (RuleAllows(up.RuleOf(rr), req)) return true;
    return false;
  };
  CHECK_FALSE(allows("view", Res("get", "", "secrets", "", "x")));
  CHECK(allows("edit", Res("list", "", "secrets")));
  CHECK(allows("edit", Res("create", "apps", "deployments")));
  CHECK(allows("edit", Res("impersonate", "", "serviceaccounts", "", "sa")));
  CHECK(allows("admin", Res("create", "rbac.authorization.k8s.io", "rolebindings")));
  CHECK_FALSE(allows("admin", Res("create", "rbac.authorization.k8s.io", "clusterrolebindings")));
  // system:masters is bound to cluster-admin in the upstream bindings.
  auto d = up.Authorize({"root", {"system:masters"}}, Res("delete", "", "nodes", "", "n", ""));
  CHECK(d.grants.size() >= 2);  // the superuser route and the cluster-admin binding
}

TEST_CASE("Bootstrap: the controller manager's roles are bound to their kube-system service accounts", "[rbac]") {
  Model m;
  CollectingSink sink;
  parsers::AddK8sBootstrap(m, sink);
  rbac::Engine e(m);
  std::size_t controllers = 0;
  for (const auto& r : m.k8s_roles) controllers += r.cluster && r.meta.name.rfind("system:controller:", 0) == 0;
  CHECK(controllers == 38);
  auto sa = [](const std::string& name) {
    return rbac::UserInfo{"system:serviceaccount:kube-system:" + name,
                    {"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}};
  };
  CHECK(e.Authorize(sa("clusterrole-aggregation-controller"),
                    Res("escalate", "rbac.authorization.k8s.io", "clusterroles", "", "admin", ""))
            .allowed);
  CHECK(e.Authorize(sa("generic-garbage-collector"), Res("delete", "apps", "deployments", "", "x", "ns")).allowed);
  CHECK_FALSE(e.Authorize(sa("generic-garbage-collector"), Res("create", "apps", "deployments", "", "", "ns")).allowed);
  CHECK_FALSE(e.Authorize(sa("root-ca-cert-publisher"), Res("get", "", "secrets", "", "x", "ns")).allowed);
}

}  // namespace
}  // namespace grantpath

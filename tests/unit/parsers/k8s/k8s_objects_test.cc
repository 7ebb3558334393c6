#include <set>

#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

using testing::Formatted;
using testing::LoadString;

TEST_CASE("RBAC kinds are parsed with their locations", "[parsers][k8s]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             "apiVersion: rbac.authorization.k8s.io/v1\n"
             "kind: Role\n"
             "metadata: {name: reader, namespace: dev, labels: {team: a}}\n"
             "rules:\n"
             "- apiGroups: ['']\n"
             "  resources: [pods, pods/log]\n"
             "  resourceNames: [web]\n"
             "  verbs: [get]\n"
             "---\n"
             "apiVersion: rbac.authorization.k8s.io/v1\n"
             "kind: RoleBinding\n"
             "metadata: {name: rb, namespace: dev}\n"
             "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
             "subjects:\n"
             "- {kind: ServiceAccount, name: app}\n"
             "- kind: User\n"
             "  name: alice\n");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.k8s_roles.size() == 1);
  const auto& r = m.k8s_roles[0];
  CHECK_FALSE(r.cluster);
  CHECK(r.meta.name == "reader");
  CHECK(r.meta.ns == "dev");
  CHECK(r.meta.labels.at("team") == "a");
  REQUIRE(r.rules.size() == 1);
  CHECK(r.rules[0].where.begin == SourcePos{5, 3});
  CHECK(r.rules[0].resources == std::vector<std::string>{"pods", "pods/log"});
  CHECK(r.rules[0].resource_names == std::vector<std::string>{"web"});
  REQUIRE(m.k8s_bindings.size() == 1);
  const auto& b = m.k8s_bindings[0];
  CHECK(b.role_ref.kind == "Role");
  CHECK(b.role_ref.where.begin == SourcePos{13, 10});
  REQUIRE(b.subjects.size() == 2);
  CHECK(b.subjects[0].where.begin == SourcePos{15, 3});
  CHECK(b.subjects[0].ns.empty());  // defaulting is the engine's job
  CHECK(b.subjects[1].where.begin == SourcePos{16, 3});
}

TEST_CASE("ClusterRole aggregationRule and selectors", "[parsers][k8s]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\n"
             "aggregationRule:\n  clusterRoleSelectors:\n"
             "  - matchLabels: {a: 'true'}\n"
             "  - matchExpressions: [{key: tier, operator: NotIn, values: [db]}]\n"
             "rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]\n");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.k8s_roles.size() == 1);
  const auto& r = m.k8s_roles[0];
  CHECK(r.aggregated);
  REQUIRE(r.aggregation_selectors.size() == 2);
  CHECK(r.aggregation_selectors[0].Matches({{"a", "true"}}));
  CHECK_FALSE(r.aggregation_selectors[0].Matches({{"a", "false"}}));
  // NotIn selects objects that lack the key.
  CHECK(r.aggregation_selectors[1].Matches({}));
  CHECK_FALSE(r.aggregation_selectors[1].Matches({{"tier", "db"}}));
  CHECK(r.rules.size() == 1);  // kept, but the engine ignores them for aggregated roles
}

TEST_CASE("Workloads: pod templates, service accounts and token mounting", "[parsers][k8s]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a, labels: {app: x}}\n"
             "spec: {serviceAccountName: sa1, automountServiceAccountToken: false, hostNetwork: true,"
             " containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n"
             "---\n"
             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: b}\n"
             "spec:\n  template:\n    metadata: {labels: {app: web}}\n"
             "    spec: {serviceAccount: legacy, containers: [{name: c}]}\n"
             "---\n"
             "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\n"
             "spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: c}]}}}}}\n");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.k8s_workloads.size() == 3);
  const auto& pod = m.k8s_workloads[0];
  CHECK(pod.service_account == "sa1");
  CHECK(pod.automount_token == false);
  CHECK(pod.host_network);
  CHECK(pod.pod_labels.at("app") == "x");
  REQUIRE(pod.containers.size() == 1);
  CHECK(pod.containers[0].ports[0].port == 8080);
  CHECK(pod.containers[0].ports[0].protocol == "TCP");
  const auto& dep = m.k8s_workloads[1];
  CHECK(dep.service_account == "legacy");  // deprecated serviceAccount field
  CHECK(dep.pod_labels.at("app") == "web");
  const auto& cj = m.k8s_workloads[2];
  CHECK(cj.service_account == "default");
  CHECK(cj.meta.ns == "default");
  CHECK_FALSE(cj.service_account_where.known());
}

TEST_CASE("kubectl List dumps are unwrapped, in YAML and JSON", "[parsers][k8s]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             R"({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a", "namespace": "x"}},
  {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleList", "items": [
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "c"}}]}
]})",
             "dump.json");
  CHECK(sink.diagnostics().empty());
  CHECK(m.k8s_service_accounts.size() == 1);
  REQUIRE(m.k8s_roles.size() == 1);
  CHECK(m.k8s_roles[0].meta.where.begin == SourcePos{4, 5});
}

TEST_CASE("Wrong types are located errors and skip only that object", "[parsers][k8s][errors]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
             "metadata: {name: bad, namespace: dev}\n"
             "rules:\n- verbs: 5\n  resources: [pods]\n"
             "---\n"
             "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
             "metadata: {name: good, namespace: dev}\n"
             "rules: [{verbs: [get], apiGroups: [''], resources: [pods]}]\n"
             "---\n"
             "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
             "metadata: {name: rb, namespace: dev}\n"
             "roleRef: {kind: Rol, name: good}\n"
             "---\n"
             "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
             "metadata: {name: crb}\n"
             "subjects: [{kind: Serviceaccount, name: x}]\n"
             "roleRef: {kind: ClusterRole, name: view}\n");
  CHECK(Formatted(m, sink) ==
        std::vector<std::string>{
            "test.yaml:5:10: error: 'verbs' must be a list, got a number (Role 'dev/bad' not "
            "analyzed) [wrong-type]",
            "test.yaml:16:17: error: roleRef.kind must be 'Role' or 'ClusterRole', got 'Rol'; did "
            "you mean 'Role'? (RoleBinding 'dev/rb' not analyzed) [invalid-value]",
            "test.yaml:21:19: error: subject kind must be User, Group or ServiceAccount, got "
            "'Serviceaccount'; did you mean 'ServiceAccount'? (ClusterRoleBinding 'crb' not "
            "analyzed) [invalid-value]"});
  REQUIRE(m.k8s_roles.size() == 1);
  CHECK(m.k8s_roles[0].meta.name == "good");
  CHECK(m.k8s_bindings.empty());
}

TEST_CASE("Unknown kinds: typos of analyzed kinds warn, others are skipped quietly",
          "[parsers][k8s][errors]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBindng\nmetadata: {name: x}\n"
             "---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
             "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
  CHECK(Formatted(m, sink) ==
        std::vector<std::string>{
            "test.yaml:2:7: warning: unknown kind 'RoleBindng' for apiVersion "
            "'rbac.authorization.k8s.io/v1'; did you mean 'RoleBinding'?; object skipped "
            "[unknown-kind]"});
  Model v;
  CollectingSink vsink;
  parsers::LoadOptions opts;
  opts.verbose = true;
  opts.k8s.verbose = true;
  LoadString(v, vsink, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", "s.yaml", opts);
  CHECK(Formatted(v, vsink) ==
        std::vector<std::string>{"s.yaml:2:7: note: Secret is not a service-account token Secret: not analyzed (no "
                                 "Secret's data is read) [skipped]"});
}

TEST_CASE("Missing metadata.namespace defaults to the configured namespace", "[parsers][k8s]") {
  Model m;
  CollectingSink sink;
  parsers::LoadOptions opts;
  opts.k8s.default_namespace = "team-a";
  LoadString(m, sink,
             "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n"
             "apiVersion: v1\nkind: Namespace\nmetadata: {name: n, namespace: ignored}\n",
             "t.yaml", opts);
  REQUIRE(m.k8s_service_accounts.size() == 1);
  CHECK(m.k8s_service_accounts[0].meta.ns == "team-a");
  CHECK(m.k8s_namespaces[0].meta.ns.empty());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Every recognised kind lands in its table with its location", "[parsers][k8s]") {
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"v1", "Namespace"},
      {"v1", "ServiceAccount"},
      {"v1", "Pod"},
      {"v1", "Service"},
      {"v1", "ConfigMap"},
      {"rbac.authorization.k8s.io/v1", "Role"},
      {"rbac.authorization.k8s.io/v1", "ClusterRole"},
      {"rbac.authorization.k8s.io/v1", "RoleBinding"},
      {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
      {"apps/v1", "Deployment"},
      {"apps/v1", "StatefulSet"},
      {"apps/v1", "DaemonSet"},
      {"apps/v1", "ReplicaSet"},
      {"batch/v1", "Job"},
      {"batch/v1", "CronJob"},
      {"networking.k8s.io/v1", "NetworkPolicy"},
      {"networking.k8s.io/v1", "Ingress"},
      {"policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy"},
      {"policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy"},
  };
  std::string yaml;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    bool banp = kinds[i].second == "BaselineAdminNetworkPolicy";  // must be named "default"
    yaml += "---\napiVersion: " + kinds[i].first + "\nkind: " + kinds[i].second + "\nmetadata: {name: " +
            (banp ? std::string("default") : "o" + std::to_string(i)) + ", namespace: ns}\n";
    if (banp) yaml += "spec: {subject: {namespaces: {}}}\n";
    if (kinds[i].second.find("Binding") != std::string::npos)
      yaml += "roleRef: {kind: ClusterRole, name: view}\n";
    if (kinds[i].second == "NetworkPolicy") yaml += "spec: {podSelector: {}}\n";
    if (kinds[i].second == "AdminNetworkPolicy") yaml += "spec: {priority: 1, subject: {namespaces: {}}}\n";
  }
  Model m;
  CollectingSink sink;
  CHECK(testing::LoadString(m, sink, yaml) == kinds.size());
  CHECK(sink.diagnostics().empty());
  CHECK(m.k8s_namespaces.size() == 1);
  CHECK(m.k8s_service_accounts.size() == 1);
  CHECK(m.k8s_roles.size() == 2);
  CHECK(m.k8s_bindings.size() == 2);
  CHECK(m.k8s_workloads.size() == 7);  // Pod + 6 controllers
  CHECK(m.k8s_network_policies.size() == 1);
  CHECK(m.k8s_services.size() == 1);
  CHECK(m.k8s_ingresses.size() == 1);
  REQUIRE(m.k8s_admin_policies.size() == 2);
  REQUIRE(m.k8s_other.size() == 1);
  CHECK(m.k8s_other[0].kind == "ConfigMap");
  // Each object is located at its first key: document i starts on line 4i+2
  // (bindings carry one more line).
  CHECK(m.k8s_namespaces[0].meta.where.begin == SourcePos{2, 1});
  CHECK(m.k8s_service_accounts[0].meta.where.begin == SourcePos{6, 1});
  for (const auto& w : m.k8s_workloads) CHECK(w.meta.where.known());
  // Cluster-scoped kinds drop a namespace given in metadata.
  for (const auto& ap : m.k8s_admin_policies) CHECK(ap.meta.ns.empty());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("NetworkPolicy: selectors, peers, ports and policyTypes defaulting", "[parsers][k8s][netpol]") {
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: edge}}
      podSelector: {matchExpressions: [{key: role, operator: NotIn, values: [db]}]}
    - podSelector: {}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports:
    - port: http
    - {port: 8000, endPort: 8100, protocol: UDP}
  - {}
  egress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{protocol: SCTP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: explicit, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
)");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.k8s_network_policies.size() == 3);
  const auto& web = m.k8s_network_policies[0];
  CHECK(web.pod_selector.Matches({{"app", "web"}}));
  CHECK(web.ingress_type);
  CHECK_FALSE(web.egress_type);  // `egress: []` has no rule: not an Egress policy
  REQUIRE(web.ingress.size() == 2);
  const auto& r0 = web.ingress[0];
  CHECK(r0.where.begin == SourcePos{8, 5});
  REQUIRE(r0.peers.size() == 3);
  CHECK(r0.peers[0].namespace_selector.has_value());
  CHECK(r0.peers[0].pod_selector.has_value());  // both: AND
  CHECK(r0.peers[0].pod_selector->Matches({}));  // NotIn selects pods without the key
  CHECK_FALSE(r0.peers[1].namespace_selector.has_value());  // podSelector alone: same namespace
  CHECK(r0.peers[1].pod_selector->empty());
  CHECK(r0.peers[2].ip_block);
  CHECK(r0.peers[2].cidr == "10.0.0.0/8");
  CHECK(r0.peers[2].except == std::vector<std::string>{"10.1.0.0/16"});
  REQUIRE(r0.ports.size() == 2);
  CHECK(r0.ports[0].port_name == "http");
  CHECK(r0.ports[0].protocol == "TCP");  // defaulted
  CHECK(r0.ports[1].port == 8000);
  CHECK(r0.ports[1].end_port == 8100);
  CHECK(r0.ports[1].protocol == "UDP");
  CHECK(web.ingress[1].peers.empty());  // `{}`: every source, every port
  CHECK(web.ingress[1].ports.empty());
  const auto& deny = m.k8s_network_policies[1];
  CHECK(deny.ingress_type);
  CHECK(deny.egress_type);  // an egress rule implies Egress
  CHECK(deny.ingress.empty());
  CHECK(deny.egress[0].ports[0].any_port);
  const auto& ex = m.k8s_network_policies[2];
  CHECK_FALSE(ex.ingress_type);  // policyTypes given: taken as written
  CHECK(ex.egress_type);
}

TEST_CASE("NetworkPolicy: invalid specs are located errors", "[parsers][k8s][netpol][errors]") {
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 1.2.3.0/24}, podSelector: {}}]
    ports: [{port: named, endPort: 9}, {port: 70000}, {protocol: TPC}]
  policyTypes: [Ingres]
)");
  CHECK(testing::Formatted(m, sink) ==
        std::vector<std::string>{
            "test.yaml:7:12: error: a peer with ipBlock cannot also have podSelector or "
            "namespaceSelector (NetworkPolicy 'x/a' not analyzed) [invalid-value]",
            "test.yaml:8:36: error: endPort needs a numeric port (NetworkPolicy 'x/a' not analyzed) "
            "[invalid-value]",
            "test.yaml:8:47: error: port must be 1-65535, got 70000 (NetworkPolicy 'x/a' not "
            "analyzed) [invalid-value]",
            "test.yaml:8:66: error: protocol must be TCP, UDP or SCTP, got 'TPC'; did you mean "
            "'TCP'? (NetworkPolicy 'x/a' not analyzed) [invalid-value]",
            "test.yaml:9:17: error: policyTypes entries must be \"Ingress\" or \"Egress\"; did you "
            "mean 'Ingress'? (NetworkPolicy 'x/a' not analyzed) [invalid-value]"});
  CHECK(m.k8s_network_policies.empty());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Typed lists: items without their own kind take the list's", "[parsers][k8s]") {
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, R"(apiVersion: v1
kind: NamespaceList
items:
- metadata: {name: a, labels: {team: x}}
- metadata: {name: b}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicyList
items:
- metadata: {name: no-selector, namespace: n}
  spec: {ingress: [{}]}
---
apiVersion: v1
kind: List
items:
- metadata: {name: untyped}
)");
  REQUIRE(m.k8s_namespaces.size() == 2);
  CHECK(m.k8s_namespaces[0].meta.labels.at("team") == "x");
  REQUIRE(m.k8s_network_policies.size() == 1);
  // An omitted podSelector decodes to the empty selector: every pod.
  CHECK(m.k8s_network_policies[0].pod_selector.present);
  CHECK(m.k8s_network_policies[0].pod_selector.empty());
  // A plain List says nothing about its items' kind.
  CHECK(testing::Formatted(m, sink) ==
        std::vector<std::string>{
            "test.yaml:16:3: warning: list item has no 'apiVersion' or 'kind'; skipped [missing-field]"});
}

TEST_CASE("ClusterNetworkPolicy: tiers, priorities, Accept, protocols and invalid specs as located errors",
          "[parsers][k8s]") {
  const std::string head = "apiVersion: policy.networking.k8s.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: c}\n";
  Model m;
  CollectingSink sink;
  CHECK(testing::LoadString(m, sink,
                            head + "spec:\n  tier: Baseline\n  priority: 7\n  subject: {namespaces: {}}\n  ingress:\n"
                                   "  - name: web\n    action: Accept\n    from: [{namespaces: {}}]\n    protocols:\n"
                                   "    - tcp: {destinationPort: {number: 80}}\n    - sctp: {destinationPort: {range: {start: 1, end: 9}}}\n"
                                   "    - destinationNamedPort: http\n") == 1);
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.k8s_admin_policies.size() == 1);
  const auto& c = m.k8s_admin_policies[0];
  CHECK(c.kind == "ClusterNetworkPolicy");
  CHECK(c.baseline);
  CHECK(c.priority == 7);
  REQUIRE(c.ingress.size() == 1);
  CHECK(c.ingress[0].action == "Accept");
  REQUIRE(c.ingress[0].ports.size() == 3);
  CHECK(c.ingress[0].ports[0].protocol == "TCP");
  CHECK(c.ingress[0].ports[0].port == 80);
  CHECK(c.ingress[0].ports[1].protocol == "SCTP");
  CHECK(c.ingress[0].ports[1].end_port == 9);
  CHECK(c.ingress[0].ports[2].name == "http");

  auto error = [&](const std::string& spec) {
    Model bad;
    CollectingSink s;
    testing::LoadString(bad, s, head + spec);
    CHECK(bad.k8s_admin_policies.empty());
    REQUIRE(s.diagnostics().size() >= 1);
    CHECK(s.diagnostics()[0].where.begin.line >= 4);
    return s.diagnostics()[0].message;
  };
  CHECK(error("spec: {priority: 1, subject: {namespaces: {}}}\n").find("tier") != std::string::npos);
  CHECK(error("spec: {tier: Admn, priority: 1, subject: {namespaces: {}}}\n").find("did you mean 'Admin'") !=
        std::string::npos);
  CHECK(error("spec: {tier: Admin, subject: {namespaces: {}}}\n").find("priority") != std::string::npos);
  CHECK(error("spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, ingress: [{action: Allow, from: "
              "[{namespaces: {}}]}]}\n")
            .find("action must be Accept, Deny or Pass, got 'Allow'") != std::string::npos);
  CHECK(error("spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, egress: [{action: Deny, to: "
              "[{domainNames: [a.example.com]}]}]}\n")
            .find("only valid in Accept rules") != std::string::npos);
  CHECK(error("spec: {tier: Admin, priority: 1, subject: {namespaces: {}}, ingress: [{action: Deny, from: "
              "[{namespaces: {}}], protocols: [{tcp: {destinationPort: {range: {start: 9, end: 9}}}}]}]}\n")
            .find("start must be less than end") != std::string::npos);
  std::string many = "spec:\n  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n";
  for (int i = 0; i < 26; ++i) many += "  - {action: Deny, from: [{namespaces: {}}]}\n";
  CHECK(error(many).find("more than 25 rules") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

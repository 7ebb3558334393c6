// Calico and Cilium semantics, one rule per test: the selector language,
// tiers and their end actions, policy order, rule fields; Cilium's deny
// precedence, default deny, scoping, entities and CIDRs.
#include <catch2/catch.hpp>

#include "calico/selector.h"
#include "engine/net.h"
#include "net_cluster.h"
#include "test_util.h"

namespace grantpath {
namespace {

using Cluster = testing::NetCluster;

std::string Pod(const std::string& ns, const std::string& name, const std::string& labels,
                const std::string& extra = "") {
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: {" + labels +
         "}}\nspec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]" + extra +
         "}\n---\n";
}

const std::string kPods = Pod("a", "web", "app: web") + Pod("a", "db", "app: db, tier: data") +
                          Pod("b", "client", "app: client") +
                          "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {team: blue}}\n---\n";

bool Sel(const std::string& text, const std::map<std::string, std::string>& labels) {
  cni::CalicoSelector s;
  std::string err;
  std::size_t col = 0;
  REQUIRE(parsers::ParseCalicoSelector(text, &s, &err, &col));
  return s.Matches(labels);
}

TEST_CASE("Calico selectors: every operator, on present and missing labels", "[net][calico]") {
  const std::map<std::string, std::string> l = {{"app", "web"}, {"env", "prod-eu"}};
  CHECK(Sel("app == 'web'", l));
  CHECK_FALSE(Sel("role == 'x'", l));
  CHECK(Sel("role != 'x'", l));  // a missing label is not equal
  CHECK_FALSE(Sel("app != 'web'", l));
  CHECK(Sel("app in {'web', 'db'}", l));
  CHECK_FALSE(Sel("role in {'x'}", l));
  CHECK(Sel("role not in {'x'}", l));  // missing: not in
  CHECK_FALSE(Sel("app not in {'web'}", l));
  CHECK(Sel("has(app)", l));
  CHECK(Sel("!has(role)", l));
  CHECK(Sel("env contains 'od-e'", l));
  CHECK(Sel("env starts with 'prod'", l));
  CHECK(Sel("env ends with '-eu'", l));
  CHECK_FALSE(Sel("role starts with ''", l));
  CHECK(Sel("all()", l));
  CHECK(Sel("", l));  // empty: all()
  CHECK_FALSE(Sel("global()", l));
  CHECK(Sel("app == 'db' || app == 'web' && has(env)", l));  // && binds tighter
  CHECK_FALSE(Sel("(app == 'db' || app == 'web') && has(role)", l));
  CHECK(Sel("!(app == 'db')", l));
  CHECK(Sel("app == \"web\"", l));
  cni::CalicoSelector s;
  std::string err;
  std::size_t col = 0;
  CHECK_FALSE(parsers::ParseCalicoSelector("app == web", &s, &err, &col));
  CHECK(col == 7);
  CHECK_FALSE(parsers::ParseCalicoSelector("app == 'web' &&", &s, &err, &col));
  CHECK_FALSE(parsers::ParseCalicoSelector("has(app", &s, &err, &col));
  CHECK_FALSE(parsers::ParseCalicoSelector("app in {'a'", &s, &err, &col));
}

TEST_CASE("Calico selectors: deep nesting is an error, long chains evaluate without deep recursion", "[net][calico]") {
  cni::CalicoSelector s;
  std::string err;
  std::size_t col = 0;
  // Found by the cni_policy fuzzer: thousands of '(' overflowed the stack.
  const std::string deep = std::string(5000, '(') + "app == 'web'" + std::string(5000, ')');
  CHECK_FALSE(parsers::ParseCalicoSelector(deep, &s, &err, &col));
  CHECK(err == "selector nested deeper than 100 levels");
  CHECK(col == 100);
  CHECK_FALSE(parsers::ParseCalicoSelector(std::string(5000, '!') + "has(app)", &s, &err, &col));
  // 100 levels are fine, and evaluate.
  const std::string ok = std::string(100, '(') + "app == 'web'" + std::string(100, ')');
  CHECK(Sel(ok, {{"app", "web"}}));
  CHECK(Sel(std::string(100, '!') + "has(app)", {{"app", "web"}}));
  // A 200,000-term chain is one left-deep spine; evaluation walks it in a loop.
  std::string chain_and = "app == 'web'", chain_or = "app == 'x0'";
  for (int i = 1; i < 200000; ++i) {
    chain_and += " && has(app)";
    chain_or += " || app == 'x" + std::to_string(i) + "'";
  }
  CHECK(Sel(chain_and, {{"app", "web"}}));
  CHECK_FALSE(Sel(chain_and, {{"app", "db"}}));
  CHECK(Sel(chain_or, {{"app", "x199999"}}));
  CHECK(Sel(chain_or + " && has(env)", {{"app", "x5"}, {"env", "e"}}));
  CHECK_FALSE(Sel(chain_or, {{"app", "y"}}));
}

const std::string kTier = R"(apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
)";

TEST_CASE("Calico: a tier's end action denies what no rule decided, only for endpoints it selects", "[net][calico]") {
  Cluster c(kPods + kTier + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.db}
spec:
  tier: security
  selector: app == 'db'
  ingress: [{action: Allow, source: {selector: app == 'web'}}]
)");
  CHECK(c.Conn("a/web", "a/db") == "All Connections");
  CHECK(c.Conn("b/client", "a/db") == "No Connections");
  CHECK(c.Why("b/client", "a/db", true).find("end of tier 'security' (defaultAction Deny)") != std::string::npos);
  CHECK(c.Conn("b/client", "a/web") == "All Connections");  // the tier selects no web
}

TEST_CASE("Calico: Pass goes to the next tier; Pass at the end of the last tier leaves it to the profile",
          "[net][calico]") {
  Cluster c(kPods + kTier + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.pass}
spec:
  tier: security
  selector: all()
  ingress: [{action: Pass}]
  egress: [{action: Pass}]
)");
  CHECK(c.Conn("b/client", "a/db") == "All Connections");
  CHECK(c.Why("b/client", "a/db", true).find("the namespace profile allows") != std::string::npos);
  // A NetworkPolicy in the default tier decides what was passed.
  Cluster d(kPods + kTier + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.pass}
spec:
  tier: security
  selector: all()
  ingress: [{action: Pass}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress]}
)");
  CHECK(d.Conn("b/client", "a/db") == "No Connections");
}

TEST_CASE("Calico: defaultAction Pass, and Log does not decide", "[net][calico]") {
  Cluster c(kPods + R"(apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: t}
spec: {order: 1, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: t.log}
spec: {tier: t, selector: all(), ingress: [{action: Log}]}
)");
  CHECK(c.Conn("b/client", "a/db") == "All Connections");
  Cluster d(kPods + R"(apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: t}
spec: {order: 1}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: t.log}
spec: {tier: t, selector: all(), ingress: [{action: Log}, {action: Allow, protocol: TCP, destination: {ports: [8080]}}]}
)");
  CHECK(d.Conn("b/client", "a/db") == "TCP 8080");
}

TEST_CASE("Calico: tiers by order (omitted last, ties by name); policies by order then name", "[net][calico]") {
  // Tier z (order 1) denies before tier a (order 2) allows; tier m has no order and runs last.
  Cluster c(kPods + R"(apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: a}
spec: {order: 2}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: z}
spec: {order: 1}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a.allow}
spec: {tier: a, selector: app == 'db', ingress: [{action: Allow}]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: z.deny}
spec: {tier: z, selector: app == 'db', ingress: [{action: Deny, protocol: TCP, destination: {ports: [8080]}}, {action: Pass}]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: p2}
spec: {order: 20, selector: app == 'web', ingress: [{action: Allow}]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: p1}
spec: {order: 10, selector: app == 'web', ingress: [{action: Deny, protocol: UDP}]}
)");
  CHECK(c.Conn("b/client", "a/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535,other protocols");
  CHECK(c.Conn("b/client", "a/web") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-65535,other protocols");
}

TEST_CASE("Calico: Kubernetes NetworkPolicies sit in the default tier at order 1000", "[net][calico]") {
  Cluster c(kPods + R"(apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: first, namespace: a}
spec: {order: 500, selector: app == 'db', ingress: [{action: Deny, source: {namespaceSelector: team == 'blue'}}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: a}
spec: {podSelector: {}, ingress: [{}]}
)");
  CHECK(c.Conn("b/client", "a/db") == "No Connections");
  CHECK(c.Conn("a/web", "a/db") == "All Connections");
}

TEST_CASE("Calico: kube-admin orders its own policies with ANPs and ClusterNetworkPolicies by priority",
          "[net][calico]") {
  const std::string anp = R"(apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: deny-blue}
spec:
  tier: Admin
  priority: 10
  subject: {namespaces: {}}
  ingress: [{action: Deny, from: [{namespaces: {matchLabels: {team: blue}}}]}]
---
)";
  auto calico = [](int order) {
    return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: kube-admin.allow-client}\n"
           "spec: {tier: kube-admin, order: " + std::to_string(order) +
           ", selector: app == 'db', ingress: [{action: Allow, source: {selector: app == 'client'}}]}\n";
  };
  Cluster before(kPods + anp + calico(5));  // order 5 runs before priority 10
  CHECK(before.Conn("b/client", "a/db") == "All Connections");
  Cluster after(kPods + anp + calico(20));  // order 20 after it
  CHECK(after.Conn("b/client", "a/db") == "No Connections");
  CHECK(after.Why("b/client", "a/db", true).find("ClusterNetworkPolicy 'deny-blue' (tier Admin) ingress rule #1 denies") !=
        std::string::npos);
}

TEST_CASE("Calico: rule selectors of a namespaced policy stay in its namespace unless namespaceSelector says",
          "[net][calico]") {
  const std::string pods = kPods + Pod("b", "web", "app: web");
  Cluster c(pods + R"(apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db, namespace: a}
spec: {selector: app == 'db', ingress: [{action: Allow, source: {selector: app == 'web'}}]}
)");
  CHECK(c.Conn("a/web", "a/db") == "All Connections");
  CHECK(c.Conn("b/web", "a/db") == "No Connections");
  Cluster d(pods + R"(apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db, namespace: a}
spec: {selector: app == 'db', ingress: [{action: Allow, source: {selector: app == 'web', namespaceSelector: all()}}]}
)");
  CHECK(d.Conn("b/web", "a/db") == "All Connections");
  // A global policy's rule selector sees every namespace.
  Cluster e(pods + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: db}
spec: {selector: app == 'db', ingress: [{action: Allow, source: {selector: app == 'web'}}]}
)");
  CHECK(e.Conn("b/web", "a/db") == "All Connections");
  CHECK(e.Conn("b/client", "a/db") == "No Connections");
}

TEST_CASE("Calico: projectcalico.org labels, pcns namespace labels and serviceAccounts", "[net][calico]") {
  const std::string pods = kPods + Pod("b", "ops", "app: ops", ", serviceAccountName: robot");
  Cluster c(pods + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: db}
spec:
  selector: projectcalico.org/namespace == 'a' && app == 'db'
  ingress:
  - {action: Allow, source: {selector: pcns.team == 'blue' && app == 'client'}}
  - {action: Allow, source: {serviceAccounts: {names: [robot]}}}
)");
  CHECK(c.Conn("b/client", "a/db") == "All Connections");
  CHECK(c.Conn("b/ops", "a/db") == "All Connections");
  CHECK(c.Conn("a/web", "a/db") == "No Connections");
}

TEST_CASE("Calico: nets match pod addresses and outside ones; notNets and network sets", "[net][calico]") {
  const std::string pods = Pod("a", "db", "app: db") + Pod("a", "web", "app: web").substr(0) +
                           "apiVersion: v1\nkind: Pod\nmetadata: {name: ip, namespace: a, labels: {app: ip}}\n"
                           "spec: {containers: [{name: c, image: x}]}\nstatus: {podIP: 10.1.2.3}\n---\n";
  Cluster c(pods + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners, labels: {kind: partner}}
spec: {nets: [203.0.113.0/24]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: db}
spec:
  selector: app == 'db'
  ingress:
  - {action: Allow, source: {nets: [10.1.0.0/16], notNets: [10.1.9.0/24]}}
  - {action: Allow, source: {selector: kind == 'partner'}}
)");
  CHECK(c.Conn("a/ip", "a/db") == "All Connections");
  CHECK(c.Conn("a/web", "a/db") == "No Connections");  // no known address
  CHECK(c.FromIp("10.1.2.3", "a/db") == "All Connections");
  CHECK(c.FromIp("10.1.9.1", "a/db") == "No Connections");
  CHECK(c.FromIp("203.0.113.7", "a/db") == "All Connections");
  CHECK(c.FromIp("198.51.100.1", "a/db") == "No Connections");
  // notNets alone: a pod is outside them only when its address says so; a
  // pod without one matches neither nets nor notNets.
  auto not_nets = [](const std::string& cidr) {
    return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: db}\nspec:\n"
           "  selector: app == 'db'\n  ingress: [{action: Allow, source: {notNets: [" + cidr + "]}}]\n";
  };
  Cluster n(pods + not_nets("10.1.9.0/24"));
  CHECK(n.Conn("a/ip", "a/db") == "All Connections");
  CHECK(n.Conn("a/web", "a/db") == "No Connections");
  CHECK(n.FromIp("10.1.9.1", "a/db") == "No Connections");
  // With an IP pool, a pod without an address is outside notNets that miss the pool.
  const std::string pool = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\n"
                           "spec: {cidr: 10.2.0.0/16}\n---\n";
  Cluster q(pool + pods + not_nets("10.1.0.0/16"));
  CHECK(q.Conn("a/web", "a/db") == "All Connections");
  Cluster r(pool + pods + not_nets("10.2.3.0/24"));
  CHECK(r.Conn("a/web", "a/db") == "No Connections");  // the pool overlaps: unknown, not matched
}

TEST_CASE("Calico: ports, notPorts, named ports, protocols and types defaulting", "[net][calico]") {
  Cluster c(kPods + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: db}
spec:
  selector: app == 'db'
  ingress:
  - {action: Allow, protocol: TCP, destination: {ports: ['8000:8100'], notPorts: [http]}}
  - {action: Allow, protocol: ICMP}
  - {action: Allow, notProtocol: TCP, destination: {}}
)");
  // ICMP and notProtocol: every protocol but TCP, ICMP included.
  CHECK(c.Conn("b/client", "a/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 8000-8079,8081-8100,UDP 1-65535,other protocols");
  // icmp and notICMP type and code; a protocol by number.
  Cluster i(kPods + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: db}
spec:
  selector: app == 'db'
  ingress:
  - {action: Allow, protocol: ICMP, icmp: {type: 8}, notICMP: {type: 8, code: 1}}
  - {action: Allow, protocol: ICMPv6, icmp: {type: 128, code: 0}}
  - {action: Allow, protocol: 47}
)");
  CHECK(i.Conn("b/client", "a/db") == "ICMP type 8 code 0,type 8 codes 2-255,ICMPv6 type 128 code 0,protocol 47");
  // No types and egress rules: Ingress and Egress; the web pod's egress is restricted.
  Cluster d(kPods + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: web}
spec: {selector: app == 'web', egress: [{action: Allow, protocol: UDP, destination: {ports: [53]}}]}
)");
  CHECK(d.Conn("a/web", "a/db") == "UDP 53");
  CHECK(d.Conn("b/client", "a/web") == "No Connections");
}

TEST_CASE("Calico: staged policies never enforce; invalid ones are located errors", "[net][calico]") {
  Cluster c(kPods + R"(apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata: {name: deny}
spec: {selector: all(), ingress: [{action: Deny}]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: bad}
spec: {selector: "app = 'db'", ingress: [{action: Deny}]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: bad2}
spec: {selector: all(), ingress: [{action: Drop}]}
)");
  CHECK(c.Conn("b/client", "a/db") == "All Connections");
  CHECK(c.Why("b/client", "a/db", true).find("StagedGlobalNetworkPolicy 'deny' selects the pod for ingress but is "
                                             "staged") != std::string::npos);
  CHECK(c.Has("invalid-selector"));
  CHECK(c.Has("invalid-value"));
  CHECK(c.model.calico_policies.size() == 1);  // the staged one, kept for the rules
}

TEST_CASE("Calico: a rule's Service match selects the Service's pods; a missing Service is stated", "[net][calico]") {
  const std::string svc = "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: a}\n"
                          "spec: {selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}\n---\n";
  const std::string policy = R"(apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: client, namespace: b}
spec:
  selector: app == 'client'
  types: [Egress]
  egress: [{action: Allow, destination: {services: {name: db, namespace: a}}}]
)";
  Cluster c(kPods + svc + policy);
  CHECK(c.Conn("b/client", "a/db") == "All Connections");
  CHECK(c.Conn("b/client", "a/web") == "No Connections");
  CHECK_FALSE(c.Has("unknown-reference"));
  Cluster d(kPods + policy);
  CHECK(d.Conn("b/client", "a/db") == "No Connections");
  CHECK(d.Has("unknown-reference"));
}

TEST_CASE("Calico: namespace and service-account profiles decide after the last tier, and label pods",
          "[net][calico]") {
  Cluster c(kPods + R"(apiVersion: projectcalico.org/v3
kind: Profile
metadata: {name: kns.a}
spec:
  labelsToApply: {zone: inner}
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [8080]}}]
  egress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: inner}
spec: {selector: zone == 'inner', types: [Ingress], ingress: [{action: Allow, protocol: UDP}, {action: Pass}]}
)");
  // The profile's label selects a's pods for the policy (UDP), the rest passes to
  // namespace a's profile (TCP 8080); other namespaces keep the generated allow.
  CHECK(c.Conn("b/client", "a/db") == "TCP 8080,UDP 1-65535");
  CHECK(c.Conn("a/db", "b/client") == "All Connections");
  CHECK(c.Why("b/client", "a/db", true).find("Profile 'kns.a'") != std::string::npos);
}

const std::string kCilium = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: cilium-config, namespace: kube-system}
data: {enable-policy: default}
---
)";

TEST_CASE("Cilium: a deny-only policy turns on default deny; enableDefaultDeny false does not", "[net][cilium]") {
  Cluster c(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny: [{fromEndpoints: [{matchLabels: {app: web}}]}]
)");
  CHECK(c.Conn("a/web", "a/db") == "No Connections");
  CHECK(c.Conn("b/client", "a/db") == "No Connections");
  CHECK(c.Conn("b/client", "a/web") == "All Connections");
  Cluster d(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: db}}
  enableDefaultDeny: {ingress: false}
  ingressDeny: [{fromEndpoints: [{matchLabels: {app: web}}]}]
)");
  CHECK(d.Conn("a/web", "a/db") == "No Connections");
  CHECK(d.Conn("b/client", "a/db") == "All Connections");
}

TEST_CASE("Cilium: deny wins over an allow of a CNP, a CCNP or a NetworkPolicy", "[net][cilium]") {
  Cluster c(kPods + R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow, namespace: a}
spec: {podSelector: {}, ingress: [{}]}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: allow}
spec: {endpointSelector: {}, ingress: [{fromEntities: [all]}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny: [{toPorts: [{ports: [{port: "8080", protocol: TCP}]}]}]
)");
  CHECK(c.Conn("b/client", "a/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535,other protocols");
  CHECK(c.Why("b/client", "a/db", true).find("CiliumNetworkPolicy 'a/deny' ingress rule ingressDeny #1 denies") !=
        std::string::npos);
}

TEST_CASE("Cilium: fromEndpoints is scoped to a CNP's namespace; [{}] is the namespace in a CNP, all in a CCNP",
          "[net][cilium]") {
  Cluster c(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: a}
spec: {endpointSelector: {matchLabels: {app: db}}, ingress: [{fromEndpoints: [{}]}]}
)");
  CHECK(c.Conn("a/web", "a/db") == "All Connections");
  CHECK(c.Conn("b/client", "a/db") == "No Connections");
  Cluster d(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b}}]}]
)");
  CHECK(d.Conn("b/client", "a/db") == "All Connections");
  CHECK(d.Conn("a/web", "a/db") == "No Connections");
  Cluster e(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: db}
spec: {endpointSelector: {matchLabels: {app: db}}, ingress: [{fromEndpoints: [{}]}]}
)");
  CHECK(e.Conn("b/client", "a/db") == "All Connections");
  // `{}` as a rule matches nothing.
  Cluster f(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: a}
spec: {endpointSelector: {}, ingress: [{}]}
)");
  CHECK(f.Conn("a/web", "a/db") == "No Connections");
}

TEST_CASE("Cilium: entities, CIDRs that never match pods, named ports, L7 and enable-policy", "[net][cilium]") {
  const std::string pods = kPods +
                           "apiVersion: v1\nkind: Pod\nmetadata: {name: node-agent, namespace: b, labels: {app: "
                           "agent}}\nspec: {hostNetwork: true, containers: [{name: c, image: x}]}\n---\n";
  Cluster c(pods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEntities: [world]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.9.0.0/16]}]
  - toEndpoints: [{matchLabels: {app: db}}]
    toPorts: [{ports: [{port: http, protocol: TCP}], rules: {http: [{method: GET}]}}]
  ingress:
  - fromEntities: [host]
  - fromEntities: [cluster]
    toPorts: [{ports: [{port: "9000", endPort: 9010, protocol: TCP}]}]
)");
  CHECK(c.ToIp("a/web", "8.8.8.8") == "TCP 443");
  CHECK(c.ToIp("a/web", "10.1.1.1") == "All Connections");
  CHECK(c.ToIp("a/web", "10.9.1.1") == "TCP 443");  // only the world rule
  CHECK(c.Conn("a/web", "a/db") == "TCP 8080");
  CHECK(c.Why("a/web", "a/db", false).find("HTTP rules restrict requests") != std::string::npos);
  CHECK(c.Conn("b/node-agent", "a/web") == "All Connections");
  CHECK(c.Conn("b/client", "a/web") == "TCP 9000-9010");
  CHECK(c.FromIp("8.8.8.8", "a/web") == "No Connections");
  Cluster always(pods + kCilium.substr(0, kCilium.find("default}")) + "always}\n---\n");
  CHECK(always.Conn("b/client", "a/web") == "No Connections");
  Cluster never(pods + kCilium.substr(0, kCilium.find("default}")) + "never}\n---\n" + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: a}
spec: {endpointSelector: {}, ingress: [{}]}
)");
  CHECK(never.Conn("b/client", "a/web") == "All Connections");
}

TEST_CASE("Cilium: toServices resolves to the Service's pods; toFQDNs is stated", "[net][cilium]") {
  Cluster c(kPods + R"(apiVersion: v1
kind: Service
metadata: {name: db, namespace: a}
spec: {selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toServices: [{k8sService: {serviceName: db, namespace: a}}]
  - toFQDNs: [{matchName: api.example.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
)");
  CHECK(c.Conn("b/client", "a/db") == "All Connections");
  CHECK(c.Conn("b/client", "a/web") == "No Connections");
  CHECK(c.ToIp("b/client", "8.8.8.8") == "TCP 443");
  CHECK(c.Has("unsupported-construct"));
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Calico: a WorkloadEndpoint is a pod: labels, addresses, named ports, service account", "[net][calico]") {
  testing::NetCluster c(R"(apiVersion: projectcalico.org/v3
kind: WorkloadEndpoint
metadata:
  name: node1-k8s-web--5d9c-eth0
  namespace: a
  labels: {app: web, projectcalico.org/namespace: a, projectcalico.org/serviceaccount: web-sa,
           projectcalico.org/orchestrator: k8s}
spec:
  orchestrator: k8s
  node: node1
  pod: web-5d9c
  endpoint: eth0
  ipNetworks: [10.1.0.7/32]
  ports: [{name: http, protocol: TCP, port: 8080}]
---
apiVersion: projectcalico.org/v3
kind: WorkloadEndpoint
metadata:
  name: node1-k8s-client-eth0
  namespace: b
  labels: {app: client}
spec: {pod: client, ipNetworks: [10.1.0.9/32]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  selector: projectcalico.org/serviceaccount == 'web-sa'
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [http]}}]
)");
  const auto& w = c.model.k8s_workloads;
  REQUIRE(w.size() == 2);
  CHECK(w[0].kind == "WorkloadEndpoint");
  CHECK(w[0].meta.name == "web-5d9c");
  CHECK(w[0].service_account == "web-sa");
  CHECK(w[0].pod_labels.count("projectcalico.org/namespace") == 0);
  CHECK(w[0].pod_ips == std::vector<std::string>{"10.1.0.7"});
  CHECK(c.Conn("b/client", "a/web-5d9c") == "TCP 8080");
  CHECK(c.Conn("a/web-5d9c", "b/client") == "All Connections");
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Cilium: icmps fields allow ICMP types by number or CamelCase name, per family", "[net][cilium]") {
  testing::NetCluster c(kPods + R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ping, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{}]
    icmps: [{fields: [{type: 8}, {type: EchoRequest, family: IPv6}, {type: DestinationUnreachable}]}]
  - fromEndpoints: [{}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
)");
  CHECK(c.Conn("a/web", "a/db") == "ICMP type 3,type 8,ICMPv6 type 128,TCP 5432");
  CollectingSink sink;
  Model m;
  testing::LoadString(m, sink, R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bad, namespace: a}
spec:
  endpointSelector: {}
  ingress: [{icmps: [{fields: [{type: PacketTooBig}]}]}]
)", "bad.yaml");
  bool found = false;
  for (const auto& d : sink.diagnostics())
    found = found || (d.code == "invalid-value" && d.message.find("unknown ICMP type 'PacketTooBig' for IPv4") != std::string::npos);
  CHECK(found);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Calico: host endpoints: global policies select them, failsafe ports stay open, the rest is denied",
          "[net][calico]") {
  const std::string hep = R"(apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node1-eth0, labels: {role: node}}
spec: {node: node1, interfaceName: eth0, expectedIPs: [10.0.0.1], ports: [{name: kubelet, port: 10250, protocol: TCP}]}
---
)";
  // No policy selects it: only the failsafe ports.
  testing::NetCluster none(kPods + hep);
  const int h = none.engine->FindPod("", "node1-eth0");
  REQUIRE(h >= 0);
  const auto& eps = none.engine->endpoints();
  CHECK(eps[static_cast<std::size_t>(h)].Display() == "node1-eth0[HostEndpoint]");
  auto conn = [](testing::NetCluster& c, const std::string& from, int to) {
    return c.engine->conns().Get(c.engine->Allowed(static_cast<std::uint32_t>(c.engine->FindPod("a", from)),
                                                   static_cast<std::uint32_t>(to))).Format();
  };
  CHECK(conn(none, "web", h) == "TCP 22,179,2379-2380,5473,6443,6666-6667,UDP 68");
  // A global policy selects it by label; a namespaced one cannot; a rule's
  // namespaceSelector reaches it only with global().
  testing::NetCluster c(kPods + hep + R"(apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: kubelet}
spec:
  selector: role == 'node'
  ingress: [{action: Allow, protocol: TCP, source: {selector: app == 'web'}, destination: {ports: [kubelet]}}]
  egress: [{action: Allow, destination: {namespaceSelector: global(), selector: role == 'node'}}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: all, namespace: a}
spec: {selector: all(), egress: [{action: Allow}], ingress: [{action: Allow}]}
)");
  const int h2 = c.engine->FindPod("", "node1-eth0");
  CHECK(conn(c, "web", h2) == "TCP 22,179,2379-2380,5473,6443,6666-6667,10250,UDP 68");
  CHECK(conn(c, "db", h2) == "TCP 22,179,2379-2380,5473,6443,6666-6667,UDP 68");
  CHECK(c.Why("a/db", "a/web", true).find("host endpoints") == std::string::npos);  // pods are untouched
}

}  // namespace
}  // namespace grantpath

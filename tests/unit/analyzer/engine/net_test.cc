#include <random>

#include <catch2/catch.hpp>

#include "engine/net.h"
#include "engine/net_queries.h"
#include "net_cluster.h"
#include "test_util.h"

namespace grantpath {
namespace {

using net::ConnTable;

using Net = testing::NetCluster;

std::string Pod(const std::string& ns, const std::string& name, const std::string& labels,
                const std::string& ports = "") {
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: {" + labels +
         "}}\nspec:\n  containers:\n  - name: c\n    image: x\n" + (ports.empty() ? "" : "    ports: " + ports + "\n") +
         "---\n";
}

std::string Ns(const std::string& name, const std::string& labels = "") {
  return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {" + labels + "}}\n---\n";
}

std::string Np(const std::string& ns, const std::string& name, const std::string& spec) {
  return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns +
         "}\nspec:\n" + spec + "\n---\n";
}

const std::string kTwoPods = Pod("a", "web", "app: web") + Pod("a", "db", "app: db") + Pod("b", "x", "app: x");

TEST_CASE("net: without policies everything is allowed", "[net]") {
  Net n(kTwoPods);
  CHECK(n.Conn("a/web", "a/db") == "All Connections");
  CHECK(n.FromIp("8.8.8.8", "a/web") == "All Connections");
  CHECK(n.ToIp("a/web", "2001:db8::1") == "All Connections");
}

TEST_CASE("net: a policy isolates for ingress only unless it has egress rules or types", "[net]") {
  Net deny(kTwoPods + Np("a", "deny", "  podSelector: {}"));
  CHECK(deny.Conn("a/web", "a/db") == "No Connections");
  CHECK(deny.Conn("b/x", "a/web") == "No Connections");
  CHECK(deny.Conn("a/web", "b/x") == "All Connections");  // egress not isolated
  CHECK(deny.FromIp("1.2.3.4", "a/web") == "No Connections");

  Net egress(kTwoPods + Np("a", "eg", "  podSelector: {}\n  egress:\n  - ports: [{port: 53, protocol: UDP}]"));
  CHECK(egress.Conn("a/web", "b/x") == "UDP 53");
  CHECK(egress.Conn("b/x", "a/web") == "No Connections");  // Ingress is always a type

  Net types(kTwoPods + Np("a", "only-egress", "  podSelector: {}\n  policyTypes: [Egress]"));
  CHECK(types.Conn("b/x", "a/web") == "All Connections");
  CHECK(types.Conn("a/web", "b/x") == "No Connections");
}

TEST_CASE("net: empty rule, absent peers and ingress: [] differ", "[net]") {
  Net all(kTwoPods + Np("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - {}"));
  CHECK(all.Conn("b/x", "a/db") == "All Connections");
  CHECK(all.FromIp("1.2.3.4", "a/db") == "All Connections");
  Net none(kTwoPods + Np("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress: []"));
  CHECK(none.Conn("a/web", "a/db") == "No Connections");
  Net ports(kTwoPods + Np("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports: [{port: 5432}]"));
  CHECK(ports.Conn("b/x", "a/db") == "TCP 5432");
  CHECK(ports.FromIp("1.2.3.4", "a/db") == "TCP 5432");
}

TEST_CASE("net: podSelector alone means the policy's namespace; both selectors AND; two peers OR", "[net]") {
  std::string pods = Ns("a", "team: red") + Ns("b", "team: blue") + kTwoPods + Pod("b", "web", "app: web");
  Net same(pods + Np("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]"));
  CHECK(same.Conn("a/web", "a/db") == "All Connections");
  CHECK(same.Conn("b/web", "a/db") == "No Connections");
  Net both(pods + Np("a", "p",
                     "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: "
                     "{matchLabels: {team: blue}}\n      podSelector: {matchLabels: {app: web}}"));
  CHECK(both.Conn("b/web", "a/db") == "All Connections");
  CHECK(both.Conn("b/x", "a/db") == "No Connections");
  CHECK(both.Conn("a/web", "a/db") == "No Connections");
  Net either(pods + Np("a", "p",
                       "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: "
                       "{matchLabels: {team: blue}}\n    - podSelector: {matchLabels: {app: web}}"));
  CHECK(either.Conn("b/x", "a/db") == "All Connections");
  CHECK(either.Conn("a/web", "a/db") == "All Connections");
}

TEST_CASE("net: NotIn and DoesNotExist select pods without the key; namespaces get their name label", "[net]") {
  std::string pods = Pod("a", "db", "app: db") + Pod("a", "plain", "") + Pod("a", "prod", "env: prod") +
                     Pod("undeclared", "y", "");
  Net notin(pods + Np("a", "p",
                      "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - podSelector:\n        "
                      "matchExpressions: [{key: env, operator: NotIn, values: [prod]}]"));
  CHECK(notin.Conn("a/plain", "a/db") == "All Connections");
  CHECK(notin.Conn("a/prod", "a/db") == "No Connections");
  Net byname(pods + Np("a", "p",
                       "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: "
                       "{matchLabels: {kubernetes.io/metadata.name: undeclared}}"));
  CHECK(byname.Conn("undeclared/y", "a/db") == "All Connections");
  CHECK(byname.Conn("a/plain", "a/db") == "No Connections");
}

TEST_CASE("net: ipBlock with except splits the address space; ipBlocks never match pods", "[net]") {
  Net n(kTwoPods + Np("a", "p",
                      "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - ipBlock: {cidr: "
                      "10.0.0.0/8, except: [10.1.0.0/16]}\n    ports: [{port: 443}]"));
  CHECK(n.FromIp("10.2.3.4", "a/db") == "TCP 443");
  CHECK(n.FromIp("10.1.2.3", "a/db") == "No Connections");
  CHECK(n.FromIp("11.0.0.1", "a/db") == "No Connections");
  CHECK(n.Conn("a/web", "a/db") == "No Connections");
  CHECK(n.engine->ExternalOverlapping(*net::ParseCidr("0.0.0.0/0"), true).size() == 5);
}

TEST_CASE("net: named ports resolve per destination pod and protocol", "[net]") {
  std::string pods = Pod("a", "web1", "app: web", "[{name: http, containerPort: 8080}]") +
                     Pod("a", "web2", "app: web", "[{name: http, containerPort: 9090}]") +
                     Pod("a", "web3", "app: web", "[{name: http, containerPort: 53, protocol: UDP}]") +
                     Pod("a", "client", "app: client");
  Net n(pods + Np("a", "p", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: http}]"));
  CHECK(n.Conn("a/client", "a/web1") == "TCP 8080");
  CHECK(n.Conn("a/client", "a/web2") == "TCP 9090");
  CHECK(n.Conn("a/client", "a/web3") == "No Connections");  // named port is UDP, rule is TCP
  // Egress named ports resolve against the destination, too.
  Net e(pods + Np("a", "p", "  podSelector: {matchLabels: {app: client}}\n  egress:\n  - ports: [{port: http}]"));
  CHECK(e.Conn("a/client", "a/web2") == "TCP 9090");
  CHECK(e.ToIp("a/client", "1.1.1.1") == "No Connections");
}

TEST_CASE("net: endPort ranges and protocols", "[net]") {
  Net n(kTwoPods + Np("a", "p",
                      "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports: [{port: 8000, endPort: 8010}, "
                      "{protocol: SCTP}, {protocol: UDP, port: 53}]"));
  CHECK(n.Conn("a/web", "a/db") == "SCTP 1-65535,TCP 8000-8010,UDP 53");
}

TEST_CASE("net: connections need egress of the source and ingress of the destination", "[net]") {
  Net n(kTwoPods + Np("a", "in", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports: [{port: 80}, {port: 443}]") +
        Np("a", "out", "  podSelector: {matchLabels: {app: web}}\n  egress:\n  - ports: [{port: 443}, {port: 8443}]"));
  CHECK(n.Conn("a/web", "a/db") == "TCP 443");
  std::vector<net::Reason> eg, in;
  n.engine->Allowed(n.Ep("a/web"), n.Ep("a/db"), &eg, &in);
  REQUIRE(eg.size() == 1);
  CHECK(eg[0].Describe(n.model) == "NetworkPolicy 'a/out' egress rule #1 allows");
  REQUIRE(in.size() == 1);
  CHECK(in[0].where.begin.line > 0);
}

const char* kAnpHeader = "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n";

TEST_CASE("net: AdminNetworkPolicy tiers: Deny beats NetworkPolicy, Pass defers, priority orders", "[net]") {
  std::string base = Ns("a", "tier: app") + Ns("b", "tier: other") + kTwoPods;
  std::string allow_np = Np("a", "allow", "  podSelector: {}\n  ingress:\n  - {}");
  std::string deny80 = std::string(kAnpHeader) +
                       "metadata: {name: deny80}\nspec:\n  priority: 10\n  subject: {namespaces: {matchLabels: {tier: "
                       "app}}}\n  ingress:\n  - {name: d, action: Deny, from: [{namespaces: {}}], ports: [{portNumber: "
                       "{port: 80}}]}\n---\n";
  Net n(base + allow_np + deny80);
  CHECK(n.Conn("b/x", "a/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535,other protocols");
  std::string allow80 = std::string(kAnpHeader) +
                        "metadata: {name: allow80}\nspec:\n  priority: 5\n  subject: {namespaces: {matchLabels: {tier: "
                        "app}}}\n  ingress:\n  - {name: a, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: "
                        "{port: 80}}]}\n---\n";
  Net prio(base + Np("a", "deny", "  podSelector: {}") + deny80 + allow80);
  CHECK(prio.Conn("b/x", "a/db") == "TCP 80");  // lower priority number wins over Deny and over the NP
  std::string pass = std::string(kAnpHeader) +
                     "metadata: {name: pass}\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - {name: "
                     "p, action: Pass, from: [{namespaces: {}}]}\n---\n";
  Net passed(base + Np("a", "deny", "  podSelector: {}") + pass + deny80 + allow80);
  CHECK(passed.Conn("b/x", "a/db") == "No Connections");  // Pass skips lower ANPs; the NP denies
  std::string empty = std::string(kAnpHeader) + "metadata: {name: empty}\nspec:\n  priority: 3\n  subject: {namespaces: {}}\n---\n";
  Net nothing(base + empty);
  CHECK(nothing.Conn("b/x", "a/db") == "All Connections");
}

TEST_CASE("net: BaselineAdminNetworkPolicy applies only where no NetworkPolicy isolates", "[net]") {
  std::string banp =
      "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\n"
      "spec:\n  subject: {namespaces: {}}\n  ingress:\n  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}\n---\n";
  Net n(kTwoPods + banp + Np("b", "allow", "  podSelector: {}\n  ingress:\n  - {}"));
  CHECK(n.Conn("a/web", "a/db") == "No Connections");  // BANP denies
  CHECK(n.Conn("a/web", "b/x") == "All Connections");   // the NP takes over
  CHECK(n.FromIp("1.2.3.4", "a/db") == "All Connections");  // BANP peers are namespaces only
}

const char* kCnpHeader = "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n";

std::string Cnp(const std::string& name, const std::string& tier, int priority, const std::string& rest) {
  return std::string(kCnpHeader) + "metadata: {name: " + name + "}\nspec:\n  tier: " + tier + "\n  priority: " +
         std::to_string(priority) + "\n" + rest + "\n---\n";
}

TEST_CASE("net: ClusterNetworkPolicy: the Admin tier before NetworkPolicies, the Baseline tier after", "[net]") {
  std::string base = Ns("a", "tier: app") + Ns("b", "tier: other") + kTwoPods;
  std::string allow_np = Np("a", "allow", "  podSelector: {}\n  ingress:\n  - {}");
  // Admin Deny on TCP 80 beats the NetworkPolicy's allow.
  std::string deny80 = Cnp("deny80", "Admin", 10,
                           "  subject: {namespaces: {matchLabels: {tier: app}}}\n  ingress:\n  - {name: d, action: Deny, "
                           "from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 80}}}]}");
  Net n(base + allow_np + deny80);
  CHECK(n.Conn("b/x", "a/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535,other protocols");
  CHECK(n.Why("b/x", "a/db", true).find("ClusterNetworkPolicy 'deny80' (tier Admin) ingress rule 'd' denies") !=
        std::string::npos);
  // Accept at a lower priority number wins; AdminNetworkPolicies and
  // Admin-tier ClusterNetworkPolicies share one order.
  std::string anp_allow = std::string(kAnpHeader) +
                          "metadata: {name: allow80}\nspec:\n  priority: 5\n  subject: {namespaces: {matchLabels: {tier: "
                          "app}}}\n  ingress:\n  - {name: a, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: "
                          "{port: 80}}]}\n---\n";
  Net mixed(base + Np("a", "deny", "  podSelector: {}") + deny80 + anp_allow);
  CHECK(mixed.Conn("b/x", "a/db") == "TCP 80");
  std::string accept = Cnp("accept", "Admin", 1,
                           "  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}\n  ingress:\n"
                           "  - {action: Accept, from: [{pods: {namespaceSelector: {matchLabels: {tier: other}}, podSelector: "
                           "{}}}], protocols: [{udp: {destinationPort: {range: {start: 5000, end: 5010}}}}]}");
  Net acc(base + Np("a", "deny", "  podSelector: {}") + accept);
  CHECK(acc.Conn("b/x", "a/db") == "UDP 5000-5010");
  CHECK(acc.Conn("b/x", "a/web") == "No Connections");
  // Pass hands the connection to the NetworkPolicies.
  std::string pass = Cnp("pass", "Admin", 0, "  subject: {namespaces: {}}\n  ingress:\n  - {action: Pass, from: [{namespaces: {}}]}");
  Net passed(base + allow_np + pass + deny80);
  CHECK(passed.Conn("b/x", "a/db") == "All Connections");
  // The Baseline tier applies only where no NetworkPolicy selects the pod,
  // by priority: Accept at 5 before Deny at 10.
  std::string b_deny = Cnp("b-deny", "Baseline", 10, "  subject: {namespaces: {}}\n  ingress:\n  - {action: Deny, from: [{namespaces: {}}]}");
  std::string b_accept = Cnp("b-accept", "Baseline", 5,
                             "  subject: {namespaces: {}}\n  ingress:\n  - {action: Accept, from: [{namespaces: {matchLabels: "
                             "{tier: app}}}]}");
  Net baseline(base + b_deny + b_accept + Np("b", "allow", "  podSelector: {}\n  ingress:\n  - {}"));
  CHECK(baseline.Conn("a/web", "a/db") == "All Connections");  // Accept at priority 5
  CHECK(baseline.Conn("b/x", "a/db") == "No Connections");     // Deny at priority 10
  CHECK(baseline.Conn("a/web", "b/x") == "All Connections");   // the NetworkPolicy takes over
  CHECK(baseline.Why("b/x", "a/db", true).find("ClusterNetworkPolicy 'b-deny' (tier Baseline) ingress rule #1 denies") !=
        std::string::npos);
  // A policy without ingress rules leaves ingress alone.
  Net egress_only(base + Cnp("eg", "Admin", 2, "  subject: {namespaces: {}}\n  egress:\n  - {action: Deny, to: [{networks: [0.0.0.0/0]}]}"));
  CHECK(egress_only.FromIp("1.2.3.4", "a/db") == "All Connections");
  CHECK(egress_only.ToIp("a/db", "1.2.3.4") == "No Connections");
  // Equal priorities in one tier: warned, ordered by name.
  Net same(base + deny80 + Cnp("deny80b", "Admin", 10, "  subject: {namespaces: {}}\n  ingress:\n  - {action: Deny, from: [{namespaces: {}}]}"));
  CHECK(same.Has("anp-same-priority"));
}

TEST_CASE("net: ClusterNetworkPolicy domainNames peers are named as not modeled and accept nothing here", "[net]") {
  std::string base = Ns("a") + Ns("b") + kTwoPods;
  std::string dns = Cnp("dns", "Admin", 1,
                        "  subject: {namespaces: {}}\n  egress:\n  - {action: Accept, to: [{domainNames: ['*.example.com']}]}\n"
                        "  - {action: Deny, to: [{networks: [0.0.0.0/0]}]}");
  Net n(base + dns);
  CHECK(n.Has("unsupported-construct"));
  CHECK(n.ToIp("a/web", "93.184.216.34") == "No Connections");
}

TEST_CASE("net: ANP networks match external ranges and the IPs pods report", "[net]") {
  std::string pod_with_ip =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: ipod, namespace: b}\nspec: {containers: [{name: c, image: x}]}\n"
      "status: {podIP: 10.9.0.5}\n---\n";
  std::string anp = std::string(kAnpHeader) +
                    "metadata: {name: nets}\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - {name: n, "
                    "action: Deny, to: [{networks: [10.9.0.0/16]}]}\n---\n";
  Net n(kTwoPods + pod_with_ip + anp);
  CHECK(n.Conn("a/web", "b/ipod") == "No Connections");
  CHECK(n.Conn("a/web", "b/x") == "All Connections");
  CHECK(n.ToIp("a/web", "10.9.1.1") == "No Connections");
  CHECK(n.ToIp("a/web", "10.8.1.1") == "All Connections");
}

TEST_CASE("net: hostNetwork pods are outside NetworkPolicy unless asked otherwise", "[net]") {
  std::string host =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: a, labels: {app: web}}\nspec: {hostNetwork: true, "
      "containers: [{name: c, image: x}]}\n---\n";
  std::string pol = Np("a", "deny", "  podSelector: {}") +
                    Np("a", "web", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]");
  Net n(kTwoPods + host + pol);
  CHECK(n.Conn("b/x", "a/h") == "All Connections");  // no policy applies to it
  CHECK(n.Conn("a/h", "a/db") == "No Connections");  // nor does a pod selector match it
  Net compat(kTwoPods + host + pol, net::EngineOptions{true});
  CHECK(compat.Conn("b/x", "a/h") == "No Connections");
  CHECK(compat.Conn("a/h", "a/db") == "All Connections");
}

TEST_CASE("net: pods of one controller are one endpoint; equal behaviour shares a class", "[net]") {
  std::string owned;
  for (const char* p : {"r-1", "r-2"})
    owned += std::string("apiVersion: v1\nkind: Pod\nmetadata: {name: ") + p +
             ", namespace: a, labels: {app: r}, ownerReferences: [{kind: ReplicaSet, name: r, controller: true}]}\n"
             "spec: {containers: [{name: c, image: x}]}\n---\n";
  Net n(kTwoPods + owned);
  int pods = 0;
  for (const auto& e : n.engine->endpoints())
    if (e.kind == net::EndpointKind::kPod) ++pods;
  CHECK(pods == 4);
  CHECK(n.engine->endpoints()[n.Ep("a/r")].Display() == "a/r[ReplicaSet]");
  // No policy: every pod behaves alike.
  CHECK(n.engine->endpoints()[n.Ep("a/web")].cls == n.engine->endpoints()[n.Ep("b/x")].cls);
}

TEST_CASE("net: Services and Ingresses lead to their pods' target ports", "[net]") {
  std::string svc =
      "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: a}\nspec:\n  type: LoadBalancer\n  selector: "
      "{app: web}\n  ports:\n  - {name: http, port: 80, targetPort: web-http}\n---\n";
  std::string ing =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: a}\nspec:\n  rules:\n  - http:\n"
      "      paths:\n      - path: /\n        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n---\n";
  Net n(Pod("a", "web", "app: web", "[{name: web-http, containerPort: 8080}]") + svc + ing);
  auto backends = n.engine->IngressBackends();
  REQUIRE(backends.size() == 1);
  CHECK(n.engine->conns().Get(backends[0].ports).Format() == "TCP 8080");
  CHECK(n.engine->ingress_controller() >= 0);
  // hostNetwork pods are outside NetworkPolicy but still back Services.
  std::string host =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: a, labels: {app: web}}\nspec: {hostNetwork: true, "
      "containers: [{name: c, image: x, ports: [{name: web-http, containerPort: 8443}]}]}\n---\n";
  Net hn(host + svc);
  auto targets = hn.engine->ServiceTargets(hn.model.k8s_services.at(0));
  REQUIRE(targets.size() == 1);
  CHECK(hn.engine->conns().Get(targets[0].second).Format() == "TCP 8443");
}

TEST_CASE("net: CIDR parsing and port-set algebra", "[net]") {
  auto r = net::ParseCidr("10.1.2.3/8");
  REQUIRE(r);
  CHECK(net::FormatRange(*r) == "10.0.0.0-10.255.255.255");
  CHECK(net::FormatRange(*net::ParseCidr("2001:db8::/32")) == "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK_FALSE(net::ParseCidr("10.0.0.256/8"));
  CHECK_FALSE(net::ParseCidr("10.0.0.0/33"));
  CHECK_FALSE(net::ParseCidr("1::2::3"));
  CHECK(net::ParseCidr("::ffff:1.2.3.4")->family == 6);
  auto blocks = net::BlockSet(*net::ParseCidr("10.0.0.0/8"), {*net::ParseCidr("10.0.0.0/9"), *net::ParseCidr("10.128.0.0/9")});
  CHECK(blocks.empty());
  net::PortSet a;
  a.Add(net::kTCP, 80, 90);
  net::PortSet b;
  b.Add(net::kTCP, 85, 100);
  CHECK(a.Union(b).Format() == "TCP 80-100");
  CHECK(a.Intersect(b).Format() == "TCP 85-90");
  CHECK(a.Subtract(b).Format() == "TCP 80-84");
  CHECK(net::PortSet::All().Subtract(a).Format() ==
        "ICMP,ICMPv6,SCTP 1-65535,TCP 1-79,91-65535,UDP 1-65535,other protocols");
  net::PortSet spec;
  CHECK(net::ParsePortSpec("8080", &spec));
  CHECK(net::ParsePortSpec("53/udp", &spec));
  CHECK(net::ParsePortSpec("9000-9010/TCP", &spec));
  CHECK(net::ParsePortSpec("SCTP", &spec));
  CHECK(spec.Format() == "SCTP 1-65535,TCP 8080,9000-9010,UDP 53");
  CHECK_FALSE(net::ParsePortSpec("0", &spec));
  CHECK_FALSE(net::ParsePortSpec("70000", &spec));
  CHECK_FALSE(net::ParsePortSpec("10-5/TCP", &spec));
  CHECK_FALSE(net::ParsePortSpec("256/ICMP", &spec));  // ICMP types are 0-255
  CHECK_FALSE(net::ParsePortSpec("3:256/icmp", &spec));
  net::PortSet icmp;
  CHECK(net::ParsePortSpec("8/icmp", &icmp));
  CHECK(net::ParsePortSpec("3:1/ICMP", &icmp));
  CHECK(net::ParsePortSpec("icmpv6", &icmp));
  CHECK(icmp.Format() == "ICMP type 3 code 1,type 8,ICMPv6");
  CHECK(icmp.Contains(net::kICMP, 8 * 256 + 0));
  CHECK_FALSE(icmp.Contains(net::kICMP, 3 * 256 + 2));
  icmp.AddIpProtocol(47);
  icmp.AddIpProtocol(6);
  CHECK(icmp.Format() == "ICMP type 3 code 1,type 8,ICMPv6,TCP 1-65535,protocol 47");
  CHECK(net::FormatOne(net::kICMP, 3 * 256 + 1) == "ICMP type 3 code 1");
  CHECK(net::FormatOne(net::kIp, 47) == "protocol 47");
  net::PortSet all_but;
  all_but.AddIpProtocol(50);
  CHECK(net::PortSet::All().Subtract(all_but).Format() ==
        "ICMP,ICMPv6,SCTP 1-65535,TCP 1-65535,UDP 1-65535,protocol 0,2-5,7-16,18-49,51-57,59-131,133-255");
  CHECK_FALSE(net::ParsePortSpec("http", &spec));
  ConnTable t;
  CHECK(t.Union(t.Intern(a), t.Intern(b)) == t.Intern(a.Union(b)));
  CHECK(t.Intersect(ConnTable::kAll, t.Intern(a)) == t.Intern(a));
}

// Random clusters with every kind of rule: the class matrix (verdicts
// memoized per set of matched rule peers) must equal evaluating each pair
// of class representatives on its own.
std::string RandomCluster(unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* apps[] = {"web", "db", "cache", "api"};
  std::string y;
  for (int i = 0; i < 4; ++i)
    y += Ns("n" + std::to_string(i), std::string("team: t") + std::to_string(i % 2) + ", env: " + (i < 2 ? "prod" : "dev"));
  for (int i = 0; i < 24; ++i) {
    std::string ports;
    switch (pick(4)) {
      case 0: ports = "[{name: http, containerPort: 8080}]"; break;
      case 1: ports = "[{name: http, containerPort: 9090}, {name: dns, containerPort: 53, protocol: UDP}]"; break;
      case 2: ports = "[{name: dns, containerPort: 5353, protocol: UDP}]"; break;
      default: break;
    }
    y += Pod("n" + std::to_string(pick(4)), "p" + std::to_string(i),
             std::string("app: ") + apps[pick(4)] + (pick(2) ? ", tier: front" : ""), ports);
  }
  auto peer = [&]() -> std::string {
    switch (pick(6)) {
      case 0: return std::string("{podSelector: {matchLabels: {app: ") + apps[pick(4)] + "}}}";
      case 1: return "{namespaceSelector: {matchLabels: {team: t" + std::to_string(pick(2)) + "}}}";
      case 2:
        return std::string("{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchExpressions: [{key: "
                           "tier, operator: ") + (pick(2) ? "Exists" : "DoesNotExist") + "}]}}";
      case 3: return "{ipBlock: {cidr: 10.0.0.0/8, except: [10." + std::to_string(pick(4)) + ".0.0/16]}}";
      case 4: return "{ipBlock: {cidr: 0.0.0.0/0}}";
      default: return std::string("{podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [") +
                      apps[pick(4)] + "]}]}}";
    }
  };
  auto ports = [&]() -> std::string {
    switch (pick(5)) {
      case 0: return "";
      case 1: return ", ports: [{port: http}]";
      case 2: return ", ports: [{port: 80}, {port: 8000, endPort: 8100}]";
      case 3: return ", ports: [{protocol: UDP, port: dns}]";
      default: return ", ports: [{protocol: UDP}]";
    }
  };
  for (int i = 0; i < 14; ++i) {
    std::string spec = std::string("  podSelector: ") + (pick(3) ? std::string("{matchLabels: {app: ") + apps[pick(4)] + "}}" : "{}") + "\n";
    for (const char* dir : {"ingress", "egress"}) {
      int k = pick(4);
      if (k == 0) continue;
      spec += std::string("  ") + dir + ":\n";
      for (int r = 0; r < k; ++r) {
        std::string peers;
        int np = pick(3);
        for (int j = 0; j < np; ++j) peers += (j ? ", " : "") + peer();
        std::string pr = ports();
        if (np == 0 && !pr.empty()) pr = pr.substr(2);  // no peers: no leading comma
        spec += std::string("  - {") + (np ? std::string(dir[0] == 'i' ? "from" : "to") + ": [" + peers + "]" : "") +
                pr + "}\n";
      }
    }
    if (pick(4) == 0) spec += "  policyTypes: [Egress]\n";
    y += Np("n" + std::to_string(pick(4)), "np" + std::to_string(i), spec);
  }
  // More peers than a 64-bit mask holds.
  std::string many = "  podSelector: {}\n  ingress:\n  - from: [";
  for (int i = 0; i < 70; ++i) many += (i ? ", " : "") + std::string("{ipBlock: {cidr: 192.0.2.") + std::to_string(i) + "/32}}";
  y += Np("n" + std::to_string(pick(4)), "many", many + "]\n    ports: [{port: http}]");
  y += std::string(kAnpHeader) + "metadata: {name: anp}\nspec:\n  priority: 5\n  subject: {namespaces: {matchLabels: {env: " +
       "prod}}}\n  ingress:\n  - {name: pass, action: Pass, from: [{namespaces: {matchLabels: {team: t1}}}]}\n" +
       "  - {name: deny, action: Deny, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}], " +
       "ports: [{namedPort: http}]}\n  egress:\n  - {name: allow, action: Allow, to: [{networks: [10.1.0.0/16]}]}\n" +
       "  - {name: deny-http, action: Deny, to: [{namespaces: {}}], ports: [{namedPort: http}, {portRange: {start: 1, " +
       "end: 100}}]}\n---\n";
  y += "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\n"
       "spec:\n  subject: {namespaces: {matchLabels: {env: dev}}}\n  ingress:\n  - {name: d, action: Deny, from: "
       "[{namespaces: {matchLabels: {team: t0}}}], ports: [{namedPort: dns}]}\n---\n";
  return y;
}

TEST_CASE("net: the class matrix equals pair-by-pair evaluation", "[net]") {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    Net n(RandomCluster(seed));
    REQUIRE(n.model.k8s_workloads.size() == 24);
    REQUIRE(n.model.k8s_network_policies.size() == 15);
    REQUIRE(n.model.k8s_admin_policies.size() == 2);
    for (const auto& d : testing::Formatted(n.model, n.sink)) CHECK(d.find("error") == std::string::npos);
    auto& e = *n.engine;
    const std::size_t k = e.class_count();
    std::vector<std::uint32_t> rep(k, ~0u);
    for (std::uint32_t i = 0; i < e.endpoints().size(); ++i)
      if (rep[e.endpoints()[i].cls] == ~0u) rep[e.endpoints()[i].cls] = i;
    auto m = e.ClassMatrix();
    REQUIRE(m.size() == k * k);
    std::size_t differ = 0, allowed = 0, partial = 0;
    for (std::size_t s = 0; s < k; ++s)
      for (std::size_t d = 0; d < k; ++d) {
        auto want = e.Allowed(rep[s], rep[d]);
        if (m[s * k + d] != want) ++differ;
        if (want != ConnTable::kNone) ++allowed;
        if (want != ConnTable::kNone && want != ConnTable::kAll) ++partial;
      }
    CHECK(differ == 0);
    // The clusters exercise something: allowed, denied and partial cells.
    CHECK(allowed > 0);
    CHECK(allowed < k * k);
    CHECK(partial > 0);
  }
}

TEST_CASE("net: an engine built for a few endpoints answers as the full engine", "[net]") {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    const std::string yaml = RandomCluster(seed);
    Net full(yaml);
    auto& f = *full.engine;
    std::mt19937 rng(seed);
    for (int q = 0; q < 6; ++q) {
      // Two pods, or a pod and an address range of the right side.
      std::uint32_t a = static_cast<std::uint32_t>(rng() % 24), b = static_cast<std::uint32_t>(rng() % 24);
      auto ext = f.ExternalOverlapping(*net::ParseCidr(q % 2 ? "10.1.2.3" : "8.8.8.8"), q % 3 == 0);
      Model model;
      CollectingSink sink;
      testing::LoadString(model, sink, yaml);
      net::EngineOptions options;
      options.deferred = true;
      net::Engine part(model, sink, options);
      std::vector<std::uint32_t> focus{a, b};
      focus.insert(focus.end(), ext.begin(), ext.end());
      part.Finish(&focus);
      auto same = [&](std::uint32_t s, std::uint32_t d) {
        CAPTURE(f.endpoints()[s].Display(), f.endpoints()[d].Display());
        std::vector<net::Reason> eg1, in1, eg2, in2;
        CHECK(f.conns().Get(f.Allowed(s, d, &eg1, &in1)).Format() ==
              part.conns().Get(part.Allowed(s, d, &eg2, &in2)).Format());
        auto describe = [](net::Engine& e, const std::vector<net::Reason>& rs) {
          std::string out;
          for (const auto& r : rs) out += r.Describe(e.model()) + " " + e.conns().Get(r.conns).Format() + "\n";
          return out;
        };
        CHECK(describe(f, eg1) == describe(part, eg2));
        CHECK(describe(f, in1) == describe(part, in2));
        CHECK(f.endpoints()[s].Display() == part.endpoints()[s].Display());
      };
      REQUIRE(part.HasClass(a));
      same(a, b);
      same(b, a);
      for (auto x : ext) {
        REQUIRE(part.HasClass(x));
        if (q % 3 == 0) same(x, a);
        else same(a, x);
      }
    }
  }
}

TEST_CASE("net: invalid CIDRs and unknown selectors are located diagnostics", "[net]") {
  Net n(kTwoPods + Np("a", "p", "  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/99}}]"));
  auto diags = testing::Formatted(n.model, n.sink);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].find("test.yaml:") == 0);
  CHECK(diags[0].find("'10.0.0.0/99' is not a valid CIDR") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("net reach: every pair, the union, and the first pair allowing the question explains", "[net][queries]") {
  Net n(kTwoPods + Np("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports: [{port: 5432}]"));
  std::vector<std::uint32_t> src{n.Ep("a/web"), n.Ep("b/x")}, dst{n.Ep("a/db")};
  net::ReachAnswer a;
  REQUIRE(net::Reach(*n.engine, src, dst, net::kTCP, 5432, &a));
  CHECK(a.pairs.size() == 2);
  CHECK(a.allowed);
  CHECK(a.witnessed);
  CHECK(a.protocol == net::kTCP);
  CHECK(a.port == 5432);
  CHECK_FALSE(a.ingress.empty());  // the policy's rule is named
  REQUIRE(net::Reach(*n.engine, src, dst, net::kTCP, 80, &a));
  CHECK_FALSE(a.allowed);  // only 5432 is open
  CHECK_FALSE(a.witnessed);
  CHECK(a.shown == 0);
  // An endpoint with itself is no pair.
  CHECK_FALSE(net::Reach(*n.engine, dst, dst, -1, 0, &a));
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("net: ports on the node: hostPort through the pod's policies, hostNetwork without", "[net]") {
  const std::string pods = R"(apiVersion: v1
kind: Pod
metadata: {name: hp, namespace: a, labels: {app: hp}}
spec:
  containers: [{name: c, image: x, ports: [{containerPort: 8080, hostPort: 8443}, {containerPort: 9090}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hn, namespace: a, labels: {app: hn}}
spec:
  hostNetwork: true
  containers: [{name: c, image: x, ports: [{containerPort: 9100}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: a}
spec:
  podSelector: {}
  policyTypes: [Ingress]
)";
  SECTION("no policy: the hostPort and the hostNetwork port") {
    testing::NetCluster n(pods.substr(0, pods.rfind("---")));
    auto x = n.engine->HostExposures();
    REQUIRE(x.size() == 2);
    CHECK(x[0].node_port == 8443);
    CHECK(x[0].container_port == 8080);
    CHECK_FALSE(x[0].host_network);
    CHECK(x[1].node_port == 9100);
    CHECK(x[1].host_network);
  }
  SECTION("a default-deny ingress policy stops the hostPort only") {
    testing::NetCluster n(pods);
    auto x = n.engine->HostExposures();
    REQUIRE(x.size() == 1);
    CHECK(x[0].host_network);
  }
}

}  // namespace
}  // namespace grantpath

// Istio AuthorizationPolicy semantics, one rule per test: the DENY/ALLOW
// order, allow-nothing and allow-all, scope (namespace, root namespace,
// selector), who enforces (a proxy), TCP only, identities of mTLS peers,
// ipBlocks, ports and conditions, request attributes, and istiod's
// validation.
#include <catch2/catch.hpp>

#include "engine/net.h"
#include "net_cluster.h"
#include "test_util.h"

namespace grantpath {
namespace {

using Cluster = testing::NetCluster;

// Everything but TCP, as the engine prints it.
const char* const kNoTcp = "ICMP,ICMPv6,SCTP 1-65535,UDP 1-65535,other protocols";

// A running pod with an Istio sidecar (istio-proxy container) unless
// `proxy` is false.
std::string Pod(const std::string& ns, const std::string& name, const std::string& labels, const std::string& sa,
                bool proxy = true, const std::string& ip = "") {
  std::string containers = "[{name: app, image: x, ports: [{name: http, containerPort: 8080}]}" +
                           std::string(proxy ? ", {name: istio-proxy, image: proxyv2}" : "") + "]";
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: {" + labels +
         "}}\nspec: {serviceAccountName: " +
         sa + ", containers: " + containers + "}\n" + (ip.empty() ? "" : "status: {podIP: " + ip + "}\n") + "---\n";
}

const std::string kPods = Pod("shop", "web", "app: web", "web", true, "10.0.0.1") +
                          Pod("shop", "db", "app: db", "db", true, "10.0.0.2") +
                          Pod("ops", "probe", "app: probe", "probe", true, "10.0.1.1") +
                          Pod("legacy", "job", "app: job", "job", false, "10.0.2.1");

std::string Authz(const std::string& ns, const std::string& name, const std::string& spec) {
  return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: " + name +
         ", namespace: " + ns + "}\nspec:\n" + spec + "\n---\n";
}

TEST_CASE("Istio: an ALLOW policy denies TCP it does not match, and leaves other protocols alone", "[net][istio]") {
  Cluster c(kPods + Authz("shop", "db-from-web", R"(  selector: {matchLabels: {app: db}}
  rules:
  - from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}])"));
  CHECK(c.Conn("shop/web", "shop/db") == "All Connections");
  CHECK(c.Conn("ops/probe", "shop/db") == kNoTcp);
  CHECK(c.Why("ops/probe", "shop/db", true).find("end of tier 'istio-allow'") != std::string::npos);
  CHECK(c.Why("shop/web", "shop/db", true).find("AuthorizationPolicy 'shop/db-from-web' ingress rule #1 allows") !=
        std::string::npos);
  CHECK(c.Conn("ops/probe", "shop/web") == "All Connections");  // not selected
}

TEST_CASE("Istio: DENY is evaluated before ALLOW and wins", "[net][istio]") {
  Cluster c(kPods + Authz("shop", "allow-all", "  rules: [{}]") +
            Authz("shop", "deny-probe", R"(  action: DENY
  rules:
  - from: [{source: {namespaces: [ops]}}]
    to: [{operation: {ports: ["8080"]}}])"));
  CHECK(c.Conn("ops/probe", "shop/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535,other protocols");
  CHECK(c.Conn("shop/web", "shop/db") == "All Connections");
  CHECK(c.Why("ops/probe", "shop/db", true).find("'shop/deny-probe' ingress rule #1 denies") != std::string::npos);
}

TEST_CASE("Istio: no rules allows nothing; rules: [{}] allows everything", "[net][istio]") {
  Cluster none(kPods + Authz("shop", "allow-nothing", "  {}"));
  CHECK(none.Conn("shop/web", "shop/db") == kNoTcp);
  CHECK(none.Conn("ops/probe", "shop/web") == kNoTcp);
  Cluster all(kPods + Authz("shop", "allow-nothing", "  {}") + Authz("shop", "allow-all", "  rules: [{}]"));
  CHECK(all.Conn("ops/probe", "shop/web") == "All Connections");
}

TEST_CASE("Istio: the root namespace applies mesh-wide; rootNamespace comes from the istio ConfigMap",
          "[net][istio]") {
  Cluster c(kPods + Authz("istio-system", "deny-all", "  {}"));
  CHECK(c.Conn("shop/web", "ops/probe") == kNoTcp);
  CHECK(c.Conn("shop/web", "shop/db") == kNoTcp);
  Cluster other(kPods + Authz("mesh-root", "deny-all", "  {}"));
  CHECK(other.Conn("shop/web", "ops/probe") == "All Connections");  // an ordinary namespace without pods
  Cluster configured(kPods + Authz("mesh-root", "deny-all", "  {}") + R"(apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    accessLogFile: /dev/stdout
    rootNamespace: mesh-root
    trustDomain: example.org
---
)");
  CHECK(configured.Conn("shop/web", "ops/probe") == kNoTcp);
}

TEST_CASE("Istio: the trust domain is part of the principal", "[net][istio]") {
  const std::string policy = Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules: [{from: [{source: {principals: ["example.org/ns/shop/sa/web"]}}]}])");
  Cluster c(kPods + policy);
  CHECK(c.Conn("shop/web", "shop/db") == kNoTcp);
  Cluster td(kPods + policy + R"(apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "trustDomain: example.org"}
---
)");
  CHECK(td.Conn("shop/web", "shop/db") == "All Connections");
}

TEST_CASE("Istio: a pod without a proxy enforces nothing and presents no identity", "[net][istio]") {
  Cluster c(kPods + Authz("legacy", "allow-nothing", "  {}") +
            Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules: [{from: [{source: {namespaces: [legacy, ops]}}]}])"));
  CHECK(c.Conn("shop/web", "legacy/job") == "All Connections");
  CHECK(c.Why("shop/web", "legacy/job", true).find("AuthorizationPolicy 'legacy/allow-nothing' selects the pod, which "
                                                   "has no Istio proxy: not enforced") != std::string::npos);
  CHECK(c.Conn("legacy/job", "shop/db") == kNoTcp);  // plaintext: no namespace
  CHECK(c.Conn("ops/probe", "shop/db") == "All Connections");
  // notNamespaces: a source without identity has no namespace, so it is not excluded.
  Cluster n(kPods + Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules: [{from: [{source: {notNamespaces: [legacy, ops]}}]}])"));
  CHECK(n.Conn("legacy/job", "shop/db") == "All Connections");
  CHECK(n.Conn("ops/probe", "shop/db") == kNoTcp);
}

TEST_CASE("Istio: injection decides for pod templates: namespace label, pod label, opt-out", "[net][istio]") {
  const std::string deploy = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: team}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: x}]}
---
)";
  const std::string deny = Authz("team", "allow-nothing", "  {}");
  Cluster plain(kPods + deploy + deny);
  CHECK(plain.Conn("shop/web", "team/api") == "All Connections");
  Cluster injected(kPods + deploy + deny +
                   "apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {istio-injection: enabled}}\n---\n");
  CHECK(injected.Conn("shop/web", "team/api") == kNoTcp);
  Cluster revision(kPods + deploy + deny +
                   "apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {istio.io/rev: canary}}\n---\n");
  CHECK(revision.Conn("shop/web", "team/api") == kNoTcp);
  std::string opted_out = deploy;
  opted_out.replace(opted_out.find("labels: {app: api}}"), 19, "labels: {app: api, sidecar.istio.io/inject: \"false\"}}");
  Cluster out(kPods + opted_out + deny +
              "apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {istio-injection: enabled}}\n---\n");
  CHECK(out.Conn("shop/web", "team/api") == "All Connections");
}

TEST_CASE("Istio: ipBlocks match outside addresses and pod addresses; notIpBlocks cut them", "[net][istio]") {
  Cluster c(kPods + Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules:
  - from: [{source: {ipBlocks: ["203.0.113.0/24", "10.0.0.1"], notIpBlocks: ["203.0.113.7"]}}])"));
  CHECK(c.FromIp("203.0.113.9/32", "shop/db") == "All Connections");
  CHECK(c.FromIp("203.0.113.7/32", "shop/db") == kNoTcp);
  CHECK(c.FromIp("198.51.100.1/32", "shop/db") == kNoTcp);
  CHECK(c.Conn("shop/web", "shop/db") == "All Connections");  // 10.0.0.1
  CHECK(c.Conn("ops/probe", "shop/db") == kNoTcp);
}

TEST_CASE("Istio: ports and notPorts of operations, destination.port and source conditions", "[net][istio]") {
  Cluster c(kPods + Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules:
  - to: [{operation: {ports: ["5432", "8080"]}}, {operation: {notPorts: ["8080"]}}]
    when: [{key: destination.port, values: ["5432"]}, {key: source.namespace, values: [shop]}])"));
  CHECK(c.Conn("shop/web", "shop/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 5432,UDP 1-65535,other protocols");
  CHECK(c.Conn("ops/probe", "shop/db") == kNoTcp);
}

TEST_CASE("Istio: request attributes restrict requests, not the connection; DENY says so", "[net][istio]") {
  Cluster allow(kPods + Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules:
  - from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}]
    to: [{operation: {methods: [GET], paths: ["/api/*"]}}])"));
  CHECK(allow.Conn("shop/web", "shop/db") == "All Connections");
  CHECK(allow.Why("shop/web", "shop/db", true).find("only requests with methods GET, paths /api/*") !=
        std::string::npos);
  Cluster deny(kPods + Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  action: DENY
  rules:
  - from: [{source: {namespaces: [ops]}}]
    to: [{operation: {methods: [POST]}}])"));
  CHECK(deny.Conn("ops/probe", "shop/db") == "All Connections");
  CHECK(deny.Why("ops/probe", "shop/db", true).find("denies requests with methods POST") != std::string::npos);
  // A DENY rule whose operations include one without request attributes
  // denies that part outright.
  Cluster mixed(kPods + Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  action: DENY
  rules:
  - from: [{source: {namespaces: [ops]}}]
    to: [{operation: {methods: [POST]}}, {operation: {ports: ["9000"]}}])"));
  CHECK(mixed.Conn("ops/probe", "shop/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-8999,9001-65535,UDP 1-65535,other protocols");
}

TEST_CASE("Istio: dry-run, AUDIT, CUSTOM and targetRef policies do not decide, and are said", "[net][istio]") {
  Cluster c(kPods +
            "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: dry, namespace: shop, "
            "annotations: {istio.io/dry-run: \"true\"}}\nspec: {}\n---\n" +
            Authz("shop", "audit", "  action: AUDIT\n  rules: [{}]") +
            Authz("shop", "custom", "  action: CUSTOM\n  provider: {name: ext}\n  rules: [{}]") +
            Authz("shop", "gw", "  targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: gw}"));
  CHECK(c.Conn("ops/probe", "shop/db") == "All Connections");
  CHECK(c.Has("unsupported-construct"));
  CHECK(c.Has("policy-enforcement"));
}

TEST_CASE("Istio: what istiod rejects is a located error and the policy is skipped", "[net][istio]") {
  for (const std::string spec : {"  action: DENY", "  action: MAYBE\n  rules: [{}]",
                                  "  rules: [{from: []}]", "  rules: [{from: [{source: {}}]}]",
                                  "  rules: [{to: [{operation: {ports: [\"http\"]}}]}]",
                                  "  rules: [{when: [{key: source.ip}]}]",
                                  "  rules: [{when: [{key: destination.port, values: [http]}]}]",
                                  "  provider: {name: x}\n  rules: [{}]",
                                  "  selector: {matchLabels: {app: db}}\n  targetRef: {kind: Gateway, name: g}",
                                  "  rules: [{from: [{source: {serviceAccounts: [web]}}]}]"}) {
    INFO(spec);
    Cluster c(kPods + Authz("shop", "bad", spec));
    CHECK(c.Has("invalid-value"));
    CHECK(c.model.istio_authz.empty());
  }
  // An address istiod cannot parse: the policy is not evaluated.
  Cluster addr(kPods + Authz("shop", "bad", "  rules: [{from: [{source: {ipBlocks: [\"10.0.0.300\"]}}]}]"));
  CHECK(addr.Has("invalid-cidr"));
  CHECK(addr.Conn("ops/probe", "shop/db") == "All Connections");
}

std::string PeerAuth(const std::string& ns, const std::string& name, const std::string& spec,
                     const std::string& created = "") {
  return "apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: " + name +
         ", namespace: " + ns + (created.empty() ? "" : ", creationTimestamp: \"" + created + "\"") + "}\nspec:\n" +
         spec + "\n---\n";
}

TEST_CASE("Istio PeerAuthentication: STRICT refuses sources without a proxy, on TCP", "[net][istio]") {
  Cluster c(kPods + PeerAuth("istio-system", "default", "  mtls: {mode: STRICT}"));
  CHECK(c.Conn("legacy/job", "shop/db") == kNoTcp);
  CHECK(c.FromIp("198.51.100.1/32", "shop/db") == kNoTcp);
  CHECK(c.Conn("shop/web", "shop/db") == "All Connections");
  CHECK(c.Conn("shop/web", "legacy/job") == "All Connections");  // no sidecar: nothing enforced
  CHECK(c.Why("legacy/job", "shop/db", true).find("PeerAuthentication 'istio-system/default' ingress rule (mTLS STRICT) "
                                                  "denies; only mutual TLS is accepted") != std::string::npos);
}

TEST_CASE("Istio PeerAuthentication: namespace over mesh, workload over namespace, UNSET inherits, ports last",
          "[net][istio]") {
  const std::string mesh = PeerAuth("istio-system", "default", "  mtls: {mode: STRICT}");
  Cluster ns(kPods + mesh + PeerAuth("shop", "default", "  mtls: {mode: PERMISSIVE}"));
  CHECK(ns.Conn("legacy/job", "shop/db") == "All Connections");
  CHECK(ns.Conn("legacy/job", "ops/probe") == kNoTcp);
  Cluster unset(kPods + mesh + PeerAuth("shop", "default", "  mtls: {mode: UNSET}"));
  CHECK(unset.Conn("legacy/job", "shop/db") == kNoTcp);
  Cluster port(kPods + PeerAuth("shop", "db", R"(  selector: {matchLabels: {app: db}}
  mtls: {mode: PERMISSIVE}
  portLevelMtls: {5432: {mode: STRICT}})"));
  CHECK(port.Conn("legacy/job", "shop/db") ==
        "ICMP,ICMPv6,SCTP 1-65535,TCP 1-5431,5433-65535,UDP 1-65535,other protocols");
  CHECK(port.Conn("legacy/job", "shop/web") == "All Connections");
  Cluster hole(kPods + mesh + PeerAuth("shop", "db", R"(  selector: {matchLabels: {app: db}}
  portLevelMtls: {8080: {mode: DISABLE}})"));
  CHECK(hole.Conn("legacy/job", "shop/db") == "ICMP,ICMPv6,SCTP 1-65535,TCP 8080,UDP 1-65535,other protocols");
}

TEST_CASE("Istio PeerAuthentication: the oldest of two applies and is said; istiod's validation", "[net][istio]") {
  Cluster two(kPods + PeerAuth("istio-system", "new", "  mtls: {mode: PERMISSIVE}", "2024-05-01T00:00:00Z") +
              PeerAuth("istio-system", "old", "  mtls: {mode: STRICT}", "2023-01-01T00:00:00Z"));
  CHECK(two.Conn("legacy/job", "shop/db") == kNoTcp);
  CHECK(two.Has("duplicate-object"));
  for (const std::string spec : {"  mtls: {mode: STRICTEST}", "  portLevelMtls: {8080: {mode: STRICT}}",
                                  "  selector: {matchLabels: {app: db}}\n  portLevelMtls: {0: {mode: STRICT}}",
                                  "  selector: {matchLabels: {app: db}}\n  portLevelMtls: {}"}) {
    INFO(spec);
    Cluster c(kPods + PeerAuth("shop", "bad", spec));
    CHECK(c.Has("invalid-value"));
    CHECK(c.model.istio_peer_auth.empty());
  }
  // DISABLE where rules name identities: said.
  Cluster off(kPods + PeerAuth("shop", "default", "  mtls: {mode: DISABLE}") +
              Authz("shop", "db", "  rules: [{from: [{source: {namespaces: [shop]}}]}]"));
  CHECK(off.Has("unsupported-construct"));
}

TEST_CASE("Istio: the class matrix and a focused engine answer as pair-by-pair evaluation", "[net][istio]") {
  const std::string yaml = kPods + Authz("shop", "allow-nothing", "  {}") +
                           Authz("shop", "db", R"(  selector: {matchLabels: {app: db}}
  rules:
  - from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}, {source: {ipBlocks: ["203.0.113.0/24"]}}]
    to: [{operation: {ports: ["5432"]}}])") +
                           PeerAuth("istio-system", "default", "  mtls: {mode: STRICT}") +
                           Authz("istio-system", "deny-probe", R"(  action: DENY
  rules: [{from: [{source: {namespaces: [ops]}}], to: [{operation: {ports: ["8080"]}}]}])") +
                           R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 5432}, {port: 8080}]}]
---
)";
  Cluster c(yaml);
  auto& e = *c.engine;
  const std::size_t k = e.class_count();
  std::vector<std::uint32_t> rep(k, ~0u);
  for (std::uint32_t i = 0; i < e.endpoints().size(); ++i)
    if (rep[e.endpoints()[i].cls] == ~0u) rep[e.endpoints()[i].cls] = i;
  auto m = e.ClassMatrix();
  std::size_t differ = 0, partial = 0;
  for (std::size_t s = 0; s < k; ++s)
    for (std::size_t d = 0; d < k; ++d) {
      auto want = e.Allowed(rep[s], rep[d]);
      differ += m[s * k + d] != want;
      partial += want != net::ConnTable::kNone && want != net::ConnTable::kAll;
    }
  CHECK(differ == 0);
  CHECK(partial > 0);
  // Both layers: the NetworkPolicy's TCP 5432 and 8080, Istio's 5432 from web.
  CHECK(c.Conn("shop/web", "shop/db") == "TCP 5432");
  CHECK(c.Conn("ops/probe", "shop/db") == "No Connections");
  // Focused on two pods, the same answers.
  testing::NetCluster full(yaml);
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, yaml);
  net::EngineOptions opt;
  opt.deferred = true;
  net::Engine focused(model, sink, opt);
  std::vector<std::uint32_t> focus = {static_cast<std::uint32_t>(focused.FindPod("shop", "web")),
                                      static_cast<std::uint32_t>(focused.FindPod("shop", "db")),
                                      static_cast<std::uint32_t>(focused.FindPod("ops", "probe"))};
  focused.Finish(&focus);
  for (auto s : focus)
    for (auto d : focus)
      if (s != d)
        CHECK(focused.conns().Get(focused.Allowed(s, d)).Format() ==
              full.engine->conns().Get(full.engine->Allowed(s, d)).Format());
}

}  // namespace
}  // namespace grantpath

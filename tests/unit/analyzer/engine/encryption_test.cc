// Encryption in transit (docs/encryption.md), one test per rule.
#include <catch2/catch.hpp>

#include "engine/encryption.h"
#include "test_util.h"

namespace grantpath {
namespace {

std::vector<overlay::Status> Report(const std::string& text, CollectingSink* sink_out = nullptr) {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, text);
  overlay::ValidateOverlaySettings(model, sink);
  if (sink_out) *sink_out = sink;
  return overlay::EncryptionReport(model);
}

const char* kFelix = "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec:\n";
const char* kPool = "---\napiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: p4}\nspec: {cidr: 10.0.0.0/16, vxlanMode: CrossSubnet}\n";

TEST_CASE("Encryption: Calico encrypts only with WireGuard on in FelixConfiguration 'default'", "[overlay]") {
  auto off = Report(std::string(kFelix) + "  logSeverityScreen: Info\n" + kPool);
  REQUIRE(off.size() == 1);
  CHECK(off[0].state == overlay::State::kClear);
  CHECK(off[0].encapsulation == "VXLAN (CrossSubnet) in pool 'p4'");
  CHECK(off[0].decided_by == "FelixConfiguration 'default' wireguardEnabled (absent)");
  auto on = Report(std::string(kFelix) + "  wireguardEnabled: true\n" + kPool);
  CHECK(on[0].state == overlay::State::kEncrypted);
  CHECK(on[0].where.begin.line == 5);
  // IPv6 pools need wireguardEnabledV6 as well.
  auto v6 = Report(std::string(kFelix) + "  wireguardEnabled: true\n" + kPool +
                   "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p6}\nspec: {cidr: 'fd00::/48'}\n");
  CHECK(v6[0].state == overlay::State::kClear);
  CHECK(v6[0].decided_by.find("wireguardEnabledV6") != std::string::npos);
}

TEST_CASE("Encryption: a Calico IPPool without FelixConfiguration 'default' is unknown", "[overlay]") {
  auto r = Report(std::string(kPool).substr(4));
  REQUIRE(r.size() == 1);
  CHECK(r[0].state == overlay::State::kUnknown);
}

TEST_CASE("Encryption: Cilium's cilium-config and Helm values", "[overlay]") {
  const char* cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\ndata:\n";
  auto none = Report(std::string(cm) + "  routing-mode: native\n");
  REQUIRE(none.size() == 1);
  CHECK(none[0].state == overlay::State::kClear);
  CHECK(none[0].encapsulation == "native routing");
  auto wg = Report(std::string(cm) + "  enable-wireguard: \"true\"\n  tunnel-protocol: geneve\n");
  CHECK(wg[0].state == overlay::State::kEncrypted);
  CHECK(wg[0].encapsulation == "WireGuard over tunnel (geneve)");
  auto ipsec = Report(std::string(cm) + "  enable-ipsec: \"true\"\n");
  CHECK(ipsec[0].state == overlay::State::kEncrypted);
  auto helm = Report("cluster: {name: c1}\nencryption:\n  enabled: true\n  type: wireguard\nroutingMode: native\n");
  REQUIRE(helm.size() == 1);
  CHECK(helm[0].state == overlay::State::kEncrypted);
  CHECK(helm[0].encapsulation == "WireGuard over native routing");
  auto helm_off = Report("ipam: {mode: kubernetes}\nencryption:\n  enabled: false\n");
  CHECK(helm_off[0].state == overlay::State::kClear);
}

TEST_CASE("Encryption: Flannel's backend decides; no Backend means udp; keys are case-insensitive", "[overlay]") {
  auto cm = [](const std::string& conf) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg}\ndata:\n  net-conf.json: |\n    " +
           conf + "\n";
  };
  auto udp = Report(cm("{\"network\": \"10.244.0.0/16\"}"));
  REQUIRE(udp.size() == 1);
  CHECK(udp[0].encapsulation == "udp backend");
  CHECK(udp[0].state == overlay::State::kClear);
  auto wg = Report(cm("{\"Network\": \"10.244.0.0/16\", \"backend\": {\"type\": \"wireguard\"}}"));
  CHECK(wg[0].state == overlay::State::kEncrypted);
  auto vx = Report(cm("{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"vxlan\"}}"));
  CHECK(vx[0].state == overlay::State::kClear);
  CHECK(vx[0].where.begin.line == 6);  // the value inside the block scalar
}

TEST_CASE("Encryption: flanneld's refusals are located errors", "[overlay]") {
  CollectingSink sink;
  Report("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg}\ndata:\n  net-conf.json: |\n"
         "    {\"Network\": \"10.0.0.0/30\"}\n",
         &sink);
  REQUIRE(sink.diagnostics().size() == 1);
  CHECK(sink.diagnostics()[0].message.find("network is too small") != std::string::npos);
  CHECK(sink.diagnostics()[0].where.begin.line == 6);
  auto c = overlay::EvaluateFlannel({{"Network", "10.0.0.0/16"}, {"SubnetMin", "10.0.1.5"}});
  CHECK(c.error == "SubnetMin is not on a SubnetLen boundary");
  auto big = overlay::EvaluateFlannel({{"Network", "10.0.0.0/16"}, {"SubnetLen", "31"}});
  CHECK(big.error == "SubnetLen must be less than /31");
}

TEST_CASE("Encryption: Calico values the API server rejects are located errors", "[overlay]") {
  CollectingSink sink;
  Report("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n  cidr: 10.0.0.0/16\n"
         "  ipipMode: always\n",
         &sink);
  REQUIRE(sink.diagnostics().size() == 1);
  CHECK(sink.diagnostics()[0].where.begin.line == 6);
  CHECK(sink.diagnostics()[0].message.find("ipipMode must be Never, Always or CrossSubnet") != std::string::npos);
}

TEST_CASE("Encryption: a malformed IPv6 pool CIDR is a located error, not a crash (fuzzer-found)", "[overlay]") {
  for (const char* cidr : {"':x/16'", "':/16'", "'fffff::/64'", "'1.2.3/16'", "'1.2.3.4/'"}) {
    CollectingSink sink;
    Report(std::string("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n  cidr: ") + cidr +
               "\n",
           &sink);
    INFO(cidr);
    REQUIRE(sink.diagnostics().size() == 1);
    CHECK(sink.diagnostics()[0].message.find("is not a CIDR") != std::string::npos);
    CHECK(sink.diagnostics()[0].where.begin.line == 5);
  }
}

TEST_CASE("Encryption: Docker overlays encrypt only with driver_opts encrypted; the routing mesh never", "[overlay]") {
  auto r = Report(R"(name: st
services:
  web:
    image: x
    networks: [a, b]
    ports: ["443:443"]
    deploy: {replicas: 2}
networks:
  a: {driver: overlay}
  b:
    driver: overlay
    driver_opts: {encrypted: ""}
)");
  REQUIRE(r.size() == 3);
  CHECK(r[0].scope == "stack 'st' network 'a'");
  CHECK(r[0].state == overlay::State::kClear);
  CHECK(r[1].state == overlay::State::kEncrypted);
  CHECK(r[2].scope == "stack 'st' routing mesh (ingress network)");
  CHECK(r[2].state == overlay::State::kClear);
}

}  // namespace
}  // namespace grantpath

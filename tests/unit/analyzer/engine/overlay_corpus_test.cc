// Corpus agreement for overlays (../shared/corpora):
// - docker/compose: every awesome-compose and docker/compose e2e file parses
//   with no error; the parse agrees with derived-network-membership.json
//   (differences in tests/corpus/docker/compose-differences.tsv, kept
//   current by this test); Docker's own compose-bridge translation to
//   NetworkPolicies gives the same service-to-service reachability as the
//   Compose engine; the e2e network facts of docker/compose hold.
// - flannel: flanneld's config parse cases.
// - calico/tiers: the validator's IPPool and FelixConfiguration cases
//   about encapsulation, pools and WireGuard (tests/corpus/calico/overlay-cases.json).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/compose_net.h"
#include "engine/encryption.h"
#include "engine/net.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ComposeDir() {
  std::string c = testing::CorporaDir();
  if (c.empty()) return "";
  std::string d = c + "/docker/compose";
  if (!fs::exists(d)) FAIL("corpus missing: " << d);
  return d;
}

struct Loaded {
  Model model;
  CollectingSink sink;
};

std::unique_ptr<Loaded> LoadPath(const std::string& path) {
  auto l = std::make_unique<Loaded>();
  testing::LoadString(l->model, l->sink, testing::ReadFile(path), path);
  return l;
}

std::string PortText(const docker::Publish& p) {
  auto r = [](int lo, int hi) { return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi); };
  return (p.host_ip.empty() ? "" : p.host_ip + ":") + (p.published_lo ? r(p.published_lo, p.published_hi) : "") +
         "->" + r(p.target_lo, p.target_hi) + "/" + p.protocol;
}

std::string JsonPortText(const json& p) {
  auto s = [](const json& v) { return v.is_null() ? std::string() : v.is_string() ? v.get<std::string>() : v.dump(); };
  std::string ip = s(p.value("host_ip", json()));
  return (ip.empty() ? "" : ip + ":") + s(p.value("published", json())) + "->" + s(p["target"]) + "/" +
         s(p.value("protocol", json("tcp")));
}

TEST_CASE("Compose corpus: every file parses without error and agrees with the derived membership", "[compose][corpus]") {
  std::string dir = ComposeDir();
  if (dir.empty()) return;
  json derived = json::parse(testing::ReadFile(dir + "/derived-network-membership.json"));
  std::vector<std::string> diffs;
  std::size_t files = 0, services = 0, agreeing = 0;
  for (const auto& f : derived["files"]) {
    std::string rel = f["file"];
    auto l = LoadPath(dir + "/" + rel);
    ++files;
    for (const auto& d : l->sink.diagnostics()) {
      INFO(rel << ": " << d.message);
      CHECK(d.level != DiagLevel::kError);
    }
    REQUIRE(l->model.docker_projects.size() == 1);
    std::map<std::string, const docker::Service*> by_name;
    for (const auto& s : l->model.docker_services) by_name[s.name] = &s;
    for (const auto& [name, exp] : f["services"].items()) {
      ++services;
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        diffs.push_back(rel + "\t" + name + "\tmissing");
        continue;
      }
      const docker::Service& s = *it->second;
      std::set<std::string> ours, theirs;
      if (exp.contains("network_mode")) {
        theirs.insert("mode:" + exp["network_mode"].get<std::string>());
      } else {
        for (const auto& n : exp["networks"]) theirs.insert(n.get<std::string>());
      }
      if (!s.network_mode.empty()) ours.insert("mode:" + s.network_mode);
      for (const auto& a : s.networks) ours.insert(a.network);
      if (s.implicit_default) ours.insert("default");
      std::multiset<std::string> ports_ours, ports_theirs;
      for (const auto& p : s.ports) ports_ours.insert(PortText(p));
      for (const auto& p : exp["ports"]) ports_theirs.insert(JsonPortText(p));
      std::set<std::string> ex_ours, ex_theirs;
      for (const auto& e : s.expose) ex_ours.insert(e.first);
      for (const auto& e : exp["expose"]) ex_theirs.insert(e.is_string() ? e.get<std::string>() : e.dump());
      bool ok = true;
      auto join = [](const auto& set) {
        std::string out;
        for (const auto& x : set) out += (out.empty() ? "" : ",") + x;
        return out;
      };
      if (ours != theirs) ok = false, diffs.push_back(rel + "\t" + name + "\tnetworks\t" + join(ours) + "\t" + join(theirs));
      if (ports_ours != ports_theirs)
        ok = false, diffs.push_back(rel + "\t" + name + "\tports\t" + join(ports_ours) + "\t" + join(ports_theirs));
      if (ex_ours != ex_theirs) ok = false, diffs.push_back(rel + "\t" + name + "\texpose\t" + join(ex_ours) + "\t" + join(ex_theirs));
      agreeing += ok;
    }
  }
  testing::CheckDifferences(testing::SourceDir() + "/tests/corpus/docker/compose-differences.tsv",
                            "# file\tservice\tfield\tgrantpath\tderived\treason (kept current by overlay_corpus_test.cc)",
                            diffs);
  WARN("Compose corpus: " << files << " files, " << agreeing << " of " << services
                          << " services agree with the derived membership");
  CHECK(files == 46);
}

TEST_CASE("Compose corpus: compose-bridge's NetworkPolicies give the Compose engine's reachability", "[compose][corpus]") {
  std::string dir = ComposeDir();
  if (dir.empty()) return;
  std::string base = dir + "/docker-compose-e2e/pkg/e2e/fixtures/bridge";
  auto compose_in = LoadPath(base + "/compose.yaml");
  compose::Engine ce(compose_in->model, compose_in->sink);
  Model k8s;
  CollectingSink sink;
  for (const auto& e : fs::directory_iterator(base + "/expected-kubernetes/base"))
    if (e.path().extension() == ".yaml") testing::LoadString(k8s, sink, testing::ReadFile(e.path().string()), e.path().string());
  net::Engine ke(k8s, sink);
  std::vector<std::string> names = {"serviceA", "serviceB"};
  int checked = 0;
  for (const auto& a : names)
    for (const auto& b : names) {
      if (a == b) continue;
      auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
      };
      int ka = ke.FindPod("bridge", lower(a)), kb = ke.FindPod("bridge", lower(b));
      REQUIRE(ka >= 0);
      REQUIRE(kb >= 0);
      bool k8s_allowed = ke.Allowed(ka, kb) != net::ConnTable::kNone;
      int ca = ce.Find("bridge", a), cb = ce.Find("bridge", b);
      REQUIRE(ca >= 0);
      REQUIRE(cb >= 0);
      bool compose_allowed = !ce.Allowed(ca, cb).empty();
      INFO(a << " -> " << b);
      CHECK(k8s_allowed == compose_allowed);
      ++checked;
    }
  CHECK(checked == 2);
  // The published Services carry the published ports.
  std::map<std::string, int> published;
  for (const auto& s : k8s.k8s_services)
    if (s.meta.name.size() > 10 && s.meta.name.substr(s.meta.name.size() - 10) == "-published")
      for (const auto& p : s.ports) published[s.meta.name] = p.port;
  CHECK(published["servicea-published"] == compose_in->model.docker_services.at(0).ports.at(0).published_lo);
  CHECK(published["serviceb-published"] == compose_in->model.docker_services.at(1).ports.at(0).published_lo);
}

TEST_CASE("Compose corpus: docker/compose e2e network facts", "[compose][corpus]") {
  std::string dir = ComposeDir();
  if (dir.empty()) return;
  std::string e2e = dir + "/docker-compose-e2e/pkg/e2e";
  {  // network-test: names, the ephemeral published port, the shared namespace
    auto l = LoadPath(e2e + "/fixtures/network-test/compose.yaml");
    compose::Engine e(l->model, l->sink);
    std::map<std::string, std::string> names;
    for (const auto& n : l->model.docker_networks) names[n.key] = n.name;
    CHECK(names["dbnet"] == "network-test_dbnet");
    CHECK(names["servicenet"] == "microservices");
    int web = e.Find("network-test", "web"), mydb = e.Find("network-test", "mydb"), db = e.Find("network-test", "db");
    REQUIRE(web >= 0);
    CHECK(e.Allowed(e.external(), web).Format() == "TCP 80");
    CHECK(e.NamespaceOwner(mydb) == static_cast<std::uint32_t>(db));
    int words = e.Find("network-test", "words");
    CHECK_FALSE(e.Allowed(words, mydb).empty());  // dbnet, through db's namespace
  }
  {  // TestNetworkAliases: container1 reaches container2 (default network)
    auto l = LoadPath(e2e + "/testdata/TestNetworkAliases/compose.yaml");
    compose::Engine e(l->model, l->sink);
    CHECK_FALSE(e.Allowed(e.Find("testnetworkaliases", "container1"), e.Find("testnetworkaliases", "container2")).empty());
  }
  {  // TestNetworkLinks: container2 reaches container1 on the default bridge
    auto l = LoadPath(e2e + "/testdata/TestNetworkLinks/compose.yaml");
    compose::Engine e(l->model, l->sink);
    CHECK_FALSE(e.Allowed(e.Find("testnetworklinks", "container2"), e.Find("testnetworklinks", "container1")).empty());
  }
  {  // TestNetworkModes: mydb uses db's namespace
    auto l = LoadPath(e2e + "/testdata/TestNetworkModes/compose.yaml");
    compose::Engine e(l->model, l->sink);
    CHECK(e.NamespaceOwner(e.Find("testnetworkmodes", "mydb")) ==
          static_cast<std::uint32_t>(e.Find("testnetworkmodes", "db")));
  }
}

TEST_CASE("Flannel corpus: flanneld's config parse cases", "[overlay][corpus]") {
  std::string c = testing::CorporaDir();
  if (c.empty()) return;
  json cases = json::parse(testing::ReadFile(c + "/flannel/expected-config-cases.json"));
  int n = 0;
  for (const auto& tc : cases["cases"]) {
    INFO(tc["name"].get<std::string>());
    // Through the parser: the net-conf.json of a kube-flannel-cfg ConfigMap.
    Model m;
    CollectingSink sink;
    std::string conf = tc["net-conf.json"];
    testing::LoadString(m, sink,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg, namespace: kube-flannel}\n"
                        "data:\n  net-conf.json: |\n    " + conf + "\n");
    std::map<std::string, std::string> keys;
    for (const auto& s : m.cni_settings)
      if (s.present) keys[s.key] = s.value;
    auto cfg = overlay::EvaluateFlannel(keys);
    CHECK(cfg.error == "");
    const json& e = tc["expect"];
    if (e.contains("Network")) CHECK(cfg.network == e["Network"].get<std::string>());
    if (e.contains("SubnetMin")) CHECK(cfg.subnet_min == e["SubnetMin"].get<std::string>());
    if (e.contains("SubnetMax")) CHECK(cfg.subnet_max == e["SubnetMax"].get<std::string>());
    if (e.contains("SubnetLen")) CHECK(cfg.subnet_len == e["SubnetLen"].get<int>());
    if (e.contains("EnableIPv4")) CHECK(cfg.enable_ipv4 == e["EnableIPv4"].get<bool>());
    if (e.contains("BackendType")) CHECK(cfg.backend_type == e["BackendType"].get<std::string>());
    if (e.contains("IPv6Network")) CHECK(cfg.ipv6_network == e["IPv6Network"].get<std::string>());
    if (e.contains("IPv6SubnetMin")) CHECK(cfg.ipv6_subnet_min == e["IPv6SubnetMin"].get<std::string>());
    if (e.contains("IPv6SubnetMax")) CHECK(cfg.ipv6_subnet_max == e["IPv6SubnetMax"].get<std::string>());
    if (e.contains("IPv6SubnetLen")) CHECK(cfg.ipv6_subnet_len == e["IPv6SubnetLen"].get<int>());
    ++n;
  }
  CHECK(n == 4);
  // The derived encryption table: only wireguard and ipsec encrypt.
  for (const auto& [backend, encrypts] : cases["derived_encryption_table"].items()) {
    if (backend == "note") continue;
    Model m;
    CollectingSink sink;
    testing::LoadString(m, sink,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg}\ndata:\n  net-conf.json: "
                        "'{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"" + backend + "\"}}'\n");
    auto report = overlay::EncryptionReport(m);
    REQUIRE(report.size() == 1);
    INFO(backend);
    CHECK((report[0].state == overlay::State::kEncrypted) == encrypts.get<bool>());
  }
}

TEST_CASE("Calico corpus: the validator's pool, encapsulation and WireGuard cases", "[overlay][corpus]") {
  if (testing::CorporaDir().empty()) return;  // the cases are derived from the corpus; keep them paired
  json cases = json::parse(testing::ReadFile(testing::SourceDir() + "/tests/corpus/calico/overlay-cases.json"));
  int agree = 0, total = 0;
  for (const auto& tc : cases["cases"]) {
    Model m;
    CollectingSink sink;
    testing::LoadString(m, sink, tc["yaml"].get<std::string>(), "case.yaml");
    bool rejected = false;
    for (const auto& d : sink.diagnostics()) rejected |= d.level == DiagLevel::kError;
    INFO(tc["desc"].get<std::string>() << "\n" << tc["yaml"].get<std::string>());
    CHECK(rejected == !tc["valid"].get<bool>());
    agree += rejected == !tc["valid"].get<bool>();
    ++total;
  }
  CHECK(total == 39);
  WARN("Calico validator (pools, encapsulation, WireGuard): " << agree << " of " << total << " agree");
}

}  // namespace
}  // namespace grantpath

// The CLI on Compose files, Swarm stacks and CNI settings: scan, net reach,
// net matrix and net encryption (examples/compose-stack, examples/cni,
// tests/fixtures/overlay).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

using nlohmann::json;

TEST_CASE("scan on a Compose project: findings with locations and witnesses", "[e2e][compose]") {
  auto r = testing::RunCli("scan examples/compose-stack --format json");
  INFO(r.err);
  REQUIRE(r.exit_code == 1);  // high finding, default --fail-on high
  auto j = json::parse(r.out);
  std::multiset<std::string> got;
  for (const auto& f : j["findings"])
    got.insert(f["ruleId"].get<std::string>() + "@" + std::to_string(f["location"]["line"].get<int>()));
  CHECK(got == std::multiset<std::string>{"compose-published-to-world@9", "compose-published-to-world@19",
                                          "compose-host-network@25"});
  for (const auto& f : j["findings"])
    if (f["location"]["line"] == 19) {
      CHECK(f["severity"] == "high");
      CHECK(f["message"].get<std::string>().find("PostgreSQL") != std::string::npos);
    }
  auto sarif = testing::RunCli("scan examples/compose-stack --format sarif");
  CHECK(sarif.out.find("\"ruleId\": \"compose-host-network\"") != std::string::npos);
}

TEST_CASE("net reach between Compose services, text and JSON", "[e2e][compose]") {
  auto denied = testing::RunCli("net reach --from shop/proxy --to shop/db --port 5432/TCP examples/compose-stack");
  CHECK(denied.exit_code == 0);
  CHECK(denied.out.find("allowed: TCP 5432 is allowed") != std::string::npos);  // through the published port
  CHECK(denied.out.find("published port 5432->5432/tcp of 'db', through the host's address") != std::string::npos);
  auto none = testing::RunCli("net reach --from internet --to shop/cache --expect deny examples/compose-stack");
  CHECK(none.exit_code == 0);
  CHECK(none.out.rfind("denied: no connection is allowed", 0) == 0);
  auto j = testing::RunCli("net reach --from shop/api --to shop/cache --port 6379 --format json examples/compose-stack");
  auto a = json::parse(j.out);
  CHECK(a["allowed"] == true);
  CHECK(a["reasons"][0]["reason"] == "both are on network 'back' (shop_back)");
  CHECK(a["reasons"][0]["location"]["line"] == 28);
  CHECK(a["witness"]["port"] == 6379);
  auto typo = testing::RunCli("net reach --from shop/apii --to shop/db examples/compose-stack");
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean 'shop/api'") != std::string::npos);
}

TEST_CASE("net reach --requests answers Compose questions", "[e2e][compose]") {
  std::string file = (std::filesystem::temp_directory_path() / "grantpath-compose-requests.jsonl").string();
  {
    std::ofstream out(file);
    out << R"({"from": "internet", "to": "shop/proxy", "port": "443"})" << "\n"
        << R"({"from": "shop/db", "to": "shop/proxy", "port": "80"})" << "\n";
  }
  auto r = testing::RunCli("net reach --requests " + file + " examples/compose-stack");
  std::remove(file.c_str());
  std::istringstream lines(r.out);
  std::string l1, l2;
  std::getline(lines, l1);
  std::getline(lines, l2);
  CHECK(json::parse(l1)["allowed"] == true);
  CHECK(json::parse(l2)["allowed"] == false);  // 80 is published on loopback only
}

TEST_CASE("net matrix includes Compose lines in every format", "[e2e][compose]") {
  auto txt = testing::RunCli("net matrix examples/compose-stack");
  CHECK(txt.exit_code == 0);
  CHECK(txt.out.find("0.0.0.0-255.255.255.255[External] => shop/proxy : TCP 443\n") != std::string::npos);
  CHECK(txt.out.find("shop/api => shop/db : All Connections\n") != std::string::npos);
  CHECK(txt.out.find("shop/proxy => shop/cache") == std::string::npos);
  auto csv = testing::RunCli("net matrix examples/compose-stack --format csv");
  CHECK(csv.out.find("shop/api,shop/db,All Connections\n") != std::string::npos);
  auto js = json::parse(testing::RunCli("net matrix examples/compose-stack --format json").out);
  CHECK(js.size() == 37);
  auto dot = testing::RunCli("net matrix examples/compose-stack --format dot");
  CHECK(dot.out.find("subgraph \"cluster_shop\"") != std::string::npos);
}

TEST_CASE("net encryption: per CNI and overlay network, with the deciding setting", "[e2e][overlay]") {
  auto t = testing::RunCli("net encryption examples/cni tests/fixtures/overlay");
  INFO(t.err);
  CHECK(t.exit_code == 0);
  CHECK(t.out.find("calico (cluster): clear, VXLAN (CrossSubnet) in pool 'default-ipv4-ippool'\n"
                   "  decided by: FelixConfiguration 'default' wireguardEnabled: false (examples/cni/calico.yaml:10:21)") !=
        std::string::npos);
  CHECK(t.out.find("cilium (cluster): encrypted, WireGuard over tunnel (geneve)") != std::string::npos);
  CHECK(t.out.find("Backend.Type: vxlan (tests/fixtures/overlay/kube-flannel-cfg.yaml:14:17)") != std::string::npos);
  auto j = json::parse(testing::RunCli("net encryption tests/fixtures/overlay --format json").out);
  std::map<std::string, std::string> states;
  for (const auto& n : j["networks"]) states[n["cni"].get<std::string>() + " " + n["scope"].get<std::string>()] = n["state"];
  CHECK(states["docker stack 'overlay' network 'backend'"] == "encrypted");
  CHECK(states["docker stack 'overlay' network 'frontend'"] == "clear");
  CHECK(states["docker stack 'overlay' routing mesh (ingress network)"] == "clear");
  CHECK(states["flannel cluster"] == "clear");
  auto none = testing::RunCli("net encryption examples/compose-stack");
  CHECK(none.out.find("no CNI or overlay network configuration found") != std::string::npos);
}

TEST_CASE("scan reports overlay-unencrypted at the deciding setting", "[e2e][overlay]") {
  auto r = testing::RunCli("scan examples/cni tests/fixtures/overlay --rule overlay-unencrypted --format json");
  auto j = json::parse(r.out);
  std::set<std::string> at;
  for (const auto& f : j["findings"])
    at.insert(f["location"]["file"].get<std::string>() + ":" + std::to_string(f["location"]["line"].get<int>()));
  CHECK(at == std::set<std::string>{"examples/cni/calico.yaml:10", "tests/fixtures/overlay/kube-flannel-cfg.yaml:14",
                                    "tests/fixtures/overlay/swarm-stack.yml:20",
                                    "tests/fixtures/overlay/swarm-stack.yml:6"});
}

}  // namespace
}  // namespace grantpath

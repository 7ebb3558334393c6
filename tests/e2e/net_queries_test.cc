// `grantpath net` end to end on examples/demo-cluster: matrix, reach and
// intents compared with goldens in tests/fixtures/net-e2e (regenerate with
// scripts/update_goldens.sh).
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

std::string Golden(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/fixtures/net-e2e/" + name);
}

TEST_CASE("net matrix on the demo, in every format", "[e2e][net]") {
  for (const char* fmt : {"txt", "csv", "dot"}) {
    DYNAMIC_SECTION(fmt) {
      auto r = testing::RunCli(std::string("net matrix examples/demo-cluster --format ") + fmt);
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out == Golden(std::string("matrix.") + fmt));
    }
  }
}

TEST_CASE("net matrix: pods of one owner that behave alike are one line each way", "[e2e][net]") {
  auto r = testing::RunCli("net matrix tests/fixtures/net-e2e/variants");
  CHECK(r.exit_code == 0);
  CHECK(r.out == Golden("variants.txt"));
  CHECK(r.out.find("shop/web-7d9f[ReplicaSet] => shop/db[Pod] : TCP 5432\n") != std::string::npos);
}

TEST_CASE("net matrix --by-class: classes with members, grouped destinations, same pairs as the matrix",
          "[e2e][net]") {
  auto txt = testing::RunCli("net matrix --by-class examples/demo-cluster");
  CHECK(txt.exit_code == 0);
  CHECK(txt.out == Golden("classes.txt"));
  auto r = testing::RunCli("net matrix --by-class --format json examples/demo-cluster");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  std::map<std::string, int> class_of;
  for (const auto& c : j["classes"])
    for (const auto& m : c["members"]) class_of[m.get<std::string>()] = c["class"].get<int>();
  std::map<std::pair<int, int>, std::string> conn;
  std::size_t pairs = 0;
  for (const auto& c : j["connections"])
    for (const auto& d : c["dst"]) {
      CHECK(conn.emplace(std::make_pair(c["src"].get<int>(), d.get<int>()), c["conn"].get<std::string>()).second);
      ++pairs;
    }
  CHECK(j["connected_pairs"].get<std::size_t>() == pairs);
  CHECK(j["class_count"].get<std::size_t>() == j["classes"].size());
  // Every pod-to-pod line of the matrix is its classes' cell, and every
  // connected cell between two different pods is a line.
  auto m = nlohmann::json::parse(testing::RunCli("net matrix --format json examples/demo-cluster").out);
  auto pod = [](const std::string& n) { return n.find("[External]") == std::string::npos && n[0] != '{'; };
  std::set<std::tuple<std::string, std::string, std::string>> lines, cells;
  for (const auto& l : m) {
    auto s = l["src"].get<std::string>(), d = l["dst"].get<std::string>();
    if (pod(s) && pod(d)) lines.emplace(s, d, l["conn"].get<std::string>());
  }
  for (const auto& [s, cs] : class_of)
    for (const auto& [d, cd] : class_of)
      if (s != d && pod(s) && pod(d))
        if (auto it = conn.find({cs, cd}); it != conn.end()) cells.emplace(s, d, it->second);
  CHECK(lines.size() >= 5);  // the comparison covers something
  CHECK(lines == cells);
  auto csv = testing::RunCli("net matrix --by-class --format csv examples/demo-cluster");
  CHECK(csv.exit_code == 2);
  CHECK(csv.err.find("--by-class writes txt or json") != std::string::npos);
}

TEST_CASE("net reach explains and --expect asserts", "[e2e][net]") {
  auto r = testing::RunCli(
      "net reach --from ci/nightly-deploy --to shop/deployment/cart --port 8081 --format json examples/demo-cluster");
  CHECK(r.exit_code == 0);
  CHECK(r.out == Golden("reach.json"));
  CHECK(testing::RunCli("net reach --from ci/nightly-deploy --to shop/cart --expect deny examples/demo-cluster")
            .exit_code == 1);
  CHECK(testing::RunCli("net reach --from internet --to shop/storefront --port 8080 --expect allow examples/demo-cluster")
            .exit_code == 0);
  CHECK(testing::RunCli("net reach --from internet --to shop/cart --port 8081 --expect deny examples/demo-cluster")
            .exit_code == 0);
  auto bad = testing::RunCli("net reach --from shop/kart --to shop/cart examples/demo-cluster");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("did you mean") != std::string::npos);
  CHECK(testing::RunCli("net reach --from internet --to shop/cart --port 99999 examples/demo-cluster").exit_code == 2);
}

TEST_CASE("net intents reports each violated intent with its witness", "[e2e][net]") {
  auto r = testing::RunCli("net intents examples/intents.yaml examples/demo-cluster --format json");
  CHECK(r.exit_code == 1);
  CHECK(r.out == Golden("intents.json"));
  auto s = testing::RunCli("net intents examples/intents.yaml examples/demo-cluster --format sarif");
  CHECK(s.out == Golden("intents.sarif"));
  auto t = testing::RunCli("net intents examples/intents.yaml examples/demo-cluster");
  CHECK(t.out.find("1 of 3 intent(s) hold") != std::string::npos);
  auto bad = testing::RunCli("net intents tests/fixtures/net-e2e/bad-intents.yaml examples/demo-cluster");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad-intents.yaml:3:12: error: unknown intent field 'expects'; did you mean 'expect'?") !=
        std::string::npos);
  // Well formed, but naming what the input lacks: each located, nothing checked.
  auto unresolved = testing::RunCli("net intents tests/fixtures/net-e2e/unresolved-intents.yaml examples/demo-cluster");
  CHECK(unresolved.exit_code == 2);
  CHECK(unresolved.err.find("unresolved-intents.yaml:3:18: error: no workload 'shop/nothere' in the input") !=
        std::string::npos);
  CHECK(unresolved.err.find("unresolved-intents.yaml:3:38: error: '10.0.0.0/33' is not a valid CIDR") !=
        std::string::npos);
  CHECK(unresolved.err.find("unresolved-intents.yaml:5:11: error: a port is N, N/PROTO") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("net matrix --ingress-declared-ports: the ingress controller reaches declared ports only", "[e2e][net]") {
  const std::string dir = "tests/fixtures/net-e2e/ingress-declared-ports";
  auto all = testing::RunCli("net matrix " + dir);
  REQUIRE(all.exit_code == 0);
  CHECK(all.out.find("{ingress-controller} => shop/web[Pod] : TCP 8080") != std::string::npos);
  CHECK(all.out.find("{ingress-controller} => shop/worker[Pod] : TCP 8080") != std::string::npos);
  auto declared = testing::RunCli("net matrix --ingress-declared-ports " + dir);
  REQUIRE(declared.exit_code == 0);
  CHECK(declared.out.find("{ingress-controller} => shop/web[Pod] : TCP 8080") != std::string::npos);
  CHECK(declared.out.find("{ingress-controller} => shop/worker[Pod]") == std::string::npos);
}

TEST_CASE("net reach on ICMP: a type and code is asked, answered and witnessed", "[e2e][net]") {
  const std::string dir = " tests/fixtures/net-e2e/icmp";
  auto r = testing::RunCli("net reach --from a/web --to a/db --port 8:0/icmp" + dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("allowed: ICMP type 8 code 0 is allowed") == 0);
  CHECK(testing::RunCli("net reach --from a/web --to a/db --port 0:0/icmp --expect deny" + dir).exit_code == 0);
  CHECK(testing::RunCli("net reach --from a/web --to a/db --port 80 --expect deny" + dir).exit_code == 0);
  auto j = nlohmann::json::parse(testing::RunCli("net reach --from a/web --to a/db --format json" + dir).out);
  CHECK(j["ports"] == "ICMP type 8");
  CHECK(j["witness"]["protocol"] == "ICMP");
  CHECK(j["witness"]["icmpType"] == 8);
  CHECK(j["witness"]["icmpCode"] == 0);
  CHECK(testing::RunCli("net reach --from a/web --to a/db --port 8/icmp" + dir).exit_code == 2);
}

}  // namespace
}  // namespace grantpath

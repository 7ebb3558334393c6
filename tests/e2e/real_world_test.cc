// The real-world corpus (tests/real-world): every finding grantpath reports
// on public configuration has a judgement in judgements.tsv. A change in
// what is reported fails here until the new findings are judged.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

struct Judged {
  int count = 0, yes = 0, no = 0, debatable = 0;
};

std::vector<std::string> Tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, '\t')) out.push_back(cell);
  return out;
}

TEST_CASE("real-world corpus: every finding is judged, precision at least 95%, no false critical",
          "[e2e][real-world]") {
  std::ifstream in("tests/real-world/judgements.tsv");
  REQUIRE(in.good());
  // (source, arguments) -> (rule, severity) -> judgement
  std::map<std::pair<std::string, std::string>, std::map<std::pair<std::string, std::string>, Judged>> expected;
  std::string line;
  int yes = 0, no = 0, false_critical = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto f = Tabs(line);
    REQUIRE(f.size() == 9);
    Judged j{std::stoi(f[4]), std::stoi(f[5]), std::stoi(f[6]), std::stoi(f[7])};
    INFO(line);
    CHECK(j.yes + j.no + j.debatable == j.count);
    CHECK_FALSE(f[8].empty());
    yes += j.yes;
    no += j.no;
    if (f[3] == "critical") false_critical += j.no;
    expected[{f[0], f[1]}][{f[2], f[3]}] = j;
  }
  // Sources with no finding are scanned too.
  expected[{"netpol-recipes", ""}];
  for (const auto& [source, rules] : expected) {
    std::string path = source.first.rfind("../", 0) == 0 ? source.first : "tests/real-world/" + source.first;
    // A source from the shared corpora must be there: a missing corpus is a failure, not a pass.
    REQUIRE(std::filesystem::is_directory(path));
    auto r = testing::RunCli("scan " + source.second + " " + path + " --format json");
    INFO(path << "\n" << r.err);
    auto j = nlohmann::json::parse(r.out);
    std::map<std::pair<std::string, std::string>, int> got;
    for (const auto& x : j["findings"]) ++got[{x["ruleId"].get<std::string>(), x["severity"].get<std::string>()}];
    for (const auto& [key, n] : got) {
      INFO(key.first << " " << key.second << ": reported " << n << ", judged "
                     << (rules.count(key) ? rules.at(key).count : 0));
      CHECK((rules.count(key) && rules.at(key).count == n));
    }
    for (const auto& [key, judged] : rules) {
      INFO(key.first << " " << key.second << " judged but not reported");
      CHECK(got.count(key) == 1);
    }
  }
  CHECK(static_cast<double>(yes) / static_cast<double>(yes + no) >= 0.95);
  CHECK(false_critical == 0);
}

TEST_CASE("real-world corpus: an unrendered Helm chart is one warning per template, never a YAML error",
          "[e2e][real-world]") {
  namespace fs = std::filesystem;
  const std::string dir = "tests/real-world/cert-manager-chart";
  std::size_t templates = 0;
  for (const auto& e : fs::directory_iterator(dir)) templates += e.path().extension() == ".yaml";
  REQUIRE(templates == 41);
  auto r = testing::RunCli("scan " + dir + " --format json");
  std::size_t helm = 0, pos = 0;
  while ((pos = r.err.find("[helm-template]", pos)) != std::string::npos) ++helm, ++pos;
  INFO(r.err);
  CHECK(helm == templates);
  CHECK(r.err.find("[yaml-syntax]") == std::string::npos);
  CHECK(r.err.find("[json-syntax]") == std::string::npos);
}

TEST_CASE("real-world corpus: Cilium's examples read together decide as Cilium does", "[e2e][real-world]") {
  const std::string dir = " tests/real-world/cilium-examples";
  // The clusterwide ingressDeny from world wins over the clusterwide allow from all.
  auto world = testing::RunCli("net reach --from internet --to default/Deployment/leia-deployment" + dir);
  INFO(world.out << world.err);
  CHECK(world.out.rfind("denied:", 0) == 0);
  CHECK(world.out.find("'external-lockdown' ingress rule ingressDeny #1 denies") != std::string::npos);
  // Allows are a union: the clusterwide allow from all admits vader, whom
  // the service-account policy alone would not.
  auto vader = testing::RunCli("net reach --from default/vader-pod --to default/Deployment/leia-deployment" + dir);
  INFO(vader.out);
  CHECK(vader.out.rfind("allowed: All Connections", 0) == 0);
  CHECK(vader.out.find("'default/k8s-svc-account' selects the pod for ingress and no rule matches") != std::string::npos);
  // The host policy is named as not modelled, at its nodeSelector.
  CHECK(world.err.find("lock-down-dev-vms.yaml:8:5: warning: CiliumClusterwideNetworkPolicy 'lock-down-dev-vms' selects "
                       "nodes (host firewall)") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

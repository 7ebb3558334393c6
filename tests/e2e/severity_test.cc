// Severities that depend on context a reviewer would weigh: each rule's
// page says why.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

std::string SeverityOf(const std::string& args, const std::string& rule) {
  auto r = testing::RunCli("scan " + args + " --rule " + rule + " --format json --fail-on none");
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["findings"].size() >= 1);
  return j["findings"][0]["severity"];
}

TEST_CASE("netpol-metadata-egress: medium with cloud credentials in sight, low otherwise", "[e2e][precision]") {
  // A node role mapped in aws-auth: every pod that reaches metadata gets it.
  CHECK(SeverityOf("tests/rules/netpol-metadata-egress/positive-node-role.yaml", "netpol-metadata-egress") == "medium");
  // The demo: shop's pods have no cloud identity and no node role is shown.
  auto r = testing::RunCli("scan examples/demo-cluster --rule netpol-metadata-egress --format json --fail-on none --no-group");
  auto j = nlohmann::json::parse(r.out);
  int low = 0, medium = 0;
  for (const auto& f : j["findings"]) {
    std::string msg = f["message"];
    if (msg.find("'ci/nightly-deploy'") != std::string::npos) CHECK(f["severity"] == "medium");  // IRSA
    if (msg.find("'shop/") != std::string::npos) CHECK(f["severity"] == "low");
    (f["severity"] == "low" ? low : medium)++;
  }
  CHECK(low >= 1);
  CHECK(medium >= 1);
}

TEST_CASE("rbac-wildcard-rule: info over the input's own custom resources, medium otherwise", "[e2e][precision]") {
  auto r = testing::RunCli("scan tests/rules/rbac-wildcard-rule/positive-own-crds.yaml --rule rbac-wildcard-rule "
                           "--format json --fail-on none --no-group");
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["findings"].size() == 2);
  for (const auto& f : j["findings"]) {
    std::string msg = f["message"];
    INFO(msg);
    // Rule 1 names only example.com, which a CRD of the input defines; rule
    // 2 also names a group no CRD defines.
    if (msg.rfind("rule 1 ", 0) == 0) {
      CHECK(f["severity"] == "info");
      CHECK(msg.find("only over custom resources") != std::string::npos);
    } else {
      CHECK(f["severity"] == "medium");
    }
  }
}

TEST_CASE("rbac-aggregation-widens-role: read-only custom resources pass, Flux writes are named", "[e2e][precision]") {
  auto neg = testing::RunCli("scan tests/rules/rbac-aggregation-widens-role/negative-custom-resources-read.yaml "
                             "--rule rbac-aggregation-widens-role --format json --fail-on none");
  CHECK(nlohmann::json::parse(neg.out)["findings"].empty());
  auto pos = testing::RunCli("scan tests/rules/rbac-aggregation-widens-role/positive-flux-edit.yaml "
                             "--rule rbac-aggregation-widens-role --format json --fail-on none");
  auto j = nlohmann::json::parse(pos.out);
  REQUIRE(j["findings"].size() == 1);
  std::string msg = j["findings"][0]["message"];
  CHECK(msg.find("create or change Flux Kustomizations") != std::string::npos);
  CHECK(msg.find("create or change Flux HelmReleases") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

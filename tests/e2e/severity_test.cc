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

}  // namespace
}  // namespace grantpath

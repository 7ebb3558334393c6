// ClusterNetworkPolicy against the network-policy-api conformance suite
// (tests/fixtures/network-policy-api): every connection the suite's Go
// tests probe on an unchanged policy, with the verdict they expect, asked
// of `grantpath net reach`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

TEST_CASE("ClusterNetworkPolicy: agreement with the network-policy-api conformance probes", "[e2e][net]") {
  const std::string dir = "tests/fixtures/network-policy-api/";
  auto cases = nlohmann::json::parse(testing::ReadFile(testing::SourceDir() + "/" + dir + "cases.json"));
  REQUIRE(cases.size() >= 90);
  std::size_t agree = 0, allowed = 0;
  for (const auto& c : cases) {
    std::string files = dir + "base/manifests.yaml";
    for (const auto& m : c["manifests"]) files += " " + dir + m.get<std::string>();
    auto r = testing::RunCli("net reach --from " + c["from"].get<std::string>() + " --to " + c["to"].get<std::string>() +
                             " --port " + c["port"].get<std::string>() + " --format json " + files);
    INFO(c.dump() << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    bool expected = c["expected"].get<bool>();
    CHECK(j["allowed"].get<bool>() == expected);
    if (j["allowed"].get<bool>() == expected) ++agree;
    if (expected) ++allowed;
  }
  INFO(agree << " of " << cases.size() << " agree");
  CHECK(agree == cases.size());
  CHECK(allowed > 0);
  CHECK(allowed < cases.size());  // both verdicts are probed
}

}  // namespace
}  // namespace grantpath

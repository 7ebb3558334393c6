// Multiple networks end to end (tests/fixtures/multinet): a primary UDN,
// the pod network and a Multus secondary network with a
// MultiNetworkPolicy whose ipBlock selects by declared secondary address.
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

std::set<std::string> LineSet(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.insert(l);
  return out;
}

TEST_CASE("net matrix: one section per network and the workload mapping", "[e2e][multinet]") {
  auto r = testing::RunCli("net matrix tests/fixtures/multinet");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = LineSet(r.out);
  for (const char* expect : {
           "Permitted connectivity analyzed in Pod network:",
           "Permitted connectivity analyzed in primary UDN tenant:",
           "Permitted connectivity analyzed in secondary NAD storage:",
           "tenant[udn]/api[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections",
           "shop/web[Pod] => shop/nas[Pod] : TCP 2049",  // secondary: the ipBlock holds web's address
           "\tPrimary Network: tenant[UDN]",
           "\tSecondary Networks: storage[NAD]",
       })
    CHECK(lines.count(expect) == 1);
  // The UDN pod never meets the pod network; batch has no declared address
  // on storage, so the MultiNetworkPolicy does not admit it to nas.
  CHECK(r.out.find("tenant[udn]/api[Pod] => shop/") == std::string::npos);
  std::string nad = r.out.substr(r.out.find("secondary NAD storage"));
  CHECK(nad.find("shop/batch[Pod] => shop/nas[Pod]") == std::string::npos);
  CHECK(nad.find("[External]") == std::string::npos);
  auto js = nlohmann::json::parse(testing::RunCli("net matrix tests/fixtures/multinet --format json").out);
  bool seen = false;
  for (const auto& l : js) seen |= l["network"] == "secondary NAD storage" && l["src"] == "shop/web[Pod]";
  CHECK(seen);
}

TEST_CASE("net reach across networks: the network that decides, or none in common", "[e2e][multinet]") {
  auto none = testing::RunCli("net reach --from tenant/api --to shop/web --format json tests/fixtures/multinet");
  auto j = nlohmann::json::parse(none.out);
  CHECK(j["allowed"] == false);
  CHECK(j["reason"] == "no common network: 'tenant/api' is on primary UDN tenant; 'shop/web' is on Pod network, "
                       "secondary NAD storage");
  // nas is isolated on the pod network: web reaches it through the storage
  // network, where the deciding rule is a MultiNetworkPolicy, named as such.
  auto nad = nlohmann::json::parse(
      testing::RunCli("net reach --from shop/web --to shop/nas --port 2049 --format json tests/fixtures/multinet").out);
  CHECK(nad["allowed"] == true);
  CHECK(nad["network"] == "secondary NAD storage");
  REQUIRE(nad["ingress"].size() >= 1);
  CHECK(nad["ingress"][0]["kind"] == "MultiNetworkPolicy");
  CHECK(nad["ingress"][0]["policy"].get<std::string>().rfind("MultiNetworkPolicy 'shop/nas-from-web-only'", 0) == 0);
  auto batch = testing::RunCli("net reach --from shop/batch --to shop/nas --port 2049 tests/fixtures/multinet");
  CHECK(batch.out.rfind("network: Pod network\ndenied", 0) == 0);
  auto in_udn = testing::RunCli("net reach --from internet --to tenant/api --format json tests/fixtures/multinet");
  CHECK(nlohmann::json::parse(in_udn.out)["network"] == "primary UDN tenant");
}

TEST_CASE("UDN validation: located errors and warnings", "[e2e][multinet]") {
  auto r = testing::RunCli("net matrix tests/fixtures/multinet-invalid");
  CHECK(r.err.find("invalid.yaml:9:13: error: UserDefinedNetwork 'blue/bad': topology must be Layer2 or Layer3, got "
                   "'Layer4' (not analyzed)") != std::string::npos);
  CHECK(r.err.find("UserDefinedNetwork 'plain/net': namespace 'plain' lacks the label") != std::string::npos);
  CHECK(r.err.find("is a KubeVirt virt-launcher pod") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

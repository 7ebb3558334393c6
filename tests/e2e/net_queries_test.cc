// `grantpath net` end to end on examples/demo-cluster: matrix, reach and
// intents compared with goldens in tests/fixtures/net-e2e (regenerate with
// scripts/update_goldens.sh).
#include <catch2/catch.hpp>

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
}

}  // namespace
}  // namespace grantpath

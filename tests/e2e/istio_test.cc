// `grantpath net reach` end to end on Istio's bookinfo sample with
// AuthorizationPolicies and PeerAuthentications (tests/fixtures/istio/bookinfo): verdicts (through
// --expect, so the exit code is the check) and explanations.
#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

testing::RunResult Reach(const std::string& from, const std::string& to, const std::string& port,
                         const std::string& expect) {
  auto r = testing::RunCli("net reach --from " + from + " --to " + to + " --port " + port + " --expect " + expect +
                           " tests/fixtures/istio/bookinfo");
  INFO(from << " -> " << to << " " << port << ": " << r.out << r.err);
  CHECK(r.exit_code == 0);
  return r;
}

TEST_CASE("Istio on bookinfo: each hop allowed on its port, the rest of TCP denied", "[e2e][istio]") {
  auto ok = Reach("bookinfo/productpage", "bookinfo/reviews", "9080/TCP", "allow");
  CHECK(ok.out.find("AuthorizationPolicy 'bookinfo/reviews' ingress rule #1 allows (the network policies still "
                    "decide); only requests with methods GET") != std::string::npos);
  Reach("bookinfo/productpage", "bookinfo/reviews", "9081/TCP", "deny");
  auto skip = Reach("bookinfo/productpage", "bookinfo/ratings", "9080/TCP", "deny");
  CHECK(skip.out.find("end of tier 'istio-allow' (defaultAction Deny): bookinfo/allow-nothing, bookinfo/ratings "
                      "selected the destination") != std::string::npos);
  Reach("bookinfo/reviews", "bookinfo/ratings", "9080/TCP", "allow");
  auto udp = Reach("bookinfo/productpage", "bookinfo/ratings", "9080/UDP", "allow");
  CHECK(udp.out.find("the Istio proxy intercepts TCP only") != std::string::npos);
}

TEST_CASE("Istio on bookinfo: a workload outside the mesh has no identity and enforces nothing", "[e2e][istio]") {
  Reach("batch/report", "bookinfo/productpage", "9080/TCP", "allow");  // productpage admits any source on 9080
  auto strict = Reach("batch/report", "bookinfo/reviews", "9080/TCP", "deny");  // plain text, no principal
  CHECK(strict.out.find("PeerAuthentication 'bookinfo/default' ingress rule (mTLS STRICT) denies") != std::string::npos);
  Reach("bookinfo/ratings", "batch/report", "8080/TCP", "allow");      // no proxy: nothing enforced
  auto world = Reach("192.0.2.10", "bookinfo/productpage", "9080/TCP", "deny");
  CHECK(world.out.find("AuthorizationPolicy 'bookinfo/no-batch' ingress rule #1 denies") != std::string::npos);
  Reach("198.51.100.10", "bookinfo/productpage", "9080/TCP", "allow");
}

}  // namespace
}  // namespace grantpath

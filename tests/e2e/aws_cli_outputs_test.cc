// Resource policies as the AWS CLI prints them (tests/fixtures/aws-cli/
// resource-policies): recognised by content, the embedded JSON decoded.
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

TEST_CASE("AWS CLI resource-policy outputs: public access is found in each form", "[e2e][aws]") {
  auto r = testing::RunCli("scan tests/fixtures/aws-cli/resource-policies --rule iam-public-access --format json");
  INFO(r.err);
  auto j = nlohmann::json::parse(r.out);
  std::set<std::string> files;
  for (const auto& f : j["findings"]) files.insert(f["location"]["file"].get<std::string>());
  const std::string dir = "tests/fixtures/aws-cli/resource-policies/";
  // Public: the bucket, the ECR repository (no Resource: its own repository),
  // the role whose trust admits any account. Not public: the queue (its
  // condition names one topic) and the secret (one role).
  CHECK(files == std::set<std::string>{dir + "get-bucket-policy.json", dir + "get-repository-policy.json",
                                       dir + "get-role.json"});
  CHECK(j["summary"]["objects"] == 6);
  for (const auto& f : j["findings"])
    if (f["location"]["file"] == dir + "get-repository-policy.json")
      CHECK(f["message"].get<std::string>().find("repository/shop/api") != std::string::npos);
}

TEST_CASE("aws check-no-public-access on an ECR get-repository-policy output", "[e2e][aws]") {
  auto r = testing::RunCli("aws check-no-public-access tests/fixtures/aws-cli/resource-policies/get-repository-policy.json "
                           "--resource-type AWS::ECR::Repository");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("FAIL: the policy grants public access") != std::string::npos);
  auto q = testing::RunCli("aws check-no-public-access tests/fixtures/aws-cli/resource-policies/get-queue-attributes.json "
                           "--resource-type AWS::SQS::Queue");
  CHECK(q.exit_code == 0);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

const char* kLbFixture = "tests/rules/aws-exposed-instance-privileged-role/positive-through-load-balancer.yaml";

TEST_CASE("aws reach: a load balancer by name, hops located, --expect sets the exit code", "[e2e][aws]") {
  auto r = testing::RunCli(std::string("aws reach --from internet --to web --port 443/tcp --format json ") + kLbFixture);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["allowed"] == true);
  CHECK(j["disposition"] == "ACCEPTED");
  std::vector<std::string> nodes;
  for (const auto& h : j["hops"]) nodes.push_back(h["node"].get<std::string>());
  CHECK(nodes == std::vector<std::string>{"internet", "igw-1", "vpc-1", "subnet-1", "web", "web", "i-1"});
  CHECK(j["hops"][4]["kind"] == "load-balancer");
  CHECK(j["hops"][4]["location"]["line"] == 110);  // the listener
  CHECK(j["hops"][6]["location"]["line"] == 50);   // sg-web's rule for the load balancer's group
  auto closed = testing::RunCli(std::string("aws reach --from internet --to web --port 80/tcp --expect deny ") + kLbFixture);
  CHECK(closed.exit_code == 0);
  CHECK(closed.out.find("no listener on TCP 80") != std::string::npos);
  auto wrong = testing::RunCli(std::string("aws reach --from internet --to web --port 80/tcp --expect allow ") + kLbFixture);
  CHECK(wrong.exit_code == 1);
  // As a source, a load balancer needs a node's interface.
  auto from_lb = testing::RunCli(std::string("aws reach --from web --to i-1 --port 8080 ") + kLbFixture);
  CHECK(from_lb.exit_code == 2);
  CHECK(from_lb.err.find("no node interface in the input") != std::string::npos);
}

TEST_CASE("aws reach: ICMP type and code", "[e2e][aws]") {
  auto r = testing::RunCli(std::string("aws reach --from i-1 --to 8.8.8.8 --port 3:4/icmp --format json ") + kLbFixture);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["packet"]["protocol"] == "ICMP");
  CHECK(j["packet"]["port"] == 3);
  CHECK(j["packet"]["icmpCode"] == 4);
  auto bad = testing::RunCli(std::string("aws reach --from i-1 --to 8.8.8.8 --port 22:4/tcp ") + kLbFixture);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("TYPE:CODE/icmp") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

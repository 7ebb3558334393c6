// Resource policies as the AWS CLI prints them (tests/fixtures/aws-cli/
// resource-policies): recognised by content, the embedded JSON decoded.
#include <map>
#include <set>
#include <sstream>

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

TEST_CASE("AWS CLI resource-policy outputs: statements are located inside the embedded string", "[e2e][aws]") {
  // Each finding points at its statement's '{' inside the JSON string
  // literal, not at the literal's opening quote (column 15).
  auto r = testing::RunCli("scan tests/fixtures/aws-cli/resource-policies --rule iam-public-access --format json");
  auto j = nlohmann::json::parse(r.out);
  std::map<std::string, std::pair<int, int>> at;
  for (const auto& f : j["findings"])
    at[f["location"]["file"].get<std::string>()] = {f["location"]["line"].get<int>(), f["location"]["column"].get<int>()};
  const std::string dir = "tests/fixtures/aws-cli/resource-policies/";
  CHECK(at[dir + "get-bucket-policy.json"] == std::make_pair(2, 62));
  CHECK(at[dir + "get-repository-policy.json"] == std::make_pair(4, 79));
  for (const auto& [file, pos] : at) {
    std::istringstream lines(testing::ReadFile(file));
    std::string line;
    for (int i = 0; i < pos.first; ++i) std::getline(lines, line);
    INFO(file);
    REQUIRE(line.size() >= static_cast<std::size_t>(pos.second));
    CHECK(line[static_cast<std::size_t>(pos.second - 1)] == '{');
  }
}

TEST_CASE("aws can-i on a KMS key: the key policy joined by key id, or the default one assumed", "[e2e][aws]") {
  const std::string dir = " tests/fixtures/aws/kms";
  const std::string key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::string other = "arn:aws:kms:us-east-1:111111111111:key/0000abcd-12ab-34cd-56ef-1234567890ab";
  auto ask = [&](const std::string& who, const std::string& action, const std::string& res) {
    return nlohmann::json::parse(
        testing::RunCli("aws can-i --format json --principal " + who + " --action " + action + " --resource " + res + dir)
            .out);
  };
  // The key policy (file named after the key) names bob and does not
  // delegate to the account: alice's IAM allow of kms:Decrypt on * has no
  // effect on that key.
  auto a = ask("alice", "kms:Decrypt", key);
  CHECK(a["decision"] == "deny");
  CHECK(a["assumptions"].empty());
  CHECK(a["reasons"].dump().find("key policy neither allows it") != std::string::npos);
  auto b = ask("bob", "kms:Decrypt", key);
  CHECK(b["decision"] == "allow");
  REQUIRE(b["statements"].size() == 1);
  CHECK(b["statements"][0]["sid"] == "Allow use of the key");
  CHECK(b["statements"][0]["location"]["column"].get<int>() > 15);
  // The key policy's Resource "*" is its own key only.
  CHECK(ask("bob", "kms:Decrypt", other)["decision"] == "deny");
  // No key policy for the other key: the default one is assumed, and said.
  auto o = ask("alice", "kms:Decrypt", other);
  CHECK(o["decision"] == "allow");
  REQUIRE(o["assumptions"].size() == 1);
  CHECK(o["assumptions"][0].get<std::string>().find("assumed the default key policy") != std::string::npos);
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

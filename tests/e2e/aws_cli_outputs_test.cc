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

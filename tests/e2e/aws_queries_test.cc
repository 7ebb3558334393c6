// grantpath aws ...: the command-line contract (JSON fields, decisions,
// exit codes) on examples/demo-cluster/aws and tests/fixtures/aws.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

using nlohmann::json;
const char* kDemo = "examples/demo-cluster/aws";

TEST_CASE("aws can-i: JSON decision, deny kind and located statements", "[e2e][aws]") {
  auto r = testing::RunCli(std::string("aws can-i --principal dana --action sts:AssumeRole --resource "
                                       "arn:aws:iam::210987654321:role/deployer --format json ") + kDemo);
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["decision"] == "allow");
  CHECK(j["deny"].is_null());
  REQUIRE(j["statements"].size() == 2);
  CHECK(j["statements"][0]["policy_type"] == "identity");
  CHECK(j["statements"][0]["sid"] == "AssumeDeployer");
  CHECK(j["statements"][0]["location"]["file"] == "examples/demo-cluster/aws/account.json");
  CHECK(j["statements"][0]["location"]["line"] == 39);
  CHECK(j["statements"][1]["policy_type"] == "trust");

  // The trust policy names only deployer: dana cannot go straight to break-glass.
  auto d = testing::RunCli(std::string("aws can-i --principal dana --action sts:AssumeRole --resource "
                                       "arn:aws:iam::210987654321:role/break-glass --format json --expect deny ") + kDemo);
  CHECK(d.exit_code == 0);
  auto dj = json::parse(d.out);
  CHECK(dj["decision"] == "deny");
  CHECK(dj["deny"] == "implicit");
  CHECK_FALSE(dj["reasons"].empty());

  // --expect allow on a deny: exit 1.
  auto e = testing::RunCli(std::string("aws can-i --principal dana --action s3:DeleteBucket --resource "
                                       "arn:aws:s3:::shop-assets --expect allow ") + kDemo);
  CHECK(e.exit_code == 1);
}

TEST_CASE("aws can-i: context keys decide; --any-context finds the context", "[e2e][aws]") {
  std::string base = std::string("aws can-i --principal ci-bot --action ssm:GetParameter --resource "
                                 "arn:aws:ssm:eu-west-1:210987654321:parameter/db --format json ") + kDemo;
  auto plain = json::parse(testing::RunCli(base).out);
  CHECK(plain["decision"] == "deny");
  auto given = json::parse(testing::RunCli(base + " --context aws:RequestedRegion=eu-west-1").out);
  CHECK(given["decision"] == "allow");
  auto wrong = json::parse(testing::RunCli(base + " --context aws:RequestedRegion=us-east-1 --any-context").out);
  CHECK(wrong["decision"] == "deny");
  auto any = json::parse(testing::RunCli(base + " --any-context").out);
  CHECK(any["decision"] == "conditional");
  CHECK(any["witness_context"]["aws:requestedregion"] == "eu-west-1");
  CHECK(any["statements"][0]["sid"] == "ReadConfig");
}

TEST_CASE("aws can-i: a service key the action never carries is ignored, or absent", "[e2e][aws]") {
  // The policy allows dynamodb:GetItem and s3:ListBucket when s3:max-keys
  // is at most 10, and s3:GetObject when s3:prefix is home/. Only
  // s3:ListBucket requests carry those keys.
  const std::string pol = " tests/fixtures/aws/context-keys/s3-keys-policy.json";
  const std::string who = "aws can-i --principal arn:aws:iam::111122223333:user/u --format json ";
  const std::string table = "--action dynamodb:GetItem --resource arn:aws:dynamodb:us-east-1:111122223333:table/t";
  auto strict = testing::RunCli(who + table + " --context s3:max-keys=5" + pol);
  REQUIRE(strict.exit_code == 0);
  auto sj = json::parse(strict.out);
  CHECK(sj["decision"] == "deny");
  CHECK(sj["ignored_context"] == json::array({"s3:max-keys"}));
  CHECK(strict.err.find("warning: context key s3:max-keys is never in a dynamodb:GetItem request") !=
        std::string::npos);
  // The same key is read on the action that carries it.
  auto list = json::parse(
      testing::RunCli(who + "--action s3:ListBucket --resource arn:aws:s3:::b --context s3:max-keys=5" + pol).out);
  CHECK(list["decision"] == "allow");
  CHECK(list["ignored_context"].empty());
  // Over any context, a key the action never carries stays absent.
  auto any = json::parse(testing::RunCli(who + table + " --any-context" + pol).out);
  CHECK(any["decision"] == "deny");
  auto obj = json::parse(
      testing::RunCli(who + "--action s3:GetObject --resource arn:aws:s3:::b/k --any-context" + pol).out);
  CHECK(obj["decision"] == "deny");
  auto any_list =
      json::parse(testing::RunCli(who + "--action s3:ListBucket --resource arn:aws:s3:::b --any-context" + pol).out);
  CHECK(any_list["decision"] == "conditional");
  CHECK(any_list["witness_context"].contains("s3:max-keys"));
}

TEST_CASE("aws who-can lists principals with how, anonymous included", "[e2e][aws]") {
  auto r = testing::RunCli(std::string("aws who-can --action s3:GetObject --resource "
                                       "arn:aws:s3:::shop-assets/logo.png --format json ") + kDemo);
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  bool anonymous = false, admin = false;
  for (const auto& p : j["principals"]) {
    if (p["principal"]["type"] == "anonymous") anonymous = true;
    if (p["principal"].value("arn", "") == "arn:aws:iam::210987654321:role/break-glass") admin = true;
    CHECK_FALSE(p["statements"].empty());
  }
  CHECK(anonymous);
  CHECK(admin);
  auto put = json::parse(testing::RunCli(std::string("aws who-can --action s3:PutObject --resource "
                                                     "arn:aws:s3:::shop-assets/uploads/x --format json ") + kDemo).out);
  for (const auto& p : put["principals"]) CHECK(p["principal"]["type"] != "anonymous");  // org condition
}

TEST_CASE("aws compare: more / equivalent with witnesses and exit codes", "[e2e][aws]") {
  auto more = testing::RunCli("aws compare tests/fixtures/aws/policy-old.json tests/fixtures/aws/policy-new.json --format json");
  CHECK(more.exit_code == 1);
  auto j = json::parse(more.out);
  CHECK(j["result"] == "more");
  REQUIRE(j["newly_allowed"].is_object());
  std::string action = j["newly_allowed"]["action"];
  CHECK(action.rfind("s3:Get", 0) == 0);
  CHECK(action != "s3:GetObject");
  CHECK(action != "s3:GetObjectAcl");  // denied by the new policy
  CHECK(j["no_longer_allowed"].is_null());
  auto less = json::parse(testing::RunCli("aws compare tests/fixtures/aws/policy-new.json tests/fixtures/aws/policy-old.json --format json").out);
  CHECK(less["result"] == "less");
  auto same = testing::RunCli("aws compare tests/fixtures/aws/policy-old.json tests/fixtures/aws/policy-same.json");
  CHECK(same.exit_code == 0);
  CHECK(same.out.rfind("equivalent:", 0) == 0);
}

TEST_CASE("aws check-access-not-granted and check-no-public-access: PASS / FAIL", "[e2e][aws]") {
  auto pass = testing::RunCli("aws check-access-not-granted tests/fixtures/aws/policy-new.json --action s3:GetObjectAcl,s3:PutObject --format json");
  CHECK(pass.exit_code == 0);
  CHECK(json::parse(pass.out)["result"] == "PASS");
  auto fail = testing::RunCli("aws check-access-not-granted tests/fixtures/aws/policy-new.json --action s3:GetObjectVersion --resource 'arn:aws:s3:::reports/*' --format json");
  CHECK(fail.exit_code == 1);
  auto fj = json::parse(fail.out);
  CHECK(fj["result"] == "FAIL");
  CHECK(fj["witness"]["action"] == "s3:GetObjectVersion");
  auto pub = testing::RunCli("aws check-no-public-access examples/demo-cluster/aws/shop-assets-bucket-policy.json --format json");
  CHECK(pub.exit_code == 1);
  CHECK(json::parse(pub.out)["witness"]["principal"]["type"] == "anonymous");
  auto org = testing::RunCli("aws check-no-public-access tests/rules/iam-public-access/negative-bucket-policy.json");
  CHECK(org.exit_code == 0);
  CHECK(org.out.rfind("PASS", 0) == 0);
  auto usage = testing::RunCli("aws check-no-public-access tests/fixtures/aws/policy-old.json");
  CHECK(usage.exit_code == 2);  // not a resource policy
}

}  // namespace
}  // namespace grantpath

// Symbolic IAM queries: every "sat" carries a witness that the concrete
// evaluator confirms; equivalences and impossibilities are "unsat".
#include <catch2/catch.hpp>

#include "engine/iam_eval.h"
#include "engine/iam_queries.h"
#include "engine/iam_smt.h"
#include "test_util.h"

namespace grantpath::iam {
namespace {

PolicyDocument Doc(const std::string& json) {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, json, "doc.json");
  REQUIRE(model.iam_policies.size() == 1);
  INFO(testing::Formatted(model, sink).size());
  return model.iam_policies[0].document;
}

std::string Stmts(const std::string& body) {
  return R"({"Version":"2012-10-17","Statement":[)" + body + "]}";
}

smt::Result Diff(const std::string& a, const std::string& b, PolicyRole role = PolicyRole::kIdentity) {
  return smt::Difference(Doc(Stmts(a)), Doc(Stmts(b)), role);
}

TEST_CASE("compare: a wider action wildcard newly allows, with a witness", "[iam][smt]") {
  std::string old_p = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"})";
  std::string new_p = R"({"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::data/*"})";
  auto more = Diff(new_p, old_p);
  REQUIRE(more.sat == smt::Sat::kSat);
  CHECK((more.witness.action.rfind("s3:get", 0) == 0 || more.witness.action.rfind("s3:Get", 0) == 0));
  CHECK(more.witness.resource.rfind("arn:aws:s3:::data/", 0) == 0);
  CHECK(Diff(old_p, new_p).sat == smt::Sat::kUnsat);
}

TEST_CASE("compare: equivalent spellings are equivalent", "[iam][smt]") {
  CHECK(Diff(R"({"Effect":"Allow","Action":"S3:*","Resource":"*"})",
             R"({"Effect":"Allow","Action":["s3:*"],"Resource":["*"]})").sat == smt::Sat::kUnsat);
  // NotAction with a Deny: everything but iam, spelled two ways.
  std::string a = R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})";
  std::string b = R"({"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"})";
  CHECK(Diff(a, b).sat == smt::Sat::kUnsat);
  CHECK(Diff(b, a).sat == smt::Sat::kUnsat);
}

TEST_CASE("compare: narrower IP range, with the address as witness", "[iam][smt]") {
  std::string wide = R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})";
  std::string narrow = R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}})";
  auto r = Diff(wide, narrow);
  REQUIRE(r.sat == smt::Sat::kSat);
  auto ip = r.witness.context["aws:sourceip"];
  REQUIRE(ip.size() == 1);
  CHECK(ip[0].rfind("10.", 0) == 0);
  CHECK(ip[0].rfind("10.1.", 0) != 0);
  CHECK(Diff(narrow, wide).sat == smt::Sat::kUnsat);
}

TEST_CASE("compare: ForAllValues is vacuous on a missing key, ForAnyValue is not", "[iam][smt]") {
  std::string all = R"({"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","owner"]}}})";
  std::string any = R"({"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","owner"]}}})";
  auto r = Diff(all, any);
  REQUIRE(r.sat == smt::Sat::kSat);
  CHECK(r.witness.context.count("aws:tagkeys") == 0);  // absent key
  auto r2 = Diff(any, all);
  REQUIRE(r2.sat == smt::Sat::kSat);
  CHECK(r2.witness.context["aws:tagkeys"].size() >= 2);  // one allowed, one other
}

TEST_CASE("compare: numeric and date bounds", "[iam][smt]") {
  std::string a = R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}})";
  std::string b = R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"600"}}})";
  CHECK(Diff(a, b).sat == smt::Sat::kSat);
  CHECK(Diff(b, a).sat == smt::Sat::kUnsat);
  std::string d1 = R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}})";
  std::string d2 = R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}})";
  CHECK(Diff(d1, d2).sat == smt::Sat::kSat);
  CHECK(Diff(d2, d1).sat == smt::Sat::kUnsat);
}

TEST_CASE("compare: resource policies compare principals too", "[iam][smt]") {
  std::string acct = R"({"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})";
  std::string star = R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})";
  auto r = Diff(star, acct, PolicyRole::kResource);
  REQUIRE(r.sat == smt::Sat::kSat);
  CHECK(r.witness.caller.account != "111111111111");
  CHECK(Diff(acct, star, PolicyRole::kResource).sat == smt::Sat::kUnsat);
}

TEST_CASE("compare: a policy variable shared by both sides stays equivalent", "[iam][smt]") {
  std::string p = R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"})";
  CHECK(Diff(p, p).sat == smt::Sat::kUnsat);
}

TEST_CASE("grants access: PASS when the actions cannot be allowed", "[iam][smt]") {
  auto doc = Doc(Stmts(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/*"},
                         {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"})"));
  CHECK(smt::GrantsAccess(doc, PolicyRole::kIdentity, {"iam:PassRole"}, {}).sat == smt::Sat::kUnsat);
  CHECK(smt::GrantsAccess(doc, PolicyRole::kIdentity, {"s3:DeleteObject"}, {}).sat == smt::Sat::kUnsat);
  auto put = smt::GrantsAccess(doc, PolicyRole::kIdentity, {"s3:PutObject"}, {});
  REQUIRE(put.sat == smt::Sat::kSat);
  CHECK(put.witness.resource.rfind("arn:aws:s3:::data/", 0) == 0);
  CHECK(smt::GrantsAccess(doc, PolicyRole::kIdentity, {"s3:PutObject"}, {"arn:aws:s3:::other/*"}).sat ==
        smt::Sat::kUnsat);
}

TEST_CASE("public access: organization, account and network conditions restrict", "[iam][smt]") {
  auto pub = [](const std::string& cond) {
    std::string c = cond.empty() ? "" : R"(,"Condition":)" + cond;
    return smt::PublicAccess(Doc(Stmts(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")" + c + "}")), "").sat;
  };
  CHECK(pub("") == smt::Sat::kSat);
  CHECK(pub(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})") == smt::Sat::kUnsat);
  CHECK(pub(R"({"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}})") == smt::Sat::kSat);
  CHECK(pub(R"({"StringEquals":{"aws:SourceVpce":"vpce-1"}})") == smt::Sat::kUnsat);
  CHECK(pub(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})") == smt::Sat::kUnsat);
  CHECK(pub(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})") == smt::Sat::kSat);
  CHECK(pub(R"({"Bool":{"aws:SecureTransport":"true"}})") == smt::Sat::kSat);  // caller's choice
  // Granting to a named account is cross-account, not public.
  auto named = smt::PublicAccess(Doc(Stmts(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"*"})")), "111111111111");
  CHECK(named.sat == smt::Sat::kUnsat);
}

TEST_CASE("any context: a conditional allow is found with its context", "[iam][smt]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, R"({"UserDetailList":[{"UserName":"alice","Arn":"arn:aws:iam::111111111111:user/alice",
    "GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":)" +
    Stmts(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
             {"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}})") +
    R"(}]}],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]})", "account.json");
  Account acct(model, &sink);
  Request req;
  req.caller = acct.CallerFromString("alice");
  req.action = "ec2:RunInstances";
  req.resource = "*";
  CHECK(Evaluate(acct, req).decision == Decision::kDeny);
  auto r = smt::AllowedForSomeContext(acct, req);
  REQUIRE(r.sat == smt::Sat::kSat);
  CHECK((r.witness.context["aws:multifactorauthpresent"] == std::vector<std::string>{"true"}));
  CHECK((r.witness.context["aws:requestedregion"] == std::vector<std::string>{"eu-west-1"}));
  // A fixed key that fails leaves no way to allow.
  req.context["aws:requestedregion"] = {"us-east-1"};
  CHECK(smt::AllowedForSomeContext(acct, req).sat == smt::Sat::kUnsat);
}

TEST_CASE("any context: a service key the action never carries is absent, not free", "[iam][smt]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, R"({"UserDetailList":[{"UserName":"carol","Arn":"arn:aws:iam::111111111111:user/carol",
    "GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":)" +
    Stmts(R"({"Effect":"Allow","Action":["dynamodb:GetItem","s3:ListBucket"],"Resource":"*","Condition":{"StringEquals":{"s3:prefix":"home/"}}},
             {"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
             {"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"Null":{"dynamodb:Select":"false"}}})") +
    R"(}]}],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]})", "account.json");
  Account acct(model, &sink);
  auto ask = [&](const std::string& action, const std::string& resource) {
    Request req;
    req.caller = acct.CallerFromString("carol");
    req.action = action;
    req.resource = resource;
    return smt::AllowedForSomeContext(acct, req);
  };
  // s3:prefix is in s3:ListBucket requests only.
  auto list = ask("s3:ListBucket", "arn:aws:s3:::b");
  REQUIRE(list.sat == smt::Sat::kSat);
  CHECK((list.witness.context["s3:prefix"] == std::vector<std::string>{"home/"}));
  CHECK(ask("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111111111111:table/t").sat == smt::Sat::kUnsat);
  // A Deny on a key that s3:PutObject never carries never applies.
  auto put = ask("s3:PutObject", "arn:aws:s3:::b/k");
  CHECK(put.sat == smt::Sat::kSat);
  CHECK(put.witness.context.count("dynamodb:select") == 0);
}

TEST_CASE("any context: statements that read no context decide concretely; one that does is asked", "[iam][smt]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, R"({"UserDetailList":[{"UserName":"bob","Arn":"arn:aws:iam::111111111111:user/bob",
    "GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":)" +
    Stmts(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"},
             {"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
             {"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:${aws:PrincipalTag/team}-*"},
             {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"})") +
    R"(}]}],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]})", "account.json");
  Account acct(model, &sink);
  auto ask = [&](const std::string& action, const std::string& resource) {
    Request req;
    req.caller = acct.CallerFromString("bob");
    req.action = action;
    req.resource = resource;
    return smt::AllowedForSomeContext(acct, req);
  };
  std::size_t asked = smt::SolverStats().questions;
  auto get = ask("s3:GetObject", "arn:aws:s3:::data/k");  // no condition: allowed for every context
  CHECK(get.sat == smt::Sat::kSat);
  CHECK(get.witness.resource == "arn:aws:s3:::data/k");
  CHECK(ask("s3:GetObject", "arn:aws:s3:::other/k").sat == smt::Sat::kUnsat);
  CHECK(ask("s3:DeleteObject", "arn:aws:s3:::data/k").sat == smt::Sat::kUnsat);
  CHECK(smt::SolverStats().questions == asked);  // none of these reached the solver
  // The condition of another action's statement does not make it matter;
  // its own condition does.
  auto put = ask("s3:PutObject", "arn:aws:s3:::data/k");
  REQUIRE(put.sat == smt::Sat::kSat);
  CHECK(smt::SolverStats().questions == asked + 1);
  CHECK((put.witness.context["aws:securetransport"] == std::vector<std::string>{"true"}));
  // A variable in Resource reads the context too: not a concrete deny (the
  // solver reports a variable on a free key as beyond its encoding).
  auto send = ask("sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:red-queue");
  CHECK(send.sat == smt::Sat::kUnknown);
  REQUIRE_FALSE(send.unknowns.empty());
  CHECK(send.unknowns.front().reason.find("policy variable") != std::string::npos);
}

TEST_CASE("who-can candidates and one decision for can-i and who-can", "[iam][smt][queries]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, R"({"UserDetailList":[{"UserName":"carol","Arn":"arn:aws:iam::111111111111:user/carol",
    "GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":)" +
    Stmts(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}})") +
    R"(}]}],"GroupDetailList":[],"Policies":[],"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111111111111:role/r",
    "AttachedManagedPolicies":[],"RolePolicyList":[],"AssumeRolePolicyDocument":)" +
    Stmts(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root","Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
             {"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"})") +
    R"(}]})", "account.json");
  Account acct(model, &sink);
  std::vector<std::string> names;
  for (const auto& c : WhoCanCandidates(acct)) names.push_back(c.Display());
  // The input's user and role, then the principals the trust names, each once.
  REQUIRE(names.size() == 5);
  CHECK(names[0].find("carol") != std::string::npos);
  CHECK(names[1].find("role/r") != std::string::npos);
  CHECK(names[2] == "arn:aws:iam::111111111111:root");
  CHECK(names[3] == "service ec2.amazonaws.com");
  CHECK(names[4] == "federated accounts.google.com");
  Request req;
  req.caller = acct.CallerFromString("carol");
  req.action = "sts:AssumeRole";
  req.resource = "arn:aws:iam::111111111111:role/r";
  // The trust names the account, so carol's own MFA-conditioned allow decides.
  CHECK(Decide(acct, req, false, 2000).decision == "deny");
  Answer any = Decide(acct, req, true, 2000);
  CHECK(any.decision == "conditional");
  REQUIRE(any.any.has_value());
  CHECK_FALSE(any.statements.empty());  // the statements of the witness request
}

}  // namespace
}  // namespace grantpath::iam

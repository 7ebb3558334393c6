#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

using testing::Formatted;
using testing::LoadString;

TEST_CASE("IAM policy documents: single statement and string forms", "[parsers][aws]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
 "NotResource": "arn:aws:s3:::private/*", "Condition": {"Bool": {"aws:SecureTransport": true}}}})",
             "p.json");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.iam_policies.size() == 1);
  const auto& p = m.iam_policies[0];
  CHECK(p.name == "p");
  CHECK(p.kind == iam::PolicyKind::kIdentity);
  REQUIRE(p.document.statements.size() == 1);
  const auto& st = p.document.statements[0];
  CHECK(st.allow);
  CHECK(st.actions.size() == 1);
  CHECK(st.actions[0].where.begin == SourcePos{1, 70});
  CHECK(st.not_resource);
  REQUIRE(st.conditions.size() == 1);
  CHECK(st.conditions[0].op.value == "Bool");
  CHECK(st.conditions[0].key.value == "aws:SecureTransport");
  CHECK(st.conditions[0].values[0].value == "true");
}

TEST_CASE("IAM resource policies are recognised by Principal", "[parsers][aws]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             R"({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "s3.amazonaws.com"},
 "Action": ["sqs:SendMessage"], "Resource": "*"}, {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]})",
             "queue.json");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.iam_policies.size() == 1);
  CHECK(m.iam_policies[0].kind == iam::PolicyKind::kResource);
  const auto& st = m.iam_policies[0].document.statements;
  REQUIRE(st.size() == 2);
  REQUIRE(st[0].principals.size() == 2);
  CHECK(st[0].principals[0].type == "AWS");
  CHECK(st[0].principals[1].type == "Service");
  CHECK(st[1].principals[0].type == "*");
  CHECK_FALSE(st[1].allow);
}

TEST_CASE("get-policy-version output and URL-encoded documents", "[parsers][aws]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             R"({"PolicyVersion": {"VersionId": "v2", "IsDefaultVersion": true,
  "Document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}})",
             "ver.json");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.iam_policies.size() == 1);
  const auto& st = m.iam_policies[0].document.statements;
  REQUIRE(st.size() == 1);
  CHECK(st[0].actions[0].value == "iam:PassRole");
  CHECK(st[0].actions[0].where.begin == SourcePos{2, 15});  // the encoded string's position
}

TEST_CASE("get-account-authorization-details: principals, inline and default versions",
          "[parsers][aws]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink, R"({
 "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::1:user/alice", "GroupList": ["ops"],
   "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}],
   "AttachedManagedPolicies": [{"PolicyName": "M", "PolicyArn": "arn:aws:iam::1:policy/M"}],
   "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::1:policy/B"}}],
 "GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::1:group/ops", "GroupPolicyList": []}],
 "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r",
   "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}],
 "Policies": [{"PolicyName": "M", "Arn": "arn:aws:iam::1:policy/M", "DefaultVersionId": "v2",
   "PolicyVersionList": [
     {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": [{"Effect": "Allow", "Action": "old:*", "Resource": "*"}]}},
     {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": "new:*", "Resource": "*"}]}}]}]
})", "acct.json");
  CHECK(sink.diagnostics().empty());
  REQUIRE(m.iam_principals.size() == 3);
  const auto& alice = m.iam_principals[0];
  CHECK(alice.name == "alice");
  CHECK(alice.group_names == std::vector<std::string>{"ops"});
  CHECK(alice.boundary_arn == "arn:aws:iam::1:policy/B");
  REQUIRE(alice.inline_policies.size() == 1);
  CHECK(m.iam_policies[alice.inline_policies[0]].owner_arn == "arn:aws:iam::1:user/alice");
  const auto& role = m.iam_principals[2];
  REQUIRE(role.trust_policy);
  CHECK(m.iam_policies[*role.trust_policy].kind == iam::PolicyKind::kTrust);
  // Only the default version of a managed policy is kept.
  bool found = false;
  for (const auto& p : m.iam_policies) {
    if (p.arn == "arn:aws:iam::1:policy/M") {
      found = true;
      CHECK(p.document.statements[0].actions[0].value == "new:*");
    }
  }
  CHECK(found);
}

TEST_CASE("Malformed IAM statements are located errors", "[parsers][aws][errors]") {
  Model m;
  CollectingSink sink;
  LoadString(m, sink,
             R"({"Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Action": 5, "Resource": "*"},
  {"Effect": "Allow", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:*", "Principal": "me"}]})",
             "bad.json");
  CHECK(Formatted(m, sink) ==
        std::vector<std::string>{
            "bad.json:1:27: error: 'Effect' must be \"Allow\" or \"Deny\", got 'allow' (statement "
            "not analyzed) [invalid-value]",
            "bad.json:2:33: error: 'Action' must be a string or a list of strings, got a number "
            "(statement not analyzed) [wrong-type]",
            "bad.json:3:3: error: a statement needs exactly one of 'Action' and 'NotAction' "
            "(statement not analyzed) [invalid-value]",
            "bad.json:4:54: error: a string principal must be \"*\", got 'me' (statement not "
            "analyzed) [invalid-value]"});
  REQUIRE(m.iam_policies.size() == 1);
  CHECK(m.iam_policies[0].document.statements.empty());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Malformed policy variables are located warnings", "[parsers][iam]") {
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": ["arn:aws:s3:::h/${aws:username}/*", "arn:aws:s3:::h/${aws:username, 'x'}", "arn:aws:s3:::${*}${?}${$}",
               "arn:aws:s3:::h/${${aws:username}}", "arn:aws:s3:::h/${aws:username", "arn:aws:s3:::h/${}",
               "arn:aws:s3:::h/${aws:username,}"]}]})");
  std::vector<std::string> got;
  for (const auto& d : sink.diagnostics()) {
    CHECK(d.code == "invalid-variable");
    CHECK(d.where.begin.line >= 3);
    got.push_back(d.message.substr(0, d.message.find(" (policy variables")));
  }
  CHECK(got == std::vector<std::string>{"nested policy variable '${${aws:username}'",
                                        "unterminated policy variable '${aws:username'",
                                        "empty policy variable '${}'",
                                        "policy variable default must be one quoted string: '${aws:username,}'"});
  // Version 2008-10-17 has no variables: the text is literal.
  CollectingSink old;
  Model m2;
  testing::LoadString(m2, old, R"({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::h/${}"}]})");
  CHECK(old.diagnostics().empty());
}

}  // namespace
}  // namespace grantpath

// Concrete IAM evaluation: matching rules, conditions, and the policy
// evaluation logic, one semantic point per section.
#include <catch2/catch.hpp>

#include "engine/aws_catalog.h"
#include "engine/iam_analysis.h"
#include "engine/iam_condition.h"
#include "engine/iam_eval.h"
#include "engine/iam_smt.h"
#include "engine/iam_match.h"
#include "test_util.h"

namespace grantpath::iam {
namespace {

// One account export (users, groups, roles, managed policies) plus
// optional standalone documents, and a request helper.
struct Acct {
  Model model;
  CollectingSink sink;
  std::unique_ptr<Account> account;
  explicit Acct(const std::string& export_json, std::vector<std::string> docs = {}) {
    testing::LoadString(model, sink, export_json, "account.json");
    for (std::size_t i = 0; i < docs.size(); ++i)
      testing::LoadString(model, sink, docs[i], "doc" + std::to_string(i) + ".json");
    account = std::make_unique<Account>(model, &sink);
  }
  Evaluation Eval(const std::string& who, const std::string& action, const std::string& resource,
                  Context ctx = {}) const {
    Request r;
    r.caller = account->CallerFromString(who);
    r.action = action;
    r.resource = resource;
    r.context = std::move(ctx);
    return Evaluate(*account, r);
  }
  std::string Decide(const std::string& who, const std::string& action,
                     const std::string& resource, Context ctx = {}) const {
    Evaluation e = Eval(who, action, resource, std::move(ctx));
    return std::string(DecisionName(e.decision)) + (e.explicit_deny ? "/explicit" : "");
  }
};

// An export with one user "alice" (account 111111111111) whose inline
// policy is `doc`.
std::string UserWith(const std::string& doc, const std::string& extra_user_fields = "") {
  return R"({"UserDetailList":[{"UserName":"alice","Arn":"arn:aws:iam::111111111111:user/alice",)"
         R"("Path":"/","GroupList":[],"AttachedManagedPolicies":[],)" + extra_user_fields +
         R"("UserPolicyList":[{"PolicyName":"p","PolicyDocument":)" + doc + R"(}]}],)"
         R"("GroupDetailList":[],"RoleDetailList":[],"Policies":[]})";
}
const char* kAlice = "arn:aws:iam::111111111111:user/alice";

std::string Stmt(const std::string& body, const std::string& version = "2012-10-17") {
  return R"({"Version":")" + version + R"(","Statement":[)" + body + "]}";
}

TEST_CASE("glob: * spans anything, ? one character, case by flag", "[iam]") {
  CHECK(Glob("s3:Get*", "s3:GetObject"));
  CHECK_FALSE(Glob("s3:Get*", "s3:getobject"));
  CHECK(Glob("s3:Get*", "s3:getobject", true));
  CHECK(Glob("s3:?etObject", "s3:GetObject"));
  CHECK_FALSE(Glob("s3:?etObject", "s3:etObject"));
  CHECK(Glob("*", ""));
  CHECK(Glob("a*b*c", "aXXbYYc"));
  CHECK_FALSE(Glob("a*b*c", "aXXbYY"));
  // Substituted text is literal: a protected '*' matches only '*'.
  CHECK(Glob(std::string("home/") + kLiteralStar, "home/*"));
  CHECK_FALSE(Glob(std::string("home/") + kLiteralStar, "home/bob"));
  // '?' is one character, whatever its UTF-8 length.
  CHECK(Glob("?", "\xC3\xA9"));
  CHECK(Glob("?", "\xF0\x9F\x98\x80"));
  CHECK_FALSE(Glob("??", "\xC3\xA9"));
  CHECK(Glob("a?c", "a\xE2\x82\xAC" "c"));
  CHECK(Glob("*?", "\xC3\xA9"));
  CHECK(Glob("*\xC3\xA9", "x\xC3\xA9"));
}

TEST_CASE("The solver says unknown, not no, when characters outside its alphabet could decide", "[iam][smt]") {
  // StringLike "?" with every printable ASCII character excluded: only a
  // non-ASCII tag value (allowed by AWS) is let in.
  std::string excluded;
  for (char c = ' '; c <= '~'; ++c) {
    if (c == '*' || c == '?' || c == '$') continue;
    std::string v(1, c);
    if (c == '"' || c == '\\') v = "\\" + v;
    excluded += (excluded.empty() ? "\"" : ",\"") + v + "\"";
  }
  excluded += R"(,"${*}","${?}","${$}")";
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, Stmt(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/x":"?"},"StringNotLike":{"aws:PrincipalTag/x":[)" + excluded + "]}}}"));
  REQUIRE(m.iam_policies.size() == 1);
  Request req;
  req.action = "s3:GetObject";
  req.resource = "arn:aws:s3:::b/k";
  req.context["aws:principaltag/x"] = {"\xC3\xA9"};
  CHECK(smt::DocumentDecision(m.iam_policies[0].document, PolicyRole::kIdentity, req) == Decision::kAllow);
  auto r = smt::GrantsAccess(m.iam_policies[0].document, PolicyRole::kIdentity, {"s3:GetObject"}, {}, {});
  CHECK(r.sat != smt::Sat::kUnsat);
}

TEST_CASE("ARN matching is per segment; the resource part is one glob", "[iam]") {
  CHECK(ArnMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"));
  CHECK(ArnMatch("arn:aws:iam::*:role/x", "arn:aws:iam::111111111111:role/x"));
  // A '*' in the account segment does not reach into the resource part.
  CHECK_FALSE(ArnMatch("arn:aws:iam::1*:x", "arn:aws:iam::1:2:x"));
  CHECK(ArnMatch("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:1:instance/i-1"));
  CHECK_FALSE(ArnMatch("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket"));  // case-sensitive
  // A short pattern ending in a wildcard covers the missing segments.
  CHECK(ArnMatch("arn:aws:s3:*", "arn:aws:s3:::bucket"));
  CHECK_FALSE(ArnMatch("arn:aws:s3", "arn:aws:s3:::bucket"));
  CHECK(ArnMatch("*", "anything"));
}

TEST_CASE("policy variables: values, defaults, escapes", "[iam]") {
  VariableLookup lookup = [](const std::string& k) -> std::optional<std::string> {
    if (ToLower(k) == "aws:username") return std::string("bob*");
    return std::nullopt;
  };
  auto s = SubstituteVariables("home/${aws:username}/*", lookup);
  REQUIRE(s);
  CHECK(Glob(*s, "home/bob*/x"));
  CHECK_FALSE(Glob(*s, "home/bobby/x"));  // the value's '*' is literal
  CHECK(*SubstituteVariables("a${*}b${?}c${$}", lookup) ==
        std::string("a") + kLiteralStar + "b" + kLiteralQuestion + "c$");
  CHECK(*SubstituteVariables("${aws:PrincipalTag/team, 'none'}", lookup) == "none");
  CHECK_FALSE(SubstituteVariables("${aws:PrincipalTag/team}", lookup).has_value());
}

TEST_CASE("action matching is case-insensitive; NotAction inverts", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"S3:get*","Resource":"*"},
                          {"Effect":"Allow","NotAction":["iam:*","s3:*"],"Resource":"*"})")));
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::b/k") == "allow");
  CHECK(a.Decide(kAlice, "s3:PutObject", "arn:aws:s3:::b/k") == "deny");
  CHECK(a.Decide(kAlice, "iam:CreateUser", "*") == "deny");
  CHECK(a.Decide(kAlice, "ec2:RunInstances", "*") == "allow");
  // NotAction is open-world: a service no catalog knows yet is granted.
  CHECK(a.Decide(kAlice, "futureservice:DoThing", "*") == "allow");
}

TEST_CASE("Action, Resource and Statement as a single string or a list", "[iam]") {
  Acct a(UserWith(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:q"}})"));
  CHECK(a.Decide(kAlice, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q") == "allow");
  CHECK(a.Decide(kAlice, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:other") == "deny");
}

TEST_CASE("NotResource allows everything but the listed resources", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"})")));
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::public/x") == "allow");
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::secret/x") == "deny");
}

TEST_CASE("explicit deny wins over any allow", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"*","Resource":"*"},
                          {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"})")));
  CHECK(a.Decide(kAlice, "s3:DeleteBucket", "arn:aws:s3:::b") == "deny/explicit");
  auto e = a.Eval(kAlice, "s3:DeleteBucket", "arn:aws:s3:::b");
  REQUIRE(e.statements.size() == 1);
  CHECK_FALSE(e.statements[0].allow);
  CHECK(a.Decide(kAlice, "s3:ListBucket", "arn:aws:s3:::b") == "allow");
}

TEST_CASE("policy variables in Resource; Version 2008 keeps them literal", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"})")));
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::home/alice/x") == "allow");
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::home/bob/x") == "deny");
  Acct old(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"})", "2008-10-17")));
  CHECK(old.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::home/alice/x") == "deny");
  CHECK(old.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x") == "allow");
}

// Condition evaluation on its own.
Tri Cond(const std::string& op, const std::string& key, std::vector<std::string> values,
         const Context& ctx) {
  Condition c;
  c.op.value = op;
  c.key.value = key;
  for (auto& v : values) c.values.push_back({v, {}});
  return EvaluateCondition(c, ctx, true, nullptr);
}

TEST_CASE("condition operators: string family", "[iam][condition]") {
  Context ctx{{"s3:prefix", {"home/alice"}}};
  CHECK(Cond("StringEquals", "s3:prefix", {"home/alice"}, ctx) == Tri::kTrue);
  CHECK(Cond("StringEquals", "S3:Prefix", {"home/alice"}, ctx) == Tri::kTrue);  // key case
  CHECK(Cond("StringEquals", "s3:prefix", {"HOME/alice"}, ctx) == Tri::kFalse);
  CHECK(Cond("StringEqualsIgnoreCase", "s3:prefix", {"HOME/alice"}, ctx) == Tri::kTrue);
  CHECK(Cond("StringLike", "s3:prefix", {"x", "home/*"}, ctx) == Tri::kTrue);  // values OR
  CHECK(Cond("StringNotLike", "s3:prefix", {"x", "home/*"}, ctx) == Tri::kFalse);
  CHECK(Cond("StringNotEquals", "s3:prefix", {"x", "y"}, ctx) == Tri::kTrue);
}

TEST_CASE("condition operators: missing-key rules", "[iam][condition]") {
  Context none;
  CHECK(Cond("StringEquals", "aws:SourceVpc", {"vpc-1"}, none) == Tri::kFalse);
  CHECK(Cond("StringNotEquals", "aws:SourceVpc", {"vpc-1"}, none) == Tri::kTrue);
  CHECK(Cond("ArnNotLike", "aws:SourceArn", {"arn:*"}, none) == Tri::kTrue);
  CHECK(Cond("NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, none) == Tri::kTrue);
  CHECK(Cond("StringEqualsIfExists", "aws:SourceVpc", {"vpc-1"}, none) == Tri::kTrue);
  CHECK(Cond("ForAllValues:StringEquals", "aws:TagKeys", {"a"}, none) == Tri::kTrue);
  CHECK(Cond("ForAnyValue:StringEquals", "aws:TagKeys", {"a"}, none) == Tri::kFalse);
  CHECK(Cond("Null", "aws:TagKeys", {"true"}, none) == Tri::kTrue);
  CHECK(Cond("Null", "aws:TagKeys", {"false"}, none) == Tri::kFalse);
  Context vpc{{"aws:sourcevpc", {"vpc-2"}}};
  CHECK(Cond("StringEqualsIfExists", "aws:SourceVpc", {"vpc-1"}, vpc) == Tri::kFalse);
  CHECK(Cond("Null", "aws:SourceVpc", {"false"}, vpc) == Tri::kTrue);
}

TEST_CASE("condition operators: set qualifiers on multi-valued keys", "[iam][condition]") {
  Context tags{{"aws:tagkeys", {"env", "owner"}}};
  CHECK(Cond("ForAllValues:StringEquals", "aws:TagKeys", {"env", "owner", "cost"}, tags) == Tri::kTrue);
  CHECK(Cond("ForAllValues:StringEquals", "aws:TagKeys", {"env"}, tags) == Tri::kFalse);
  CHECK(Cond("ForAnyValue:StringEquals", "aws:TagKeys", {"owner"}, tags) == Tri::kTrue);
  CHECK(Cond("ForAnyValue:StringNotEquals", "aws:TagKeys", {"env"}, tags) == Tri::kTrue);
  CHECK(Cond("ForAllValues:StringNotEquals", "aws:TagKeys", {"env"}, tags) == Tri::kFalse);
  CHECK(Cond("ForAllValues:StringLike", "aws:TagKeys", {"*"}, tags) == Tri::kTrue);
}

TEST_CASE("condition operators: numeric, date, bool, binary", "[iam][condition]") {
  Context ctx{{"aws:multifactorauthage", {"3600"}},
              {"aws:currenttime", {"2026-06-01T12:00:00Z"}},
              {"aws:securetransport", {"true"}},
              {"kms:x", {"QmluYXJ5"}}};
  CHECK(Cond("NumericLessThan", "aws:MultiFactorAuthAge", {"7200"}, ctx) == Tri::kTrue);
  CHECK(Cond("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", {"3600"}, ctx) == Tri::kTrue);
  CHECK(Cond("NumericNotEquals", "aws:MultiFactorAuthAge", {"3600"}, ctx) == Tri::kFalse);
  CHECK(Cond("NumericEquals", "aws:MultiFactorAuthAge", {"3600.0"}, ctx) == Tri::kTrue);
  CHECK(Cond("NumericLessThan", "aws:MultiFactorAuthAge", {"abc"}, ctx) == Tri::kUnknown);
  CHECK(Cond("DateLessThan", "aws:CurrentTime", {"2026-12-31T00:00:00Z"}, ctx) == Tri::kTrue);
  CHECK(Cond("DateGreaterThan", "aws:CurrentTime", {"2026-06-01"}, ctx) == Tri::kTrue);
  CHECK(Cond("DateEquals", "aws:CurrentTime", {"1780315200"}, ctx) == Tri::kTrue);  // epoch form
  CHECK(Cond("DateLessThan", "aws:CurrentTime", {"2026-06-01T13:00:00+02:00"}, ctx) == Tri::kFalse);
  CHECK(Cond("Bool", "aws:SecureTransport", {"TRUE"}, ctx) == Tri::kTrue);
  CHECK(Cond("Bool", "aws:SecureTransport", {"false"}, ctx) == Tri::kFalse);
  CHECK(Cond("BinaryEquals", "kms:x", {"QmluYXJ5"}, ctx) == Tri::kTrue);
}

TEST_CASE("condition operators: IP addresses v4 and v6, ARNs", "[iam][condition]") {
  Context v4{{"aws:sourceip", {"203.0.113.9"}}};
  Context v6{{"aws:sourceip", {"2001:db8::1"}}};
  CHECK(Cond("IpAddress", "aws:SourceIp", {"203.0.113.0/24"}, v4) == Tri::kTrue);
  CHECK(Cond("IpAddress", "aws:SourceIp", {"203.0.113.0/24"}, v6) == Tri::kFalse);
  CHECK(Cond("IpAddress", "aws:SourceIp", {"203.0.113.0/24", "2001:db8::/32"}, v6) == Tri::kTrue);
  CHECK(Cond("NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, v4) == Tri::kTrue);
  CHECK(Cond("IpAddress", "aws:SourceIp", {"203.0.113.9"}, v4) == Tri::kTrue);  // bare address
  Context arn{{"aws:sourcearn", {"arn:aws:sns:us-east-1:111111111111:topic"}}};
  CHECK(Cond("ArnLike", "aws:SourceArn", {"arn:aws:sns:*:111111111111:*"}, arn) == Tri::kTrue);
  CHECK(Cond("ArnEquals", "aws:SourceArn", {"arn:aws:sns:us-east-1:111111111111:topic"}, arn) == Tri::kTrue);
  CHECK(Cond("ArnNotLike", "aws:SourceArn", {"arn:aws:sns:*:222222222222:*"}, arn) == Tri::kTrue);
}

TEST_CASE("condition values take policy variables", "[iam][condition]") {
  Context ctx{{"aws:username", {"alice"}}, {"s3:prefix", {"home/alice/docs"}}};
  CHECK(Cond("StringLike", "s3:prefix", {"home/${aws:username}/*"}, ctx) == Tri::kTrue);
  CHECK(Cond("StringLike", "s3:prefix", {"home/${aws:userid}/*"}, ctx) == Tri::kFalse);
}

TEST_CASE("unknown operators are unknown, never allow or deny", "[iam][condition]") {
  CHECK_FALSE(ParseOperator("StringEqualz").has_value());
  CHECK_FALSE(ParseOperator("NullIfExists").has_value());
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"s3:prefix":"a"}}})")));
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::b/k") == "unknown");
}

TEST_CASE("conditions in a statement: every operator and key must hold", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
     "Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})")));
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::b/k") == "deny");
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::b/k",
                 {{"aws:securetransport", {"true"}}, {"aws:sourceip", {"10.1.2.3"}}}) == "allow");
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::b/k", {{"aws:securetransport", {"true"}}}) == "deny");
}

TEST_CASE("derived context: aws:username and aws:PrincipalArn come from the caller", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*",
     "Condition":{"StringEquals":{"aws:username":"alice","aws:PrincipalAccount":"111111111111"}}})")));
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::b/k") == "allow");
}

std::string ManagedPolicy(const std::string& name, const std::string& doc) {
  return R"({"PolicyName":")" + name + R"(","Arn":"arn:aws:iam::111111111111:policy/)" + name +
         R"(","DefaultVersionId":"v2","PolicyVersionList":[)"
         R"({"VersionId":"v1","IsDefaultVersion":false,"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}},)"
         R"({"VersionId":"v2","IsDefaultVersion":true,"Document":)" + doc + "}]}";
}

TEST_CASE("groups, managed policies (default version only) and boundaries", "[iam]") {
  std::string exp = R"({"UserDetailList":[{"UserName":"bob","Arn":"arn:aws:iam::111111111111:user/bob",
    "GroupList":["devs"],"AttachedManagedPolicies":[],"UserPolicyList":[],
    "PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111111111111:policy/bound"}}],
  "GroupDetailList":[{"GroupName":"devs","Arn":"arn:aws:iam::111111111111:group/devs",
    "AttachedManagedPolicies":[{"PolicyName":"dev","PolicyArn":"arn:aws:iam::111111111111:policy/dev"}],"GroupPolicyList":[]}],
  "RoleDetailList":[],
  "Policies":[)" + ManagedPolicy("dev", Stmt(R"({"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"})")) +
                    "," + ManagedPolicy("bound", Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})")) + "]}";
  Acct a(exp);
  const char* bob = "arn:aws:iam::111111111111:user/bob";
  CHECK(a.Decide(bob, "s3:GetObject", "arn:aws:s3:::b/k") == "allow");
  // The group allows ec2, the boundary does not: the intersection wins.
  CHECK(a.Decide(bob, "ec2:RunInstances", "*") == "deny");
  // Version v1 (allow everything) is not the default: not counted.
  CHECK(a.Decide(bob, "iam:CreateUser", "*") == "deny");
}

TEST_CASE("a managed policy the input lacks makes a deny unknown", "[iam]") {
  std::string exp = R"({"UserDetailList":[{"UserName":"carol","Arn":"arn:aws:iam::111111111111:user/carol",
    "GroupList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}],
    "UserPolicyList":[]}],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]})";
  Acct a(exp);
  CHECK(a.Decide("arn:aws:iam::111111111111:user/carol", "s3:GetObject", "*") == "unknown");
  bool warned = false;
  for (const auto& d : a.sink.diagnostics()) warned |= d.code == "unresolved-reference";
  CHECK(warned);
}

std::string RoleExport(const std::string& trust, const std::string& role_policy,
                       const std::string& user_policy) {
  return R"({"UserDetailList":[{"UserName":"alice","Arn":"arn:aws:iam::111111111111:user/alice",
    "GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[{"PolicyName":"u","PolicyDocument":)" + user_policy + R"(}]}],
    "GroupDetailList":[],
    "RoleDetailList":[{"RoleName":"admin","Arn":"arn:aws:iam::111111111111:role/admin",
      "AssumeRolePolicyDocument":)" + trust + R"(,"AttachedManagedPolicies":[],
      "RolePolicyList":[{"PolicyName":"r","PolicyDocument":)" + role_policy + R"(}]}],"Policies":[]})";
}

TEST_CASE("trust policies: same-account ARN alone, account root needs identity allow", "[iam]") {
  const char* role = "arn:aws:iam::111111111111:role/admin";
  std::string none = Stmt(R"({"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"})");
  std::string can_assume = Stmt(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"})");
  std::string trust_user = Stmt(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"})");
  std::string trust_root = Stmt(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"})");
  std::string trust_other = Stmt(R"({"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"})");
  CHECK(Acct(RoleExport(trust_user, none, none)).Decide(kAlice, "sts:AssumeRole", role) == "allow");
  CHECK(Acct(RoleExport(trust_root, none, none)).Decide(kAlice, "sts:AssumeRole", role) == "deny");
  CHECK(Acct(RoleExport(trust_root, none, can_assume)).Decide(kAlice, "sts:AssumeRole", role) == "allow");
  // Identity allow without the trust policy's: denied.
  CHECK(Acct(RoleExport(trust_other, none, can_assume)).Decide(kAlice, "sts:AssumeRole", role) == "deny");
  // Cross-account: an outside principal named by its account id.
  Acct cross(RoleExport(trust_other, none, none));
  CHECK(cross.Decide("arn:aws:iam::222222222222:user/eve", "sts:AssumeRole", role) == "allow");
  CHECK(cross.Decide("arn:aws:iam::333333333333:user/eve", "sts:AssumeRole", role) == "deny");
}

TEST_CASE("resource policies: same account either side, cross-account both", "[iam]") {
  std::string bucket_policy = Stmt(R"({"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:user/alice","222222222222"]},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"})");
  std::string none = Stmt(R"({"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"})");
  Acct a(UserWith(none), {bucket_policy});
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::data/x") == "allow");
  CHECK(a.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::other/x") == "deny");
  // Principal "*" in a resource policy grants anonymous access.
  Acct pub(UserWith(none), {Stmt(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www/*"})")});
  CHECK(pub.Decide("*", "s3:GetObject", "arn:aws:s3:::www/index.html") == "allow");
  CHECK(pub.Decide("*", "s3:PutObject", "arn:aws:s3:::www/index.html") == "deny");
  // NotPrincipal with Deny: everyone but alice is denied.
  Acct np(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})")),
          {Stmt(R"({"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::vault/*"})")});
  CHECK(np.Decide(kAlice, "s3:GetObject", "arn:aws:s3:::vault/x") == "allow");
  CHECK(np.Decide("arn:aws:iam::222222222222:user/eve", "s3:GetObject", "arn:aws:s3:::vault/x") == "deny/explicit");
}

TEST_CASE("service principals match Service entries case-insensitively", "[iam]") {
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"})")),
         {Stmt(R"({"Effect":"Allow","Principal":{"Service":"Logging.S3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*"})")});
  CHECK(a.Decide("logging.s3.amazonaws.com", "s3:PutObject", "arn:aws:s3:::logs/x") == "allow");
  CHECK(a.Decide("ec2.amazonaws.com", "s3:PutObject", "arn:aws:s3:::logs/x") == "deny");
}

TEST_CASE("catalog: loads, matches action patterns, knows key types", "[iam][catalog]") {
  const auto& c = aws::Catalog::Get();
  CHECK(c.actions().size() > 15000);
  CHECK_FALSE(c.version().empty());
  auto get = c.Find("S3:GETOBJECT");
  REQUIRE(get);
  CHECK(c.FullName(*get) == "s3:GetObject");
  CHECK(c.actions()[*get].level == aws::AccessLevel::kRead);
  auto pass = c.Find("iam:PassRole");
  REQUIRE(pass);
  CHECK(c.actions()[*pass].level == aws::AccessLevel::kWrite);
  CHECK(c.Match("*").size() == c.actions().size());
  auto gets = c.Match("s3:Get*");
  CHECK(gets.size() > 20);
  for (auto i : gets) CHECK(c.actions()[i].lower.rfind("s3:get", 0) == 0);
  CHECK(c.Match("nosuchservice:*").empty());
  CHECK(c.KeyType("s3:x-amz-acl") == "String");
  CHECK(c.KeyType("aws:ResourceTag/Team") == "String");
  auto list = c.Find("s3:ListAllMyBuckets");
  REQUIRE(list);
  CHECK(c.actions()[*list].wildcard_only);
  // The scan of the embedded text agrees with the parsed catalog.
  CHECK(aws::CatalogKnowsAction("S3:getobject"));
  CHECK(aws::CatalogKnowsAction("iam:PassRole"));
  CHECK_FALSE(aws::CatalogKnowsAction("s3:GetObjekt"));
  CHECK_FALSE(aws::CatalogKnowsAction("nosuchservice:Get"));
  CHECK_FALSE(aws::CatalogKnowsAction("s3"));
  CHECK(c.ExampleArn("s3:GetObject", "123456789012").rfind("arn:aws:s3:::", 0) == 0);
  CHECK(c.ExampleArn("s3:ListAllMyBuckets", "123456789012") == "*");
}

TEST_CASE("catalog: which condition keys a request for an action carries", "[iam][catalog]") {
  const auto& c = aws::Catalog::Get();
  // The action's own keys, case-insensitively.
  CHECK(c.KeyMayBePresent("s3:ListBucket", "s3:max-keys"));
  CHECK(c.KeyMayBePresent("S3:LISTBUCKET", "S3:Max-Keys"));
  // Another service's key, or another action's key of the same service.
  CHECK_FALSE(c.KeyMayBePresent("dynamodb:GetItem", "s3:max-keys"));
  CHECK_FALSE(c.KeyMayBePresent("s3:GetObject", "s3:prefix"));
  // Templated keys: <key> and ${TagKey}; the resource types' own keys.
  CHECK(c.KeyMayBePresent("s3:GetObject", "s3:ExistingObjectTag/team"));
  CHECK(c.KeyMayBePresent("s3:GetObject", "s3:BucketTag/team"));
  CHECK_FALSE(c.KeyMayBePresent("s3:GetObject", "s3:ExistingObjectTag/"));
  CHECK(c.KeyMayBePresent("kms:Decrypt", "kms:EncryptionContext:purpose"));
  // Global keys, the cross-service keys of role sessions, identity
  // providers' keys and actions the catalog does not know: may be present.
  CHECK(c.KeyMayBePresent("dynamodb:GetItem", "aws:SourceIp"));
  CHECK(c.KeyMayBePresent("dynamodb:GetItem", "ec2:SourceInstanceARN"));
  CHECK(c.KeyMayBePresent("dynamodb:GetItem", "lambda:SourceFunctionArn"));
  CHECK(c.KeyMayBePresent("sts:AssumeRoleWithWebIdentity", "token.actions.githubusercontent.com:sub"));
  CHECK(c.KeyMayBePresent("nosuchservice:Get", "s3:max-keys"));
  CHECK(c.KeyMayBePresent("dynamodb:GetItem", "nokey"));
}

}  // namespace
}  // namespace grantpath::iam

namespace grantpath::iam {
namespace {

std::string Scp(const std::string& name, const std::string& statements) {
  std::string content = R"({\"Version\":\"2012-10-17\",\"Statement\":[)" + statements + "]}";
  return R"({"Policy":{"PolicySummary":{"Name":")" + name + R"(","Type":"SERVICE_CONTROL_POLICY","Arn":"arn:aws:organizations::111111111111:policy/o-1/service_control_policy/p-)" + name + R"("},"Content":")" + content + R"("}})";
}

TEST_CASE("SCPs: every level must allow; one SCP of a level suffices; Deny wins", "[iam]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, UserWith(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"), "account.json");
  // Level "org": s3 or ec2. Level "org/ou": everything but deleting buckets.
  testing::LoadString(model, sink, Scp("s3", R"({\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"})"), "org/s3.json");
  testing::LoadString(model, sink, Scp("ec2", R"({\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"})"), "org/ec2.json");
  testing::LoadString(model, sink, Scp("ou", R"({\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"})"), "org/ou/ou.json");
  for (const auto& d : sink.diagnostics()) INFO(d.message);
  REQUIRE(model.iam_policies.size() == 4);
  CHECK(model.iam_policies[1].kind == PolicyKind::kScp);
  Account acct(model, &sink);
  CHECK(acct.ScpLevels().size() == 2);
  auto decide = [&](const std::string& action) {
    Request r;
    r.caller = acct.CallerFromString(kAlice);
    r.action = action;
    r.resource = "*";
    Evaluation e = Evaluate(acct, r);
    return std::string(DecisionName(e.decision)) + (e.explicit_deny ? "/explicit" : "");
  };
  CHECK(decide("s3:GetObject") == "allow");
  CHECK(decide("ec2:RunInstances") == "allow");
  CHECK(decide("iam:CreateUser") == "deny");  // no SCP of level "org" allows it
  CHECK(decide("s3:DeleteBucket") == "deny/explicit");
  // Service principals are not bound by SCPs.
  Request svc;
  svc.caller = acct.CallerFromString("ec2.amazonaws.com");
  svc.action = "iam:CreateUser";
  svc.resource = "*";
  CHECK(Evaluate(acct, svc).decision == Decision::kDeny);  // no resource policy either
}

TEST_CASE("analysis diagnostics: ambiguous short ARNs and unknown operators are located", "[iam]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*"},
    {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"s3:prefix":"a"}}}]})", "p.json");
  Analysis a(model, sink);
  bool ambiguous = false, unsupported = false;
  for (const auto& d : sink.diagnostics()) {
    if (d.code == "ambiguous-pattern") {
      ambiguous = true;
      CHECK(d.where.begin.line == 2);
    }
    if (d.code == "unsupported-construct") {
      unsupported = true;
      CHECK(d.where.begin.line == 3);
    }
  }
  CHECK(ambiguous);
  CHECK(unsupported);
}

}  // namespace
}  // namespace grantpath::iam

namespace grantpath::iam {
namespace {

TEST_CASE("principal forms: role session ARNs, CanonicalUser, Federated, NotPrincipal with accounts", "[iam]") {
  std::string pol = Stmt(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::222222222222:assumed-role/reader/session-1"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
     {"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
     {"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},
     {"Effect":"Deny","NotPrincipal":{"AWS":["222222222222"]},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"})");
  Acct a(UserWith(Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})")), {pol});
  // The session's role (a principal outside the input, named by session ARN).
  CHECK(a.Decide("arn:aws:sts::222222222222:assumed-role/reader/session-1", "s3:GetObject", "arn:aws:s3:::b/k") == "allow");
  CHECK(a.Decide("arn:aws:sts::222222222222:assumed-role/writer/session-1", "s3:GetObject", "arn:aws:s3:::b/k") == "deny");
  CHECK(a.Decide("79a59df900b949e55d96a1e698fbaced", "s3:PutObject", "arn:aws:s3:::b/k") == "allow");
  CHECK(a.Decide("cognito-identity.amazonaws.com", "s3:ListBucket", "arn:aws:s3:::b") == "deny");  // a service name
  // NotPrincipal naming an account: everyone outside it is denied.
  CHECK(a.Decide(kAlice, "s3:DeleteObject", "arn:aws:s3:::b/k") == "deny/explicit");
  CHECK(a.Decide("arn:aws:iam::222222222222:user/bob", "s3:DeleteObject", "arn:aws:s3:::b/k") == "deny");  // not denied explicitly
}

TEST_CASE("solver queries honour their time limit: unknown, never allow or deny", "[iam][smt]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":["*a*b*c*d*e*","*f*g*h*"]},"StringNotLike":{"s3:prefix":["*a*b*c*d*e*f*g*h*"]}}})"), "a.json");
  testing::LoadString(model, sink, Stmt(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":["*h*g*f*e*d*c*b*a*"]}}})"), "b.json");
  auto r = smt::Difference(model.iam_policies[0].document, model.iam_policies[1].document, PolicyRole::kIdentity, {1});
  // A difference exists ("fghabcde"): with a 1 ms limit the answer is that
  // witness or unknown with the reason, never "no difference".
  CHECK(r.sat != smt::Sat::kUnsat);
  if (r.sat == smt::Sat::kUnknown) CHECK_FALSE(r.unknowns.empty());
  if (r.sat == smt::Sat::kSat)
    CHECK(smt::DocumentDecision(model.iam_policies[0].document, PolicyRole::kIdentity, r.witness) == Decision::kAllow);
}

}  // namespace
}  // namespace grantpath::iam

namespace grantpath::iam {
namespace {

TEST_CASE("KMS key policies: joined by KeyArn, KeyId or file name; otherwise every key, with a note",
          "[iam][kms]") {
  const std::string doc =
      R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]})";
  auto load = [&](const std::string& extra, const std::string& file, CollectingSink& sink) {
    Model model;
    testing::LoadString(model, sink, "{" + extra + "\"Policy\": \"" + doc + "\"}", file);
    REQUIRE(model.iam_policies.size() == 1);
    return model.iam_policies[0];
  };
  CollectingSink s1, s2, s3, s4;
  auto by_arn = load(R"("KeyArn": "arn:aws:kms:eu-west-1:111111111111:key/k1", )", "p.json", s1);
  CHECK(by_arn.kms_key_policy);
  CHECK(by_arn.arn == "arn:aws:kms:eu-west-1:111111111111:key/k1");
  CHECK(by_arn.document.statements[0].resources[0].value == by_arn.arn);
  auto by_id = load(R"("KeyId": "mrk-0123456789abcdef0123456789abcdef", )", "p.json", s2);
  CHECK(by_id.arn == "arn:aws:kms:*:*:key/mrk-0123456789abcdef0123456789abcdef");
  auto by_name = load("", "kms/1234abcd-12ab-34cd-56ef-1234567890ab.policy.json", s3);
  CHECK(by_name.arn == "arn:aws:kms:*:*:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK(s3.diagnostics().empty());
  auto none = load("", "key-policy.json", s4);
  CHECK(none.kms_key_policy);
  CHECK(none.arn.empty());
  CHECK(none.document.statements[0].resources[0].value == "*");
  REQUIRE(s4.diagnostics().size() == 1);
  CHECK(s4.diagnostics()[0].message.find("names no key") != std::string::npos);
  // A bucket policy is not a key policy.
  CollectingSink s5;
  Model m;
  testing::LoadString(m, s5,
                      R"({"Policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"})",
                      "1234abcd-12ab-34cd-56ef-1234567890ab.json");
  CHECK_FALSE(m.iam_policies[0].kms_key_policy);
}

}  // namespace
}  // namespace grantpath::iam

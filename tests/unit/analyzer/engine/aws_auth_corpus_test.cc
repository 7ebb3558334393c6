// aws-iam-authenticator's own cases (shared/corpora/cross-domain/
// aws-iam-authenticator): ConfigMap parsing, ARN canonicalisation, path
// stripping and username templates. All 28 agree; {{EC2PrivateDNSName}}
// needs an EC2 API lookup, which the corpus marks as an allowed error.
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/aws_auth.h"
#include "loader.h"
#include "test_util.h"

namespace grantpath {
namespace {

using Json = nlohmann::json;

Json Expected() {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return Json();
  return Json::parse(testing::ReadFile(dir + "/cross-domain/aws-iam-authenticator/expected-cases.json"));
}

TEST_CASE("aws-iam-authenticator corpus: ConfigMap parse cases", "[corpus][cross-domain]") {
  Json d = Expected();
  if (d.is_null()) return;
  const std::string root = testing::CorporaDir() + "/cross-domain/aws-iam-authenticator/";
  std::size_t cases = 0;
  for (const auto& c : d["configmap_parse_cases"]) {
    INFO(c["file"]);
    Model m;
    CollectingSink sink;
    DiskReader reader;
    parsers::Load({root + c["file"].get<std::string>()}, reader, parsers::LoadOptions{}, m, sink);
    std::vector<std::string> roles, users, accounts;
    for (const auto& a : m.k8s_aws_auth) {
      std::string groups;
      for (const auto& g : a.groups) groups += g + ",";
      if (a.kind == k8s::AwsAuthEntry::Kind::kRole) roles.push_back(a.arn + "|" + a.username + "|" + groups);
      if (a.kind == k8s::AwsAuthEntry::Kind::kUser) users.push_back(a.arn + "|" + a.username + "|" + groups);
      if (a.kind == k8s::AwsAuthEntry::Kind::kAccount) accounts.push_back(a.arn);
    }
    auto expect = [](const Json& list, const char* arn_key) {
      std::vector<std::string> out;
      if (list.is_null()) return out;
      for (const auto& x : list) {
        std::string groups;
        for (const auto& g : x["groups"]) groups += g.get<std::string>() + ",";
        out.push_back(x[arn_key].get<std::string>() + "|" + x["username"].get<std::string>() + "|" + groups);
      }
      return out;
    };
    CHECK(roles == expect(c["roleMappings"], "rolearn"));
    CHECK(users == expect(c["userMappings"], "userarn"));
    std::vector<std::string> want_accounts;
    if (!c["accounts"].is_null())
      for (const auto& a : c["accounts"]) want_accounts.push_back(a.get<std::string>());
    CHECK(accounts == want_accounts);
    if (c["createError"].get<bool>()) {
      // The API server rejects the ConfigMap: nothing mapped, and an error says why.
      CHECK(sink.CountAtLeast(DiagLevel::kError) >= 1);
    }
    ++cases;
  }
  CHECK(cases == 7);
}

TEST_CASE("aws-iam-authenticator corpus: ARN canonicalisation and path stripping", "[corpus][cross-domain]") {
  Json d = Expected();
  if (d.is_null()) return;
  std::size_t n = 0;
  for (const char* which : {"arn_canonicalize", "arn_strip_path"}) {
    for (const auto& c : d[which]) {
      std::string in = c[0];
      INFO(which << ": " << in);
      auto got = std::string(which) == "arn_canonicalize" ? awsauth::Canonicalize(in) : awsauth::StripPath(in);
      if (c[1].is_null()) CHECK_FALSE(got.has_value());
      else CHECK(got.value_or("<none>") == c[1].get<std::string>());
      ++n;
    }
  }
  CHECK(n == 14);
}

TEST_CASE("aws-iam-authenticator corpus: username templates", "[corpus][cross-domain]") {
  Json d = Expected();
  if (d.is_null()) return;
  std::size_t n = 0;
  for (const auto& c : d["render_template"]) {
    INFO(c["template"]);
    std::map<std::string, std::string> identity;
    for (auto it = c["identity"].begin(); it != c["identity"].end(); ++it) identity[it.key()] = it.value();
    auto got = awsauth::RenderTemplate(c["template"], identity);
    if (c.value("error_allowed", false)) {
      // {{EC2PrivateDNSName}} needs an EC2 API call: offline, no answer.
      CHECK_FALSE(got.has_value());
    } else {
      CHECK(got.value_or("<none>") == c["want"].get<std::string>());
    }
    ++n;
  }
  CHECK(n == 7);
}

}  // namespace
}  // namespace grantpath

#include "engine/graph_publish.h"
#include "engine/iam_eval.h"

namespace grantpath {
namespace {

// MKAT's IRSA trust policies (shared/corpora/cross-domain/mkat), with the
// match cases derived there: the IAM engine decides each web identity.
TEST_CASE("MKAT corpus: IRSA trust policies admit exactly the expected tokens", "[corpus][cross-domain]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  Json d = Json::parse(testing::ReadFile(dir + "/cross-domain/mkat/derived-expectations.json"));
  std::size_t n = 0;
  for (const auto& c : d["trust_policy_matches"]) {
    std::string policy = c["policy"];
    INFO(policy << " sub=" << c["sub"] << " aud=" << c["aud"] << " provider=" << c["provider"]);
    std::string trust = testing::ReadFile(dir + "/cross-domain/mkat/internal/aws/iam_evaluation/test_policies/" + policy);
    std::string account =
        R"({"UserDetailList":[],"GroupDetailList":[],"Policies":[],"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111122223333:role/r","Path":"/","RolePolicyList":[],"AttachedManagedPolicies":[],"AssumeRolePolicyDocument":)" +
        trust + "}]}";
    Model m;
    CollectingSink sink;
    testing::LoadString(m, sink, account, "account.json");
    REQUIRE(m.iam_principals.size() == 1);
    iam::Account acct(m, nullptr);
    std::string provider = c["provider"];
    std::string federated = "arn:aws:iam::111122223333:oidc-provider/" + provider;
    auto got = WebIdentityAdmits(acct, "arn:aws:iam::111122223333:role/r", federated, provider, c["sub"], c["aud"]);
    CHECK(got.has_value() == c["allowed"].get<bool>());
    ++n;
  }
  CHECK(n == 8);
}

}  // namespace
}  // namespace grantpath

#include "engine/k8s_escape.h"

namespace grantpath {
namespace {

// KubeHound's attack fixtures (shared/corpora/k8s-rbac/kubehound): each
// escape file is a pod built for one technique. Two are not modelled:
// CE_VAR_LOG_SYMLINK (needs pods/log access too) and CE_NET_MITM
// (NET_ADMIN with hostNetwork: traffic interception, not a takeover).
TEST_CASE("KubeHound corpus: each escape fixture shows its technique", "[corpus][cross-domain]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  const std::string attacks = dir + "/k8s-rbac/kubehound/test/setup/test-cluster/attacks/";
  const std::map<std::string, std::string> expected = {
      {"CE_MODULE_LOAD.yaml", "CE_MODULE_LOAD"},       {"CE_NSENTER.yaml", "CE_NSENTER"},
      {"CE_PRIV_MOUNT.yaml", "CE_PRIV_MOUNT"},         {"CE_SYS_PTRACE.yaml", "CE_SYS_PTRACE"},
      {"CE_UMH_CORE_PATTERN.yaml", "CE_UMH_CORE_PATTERN"}, {"EXPLOIT_HOST_WRITE.yaml", "EXPLOIT_HOST_WRITE"},
      {"EXPLOIT_HOST_READ_TRAVERSE.yaml", "EXPLOIT_HOST_TRAVERSE"},
      {"CE_VAR_LOG_SYMLINK.yaml", ""}, {"CE_NET_MITM.yaml", ""}, {"POD_EXEC.yaml", ""}, {"TOKEN_LIST.yaml", ""}};
  for (const auto& [file, technique] : expected) {
    INFO(file);
    Model m;
    CollectingSink sink;
    DiskReader reader;
    parsers::Load({attacks + file}, reader, parsers::LoadOptions{}, m, sink);
    std::set<std::string> got;
    for (const auto& w : m.k8s_workloads)
      for (const auto& e : k8s::ContainerEscapes(w)) got.insert(e.technique);
    if (technique.empty()) CHECK(got.empty());
    else CHECK(got.count(technique) == 1);
  }
}

}  // namespace
}  // namespace grantpath

// cartography's expected Kubernetes <-> AWS identity edges
// (shared/corpora/cross-domain/cartography/expected-edges.json): each case's
// inputs are scanned by `grantpath graph --format json`, and every expected
// MAPS_TO edge must be a `maps-to` edge of the access graph (cartography's
// asserts are subset checks), every "must NOT exist" edge must be absent, and
// the IRSA and workload-identity rows must be irsa / workload-identity
// edges. What does not agree is listed, with its reason, in
// tests/corpus/cross-domain/cartography-differences.tsv (kept current here).
//
// The corpus stores cartography's Python test data converted to JSON, not
// AWS CLI output: iam-principals.json ({"Roles", "Users"}) is given to
// grantpath as `get-account-authorization-details` output with no policies,
// and each element of eks-access-entries.json as `describe-access-entry`
// output ({"accessEntry": ...}), the shapes the AWS CLI writes. A case
// without iam-principals.json gets, as cartography's test seeds them, the
// users and roles its expected rows name (without policies).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

void WriteJson(const fs::path& p, const Json& j) { std::ofstream(p) << j.dump(1); }

// The case's inputs, in the shapes the AWS CLI writes.
Json Account() {
  return {{"UserDetailList", Json::array()}, {"RoleDetailList", Json::array()}, {"GroupDetailList", Json::array()},
          {"Policies", Json::array()}};
}
void AddUser(Json* acct, const std::string& name, const std::string& arn) {
  (*acct)["UserDetailList"].push_back({{"UserName", name}, {"Arn", arn}, {"Path", "/"}, {"GroupList", Json::array()},
                                       {"AttachedManagedPolicies", Json::array()}, {"UserPolicyList", Json::array()}});
}
void AddRole(Json* acct, const std::string& name, const std::string& arn, const Json& trust) {
  (*acct)["RoleDetailList"].push_back({{"RoleName", name}, {"Arn", arn}, {"Path", "/"},
                                       {"AssumeRolePolicyDocument", trust},
                                       {"AttachedManagedPolicies", Json::array()},
                                       {"RolePolicyList", Json::array()}, {"InstanceProfileList", Json::array()}});
}

void WriteInputs(const std::string& corpus, const Json& c, const fs::path& dir) {
  bool principals = false, aws_auth = false;
  for (const auto& in : c["inputs"]) {
    principals |= in == "iam-principals.json";
    aws_auth |= in.get<std::string>().rfind("aws-auth", 0) == 0;
  }
  if (!principals && aws_auth) {
    Json acct = Account();
    std::set<std::string> seen;
    for (const auto& [key, value] : c.items()) {
      if (key.rfind("MAPS_TO ", 0) != 0) continue;
      for (const auto& pair : value) {
        std::string arn = pair[0];
        if (!seen.insert(arn).second) continue;
        std::string name = arn.substr(arn.rfind('/') + 1);
        if (arn.find(":role/") != std::string::npos) AddRole(&acct, name, arn, Json{{"Statement", Json::array()}});
        else if (arn.find(":user/") != std::string::npos) AddUser(&acct, name, arn);
      }
    }
    WriteJson(dir / "account.json", acct);
  }
  for (const auto& in : c["inputs"]) {
    std::string name = in.get<std::string>();
    Json data = name.size() > 5 && name.substr(name.size() - 5) == ".json"
                    ? Json::parse(testing::ReadFile(corpus + "/" + name))
                    : Json();
    if (name == "iam-principals.json") {
      Json acct = Account();
      for (const auto& u : data["Users"]) AddUser(&acct, u["UserName"], u["Arn"]);
      for (const auto& r : data["Roles"]) AddRole(&acct, r["RoleName"], r["Arn"], r["AssumeRolePolicyDocument"]);
      WriteJson(dir / "account.json", acct);
    } else if (name == "eks-access-entries.json" && data.is_array()) {
      for (std::size_t i = 0; i < data.size(); ++i)
        WriteJson(dir / ("access-entry-" + std::to_string(i) + ".json"), Json{{"accessEntry", data[i]}});
    } else {
      fs::copy_file(corpus + "/" + name, dir / name, fs::copy_options::overwrite_existing);
    }
  }
}

TEST_CASE("cartography corpus: Kubernetes <-> AWS identity edges agree or differ for a documented reason",
          "[corpus][cross-domain][e2e]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  const std::string corpus = corpora + "/cross-domain/cartography";
  Json expected = Json::parse(testing::ReadFile(corpus + "/expected-edges.json"));
  std::vector<std::string> diffs;
  std::size_t rows = 0, agreeing = 0;
  for (const auto& c : expected["cases"]) {
    const std::string name = c["name"];
    fs::path dir = fs::temp_directory_path() / ("grantpath-cartography-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(rows));
    fs::remove_all(dir);
    fs::create_directories(dir);
    WriteInputs(corpus, c, dir);
    auto r = testing::RunCli("graph --format json '" + dir.string() + "'");
    std::set<std::pair<std::string, std::string>> maps_to, irsa, workload_identity;
    if (r.exit_code == 0) {
      Json g = Json::parse(r.out);
      for (const auto& e : g["edges"]) {
        std::pair<std::string, std::string> ends{e["from"], e["to"]};
        if (e["edge"] == "maps-to") maps_to.insert(ends);
        if (e["edge"] == "irsa") irsa.insert(ends);
        if (e["edge"] == "workload-identity") workload_identity.insert(ends);
      }
    }
    fs::remove_all(dir);
    auto check = [&](bool ok, const std::string& row) {
      ++rows;
      if (ok) ++agreeing;
      else diffs.push_back(name + "\t" + row);
    };
    for (const auto& [key, value] : c.items()) {
      if (key.rfind("MAPS_TO ", 0) == 0) {
        bool group = key.size() > 5 && key.substr(key.size() - 5) == "Group";
        for (const auto& pair : value) {
          std::string to = (group ? "group:" : "") + pair[1].get<std::string>();
          check(maps_to.count({pair[0], to}) == 1, key + " " + pair[0].get<std::string>() + " -> " + to);
        }
      } else if (key == "must NOT exist") {
        for (const auto& pair : value) {
          std::string what = pair[1];
          std::string to = what.rfind("group ", 0) == 0 ? "group:" + what.substr(6) : what.substr(5);
          check(maps_to.count({pair[0], to}) == 0, "no edge " + pair[0].get<std::string>() + " -> " + to);
        }
      } else if (key.rfind("ASSUMES_ROLE", 0) == 0) {
        for (const auto& pair : value) {
          std::string sa = pair[0];
          std::string from = "system:serviceaccount:" + sa.substr(0, sa.find('/')) + ":" + sa.substr(sa.find('/') + 1);
          check(irsa.count({from, pair[1]}) == 1, key + " " + from + " -> " + pair[1].get<std::string>());
        }
      } else if (key.rfind("WORKLOAD_IDENTITY_BINDING", 0) == 0) {
        for (const auto& pair : value) {
          std::string sa = pair[0];
          std::string from = "system:serviceaccount:" + sa.substr(0, sa.find('/')) + ":" + sa.substr(sa.find('/') + 1);
          check(workload_identity.count({from, pair[1]}) == 1,
                "WORKLOAD_IDENTITY_BINDING " + from + " -> " + pair[1].get<std::string>());
        }
      } else if (key.rfind("aws_role_arn", 0) == 0) {
        // The annotation as read: a role named, or none (then no IRSA edge).
        for (const auto& pair : value) {
          std::string sa = pair[0];
          std::string from = "system:serviceaccount:" + sa.substr(0, sa.find('/')) + ":" + sa.substr(sa.find('/') + 1);
          bool any = false;
          for (const auto& e : irsa) any |= e.first == from;
          if (pair[1].is_null()) check(!any, "aws_role_arn " + from + " -> none");
          else check(irsa.count({from, pair[1]}) == 1, "aws_role_arn " + from + " -> " + pair[1].get<std::string>());
        }
      } else if (key == "KubernetesGroup named after a principal ARN") {
        bool any = false;
        for (const auto& e : maps_to) any |= e.second.rfind("group:arn:", 0) == 0;
        check(!any, "no group named after a principal ARN");
      } else if (key.rfind("KubernetesOIDCProvider", 0) == 0 || key.rfind("TRUSTS", 0) == 0) {
        for (const auto& row : value) check(false, key + " " + row[0].get<std::string>());
      }
    }
  }
  testing::CheckDifferences(testing::SourceDir() + "/tests/corpus/cross-domain/cartography-differences.tsv",
                            "# case\texpected edge\treason (kept current by cartography_corpus_test.cc)", diffs);
  CHECK(rows >= 62);
  WARN("cartography corpus: " << agreeing << " of " << rows << " expected edges agree");
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("aws-auth templates: {{AccountID}} is rendered, per-session keys are kept with an assumption; "
          "without an IAM export the cluster's AWS names are noted",
          "[cross-domain][e2e]") {
  fs::path dir = fs::temp_directory_path() / ("grantpath-aws-auth-templates-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "aws-auth.yaml") << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\n"
                                          "data:\n  mapRoles: |\n"
                                          "    - rolearn: arn:aws:iam::123456789012:role/ops\n"
                                          "      username: acct-{{AccountID}}-ops\n"
                                          "      groups:\n"
                                          "      - team:{{SessionName}}\n"
                                          "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n"
                                          "  annotations: {eks.amazonaws.com/role-arn: 'arn:aws:iam::123456789012:role/app'}\n";
  // Without an IAM export: notes at the objects, no edge.
  auto bare = testing::RunCli("graph --format json -v '" + dir.string() + "'");
  CHECK(bare.err.find("ServiceAccount 'shop/app' names IAM role arn:aws:iam::123456789012:role/app, but the input has "
                      "no IAM export") != std::string::npos);
  CHECK(bare.err.find("aws-auth maps 1 IAM principal entries, but the input has no IAM export") != std::string::npos);
  Json acct = Account();
  AddRole(&acct, "ops", "arn:aws:iam::123456789012:role/ops", Json{{"Statement", Json::array()}});
  WriteJson(dir / "account.json", acct);
  auto r = testing::RunCli("graph --format json '" + dir.string() + "'");
  fs::remove_all(dir);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::string> maps_to;  // target -> assumption
  Json graph = Json::parse(r.out);
  for (const auto& e : graph["edges"])
    if (e["edge"] == "maps-to") maps_to[e["to"]] = e.value("assumption", "");
  REQUIRE(maps_to.count("acct-123456789012-ops") == 1);
  CHECK(maps_to["acct-123456789012-ops"].empty());
  REQUIRE(maps_to.count("group:team:{{SessionName}}") == 1);
  CHECK(maps_to["group:team:{{SessionName}}"].find("rendered per session") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rules/grouping.h"
#include "rules/registry.h"
#include "test_util.h"

namespace grantpath {
namespace {

Finding Make(const char* rule, Severity s, std::uint32_t line, const std::string& key, const std::string& label) {
  Finding f;
  f.rule = &rules::FindRule(rule)->info();
  f.severity = s;
  f.primary = {1, {line, 1}, {line, 1}};
  f.message = label + " finding";
  f.entity = std::string(rule) + "|x";
  f.group_key = key;
  f.group_label = label;
  return f;
}

TEST_CASE("Grouping: one binding's capabilities become one finding led by the most severe", "[rules][grouping]") {
  std::vector<Finding> v = {Make("rbac-pod-exec", Severity::kMedium, 5, "rbac|sa|rb", "exec (rbac-pod-exec)"),
                            Make("rbac-impersonate", Severity::kHigh, 5, "rbac|sa|rb", "impersonate (rbac-impersonate)"),
                            Make("rbac-secrets-read", Severity::kMedium, 9, "rbac|other|rb", "secrets"),
                            Make("rbac-dangling-role-ref", Severity::kLow, 2, "", "")};
  rules::GroupFindings(&v);
  REQUIRE(v.size() == 3);
  const Finding& lead = v[0];  // the merged member is removed, order kept
  CHECK(std::string(lead.rule->id) == "rbac-impersonate");
  CHECK(lead.message == "impersonate (rbac-impersonate) finding; also exec (rbac-pod-exec)");
  CHECK(lead.entity == "rbac|sa|rb");
  REQUIRE(lead.related.size() == 1);
  CHECK(lead.related[0].role == "also: exec (rbac-pod-exec): exec (rbac-pod-exec) finding");
  CHECK(lead.witness.fields.back() == std::make_pair(std::string("also"), std::string("exec (rbac-pod-exec)")));
  CHECK(std::string(v[1].rule->id) == "rbac-secrets-read");  // another subject: its own finding
}

TEST_CASE("Grouping: suppressed findings stay apart", "[rules][grouping]") {
  std::vector<Finding> v = {Make("rbac-pod-exec", Severity::kMedium, 5, "k", "a"),
                            Make("rbac-impersonate", Severity::kHigh, 5, "k", "b")};
  v[1].suppression = Suppression{true, "ok", {}, ""};
  rules::GroupFindings(&v);
  CHECK(v.size() == 2);
}

TEST_CASE("Grouping: scan groups a namespace's workloads and --no-group keeps them apart", "[rules][grouping][e2e]") {
  auto grouped = testing::RunCli("scan examples/demo-cluster --rule netpol-metadata-egress --format json --fail-on none");
  auto flat = testing::RunCli("scan examples/demo-cluster --rule netpol-metadata-egress --format json --fail-on none --no-group");
  auto count = [](const std::string& out) {
    std::size_t n = 0, pos = 0;
    while ((pos = out.find("\"ruleId\": \"netpol-metadata-egress\"", pos)) != std::string::npos) {
      ++n;
      ++pos;
    }
    return n;
  };
  CHECK(count(grouped.out) == 2);  // shop (storefront and cart), ci
  CHECK(count(flat.out) == 3);
  CHECK(grouped.out.find("\"also\": \"Deployment 'shop/cart'\"") != std::string::npos);
}


Finding Subject(const std::string& who, std::uint32_t line, const std::string& label) {
  Finding f = Make("iam-privilege-escalation", Severity::kHigh, line, "iam-privilege-escalation|policy#0", label);
  f.message = who + " can " + label;
  f.entity = who + ">" + label;
  f.group_subject = who;
  f.related.push_back({{1, {40, 3}, {40, 3}}, "policy statement 0 allows " + label});
  return f;
}

TEST_CASE("Grouping: subjects with the same labels on the same statements are one finding at the statement",
          "[rules][grouping]") {
  std::vector<Finding> v = {Subject("user 'a'", 3, "m1"), Subject("user 'a'", 3, "m2"),
                            Subject("user 'b'", 9, "m1"), Subject("user 'b'", 9, "m2"),
                            Subject("user 'c'", 15, "m1")};  // a boundary leaves c only m1
  rules::GroupFindings(&v);
  REQUIRE(v.size() == 2);
  const Finding& ab = v[0];
  CHECK(ab.message == "user 'a' can m1; the same statements also allow m2; the same holds for 1 more: user 'b'");
  CHECK(ab.primary.begin.line == 40);  // the shared statement leads
  REQUIRE(ab.related.size() == 3);
  CHECK(ab.related[0].role == "subject: user 'a'");
  CHECK(ab.related[0].where.begin.line == 3);
  CHECK(ab.related[1].role == "policy statement 0 allows m1, m2");  // one location, both labels
  CHECK(ab.related[2].role == "also: user 'b'");
  CHECK(ab.related[2].where.begin.line == 9);
  CHECK(ab.entity == "iam-privilege-escalation|policy#0|m1,m2");
  auto field = [](const Finding& f, const std::string& name) {
    for (const auto& [k, val] : f.witness.fields)
      if (k == name) return val;
    return std::string();
  };
  CHECK(field(ab, "grouped_subjects") == "user 'a', user 'b'");
  CHECK(field(ab, "grouped_labels") == "m1, m2");
  const Finding& c = v[1];  // alone with its labels: unchanged
  CHECK(c.message == "user 'c' can m1");
  CHECK(c.primary.begin.line == 15);
  CHECK(c.entity == "user 'c'>m1");
  CHECK(field(c, "grouped_subjects").empty());
}

TEST_CASE("Grouping: IAM findings of principals sharing a managed policy, and --no-group", "[rules][grouping][e2e]") {
  const char* in = "scan tests/fixtures/aws/shared-policy-account.json --rule iam-privilege-escalation --format json "
                   "--fail-on none";
  auto grouped = nlohmann::json::parse(testing::RunCli(in).out);
  auto flat = nlohmann::json::parse(testing::RunCli(std::string(in) + " --no-group").out);
  CHECK(flat["findings"].size() == 5);  // alice and bob: 2 methods each; carol (boundary): 1
  REQUIRE(grouped["findings"].size() == 2);
  std::set<std::string> fingerprints;
  bool shared = false;
  for (const auto& f : grouped["findings"]) {
    fingerprints.insert(f["fingerprint"].get<std::string>());
    if (!f["witness"].contains("grouped_subjects")) {
      CHECK(f["message"].get<std::string>().rfind("user 'carol'", 0) == 0);
      continue;
    }
    shared = true;
    CHECK(f["witness"]["grouped_subjects"] == "user 'alice', user 'bob'");
    CHECK(f["witness"]["grouped_labels"] == "AttachUserPolicy, CreateNewPolicyVersion");
    CHECK(f["location"]["line"] == 62);  // the managed policy's statement
  }
  CHECK(shared);
  CHECK(fingerprints.size() == 2);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Grouping: a policy held by 1,200 principals stays within GitHub's 1,000 locations per SARIF result",
          "[rules][grouping][e2e][sarif]") {
  nlohmann::json acct = {{"UserDetailList", nlohmann::json::array()}, {"RoleDetailList", nlohmann::json::array()},
                         {"GroupDetailList", nlohmann::json::array()}};
  for (int i = 0; i < 1200; ++i) {
    std::string name = "u" + std::to_string(i);
    acct["UserDetailList"].push_back(
        {{"UserName", name}, {"Arn", "arn:aws:iam::111111111111:user/" + name}, {"Path", "/"},
         {"GroupList", nlohmann::json::array()}, {"UserPolicyList", nlohmann::json::array()},
         {"AttachedManagedPolicies", {{{"PolicyName", "keys"}, {"PolicyArn", "arn:aws:iam::111111111111:policy/keys"}}}}});
  }
  acct["Policies"] = {{{"PolicyName", "keys"}, {"Arn", "arn:aws:iam::111111111111:policy/keys"}, {"Path", "/"},
                       {"DefaultVersionId", "v1"},
                       {"PolicyVersionList",
                        {{{"VersionId", "v1"}, {"IsDefaultVersion", true},
                          {"Document", {{"Version", "2012-10-17"},
                                        {"Statement", {{{"Effect", "Allow"}, {"Action", "iam:CreateAccessKey"},
                                                        {"Resource", "*"}}}}}}}}}}};
  std::string path = "/tmp/grantpath-many-holders-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << acct.dump();
  auto r = testing::RunCli("scan " + path + " --rule iam-privilege-escalation --format sarif --fail-on none");
  std::remove(path.c_str());
  REQUIRE(r.exit_code == 0);
  auto results = nlohmann::json::parse(r.out)["runs"][0]["results"];
  REQUIRE(results.size() == 1);  // one finding for the 1,200 holders
  CHECK(results[0]["relatedLocations"].size() == 999);
  CHECK(results[0]["properties"]["relatedLocationsOmitted"] == 1201 - 999);  // 1,200 holders and the statement
  std::string message = results[0]["message"]["text"];
  CHECK(message.find(", and 1181 more)") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "output/report.h"
#include "output/triage.h"
#include "rules/registry.h"

namespace grantpath {
namespace {

struct Sample {
  Model model;
  std::vector<const RuleInfo*> catalog;
  output::Report report;
  Sample() {
    for (const auto& r : rules::AllRules()) catalog.push_back(&r->info());
    FileId f = model.files.Add("dir/rbac.yaml", "dir/rbac.yaml");
    FileId b = model.files.AddBuiltin("builtin:k8s-bootstrap-1.28.yaml");
    Finding fi;
    fi.rule = &rules::FindRule("rbac-secrets-read")->info();
    fi.severity = Severity::kHigh;
    fi.message = "User 'alice' can read secrets cluster-wide";
    fi.primary = {f, {12, 3}, {12, 3}};
    fi.entity = "rbac-secrets-read|User 'alice'";
    fi.related.push_back({{b, {57, 3}, {57, 3}}, "rule 1 of ClusterRole 'edit'"});
    fi.path.push_back({{f, {3, 1}, {3, 1}}, "step one"});
    fi.witness.kind = "k8s-request";
    fi.witness.Add("verb", "get");
    report.model = &model;
    report.rules = &catalog;
    report.findings.push_back(fi);
    report.diagnostics.push_back({DiagLevel::kError, "yaml-syntax", "bad \xff byte", {f, {1, 2}, {1, 2}}});
  }
};

TEST_CASE("SARIF carries what GitHub code scanning needs", "[output][sarif]") {
  Sample s;
  output::SarifOptions o;
  o.automation_id = "grantpath/prod/";
  auto j = nlohmann::json::parse(output::RenderSarif(s.report, o));
  CHECK(j["version"] == "2.1.0");
  const auto& run = j["runs"][0];
  CHECK(run["automationDetails"]["id"] == "grantpath/prod/");
  const auto& rules = run["tool"]["driver"]["rules"];
  CHECK(rules.size() == rules::AllRules().size());
  for (const auto& r : rules) {
    CHECK_FALSE(r["help"]["text"].get<std::string>().empty());
    std::string score = r["properties"]["security-severity"];
    double v = std::stod(score);
    CHECK(v >= 0.1);
    CHECK(v <= 10.0);
    CHECK(r["helpUri"].get<std::string>().find(r["id"].get<std::string>() + ".md") !=
          std::string::npos);
  }
  const auto& res = run["results"][0];
  CHECK(res["ruleId"] == "rbac-secrets-read");
  CHECK(rules[res["ruleIndex"].get<int>()]["id"] == "rbac-secrets-read");
  CHECK(res["level"] == "error");
  const auto& loc = res["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "dir/rbac.yaml");
  CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(loc["region"]["startLine"] == 12);
  CHECK(loc["region"]["startColumn"] == 3);
  // Built-in data is no file in the repository: a logical location.
  CHECK_FALSE(res["relatedLocations"][0].contains("physicalLocation"));
  CHECK(res["relatedLocations"][0]["logicalLocations"][0]["fullyQualifiedName"] ==
        "builtin:k8s-bootstrap-1.28.yaml");
  // The message links its related locations.
  CHECK(res["message"]["text"] ==
        "User 'alice' can read secrets cluster-wide (see [rule 1 of ClusterRole 'edit'](1))");
  CHECK(res["codeFlows"][0]["threadFlows"][0]["locations"].size() == 1);
  CHECK(res["partialFingerprints"].contains("primaryLocationLineHash"));
  CHECK(res["properties"]["witness"]["verb"] == "get");
  const auto& note = run["invocations"][0]["toolExecutionNotifications"][0];
  CHECK(note["level"] == "error");
  CHECK(note["descriptor"]["id"] == "yaml-syntax");
  CHECK(note["message"]["text"] == "bad \xEF\xBF\xBD byte");  // invalid UTF-8 replaced
}

TEST_CASE("Fingerprints follow the entity, not the line", "[output][sarif]") {
  Sample a, b;
  b.report.findings[0].primary.begin.line = 40;  // an unrelated edit moved it
  output::AssignFingerprints(&a.report);
  output::AssignFingerprints(&b.report);
  auto fa = nlohmann::json::parse(output::RenderSarif(a.report, {}));
  auto fb = nlohmann::json::parse(output::RenderSarif(b.report, {}));
  CHECK(fa["runs"][0]["results"][0]["partialFingerprints"] ==
        fb["runs"][0]["results"][0]["partialFingerprints"]);
  b.report.findings[0].entity = "rbac-secrets-read|User 'bob'";
  output::AssignFingerprints(&b.report);
  auto fc = nlohmann::json::parse(output::RenderSarif(b.report, {}));
  CHECK(fa["runs"][0]["results"][0]["partialFingerprints"] !=
        fc["runs"][0]["results"][0]["partialFingerprints"]);
}

TEST_CASE("SARIF fingerprints are unique: same entity in two files, or two findings on one entity",
          "[output][sarif]") {
  Sample s;
  FileId other = s.model.files.Add("dir/copy.yaml", "dir/copy.yaml");
  Finding copy = s.report.findings[0];
  copy.primary.file = other;  // the same object in a second file
  Finding second = s.report.findings[0];
  second.message = "User 'alice' can read secrets in kube-system";  // another finding, same entity
  Finding twin = s.report.findings[0];  // a rule reporting the same thing twice
  s.report.findings.push_back(copy);
  s.report.findings.push_back(second);
  s.report.findings.push_back(twin);
  CHECK(output::AssignFingerprints(&s.report) == 1);
  std::set<std::string> prints;
  for (const auto& f : s.report.findings) prints.insert(f.fingerprint);
  CHECK(prints.size() == 4);
}

TEST_CASE("SARIF: a severity other than the rule's own gets its own descriptor", "[output][sarif]") {
  Sample s;
  s.report.findings[0].severity = Severity::kLow;  // rbac-secrets-read defaults to high
  auto j = nlohmann::json::parse(output::RenderSarif(s.report, {}));
  const auto& run = j["runs"][0];
  const auto& res = run["results"][0];
  CHECK(res["ruleId"] == "rbac-secrets-read/low");
  const auto& rule = run["tool"]["driver"]["rules"][res["ruleIndex"].get<int>()];
  CHECK(rule["id"] == "rbac-secrets-read/low");
  CHECK(rule["properties"]["security-severity"] == "3.0");
  CHECK(rule["defaultConfiguration"]["level"] == "note");
  CHECK(rule["properties"]["grantpath/ruleId"] == "rbac-secrets-read");
  CHECK(res["properties"]["ruleId"] == "rbac-secrets-read");
  CHECK(res["level"] == "note");
}

TEST_CASE("SARIF: uris relative to the repository root, absolute outside it", "[output][sarif]") {
  Model model;
  std::vector<const RuleInfo*> catalog;
  for (const auto& r : rules::AllRules()) catalog.push_back(&r->info());
  FileId in = model.files.Add("/repo/k8s/a b.yaml", "../repo/k8s/a b.yaml");
  FileId out = model.files.Add("/elsewhere/x.yaml", "/elsewhere/x.yaml");
  output::Report report;
  report.model = &model;
  report.rules = &catalog;
  report.repo_root = "/repo";
  report.repo_root_given = true;
  Finding f;
  f.rule = &rules::FindRule("rbac-secrets-read")->info();
  f.severity = Severity::kHigh;
  f.primary = {in, {1, 1}, {1, 1}};
  f.related.push_back({{out, {2, 1}, {2, 1}}, "elsewhere"});
  report.findings.push_back(f);
  auto j = nlohmann::json::parse(output::RenderSarif(report, {}));
  const auto& run = j["runs"][0];
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///repo/");
  const auto& res = run["results"][0];
  CHECK(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k8s/a%20b.yaml");
  CHECK(res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///elsewhere/x.yaml");
  CHECK_FALSE(res["relatedLocations"][0]["physicalLocation"]["artifactLocation"].contains("uriBaseId"));
}

TEST_CASE("SARIF: past the result limit the least severe are left out, with a notification",
          "[output][sarif]") {
  Sample s;
  for (int i = 0; i < 5; ++i) {
    Finding f = s.report.findings[0];
    f.severity = i < 2 ? Severity::kCritical : Severity::kInfo;
    f.entity = "e" + std::to_string(i);
    s.report.findings.push_back(f);
  }
  output::SarifOptions o;
  o.max_results = 3;
  auto j = nlohmann::json::parse(output::RenderSarif(s.report, o));
  const auto& run = j["runs"][0];
  REQUIRE(run["results"].size() == 3);
  for (const auto& r : run["results"]) CHECK(r["level"] == "error");
  bool noted = false;
  for (const auto& n : run["invocations"][0]["toolExecutionNotifications"])
    noted = noted || n["descriptor"]["id"] == "sarif-results-capped";
  CHECK(noted);
}

TEST_CASE("SARIF: suppressions and baseline states", "[output][sarif]") {
  Sample s;
  Finding kept = s.report.findings[0];
  kept.entity = "other";
  s.report.findings[0].suppression = Suppression{false, "reviewed", {}, "2027-01-31"};
  s.report.findings.push_back(kept);
  output::AssignFingerprints(&s.report);
  output::BaselineEntry gone;
  gone.fingerprint = "0123456789abcdef";
  gone.rule = "rbac-impersonate";
  gone.file = "dir/old.yaml";
  gone.line = 3;
  gone.message = "gone";
  output::BaselineEntry still;
  still.fingerprint = s.report.findings[1].fingerprint;
  output::ApplyBaseline(&s.report, {gone, still});
  auto j = nlohmann::json::parse(output::RenderSarif(s.report, {}));
  const auto& results = j["runs"][0]["results"];
  REQUIRE(results.size() == 3);
  CHECK(results[0]["suppressions"][0]["kind"] == "external");
  CHECK(results[0]["suppressions"][0]["justification"] == "reviewed");
  CHECK(results[0]["baselineState"] == "new");
  CHECK(results[1]["baselineState"] == "unchanged");
  CHECK_FALSE(results[1].contains("suppressions"));
  CHECK(results[2]["baselineState"] == "absent");
  CHECK(results[2]["ruleId"] == "rbac-impersonate");
}

}  // namespace
}  // namespace grantpath

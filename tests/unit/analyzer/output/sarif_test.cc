#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "output/report.h"
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
  CHECK(res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "builtin:k8s-bootstrap-1.28.yaml");
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
  auto fa = nlohmann::json::parse(output::RenderSarif(a.report, {}));
  auto fb = nlohmann::json::parse(output::RenderSarif(b.report, {}));
  CHECK(fa["runs"][0]["results"][0]["partialFingerprints"] ==
        fb["runs"][0]["results"][0]["partialFingerprints"]);
  b.report.findings[0].entity = "rbac-secrets-read|User 'bob'";
  auto fc = nlohmann::json::parse(output::RenderSarif(b.report, {}));
  CHECK(fa["runs"][0]["results"][0]["partialFingerprints"] !=
        fc["runs"][0]["results"][0]["partialFingerprints"]);
}

}  // namespace
}  // namespace grantpath

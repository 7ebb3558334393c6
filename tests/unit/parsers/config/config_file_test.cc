#include <catch2/catch.hpp>

#include "config/config_file.h"
#include "test_util.h"

namespace grantpath {
namespace {

struct Parsed {
  Model model;
  CollectingSink sink;
  Config config;
  bool ok;
  explicit Parsed(const std::string& text) {
    FileId id = model.files.Add(".grantpath.yaml", ".grantpath.yaml");
    ok = parsers::ParseConfig(text, id, &config, sink);
  }
  std::vector<std::string> Errors() const { return testing::Formatted(model, sink); }
};

TEST_CASE("Config: the documented form", "[config]") {
  Parsed p(
      "rules:\n"
      "  iam-admin-equivalent:\n"
      "    severity: medium\n"
      "  netpol-egress-not-isolated:\n"
      "    enabled: false\n"
      "  rbac-pod-exec: off\n"
      "  rbac-secrets-read: low\n"
      "exclude:\n"
      "  - vendor/**\n"
      "ignore:\n"
      "  - rule: iam-admin-equivalent\n"
      "    entity: arn:aws:iam::111122223333:role/break-glass\n"
      "    path: \"aws/**\"\n"
      "    reason: break-glass role, reviewed quarterly\n"
      "    expires: 2027-01-31\n"
      "scan:\n"
      "  fail-on: medium\n"
      "  min-severity: low\n"
      "  default-namespace: apps\n"
      "  k8s-defaults: false\n"
      "  escalation-targets: [secrets-read]\n"
      "  sensitive-namespaces: [kube-system, payments]\n");
  INFO(Catch::Detail::stringify(p.Errors()));
  REQUIRE(p.ok);
  const Config& c = p.config;
  REQUIRE(c.rules.size() == 4);
  CHECK(c.rules[0].severity == Severity::kMedium);
  CHECK(c.rules[1].enabled == false);
  CHECK(c.rules[2].enabled == false);
  CHECK(c.rules[3].severity == Severity::kLow);
  REQUIRE(c.exclude.size() == 1);
  CHECK(c.exclude[0].glob == "vendor/**");
  REQUIRE(c.ignore.size() == 1);
  CHECK(c.ignore[0].entity == "arn:aws:iam::111122223333:role/break-glass");
  CHECK(c.ignore[0].path == "aws/**");
  CHECK(c.ignore[0].expires == "2027-01-31");
  CHECK(c.ignore[0].where.begin == SourcePos{11, 5});
  CHECK(c.scan.fail_on == "medium");
  CHECK(c.scan.min_severity == "low");
  CHECK(c.scan.default_namespace == "apps");
  CHECK(c.scan.k8s_defaults == false);
  CHECK(c.scan.escalation_targets == std::vector<std::string>{"secrets-read"});
  CHECK(c.scan.sensitive_namespaces.size() == 2);
}

TEST_CASE("Config: errors are located and suggest the right key", "[config]") {
  Parsed p(
      "ignore:\n"
      "  - rule: x\n"
      "    reasn: typo\n"
      "  - reason: no rule\n"
      "  - rule: y\n"
      "    reason: ok\n"
      "    expires: 31/01/2027\n"
      "rules:\n"
      "  z: sometimes\n"
      "  w:\n"
      "    severity: severe\n"
      "scan:\n"
      "  fail-on: everything\n");
  CHECK_FALSE(p.ok);
  auto e = p.Errors();
  INFO(Catch::Detail::stringify(e));
  auto has = [&](const std::string& s) {
    for (const auto& x : e)
      if (x.find(s) != std::string::npos) return true;
    return false;
  };
  CHECK(has(".grantpath.yaml:3:5: error: unknown ignore key 'reasn'; did you mean 'reason'?"));
  CHECK(has(".grantpath.yaml:2:5: error: an 'ignore' entry needs a non-empty 'reason'"));
  CHECK(has(".grantpath.yaml:4:5: error: an 'ignore' entry needs 'rule' (a rule id)"));
  CHECK(has(".grantpath.yaml:7:14: error: 'expires' must be a date written YYYY-MM-DD, got '31/01/2027'"));
  CHECK(has(".grantpath.yaml:9:6: error: rule 'z': expected on, off or a severity, got 'sometimes'"));
  CHECK(has(".grantpath.yaml:11:15: error: 'severity' must be critical, high, medium, low or info"));
  CHECK(has(".grantpath.yaml:13:12: error: 'fail-on' must be critical, high, medium, low or info (or none)"));
  CHECK(p.config.ignore.empty());  // no half-read entry is applied
}

TEST_CASE("Config: an empty file, and a second document", "[config]") {
  CHECK(Parsed("").ok);
  CHECK(Parsed("# nothing yet\n").ok);
  Parsed two("rules: {}\n---\nrules: {}\n");
  CHECK_FALSE(two.ok);
  Parsed list("- a\n");
  CHECK_FALSE(list.ok);
}

}  // namespace
}  // namespace grantpath

#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace grantpath

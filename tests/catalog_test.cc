// The rule catalog stays consistent: ids, docs pages and fixture folders.
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "rules/registry.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

TEST_CASE("Rule ids are unique, kebab-case with a domain prefix, and sorted", "[catalog]") {
  std::regex kebab("^(rbac|iam|netpol|path|k8s|aws|compose|overlay|cilium|calico|istio)-[a-z0-9]+(-[a-z0-9]+)*$");
  std::string prev;
  for (const auto& r : rules::AllRules()) {
    std::string id(r->info().id);
    INFO(id);
    CHECK(std::regex_match(id, kebab));
    CHECK(id > prev);  // sorted and unique
    prev = id;
    CHECK_FALSE(r->info().title.empty());
    CHECK_FALSE(r->info().summary.empty());
    CHECK_FALSE(r->info().remediation.empty());
    CHECK(rules::FindRule(id) == r.get());
  }
}

TEST_CASE("Every rule has a doc page with the standard sections, and a fixture folder",
          "[catalog]") {
  std::string src = testing::SourceDir();
  std::set<std::string> ids;
  for (const auto& r : rules::AllRules()) {
    std::string id(r->info().id);
    ids.insert(id);
    INFO(id);
    std::string doc = testing::ReadFile(src + "/docs/rules/" + id + ".md");
    REQUIRE_FALSE(doc.empty());
    CHECK(doc.rfind("# " + id + ": " + std::string(r->info().title), 0) == 0);
    for (const char* section :
         {"**Severity**", "**Applies to**", "## Example", "## Witness", "## How to fix",
          "## Options", "## Exact semantics and limits", "## References"}) {
      INFO(section);
      CHECK(doc.find(section) != std::string::npos);
    }
    CHECK(doc.find("**Severity**: " + std::string(SeverityName(r->info().severity))) !=
          std::string::npos);
    CHECK(fs::is_directory(src + "/tests/rules/" + id));
  }
  // And nothing stale: every page and fixture folder belongs to a rule.
  for (const auto& e : fs::directory_iterator(src + "/docs/rules")) {
    std::string name = e.path().filename().string();
    if (name == "README.md") continue;
    INFO(name);
    CHECK(ids.count(name.substr(0, name.size() - 3)) == 1);
  }
  for (const auto& e : fs::directory_iterator(src + "/tests/rules")) {
    if (!e.is_directory()) continue;
    INFO(e.path().string());
    CHECK(ids.count(e.path().filename().string()) == 1);
  }
}

TEST_CASE("docs/rules/README.md is the generated index of the registry", "[catalog]") {
  std::string src = testing::SourceDir();
  auto r = testing::RunCli("rules --format json");
  REQUIRE(r.exit_code == 0);
  std::string index = testing::ReadFile(src + "/docs/rules/README.md");
  for (const auto& rule : rules::AllRules()) {
    std::string line = "| [" + std::string(rule->info().id) + "](" +
                       std::string(rule->info().id) + ".md) | " +
                       SeverityName(rule->info().severity) + " | " +
                       std::string(rule->info().title) + " |";
    INFO(line);
    CHECK(index.find(line) != std::string::npos);
  }
}

}  // namespace
}  // namespace grantpath

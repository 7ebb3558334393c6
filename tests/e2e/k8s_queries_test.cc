// The RBAC queries through the CLI: can-i, who-can, permissions; and
// rbac-tool's who-can fixtures from the shared corpus.
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/k8s_resources.h"
#include "test_util.h"

namespace grantpath {
namespace {

using nlohmann::json;

json RunJson(const std::string& args, int expect_exit = 0) {
  auto r = testing::RunCli(args + " --format json");
  INFO(args << "\n" << r.err);
  REQUIRE(r.exit_code == expect_exit);
  return json::parse(r.out);
}

TEST_CASE("Resource types as kubectl users type them", "[k8s][query]") {
  auto d = k8s::ResolveResourceType("deploy");
  CHECK(d.resource == "deployments");
  CHECK(d.group == "apps");
  CHECK(d.known);
  CHECK(k8s::ResolveResourceType("deployments.apps").group == "apps");
  CHECK(k8s::ResolveResourceType("leases.coordination.k8s.io").resource == "leases");
  CHECK(k8s::ResolveResourceType("po").resource == "pods");
  CHECK(k8s::ResolveResourceType("nodes").cluster_scoped);
  CHECK_FALSE(k8s::ResolveResourceType("secrets").cluster_scoped);
  auto w = k8s::ResolveResourceType("widgets.example.com");
  CHECK_FALSE(w.known);
  CHECK(w.resource == "widgets");
  CHECK(w.group == "example.com");
  CHECK(k8s::SuggestResourceType("secret") == "; did you mean 'secrets'?");
}

TEST_CASE("can-i: answer, located grants, --expect", "[k8s][query][e2e]") {
  auto j = RunJson("k8s can-i --as system:serviceaccount:shop:default create pods --subresource exec "
                   "-n shop examples/demo-cluster");
  CHECK(j["allowed"] == true);
  CHECK(j["request"]["groups"] == json::array({"system:serviceaccounts",
                                               "system:serviceaccounts:shop",
                                               "system:authenticated"}));
  REQUIRE(j["grants"].size() >= 1);
  bool user_rule = false;
  for (const auto& g : j["grants"]) {
    CHECK(g["binding"]["name"] == "shop-default-edit");
    CHECK(g["role"]["name"] == "edit");
    CHECK(g["location"]["line"].get<int>() > 0);
    user_rule |= g["rule"].value("aggregatedFrom", "") == "backup-operator" &&
                 g["location"]["file"] == "examples/demo-cluster/platform/rbac.yaml" &&
                 g["location"]["line"] == 38;
  }
  CHECK(user_rule);  // the aggregated user role is one of the routes
  // Namespaced grant does not reach another namespace; --expect pins it.
  auto no = testing::RunCli("k8s can-i --as system:serviceaccount:shop:default get secrets -n ci "
                            "examples/demo-cluster --expect no");
  CHECK(no.exit_code == 0);
  CHECK(no.out.rfind("no\n", 0) == 0);
  auto wrong = testing::RunCli("k8s can-i --as system:serviceaccount:shop:default get secrets -n ci "
                               "examples/demo-cluster --expect yes");
  CHECK(wrong.exit_code == 1);
  // Non-resource URLs, and users get system:authenticated.
  auto url = RunJson("k8s can-i --as alice get /healthz examples/demo-cluster");
  CHECK(url["allowed"] == true);  // system:public-info-viewer via the built-in bindings
  auto none = RunJson("k8s can-i --as alice get /healthz examples/demo-cluster --no-k8s-defaults");
  CHECK(none["allowed"] == false);
  // system:masters
  auto masters = RunJson("k8s can-i --as root --as-group system:masters delete nodes examples/demo-cluster");
  CHECK(masters["allowed"] == true);
  CHECK(masters["grants"][0]["superuser"] == "system:masters");
}

TEST_CASE("who-can: subjects, implicit groups and workloads", "[k8s][query][e2e]") {
  auto j = RunJson("k8s who-can create pods/exec -n shop examples/demo-cluster");
  std::set<std::string> names;
  for (const auto& s : j["subjects"]) names.insert(s["kind"].get<std::string>() + ":" + s["namespace"].get<std::string>() + "/" + s["name"].get<std::string>());
  CHECK(names.count("ServiceAccount:shop/default"));
  CHECK(names.count("ServiceAccount:ci/deployer"));
  CHECK(names.count("Group:/system:masters"));
  CHECK_FALSE(names.count("ServiceAccount:monitoring/prometheus"));
  for (const auto& s : j["subjects"]) {
    if (s["name"] == "default" && s["namespace"] == "shop") {
      REQUIRE(s["workloads"].size() == 1);
      CHECK(s["workloads"][0]["name"] == "cart");
      CHECK(s["workloads"][0]["tokenMounted"] == true);
    }
  }
  // Every authenticated subject can get pods cluster-wide through the
  // demo's binding of view to system:authenticated: service accounts are
  // listed through that group.
  auto all = RunJson("k8s who-can list pods examples/demo-cluster");
  bool via = false;
  for (const auto& s : all["subjects"])
    via |= s["name"] == "storefront" && s.value("viaGroup", "") == "system:authenticated";
  CHECK(via);
}

TEST_CASE("permissions: effective rules by scope, located", "[k8s][query][e2e]") {
  auto j = RunJson("k8s permissions system:serviceaccount:shop:storefront examples/demo-cluster");
  std::set<std::string> scopes;
  for (const auto& s : j["scopes"]) scopes.insert(s["namespace"]);
  CHECK(scopes == std::set<std::string>{"*", "shop"});
  for (const auto& s : j["scopes"]) {
    if (s["namespace"] != "shop") continue;
    REQUIRE(s["rules"].size() == 2);
    CHECK(s["rules"][1]["resourceNames"] == json::array({"storefront-tls"}));
    CHECK(s["rules"][1]["location"]["file"] == "examples/demo-cluster/apps/shop.yaml");
  }
}

// rbac-tool's testdata/whocan/*.yaml carry "# Run: ... who-can VERB TYPE |
// grep WORD" and "# Expect:" with "Kind | name | namespace" lines.
TEST_CASE("rbac-tool who-can fixtures agree", "[corpora][k8s][query]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  dir += "/k8s-rbac/rbac-tool/testdata/whocan";
  // Deliberate differences, explained in docs/k8s-rbac.md.
  const std::set<std::string> known_differences = {"gatewat-api-operator.yaml",
                                                    "nonresourceurl-reader.yaml"};
  std::size_t agreed = 0, total = 0;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::string name = std::filesystem::path(file).filename().string();
    std::istringstream in(testing::ReadFile(file));
    std::string line;
    std::vector<std::pair<std::string, std::string>> runs;  // (verb type, grep word)
    std::set<std::string> expected;
    bool in_expect = false;
    std::regex run_re(R"(who-can\s+(\S+)\s+(\S+)(?:\s*\|\s*grep\s+(\S+))?)");
    std::regex row_re(R"(^#\s+(User|Group|ServiceAccount)\s*\|\s*(\S+)\s*\|\s*([^|\s]*))");
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      if (line.rfind("#", 0) != 0) break;
      std::smatch m;
      if (std::regex_search(line, m, run_re)) runs.push_back({m[1].str() + " " + m[2].str(), m[3].str()});
      if (line.find("Expect:") != std::string::npos) in_expect = true;
      if (in_expect && std::regex_search(line, m, row_re))
        expected.insert(m[1].str() + "|" + m[2].str() + "|" + m[3].str());
    }
    REQUIRE_FALSE(runs.empty());
    for (const auto& [query, word] : runs) {
      ++total;
      auto j = RunJson("k8s who-can -A " + query + " '" + file + "'");
      std::set<std::string> got;
      for (const auto& s : j["subjects"]) {
        std::string n = s["name"];
        if (!word.empty() && n.find(word) == std::string::npos) continue;
        got.insert(s["kind"].get<std::string>() + "|" + n + "|" + s["namespace"].get<std::string>());
      }
      INFO(name << ": who-can " << query);
      if (known_differences.count(name)) {
        CHECK(got != expected);
        continue;
      }
      CHECK(got == expected);
      agreed += got == expected;
    }
  }
  WARN("rbac-tool who-can fixtures: " << agreed << " of " << total
       << " queries agree; the others are documented differences");
  CHECK(agreed + 2 == total);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Escalation to a chosen sensitive permission (--escalation-target)",
          "[k8s][path][e2e]") {
  const std::string file = "tests/fixtures/escalation/secrets-target.yaml";
  auto none = RunJson("scan " + file + " --rule path-k8s-escalation --fail-on none");
  CHECK(none["findings"].empty());  // nobody reaches cluster-admin
  auto j = RunJson("scan " + file +
                   " --rule path-k8s-escalation --escalation-target secrets-read --fail-on none");
  REQUIRE(j["findings"].size() == 1);  // the holder itself is not a path
  const auto& f = j["findings"][0];
  CHECK(f["severity"] == "high");
  CHECK(f["witness"]["subject"] == "Group 'ops'");
  CHECK(f["witness"]["target"] == "secrets-read");
  CHECK(f["witness"]["steps"] == "3");
  REQUIRE(f["path"].size() == 3);
  CHECK(f["path"][0]["line"] == 56);  // the ops subject entry of RoleBinding ops-exec
  CHECK(f["path"][1]["message"].get<std::string>().rfind("exec into CronJob 'backup/nightly'", 0) == 0);
  CHECK(f["path"][2]["line"] == 17);  // the backup subject of ClusterRoleBinding backup-secrets
  auto bad = testing::RunCli("scan " + file + " --escalation-target secret-read");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("did you mean 'secrets-read'?") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("paths: a node holds the kubelet's credentials (group system:nodes)", "[e2e][graph]") {
  auto r = testing::RunCli("paths --from ops/Pod/debug --to cluster-admin --format json "
                           "tests/fixtures/escalation/node-credentials.yaml");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["paths"].size() >= 1);
  const auto& steps = j["paths"][0]["steps"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[0]["edge"] == "escapes-to");
  CHECK(steps[1]["to"] == "group:system:nodes");
  // Without the binding, the node's credentials lead nowhere.
  auto none = testing::RunCli("paths --from ops/Pod/debug --to cluster-admin --format json "
                              "tests/fixtures/escalation/node-credentials-unbound.yaml");
  REQUIRE(none.exit_code == 0);
  CHECK(nlohmann::json::parse(none.out)["paths"].empty());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("paths: a user that may join an admin-equivalent group reaches aws-admin", "[e2e][graph]") {
  auto r = testing::RunCli("paths --from arn:aws:iam::111122223333:user/dev --to aws-admin --format json "
                           "tests/fixtures/escalation/iam-join-admin-group.yaml");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["paths"].size() == 1);
  const auto& steps = j["paths"][0]["steps"];
  REQUIRE(steps.size() == 2);
  CHECK(steps[0]["edge"] == "can-act-as");
  CHECK(steps[0]["to"] == "arn:aws:iam::111122223333:group/admins");
}

}  // namespace
}  // namespace grantpath

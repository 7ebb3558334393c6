// Agreement with Kubescape's and Polaris's RBAC fixtures (shared corpus).
// Every case either agrees or is listed below with the reason, which
// docs/k8s-rbac.md explains; a listed case that starts agreeing fails, so
// the list stays true.
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Subjects = std::set<std::string>;  // "Kind|ns|name"

Subjects Reported(const std::string& path, const std::string& rule) {
  auto r = testing::RunCli("scan '" + path + "' --rule " + rule + " --format json --fail-on none");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Subjects out;
  const json report = json::parse(r.out);  // kept alive for the loop below
  for (const auto& f : report["findings"]) {
    const auto& w = f["witness"];
    if (w.contains("binding") && !w.contains("subject")) continue;
    std::string s = w.value("subject", "");
    auto space = s.find(' ');
    std::string kind = s.substr(0, space), name = s.substr(space + 2, s.size() - space - 3), ns;
    if (kind == "ServiceAccount") {
      ns = name.substr(0, name.find('/'));
      name = name.substr(name.find('/') + 1);
    }
    out.insert(kind + "|" + ns + "|" + name);
  }
  return out;
}

TEST_CASE("Kubescape RBAC rule fixtures agree or differ for a documented reason",
          "[corpora][peers]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  dir += "/k8s-rbac/kubescape-regolibrary/rules";
  const std::map<std::string, std::string> mapping = {
      {"anonymous-access-enabled", "rbac-anonymous-binding"},
      {"exec-into-container-v1", "rbac-pod-exec"},
      {"rule-can-access-proxy-subresource", "rbac-nodes-proxy"},
      {"rule-can-bind-escalate", "rbac-escalate-bind"},
      {"rule-can-create-service-account-token", "rbac-sa-token-create"},
      {"rule-can-impersonate-users-groups-v1", "rbac-impersonate"},
      {"rule-can-list-get-secrets-v1", "rbac-secrets-read"},
      {"rule-can-modify-admission-webhooks", "rbac-webhook-config"},
      {"rule-list-all-cluster-admins-v1", "rbac-cluster-admin-equivalent"},
  };
  // case -> reason (see docs/k8s-rbac.md, "Agreement with other tools").
  const std::map<std::string, std::string> differences = {
      {"exec-into-container-v1/clusterrole", "pods/* is not a wildcard"},
      {"rule-can-access-proxy-subresource/clusterrole-rolebinding", "RoleBinding cannot grant cluster-scoped nodes/proxy"},
      {"rule-can-access-proxy-subresource/role-rolebinding", "RoleBinding cannot grant cluster-scoped nodes/proxy"},
      {"rule-can-modify-admission-webhooks/clusterrole-rolebinding", "RoleBinding cannot grant cluster-scoped webhooks"},
      {"rule-can-modify-admission-webhooks/role-rolebinding", "RoleBinding cannot grant cluster-scoped webhooks"},
      {"rule-list-all-cluster-admins-v1/clusterrole-rolebinding", "RoleBinding grants one namespace, not the cluster"},
      {"rule-list-all-cluster-admins-v1/role-rolebinding", "RoleBinding grants one namespace, not the cluster"},
  };
  std::size_t agreed = 0, total = 0;
  for (const auto& [ks, ours] : mapping) {
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(dir + "/" + ks + "/test")) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    for (const auto& c : cases) {
      ++total;
      std::string id = ks + "/" + c.filename().string();
      INFO(id);
      json expected = json::parse(testing::ReadFile((c / "expected.json").string()));
      Subjects want;
      bool object_level = false;
      for (const auto& a : expected) {
        const auto& ao = a["alertObject"];
        if (ao.contains("externalObjects")) {
          const auto& eo = ao["externalObjects"];
          want.insert(eo.value("kind", "") + "|" + eo.value("namespace", "") + "|" + eo.value("name", ""));
        } else {
          object_level = true;  // Kubescape reports the binding object itself
        }
      }
      Subjects got = Reported((c / "input").string(), ours);
      bool agree = object_level ? (!got.empty() == !expected.empty()) : got == want;
      if (differences.count(id)) {
        CHECK_FALSE(agree);
      } else {
        CHECK(agree);
        agreed += agree;
      }
    }
  }
  WARN("Kubescape: " << agreed << " of " << total << " cases agree; " << differences.size()
                     << " differ for documented reasons");
  CHECK(agreed + differences.size() == total);
}

TEST_CASE("Polaris RBAC check fixtures agree or differ for a documented reason",
          "[corpora][peers]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  dir += "/k8s-rbac/polaris/test/checks";
  const std::map<std::string, std::string> mapping = {
      {"clusterrolebindingClusterAdmin", "rbac-cluster-admin-equivalent"},
      {"clusterrolebindingPodExecAttach", "rbac-pod-exec"},
      {"rolebindingClusterAdminClusterRole", "rbac-cluster-admin-equivalent"},
      {"rolebindingClusterAdminRole", "rbac-cluster-admin-equivalent"},
      {"rolebindingClusterRolePodExecAttach", "rbac-pod-exec"},
      {"rolebindingRolePodExecAttach", "rbac-pod-exec"},
  };
  auto why = [](const std::string& check, const std::string& file) -> std::string {
    if (file.find("system_prefix") != std::string::npos || file.find("gce_calico") != std::string::npos ||
        file.find("defaultclusterrolebinding") != std::string::npos ||
        file.find("role_binding_cluster_role_binding") != std::string::npos)
      return "Polaris exempts bindings by name; grantpath reports every binding of the input";
    if (file.find("missing_ref") != std::string::npos)
      return "a binding to a missing role grants nothing (rbac-dangling-role-ref reports it)";
    if (file.find("default_clusteradmin_clusterrole") != std::string::npos)
      return "the input redefines cluster-admin; grantpath uses the input's rules";
    if (check.rfind("rolebindingClusterAdmin", 0) == 0)
      return "a RoleBinding grants one namespace: namespace admin, not cluster-admin";
    if (file.find("all_verbs") != std::string::npos)
      return "a list of verbs is not '*' (no escalate, bind, impersonate): not cluster-admin";
    if (file.find("all_wildcards") != std::string::npos || file.find("binding_to_system_prefix") != std::string::npos)
      return "the subject is cluster-admin equivalent: reported by rbac-cluster-admin-equivalent only";
    return "";
  };
  std::size_t agreed = 0, differ = 0, total = 0;
  for (const auto& [check, ours] : mapping) {
    for (const auto& e : fs::directory_iterator(dir + "/" + check)) {
      std::string file = e.path().filename().string();
      bool expect_fail = file.rfind("failure", 0) == 0;
      INFO(check << "/" << file);
      ++total;
      bool reported = !Reported(e.path().string(), ours).empty();
      bool agree = reported == expect_fail;
      std::string reason = agree ? "" : why(check, file);
      INFO("reason: " << reason);
      CHECK((agree || !reason.empty()));
      agreed += agree;
      differ += !agree && !reason.empty();
    }
  }
  WARN("Polaris: " << agreed << " of " << total << " cases agree; " << differ
                   << " differ for documented reasons");
  CHECK(agreed + differ == total);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("kube-linter RBAC check fixtures agree", "[corpora][peers]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  dir += "/k8s-rbac/kube-linter";
  const std::map<std::string, std::string> mapping = {
      {"access-to-create-pods", "rbac-workload-create"},
      {"access-to-secrets", "rbac-secrets-read"},
      {"cluster-admin-role-binding", "rbac-cluster-admin-equivalent"},
      {"wildcard-in-rules", "rbac-wildcard-rule"},
  };
  json expected = json::parse(testing::ReadFile(dir + "/expected-from-bats.json"));
  std::size_t checked = 0;
  for (const auto& e : expected) {
    if (!e.contains("check") || !e["check"].is_string()) continue;
    auto it = mapping.find(e["check"].get<std::string>());
    if (it == mapping.end() || !e["file"].is_string() || !e["count"].is_number() ||
        !e["messages"].is_array() || e["messages"].empty())
      continue;
    INFO(it->first);
    auto r = testing::RunCli("scan '" + dir + "/" + e["file"].get<std::string>() + "' --rule " +
                             it->second + " --format json --fail-on none");
    REQUIRE(r.exit_code == 0);
    json got = json::parse(r.out);
    CHECK(got["findings"].size() == e["count"].get<std::size_t>());
    // Same object: kube-linter names the role (or the cluster-admin binding).
    std::string message = e["messages"][0];
    for (const auto& f : got["findings"]) {
      std::string all = f["message"].get<std::string>();
      for (const auto& rel : f["related"]) all += " " + rel["message"].get<std::string>();
      bool same = message.find("\"role1\"") != std::string::npos ? all.find("role1") != std::string::npos
                  : message.find("cluster-admin") != std::string::npos
                      ? all.find("account1") != std::string::npos
                      : all.find("Role 'namespace-dev/role1'") != std::string::npos;
      CHECK(same);
    }
    ++checked;
  }
  CHECK(checked >= mapping.size());
}

}  // namespace
}  // namespace grantpath

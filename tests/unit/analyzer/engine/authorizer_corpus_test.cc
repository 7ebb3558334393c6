// Replays the Kubernetes authorizer and rule-matching cases of the shared
// corpus (transcribed from the upstream rbac tests) through the engine.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/rbac.h"
#include "test_util.h"

namespace grantpath {
namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& v : j[key]) out.push_back(v.get<std::string>());
  return out;
}

k8s::PolicyRule Rule(const json& r) {
  k8s::PolicyRule rule;
  rule.verbs = Strings(r, "verbs");
  rule.api_groups = Strings(r, "apiGroups");
  rule.resources = Strings(r, "resources");
  rule.resource_names = Strings(r, "resourceNames");
  rule.non_resource_urls = Strings(r, "nonResourceURLs");
  return rule;
}

rbac::Request Req(const json& q) {
  rbac::Request req;
  auto s = [&](const char* k) { return q.contains(k) ? q[k].get<std::string>() : std::string(); };
  req.verb = s("verb");
  if (q.contains("path")) {
    req.resource_request = false;
    req.path = s("path");
  }
  req.api_group = s("apiGroup");
  req.resource = s("resource");
  req.subresource = s("subresource");
  req.name = s("name");
  req.ns = s("namespace");
  return req;
}

void AddBindings(Model& m, const json& list, bool cluster) {
  for (const auto& b : list) {
    k8s::Binding kb;
    kb.cluster = cluster;
    kb.meta.name = "b" + std::to_string(m.k8s_bindings.size());
    kb.meta.ns = cluster ? "" : b.value("namespace", "");
    kb.role_ref.kind = b["roleRef"]["kind"];
    kb.role_ref.name = b["roleRef"]["name"];
    for (const auto& s : b["subjects"]) {
      k8s::Subject sub;
      sub.kind = s["kind"];
      sub.name = s["name"];
      sub.ns = s.value("namespace", "");
      kb.subjects.push_back(sub);
    }
    m.AddBinding(kb);
  }
}

TEST_CASE("Kubernetes authorizer cases agree", "[corpora][rbac]") {
  std::string dir = testing::CorporaDir();
  if (dir.empty()) return;
  json cases = json::parse(
      testing::ReadFile(dir + "/k8s-rbac/kubernetes-authorizer-cases/rule-matching-cases.json"));
  std::size_t checked = 0;
  for (const auto& c : cases["authorizer_cases"]) {
    Model m;
    for (const auto& r : c.value("clusterRoles", json::array())) {
      k8s::Role role;
      role.cluster = true;
      role.meta.name = r["name"];
      for (const auto& rule : r["rules"]) role.rules.push_back(Rule(rule));
      m.AddRole(role);
    }
    for (const auto& r : c.value("roles", json::array())) {
      k8s::Role role;
      role.meta.name = r["name"];
      role.meta.ns = r["namespace"];
      for (const auto& rule : r["rules"]) role.rules.push_back(Rule(rule));
      m.AddRole(role);
    }
    AddBindings(m, c.value("roleBindings", json::array()), false);
    AddBindings(m, c.value("clusterRoleBindings", json::array()), true);
    rbac::Engine engine(m);
    for (const char* key : {"allow", "deny"}) {
      for (const auto& q : c[key]) {
        rbac::UserInfo user;
        user.name = q.value("user", "");
        user.groups = Strings(q, "groups");
        INFO(c["id"].get<std::string>() << " " << key << " " << q.dump());
        CHECK(engine.Authorize(user, Req(q)).allowed == (std::string(key) == "allow"));
        ++checked;
      }
    }
  }
  for (const auto& c : cases["rule_cases"]) {
    INFO(c.dump());
    CHECK(rbac::RuleAllows(Rule(c["rule"]), Req(c["req"])) == c["expect"].get<bool>());
    ++checked;
  }
  CHECK(checked == 52);
}

}  // namespace
}  // namespace grantpath

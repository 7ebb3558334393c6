#include <catch2/catch.hpp>

#include "engine/rbac_covers.h"
#include "test_util.h"

namespace grantpath {
namespace {

using testing::MakeRule;  // (verbs, groups, resources, names, urls)

TEST_CASE("Breakdown: one group, resource, verb and name per atom", "[rbac][covers]") {
  auto atoms = rbac::BreakdownRule(MakeRule({"get", "list"}, {"", "apps"}, {"pods"}, {"a", "b"}));
  CHECK(atoms.size() == 8);
  auto urls = rbac::BreakdownRule(MakeRule({"get"}, {}, {}, {}, {"/healthz", "/metrics"}));
  CHECK(urls.size() == 2);
}

TEST_CASE("Covers compares atoms as strings, stricter than request matching",
          "[rbac][covers]") {
  using rbac::Covers;
  SECTION("wildcards and exact values") {
    CHECK(Covers({MakeRule({"*"}, {"*"}, {"*"})}, {MakeRule({"get", "delete"}, {"apps"}, {"deployments"})}));
    CHECK(Covers({MakeRule({"get", "list"}, {""}, {"pods"})}, {MakeRule({"get"}, {""}, {"pods"})}));
    CHECK_FALSE(Covers({MakeRule({"get"}, {""}, {"pods"})}, {MakeRule({"get", "list"}, {""}, {"pods"})}));
  }
  SECTION("atoms may be covered by different owner rules") {
    CHECK(Covers({MakeRule({"get"}, {""}, {"pods"}), MakeRule({"list"}, {""}, {"pods"})},
                 {MakeRule({"get", "list"}, {""}, {"pods"})}));
  }
  SECTION("subresources: '*/sub' covers them, 'res/*' does not") {
    CHECK(Covers({MakeRule({"create"}, {""}, {"*/exec"})}, {MakeRule({"create"}, {""}, {"pods/exec"})}));
    CHECK_FALSE(Covers({MakeRule({"create"}, {""}, {"pods/*"})}, {MakeRule({"create"}, {""}, {"pods/exec"})}));
    CHECK_FALSE(Covers({MakeRule({"create"}, {""}, {"pods"})}, {MakeRule({"create"}, {""}, {"pods/exec"})}));
    // A wildcard servant rule is only covered by a wildcard owner.
    CHECK_FALSE(Covers({MakeRule({"get"}, {""}, {"pods", "secrets"})}, {MakeRule({"get"}, {""}, {"*"})}));
  }
  SECTION("resourceNames: an owner without names covers named atoms, not the reverse") {
    CHECK(Covers({MakeRule({"get"}, {""}, {"secrets"})}, {MakeRule({"get"}, {""}, {"secrets"}, {"tls"})}));
    CHECK(Covers({MakeRule({"get"}, {""}, {"secrets"}, {"tls", "ca"})},
                 {MakeRule({"get"}, {""}, {"secrets"}, {"tls"})}));
    CHECK_FALSE(Covers({MakeRule({"get"}, {""}, {"secrets"}, {"tls"})}, {MakeRule({"get"}, {""}, {"secrets"})}));
  }
  SECTION("nonResourceURLs: exact or '*' prefix") {
    CHECK(Covers({MakeRule({"get"}, {}, {}, {}, {"/metrics*"})}, {MakeRule({"get"}, {}, {}, {}, {"/metrics/x"})}));
    CHECK_FALSE(Covers({MakeRule({"get"}, {}, {}, {}, {"/metrics"})}, {MakeRule({"get"}, {}, {}, {}, {"/metrics/x"})}));
  }
  SECTION("uncovered atoms are listed") {
    std::vector<k8s::PolicyRule> left;
    CHECK_FALSE(Covers({MakeRule({"get"}, {""}, {"pods"})}, {MakeRule({"get", "delete"}, {""}, {"pods", "secrets"})}, &left));
    CHECK(left.size() == 3);
  }
}

TEST_CASE("can-bind: bind verb, covers, system:masters", "[rbac][covers][e2e]") {
  auto yes = testing::RunCli("k8s can-bind --as system:serviceaccount:shop:default clusterrole/view "
                             "-n shop examples/demo-cluster --format json");
  REQUIRE(yes.exit_code == 0);
  CHECK(yes.out.find("\"allowed\": true") != std::string::npos);
  CHECK(yes.out.find("\"via\": \"covers\"") != std::string::npos);
  // edit cannot create rolebindings, so it does not cover admin.
  auto no = testing::RunCli("k8s can-bind --as system:serviceaccount:shop:default clusterrole/admin "
                            "-n shop examples/demo-cluster --expect no");
  CHECK(no.exit_code == 0);
  CHECK(no.out.find("not held (-v lists them)") != std::string::npos);
  auto detail = testing::RunCli("k8s can-bind --as system:serviceaccount:shop:default clusterrole/admin "
                                "-n shop examples/demo-cluster -v");
  CHECK(detail.out.find("resources=rolebindings") != std::string::npos);
  // Cluster-wide: only ClusterRoleBindings count, so the RoleBinding to edit does not.
  auto cluster = testing::RunCli("k8s can-bind --as system:serviceaccount:shop:default clusterrole/view "
                                 "examples/demo-cluster --expect yes");
  CHECK(cluster.exit_code == 0);  // view is granted cluster-wide to system:authenticated in the demo
  auto bind = testing::RunCli("k8s can-bind --as system:serviceaccount:team:operator clusterrole/cluster-admin "
                              "-n team tests/rules/rbac-escalate-bind/positive.yaml --format json");
  CHECK(bind.out.find("\"via\": \"bind\"") != std::string::npos);
  auto masters = testing::RunCli("k8s can-bind --as root --as-group system:masters clusterrole/cluster-admin "
                                 "examples/demo-cluster --expect yes");
  CHECK(masters.exit_code == 0);
  CHECK(testing::RunCli("k8s can-bind --as x role/y examples/demo-cluster").exit_code == 2);
  CHECK(testing::RunCli("k8s can-bind --as x widget/y examples/demo-cluster").exit_code == 2);
}

}  // namespace
}  // namespace grantpath

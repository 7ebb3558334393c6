// grantpath diff: findings new and resolved, RBAC, network and IAM access
// added and removed, exit codes, formats, and --git-base reading the base
// from the object store without touching the work tree or the index.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

struct Dirs {
  fs::path root;
  Dirs() {
    char tmpl[] = "/tmp/grantpath-diff-XXXXXX";
    root = mkdtemp(tmpl);
    fs::copy(testing::SourceDir() + "/examples/demo-cluster", root / "base", fs::copy_options::recursive);
    fs::copy(testing::SourceDir() + "/examples/demo-cluster", root / "head", fs::copy_options::recursive);
  }
  ~Dirs() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void Write(const std::string& rel, const std::string& text) const { std::ofstream(root / rel) << text; }
  std::string Q(const std::string& rel) const { return "'" + (root / rel).string() + "'"; }
};

const char* kBobEdit =
    "apiVersion: rbac.authorization.k8s.io/v1\n"
    "kind: RoleBinding\n"
    "metadata:\n"
    "  name: bob-edit\n"
    "  namespace: shop\n"
    "subjects:\n"
    "- kind: User\n"
    "  name: bob\n"
    "roleRef:\n"
    "  kind: ClusterRole\n"
    "  name: view\n"
    "  apiGroup: rbac.authorization.k8s.io\n";

TEST_CASE("diff: identical inputs change nothing", "[e2e][diff]") {
  Dirs d;
  auto r = testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --fail-on-new-access");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("findings: 0 new, 0 resolved\naccess: RBAC +0/-0, network +0/-0, IAM +0/-0\n") !=
        std::string::npos);
}

TEST_CASE("diff: RBAC permissions added with the binding that grants them", "[e2e][diff]") {
  Dirs d;
  d.Write("head/platform/bob.yaml", kBobEdit);
  auto r = testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --format json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);  // view grants nothing at or above high
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["rbac"].size() == 1);
  const auto& c = j["rbac"][0];
  CHECK(c["change"] == "added");
  CHECK(c["subject"] == "User 'bob'");
  CHECK(c["namespace"] == "shop");
  CHECK(c["via"] == "RoleBinding 'shop/bob-edit'");
  CHECK(c["location"]["line"] == 7);
  bool pods = false;
  for (const auto& q : c["requests"]) pods = pods || q == "get,list,watch pods";
  CHECK(pods);
  // Reverse: removed.
  auto back = nlohmann::json::parse(testing::RunCli("diff " + d.Q("head") + " " + d.Q("base") + " --format json").out);
  REQUIRE(back["rbac"].size() == 1);
  CHECK(back["rbac"][0]["change"] == "removed");
  // New access fails the check when asked to.
  CHECK(testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --fail-on-new-access").exit_code == 1);
}

TEST_CASE("diff: a new finding at or above --fail-on fails; resolved findings are listed", "[e2e][diff]") {
  Dirs d;
  d.Write("head/platform/carol.yaml",
          "apiVersion: rbac.authorization.k8s.io/v1\n"
          "kind: ClusterRoleBinding\n"
          "metadata:\n"
          "  name: carol-admin\n"
          "subjects:\n"
          "- kind: User\n"
          "  name: carol\n"
          "roleRef:\n"
          "  kind: ClusterRole\n"
          "  name: cluster-admin\n"
          "  apiGroup: rbac.authorization.k8s.io\n");
  auto r = testing::RunCli("diff " + d.Q("base") + " " + d.Q("head"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("critical  rbac-cluster-admin-equivalent  User 'carol'") != std::string::npos);
  CHECK(testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --fail-on none").exit_code == 0);
  auto rev = nlohmann::json::parse(testing::RunCli("diff " + d.Q("head") + " " + d.Q("base") + " --format json").out);
  REQUIRE(rev["findings"]["resolved"].size() == 1);
  CHECK(rev["findings"]["resolved"][0]["ruleId"] == "rbac-cluster-admin-equivalent");
  CHECK(rev["findings"]["new"].empty());
  // SARIF: new results, and the resolved ones as absent.
  auto sarif = nlohmann::json::parse(testing::RunCli("diff " + d.Q("head") + " " + d.Q("base") + " --format sarif").out);
  const auto& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["baselineState"] == "absent");
}

TEST_CASE("diff: network connections and exposure added and removed", "[e2e][diff]") {
  Dirs d;
  fs::remove(d.root / "head/network/shop-network.yaml");  // the policies and the LoadBalancer
  auto j = nlohmann::json::parse(testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --format json").out);
  bool exposure_removed = false, cart_added = false;
  for (const auto& c : j["network"]) {
    if (c["change"] == "removed" && c["src"] == "internet" && c["dst"] == "shop/storefront[Deployment]")
      exposure_removed = c["ports"] == "TCP 8080";
    if (c["change"] == "added" && c["src"] == "shop/cart[Deployment]" && c["dst"] == "shop/storefront[Deployment]")
      cart_added = c["ports"] == "ICMP,ICMPv6,SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535,other protocols";
  }
  CHECK(exposure_removed);
  CHECK(cart_added);  // TCP 8080 was already allowed: only the rest is new
}

TEST_CASE("diff: IAM access a principal newly has, with a witness", "[e2e][diff]") {
  Dirs d;
  std::string account = testing::ReadFile((d.root / "head/aws/account.json").string());
  auto j = nlohmann::json::parse(account);
  j["UserDetailList"][0]["UserPolicyList"] = nlohmann::json::array(
      {{{"PolicyName", "extra"},
        {"PolicyDocument",
         {{"Version", "2012-10-17"},
          {"Statement", {{{"Effect", "Allow"}, {"Action", "dynamodb:DeleteTable"}, {"Resource", "*"}}}}}}}});
  d.Write("head/aws/account.json", j.dump(2));
  auto r = testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --format json");
  INFO(r.out << r.err);
  auto out = nlohmann::json::parse(r.out);
  REQUIRE(out["iam"].size() == 1);
  CHECK(out["iam"][0]["change"] == "added");
  CHECK(out["iam"][0]["principal"] == "arn:aws:iam::210987654321:user/dana");
  CHECK(out["iam"][0]["witness"].get<std::string>().rfind("dynamodb:DeleteTable on ", 0) == 0);
}

TEST_CASE("diff: markdown fits a pull-request comment", "[e2e][diff]") {
  Dirs d;
  d.Write("head/platform/bob.yaml", kBobEdit);
  auto r = testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --format markdown");
  CHECK(r.out.rfind("### grantpath: what this change allows\n\n| | added | removed |", 0) == 0);
  CHECK(r.out.find("| RBAC permissions | 1 | 0 |") != std::string::npos);
  auto small = testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --format markdown --markdown-max-bytes 600");
  CHECK(small.out.size() < 900);
  CHECK(small.out.find("The details were cut") != std::string::npos);
}

TEST_CASE("diff --git-base reads the base from git and writes nothing in the repository", "[e2e][diff]") {
  Dirs d;
  fs::path repo = d.root / "repo";
  fs::create_directories(repo);
  fs::copy(d.root / "base", repo / "k8s", fs::copy_options::recursive);
  std::string git = "cd '" + repo.string() + "' && git -c user.email=t@t -c user.name=t ";
  REQUIRE(std::system((git + "init -q && " + git + "add -A && " + git + "commit -qm base").c_str()) == 0);
  std::ofstream(repo / "k8s/platform/bob.yaml") << kBobEdit;
  struct stat before {};
  REQUIRE(::stat((repo / ".git/index").c_str(), &before) == 0);
  auto r = testing::RunCli("diff --git-base HEAD '" + (repo / "k8s").string() + "' --format json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["rbac"].size() == 1);
  CHECK(j["rbac"][0]["subject"] == "User 'bob'");
  CHECK(j["findings"]["new"].empty());  // fingerprints match across the two sides
  struct stat after {};
  REQUIRE(::stat((repo / ".git/index").c_str(), &after) == 0);
  CHECK(before.st_mtime == after.st_mtime);
  std::string status;
  FILE* p = popen(("cd '" + repo.string() + "' && git status --porcelain").c_str(), "r");
  char buf[512];
  while (fgets(buf, sizeof buf, p)) status += buf;
  pclose(p);
  CHECK(status == "?? k8s/platform/bob.yaml\n");
  CHECK(testing::RunCli("diff --git-base no-such-ref '" + (repo / "k8s").string() + "'").exit_code == 2);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

// Past --net-pod-limit, connections are compared between joint classes:
// the same changes as pod by pod.
TEST_CASE("diff: class-level network comparison agrees with pod by pod", "[e2e][diff]") {
  Dirs d;
  fs::remove(d.root / "head/network/shop-network.yaml");
  auto changes = [&](const std::string& extra) {
    auto j = nlohmann::json::parse(
        testing::RunCli("diff " + d.Q("base") + " " + d.Q("head") + " --format json " + extra).out);
    std::set<std::string> out;
    for (const auto& c : j["network"])
      out.insert(c["change"].get<std::string>() + " " + c["src"].get<std::string>() + " => " +
                 c["dst"].get<std::string>() + ": " + c["ports"].get<std::string>());
    return std::make_pair(out, j["notes"].dump());
  };
  auto [pods, pod_notes] = changes("");
  auto [classes, class_notes] = changes("--net-pod-limit 1");
  CHECK(pods.size() == 4);
  CHECK(pods == classes);
  CHECK(class_notes.find("compared between classes of pods treated alike") != std::string::npos);
  CHECK(pod_notes.find("classes of pods") == std::string::npos);
}

}  // namespace
}  // namespace grantpath

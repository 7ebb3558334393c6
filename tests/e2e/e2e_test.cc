// End-to-end: run the built CLI on tests/e2e/<case>/ and compare its text,
// JSON and SARIF output byte for byte with the expected files (regenerate
// on purpose with scripts/update_goldens.sh), validate the SARIF against the
// official schema, and pin the exit codes.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void ValidateSarif(const std::string& sarif) {
  std::string schemas = GRANTPATH_SCHEMAS_DIR;
  if (!fs::exists(schemas + "/sarif-schema-2.1.0.json")) {
    if (std::getenv("CI")) FAIL("SARIF schema missing at " << schemas);
    WARN("SARIF schema missing; validation skipped");
    return;
  }
  char name[] = "/tmp/grantpath-sarif-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << sarif;
  std::string py = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  std::string cmd = py + " '" + testing::SourceDir() + "/tests/tools/validate_sarif.py' '" +
                    schemas + "/sarif-schema-2.1.0.json' " + name + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  std::remove(name);
  INFO(out);
  CHECK(rc == 0);
}

TEST_CASE("E2E goldens: text, JSON and SARIF", "[e2e]") {
  const std::string root = testing::SourceDir() + "/tests/e2e";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 2);
  for (const auto& dir : cases) {
    std::string args = Trim(testing::ReadFile((dir / "args").string()));
    for (const char* fmt : {"text", "json", "sarif"}) {
      DYNAMIC_SECTION(dir.filename().string() << " " << fmt) {
        auto r = testing::RunCli(args + " --format " + fmt + " --fail-on none");
        INFO(r.err);
        CHECK(r.exit_code == 0);
        std::string ext = std::string(fmt) == "text" ? "txt" : fmt;
        fs::path golden = dir / ("expected." + ext);
        INFO("golden " << golden.string() << " (scripts/update_goldens.sh regenerates)");
        REQUIRE(fs::exists(golden));
        CHECK(r.out == testing::ReadFile(golden.string()));
        auto again = testing::RunCli(args + " --format " + fmt + " --fail-on none");
        CHECK(again.out == r.out);  // deterministic
        if (std::string(fmt) == "sarif") ValidateSarif(r.out);
      }
    }
  }
}

TEST_CASE("Exit codes", "[e2e]") {
  SECTION("findings at or above --fail-on give 1, below give 0") {
    CHECK(testing::RunCli("scan examples/demo-cluster").exit_code == 1);
    CHECK(testing::RunCli("scan examples/demo-cluster --fail-on critical").exit_code == 1);
    CHECK(testing::RunCli("scan tests/rules/rbac-dangling-role-ref/positive.yaml").exit_code == 0);
    CHECK(testing::RunCli("scan tests/rules/rbac-dangling-role-ref/positive.yaml --fail-on low")
              .exit_code == 1);
    CHECK(testing::RunCli("scan examples/demo-cluster --fail-on none").exit_code == 0);
  }
  SECTION("nothing to analyze gives 2") {
    auto r = testing::RunCli("scan docs");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("error: nothing to analyze") != std::string::npos);
    CHECK(testing::RunCli("scan does/not/exist").exit_code == 2);
  }
  SECTION("usage errors give 2, with did-you-mean") {
    auto r = testing::RunCli("scna examples");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown command 'scna'; did you mean 'scan'?") != std::string::npos);
    r = testing::RunCli("scan examples --rule rbac-secret-read");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown rule id 'rbac-secret-read'; did you mean 'rbac-secrets-read'?") !=
          std::string::npos);
    CHECK(testing::RunCli("scan examples --format xml").exit_code == 2);
    CHECK(testing::RunCli("scan examples --fail-on severe").exit_code == 2);
    CHECK(testing::RunCli("scan").exit_code == 2);
    CHECK(testing::RunCli("--bogus").exit_code == 2);
    CHECK(testing::RunCli("--help").exit_code == 0);
  }
  SECTION("--rule and --disable select rules") {
    auto r = testing::RunCli("scan examples/demo-cluster --rule rbac-wildcard-rule --format json");
    CHECK(r.out.find("rbac-secrets-read") == std::string::npos);
    CHECK(r.out.find("rbac-wildcard-rule") != std::string::npos);
    r = testing::RunCli("scan examples/demo-cluster --disable rbac-wildcard-rule --format json");
    CHECK(r.out.find("\"ruleId\": \"rbac-wildcard-rule\"") == std::string::npos);
  }
  SECTION("-o writes the report to a file") {
    char name[] = "/tmp/grantpath-out-XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    auto r = testing::RunCli(std::string("scan examples/demo-cluster --format sarif -o ") + name);
    CHECK(r.out.empty());
    CHECK(testing::ReadFile(name).find("\"version\": \"2.1.0\"") != std::string::npos);
    std::remove(name);
  }
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Inputs no engine analyzes yet are reported, not silently passed", "[e2e]") {
  // IAM documents are analyzed now: no warning, and the IAM rules run.
  auto r = testing::RunCli("scan tests/e2e/mixed/input --fail-on none");
  CHECK(r.out.find("were read but are not analyzed") == std::string::npos);
  CHECK(r.out.find("iam-unrestricted-data-access") != std::string::npos);
  auto np = testing::RunCli("scan tests/fixtures/hostile/huge-scalar.yaml examples/demo-cluster --fail-on none");
  CHECK(np.out.find("not analyzed: this version has no network reachability engine") == std::string::npos);
  // NetworkPolicies are analyzed now: no warning, and the network rules run.
  auto net = testing::RunCli("scan tests/fixtures/network/default-deny.yaml --fail-on none");
  CHECK(net.exit_code == 0);
  CHECK(net.out.find("not analyzed") == std::string::npos);
  // Calico policies are analyzed now: read without a warning.
  auto calico = testing::RunCli("scan tests/fixtures/network/calico.yaml --fail-on none");
  CHECK(calico.exit_code == 0);
  CHECK(calico.err.find("unsupported-construct") == std::string::npos);
  CHECK(calico.err.find("not modeled") == std::string::npos);
  // Network policy kinds no engine reads are said, never read as another
  // kind; the ClusterNetworkPolicy of policy.networking.k8s.io is read.
  auto other = testing::RunCli("scan tests/fixtures/network/cluster-network-policy.yaml --fail-on none");
  std::string said = other.out + other.err;  // the scan report carries the diagnostics
  CHECK(said.find("ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) is not modeled") == std::string::npos);
  // The ClusterNetworkPolicy and Istio's AuthorizationPolicy (docs/istio.md).
  CHECK(said.find("2 objects in 1 file") != std::string::npos);
  CHECK(said.find("cluster-network-policy.yaml:11:7: warning: NetworkPolicy (crd.antrea.io/v1beta1) is not "
                  "modeled") != std::string::npos);
  CHECK(said.find("AuthorizationPolicy (security.istio.io/v1) is not modeled") == std::string::npos);
  CHECK(said.find("cluster-network-policy.yaml:21:7: warning: AuthorizationPolicy (policy.linkerd.io/v1alpha1) is "
                  "not modeled: network reachability results do not take it into account") != std::string::npos);
  CHECK(said.find("cluster-network-policy.yaml:26:7: warning: Sidecar (networking.istio.io/v1) is not modeled") !=
        std::string::npos);
  CHECK(said.find("read as NetworkPolicy") == std::string::npos);
}

}  // namespace
}  // namespace grantpath

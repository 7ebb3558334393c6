// The command line as users script it: repeatable options take one value
// per flag and a path may follow them, missing inputs are usage errors,
// verdict words match the result, and typos get "did you mean".
#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

TEST_CASE("CLI: a path may follow every repeatable option", "[e2e][cli]") {
  const char* kAws = "examples/demo-cluster/aws";
  const char* kDemo = "examples/demo-cluster";
  const char* kPolicy = "examples/demo-cluster/aws/shop-assets-bucket-policy.json";
  struct Case {
    std::string args;
    int exit_code;
  };
  std::vector<Case> cases = {
      {std::string("scan --rule rbac-secrets-read --rule rbac-impersonate ") + kDemo, 1},
      {std::string("scan --disable rbac-secrets-read ") + kDemo + " --fail-on none", 0},
      {std::string("scan --sensitive-namespace shop ") + kDemo + " --fail-on none", 0},
      {std::string("scan --escalation-target secrets-read ") + kDemo + " --fail-on none", 0},
      {std::string("aws can-i --principal dana --action s3:GetObject --resource arn:aws:s3:::b/k "
                   "--context aws:SourceIp=10.0.0.1 --context aws:SecureTransport=true ") + kAws, 0},
      {std::string("aws who-can --action s3:GetObject --resource arn:aws:s3:::b/k --context aws:SourceIp=10.0.0.1 ") +
           kAws, 0},
      {std::string("aws check-access-not-granted --action s3:DeleteBucket --resource arn:aws:s3:::shop-assets ") +
           kPolicy, 0},
      {std::string("k8s can-i get pods --as alice --as-group dev --as-group ops ") + kDemo, 0},
      {std::string("k8s permissions alice --as-group dev ") + kDemo, 0},
      {std::string("k8s can-bind --as alice --as-group dev clusterrole/view ") + kDemo, 0},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.args) {
      auto r = testing::RunCli(c.args);
      INFO(r.out << r.err);
      CHECK(r.exit_code == c.exit_code);
      CHECK(r.err.find("required") == std::string::npos);
    }
  }
}

TEST_CASE("CLI: a missing input path is exit 2 with the path named, for every command", "[e2e][cli]") {
  for (std::string cmd : {"scan", "k8s who-can get pods", "k8s can-i get pods --as alice", "net matrix",
                          "net reach --from a/b --to c/d", "aws who-can --action s3:GetObject --resource *",
                          "paths --from internet --to aws-admin", "graph"}) {
    DYNAMIC_SECTION(cmd) {
      auto r = testing::RunCli(cmd + " examples/demo-cluster /nonexistent/grantpath-input");
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("Path does not exist: /nonexistent/grantpath-input") != std::string::npos);
    }
  }
}

TEST_CASE("CLI: check verdicts say what was found", "[e2e][cli]") {
  const std::string policy = "examples/demo-cluster/aws/shop-assets-bucket-policy.json";
  auto granted = testing::RunCli("aws check-access-not-granted --action s3:GetObject " + policy +
                                 " --resource arn:aws:s3:::shop-assets/k");
  CHECK(granted.exit_code == 1);
  CHECK(granted.out.rfind("FAIL: the policy grants s3:GetObject on arn:aws:s3:::shop-assets/k\n", 0) == 0);
  auto not_granted = testing::RunCli("aws check-access-not-granted --action s3:DeleteBucket " + policy);
  CHECK(not_granted.exit_code == 0);
  CHECK(not_granted.out.rfind("PASS: the policy does not grant s3:DeleteBucket\n", 0) == 0);
  auto pub = testing::RunCli("aws check-no-public-access " + policy);
  CHECK(pub.exit_code == 1);
  CHECK(pub.out.rfind("FAIL: the policy grants public access\n", 0) == 0);
  CHECK(pub.out.find("witness: anonymous s3:GetObject") != std::string::npos);
}

TEST_CASE("CLI: a witness never names an empty service principal", "[e2e][cli]") {
  // Only a service principal may read: the witness says which one.
  auto r = testing::RunCli("aws check-access-not-granted --action s3:GetObject "
                           "tests/fixtures/aws-cli/service-only-bucket-policy.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("witness: service cloudfront.amazonaws.com s3:GetObject") != std::string::npos);
}

TEST_CASE("CLI: a bare principal name that matches nothing is exit 2 with did-you-mean", "[e2e][cli]") {
  auto r = testing::RunCli("aws can-i --principal danaa --action s3:GetObject --resource arn:aws:s3:::b/k "
                           "examples/demo-cluster/aws");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no user or role named 'danaa' in the input; did you mean 'dana'?") != std::string::npos);
  // Domain-like federated providers and services stay valid principals.
  CHECK(testing::RunCli("aws can-i --principal accounts.google.com --action s3:GetObject --resource "
                        "arn:aws:s3:::b/k examples/demo-cluster/aws").exit_code == 0);
}

TEST_CASE("CLI: net reach names the requested port when it is denied", "[e2e][cli]") {
  auto r = testing::RunCli("net reach --from shop/cart --to shop/storefront --port 9999 examples/demo-cluster");
  CHECK(r.out.rfind("denied: TCP 9999 is not allowed (what is allowed between them: TCP 8080)\n", 0) == 0);
  auto ok = testing::RunCli("net reach --from shop/cart --to shop/storefront --port 8080 examples/demo-cluster");
  CHECK(ok.out.rfind("allowed: TCP 8080 is allowed\n", 0) == 0);
}

}  // namespace
}  // namespace grantpath

// --requests FILE (JSON Lines) for aws can-i, k8s can-i, net reach and paths: one
// load, one answer per line in input order with "line", equal to the single
// query's JSON; a malformed line gets an error object and the rest are
// answered.
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

std::string WriteRequests(const std::string& name, const std::vector<std::string>& lines) {
  std::string path = "/tmp/grantpath-batch-" + name + "-" + std::to_string(::getpid()) + ".jsonl";
  std::ofstream out(path);
  for (const auto& l : lines) out << l << "\n";
  return path;
}

std::vector<nlohmann::json> Lines(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    v.push_back(nlohmann::json::parse(out.substr(start, end - start)));
    start = end + 1;
  }
  return v;
}

// The batch answer without its "line" equals the single query's JSON.
void CheckSame(nlohmann::json batch, const std::string& single_args) {
  batch.erase("line");
  auto single = testing::RunCli(single_args + " --format json");
  INFO(single_args << "\n" << single.err);
  CHECK(batch == nlohmann::json::parse(single.out));
}

TEST_CASE("Batch: aws can-i --requests", "[e2e][batch]") {
  std::string file = WriteRequests(
      "aws", {R"({"principal": "dana", "action": "sts:AssumeRole", "resource": "arn:aws:iam::210987654321:role/deployer"})",
              "not json",
              R"({"principal": "danaa", "action": "s3:GetObject", "resource": "*"})",
              "",
              R"({"principal": "ci-bot", "action": "ssm:GetParameter", "resource": "arn:aws:ssm:eu-west-1:210987654321:parameter/db", "context": {"aws:SourceIp": ["10.0.0.1"], "aws:SecureTransport": "true"}})",
              R"({"action": "s3:GetObject"})"});
  auto r = testing::RunCli("aws can-i --requests " + file + " examples/demo-cluster/aws");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto v = Lines(r.out);
  REQUIRE(v.size() == 5);
  CHECK(v[0]["line"] == 1);
  CheckSame(v[0], "aws can-i --principal dana --action sts:AssumeRole --resource "
                  "arn:aws:iam::210987654321:role/deployer examples/demo-cluster/aws");
  CHECK(v[1] == nlohmann::json{{"line", 2}, {"error", "not a JSON object"}});
  CHECK(v[2]["error"] == "no user or role named 'danaa' in the input; did you mean 'dana'?");
  CHECK(v[3]["line"] == 5);
  CheckSame(v[3], "aws can-i --principal ci-bot --action ssm:GetParameter --resource "
                  "arn:aws:ssm:eu-west-1:210987654321:parameter/db --context aws:SourceIp=10.0.0.1 "
                  "--context aws:SecureTransport=true examples/demo-cluster/aws");
  CHECK(v[4]["error"] == "missing \"principal\"");
  std::remove(file.c_str());
}

TEST_CASE("Batch: k8s can-i --requests", "[e2e][batch]") {
  std::string file = WriteRequests(
      "k8s", {R"({"as": "system:serviceaccount:shop:default", "verb": "create", "resource": "pods", "subresource": "exec", "namespace": "shop"})",
              R"({"as": "alice", "groups": ["ops"], "verb": "get", "resource": "nodes/n1"})",
              R"({"as": "alice", "verb": 3, "resource": "pods"})",
              "[]"});
  auto r = testing::RunCli("k8s can-i --requests " + file + " examples/demo-cluster");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto v = Lines(r.out);
  REQUIRE(v.size() == 4);
  CheckSame(v[0], "k8s can-i --as system:serviceaccount:shop:default create pods --subresource exec -n shop "
                  "examples/demo-cluster");
  CheckSame(v[1], "k8s can-i --as alice --as-group ops get nodes/n1 examples/demo-cluster");
  CHECK(v[2]["error"] == "\"verb\" must be a string");
  CHECK(v[3]["error"] == "not a JSON object");
  // Paths still checked, and the single form still needs its words.
  CHECK(testing::RunCli("k8s can-i --requests " + file + " /nonexistent/x").exit_code == 2);
  CHECK(testing::RunCli("k8s can-i --as alice get examples/demo-cluster").exit_code == 2);
  std::remove(file.c_str());
}

TEST_CASE("Batch: net reach --requests", "[e2e][batch]") {
  std::string file = WriteRequests(
      "net", {R"({"from": "shop/cart", "to": "shop/storefront", "port": "8080/TCP"})",
              R"({"from": "internet", "to": "shop/storefront"})",
              R"({"from": "shop/nope", "to": "shop/cart"})",
              R"({"from": "ci/cronjob/nightly-deploy", "to": "shop/cart", "port": "8081"})"});
  auto r = testing::RunCli("net reach --requests " + file + " examples/demo-cluster");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto v = Lines(r.out);
  REQUIRE(v.size() == 4);
  CheckSame(v[0], "net reach --from shop/cart --to shop/storefront --port 8080/TCP examples/demo-cluster");
  CheckSame(v[1], "net reach --from internet --to shop/storefront examples/demo-cluster");
  CHECK(v[2]["error"].get<std::string>().rfind("no pod or workload 'shop/nope'", 0) == 0);
  CheckSame(v[3], "net reach --from ci/cronjob/nightly-deploy --to shop/cart --port 8081 examples/demo-cluster");
  std::remove(file.c_str());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Batch: paths --requests", "[e2e][batch]") {
  std::string file = WriteRequests(
      "paths", {R"({"from": "system:serviceaccount:ci:deployer", "to": "aws-admin", "max_paths": 2})",
                R"({"from": "system:serviceaccount:ci:deployr", "to": "aws-admin"})",
                R"({"from": "system:serviceaccount:shop:storefront", "to": "cluster-admin"})",
                R"({"from": "internet", "to": "aws-admin", "max_paths": 0})", "[1]"});
  auto r = testing::RunCli("paths --requests " + file + " examples/demo-cluster");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto v = Lines(r.out);
  REQUIRE(v.size() == 5);
  CHECK(v[0]["line"] == 1);
  CHECK_FALSE(v[0]["paths"].empty());  // the demo's documented path
  CheckSame(v[0], "paths --from system:serviceaccount:ci:deployer --to aws-admin --max-paths 2 examples/demo-cluster");
  CHECK(v[1]["error"] == "\"from\" 'system:serviceaccount:ci:deployr' is no node of the access graph; did you mean "
                         "'system:serviceaccount:ci:deployer'?");
  CheckSame(v[2], "paths --from system:serviceaccount:shop:storefront --to cluster-admin examples/demo-cluster");
  CHECK(v[3]["error"] == "\"max_paths\" must be a number from 1 to 100");
  CHECK(v[4] == nlohmann::json{{"line", 5}, {"error", "not a JSON object"}});
  // Neither a query nor a file: a usage error.
  CHECK(testing::RunCli("paths examples/demo-cluster").exit_code == 2);
}

}  // namespace
}  // namespace grantpath

// The EKS pod identity webhook's injection cases
// (shared/corpora/cross-domain/amazon-eks-pod-identity-webhook): each test
// pod of the webhook is scanned with what its `testing.eks.amazonaws.com/*`
// annotations simulate (the service account's eks.amazonaws.com/role-arn,
// or a Pod Identity association), a role whose trust admits it, and an EKS
// cluster for the issuer. Where the webhook injects credentials into a
// container (every case of the corpus), `grantpath paths` must find the pod
// reaching the role. The role the webhook does not inject (the IRSA
// annotation of a service account that also has a Pod Identity
// association) must not be reached from the pod. What does not agree is in
// tests/corpus/cross-domain/pod-identity-webhook-differences.tsv.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kIssuer = "oidc.eks.us-west-2.amazonaws.com/id/WEBHOOKCORPUS";
constexpr const char* kPodIdentityRole = "arn:aws:iam::111122223333:role/pod-identity-role";

Json Role(const std::string& arn, const Json& statement) {
  return {{"RoleName", arn.substr(arn.rfind('/') + 1)}, {"Arn", arn}, {"Path", "/"},
          {"AssumeRolePolicyDocument", {{"Version", "2012-10-17"}, {"Statement", Json::array({statement})}}},
          {"RolePolicyList", Json::array()}, {"AttachedManagedPolicies", Json::array()},
          {"InstanceProfileList", Json::array()}};
}

bool Reaches(const std::string& dir, const std::string& pod, const std::string& role) {
  auto r = testing::RunCli("paths --from default/Pod/" + pod + " --to " + role + " --format json '" + dir + "'");
  if (r.exit_code != 0) return false;
  return !Json::parse(r.out)["paths"].empty();
}

TEST_CASE("EKS pod identity webhook corpus: pods the webhook gives credentials reach the role",
          "[corpus][cross-domain][e2e]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  const std::string corpus = corpora + "/cross-domain/amazon-eks-pod-identity-webhook";
  Json expected = Json::parse(testing::ReadFile(corpus + "/expected-injection.json"));
  std::vector<std::string> diffs;
  std::size_t cases = 0, agreeing = 0;
  for (const auto& c : expected["cases"]) {
    const std::string file = c["file"];
    const Json& in = c["test_inputs"];
    const std::string sa = c["serviceAccountName"].is_string() ? c["serviceAccountName"].get<std::string>() : "default";
    const std::string pod = c["pod"];
    bool pod_identity = false;
    for (const auto& [k, v] : in.items()) pod_identity |= k.rfind("containercredentials/", 0) == 0;
    std::string irsa_role = in.value("serviceAccount/roleArn", "");
    fs::path dir = fs::temp_directory_path() / ("grantpath-webhook-" + std::to_string(::getpid()) + "-" + std::to_string(cases));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(corpus + "/" + file, dir / "pod.yaml");
    Json sa_obj = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", sa}, {"namespace", "default"}}}};
    if (!irsa_role.empty()) sa_obj["metadata"]["annotations"] = {{"eks.amazonaws.com/role-arn", irsa_role}};
    std::ofstream(dir / "sa.json") << sa_obj.dump();
    Json roles = Json::array();
    if (!irsa_role.empty())
      roles.push_back(Role(irsa_role, {{"Effect", "Allow"},
                                       {"Principal", {{"Federated", std::string("arn:aws:iam::111122223333:oidc-provider/") + kIssuer}}},
                                       {"Action", "sts:AssumeRoleWithWebIdentity"},
                                       {"Condition", {{"StringEquals", {{std::string(kIssuer) + ":sub", "system:serviceaccount:default:" + sa},
                                                                        {std::string(kIssuer) + ":aud", in.value("serviceAccount/audience", "sts.amazonaws.com")}}}}}}));
    if (pod_identity) {
      roles.push_back(Role(kPodIdentityRole, {{"Effect", "Allow"}, {"Principal", {{"Service", "pods.eks.amazonaws.com"}}},
                                              {"Action", {"sts:AssumeRole", "sts:TagSession"}}}));
      std::ofstream(dir / "association.json")
          << Json{{"association", {{"clusterName", "corpus"}, {"namespace", "default"}, {"serviceAccount", sa},
                                   {"roleArn", kPodIdentityRole},
                                   {"associationArn", "arn:aws:eks:us-west-2:111122223333:podidentityassociation/corpus/a-1"}}}}
                 .dump();
    }
    std::ofstream(dir / "account.json") << Json{{"UserDetailList", Json::array()}, {"GroupDetailList", Json::array()},
                                                {"Policies", Json::array()}, {"RoleDetailList", roles}}
                                               .dump();
    std::ofstream(dir / "cluster.json")
        << Json{{"cluster", {{"name", "corpus"}, {"arn", "arn:aws:eks:us-west-2:111122223333:cluster/corpus"},
                             {"identity", {{"oidc", {{"issuer", std::string("https://") + kIssuer}}}}}}}}
               .dump();
    // The role whose credentials the webhook injects, and the one it does not.
    std::string injected = pod_identity ? kPodIdentityRole : irsa_role;
    std::string rel = file.substr(file.find("testdata/") + 9);
    ++cases;
    bool ok = true;
    if (c["expected_mutated"] == true && !Reaches(dir.string(), pod, injected)) {
      ok = false;
      diffs.push_back(rel + "\tthe pod does not reach " + injected);
    }
    if (pod_identity && !irsa_role.empty() && Reaches(dir.string(), pod, irsa_role)) {
      ok = false;
      diffs.push_back(rel + "\tthe pod reaches the IRSA role " + irsa_role + " that the webhook does not inject");
    }
    agreeing += ok;
    fs::remove_all(dir);
  }
  testing::CheckDifferences(testing::SourceDir() + "/tests/corpus/cross-domain/pod-identity-webhook-differences.tsv",
                            "# case\tdifference\treason (kept current by pod_identity_webhook_corpus_test.cc)", diffs);
  CHECK(cases == 24);
  WARN("pod identity webhook corpus: " << agreeing << " of " << cases << " cases agree");
}

}  // namespace
}  // namespace grantpath

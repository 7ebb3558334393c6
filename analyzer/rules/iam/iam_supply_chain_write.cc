// iam-supply-chain-write: see docs/rules/iam-supply-chain-write.md
#include "rules/iam/iam_every_resource.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "iam-supply-chain-write", "May replace code or images on every resource", Severity::kHigh,
    "The principal (or a holder of the policy) may, without any condition, publish what other systems run: "
    "push container images to every ECR repository, publish packages to every CodeArtifact repository, "
    "replace the code of every Lambda function, or change every CodeBuild project or CodePipeline. Whoever "
    "holds it can plant code that then runs with the identities of those workloads.",
    "Scope image pushes, package publishing and code updates to the repositories and functions this principal "
    "builds (resource ARNs), and let only the release pipeline hold them."};

void Check(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  static const std::vector<ActionProbe> kProbes = {
      {"ecr:PutImage", "arn:aws:ecr:us-east-1:{acct}:repository/grantpath-any"},
      {"ecr:CompleteLayerUpload", "arn:aws:ecr:us-east-1:{acct}:repository/grantpath-any"},
      {"codeartifact:PublishPackageVersion",
       "arn:aws:codeartifact:us-east-1:{acct}:package/grantpath-domain/grantpath-repo/npm//grantpath-pkg"},
      {"lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:{acct}:function:grantpath-any"},
      {"lambda:PublishLayerVersion", "arn:aws:lambda:us-east-1:{acct}:layer:grantpath-any"},
      {"codebuild:UpdateProject", "arn:aws:codebuild:us-east-1:{acct}:project/grantpath-any"},
      {"codepipeline:UpdatePipeline", "arn:aws:codepipeline:us-east-1:{acct}:grantpath-any"},
  };
  EveryResourceFindings(info, ctx, out, kProbes, /*unconditioned=*/true, "replace code or images");
}

}  // namespace

std::unique_ptr<Rule> MakeIamSupplyChainWrite() { return std::make_unique<FnRule>(kInfo, Check); }

}  // namespace grantpath::rules

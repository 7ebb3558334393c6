// iam-network-exposure-grant: see docs/rules/iam-network-exposure-grant.md
#include "rules/iam/iam_every_resource.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "iam-network-exposure-grant", "May open the network on every resource", Severity::kHigh,
    "The principal (or a holder of the policy) may, without any condition, change the network exposure of "
    "every resource of its kind: add inbound security group rules, change network ACLs or routes, attach an "
    "internet gateway, give an instance a public address or a new security group, or open an S3 bucket's "
    "public access block. A leaked credential with these actions turns any private service into an "
    "internet-facing one, and the change is quiet.",
    "Scope these actions to the security groups, ACLs and instances the workload manages (resource ARNs or "
    "tag conditions such as aws:ResourceTag), or move them to a role that humans assume with MFA."};

void Check(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  static const std::vector<ActionProbe> kProbes = {
      {"ec2:AuthorizeSecurityGroupIngress", "arn:aws:ec2:us-east-1:{acct}:security-group/sg-grantpath"},
      {"ec2:ModifyInstanceAttribute", "arn:aws:ec2:us-east-1:{acct}:instance/i-grantpath"},
      {"ec2:ModifyNetworkInterfaceAttribute", "arn:aws:ec2:us-east-1:{acct}:network-interface/eni-grantpath"},
      {"ec2:CreateNetworkAclEntry", "arn:aws:ec2:us-east-1:{acct}:network-acl/acl-grantpath"},
      {"ec2:ReplaceNetworkAclEntry", "arn:aws:ec2:us-east-1:{acct}:network-acl/acl-grantpath"},
      {"ec2:CreateRoute", "arn:aws:ec2:us-east-1:{acct}:route-table/rtb-grantpath"},
      {"ec2:AttachInternetGateway", "arn:aws:ec2:us-east-1:{acct}:internet-gateway/igw-grantpath"},
      {"ec2:AssociateAddress", "arn:aws:ec2:us-east-1:{acct}:instance/i-grantpath"},
      {"s3:PutBucketPublicAccessBlock", "arn:aws:s3:::grantpath-any-bucket"},
      {"s3:PutAccountPublicAccessBlock", "*"},
  };
  EveryResourceFindings(info, ctx, out, kProbes, /*unconditioned=*/true, "open network access");
}

}  // namespace

std::unique_ptr<Rule> MakeIamNetworkExposureGrant() { return std::make_unique<FnRule>(kInfo, Check); }

}  // namespace grantpath::rules

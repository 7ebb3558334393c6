// aws-eks-public-endpoint-open: see docs/rules/aws-eks-public-endpoint-open.md
#include "engine/context.h"
#include "engine/net_types.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "aws-eks-public-endpoint-open", "EKS API server endpoint open to the internet", Severity::kMedium,
    "The cluster's Kubernetes API server endpoint is public and accepts connections from every address "
    "(publicAccessCidrs 0.0.0.0/0, AWS's default when public access is on). Anyone can probe it, try stolen "
    "or leaked credentials and tokens, and exploit API server vulnerabilities; RBAC and authentication are "
    "the only barrier.",
    "Turn off public access and use the private endpoint (endpointPrivateAccess) from inside the VPC or a "
    "VPN, or restrict publicAccessCidrs to the ranges of your CI and administrators."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    for (const auto& c : ctx.model().eks_clusters) {
      if (!c.endpoint_public) continue;
      std::string open;
      for (const auto& cidr : c.public_access_cidrs) {
        auto r = net::ParseCidr(cidr);
        if (r && r->lo == 0 && ((r->family == 4 && r->hi == 0xFFFFFFFFu) || (r->family == 6 && r->hi == ~net::U128{0})))
          open = cidr;
      }
      if (open.empty()) continue;
      Finding f;
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = c.endpoint_where.known() ? c.endpoint_where : c.where;
      f.message = "EKS cluster '" + c.name + "' has a public API server endpoint open to " + open +
                  (c.endpoint_private ? "" : " and no private endpoint");
      f.entity = std::string(kInfo.id) + "|" + (c.arn.empty() ? c.name : c.arn);
      f.related.push_back({c.where, "the cluster"});
      f.witness.kind = "aws-connection";
      f.witness.Add("src", "8.8.8.8");
      f.witness.Add("dst", "API server endpoint of " + c.name);
      f.witness.Add("protocol", "TCP");
      f.witness.Add("port", "443");
      f.witness.Add("publicAccessCidrs", open);
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAwsEksPublicEndpointOpen() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

// iam-irsa-trust-any-serviceaccount: see docs/rules/iam-irsa-trust-any-serviceaccount.md
#include "engine/graph_publish.h"
#include "rules/path/path_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "iam-irsa-trust-any-serviceaccount", "IRSA role trusts every service account of a cluster or namespace",
    Severity::kHigh,
    "The role trusts an EKS cluster's OIDC provider for sts:AssumeRoleWithWebIdentity without a "
    "`sub` condition that names one service account (none, or a wildcard). Every service account of "
    "the cluster, or of the namespace, can then assume it: whoever can create a pod or a service "
    "account there gets the role, with or without the eks.amazonaws.com/role-arn annotation. "
    "Critical when the role is admin-equivalent.",
    "Add `\"StringEquals\": {\"ISSUER:sub\": \"system:serviceaccount:NS:NAME\", \"ISSUER:aud\": "
    "\"sts.amazonaws.com\"}` to the trust statement, naming the one service account that needs the role."};

class IamIrsaTrustAnyServiceAccount final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const AccessGraph& g = ctx.Access();
    auto aws_admin = g.Find(kAwsAdminNode);
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
      const AccessEdge& edge = g.edge(e);
      if (edge.kind != AccessEdgeKind::kIrsa) continue;
      const AccessNode& from = g.node(g.edge_source(e));
      const AccessNode& role = g.node(g.edge_target(e));
      // Edges from the implicit service-account groups are the wildcard trusts.
      if (from.id.rfind("group:system:serviceaccounts", 0) != 0) continue;
      bool whole_cluster = from.id == "group:system:serviceaccounts";
      std::string scope = whole_cluster ? "every service account of the cluster"
                                        : "every service account of namespace '" + from.id.substr(29) + "'";
      AccessPath p;
      p.steps.push_back({e, g.edge_source(e), g.edge_target(e)});
      Finding f = PathFinding(kInfo, ctx.model(), g, p, role.display + " can be assumed by " + scope + ": " + edge.witness);
      bool admin = false;
      if (aws_admin)
        for (auto oe : g.OutEdges(g.edge_target(e))) admin |= g.edge_target(oe) == *aws_admin;
      if (admin) f.severity = Severity::kCritical;
      f.path.clear();
      if (!f.primary.known()) f.primary = role.where;
      if (!f.primary.known()) continue;
      f.entity = std::string(kInfo.id) + "|" + role.id + "|" + from.id;
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeIamIrsaTrustAnyServiceaccount() { return std::make_unique<IamIrsaTrustAnyServiceAccount>(); }

}  // namespace grantpath::rules

// path-cloud-to-cluster-admin: see docs/rules/path-cloud-to-cluster-admin.md
#include "engine/graph_publish.h"
#include "rules/path/path_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "path-cloud-to-cluster-admin", "AWS principal can become cluster-admin", Severity::kCritical,
    "An AWS user or role that is not itself admin-equivalent can reach cluster-admin in a Kubernetes "
    "cluster: the aws-auth ConfigMap maps it (or a role it can assume) to a Kubernetes user or group "
    "that holds cluster-admin power, such as system:masters. Cloud credentials then become full "
    "control of the cluster.",
    "Map only the roles that need cluster access, to groups bound to the least privilege they need; "
    "never map to system:masters. Restrict who can assume a mapped role in its trust policy."};

class PathCloudToClusterAdmin final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const AccessGraph& g = ctx.Access();
    auto target = g.Find(kClusterAdminNode);
    if (!target) return;
    auto next = ShortestToward(g, *target);
    auto aws_admin = g.Find(kAwsAdminNode);
    for (AccessGraph::Id v = 0; v < g.node_count(); ++v) {
      const AccessNode& n = g.node(v);
      if (n.kind != AccessNodeKind::kAwsPrincipal || !next[v]) continue;
      // An admin-equivalent principal controls the account's clusters
      // anyway: iam-admin-equivalent says so.
      bool is_admin = false;
      if (aws_admin)
        for (auto e : g.OutEdges(v)) is_admin |= g.edge_target(e) == *aws_admin;
      if (is_admin) continue;
      AccessPath path = FollowPath(g, v, next);
      if (path.steps.empty() || !PathUses(g, path, AccessEdgeKind::kMapsTo)) continue;
      Finding f = PathFinding(kInfo, ctx.model(), g, path,
                              n.display + " can become cluster-admin in " + std::to_string(path.steps.size()) +
                                  (path.steps.size() == 1 ? " step: " : " steps: ") + PathText(g, path));
      if (!f.primary.known()) continue;
      f.entity = std::string(kInfo.id) + "|" + n.id;
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePathCloudToClusterAdmin() { return std::make_unique<PathCloudToClusterAdmin>(); }

}  // namespace grantpath::rules

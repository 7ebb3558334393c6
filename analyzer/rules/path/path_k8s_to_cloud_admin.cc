// path-k8s-to-cloud-admin: see docs/rules/path-k8s-to-cloud-admin.md
#include "engine/graph_publish.h"
#include "rules/path/path_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "path-k8s-to-cloud-admin", "Kubernetes subject can obtain an AWS admin-equivalent role",
    Severity::kCritical,
    "A Kubernetes subject that is not cluster-admin can obtain AWS credentials of an admin-equivalent "
    "principal: by running or entering a pod whose service account the role's trust policy admits "
    "(IRSA), by reading or minting that account's token, and then by assuming roles. The path crosses "
    "from the cluster into the account; every step is shown with the object that allows it.",
    "Break the path where it crosses domains: restrict the role's trust policy to the exact "
    "`system:serviceaccount:NS:NAME` subject and audience, keep the service account's namespace free "
    "of subjects who can create or exec into pods, or take admin permissions off the role."};

class PathK8sToCloudAdmin final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const AccessGraph& g = ctx.Access();
    auto target = g.Find(kAwsAdminNode);
    if (!target) return;
    auto next = ShortestToward(g, *target);
    const Model& m = ctx.model();
    for (AccessGraph::Id v = 0; v < g.node_count(); ++v) {
      const AccessNode& n = g.node(v);
      if (n.kind != AccessNodeKind::kK8sSubject || !next[v]) continue;
      if (n.id == "group:system:masters") continue;
      // Cluster-admin subjects are reported as such; this rule is about
      // the others.
      if (auto key = SubjectOfNodeId(n.id); key && ctx.IsClusterAdmin(*key)) continue;
      AccessPath path = FollowPath(g, v, next);
      if (path.steps.empty()) continue;
      // Start points: subjects the input names, not Kubernetes' own
      // controllers (their first step comes from the built-in defaults).
      const AccessEdge& first = g.edge(path.steps.front().edge);
      if (!first.locations.empty() && m.files.is_builtin(first.locations.front().file)) continue;
      if (first.locations.empty() && first.kind != AccessEdgeKind::kIrsa && first.kind != AccessEdgeKind::kMemberOf) continue;
      // A service account the trust names but the input does not define is
      // the trust's own business (the account may not exist).
      if (first.kind == AccessEdgeKind::kIrsa && !n.where.known()) continue;
      Finding f = PathFinding(kInfo, m, g, path,
                              n.display + " can obtain AWS admin-equivalent credentials in " +
                                  std::to_string(path.steps.size()) + (path.steps.size() == 1 ? " step: " : " steps: ") + PathText(g, path));
      if (!f.primary.known()) continue;
      f.entity = std::string(kInfo.id) + "|" + n.id;
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePathK8sToCloudAdmin() { return std::make_unique<PathK8sToCloudAdmin>(); }

}  // namespace grantpath::rules

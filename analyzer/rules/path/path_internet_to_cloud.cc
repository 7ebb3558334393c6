// path-internet-to-cloud: see docs/rules/path-internet-to-cloud.md
#include <deque>
#include <set>

#include "engine/graph_publish.h"
#include "rules/path/path_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "path-internet-to-cloud", "Internet-facing workload leads to a cloud role", Severity::kCritical,
    "The internet reaches this workload (a LoadBalancer or NodePort Service, an Ingress or a Route, or a hostPort or "
    "hostNetwork port on its node, through its ingress policies), and from its pods an attacker who exploits it gets AWS credentials: its service account's "
    "IRSA or Pod Identity role, the node instance role through instance metadata, or the node itself through a "
    "container escape. Critical when the role is admin-equivalent or leads to one; high when it can read data; one "
    "step lower when the exposure is a port on the node, whose address the Kubernetes input does not show public.",
    "Cut the chain: do not expose the workload, or give it a service account without a cloud role (a dedicated "
    "role with only what the service needs), block egress to 169.254.169.254, and remove escape settings."};

// Data-reading actions that make a reachable role a high finding.
constexpr const char* kDataActions[] = {"s3:GetObject", "dynamodb:GetItem", "secretsmanager:GetSecretValue",
                                        "ssm:GetParameter", "kms:Decrypt", "rds-db:connect"};

class PathInternetToCloud final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const AccessGraph& g = ctx.Access();
    auto internet = g.Find("internet");
    if (!internet) return;
    auto admin = g.Find(kAwsAdminNode);
    std::vector<std::optional<std::size_t>> to_admin;
    if (admin) to_admin = ShortestToward(g, *admin);
    const Model& m = ctx.model();
    for (std::size_t in : g.OutEdges(*internet)) {
      AccessGraph::Id wl = g.edge_target(in);
      AccessPath path;
      path.steps.push_back({in, *internet, wl});
      Severity sev = Severity::kCritical;
      if (admin && to_admin[wl]) {
        // An EC2 instance that leads to admin is aws-exposed-instance-privileged-role's finding.
        if (g.node(wl).kind == AccessNodeKind::kAwsInstance) continue;
        for (const auto& st : FollowPath(g, wl, to_admin).steps) path.steps.push_back(st);
      } else {
        // The nearest AWS role the workload leads to, if it can read data.
        auto role = NearestRole(g, wl, &path);
        if (!role) continue;
        bool data = false;
        auto p = ctx.Iam().account().FindPrincipal(g.node(*role).id);
        if (p) {
          for (const auto& s : ctx.Iam().subjects())
            if (s.kind == iam::Subject::Kind::kPrincipal && s.index == *p)
              for (const char* a : kDataActions)
                if (!data && ctx.Iam().Confirm(s, a, {})) data = true;
        }
        if (!data) continue;
        sev = Severity::kHigh;
      }
      Finding f = PathFinding(kInfo, m, g, path,
                              "the internet reaches " + g.node(wl).display + ", which leads to " +
                                  g.node(path.steps.back().to).display + " in " + std::to_string(path.steps.size()) +
                                  " steps: " + PathText(g, path));
      // Exposure that rests on an assumption (a node's address reachable
      // from the internet, for hostPort and hostNetwork) is one step lower.
      if (!g.edge(in).assumption.empty()) sev = sev == Severity::kCritical ? Severity::kHigh : Severity::kMedium;
      f.severity = sev;
      if (!f.primary.known()) continue;
      f.entity = std::string(kInfo.id) + "|" + g.node(wl).id;
      out.Add(std::move(f));
    }
  }

 private:
  // Breadth-first from the workload, never back to the internet: the first
  // AWS principal met, with the steps appended to `path`.
  static std::optional<AccessGraph::Id> NearestRole(const AccessGraph& g, AccessGraph::Id from, AccessPath* path) {
    std::map<AccessGraph::Id, std::size_t> via;
    std::deque<AccessGraph::Id> q{from};
    std::set<AccessGraph::Id> seen{from};
    while (!q.empty()) {
      AccessGraph::Id v = q.front();
      q.pop_front();
      if (v != from && g.node(v).kind == AccessNodeKind::kAwsPrincipal) {
        std::vector<PathStep> steps;
        for (AccessGraph::Id x = v; x != from; x = g.edge_source(via[x])) steps.push_back({via[x], g.edge_source(via[x]), x});
        path->steps.insert(path->steps.end(), steps.rbegin(), steps.rend());
        return v;
      }
      for (std::size_t e : g.OutEdges(v)) {
        AccessGraph::Id t = g.edge_target(e);
        if (g.node(t).kind == AccessNodeKind::kInternet || !seen.insert(t).second) continue;
        via[t] = e;
        q.push_back(t);
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Rule> MakePathInternetToCloud() { return std::make_unique<PathInternetToCloud>(); }

}  // namespace grantpath::rules

// path-k8s-escalation: see docs/rules/path-k8s-escalation.md
#include <set>

#include "engine/graph_publish.h"
#include "engine/k8s_escalation.h"
#include "rules/path/path_findings.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "path-k8s-escalation", "Subject can escalate to cluster-admin", Severity::kCritical,
    "A subject that is not cluster-admin equivalent can become so through a chain of steps that "
    "Kubernetes allows: creating a pod that runs as a more powerful service account, exec into a "
    "pod to use its token, reading a token secret, requesting a token, impersonating an identity, "
    "or binding a role. The shortest chain is shown step by step.",
    "Break the chain at its first step: remove the permission that lets the subject act as another "
    "identity, or move powerful service accounts out of namespaces where others can create or exec "
    "into pods."};

class PathEscalation final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    // Paths on the shared access graph, through the RBAC model's edges only
    // (paths that leave the cluster are path-k8s-to-cloud-admin's and
    // path-cloud-to-cluster-admin's).
    const AccessGraph& g = ctx.Access();
    auto rbac_only = [&](std::size_t e) {
      AccessEdgeKind k = g.edge(e).kind;
      return (k == AccessEdgeKind::kCanActAs || k == AccessEdgeKind::kMemberOf || k == AccessEdgeKind::kHolds) &&
             g.node(g.edge_source(e)).kind != AccessNodeKind::kAwsPrincipal;
    };
    std::map<std::string, std::vector<std::optional<std::size_t>>> toward;
    auto path_to = [&](const SubjectKey& who, const std::string& target) -> std::optional<std::vector<rbac::EscalationStep>> {
      auto t = g.Find(target);
      auto from = g.Find(K8sSubjectNodeId(who));
      if (!t || !from) return std::nullopt;
      auto it = toward.find(target);
      if (it == toward.end()) it = toward.emplace(target, ShortestToward(g, *t, rbac_only)).first;
      if (!it->second[*from]) return std::nullopt;
      std::vector<rbac::EscalationStep> steps;
      for (const auto& st : FollowPath(g, *from, it->second).steps) {
        const AccessEdge& e = g.edge(st.edge);
        steps.push_back({e.witness, e.locations.empty() ? SourceRange{} : e.locations.front()});
      }
      return steps;
    };
    // Start points: every subject named in a binding of the input.
    std::map<SubjectKey, SourceRange> starts;
    for (const auto& b : m.k8s_bindings) {
      if (b.builtin) continue;
      for (const auto& s : b.subjects) {
        auto key = ctx.rbac().SubjectOf(b, s);
        if (!key) continue;
        auto it = starts.find(*key);
        if (it == starts.end() || s.where < it->second) starts[*key] = s.where;
      }
    }
    for (const auto& [who, first_seen] : starts) {
      if (ctx.IsClusterAdmin(who) || (who.kind == "Group" && who.name == "system:masters")) continue;
      if (auto path = path_to(who, kClusterAdminNode); path && !path->empty()) {
        Report(ctx, who, first_seen, *path, "", out);
        continue;  // cluster-admin implies every other target
      }
      for (const auto& target : ctx.options().escalation_targets) {
        auto path = path_to(who, target);
        // One step means the subject holds the capability itself: that is
        // the capability rule's finding, not a path.
        if (path && path->size() > 1) Report(ctx, who, first_seen, *path, target, out);
      }
    }
  }

 private:
  void Report(const AnalysisContext& ctx, const SubjectKey& who, SourceRange first_seen,
              const std::vector<rbac::EscalationStep>& path, const std::string& target,
              FindingSink& out) const {
    Finding f;
    f.rule = &kInfo;
    f.severity = target.empty() ? kInfo.severity : Severity::kHigh;
    // Steps without a location of their own (hub and membership hops)
    // are folded into the step before them.
    std::vector<rbac::EscalationStep> steps;
    for (const auto& s : path) {
      if (!s.where.known() && !steps.empty()) {
        steps.back().text += "; " + s.text;
      } else {
        steps.push_back(s);
      }
    }
    f.primary = steps.front().where.known() ? steps.front().where : first_seen;
    std::string chain;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      chain += (i ? " -> " : "") + steps[i].text;
      f.path.push_back({steps[i].where.known() ? steps[i].where : f.primary, steps[i].text});
    }
    std::string goal = target.empty() ? "cluster-admin power" : target + " cluster-wide";
    f.message = who.Display() + " can gain " + goal + " in " + std::to_string(steps.size()) + " step" +
                (steps.size() == 1 ? "" : "s") + ": " + chain;
    f.entity = std::string(kInfo.id) + "|" + who.Display() + "|" + (target.empty() ? "admin" : target);
    f.witness.kind = "k8s-path";
    f.witness.Add("subject", who.Display());
    f.witness.Add("target", target.empty() ? "cluster-admin" : target);
    f.witness.Add("steps", std::to_string(steps.size()));
    f.witness.Add("path", chain);
    AddTokenWorkloads(ctx, who, &f);
    out.Add(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Rule> MakePathK8sEscalation() { return std::make_unique<PathEscalation>(); }

}  // namespace grantpath::rules

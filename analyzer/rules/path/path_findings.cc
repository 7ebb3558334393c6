#include "rules/path/path_findings.h"

namespace grantpath::rules {

AccessPath FollowPath(const AccessGraph& g, AccessGraph::Id from,
                      const std::vector<std::optional<std::size_t>>& next) {
  AccessPath p;
  for (AccessGraph::Id v = from; next[v] && p.steps.size() <= g.edge_count();) {
    std::size_t e = *next[v];
    p.steps.push_back({e, v, g.edge_target(e)});
    v = g.edge_target(e);
  }
  return p;
}

std::string PathText(const AccessGraph& g, const AccessPath& path) {
  if (path.steps.empty()) return "";
  std::string out = g.node(path.steps.front().from).display;
  for (const auto& s : path.steps) out += " -> " + g.node(s.to).display;
  return out;
}

bool PathUses(const AccessGraph& g, const AccessPath& path, AccessEdgeKind kind) {
  for (const auto& s : path.steps)
    if (g.edge(s.edge).kind == kind) return true;
  return false;
}

Finding PathFinding(const RuleInfo& info, const Model& m, const AccessGraph& g, const AccessPath& path,
                    std::string message) {
  Finding f;
  f.rule = &info;
  f.severity = info.severity;
  f.message = std::move(message);
  std::string assumptions;
  for (const auto& s : path.steps) {
    const AccessEdge& e = g.edge(s.edge);
    SourceRange where = !e.locations.empty() ? e.locations.front() : g.node(s.from).where;
    if (!where.known()) where = g.node(s.to).where;
    if (!f.primary.known() && where.known()) f.primary = where;
    f.path.push_back({where, g.node(s.from).display + " -> " + g.node(s.to).display + ": " + e.witness});
    for (const auto& l : e.locations)
      f.related.push_back({l, std::string(AccessEdgeKindName(e.kind)) + ": " + e.witness});
    if (!e.assumption.empty() && assumptions.find(e.assumption) == std::string::npos)
      assumptions += (assumptions.empty() ? "" : "; ") + e.assumption;
  }
  for (auto& st : f.path)
    if (!st.where.known()) st.where = f.primary;
  f.witness.kind = "access-path";
  f.witness.Add("from", path.steps.empty() ? "" : g.node(path.steps.front().from).id);
  f.witness.Add("to", path.steps.empty() ? "" : g.node(path.steps.back().to).id);
  f.witness.Add("steps", std::to_string(path.steps.size()));
  f.witness.Add("path", PathText(g, path));
  if (!assumptions.empty()) f.witness.Add("assumptions", assumptions);
  (void)m;
  return f;
}

}  // namespace grantpath::rules

// What the access-graph path rules share: a finding built from a path of the
// shared graph, every step located (JSON `path`, SARIF `codeFlows`).
#pragma once

#include <string>

#include "engine/context.h"
#include "grantpath/access_graph.h"
#include "grantpath/rule.h"

namespace grantpath::rules {

/// The path from `from` that follows `next` (ShortestToward) to its end.
AccessPath FollowPath(const AccessGraph& g, AccessGraph::Id from,
                      const std::vector<std::optional<std::size_t>>& next);

/// A finding for `path`: steps with their first location (or the node's),
/// every edge location as related, witness fields `from`, `to`, `steps`,
/// `path` and `assumptions`. The primary location is the first located step.
Finding PathFinding(const RuleInfo& info, const Model& m, const AccessGraph& g, const AccessPath& path,
                    std::string message);

/// "A -> B -> C" with each node's display text.
std::string PathText(const AccessGraph& g, const AccessPath& path);

/// True when any edge of the path is of `kind`.
bool PathUses(const AccessGraph& g, const AccessPath& path, AccessEdgeKind kind);

}  // namespace grantpath::rules

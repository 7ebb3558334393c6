// The escalation model between Kubernetes subjects: who can become whom,
// and who holds cluster-admin power or an escalation target.
//
// Edges (each with the binding that grants it):
//   create/patch pods or controllers in NS -> every service account of NS
//     (a pod may name any of them and mounts its token);
//   exec/attach into pods of NS, or nodes/proxy -> the service accounts
//     whose tokens are mounted in running workloads there;
//   read secrets of NS -> every service account of NS (token secrets);
//   create serviceaccounts/token in NS -> those service accounts (the names
//     of resourceNames when every granting rule lists some);
//   impersonate users / groups / serviceaccounts -> those identities
//     (system:masters through groups);
//   bind on clusterroles together with create clusterrolebindings, or
//     escalate with update/patch on clusterroles, cluster-wide -> admin;
//   a service account -> its implicit groups, a user -> system:authenticated;
//   cluster-admin equivalents and Group system:masters -> admin.
// The model publishes its edges into the shared access graph
// (engine/graph_publish.h), where the path module searches them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "grantpath/finding.h"

namespace grantpath::rbac {

struct EscalationStep {
  std::string text;    // "create pods in namespace 'ci'" / "run as ServiceAccount 'ci/x'"
  SourceRange where;   // the grant or object that allows the step
};

class EscalationGraph {
 public:
  explicit EscalationGraph(const AnalysisContext& ctx);

  /// Every edge of the escalation model, in insertion order, with its
  /// ends as node keys: "admin", "target|NAME", "KIND|NS|NAME" for
  /// subjects, and "STEP|NS" for the steps between them ("create",
  /// "exec", "secrets", "token", "nsadmin"; NS "" is every namespace).
  /// `from_v` and `to_v` number the nodes (below vertices()), so a caller
  /// can remember what it made of a node without hashing its key again.
  void ForEachEdge(const std::function<void(std::size_t from_v, const std::string& from, std::size_t to_v,
                                            const std::string& to, const std::string& text, SourceRange where)>&
                       fn) const;

  std::size_t vertices() const;
  std::size_t edges() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace grantpath::rbac

// What a change newly allows: the semantic difference between two inputs
// (a base and a head), per domain. RBAC: each subject's effective
// permissions added and removed, with the binding that grants them.
// Network: pod-to-pod connections and outside exposure added and removed.
// IAM: per principal present in both, one witness request that it newly
// may, or may no longer, make (the solver question of `aws compare`).
#pragma once

#include <string>
#include <vector>

#include "engine/context.h"
#include "grantpath/source.h"

namespace grantpath::change {

/// Which side a location belongs to: the base's model or the head's.
enum class Side { kBase, kHead };

struct RbacChange {
  bool added = true;
  std::string subject;   // "User 'alice'"
  std::string scope;     // "" = cluster-wide, else the namespace
  std::string via;       // the binding that grants it (head when added, base when removed)
  std::vector<std::string> requests;  // "get secrets", "* * (all groups)", ...
  std::size_t more = 0;  // requests left out of the list
  SourceRange where;     // the binding's subject entry
};

struct NetChange {
  bool added = true;
  std::string src, dst;  // endpoint names; src "internet" for exposure
  std::string ports;     // the connections added or removed
  SourceRange where;     // the destination workload
};

struct IamChange {
  bool added = true;     // newly allowed (true) or no longer allowed
  std::string principal; // ARN
  std::string request;   // the witness, "s3:GetObject on arn:..."
  bool unknown = false;  // the solver could not decide
  SourceRange where;     // the principal
};

struct Options {
  std::size_t max_requests = 12;     // per RBAC change, listed
  std::size_t max_net_pods = 2000;   // pod-level network diff up to this many pods per side
  unsigned solver_ms = 2000;         // per IAM question
};

struct Result {
  std::vector<RbacChange> rbac;
  std::vector<NetChange> net;
  std::vector<IamChange> iam;
  std::vector<std::string> notes;  // what was not compared, and why
};

/// Compares the head with the base. Locations of added changes point into
/// the head's model, those of removed ones into the base's.
Result Compare(const AnalysisContext& base, const AnalysisContext& head, const Options& options);

}  // namespace grantpath::change

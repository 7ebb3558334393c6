// Connectivity intents: flows a user states must (or must not) exist
// (`grantpath net intents FILE`; format in docs/network.md, "Intents"). The
// parser keeps what the file says; the network engine resolves workloads,
// address ranges and ports when it checks them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grantpath/model/k8s.h"
#include "grantpath/source.h"

namespace grantpath::intents {

/// A set of endpoints: every field given must hold (AND); none given: all.
struct Selector {
  bool any = true;
  std::optional<std::string> ns;
  std::optional<k8s::LabelSelector> ns_sel, pod_sel;
  std::optional<Located<std::string>> workload;  // ns/name or ns/kind/name
  std::optional<Located<std::string>> cidr;
  bool internet = false;
  bool external_only() const { return cidr.has_value() || internet; }
};

struct Intent {
  std::string name;
  SourceRange where;
  Selector from, to, only_from;
  bool has_only = false;        // allowOnlyFrom
  std::string expect;           // "allow", "deny", or "" with allowOnlyFrom
  std::vector<Located<std::string>> ports;  // N, N/PROTO, N-M/PROTO, PROTO; empty: all ports
};

}  // namespace grantpath::intents

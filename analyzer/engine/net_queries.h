// The answer to `net reach`: what the input allows between two sets of
// endpoints, with one witness connection and its reasons. The CLI formats
// it (text or JSON).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/net.h"

namespace grantpath::net {

struct ReachPair {
  std::uint32_t src = 0, dst = 0;
  ConnTable::Id conns = ConnTable::kNone;
};

struct ReachAnswer {
  std::vector<ReachPair> pairs;          // every (source, destination) pair asked
  ConnTable::Id total = ConnTable::kNone;  // their union
  bool allowed = false;                  // the asked port (or anything, without one) is allowed
  /// The pair that explains: the first allowing the question, else the
  /// first pair; `witnessed` tells which.
  std::size_t shown = 0;
  bool witnessed = false;
  int protocol = -1, port = 0;           // the witness connection (the asked one, or the first allowed)
  std::vector<Reason> egress, ingress;   // why, for the shown pair
};

/// Evaluates every pair of `sources` x `destinations` (an endpoint with
/// itself and address-to-address pairs are skipped). `port` 0: any
/// connection. False when no pair is left to evaluate.
bool Reach(Engine& engine, const std::vector<std::uint32_t>& sources, const std::vector<std::uint32_t>& destinations,
           int protocol, int port, ReachAnswer* out);

}  // namespace grantpath::net

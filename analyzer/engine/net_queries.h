// The answers of `net reach` (what the input allows between two sets of
// endpoints, with one witness connection and its reasons) and `net matrix`
// (every endpoint pair's allowed connections). The CLI formats them.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
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

// ---------------------------------------------------------------- matrix

struct EpLine {
  std::uint32_t s, d;  // endpoints
  ConnTable::Id c;
};

// The matrix as lines between endpoints, in the order of their display
// names (`rank`: equal names, variants of one owner, share one): pod pairs
// (the bulk) come out of the walk sorted, the rest (address ranges, the
// ingress controller) are sorted apart; ForEachLine merges the two.
struct Matrix {
  std::vector<std::string> names;
  std::vector<std::uint32_t> rank;
  std::vector<EpLine> pod_lines, other_lines;
  mutable std::vector<std::string> formatted;  // connection sets by id, formatted on first use
  const std::string& Text(const ConnTable& ct, ConnTable::Id c) const {
    if (formatted.size() < ct.size()) formatted.resize(ct.size());
    if (formatted[c].empty()) formatted[c] = ct.Get(c).Format();
    return formatted[c];
  }
  template <class F>
  void ForEachLine(Engine& e, F&& f) const {
    auto format = [&](ConnTable::Id c) -> const std::string& { return Text(e.conns(), c); };
    auto before = [&](const EpLine& a, const EpLine& b) {
      return std::tie(rank[a.s], rank[a.d]) < std::tie(rank[b.s], rank[b.d]);
    };
    std::size_t i = 0, j = 0;
    while (i < pod_lines.size() || j < other_lines.size()) {
      bool take_pod = j == other_lines.size() || (i < pod_lines.size() && before(pod_lines[i], other_lines[j]));
      const EpLine& l = take_pod ? pod_lines[i++] : other_lines[j++];
      f(names[l.s], names[l.d], format(l.c));
    }
  }
};

/// The connection matrix between endpoints (`net matrix`), from the
/// engine's class rows: pod pairs and the pod rows and columns of address
/// classes and the ingress controller.
Matrix MatrixLines(Engine& engine);

}  // namespace grantpath::net

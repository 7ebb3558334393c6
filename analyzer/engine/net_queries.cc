#include "engine/net_queries.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace grantpath::net {

bool Reach(Engine& e, const std::vector<std::uint32_t>& srcs, const std::vector<std::uint32_t>& dsts, int qproto,
           int qport, ReachAnswer* out) {
  auto& ct = e.conns();
  ReachAnswer& a = *out;
  a = ReachAnswer{};
  for (auto s : srcs)
    for (auto d : dsts) {
      if (s == d) continue;
      if (e.endpoints()[s].kind == EndpointKind::kExternal && e.endpoints()[d].kind == EndpointKind::kExternal)
        continue;
      ConnTable::Id c = e.Allowed(s, d);
      a.pairs.push_back({s, d, c});
      a.total = ct.Union(a.total, c);
    }
  if (a.pairs.empty()) return false;
  a.allowed = qproto >= 0 ? ct.Get(a.total).Contains(qproto, qport) : a.total != ConnTable::kNone;
  for (std::size_t i = 0; i < a.pairs.size(); ++i) {
    const auto& p = a.pairs[i];
    if (qproto >= 0 ? ct.Get(p.conns).Contains(qproto, qport) : p.conns != ConnTable::kNone) {
      a.shown = i;
      a.witnessed = true;
      break;
    }
  }
  const ReachPair& shown = a.pairs[a.shown];
  e.Allowed(shown.src, shown.dst, &a.egress, &a.ingress);
  a.protocol = qproto;
  a.port = qport;
  if (a.witnessed && qproto < 0) std::tie(a.protocol, a.port) = ct.Get(shown.conns).First();
  return true;
}

Matrix MatrixLines(Engine& e) {
  Matrix mx;
  const std::size_t n = e.class_count();
  const auto& eps = e.endpoints();
  auto& ct = e.conns();
  std::vector<std::uint32_t> pods, v4[2], v6[2];  // [0]: source side, [1]: destination side
  for (std::uint32_t i = 0; i < eps.size(); ++i) {
    if (eps[i].kind == EndpointKind::kPod) pods.push_back(i);
    else if (eps[i].kind == EndpointKind::kExternal)
      (eps[i].range.family == 4 ? v4 : v6)[eps[i].source_side ? 0 : 1].push_back(i);
  }
  // Only the cells a line can come from are kept: whole rows of pod
  // classes, and the pod columns of address classes (never the dense
  // classes x classes matrix, which for thousands of address ranges took
  // gigabytes).
  std::vector<std::int32_t> pod_col(n, -1);
  std::uint32_t pod_classes = 0;
  for (std::uint32_t p : pods)
    if (pod_col[eps[p].cls] < 0) pod_col[eps[p].cls] = static_cast<std::int32_t>(pod_classes++);
  std::vector<std::vector<ConnTable::Id>> rows(n);
  e.ClassRows([&](std::uint32_t src, const std::vector<ConnTable::Id>& row) {
    if (pod_col[src] >= 0) {
      rows[src] = row;
      return;
    }
    std::vector<ConnTable::Id> cols(pod_classes, ConnTable::kNone);
    bool any = false;
    for (std::uint32_t c = 0; c < n; ++c)
      if (pod_col[c] >= 0 && row[c] != ConnTable::kNone) {
        cols[static_cast<std::size_t>(pod_col[c])] = row[c];
        any = true;
      }
    if (any) rows[src] = std::move(cols);
  });
  auto cell = [&](std::uint32_t s, std::uint32_t d) -> ConnTable::Id {
    const auto& row = rows[eps[s].cls];
    if (row.empty()) return ConnTable::kNone;
    if (pod_col[eps[s].cls] >= 0) return row[eps[d].cls];
    std::int32_t col = pod_col[eps[d].cls];
    return col < 0 ? ConnTable::kNone : row[static_cast<std::size_t>(col)];
  };
  auto& names = mx.names;
  names.resize(eps.size());
  for (std::uint32_t i = 0; i < eps.size(); ++i) names[i] = eps[i].Display();
  std::vector<std::uint32_t> by_name(eps.size());
  for (std::uint32_t i = 0; i < eps.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [&](auto a, auto b) { return names[a] < names[b]; });
  auto& rank = mx.rank;
  rank.assign(eps.size(), 0);
  for (std::size_t i = 1; i < by_name.size(); ++i)
    rank[by_name[i]] = rank[by_name[i - 1]] + (names[by_name[i]] != names[by_name[i - 1]] ? 1 : 0);
  // Pod pairs dominate: walk them in name order so that they come out
  // sorted; a pair of equal names (variants of one owner) is no line.
  // Pods of one name (variants of one owner) share a class: one of them
  // stands for all.
  std::vector<std::uint32_t> sorted_pods;
  for (std::uint32_t i : by_name) {
    if (eps[i].kind != EndpointKind::kPod) continue;
    if (!sorted_pods.empty() && rank[sorted_pods.back()] == rank[i] && eps[sorted_pods.back()].cls == eps[i].cls)
      continue;
    sorted_pods.push_back(i);
  }
  for (std::uint32_t s : sorted_pods) {
    const ConnTable::Id* row = rows[eps[s].cls].data();
    for (std::uint32_t d : sorted_pods)
      if (rank[s] != rank[d])
        if (auto c = row[eps[d].cls]; c != ConnTable::kNone) mx.pod_lines.push_back({s, d, c});
  }
  // External ranges: IPv4 always; IPv6 when a policy names IPv6 blocks,
  // or where IPv6 gets what no IPv4 range gets (so nothing is hidden).
  auto& lines = mx.other_lines;
  for (std::uint32_t p : pods) {
    for (int dir = 0; dir < 2; ++dir) {
      std::set<ConnTable::Id> seen4;
      for (std::uint32_t x : v4[dir]) {
        auto c = dir == 0 ? cell(x, p) : cell(p, x);
        seen4.insert(c);
        if (c != ConnTable::kNone) lines.push_back(dir == 0 ? EpLine{x, p, c} : EpLine{p, x, c});
      }
      for (std::uint32_t x : v6[dir]) {
        auto c = dir == 0 ? cell(x, p) : cell(p, x);
        if (c == ConnTable::kNone || (!e.has_ipv6() && seen4.count(c))) continue;
        lines.push_back(dir == 0 ? EpLine{x, p, c} : EpLine{p, x, c});
      }
    }
  }
  if (e.ingress_controller() >= 0) {
    auto ic = static_cast<std::uint32_t>(e.ingress_controller());
    std::map<std::uint32_t, ConnTable::Id> to;
    for (const auto& b : e.IngressBackends()) {
      auto& c = to.emplace(b.dst, ConnTable::kNone).first->second;
      c = ct.Union(c, ct.Intersect(b.ports, cell(ic, b.dst)));
    }
    for (auto [d, c] : to)
      if (c != ConnTable::kNone) lines.push_back({ic, d, c});
  }
  // Equal names at both ends are no line; equal lines (variants of one
  // owner that behave alike) are one. Ties between names order by the
  // connection text.
  lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const EpLine& l) { return rank[l.s] == rank[l.d]; }),
              lines.end());
  auto text = [&](ConnTable::Id c) -> const std::string& { return mx.Text(ct, c); };
  std::sort(lines.begin(), lines.end(), [&](const EpLine& a, const EpLine& b) {
    if (rank[a.s] != rank[b.s]) return rank[a.s] < rank[b.s];
    if (rank[a.d] != rank[b.d]) return rank[a.d] < rank[b.d];
    return a.c != b.c && text(a.c) < text(b.c);
  });
  auto same = [&](const EpLine& a, const EpLine& b) {
    return rank[a.s] == rank[b.s] && rank[a.d] == rank[b.d] && a.c == b.c;
  };
  lines.erase(std::unique(lines.begin(), lines.end(), same), lines.end());
  mx.pod_lines.erase(std::unique(mx.pod_lines.begin(), mx.pod_lines.end(), same), mx.pod_lines.end());
  return mx;
}


}  // namespace grantpath::net

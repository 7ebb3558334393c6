#include "engine/net_queries.h"

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
  a.allowed = qport > 0 ? ct.Get(a.total).Contains(qproto, qport) : a.total != ConnTable::kNone;
  for (std::size_t i = 0; i < a.pairs.size(); ++i) {
    const auto& p = a.pairs[i];
    if (qport > 0 ? ct.Get(p.conns).Contains(qproto, qport) : p.conns != ConnTable::kNone) {
      a.shown = i;
      a.witnessed = true;
      break;
    }
  }
  const ReachPair& shown = a.pairs[a.shown];
  e.Allowed(shown.src, shown.dst, &a.egress, &a.ingress);
  a.protocol = qproto;
  a.port = qport;
  if (a.witnessed && qport == 0) std::tie(a.protocol, a.port) = ct.Get(shown.conns).First();
  return true;
}

}  // namespace grantpath::net

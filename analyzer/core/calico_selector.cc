#include "grantpath/model/cni_policy.h"

namespace grantpath::cni {
namespace {

bool Eval(const CalicoSelector& s, int i, const std::map<std::string, std::string>& labels, bool global) {
  using Op = CalicoSelector::Op;
  if (i < 0) return true;
  const auto& n = s.nodes[static_cast<std::size_t>(i)];
  auto it = n.op <= Op::kEndsWith && n.op >= Op::kHas ? labels.find(n.key) : labels.end();
  const bool has = it != labels.end();
  switch (n.op) {
    case Op::kAll: return true;
    case Op::kGlobal: return global;
    case Op::kHas: return has;
    case Op::kEq: return has && it->second == n.values[0];
    case Op::kNe: return !has || it->second != n.values[0];
    case Op::kIn:
      if (!has) return false;
      for (const auto& v : n.values)
        if (it->second == v) return true;
      return false;
    case Op::kNotIn:
      if (!has) return true;
      for (const auto& v : n.values)
        if (it->second == v) return false;
      return true;
    case Op::kContains: return has && it->second.find(n.values[0]) != std::string::npos;
    case Op::kStartsWith: return has && it->second.rfind(n.values[0], 0) == 0;
    case Op::kEndsWith:
      return has && it->second.size() >= n.values[0].size() &&
             it->second.compare(it->second.size() - n.values[0].size(), n.values[0].size(), n.values[0]) == 0;
    case Op::kNot: return !Eval(s, n.a, labels, global);
    case Op::kAnd:
    case Op::kOr: {
      // A chain "a && b && c ..." is a left-deep spine as long as the text;
      // walk it in a loop so that only parenthesis nesting (bounded by the
      // parser) costs stack.
      const bool is_and = n.op == Op::kAnd;
      int j = i;
      while (j >= 0 && s.nodes[static_cast<std::size_t>(j)].op == n.op) {
        const auto& m = s.nodes[static_cast<std::size_t>(j)];
        if (Eval(s, m.b, labels, global) != is_and) return !is_and;
        j = m.a;
      }
      return Eval(s, j, labels, global);
    }
  }
  return false;
}

}  // namespace

bool CalicoSelector::Matches(const std::map<std::string, std::string>& labels, bool global) const {
  return Eval(*this, root, labels, global);
}

}  // namespace grantpath::cni

// cilium-deny-only-default-deny: see docs/rules/cilium-deny-only-default-deny.md
#include <set>

#include "engine/context.h"
#include "engine/net.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "cilium-deny-only-default-deny", "Cilium deny-only policy that also blocks everything else", Severity::kMedium,
    "A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy with only ingressDeny (or egressDeny) rules still "
    "puts the endpoints it selects in default deny for that direction: everything its deny rules do not name "
    "is dropped too, unless another policy allows it. Written to block one peer, it cuts the endpoints off from "
    "every other one. Cilium documents this; it is still the most common mistake with deny policies.",
    "Add `enableDefaultDeny: {ingress: false}` (or egress) to the policy so that it only denies what it names, "
    "or add the allow rules the endpoints need (an allow-all rule such as `fromEntities: [all]` keeps the rest "
    "open)."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    net::Engine& e = ctx.Net();
    if (e.form().cni != "cilium") return;
    const auto& eps = e.endpoints();
    const net::FormTier* allow = nullptr;
    const net::FormTier* deny = nullptr;
    for (const auto& t : e.form().tiers) {
      if (t.name == "cilium-allow") allow = &t;
      if (t.name == "cilium-deny") deny = &t;
    }
    if (allow == nullptr || deny == nullptr) return;
    for (const auto& fp : allow->policies) {
      if (fp.origin != net::Origin::kCilium) continue;
      for (int dir = 0; dir < 2; ++dir) {
        if (!fp.applies[dir] || !fp.counts[dir] || !fp.rules[dir].empty()) continue;
        const net::FormPolicy* denies = nullptr;
        for (const auto& dp : deny->policies)
          if (dp.origin == fp.origin && dp.index == fp.index) denies = &dp;
        if (denies == nullptr || denies->rules[dir].empty()) continue;
        const bool ingress = dir == 0;
        // Endpoints that only this policy puts in default deny.
        std::set<std::uint32_t> others;
        for (const auto& op : allow->policies)
          if (&op != &fp && op.applies[dir] && op.counts[dir]) others.insert(op.subjects.begin(), op.subjects.end());
        std::size_t cut = 0;
        std::uint32_t ws = 0, wp = 0;
        net::ConnTable::Id wconn = net::ConnTable::kNone;
        std::set<std::uint32_t> seen;
        for (std::uint32_t s : fp.subjects) {
          if (others.count(s) || !e.HasClass(s) || !seen.insert(eps[s].cls).second) continue;
          for (std::uint32_t c = 0; c < e.class_count(); ++c) {
            std::uint32_t p = e.ClassRep(c);
            if (p == s) continue;
            bool named = false;
            for (const auto& r : denies->rules[dir]) named = named || e.RuleMatchesPeer(r, p);
            if (named) continue;
            net::ConnTable::Id got = ingress ? e.Ingress(p, s) : e.Egress(s, p);
            if (got == net::ConnTable::kAll) continue;
            if (cut++ == 0) ws = s, wp = p, wconn = e.conns().Subtract(net::ConnTable::kAll, got);
            break;
          }
        }
        if (cut == 0) continue;
        const char* d = ingress ? "ingress" : "egress";
        Finding f;
        f.rule = &kInfo;
        f.severity = kInfo.severity;
        f.primary = denies->rules[dir].front().where;
        f.message = fp.kind + " '" + fp.name + "' has only " + d + "Deny rules, yet it puts " +
                    std::to_string(cut) + " endpoint" + (cut > 1 ? "s" : "") + " in default deny for " + d + ": " +
                    eps[ws].Display() + (ingress ? " loses traffic from " : " loses traffic to ") + eps[wp].Display() +
                    " (" + e.conns().Get(wconn).Format() + "), which no deny rule names";
        f.entity = std::string(kInfo.id) + "|" + fp.kind + "|" + fp.name + "|" + d;
        f.related.push_back({fp.where, "the policy"});
        f.witness.kind = "connection";
        f.witness.Add("policy", fp.kind + " " + fp.name);
        f.witness.Add("src", ingress ? eps[wp].Display() : eps[ws].Display());
        f.witness.Add("dst", ingress ? eps[ws].Display() : eps[wp].Display());
        f.witness.Add("denied", e.conns().Get(wconn).Format());
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeCiliumDenyOnlyDefaultDeny() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

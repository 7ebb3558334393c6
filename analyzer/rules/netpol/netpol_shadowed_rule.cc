// netpol-shadowed-rule: see docs/rules/netpol-shadowed-rule.md
#include <cstdint>
#include <set>
#include <tuple>
#include <unordered_map>

#include "engine/context.h"
#include "engine/net.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "netpol-shadowed-rule", "Policy rule that never decides: an earlier rule or tier always decides first",
    Severity::kLow,
    "A rule of an AdminNetworkPolicy, a Calico policy, a Cilium policy or a NetworkPolicy matches some "
    "connections of the input, yet every one of them is decided before it is reached: by an earlier rule of "
    "the same policy, an earlier policy of its tier, an earlier tier (or its end action), or, on Cilium, a deny "
    "rule that wins over every allow. The rule has no effect, and what its author meant it to do (allow a "
    "monitoring scrape, deny a port) does not happen.",
    "Move the rule before the rule or tier that decides first (Calico: a lower order, or an earlier tier; ANP: "
    "a lower priority), narrow the earlier rule, or delete the rule if it is not needed."};

// Decide() evaluations per rule before giving up (no finding): bounds the
// cost on large inputs.
constexpr std::size_t kBudget = 20000;

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    net::Engine& e = ctx.Net();
    const auto& eps = e.endpoints();
    std::vector<std::uint32_t> classes;  // one representative per class
    for (std::uint32_t c = 0; c < e.class_count(); ++c) classes.push_back(e.ClassRep(c));
    // Evaluation order of every rule and tier end: what can decide first.
    using Order = std::tuple<std::size_t, std::size_t, std::size_t>;
    std::unordered_map<const net::FormRule*, Order> order;
    std::unordered_map<std::string, std::size_t> tier_at;
    const auto& tiers = e.form().tiers;
    for (std::size_t t = 0; t < tiers.size(); ++t) {
      tier_at.emplace(tiers[t].name, t);
      for (std::size_t k = 0; k < tiers[t].policies.size(); ++k)
        for (const auto& rules : tiers[t].policies[k].rules)
          for (std::size_t i = 0; i < rules.size(); ++i) order.emplace(&rules[i], Order{t, k, i});
    }
    auto order_of = [&](const net::Reason& x) -> Order {
      if (x.form_rule) return order.at(x.form_rule);
      if (x.tier == net::Reason::Tier::kTierEnd && tier_at.count(x.tier_name))
        return Order{tier_at.at(x.tier_name), SIZE_MAX, 0};
      return Order{SIZE_MAX, 0, 0};
    };
    for (const auto& tier : e.form().tiers)
      for (const auto& fp : tier.policies)
        for (int dir = 0; dir < 2; ++dir) {
          if (!fp.applies[dir] || tier.implicit) continue;
          const bool ingress = dir == 0;
          std::set<std::uint32_t> subject_classes;
          std::vector<std::uint32_t> subjects;
          for (std::uint32_t ep : fp.subjects)
            if (e.HasClass(ep) && subject_classes.insert(eps[ep].cls).second) subjects.push_back(ep);
          for (const auto& r : fp.rules[dir]) {
            if (r.action == net::Action::kLog) continue;
            // The peer classes the rule matches, once; past the budget the
            // rule is not judged (no finding).
            std::vector<std::uint32_t> peers;
            for (std::uint32_t p : classes)
              if (e.RuleMatchesPeer(r, p)) peers.push_back(p);
            if (peers.empty() || subjects.size() * peers.size() > kBudget) continue;
            // Shadowed when it never decides; reported when, for some
            // connection it matches, what decides first has another
            // effect (an Allow shadowed by an Allow is only redundant).
            bool matched = false, decided = false;
            std::size_t spent = 0;
            std::uint32_t ws = 0, wp = 0;
            std::vector<net::Reason> wwhy;
            for (std::uint32_t s : subjects) {
              if (decided || spent > kBudget) break;
              if (!e.RuleMatchesSubject(r, s)) continue;
              for (std::uint32_t p : peers) {
                if (p == s) continue;
                const net::ConnTable::Id rc = e.FormRuleConns(r, ingress ? s : p);
                if (rc == net::ConnTable::kNone) continue;
                if (++spent > kBudget) break;
                std::vector<net::Reason> why;
                if (ingress) e.Ingress(p, s, &why);
                else e.Egress(s, p, &why);
                bool here = false, conflict = false;
                const std::string mine = net::ActionName(r.action);
                const Order at = order.at(&r);
                for (const auto& x : why) {
                  here = here || (x.form_rule == &r && x.conns != net::ConnTable::kNone);
                  conflict = conflict || (x.form_rule != &r && x.action != mine && order_of(x) < at &&
                                          e.conns().Intersect(x.conns, rc) != net::ConnTable::kNone);
                }
                if (here) {
                  decided = true;
                  break;
                }
                if (conflict && !matched) ws = s, wp = p, wwhy = std::move(why);
                matched = matched || conflict;
              }
            }
            if (!matched || decided || spent > kBudget) continue;
            Finding f;
            f.rule = &kInfo;
            f.severity = kInfo.severity;
            f.primary = r.where;
            const char* d = ingress ? "ingress" : "egress";
            std::string first;
            for (const auto& x : wwhy)
              if (x.conns != net::ConnTable::kNone && x.form_rule != &r && x.action != net::ActionName(r.action) &&
                  order_of(x) < order.at(&r)) {
                first = x.Describe(ctx.model());
                if (x.where.known()) f.related.push_back({x.where, "decides first"});
                break;
              }
            f.message = fp.kind + " '" + fp.name + "' " + d + " rule " + r.label +
                        " never decides: every connection it matches is decided earlier" +
                        (first.empty() ? "" : " (for " + eps[ws].Display() + (ingress ? " from " : " to ") +
                                                  eps[wp].Display() + ": " + first + ")");
            f.entity = std::string(kInfo.id) + "|" + fp.kind + "|" + fp.name + "|" + d + "|" + r.label;
            f.related.push_back({fp.where, "the policy"});
            f.witness.kind = "policy";
            f.witness.Add("policy", fp.kind + " " + fp.name);
            f.witness.Add("rule", std::string(d) + " " + r.label);
            f.witness.Add("tier", tier.name);
            f.witness.Add("subject", eps[ws].Display());
            f.witness.Add("peer", eps[wp].Display());
            if (!first.empty()) f.witness.Add("decided_by", first);
            out.Add(std::move(f));
          }
        }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeNetpolShadowedRule() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

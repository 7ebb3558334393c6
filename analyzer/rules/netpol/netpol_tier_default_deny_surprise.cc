// netpol-tier-default-deny-surprise: see docs/rules/netpol-tier-default-deny-surprise.md
#include <set>

#include "engine/context.h"
#include "engine/net.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "netpol-tier-default-deny-surprise", "Traffic cut off only by a Calico tier's default action",
    Severity::kMedium,
    "A Calico tier ends in Deny (its defaultAction, Deny unless it says Pass) for every endpoint that one of "
    "its policies selects. A policy written to allow one thing in that tier (a monitoring scrape, a backup "
    "job) therefore denies everything else its endpoints send or receive, though no rule names that traffic: "
    "later tiers, the Kubernetes NetworkPolicies of the default tier and the namespace profiles never see it. "
    "This is the most common surprise with Calico tiers.",
    "End the tier's policies with an explicit `action: Pass` rule, or set the Tier's `defaultAction: Pass`, "
    "when the tier is meant to decide only what its rules name; otherwise write the Allow rules the denied "
    "traffic needs."};

constexpr std::size_t kBudget = 50000;

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    net::Engine& e = ctx.Net();
    if (e.form().cni != "calico") return;
    const auto& eps = e.endpoints();
    std::vector<std::uint32_t> classes;
    for (std::uint32_t c = 0; c < e.class_count(); ++c) classes.push_back(e.ClassRep(c));
    for (const auto& tier : e.form().tiers) {
      // The default tier's end is Kubernetes' own default deny of isolated pods.
      if (tier.end_action != net::Action::kDeny || tier.name == "default" || tier.implicit) continue;
      for (int dir = 0; dir < 2; ++dir) {
        const bool ingress = dir == 0;
        std::set<std::uint32_t> seen;
        std::vector<std::uint32_t> subjects;
        std::vector<const net::FormPolicy*> selecting;
        for (const auto& fp : tier.policies) {
          if (!fp.applies[dir] || !fp.counts[dir] || fp.subjects.empty()) continue;
          selecting.push_back(&fp);
          for (std::uint32_t ep : fp.subjects)
            if (e.HasClass(ep) && seen.insert(eps[ep].cls).second) subjects.push_back(ep);
        }
        std::size_t pairs = 0, spent = 0;
        std::uint32_t ws = 0, wp = 0;
        net::ConnTable::Id wconn = net::ConnTable::kNone;
        for (std::uint32_t s : subjects)
          for (std::uint32_t p : classes) {
            if (p == s || ++spent > kBudget) continue;
            std::vector<net::Reason> why;
            if (ingress) e.Ingress(p, s, &why);
            else e.Egress(s, p, &why);
            bool named = false;
            net::ConnTable::Id end = net::ConnTable::kNone;
            for (const auto& x : why) {
              if (x.tier_name != tier.name) continue;
              if (x.tier == net::Reason::Tier::kCni && x.conns != net::ConnTable::kNone) named = true;
              if (x.tier == net::Reason::Tier::kTierEnd) end = x.conns;
            }
            if (named || end == net::ConnTable::kNone) continue;
            if (pairs++ == 0) ws = s, wp = p, wconn = end;
          }
        if (pairs == 0) continue;
        const char* d = ingress ? "ingress" : "egress";
        std::string names;
        for (const auto* fp : selecting) names += (names.empty() ? "" : ", ") + fp->name;
        Finding f;
        f.rule = &kInfo;
        f.severity = kInfo.severity;
        f.primary = tier.where.known() ? tier.where : selecting.front()->where;
        f.message = "end of tier '" + tier.name + "' (defaultAction Deny) denies " + d + " traffic that no rule of "
                    "the tier names: " + eps[ws].Display() + (ingress ? " from " : " to ") + eps[wp].Display() +
                    " (" + e.conns().Get(wconn).Format() + ")" +
                    (pairs > 1 ? " and " + std::to_string(pairs - 1) + " more pairs" : "") + "; policies " + names +
                    " selected the " + (ingress ? "destination" : "source");
        f.entity = std::string(kInfo.id) + "|" + tier.name + "|" + d;
        for (const auto* fp : selecting) f.related.push_back({fp->where, "selects endpoints for the tier"});
        f.witness.kind = "connection";
        f.witness.Add("tier", tier.name);
        f.witness.Add("src", ingress ? eps[wp].Display() : eps[ws].Display());
        f.witness.Add("dst", ingress ? eps[ws].Display() : eps[wp].Display());
        f.witness.Add("denied", e.conns().Get(wconn).Format());
        f.witness.Add("pairs", std::to_string(pairs));
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeNetpolTierDefaultDenySurprise() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

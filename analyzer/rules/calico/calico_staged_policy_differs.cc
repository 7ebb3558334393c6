// calico-staged-policy-differs: see docs/rules/calico-staged-policy-differs.md
#include "engine/context.h"
#include "engine/net.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "calico-staged-policy-differs", "Calico staged policy that would change reachability", Severity::kLow,
    "A StagedNetworkPolicy or StagedGlobalNetworkPolicy never enforces: it is a proposal, reported by flow "
    "logs as what would happen. Enforcing it (converting it to its enforced kind, or applying its "
    "stagedAction Delete) would change which connections are allowed. The finding names one pair whose "
    "verdict changes and how many pairs change, so the change can be reviewed before it is enforced.",
    "Review the changed pairs; enforce the policy when they are intended, or fix or delete the staged "
    "policy."};

// Pairs compared per staged policy (pods only); past it the count is a floor.
constexpr std::size_t kBudget = 250000;

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    bool any = false;
    for (const auto& p : m.calico_policies) any = any || p.staged;
    if (!any) return;
    net::Engine& base = ctx.Net();
    const auto& eps = base.endpoints();
    std::vector<std::uint32_t> pods;
    for (std::uint32_t ep = 0; ep < eps.size(); ++ep)
      if (eps[ep].kind == net::EndpointKind::kPod) pods.push_back(ep);
    for (std::uint32_t i = 0; i < m.calico_policies.size(); ++i) {
      const auto& p = m.calico_policies[i];
      if (!p.staged) continue;
      net::EngineOptions o = ctx.options().net;
      o.enforce_staged = static_cast<int>(i);
      o.deferred = false;
      CollectingSink quiet;  // the base engine reported the input's diagnostics
      net::Engine what(m, quiet, o);
      std::size_t changed = 0, spent = 0;
      std::uint32_t ws = 0, wd = 0;
      std::string before, after;
      for (std::uint32_t a : pods)
        for (std::uint32_t b : pods) {
          if (a == b || ++spent > kBudget) continue;
          std::string x = base.conns().Get(base.Allowed(a, b)).Format();
          std::string y = what.conns().Get(what.Allowed(a, b)).Format();
          if (x == y) continue;
          if (changed++ == 0) ws = a, wd = b, before = x, after = y;
        }
      if (changed == 0) continue;
      std::string name = p.global ? p.meta.name : p.meta.ns + "/" + p.meta.name;
      Finding f;
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = p.meta.where;
      f.message = p.kind + " '" + name + "'" + (p.staged_action == "Delete" ? " (stagedAction Delete)" : "") +
                  " would change reachability if enforced: " + eps[ws].Display() + " => " + eps[wd].Display() +
                  " goes from " + before + " to " + after +
                  (changed > 1 ? "; " + std::to_string(changed) + " pairs change" : "") +
                  (spent > kBudget ? " (at least: comparison stopped early)" : "");
      f.entity = std::string(kInfo.id) + "|" + p.kind + "|" + name;
      f.witness.kind = "connection";
      f.witness.Add("src", eps[ws].Display());
      f.witness.Add("dst", eps[wd].Display());
      f.witness.Add("now", before);
      f.witness.Add("enforced", after);
      f.witness.Add("pairs", std::to_string(changed));
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeCalicoStagedPolicyDiffers() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

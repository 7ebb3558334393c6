// istio-policy-not-enforced: see docs/rules/istio-policy-not-enforced.md
#include <set>

#include "engine/context.h"
#include "engine/net.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "istio-policy-not-enforced", "Istio AuthorizationPolicy selects workloads without an Istio proxy",
    Severity::kMedium,
    "Istio enforces an AuthorizationPolicy in the proxy of the workload it selects. A workload without one (its "
    "namespace is not labelled for injection, the pod opts out, or it was created before injection was turned "
    "on) gets nothing of the policy: the connections the policy was written to refuse still reach it. The "
    "policy reads as protection in review and in audits, and protects nothing there.",
    "Label the namespace for injection (`istio-injection: enabled` or `istio.io/rev`) and restart the workload "
    "so that it gets a proxy, or protect it with a NetworkPolicy, which the CNI enforces without a proxy."};

// Pair evaluations spent looking for one policy's witness; past it the
// finding is reported without one.
constexpr std::size_t kBudget = 20000;

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    net::Engine& e = ctx.Net();
    const auto& eps = e.endpoints();
    for (const auto& tier : e.form().tiers) {
      if (tier.name != "istio-allow" && tier.name != "istio-deny") continue;
      const bool allow = tier.name == "istio-allow";
      for (const auto& fp : tier.policies) {
        if (fp.origin != net::Origin::kIstio || fp.unenforced.empty()) continue;
        // One workload of each class; the witness: a peer the policy would
        // refuse (an ALLOW policy: one no rule names; a DENY policy: one a
        // rule names) that reaches it on TCP.
        std::set<std::uint32_t> seen;
        std::uint32_t ws = 0, wp = 0;
        net::ConnTable::Id wconn = net::ConnTable::kNone;
        bool found = false;
        std::size_t spent = 0;
        for (std::uint32_t s : fp.unenforced) {
          if (found || !e.HasClass(s) || !seen.insert(eps[s].cls).second) continue;
          for (std::uint32_t c = 0; c < e.class_count() && !found && spent++ < kBudget; ++c) {
            std::uint32_t p = e.ClassRep(c);
            if (p == s) continue;
            bool named = false;
            for (const auto& r : fp.rules[0])
              if (allow || r.action == net::Action::kDeny) named = named || e.RuleMatchesPeer(r, p);
            if (named == allow) continue;
            net::ConnTable::Id got = e.Allowed(p, s);
            net::PortSet tcp;
            tcp.AddIpProtocol(6);
            net::PortSet through = e.conns().Get(got).Intersect(tcp);
            if (through.empty()) continue;
            ws = s, wp = p, wconn = e.conns().Intern(through), found = true;
          }
        }
        Finding f;
        f.rule = &kInfo;
        f.severity = kInfo.severity;
        f.primary = fp.where;
        const auto& w = e.model().k8s_workloads[eps[fp.unenforced.front()].workloads.front()];
        f.message = fp.kind + " '" + fp.name + "' selects " + std::to_string(fp.unenforced.size()) +
                    " workload" + (fp.unenforced.size() > 1 ? "s" : "") + " without an Istio proxy (" +
                    eps[fp.unenforced.front()].Display() + (fp.unenforced.size() > 1 ? ", ..." : "") +
                    "): nothing enforces it there";
        if (found)
          f.message += std::string("; ") + eps[wp].Display() + " reaches " + eps[ws].Display() + " (" +
                       e.conns().Get(wconn).Format() + ") though " +
                       (allow ? "no rule of the policy admits it" : "a rule of the policy denies it");
        f.entity = std::string(kInfo.id) + "|" + fp.name;
        f.related.push_back({w.meta.where, "a selected workload without an Istio proxy"});
        f.witness.kind = found ? "connection" : "object";
        f.witness.Add("policy", fp.kind + " " + fp.name);
        f.witness.Add("workload", eps[fp.unenforced.front()].Display());
        if (found) {
          f.witness.Add("src", eps[wp].Display());
          f.witness.Add("dst", eps[ws].Display());
          f.witness.Add("allowed", e.conns().Get(wconn).Format());
        }
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeIstioPolicyNotEnforced() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

// overlay-unencrypted: see docs/rules/overlay-unencrypted.md
#include "engine/context.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "overlay-unencrypted", "Traffic between nodes crosses the network in clear text", Severity::kMedium,
    "The cluster's CNI (Calico, Cilium, Flannel) or a Docker Swarm overlay network carries traffic between "
    "nodes without encryption. VXLAN, IP-in-IP, Geneve and native routing are encapsulation or plain routing, "
    "not encryption: anyone on the path between nodes (a shared or cloud network, a compromised switch or "
    "host) reads and can tamper with pod and container traffic. Swarm's routing mesh (the ingress network) is "
    "never encrypted by default.",
    "Turn on the CNI's encryption: Calico wireguardEnabled in FelixConfiguration 'default'; Cilium "
    "encryption.enabled with type wireguard or ipsec; Flannel's wireguard or ipsec backend; Docker overlay "
    "networks with driver_opts encrypted."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    for (const auto& st : ctx.Encryption()) {
      if (st.state != overlay::State::kClear) continue;
      bool mesh = st.scope.find("routing mesh") != std::string::npos;
      Finding f;
      f.rule = &kInfo;
      f.severity = mesh ? Severity::kLow : kInfo.severity;
      f.primary = st.where;
      std::string who = st.cni == "docker" ? "Docker " + st.scope : st.cni + " (" + st.scope + ")";
      f.message = who + " carries traffic between nodes unencrypted (" + st.encapsulation + "): " + st.decided_by +
                  "; " + st.fix;
      f.entity = std::string(kInfo.id) + "|" + st.cni + "|" + st.scope;
      for (const auto& [where, role] : st.related) f.related.push_back({where, role});
      f.witness.kind = "encryption";
      f.witness.Add("cni", st.cni);
      f.witness.Add("scope", st.scope);
      f.witness.Add("encapsulation", st.encapsulation);
      f.witness.Add("encrypted", "false");
      f.witness.Add("decided_by", st.decided_by);
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeOverlayUnencrypted() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

// compose-host-network: see docs/rules/compose-host-network.md
#include "engine/context.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "compose-host-network", "Compose service on the host's network", Severity::kMedium,
    "A Compose or Swarm service uses network_mode host: it shares the host's network stack. Nothing isolates "
    "it: every port it listens on is open on every host interface, `ports` and networks no longer apply, and "
    "it reaches services that listen only on the host's loopback (local admin interfaces, a Docker API on "
    "tcp://127.0.0.1). Privileged, it can also change the host's interfaces and firewall.",
    "Remove network_mode: host; attach the service to a network and publish only the ports it serves, on a "
    "specific address when it need not face the outside."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    for (const auto& svc : ctx.model().docker_services) {
      if (svc.network_mode != "host") continue;
      Finding f;
      f.rule = &kInfo;
      f.severity = svc.privileged ? Severity::kHigh : kInfo.severity;
      f.primary = svc.network_mode_where;
      f.message = "service '" + svc.project + "/" + svc.name + "' uses the host's network (network_mode host)" +
                  (svc.privileged ? " and runs privileged" : "") + ": nothing isolates it";
      f.entity = std::string(kInfo.id) + "|" + svc.project + "/" + svc.name;
      f.related.push_back({svc.where, "the service"});
      f.witness.kind = "connection";
      f.witness.Add("endpoint", svc.project + "/" + svc.name);
      f.witness.Add("network_mode", "host");
      f.witness.Add("src", "0.0.0.0-255.255.255.255[External]");
      f.witness.Add("allowed", "All Connections");
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeComposeHostNetwork() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

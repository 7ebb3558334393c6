// compose-published-to-world: see docs/rules/compose-published-to-world.md
#include "engine/context.h"
#include "rules/admin_ports.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "compose-published-to-world", "Compose port published on every interface", Severity::kMedium,
    "A Compose or Swarm service publishes a port without a host IP (or with 0.0.0.0 / ::): Docker listens on "
    "every interface of the host, so anything that reaches the host reaches the container, and Docker's own "
    "firewall rules bypass host firewalls such as ufw. In a Swarm stack, mode ingress publishes the port on "
    "every node through the routing mesh. Databases and administration ports published this way are scanned "
    "and attacked within minutes.",
    "Publish on a loopback or private address (\"127.0.0.1:5432:5432\"), or do not publish the port at all: "
    "services on the same network reach each other without published ports. Put what must face the outside "
    "behind one reverse proxy."};

bool AllInterfaces(const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::" || ip == "[::]"; }

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    if (m.docker_services.empty()) return;
    compose::Engine& e = ctx.Compose();
    for (std::uint32_t s = 0; s < m.docker_services.size(); ++s) {
      const auto& svc = m.docker_services[s];
      bool swarm = false;
      for (const auto& p : m.docker_projects)
        if (p.name == svc.project) swarm = p.swarm;
      for (const auto& pub : e.PublishedPorts(s, true)) {
        const docker::Publish& p = *pub.port;
        if (!AllInterfaces(p.host_ip)) continue;
        Severity sev = kInfo.severity;
        std::string what;
        for (const auto& a : AdminPorts())
          if (p.target_lo <= a.hi && a.lo <= p.target_hi) {
            if (what.empty() || a.severity > sev) sev = a.severity;
            what = a.name;
          }
        bool web = p.target_lo == p.target_hi &&
                   (p.target_lo == 80 || p.target_lo == 443 || p.target_lo == 8080 || p.target_lo == 8443);
        if (what.empty() && web) sev = Severity::kLow;
        Finding f;
        f.rule = &kInfo;
        f.severity = sev;
        f.primary = p.where;
        std::string ports = p.target_lo == p.target_hi ? std::to_string(p.target_lo)
                                                       : std::to_string(p.target_lo) + "-" + std::to_string(p.target_hi);
        f.message = "service '" + svc.project + "/" + svc.name + "' publishes " + compose::FormatPublish(p) +
                    (what.empty() ? "" : " (" + what + ")") +
                    (swarm && p.mode != "host" ? " on every swarm node through the routing mesh"
                                               : " on every interface of the host");
        f.entity = std::string(kInfo.id) + "|" + svc.project + "/" + svc.name + "|" + ports + "/" + p.protocol;
        f.related.push_back({svc.where, "the service"});
        f.witness.kind = "connection";
        f.witness.Add("src", "0.0.0.0-255.255.255.255[External]");
        f.witness.Add("source_address", "198.51.100.7");
        f.witness.Add("dst", svc.project + "/" + svc.name);
        f.witness.Add("protocol", p.protocol == "udp" ? "UDP" : p.protocol == "sctp" ? "SCTP" : "TCP");
        f.witness.Add("port", std::to_string(p.target_lo));
        f.witness.Add("published", compose::FormatPublish(p));
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeComposePublishedToWorld() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

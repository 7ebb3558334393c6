// compose-backend-not-internal: see docs/rules/compose-backend-not-internal.md
#include "engine/context.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "compose-backend-not-internal", "Backend network routes out", Severity::kLow,
    "A network declared in a Compose file joins only services that publish nothing, while the project "
    "publishes ports elsewhere: it is a backend network, yet it is not `internal`, so its services (databases, "
    "caches, workers) can open connections to the internet. A compromised backend service can then download "
    "tools and send data out.",
    "Declare the network with `internal: true` when none of its services needs the internet; services that "
    "also sit on a frontend network keep their route out through it."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    if (m.docker_networks.empty()) return;
    compose::Engine& e = ctx.Compose();
    std::size_t n = m.docker_services.size();
    for (std::uint32_t k = 0; k < m.docker_networks.size(); ++k) {
      const auto& net = m.docker_networks[k];
      if (net.internal || net.external || net.implicit) continue;
      std::vector<std::uint32_t> members;
      bool publishes = false, project_publishes = false;
      for (std::uint32_t s = 0; s < n; ++s) {
        bool outside_pub = !e.PublishedPorts(s, true).empty() || e.Mode(s) == "host";
        if (m.docker_services[s].project == net.project) project_publishes |= outside_pub;
        const auto& nets = e.NetworksOf(s);
        if (std::find(nets.begin(), nets.end(), k) == nets.end()) continue;
        members.push_back(s);
        publishes |= outside_pub;
      }
      if (members.empty() || publishes || !project_publishes) continue;
      // The witness: a member whose only route out is this network.
      std::uint32_t witness = members.front();
      for (auto s : members) {
        bool other = false;
        for (auto l : e.NetworksOf(s)) other |= l != k && !m.docker_networks[l].internal;
        if (!other) {
          witness = s;
          break;
        }
      }
      std::string names;
      for (auto s : members) names += (names.empty() ? "" : ", ") + m.docker_services[s].name;
      Finding f;
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = net.where;
      f.message = "network '" + net.key + "' of project '" + net.project + "' joins only services that publish "
                  "nothing (" + names + "), yet it is not internal: they can reach the internet";
      f.entity = std::string(kInfo.id) + "|" + net.project + "/" + net.key;
      for (auto s : members) f.related.push_back({m.docker_services[s].where, "member service"});
      f.witness.kind = "connection";
      f.witness.Add("src", net.project + "/" + m.docker_services[witness].name);
      f.witness.Add("dst", "0.0.0.0-255.255.255.255[External]");
      f.witness.Add("destination_address", "198.51.100.7");
      f.witness.Add("protocol", "TCP");
      f.witness.Add("port", "443");
      f.witness.Add("network", net.name);
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeComposeBackendNotInternal() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

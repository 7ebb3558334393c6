// aws-internet-exposed-admin-port: see docs/rules/aws-internet-exposed-admin-port.md
#include "engine/aws_net.h"
#include "engine/context.h"
#include "rules/admin_ports.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "aws-internet-exposed-admin-port", "Administrative port reachable from the internet", Severity::kHigh,
    "An EC2 instance or network interface with a public or Elastic IP is reachable from the internet on an "
    "administration or data port (SSH, RDP, databases, the Kubernetes API, the kubelet, etcd or Docker): its "
    "security groups, its subnet's network ACL (both ways: ACLs are stateless) and its route table (a route "
    "back to the internet gateway) all let a connection from some internet address through. Such ports are "
    "scanned within minutes of exposure.",
    "Remove the public address, or restrict the security group rule to the addresses that need it (a VPN or "
    "bastion range); reach administration ports through Session Manager or a bastion, and databases through "
    "private subnets."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    if (ctx.model().aws_interfaces.empty()) return;
    awsnet::Engine& e = ctx.AwsNet();
    const Model& m = ctx.model();
    for (const auto& x : e.InternetExposures()) {
      std::vector<const AdminPort*> hits;
      for (const auto& p : AdminPorts()) {
        bool open = x.all_protocols;
        for (int port = p.lo; port <= p.hi && !open; ++port) open = x.ports.Contains(net::kTCP, port);
        if (open) hits.push_back(&p);
      }
      if (hits.empty()) continue;
      Severity sev = Severity::kInfo;
      std::string names;
      for (const auto* h : hits) {
        sev = std::max(sev, h->severity);
        names += (names.empty() ? "" : ", ") + std::string(h->name) + " (" + std::to_string(h->lo) + ")";
      }
      const auto& ni = m.aws_interfaces[x.interface];
      const awsnet::Instance* inst = e.InstanceOf(x.interface);
      Finding f;
      f.rule = &kInfo;
      f.severity = sev;
      // Located at the rule that admits it: that is what to change.
      f.primary = !x.rules.empty() ? x.rules.front() : (inst ? inst->where : ni.where);
      f.message = e.InterfaceName(x.interface) + " is reachable from the internet " + x.Via() + " on " + names +
                  (x.all_protocols ? " (every protocol and port is open)" : "");
      f.entity = std::string(kInfo.id) + "|" + ni.id + (x.load_balancer.empty() ? "" : "|" + x.load_balancer);
      for (const auto& r : x.rules) f.related.push_back({r, "security group rule that admits it"});
      f.related.push_back({inst ? inst->where : ni.where, inst ? "the instance" : "the network interface"});
      f.witness.kind = "aws-connection";
      f.witness.Add("src", x.sample_source);
      f.witness.Add("dst", x.public_ip);
      f.witness.Add("interface", ni.id);
      if (inst) f.witness.Add("instance", inst->id);
      f.witness.Add("protocol", "TCP");
      f.witness.Add("port", std::to_string(hits.front()->lo));
      f.witness.Add("open", x.all_protocols ? "all protocols" : x.ports.Format());
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAwsInternetExposedAdminPort() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

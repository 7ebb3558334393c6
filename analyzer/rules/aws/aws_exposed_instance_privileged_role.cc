// aws-exposed-instance-privileged-role: see docs/rules/aws-exposed-instance-privileged-role.md
#include <map>

#include "engine/aws_net.h"
#include "engine/context.h"
#include "engine/iam_analysis.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "aws-exposed-instance-privileged-role", "Internet-reachable instance with an admin-capable role",
    Severity::kCritical,
    "An EC2 instance that the internet reaches (security groups, network ACL and routes allow a connection "
    "to its public or Elastic IP) has an instance profile whose role is admin-equivalent, or can assume a "
    "role that is. Whoever compromises the exposed service reads the role's credentials from the instance "
    "metadata service and administers the account: internet -> instance -> role -> admin is one path.",
    "Give the instance a role with only what its service needs, and keep admin roles off instances; close the "
    "exposure (no public address, or a security group limited to known sources); require IMDSv2."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    if (m.aws_instances.empty() || m.iam_principals.empty()) return;
    std::map<std::string, std::size_t> role_of_profile;
    for (std::size_t i = 0; i < m.iam_principals.size(); ++i)
      for (const auto& arn : m.iam_principals[i].instance_profile_arns) role_of_profile[arn] = i;
    awsnet::Engine& e = ctx.AwsNet();
    const auto& paths = ctx.Iam().AdminPaths();
    for (const auto& x : e.InternetExposures()) {
      const awsnet::Instance* inst = e.InstanceOf(x.interface);
      if (inst == nullptr || inst->instance_profile_arn.empty()) continue;
      auto it = role_of_profile.find(inst->instance_profile_arn);
      if (it == role_of_profile.end()) continue;
      std::size_t role = it->second;
      if (role >= paths.size() || paths[role].distance < 0) continue;
      const auto& r = m.iam_principals[role];
      Finding f;
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = inst->where;
      std::string ports = x.all_protocols ? "all protocols" : x.ports.Format();
      f.message = "instance " + inst->id + (inst->name.empty() ? "" : " (" + inst->name + ")") +
                  " is reachable from the internet " + x.Via() + " on " + ports + " and its role '" + r.name +
                  "' " + (paths[role].distance == 0 ? "is admin-equivalent"
                                                     : "can reach an admin-equivalent role in " +
                                                           std::to_string(paths[role].distance) +
                                                           " role assumption(s)");
      f.entity = std::string(kInfo.id) + "|" + inst->id + (x.load_balancer.empty() ? "" : "|" + x.load_balancer);
      f.path.push_back({x.rules.empty() ? inst->where : x.rules.front(),
                        "the internet (" + x.sample_source + ") connects " + x.Via() + " to " + ports});
      f.path.push_back({inst->where, "instance " + inst->id + " runs with instance profile " + inst->instance_profile_arn});
      f.path.push_back({r.where, "its role " + r.arn + ", from the instance metadata service"});
      std::size_t cur = role;
      for (int step = 0; step < 8 && paths[cur].distance > 0; ++step) {
        std::size_t next = paths[cur].next;
        f.path.push_back({m.iam_principals[next].where, "can assume " + m.iam_principals[next].arn});
        cur = next;
      }
      f.path.push_back({m.iam_principals[cur].where, m.iam_principals[cur].arn + " is admin-equivalent"});
      for (const auto& sr : x.rules) f.related.push_back({sr, "security group rule that admits it"});
      f.witness.kind = "aws-path";
      f.witness.Add("src", x.sample_source);
      f.witness.Add("dst", x.public_ip);
      f.witness.Add("instance", inst->id);
      f.witness.Add("ports", ports);
      f.witness.Add("role", r.arn);
      f.witness.Add("admin", m.iam_principals[cur].arn);
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAwsExposedInstancePrivilegedRole() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

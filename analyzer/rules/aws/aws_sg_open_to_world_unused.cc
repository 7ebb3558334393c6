// aws-sg-open-to-world-unused: see docs/rules/aws-sg-open-to-world-unused.md
#include "engine/aws_net.h"
#include "engine/context.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "aws-sg-open-to-world-unused", "Unused security group open to the world", Severity::kLow,
    "A security group that no network interface or instance of the input carries has an inbound rule from "
    "0.0.0.0/0 or ::/0. It exposes nothing today, but whoever attaches it to a new instance or load balancer "
    "(it is often picked by name, like launch-wizard-1) opens that port to the internet at once.",
    "Delete the group, or narrow the rule to the sources that need it before the group is used (a VPC's default group "
    "cannot be deleted: remove its rules)."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    const Model& m = ctx.model();
    // Judged only with the interfaces or instances of the same input.
    if (m.aws_security_groups.empty() || (m.aws_interfaces.empty() && m.aws_instances.empty())) return;
    for (std::size_t gi : ctx.AwsNet().UnusedGroups()) {
      const auto& g = m.aws_security_groups[gi];
      // AWS creates a VPC's default group admitting only itself: one that
      // admits the world was opened by hand, and AWS gives it to whatever
      // is launched in the VPC without a group.
      bool by_default = g.name == "default";
      for (std::size_t k = 0; k < g.ingress.size(); ++k) {
        const auto& r = g.ingress[k];
        std::string world;
        for (const auto& c : r.cidrs)
          if (c == "0.0.0.0/0" || c == "::/0") world = c;
        if (world.empty()) continue;
        std::string what = r.protocol == "-1" ? std::string("all traffic")
                                              : r.protocol + (r.from_port >= 0 ? " " + std::to_string(r.from_port) +
                                                                                     (r.to_port != r.from_port
                                                                                          ? "-" + std::to_string(r.to_port)
                                                                                          : "")
                                                                               : "");
        Finding f;
        f.rule = &kInfo;
        f.severity = by_default ? Severity::kMedium : kInfo.severity;
        f.primary = r.where;
        f.message = by_default
                        ? "the default security group " + g.id + (g.vpc.empty() ? "" : " of " + g.vpc) + " allows " +
                              what + " from " + world +
                              ": it is attached to nothing in the input, but AWS gives it to every instance, interface "
                              "and endpoint launched in the VPC without a group (AWS creates it admitting only itself)"
                        : "security group " + g.id + (g.name.empty() ? "" : " (" + g.name + ")") + " allows " + what +
                              " from " + world + " but is attached to nothing in the input";
        f.entity = std::string(kInfo.id) + "|" + g.id + "#" + std::to_string(k + 1);
        f.related.push_back({g.where, "the security group"});
        f.witness.kind = "aws-rule";
        f.witness.Add("group", g.id);
        f.witness.Add("rule", std::to_string(k + 1));
        f.witness.Add("source", world);
        f.witness.Add("allows", what);
        out.Add(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAwsSgOpenToWorldUnused() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules

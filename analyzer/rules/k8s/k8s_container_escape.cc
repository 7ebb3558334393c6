// k8s-container-escape: see docs/rules/k8s-container-escape.md
#include "engine/k8s_escape.h"
#include "rules/rbac/rbac_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "k8s-container-escape", "Workload can take over its node", Severity::kHigh,
    "A container of this workload can escape to the node it runs on: it is privileged, holds a capability "
    "that reaches the kernel or other processes, or mounts a sensitive host path or the container runtime's "
    "socket. From the node it gets the kubelet's credentials, the service account tokens of every pod "
    "there, and the node's cloud instance role.",
    "Drop the setting that allows the escape: no privileged containers, no added SYS_ADMIN, SYS_PTRACE or "
    "SYS_MODULE, no hostPID with those, no hostPath of the runtime socket or of system directories (use a "
    "read-only, narrow path or a CSI volume). Enforce the Baseline Pod Security Standard on the namespace."};

class ContainerEscape final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    for (const auto& w : ctx.model().k8s_workloads) {
      auto escapes = k8s::ContainerEscapes(w);
      if (escapes.empty()) continue;
      Finding f;
      f.rule = &kInfo;
      f.severity = kInfo.severity;
      f.primary = escapes.front().where.known() ? escapes.front().where : w.meta.where;
      std::string techniques;
      for (const auto& e : escapes) {
        techniques += (techniques.empty() ? "" : ", ") + e.technique;
        f.related.push_back({e.where.known() ? e.where : w.meta.where, e.technique + ": " + e.text});
      }
      f.message = rbac::WorkloadName(w) + " can take over its node: " + escapes.front().text +
                  (escapes.size() > 1 ? " (and " + std::to_string(escapes.size() - 1) + " more ways)" : "");
      f.entity = std::string(kInfo.id) + "|" + w.kind + "/" + w.meta.ns + "/" + w.meta.name;
      f.witness.kind = "container-escape";
      f.witness.Add("workload", w.meta.ns + "/" + w.kind + "/" + w.meta.name);
      f.witness.Add("techniques", techniques);
      f.witness.Add("node", w.node_name.empty() ? "any node it is scheduled on" : w.node_name);
      out.Add(std::move(f));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeK8sContainerEscape() { return std::make_unique<ContainerEscape>(); }

}  // namespace grantpath::rules

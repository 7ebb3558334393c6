#include "engine/policy_form.h"

namespace grantpath::net {

std::string PolicyCni(const Model& model) {
  if (!model.calico_policies.empty() || !model.calico_tiers.empty() || !model.calico_network_sets.empty())
    return "calico";
  if (!model.cilium_policies.empty()) return "cilium";
  return "";
}

void CalicoNets(const Model&, const std::function<void(int, const std::string&, SourceRange)>&) {}
void CompileCalico(FormBuilder& b, PolicyForm&) {
  for (const auto& p : b.model.calico_policies)
    b.sink.Warning("unsupported-construct",
                   p.kind + " is not modeled: network reachability results do not take it into account", p.meta.where);
}

}  // namespace grantpath::net

#include "engine/policy_form.h"

namespace grantpath::net {

void CiliumNets(const Model&, const std::function<void(int, const std::string&, SourceRange)>&) {}
void CompileCilium(FormBuilder& b, PolicyForm&) {
  for (const auto& p : b.model.cilium_policies)
    b.sink.Warning("unsupported-construct",
                   std::string(p.clusterwide ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy") + " is not modeled: network reachability results do not take it into account", p.meta.where);
}

}  // namespace grantpath::net

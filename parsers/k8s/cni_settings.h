// CNI settings that decide whether pod traffic between nodes is encrypted:
// Calico FelixConfiguration (wireguard) and IPPool (IP-in-IP and VXLAN
// encapsulation), the cilium-config ConfigMap and Cilium Helm values
// (WireGuard, IPsec, routing mode, tunnel protocol), and Flannel's
// net-conf.json (backend type). Each read setting becomes an
// overlay::CniSetting; invalid values are located errors.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

/// FelixConfiguration and IPPool (projectcalico.org/v3 or
/// crd.projectcalico.org/v1). Returns the number of settings added.
std::size_t ParseCalicoNetworkSettings(const DocNode& obj, const std::string& kind, FileId file,
                                       Model& model, DiagnosticSink& sink);

/// A ConfigMap: `cilium-config` (any namespace) and any ConfigMap with a
/// `net-conf.json` key (Flannel). Others add nothing.
std::size_t ParseCniConfigMap(const DocNode& obj, FileId file, Model& model,
                              DiagnosticSink& sink);

/// Cilium Helm values: a map with `encryption:` (enabled/type) next to
/// other Cilium chart keys (routingMode, tunnelProtocol, ipam, hubble,
/// kubeProxyReplacement, cluster).
bool LooksLikeCiliumValues(const DocNode& root);
std::size_t ParseCiliumValues(const DocNode& root, FileId file, const std::string& path, Model& model);

}  // namespace grantpath::parsers

// Encryption in transit across overlays: per cluster CNI (Calico, Cilium,
// Flannel) and per Docker overlay network, whether traffic between nodes
// is encrypted, how it is encapsulated, and the setting that decides.
// docs/encryption.md has the sources of each rule.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::overlay {

enum class State { kEncrypted, kClear, kUnknown };
const char* StateName(State s);  // "encrypted", "clear", "unknown"

struct Status {
  std::string scope;          // "cluster", "stack 'web' network 'backend'"
  std::string cni;            // calico, cilium, flannel, docker
  std::string encapsulation;  // "VXLAN", "IP-in-IP (CrossSubnet)", "native routing", "vxlan backend" ...
  State state = State::kUnknown;
  std::string decided_by;     // "FelixConfiguration 'default' wireguardEnabled: false"
  SourceRange where;          // the deciding setting, or the object that should carry it
  std::string fix;            // what to change
  std::vector<std::pair<SourceRange, std::string>> related;
};

/// Every cluster CNI and Docker overlay network in the input, in a stable
/// order (CNI statuses first, then Docker networks by project and key).
std::vector<Status> EncryptionReport(const Model& model);

/// Flannel's net-conf.json as flanneld reads it (pkg/subnet/config.go):
/// defaults for SubnetLen, SubnetMin and SubnetMax, and its checks.
struct FlannelConfig {
  bool enable_ipv4 = true, enable_ipv6 = false;
  std::string network, subnet_min, subnet_max;
  int subnet_len = 0;
  std::string ipv6_network, ipv6_subnet_min, ipv6_subnet_max;
  int ipv6_subnet_len = 0;
  std::string backend_type;  // "udp" when Backend is absent
  std::string error;         // flanneld's refusal, "" when valid
  std::string error_key;     // the key the error is about
};
/// From the settings of one net-conf.json (key -> value as written).
FlannelConfig EvaluateFlannel(const std::map<std::string, std::string>& keys);

/// Validation of the settings flanneld would refuse, as located errors.
void ValidateOverlaySettings(const Model& model, DiagnosticSink& sink);

}  // namespace grantpath::overlay

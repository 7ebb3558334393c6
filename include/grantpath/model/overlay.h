// Overlay records: Docker Compose and Swarm stacks (services, networks,
// published ports), and the CNI settings that decide whether pod traffic
// between nodes is encrypted (Calico, Cilium, Flannel).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grantpath/source.h"

namespace grantpath::docker {

/// A top-level `networks:` entry, or the implicit `default` network.
struct Network {
  std::string project;
  std::string key;       // the key under `networks:`
  std::string name;      // effective name: `name:`, else PROJECT_KEY (externals: `name:` or the key)
  std::string driver;    // "" when unset (bridge for compose up, overlay for a stack)
  bool internal = false;
  bool attachable = false;
  bool external = false;
  bool encrypted = false;       // driver_opts has `encrypted`
  bool icc_disabled = false;    // driver_opts com.docker.network.bridge.enable_icc: "false"
  bool implicit = false;        // the `default` network nobody declared
  SourceRange where;            // the key (or the file, for an implicit default)
  SourceRange internal_where;   // `internal:` when given
  SourceRange encrypted_where;  // `encrypted` in driver_opts when given
  SourceRange driver_where;     // `driver:` when given
};

/// One published port range (`ports:` short or long syntax).
struct Publish {
  std::uint16_t target_lo = 0, target_hi = 0;        // container ports
  std::uint16_t published_lo = 0, published_hi = 0;  // 0: an ephemeral host port
  std::string host_ip;   // "" = every interface
  std::string protocol = "tcp";  // tcp, udp, sctp
  std::string mode;      // "ingress" (default in a stack), "host"; "" = unset
  SourceRange where;
};

/// One attachment of a service to a network (by key in its project).
struct Attachment {
  std::string network;  // key
  SourceRange where;
};

struct Service {
  std::string project;
  std::string name;
  std::string image;
  std::string container_name;
  std::vector<Attachment> networks;  // empty with network_mode, or when it joins `default` implicitly
  bool implicit_default = false;     // no `networks:` and no `network_mode`: joins `default`
  std::string network_mode;          // "", host, none, bridge, service:X, container:X
  SourceRange network_mode_where;
  std::vector<Publish> ports;
  std::vector<std::pair<std::string, SourceRange>> expose;
  bool has_deploy = false;
  std::int64_t replicas = -1;  // deploy.replicas; -1 when unset
  std::string deploy_mode;     // replicated, global
  bool privileged = false;
  SourceRange privileged_where;
  SourceRange docker_socket;  // a volume that mounts /var/run/docker.sock (unknown when none)
  SourceRange where;  // the service key
};

/// One Compose file (a project, or a Swarm stack).
struct Project {
  std::string name;       // top-level `name:`, else the folder's name
  std::string file_path;  // display path of the file
  bool swarm = false;     // deploy settings or overlay networks: a stack
  std::string swarm_why;  // what made it a stack
  SourceRange where;      // the file's first line
  SourceRange name_where;
};

}  // namespace grantpath::docker

namespace grantpath::overlay {

/// One setting of a CNI that bears on encryption in transit, as read:
/// Calico FelixConfiguration and IPPool fields, the cilium-config
/// ConfigMap or Cilium Helm values, Flannel's net-conf.json.
struct CniSetting {
  std::string cni;     // "calico", "cilium", "flannel"
  std::string object;  // "FelixConfiguration 'default'", "ConfigMap 'kube-system/cilium-config'"
  std::string key;     // "wireguardEnabled", "enable-wireguard", "Backend.Type", ...
  std::string value;   // as written ("" when the key is absent and `where` is the object)
  bool present = true; // false: the object exists but does not set the key
  SourceRange where;   // the value, or the object when absent
};

}  // namespace grantpath::overlay

// Docker Compose and Swarm reachability: which service can open which
// connections to which, and what the outside reaches through published
// ports. docs/docker.md has the semantics and the choices made.
//
// - Containers on one network reach each other on every port and protocol
//   (`expose` documents, it does not filter), unless the network turns off
//   inter-container traffic (bridge driver_opts enable_icc "false").
// - External networks are shared by name across projects.
// - network_mode service:X / container:X shares X's network namespace;
//   host shares the host's (nothing isolates it); none has no network.
// - A published port without a host IP (or 0.0.0.0 / ::) is reachable from
//   outside the host, and from every container through the host's address;
//   127.0.0.1 / ::1 only from the host itself. In a stack, mode ingress
//   publishes on every node (routing mesh), mode host where a task runs.
// - A service attached only to internal networks has no route out, and its
//   ports are not published.
// - Ports in answers are container (target) ports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/net_types.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::compose {

enum class EndpointKind { kService, kExternal, kHost };

struct Endpoint {
  EndpointKind kind = EndpointKind::kService;
  std::uint32_t service = 0;  // model.docker_services index
  /// "PROJECT/SERVICE", "0.0.0.0-255.255.255.255[External]", "{docker-host}".
  std::string Display(const Model& m) const;
};

/// One fact that decided (part of) a verdict, with its location.
struct Reason {
  std::string text;
  SourceRange where;
};

class Engine {
 public:
  Engine(const Model& model, DiagnosticSink& sink);

  const Model& model() const { return model_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  std::uint32_t external() const { return external_; }
  std::uint32_t host() const { return host_; }
  /// The endpoint of "PROJECT/SERVICE", or -1.
  int Find(const std::string& project, const std::string& service) const;
  /// "PROJECT/SERVICE" of every service (for suggestions).
  std::vector<std::string> Names() const;

  /// What `src` may open to `dst` (target ports); the facts that allow it
  /// are appended to `why` (or, when nothing is allowed, why not).
  net::PortSet Allowed(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* why = nullptr) const;

  /// The networks (model.docker_networks indices) a service is on, after
  /// following network_mode service:/container:. Empty for host and none.
  const std::vector<std::uint32_t>& NetworksOf(std::uint32_t service) const { return nets_[service]; }
  /// The service whose network namespace this one uses (itself unless
  /// network_mode service:X or container:X names a service).
  std::uint32_t NamespaceOwner(std::uint32_t service) const { return owner_[service]; }
  /// "host", "none", "bridge" or "" (its own namespace on its networks).
  const std::string& Mode(std::uint32_t service) const { return mode_[service]; }
  /// Whether the service has a route out (a network that is not internal,
  /// or the host's network).
  bool RoutesOut(std::uint32_t service) const;
  /// Published ports of a service that are reachable from outside the host
  /// (`outside`) or from the host (loopback included), with their entries.
  struct Published {
    const docker::Publish* port = nullptr;
    net::PortSet targets;
  };
  std::vector<Published> PublishedPorts(std::uint32_t service, bool outside) const;
  /// The network of a key in a project, or -1.
  int NetworkIndex(const std::string& project, const std::string& key) const;

 private:
  const Model& model_;
  std::vector<Endpoint> endpoints_;
  std::uint32_t external_ = 0, host_ = 0;
  std::vector<std::vector<std::uint32_t>> nets_;
  std::vector<std::uint32_t> owner_;
  std::vector<std::string> mode_;
};

/// Whether a host IP listens only on the loopback interface.
bool IsLoopback(const std::string& host_ip);
/// "8080->80/tcp", "127.0.0.1:5432->5432/tcp", "*->3000/tcp" (ephemeral).
std::string FormatPublish(const docker::Publish& p);

}  // namespace grantpath::compose

#include "engine/compose_net.h"

#include <algorithm>
#include <map>

namespace grantpath::compose {
namespace {

int ProtoIndex(const std::string& p) {
  if (p == "udp") return net::kUDP;
  if (p == "sctp") return net::kSCTP;
  return net::kTCP;
}

std::string NetworkLabel(const docker::Network& n) {
  std::string s = "network '" + n.key + "'";
  if (n.name != n.key) s += " (" + n.name + ")";
  return s;
}

}  // namespace

bool IsLoopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip == "localhost";
}

std::string FormatPublish(const docker::Publish& p) {
  auto range = [](int lo, int hi) { return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi); };
  std::string s;
  if (!p.host_ip.empty()) s += (p.host_ip.find(':') != std::string::npos ? "[" + p.host_ip + "]" : p.host_ip) + ":";
  s += p.published_lo ? range(p.published_lo, p.published_hi) : std::string("*");
  s += "->" + range(p.target_lo, p.target_hi) + "/" + p.protocol;
  return s;
}

std::string Endpoint::Display(const Model& m) const {
  switch (kind) {
    case EndpointKind::kExternal: return "0.0.0.0-255.255.255.255[External]";
    case EndpointKind::kHost: return "{docker-host}";
    case EndpointKind::kService: break;
  }
  const auto& s = m.docker_services[service];
  return s.project + "/" + s.name;
}

Engine::Engine(const Model& model, DiagnosticSink& sink) : model_(model) {
  const auto& svcs = model.docker_services;
  std::size_t n = svcs.size();
  nets_.resize(n);
  owner_.resize(n);
  mode_.resize(n);
  std::map<std::pair<std::string, std::string>, std::uint32_t> by_name, by_container;
  for (std::uint32_t i = 0; i < n; ++i) {
    by_name[{svcs[i].project, svcs[i].name}] = i;
    if (!svcs[i].container_name.empty()) by_container[{svcs[i].project, svcs[i].container_name}] = i;
  }
  // Follow network_mode service:/container: to the namespace's owner.
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint32_t cur = i;
    for (int hops = 0; hops <= static_cast<int>(n); ++hops) {
      const auto& s = svcs[cur];
      const std::string& m = s.network_mode;
      std::string target;
      bool container = false;
      if (m.rfind("service:", 0) == 0) target = m.substr(8);
      else if (m.rfind("container:", 0) == 0) target = m.substr(10), container = true;
      if (target.empty()) break;
      auto it = by_name.find({s.project, target});
      if (container) {
        auto c = by_container.find({s.project, target});
        it = c != by_container.end() ? c : by_name.end();
      }
      if (it == by_name.end()) {
        if (cur == i && container)
          sink.Warning("unsupported-construct",
                       "network_mode '" + m + "' names a container that is not a service of this file: service '" +
                           s.name + "' is treated as having no network",
                       s.network_mode_where);
        cur = ~0u;
        break;
      }
      cur = it->second;
      if (hops == static_cast<int>(n)) {
        sink.Error("compose-invalid", "network_mode of service '" + svcs[i].name + "' forms a cycle",
                   svcs[i].network_mode_where);
        cur = ~0u;
      }
    }
    if (cur == ~0u) {
      owner_[i] = i;
      mode_[i] = "none";
      continue;
    }
    owner_[i] = cur;
    const auto& o = svcs[cur];
    if (o.network_mode == "host" || o.network_mode == "none" || o.network_mode == "bridge") {
      mode_[i] = o.network_mode;
      continue;
    }
    if (!o.network_mode.empty() && o.network_mode.find(':') == std::string::npos) {
      // network_mode: NAME joins an existing network by name.
      for (std::uint32_t k = 0; k < model.docker_networks.size(); ++k)
        if (model.docker_networks[k].name == o.network_mode) nets_[i].push_back(k);
      continue;
    }
    for (const auto& a : o.networks) {
      int k = NetworkIndex(o.project, a.network);
      if (k >= 0) nets_[i].push_back(static_cast<std::uint32_t>(k));
    }
    if (o.implicit_default) {
      int k = NetworkIndex(o.project, "default");
      if (k >= 0) nets_[i].push_back(static_cast<std::uint32_t>(k));
    }
  }
  for (std::uint32_t i = 0; i < n; ++i) endpoints_.push_back({EndpointKind::kService, i});
  external_ = static_cast<std::uint32_t>(endpoints_.size());
  endpoints_.push_back({EndpointKind::kExternal, 0});
  host_ = static_cast<std::uint32_t>(endpoints_.size());
  endpoints_.push_back({EndpointKind::kHost, 0});
}

int Engine::NetworkIndex(const std::string& project, const std::string& key) const {
  const auto& nets = model_.docker_networks;
  for (std::size_t k = 0; k < nets.size(); ++k)
    if (nets[k].project == project && nets[k].key == key) return static_cast<int>(k);
  return -1;
}

int Engine::Find(const std::string& project, const std::string& service) const {
  const auto& svcs = model_.docker_services;
  for (std::size_t i = 0; i < svcs.size(); ++i)
    if (svcs[i].project == project && svcs[i].name == service) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> Engine::Names() const {
  std::vector<std::string> out;
  for (const auto& s : model_.docker_services) out.push_back(s.project + "/" + s.name);
  return out;
}

bool Engine::RoutesOut(std::uint32_t s) const {
  if (mode_[s] == "host" || mode_[s] == "bridge") return true;
  for (auto k : nets_[s])
    if (!model_.docker_networks[k].internal) return true;
  return false;
}

std::vector<Engine::Published> Engine::PublishedPorts(std::uint32_t s, bool outside) const {
  std::vector<Published> out;
  // A service on internal networks only: Docker publishes nothing.
  if (mode_[s] == "none" || !RoutesOut(s)) return out;
  const auto& svc = model_.docker_services[owner_[s]];
  if (owner_[s] != s) return out;  // ports belong to the namespace's owner
  for (const auto& p : svc.ports) {
    if (outside && IsLoopback(p.host_ip)) continue;
    Published x;
    x.port = &p;
    x.targets.Add(ProtoIndex(p.protocol), p.target_lo, p.target_hi);
    out.push_back(std::move(x));
  }
  return out;
}

net::PortSet Engine::Allowed(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* why) const {
  const Model& m = model_;
  auto note = [&](std::string text, SourceRange where) {
    if (why) why->push_back({std::move(text), where});
  };
  net::PortSet none, all = net::PortSet::All();
  const Endpoint& a = endpoints_[src];
  const Endpoint& b = endpoints_[dst];
  if (src == dst) return all;
  if (a.kind != EndpointKind::kService && b.kind != EndpointKind::kService) return none;
  if (b.kind == EndpointKind::kService) {
    std::uint32_t d = b.service;
    const auto& ds = m.docker_services[d];
    const auto& downer = m.docker_services[owner_[d]];
    if (mode_[d] == "none") {
      note("service '" + ds.name + "' has network_mode none: nothing reaches it", ds.network_mode_where);
      return none;
    }
    if (a.kind == EndpointKind::kService && mode_[a.service] == "none") {
      const auto& ss = m.docker_services[a.service];
      note("service '" + ss.name + "' has network_mode none: it reaches nothing", ss.network_mode_where);
      return none;
    }
    if (mode_[d] == "host") {
      // Nothing isolates a service on the host's network: whatever it
      // listens on is reachable on every host interface.
      if (a.kind == EndpointKind::kService && !RoutesOut(a.service) && mode_[a.service] != "host") {
        note("the source is on internal networks only and the destination uses the host's network",
             m.docker_services[a.service].where);
        return none;
      }
      note("service '" + ds.name + "' uses network_mode host: it listens on the host's interfaces and nothing "
           "isolates it",
           downer.network_mode_where);
      return all;
    }
    net::PortSet got;
    if (a.kind == EndpointKind::kService) {
      std::uint32_t s = a.service;
      const auto& ss = m.docker_services[s];
      if (owner_[s] == owner_[d]) {
        note("'" + ss.name + "' and '" + ds.name + "' share one network namespace (network_mode)",
             ss.network_mode.empty() ? ds.network_mode_where : ss.network_mode_where);
        return all;
      }
      if (mode_[s] == "bridge" && mode_[d] == "bridge") {
        note("both use the default bridge network (network_mode bridge)", ds.network_mode_where);
        return all;
      }
      for (auto k : nets_[s]) {
        for (auto l : nets_[d]) {
          const auto& nk = m.docker_networks[k];
          const auto& nl = m.docker_networks[l];
          bool same = k == l || (nk.name == nl.name && (nk.external || nl.external));
          if (!same) continue;
          if (nk.icc_disabled || nl.icc_disabled) {
            note("both are on " + NetworkLabel(nl) + ", which disables inter-container traffic (enable_icc false)",
                 nl.where);
            continue;
          }
          note("both are on " + NetworkLabel(nl) + (nl.implicit ? " (the project's default network)" : ""),
               nl.where);
          return all;
        }
      }
      if (mode_[s] == "host") {
        // The host reaches containers of local bridge networks by address.
        for (auto l : nets_[d])
          if (m.docker_networks[l].driver.empty() || m.docker_networks[l].driver == "bridge") {
            note("service '" + ss.name + "' uses the host's network, which routes to " +
                     NetworkLabel(m.docker_networks[l]) + " of '" + ds.name + "'",
                 ss.network_mode_where);
            return all;
          }
      }
      if (!RoutesOut(s)) {
        note("service '" + ss.name + "' is on internal networks only: it reaches no published port", ss.where);
        return got;
      }
      for (const auto& p : PublishedPorts(d, true)) {
        got = got.Union(p.targets);
        note("published port " + FormatPublish(*p.port) + " of '" + downer.name +
                 "', through the host's address",
             p.port->where);
      }
      if (got.empty()) note("no shared network and no published port of '" + ds.name + "'", ds.where);
      return got;
    }
    bool outside = a.kind == EndpointKind::kExternal;
    if (!outside) {
      // The host reaches containers of local bridge networks by address.
      for (auto l : nets_[d])
        if (m.docker_networks[l].driver.empty() || m.docker_networks[l].driver == "bridge") {
          note("the host routes to " + NetworkLabel(m.docker_networks[l]), m.docker_networks[l].where);
          return all;
        }
    }
    auto pubs = PublishedPorts(d, outside);
    for (const auto& p : pubs) {
      got = got.Union(p.targets);
      std::string how = "published port " + FormatPublish(*p.port);
      if (outside) {
        const auto& project = [&]() -> const docker::Project* {
          for (const auto& pr : m.docker_projects)
            if (pr.name == downer.project) return &pr;
          return nullptr;
        }();
        bool swarm = project && project->swarm;
        if (swarm && p.port->mode != "host") how += " (mode ingress: every swarm node publishes it through the routing mesh)";
        else if (swarm) how += " (mode host: published on the nodes that run a task)";
        else how += p.port->host_ip.empty() ? " on every host interface" : " on host address " + p.port->host_ip;
      }
      note(how, p.port->where);
    }
    if (pubs.empty()) {
      if (!RoutesOut(d) && !downer.ports.empty())
        note("service '" + ds.name + "' publishes ports but is on internal networks only: Docker does not publish "
             "them", downer.ports.front().where);
      else if (outside && !downer.ports.empty())
        note("every published port of '" + ds.name + "' listens on a loopback address only",
             downer.ports.front().where);
      else
        note("service '" + ds.name + "' publishes no port", ds.where);
    }
    return got;
  }
  // A service to the outside or to the host.
  std::uint32_t s = a.service;
  const auto& ss = m.docker_services[s];
  if (mode_[s] == "none") {
    note("service '" + ss.name + "' has network_mode none: it reaches nothing", ss.network_mode_where);
    return none;
  }
  if (b.kind == EndpointKind::kHost) {
    note("a container reaches its host's addresses", ss.where);
    return all;
  }
  if (mode_[s] == "host") {
    note("service '" + ss.name + "' uses the host's network", m.docker_services[owner_[s]].network_mode_where);
    return all;
  }
  for (auto k : nets_[s]) {
    const auto& nk = m.docker_networks[k];
    if (!nk.internal) {
      note(NetworkLabel(nk) + " is not internal: it routes out through the host", nk.where);
      return all;
    }
  }
  if (mode_[s] == "bridge") {
    note("the default bridge network routes out", ss.network_mode_where);
    return all;
  }
  for (auto k : nets_[s]) note(NetworkLabel(m.docker_networks[k]) + " is internal: no route out",
                               m.docker_networks[k].internal_where.known() ? m.docker_networks[k].internal_where
                                                                           : m.docker_networks[k].where);
  return none;
}

}  // namespace grantpath::compose

#include "engine/multinet.h"

#include <algorithm>
#include <map>

#include "engine/net_types.h"

namespace grantpath::net {
namespace {

constexpr const char* kPrimaryLabel = "k8s.ovn.org/primary-user-defined-network";
constexpr const char* kPolicyFor = "k8s.v1.cni.cncf.io/policy-for";

std::unique_ptr<Model> EmptyLike(const Model& m) {
  auto v = std::make_unique<Model>();
  v->files = m.files;
  return v;
}

// Namespace labels as selectors see them.
std::map<std::string, std::string> NsLabels(const k8s::Namespace& ns) {
  auto l = ns.meta.labels;
  l["kubernetes.io/metadata.name"] = ns.meta.name;
  return l;
}

}  // namespace

std::string NetworkView::Title() const {
  switch (kind) {
    case Kind::kPod: return "Pod network";
    case Kind::kUdn: return "primary UDN " + name;
    case Kind::kCudn: return "primary CUDN " + name;
    case Kind::kNad: return "secondary NAD " + name;
  }
  return name;
}

bool HasMultipleNetworks(const Model& m) {
  return !m.k8s_udns.empty() || !m.k8s_attachments.empty();
}

NetworkSplit SplitNetworks(const Model& m, DiagnosticSink& sink) {
  NetworkSplit out;
  std::size_t nw = m.k8s_workloads.size();
  out.primary.assign(nw, "pod-network");
  out.secondary.assign(nw, {});
  std::map<std::string, const k8s::Namespace*> namespaces;
  for (const auto& ns : m.k8s_namespaces) namespaces[ns.meta.name] = &ns;

  // The primary network of each namespace: (kind, name, the object).
  struct Primary {
    NetworkView::Kind kind;
    std::string name, id;
    const k8s::UserDefinedNetwork* udn;
  };
  std::map<std::string, Primary> primary_of;
  auto assign = [&](const std::string& ns, Primary p) {
    auto it = primary_of.find(ns);
    if (it != primary_of.end()) {
      sink.Error("invalid-value",
                 "namespace '" + ns + "' is selected by two primary networks: " + it->second.id + " and " + p.id +
                     "; OVN-Kubernetes allows one (the first is analysed)",
                 p.udn->where);
      return;
    }
    primary_of.emplace(ns, std::move(p));
  };
  for (const auto& u : m.k8s_udns) {
    std::string id = u.cluster ? u.meta.name : u.meta.ns + "/" + u.meta.name;
    if (u.role != "Primary") {
      sink.Warning("unsupported-construct",
                   std::string(u.cluster ? "ClusterUserDefinedNetwork" : "UserDefinedNetwork") + " '" + id +
                       "' has role Secondary, which is not modelled: it is ignored",
                   u.role_where);
      continue;
    }
    if (!u.cluster) {
      auto ns = namespaces.find(u.meta.ns);
      if (ns == namespaces.end()) {
        sink.Warning("ignored-object",
                     "UserDefinedNetwork '" + id + "' is in namespace '" + u.meta.ns +
                         "', which the input does not define: it is ignored",
                     u.where);
        continue;
      }
      if (!ns->second->meta.labels.count(kPrimaryLabel)) {
        sink.Warning("ignored-object",
                     "UserDefinedNetwork '" + id + "': namespace '" + u.meta.ns + "' lacks the label " +
                         kPrimaryLabel + ", so OVN-Kubernetes does not use it as the primary network",
                     u.where);
        continue;
      }
      assign(u.meta.ns, {NetworkView::Kind::kUdn, u.meta.ns, id, &u});
      continue;
    }
    bool any = false;
    for (const auto& ns : m.k8s_namespaces) {
      if (!u.namespace_selector.Matches(NsLabels(ns))) continue;
      if (!ns.meta.labels.count(kPrimaryLabel)) {
        sink.Warning("ignored-object",
                     "ClusterUserDefinedNetwork '" + id + "' selects namespace '" + ns.meta.name + "', which lacks the label " +
                         kPrimaryLabel + ": that selection is ignored",
                     u.where);
        continue;
      }
      any = true;
      assign(ns.meta.name, {NetworkView::Kind::kCudn, u.meta.name, id, &u});
    }
    if (!any)
      sink.Warning("ignored-object", "ClusterUserDefinedNetwork '" + id + "' selects no namespace of the input", u.where);
  }

  // Views of the primary networks, in order: pod network, UDNs, CUDNs.
  NetworkView pod;
  pod.kind = NetworkView::Kind::kPod;
  pod.model = EmptyLike(m);
  std::map<std::pair<int, std::string>, std::size_t> view_of;  // (kind, name) -> index in out.views
  auto view_for = [&](NetworkView::Kind kind, const std::string& name) -> NetworkView& {
    auto key = std::make_pair(static_cast<int>(kind), name);
    auto it = view_of.find(key);
    if (it == view_of.end()) {
      NetworkView v;
      v.kind = kind;
      v.name = name;
      v.model = EmptyLike(m);
      out.views.push_back(std::move(v));
      it = view_of.emplace(key, out.views.size() - 1).first;
    }
    return out.views[it->second];
  };
  // Namespaces: every view knows every namespace (selectors read labels).
  for (const auto& ns : m.k8s_namespaces) pod.model->AddNamespace(ns);
  for (const auto& [ns, p] : primary_of) {
    NetworkView& v = view_for(p.kind, p.name);
    if (v.model->k8s_namespaces.empty())
      for (const auto& n : m.k8s_namespaces) v.model->AddNamespace(n);
  }
  auto network_of_ns = [&](const std::string& ns) -> Model* {
    auto it = primary_of.find(ns);
    if (it == primary_of.end()) return pod.model.get();
    return view_for(it->second.kind, it->second.name).model.get();
  };
  for (std::uint32_t i = 0; i < nw; ++i) {
    const auto& w = m.k8s_workloads[i];
    auto it = primary_of.find(w.meta.ns);
    if (it != primary_of.end())
      out.primary[i] = it->second.name + (it->second.kind == NetworkView::Kind::kUdn ? "[UDN]" : "[CUDN]");
    network_of_ns(w.meta.ns)->AddWorkload(w);
    if (it == primary_of.end()) pod.workloads.push_back(i);
    else view_for(it->second.kind, it->second.name).workloads.push_back(i);
  }
  for (const auto& p : m.k8s_network_policies) network_of_ns(p.meta.ns)->AddNetworkPolicy(p);
  for (const auto& s : m.k8s_services) network_of_ns(s.meta.ns)->AddService(s);
  for (const auto& g : m.k8s_ingresses) network_of_ns(g.meta.ns)->AddIngress(g);
  // AdminNetworkPolicies and the baseline apply in every primary network.
  for (const auto& a : m.k8s_admin_policies) {
    pod.model->AddAdminPolicy(a);
    for (auto& v : out.views) v.model->AddAdminPolicy(a);
  }

  // Secondary networks: NADs by CNI config name.
  std::map<std::string, std::string> network_of_nad;  // "ns/nad" -> network name
  // A secondary network is named by its NADs' name: NADs of one name in
  // several namespaces are one network.
  for (const auto& a : m.k8s_attachments) network_of_nad[a.meta.ns + "/" + a.meta.name] = a.meta.name;
  std::map<std::string, std::size_t> nad_views;
  for (std::uint32_t i = 0; i < nw; ++i) {
    const auto& w = m.k8s_workloads[i];
    for (const auto& ref : w.secondary_networks) {
      auto it = network_of_nad.find(ref);
      if (it == network_of_nad.end()) {
        sink.Warning("unresolved-reference",
                     w.kind + " '" + w.meta.ns + "/" + w.meta.name + "' attaches network '" + ref +
                         "', which no NetworkAttachmentDefinition of the input defines",
                     w.meta.where);
        continue;
      }
      NetworkView& v = view_for(NetworkView::Kind::kNad, it->second);
      if (v.model->k8s_namespaces.empty())
        for (const auto& n : m.k8s_namespaces) v.model->AddNamespace(n);
      if (std::find(v.workloads.begin(), v.workloads.end(), i) == v.workloads.end()) {
        v.model->AddWorkload(w);
        v.workloads.push_back(i);
        out.secondary[i].push_back(it->second + "[NAD]");
      }
    }
  }
  for (auto& list : out.secondary) std::sort(list.begin(), list.end());
  for (const auto& p : m.k8s_multi_policies) {
    auto ann = p.meta.annotations.find(kPolicyFor);
    if (ann == p.meta.annotations.end()) {
      sink.Warning("missing-field",
                   "MultiNetworkPolicy '" + p.meta.ns + "/" + p.meta.name + "' has no " + kPolicyFor +
                       " annotation: it applies to no network",
                   p.meta.where);
      continue;
    }
    std::set<std::string> nets;
    std::string list = ann->second;
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = list.find(',', start);
      std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) {
        std::string ref = item.find('/') == std::string::npos ? p.meta.ns + "/" + item : item;
        auto it = network_of_nad.find(ref);
        if (it != network_of_nad.end()) nets.insert(it->second);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (const auto& n : nets) {
      auto it = view_of.find({static_cast<int>(NetworkView::Kind::kNad), n});
      if (it == view_of.end()) continue;
      Model& vm = *out.views[it->second].model;
      // On a secondary network an ipBlock names the workloads whose
      // declared secondary addresses it holds (multi-networkpolicy matches
      // the attachment's addresses): compile it to a selector of them.
      k8s::NetworkPolicy copy = p;
      int k = 0;
      for (auto* rules : {&copy.ingress, &copy.egress})
        for (auto& rule : *rules)
          for (auto& peer : rule.peers) {
            if (!peer.ip_block) continue;
            std::string label = "grantpath.io/ipblock-" + std::to_string(vm.k8s_network_policies.size()) + "-" +
                                std::to_string(k++);
            auto block = ParseCidr(peer.cidr);
            std::vector<IpRange> except;
            for (const auto& e : peer.except)
              if (auto r = ParseCidr(e)) except.push_back(*r);
            for (auto& w : vm.k8s_workloads)
              for (const auto& ip : w.secondary_ips) {
                auto addr = ParseCidr(ip.substr(0, ip.find('/')));
                if (!addr || !block || !block->Contains(*addr)) continue;
                bool excluded = false;
                for (const auto& e : except) excluded |= e.Contains(*addr);
                if (!excluded) w.pod_labels[label] = "true";
              }
            peer.ip_block = false;
            peer.cidr.clear();
            peer.except.clear();
            peer.pod_selector = k8s::LabelSelector{};
            peer.pod_selector->present = true;
            peer.pod_selector->match_labels[label] = "true";
            peer.namespace_selector = k8s::LabelSelector{};
            peer.namespace_selector->present = true;
          }
      vm.AddNetworkPolicy(std::move(copy));
    }
  }
  // Order: pod network first, then UDNs, CUDNs and NADs by name.
  std::sort(out.views.begin(), out.views.end(), [](const NetworkView& a, const NetworkView& b) {
    return std::make_pair(static_cast<int>(a.kind), a.name) < std::make_pair(static_cast<int>(b.kind), b.name);
  });
  out.views.insert(out.views.begin(), std::move(pod));
  return out;
}

}  // namespace grantpath::net

#include "engine/net.h"

#include <algorithm>
#include <optional>
#include <ranges>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace grantpath::net {
namespace {

constexpr const char* kNsNameLabel = "kubernetes.io/metadata.name";

void AppendU32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }

std::string LabelKey(const std::string& k, const std::string& v) {
  std::string key;
  key.reserve(k.size() + v.size() + 1);
  key += k;
  key += '\0';
  key += v;
  return key;
}

// A kind as the user wrote it ("" = any) against an object's kind, ignoring case.
bool KindMatches(const std::string& wanted, const std::string& kind) {
  return wanted.empty() ||
         std::equal(wanted.begin(), wanted.end(), kind.begin(), kind.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

// A selector's content as a string: equal keys select the same.
void AppendSelectorKey(std::string& key, const k8s::LabelSelector& sel) {
  for (const auto& [k, v] : sel.match_labels) key.append(k).append(1, '\x01').append(v).append(1, '\x02');
  key += '\x03';
  for (const auto& r : sel.match_expressions) {
    key.append(r.key).append(1, '\x01').append(std::to_string(static_cast<int>(r.op)));
    for (const auto& v : r.values) key.append(1, '\x01').append(v);
    key += '\x02';
  }
  key += '\x04';
}

std::string NpName(const k8s::NetworkPolicy& p) { return p.meta.ns + "/" + p.meta.name; }

}  // namespace

std::vector<IpRange> BlockSet(const IpRange& cidr, const std::vector<IpRange>& except) {
  std::vector<IpRange> out{cidr};
  for (const auto& x : except) {
    std::vector<IpRange> next;
    for (const auto& r : out) {
      if (!r.Overlaps(x)) {
        next.push_back(r);
        continue;
      }
      if (x.lo > r.lo) next.push_back(IpRange{r.family, r.lo, x.lo - 1});
      if (x.hi < r.hi) next.push_back(IpRange{r.family, x.hi + 1, r.hi});
    }
    out = std::move(next);
  }
  return out;
}

std::string Endpoint::Display() const {
  switch (kind) {
    case EndpointKind::kPod: return (ns.empty() ? "" : ns + "/") + name + "[" + workload_kind + "]";
    case EndpointKind::kExternal: return FormatRange(range) + "[External]";
    case EndpointKind::kIngressController: return "{ingress-controller}";
  }
  return "?";
}

std::string Reason::Describe(const Model& model) const {
  const char* dir = ingress ? "ingress" : "egress";
  switch (tier) {
    case Tier::kNetworkPolicy: {
      const auto& np = model.k8s_network_policies[policy];
      std::string name = np.kind + " '" + NpName(np) + "'";
      if (rule < 0) return name + " isolates the pod for " + dir + " and no " + dir + " rule matches";
      return name + " " + dir + " rule #" + std::to_string(rule + 1) + " allows";
    }
    case Tier::kAdmin:
    case Tier::kBaseline: {
      const auto& ap = model.k8s_admin_policies[policy];
      const auto& rules = ingress ? ap.ingress : ap.egress;
      std::string rname = rule >= 0 && static_cast<std::size_t>(rule) < rules.size() && !rules[rule].name.empty()
                              ? "'" + rules[rule].name + "'"
                              : "#" + std::to_string(rule + 1);
      std::string verb = action == "Allow" ? "allows" : action == "Deny" ? "denies" : "passes";
      return ap.kind + " '" + ap.meta.name + "'" +
             (ap.kind == "ClusterNetworkPolicy" ? std::string(ap.baseline ? " (tier Baseline)" : " (tier Admin)") : "") +
             " " + dir + " rule " + rname + " " + verb;
    }
    case Tier::kDefault:
      return std::string("no policy restricts ") + dir + " (default allow)";
    case Tier::kCni:
    case Tier::kTierEnd:
      return text;
  }
  return "?";
}

Engine::Engine(const Model& model, DiagnosticSink& sink, EngineOptions options)
    : model_(model), sink_(&sink), options_(options) {
  BuildEndpoints(sink);
  BuildAtoms(sink);
  if (!options_.deferred) Finish();
}

void Engine::Finish(const std::vector<std::uint32_t>* focus) {
  if (finished_) return;
  finished_ = true;
  // Pods by display name: variants of one owner share a name until their
  // classes tell them apart (SplitVariants).
  std::map<std::string, std::vector<std::uint32_t>> by_name;
  for (std::uint32_t ep = 0; ep < pod_count_; ++ep) by_name[endpoints_[ep].Display()].push_back(ep);
  if (focus != nullptr) {
    focus_.assign(endpoints_.size(), 0);
    for (std::uint32_t ep : *focus) focus_[ep] = 1;
    // Variants come in together: SplitVariants compares their classes.
    for (const auto& [name, eps] : by_name)
      if (std::any_of(eps.begin(), eps.end(), [&](std::uint32_t ep) { return focus_[ep] != 0; }))
        for (std::uint32_t ep : eps) focus_[ep] = 1;
    for (std::uint32_t ep = 0; ep < pod_count_; ++ep)
      if (focus_[ep]) focus_pods_.push_back(ep);
  }
  BuildClasses(*sink_);
  SplitVariants(*sink_, by_name);
  Validate(*sink_);
}

std::vector<std::uint32_t> Engine::PodCandidates(const std::string& ns, const std::string& name,
                                                 const std::string& kind) const {
  auto kind_ok = [&](const std::string& k) { return KindMatches(kind, k); };
  std::vector<std::uint32_t> out;
  for (std::uint32_t ep = 0; ep < pod_count_; ++ep) {
    const auto& e = endpoints_[ep];
    if (e.ns != ns) continue;
    bool hit = e.name == name && kind_ok(e.workload_kind);
    for (std::uint32_t w : e.workloads) {
      const auto& wl = model_.k8s_workloads[w];
      hit = hit || (wl.meta.name == name && kind_ok(wl.kind));
    }
    if (hit) out.push_back(ep);
  }
  return out;
}

void Engine::SplitVariants(DiagnosticSink& sink, const std::map<std::string, std::vector<std::uint32_t>>& by_name) {
  for (const auto& [name, eps] : by_name) {
    if (eps.size() < 2 || !HasClass(eps.front())) continue;  // out of focus: all or none of a name are
    std::set<std::uint32_t> cls;
    for (auto ep : eps) cls.insert(endpoints_[ep].cls);
    if (cls.size() < 2) continue;  // identical behaviour: one name is exact
    const auto& first = model_.k8s_workloads[endpoints_[eps.front()].workloads.front()];
    sink.Warning("owner-variants",
                 "pods of " + name + " have labels that policies tell apart; they are reported one by one as " +
                     endpoints_[eps.front()].ns + "/POD[Pod]",
                 first.meta.where);
    for (auto ep : eps) {
      auto& e = endpoints_[ep];
      e.name = model_.k8s_workloads[e.workloads.front()].meta.name;
      e.workload_kind = "Pod";
    }
  }
}

void Engine::Validate(DiagnosticSink& sink) {
  std::map<std::string, SourceRange> seen;
  auto dup = [&](const std::string& what, const SourceRange& where) {
    auto [it, inserted] = seen.emplace(what, where);
    if (!inserted)
      sink.Warning("duplicate-object", what + " is defined twice; both copies are analyzed (the API server keeps one)",
                   where);
  };
  for (const auto& ns : model_.k8s_namespaces) dup("Namespace '" + ns.meta.name + "'", ns.meta.where);
  // Network policies defined twice are reported by the loader, with both
  // places.
  for (const auto& ap : model_.k8s_admin_policies)
    if (!ap.banp()) dup(ap.kind + " '" + ap.meta.name + "'", ap.meta.where);
  for (const auto& p : model_.k8s_network_policies)
    for (const auto& r : p.egress) {
      bool ip = std::any_of(r.peers.begin(), r.peers.end(), [](const auto& x) { return x.ip_block; });
      for (const auto& port : r.ports)
        if (ip && !port.port_name.empty())
          sink.Warning("named-port-ip",
                       "named port '" + port.port_name +
                           "' cannot be resolved for ipBlock destinations: it allows nothing towards them",
                       port.where);
    }
}

void Engine::BuildEndpoints(DiagnosticSink& sink) {
  std::unordered_map<std::string, std::uint32_t> by_key;
  for (std::uint32_t i = 0; i < model_.k8s_workloads.size(); ++i) {
    const auto& w = model_.k8s_workloads[i];
    // A pod owned by a controller stands for it (kind "Pod" when the owner
    // reference names no kind).
    bool owned = w.kind == "Pod" && !w.owner_name.empty();
    std::string name = owned ? w.owner_name : w.meta.name;
    std::string kind = owned && !w.owner_kind.empty() ? w.owner_kind : w.kind;
    // Pods of one owner with different labels start apart; they merge back
    // for display when no policy tells them apart (SplitVariants).
    std::string key = w.meta.ns + "/" + name + "[" + kind + "]";
    if (owned)
      for (const auto& [k, v] : w.pod_labels) key += "\x01" + k + "\x02" + v;
    if (auto it = by_key.find(key); it != by_key.end()) {
      endpoints_[it->second].workloads.push_back(i);
      continue;
    }
    Endpoint e;
    e.kind = EndpointKind::kPod;
    e.ns = w.meta.ns;
    e.name = name;
    e.workload_kind = kind;
    e.workloads.push_back(i);
    // A Calico HostEndpoint is the host's own interface: no Kubernetes
    // policy selects it, as for a host-networked pod.
    e.host_network = (w.host_network && !options_.host_network_as_pod) || k8s::IsHostEndpoint(w);
    e.where = w.meta.where;
    by_key.emplace(key, static_cast<std::uint32_t>(endpoints_.size()));
    endpoints_.push_back(std::move(e));
  }
  pod_count_ = static_cast<std::uint32_t>(endpoints_.size());

  // Namespaces: labels as written plus the automatic name label; those
  // referenced but not defined exist with the name label only.
  for (const auto& ns : model_.k8s_namespaces) {
    auto labels = ns.meta.labels;
    labels[kNsNameLabel] = ns.meta.name;
    ns_labels_[ns.meta.name] = std::move(labels);
  }
  auto reference = [&](const std::string& ns) {
    if (!ns.empty() && !ns_labels_.count(ns)) ns_labels_[ns] = {{kNsNameLabel, ns}};
  };
  for (const auto& e : endpoints_) reference(e.ns);
  for (const auto& p : model_.k8s_network_policies) reference(p.meta.ns);
  for (const auto& [name, labels] : ns_labels_) {
    ns_id_.emplace(name, static_cast<std::uint32_t>(ns_names_.size()));
    ns_names_.push_back(name);
    ns_label_list_.push_back(&labels);
  }
  ns_pods_.resize(ns_names_.size());
  ep_ns_.resize(pod_count_);
  for (std::uint32_t i = 0; i < pod_count_; ++i) {
    const auto& e = endpoints_[i];
    // A pod without a namespace (none of the parsers leave one so, but
    // the model allows it) is in a namespace no selector matches.
    auto [it, added] = ns_id_.emplace(e.ns, static_cast<std::uint32_t>(ns_names_.size()));
    if (added) {
      ns_names_.push_back(e.ns);
      ns_label_list_.push_back(nullptr);
      ns_pods_.emplace_back();
    }
    ep_ns_[i] = it->second;
    ns_pods_[ep_ns_[i]].push_back(i);
  }
  // On Cilium, selectors (of Kubernetes NetworkPolicies too) see the
  // labels of the pod's identity: its namespace, service account, cluster
  // and namespace labels besides its own.
  if (PolicyCni(model_) == "cilium") {
    identity_labels_.resize(pod_count_);
    for (std::uint32_t i = 0; i < pod_count_; ++i) {
      const auto& w = model_.k8s_workloads[endpoints_[i].workloads.front()];
      auto& l = identity_labels_[i];
      l = w.pod_labels;
      l["io.kubernetes.pod.namespace"] = endpoints_[i].ns;
      l["io.cilium.k8s.policy.serviceaccount"] = w.service_account;
      l["io.cilium.k8s.policy.cluster"] = "default";
      for (const auto& [k, v] : NamespaceLabels(endpoints_[i].ns)) l["io.cilium.k8s.namespace.labels." + k] = v;
    }
  }
  for (std::uint32_t i = 0; i < pod_count_; ++i)
    for (const auto& [k, v] : SelectorLabels(i)) label_index_[LabelKey(k, v)].push_back(i);
  (void)sink;
}

void Engine::BuildAtoms(DiagnosticSink& sink) {
  // [side][family]: boundaries of the source and destination partitions.
  std::set<U128> bounds[2][2] = {{{0}, {0}}, {{0}, {0}}};
  std::set<std::string> reported;
  auto parse = [&](const std::string& cidr, SourceRange where) -> std::optional<IpRange> {
    auto r = ParseCidr(cidr);
    if (!r && reported.insert(cidr).second)
      sink.Error("invalid-cidr", "'" + cidr + "' is not a valid CIDR; the peer matches no address", where);
    if (r && r->family == 6) has_ipv6_ = true;
    return r;
  };
  // The boundaries of each block's address set (cidr minus excepts, as
  // maximal intervals): the coarsest split in which every range is wholly
  // inside or outside every block.
  auto add = [&](int side, const std::vector<IpRange>& set) {
    for (const auto& r : set) {
      auto& b = bounds[side][r.family == 4 ? 0 : 1];
      b.insert(r.lo);
      U128 max = r.family == 4 ? U128(0xffffffffu) : ~U128(0);
      if (r.hi != max) b.insert(r.hi + 1);
    }
  };
  for (const auto& p : model_.k8s_network_policies) {
    for (int side = 0; side < 2; ++side)
      for (const auto& r : side == 0 ? p.ingress : p.egress)
        for (const auto& peer : r.peers) {
          if (!peer.ip_block) continue;
          auto cidr = parse(peer.cidr, peer.where);
          if (!cidr) continue;
          std::vector<IpRange> except;
          for (const auto& e : peer.except)
            if (auto x = parse(e, peer.where)) except.push_back(*x);
          add(side, BlockSet(*cidr, except));
        }
  }
  for (const auto& ap : model_.k8s_admin_policies)
    for (const auto& r : ap.egress)
      for (const auto& peer : r.peers) {
        std::vector<IpRange> nets;
        for (const auto& n : peer.networks)
          if (auto x = parse(n, peer.where)) nets.push_back(*x);
        add(1, nets);
      }
  // Calico and Cilium address ranges (nets, network sets, CIDR rules).
  auto cni_net = [&](int side, const std::string& cidr, SourceRange where) {
    auto r = parse(cidr, where);
    if (!r) return;
    for (int sd = 0; sd < 2; ++sd)
      if (side < 0 || side == sd) add(sd, {*r});
  };
  const std::string cni = PolicyCni(model_);
  if (cni == "calico") CalicoNets(model_, cni_net);
  if (cni == "cilium") CiliumNets(model_, cni_net);
  IstioNets(model_, cni_net);
  // Both families always: IPv6 clients exist even when no policy names one.
  for (int side = 0; side < 2; ++side)
    for (int fam = 0; fam < 2; ++fam) {
      const auto& b = bounds[side][fam];
      int family = fam == 0 ? 4 : 6;
      U128 max = family == 4 ? U128(0xffffffffu) : ~U128(0);
      for (auto it = b.begin(); it != b.end(); ++it) {
        auto next = std::next(it);
        Endpoint e;
        e.kind = EndpointKind::kExternal;
        e.source_side = side == 0;
        e.range = IpRange{family, *it, next == b.end() ? max : *next - 1};
        endpoints_.push_back(std::move(e));
      }
    }
  if (!model_.k8s_ingresses.empty()) {
    Endpoint e;
    e.kind = EndpointKind::kIngressController;
    ingress_controller_ = static_cast<int>(endpoints_.size());
    endpoints_.push_back(std::move(e));
  }
}

const std::map<std::string, std::string>& Engine::NamespaceLabels(const std::string& ns) const {
  static const std::map<std::string, std::string> kNone;
  auto it = ns_labels_.find(ns);
  return it == ns_labels_.end() ? kNone : it->second;
}

const std::map<std::string, std::string>& Engine::SelectorLabels(std::uint32_t ep) const {
  if (!identity_labels_.empty()) return identity_labels_[ep];
  return model_.k8s_workloads[endpoints_[ep].workloads.front()].pod_labels;
}

const std::map<std::string, std::string>& Engine::PodLabels(std::uint32_t ep) const {
  static const std::map<std::string, std::string> kNone;
  if (endpoints_[ep].kind != EndpointKind::kPod) return kNone;
  return model_.k8s_workloads[endpoints_[ep].workloads.front()].pod_labels;
}

const std::vector<char>& Engine::SelectNamespaces(const k8s::LabelSelector& sel) const {
  // Selectors repeat across policies: cache by content.
  std::string key;
  AppendSelectorKey(key, sel);
  auto [it, inserted] = ns_select_cache_.try_emplace(std::move(key));
  if (inserted) {
    it->second.assign(ns_names_.size(), 0);
    for (std::uint32_t i = 0; i < ns_names_.size(); ++i) it->second[i] = ns_label_list_[i] && sel.Matches(*ns_label_list_[i]) ? 1 : 0;
  }
  return it->second;
}

const std::vector<std::uint32_t>& Engine::SelectPods(const k8s::LabelSelector* ns_sel, const std::string& ns,
                                                     const k8s::LabelSelector* pod_sel, bool with_host_network) const {
  // Peers repeat across policies ("from the monitoring namespace"): cache
  // by content.
  std::string key(with_host_network ? "H" : "-");
  if (ns_sel) AppendSelectorKey(key.append("S"), *ns_sel);
  else key.append("N").append(ns).append(1, '\0');
  if (pod_sel) AppendSelectorKey(key.append("P"), *pod_sel);
  auto [it, inserted] = select_cache_.try_emplace(std::move(key));
  if (inserted) it->second = SelectPodsUncached(ns_sel, ns, pod_sel, with_host_network);
  return it->second;
}

std::vector<std::uint32_t> Engine::SelectPodsUncached(const k8s::LabelSelector* ns_sel, const std::string& ns,
                                                      const k8s::LabelSelector* pod_sel, bool with_host_network) const {
  std::vector<std::uint32_t> out;
  // Namespaces by id: one selector's verdicts, or the single namespace.
  const std::vector<char>* selected = nullptr;
  std::uint32_t only = ~0u;
  if (ns_sel != nullptr) {
    selected = &SelectNamespaces(*ns_sel);
    if (std::find(selected->begin(), selected->end(), 1) == selected->end()) return out;
  } else {
    auto it = ns_id_.find(ns);
    if (it == ns_id_.end()) return out;
    only = it->second;
  }
  auto ns_ok = [&](std::uint32_t ep) { return selected ? (*selected)[ep_ns_[ep]] != 0 : ep_ns_[ep] == only; };
  auto labels_of = [&](std::uint32_t ep) -> const std::map<std::string, std::string>& { return SelectorLabels(ep); };
  auto keep = [&](std::uint32_t ep) { return with_host_network || !endpoints_[ep].host_network; };
  if (!focus_.empty()) {
    for (std::uint32_t ep : focus_pods_)
      if (keep(ep) && ns_ok(ep) && (pod_sel == nullptr || pod_sel->Matches(labels_of(ep)))) out.push_back(ep);
    return out;
  }
  if (pod_sel != nullptr && !pod_sel->match_labels.empty()) {
    // The rarest required label narrows the candidates, unless the one
    // namespace has fewer pods.
    const std::vector<std::uint32_t>* best = nullptr;
    for (const auto& [k, v] : pod_sel->match_labels) {
      auto it = label_index_.find(LabelKey(k, v));
      if (it == label_index_.end()) return out;
      if (best == nullptr || it->second.size() < best->size()) best = &it->second;
    }
    if (selected || best->size() < ns_pods_[only].size()) {
      for (std::uint32_t ep : *best)
        if (keep(ep) && ns_ok(ep) && pod_sel->Matches(labels_of(ep))) out.push_back(ep);
      return out;
    }
  }
  auto scan = [&](std::uint32_t id) {
    for (std::uint32_t ep : ns_pods_[id])
      if (keep(ep) && (pod_sel == nullptr || pod_sel->Matches(labels_of(ep)))) out.push_back(ep);
  };
  if (selected) {
    for (std::uint32_t id = 0; id < selected->size(); ++id)
      if ((*selected)[id]) scan(id);
    std::sort(out.begin(), out.end());
  } else {
    scan(only);
  }
  return out;
}

std::pair<int, int> Engine::NamedPort(std::uint32_t ep, const std::string& name) const {
  const auto& e = endpoints_[ep];
  if (e.kind != EndpointKind::kPod) return {-1, 0};
  for (const auto& c : model_.k8s_workloads[e.workloads.front()].containers)
    for (const auto& p : c.ports)
      if (p.name == name) {
        auto proto = ParseProtocol(p.protocol);
        return {proto ? *proto : -1, p.port};
      }
  return {-1, 0};
}

void Engine::BuildClasses(DiagnosticSink& sink) {
  const std::uint32_t n = static_cast<std::uint32_t>(endpoints_.size());
  std::vector<std::vector<std::uint32_t>> peers(n);
  std::uint32_t next_id = 0;
  // External endpoints come in runs of one side and family, ascending:
  // the atoms inside a range are found by binary search in each run.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;  // [begin, end) endpoint indices
  for (std::uint32_t e = pod_count_; e < n; ++e) {
    if (endpoints_[e].kind != EndpointKind::kExternal) continue;
    const auto& prev = endpoints_[e - 1];
    if (runs.empty() || runs.back().second != e || prev.source_side != endpoints_[e].source_side ||
        prev.range.family != endpoints_[e].range.family)
      runs.emplace_back(e, e + 1);
    else
      runs.back().second = e + 1;
  }
  auto add_atoms = [&](std::uint32_t id, const IpRange& r, const std::vector<IpRange>& except) {
    for (auto [begin, end] : runs) {
      if (endpoints_[begin].range.family != r.family) continue;
      std::uint32_t e = *std::partition_point(
          std::begin(std::views::iota(begin, end)), std::end(std::views::iota(begin, end)),
          [&](std::uint32_t x) { return endpoints_[x].range.lo < r.lo; });
      for (; e < end && endpoints_[e].range.hi <= r.hi; ++e) {
        if (!InFocus(e)) continue;
        const IpRange& a = endpoints_[e].range;
        if (std::any_of(except.begin(), except.end(), [&](const IpRange& x) { return x.Overlaps(a); })) continue;
        peers[e].push_back(id);
      }
    }
  };

  FormBuilder b(model_, sink);
  b.pod_count = pod_count_;
  b.new_peer = [&] { return next_id++; };
  b.add_pods = [&](std::uint32_t id, const std::vector<std::uint32_t>& pods) {
    for (std::uint32_t ep : pods)
      if (InFocus(ep)) peers[ep].push_back(id);
  };
  b.add_nets = [&](std::uint32_t id, const IpRange& r, const std::vector<IpRange>& except) { add_atoms(id, r, except); };
  b.add_controller = [&](std::uint32_t id) {
    if (ingress_controller_ >= 0 && InFocus(static_cast<std::uint32_t>(ingress_controller_)))
      peers[ingress_controller_].push_back(id);
  };
  b.in_focus = [&](std::uint32_t ep) { return InFocus(ep); };
  b.select_pods = [&](const k8s::LabelSelector* ns_sel, const std::string& ns,
                      const k8s::LabelSelector* pod_sel) -> const std::vector<std::uint32_t>& {
    return SelectPods(ns_sel, ns, pod_sel);
  };
  b.pod_ns = [&](std::uint32_t ep) -> const std::string& { return endpoints_[ep].ns; };
  b.pod_labels = [&](std::uint32_t ep) -> const std::map<std::string, std::string>& { return SelectorLabels(ep); };
  b.pod_service_account = [&](std::uint32_t ep) -> const std::string& {
    return model_.k8s_workloads[endpoints_[ep].workloads.front()].service_account;
  };
  b.pod_host_network = [&](std::uint32_t ep) {
    const auto& w = model_.k8s_workloads[endpoints_[ep].workloads.front()];
    return w.host_network || k8s::IsHostEndpoint(w);
  };
  b.pod_host_endpoint = [&](std::uint32_t ep) {
    return k8s::IsHostEndpoint(model_.k8s_workloads[endpoints_[ep].workloads.front()]);
  };
  std::map<std::uint32_t, std::vector<std::string>> merged_ips;
  b.pod_ips = [&](std::uint32_t ep) -> const std::vector<std::string>& {
    const auto& ws = endpoints_[ep].workloads;
    if (ws.size() == 1) return model_.k8s_workloads[ws.front()].pod_ips;
    // Several pods stand for one endpoint: all their addresses.
    auto [it, added] = merged_ips.try_emplace(ep);
    if (added)
      for (std::uint32_t w : ws)
        for (const auto& ip : model_.k8s_workloads[w].pod_ips) it->second.push_back(ip);
    return it->second;
  };
  b.pod_workload = [&](std::uint32_t ep) -> const k8s::Workload& {
    return model_.k8s_workloads[endpoints_[ep].workloads.front()];
  };
  b.ns_labels = [&](const std::string& ns) -> const std::map<std::string, std::string>& { return NamespaceLabels(ns); };
  b.named_port = [&](std::uint32_t ep, const std::string& name) { return NamedPort(ep, name); };
  b.enforce_staged = options_.enforce_staged;
  form_ = PolicyForm{};
  CompileKubernetes(b, form_, np_peer_);
  const std::string cni = PolicyCni(model_);
  if (cni == "calico") CompileCalico(b, form_);
  if (cni == "cilium") CompileCilium(b, form_);
  CompileIstio(b, form_);
  cni_form_ = form_.cni != "kubernetes";
  for (auto& v : peers) v.erase(std::unique(v.begin(), v.end()), v.end());

  // Subjects: flat policy ids in evaluation order.
  flat_.clear();
  std::vector<std::array<std::vector<std::uint32_t>, 2>> sel(n);
  for (std::uint32_t t = 0; t < form_.tiers.size(); ++t)
    for (std::uint32_t k = 0; k < form_.tiers[t].policies.size(); ++k) {
      const auto& fp = form_.tiers[t].policies[k];
      std::uint32_t id = static_cast<std::uint32_t>(flat_.size());
      flat_.emplace_back(t, k);
      for (std::uint32_t ep : fp.subjects)
        for (int dir = 0; dir < 2; ++dir)
          if (fp.applies[dir] && InFocus(ep)) sel[ep][dir].push_back(id);
    }
  np_selects_.assign(model_.k8s_network_policies.size(), {});
  np_flat_.assign(model_.k8s_network_policies.size(), {0, 0});
  for (std::uint32_t t = 0; t < form_.tiers.size(); ++t)
    for (std::uint32_t k = 0; k < form_.tiers[t].policies.size(); ++k) {
      const auto& fp = form_.tiers[t].policies[k];
      if (fp.origin != Origin::kNetworkPolicy) continue;
      np_selects_[fp.index] = fp.subjects;
      np_flat_[fp.index] = {t, k};
    }

  // Named ports in use anywhere.
  std::set<std::string> names;
  for (const auto& tier : form_.tiers)
    for (const auto& fp : tier.policies)
      for (const auto& rules : fp.rules)
        for (const auto& r : rules) {
          for (const auto& [proto, name] : r.ports.named) names.insert(name);
          for (const auto& [proto, name] : r.ports.not_named) names.insert(name);
        }

  std::unordered_map<std::string, std::uint32_t> class_of, profile_of;
  std::string sig, profile;
  for (std::uint32_t ep = 0; ep < n; ++ep) {
    if (!InFocus(ep)) {
      endpoints_[ep].cls = kNoClass;
      continue;
    }
    sig.clear();
    profile.clear();
    const auto& e = endpoints_[ep];
    // The numbers the named ports in use stand for on this endpoint
    // (none for addresses).
    for (const auto& name : names) {
      auto [proto, num] = NamedPort(ep, name);
      AppendU32(profile, static_cast<std::uint32_t>(proto + 1));
      AppendU32(profile, static_cast<std::uint32_t>(num));
    }
    if (e.kind != EndpointKind::kPod) {
      sig = "X";
      AppendU32(sig, ep);
    } else {
      sig = e.host_network ? "H" : "P";
      for (const auto* list : {&sel[ep][0], &sel[ep][1], &peers[ep]}) {
        AppendU32(sig, static_cast<std::uint32_t>(list->size()));
        sig.append(reinterpret_cast<const char*>(list->data()), list->size() * sizeof(std::uint32_t));
      }
      sig += profile;
    }
    auto [it, inserted] = class_of.emplace(sig, static_cast<std::uint32_t>(classes_.size()));
    endpoints_[ep].cls = it->second;
    if (!inserted) continue;
    Class c;
    c.rep = ep;
    c.pod = e.kind == EndpointKind::kPod;
    auto [pit, new_profile] = profile_of.emplace(profile, static_cast<std::uint32_t>(profile_rep_.size()));
    if (new_profile) profile_rep_.push_back(static_cast<std::uint32_t>(classes_.size()));
    c.port_profile = pit->second;
    if (!peers[ep].empty()) {
      c.peer_bits.assign(peers[ep].back() / 64 + 1, 0);
      for (std::uint32_t id : peers[ep]) c.peer_bits[id / 64] |= std::uint64_t(1) << (id % 64);
    }
    if (c.pod && (!e.host_network || k8s::IsHostEndpoint(model_.k8s_workloads[e.workloads.front()]))) c.sel = sel[ep];
    classes_.push_back(std::move(c));
  }
}

ConnTable::Id Engine::RuleConns(const FormRule& rule, std::uint32_t dst) {
  const FormPorts& p = rule.ports;
  if (!p.HasNamed() && rule.conns != ConnTable::kUnset) return rule.conns;
  auto key = std::make_pair(static_cast<const void*>(&rule), p.HasNamed() ? classes_[endpoints_[dst].cls].port_profile : ~0u);
  if (auto it = port_cache_.find(key); it != port_cache_.end()) return it->second;
  auto named = [&](const std::vector<std::pair<int, std::string>>& list, PortSet& s) {
    for (const auto& [proto, name] : list) {
      auto [pp, num] = NamedPort(dst, name);
      if (pp >= 0 && (proto < 0 || pp == proto)) s.Add(pp, num, num);
    }
  };
  PortSet s = p.all ? PortSet::All() : p.ports;
  if (!p.all) named(p.named, s);
  PortSet minus = p.not_ports;
  named(p.not_named, minus);
  if (!minus.empty()) s = s.Subtract(minus);
  ConnTable::Id id = conns_.Intern(s);
  if (!p.HasNamed()) rule.conns = id;
  else port_cache_.emplace(key, id);
  return id;
}

ConnTable::Id Engine::NpPortsConns(std::uint32_t policy, bool ingress, std::size_t rule, std::uint32_t dst) {
  const auto& [t, k] = np_flat_[policy];
  return RuleConns(form_.tiers[t].policies[k].rules[ingress ? 0 : 1][rule], dst);
}

ConnTable::Id Engine::Direction(std::uint32_t subject, std::uint32_t peer, bool ingress,
                                std::vector<Reason>* why) {
  const Class& pc = classes_[endpoints_[peer].cls];
  ConnTable::Id c = Decide(
      subject, [&](std::uint32_t id) { return Matches(pc, id); }, ingress ? subject : peer, ingress, why);
  if (why == nullptr) return c;
  // Policies that select the subject but do not apply: named, never part
  // of the verdict.
  auto unapplied = [&](const FormPolicy& fp, const char* action, const std::string& text) {
    Reason r;
    r.tier = Reason::Tier::kCni;
    r.ingress = ingress;
    r.policy = fp.index;
    r.action = action;
    r.kind = fp.kind;
    r.name = fp.name;
    r.where = fp.where;
    r.text = fp.kind + " '" + fp.name + "' " + text + ", not part of this verdict";
    why->push_back(std::move(r));
  };
  // Istio policies on a pod without a proxy.
  if (ingress)
    for (const auto& tier : form_.tiers)
      for (const auto& fp : tier.policies)
        if (fp.origin == Origin::kIstio && std::binary_search(fp.unenforced.begin(), fp.unenforced.end(), subject))
          unapplied(fp, "Not enforced", "selects the pod, which has no Istio proxy: not enforced");
  // Calico's staged policies.
  for (const auto& sp : form_.staged)
    if (sp.applies[ingress ? 0 : 1] && std::binary_search(sp.subjects.begin(), sp.subjects.end(), subject))
      unapplied(sp, "Staged",
                std::string("selects the pod for ") + (ingress ? "ingress" : "egress") + " but is staged: never enforced");
  return c;
}

Reason Engine::MakeReason(const FormPolicy& fp, const FormTier& tier, bool ingress, const FormRule* rule,
                          Action action, ConnTable::Id c) const {
  Reason r;
  r.ingress = ingress;
  r.policy = fp.index;
  r.rule = rule ? rule->index : -1;
  r.action = ActionName(action);
  r.conns = c;
  r.where = rule ? rule->where : fp.where;
  r.form_rule = rule;
  switch (fp.origin) {
    case Origin::kNetworkPolicy: r.tier = Reason::Tier::kNetworkPolicy; return r;
    case Origin::kAdmin: r.tier = Reason::Tier::kAdmin; return r;
    case Origin::kBaseline: r.tier = Reason::Tier::kBaseline; return r;
    default: break;
  }
  r.tier = Reason::Tier::kCni;
  r.kind = fp.kind;
  r.name = fp.name;
  r.tier_name = tier.name;
  const char* dir = ingress ? "ingress" : "egress";
  std::string verb = action == Action::kAllow ? "allows" : action == Action::kDeny ? "denies" : "passes";
  // Istio's ALLOW rules pass the connection on to the CNI's tiers.
  if (fp.origin == Origin::kIstio && action == Action::kPass) {
    verb = tier.name == "istio-allow" ? "allows (the network policies still decide)" : "does not deny the connection";
    if (tier.name == "istio-allow") r.action = "Allow";
  }
  std::string where = form_.cni == "calico" ? " (tier '" + tier.name + "')" : "";
  if (rule) {
    r.text = fp.kind + " '" + fp.name + "'" + where + " " + dir + " rule " + rule->label + " " + verb;
    if (!rule->note.empty()) r.text += "; " + rule->note;
  } else {
    r.text = fp.kind + " '" + fp.name + "'" + where + " selects the pod for " + dir + " and no rule matches";
  }
  return r;
}

// No policy restricts the direction (or nothing decided): allowed.
static Reason DefaultAllow(bool ingress, ConnTable::Id conns) {
  Reason r;
  r.tier = Reason::Tier::kDefault;
  r.ingress = ingress;
  r.action = "Allow";
  r.conns = conns;
  return r;
}

// A default that denied: the end of a tier, or the form's final action.
static Reason EndReason(bool ingress, ConnTable::Id conns, const std::string& tier, std::string text,
                        SourceRange where) {
  Reason rs;
  rs.tier = Reason::Tier::kTierEnd;
  rs.ingress = ingress;
  rs.action = "Deny";
  rs.conns = conns;
  rs.where = where;
  rs.tier_name = tier;
  rs.text = std::move(text);
  return rs;
}

template <class Match>
ConnTable::Id Engine::Decide(std::uint32_t subject, const Match& matches, std::uint32_t dst, bool ingress,
                             std::vector<Reason>* why) {
  const Class& sc = classes_[endpoints_[subject].cls];
  const int dir = ingress ? 0 : 1;
  const auto& sel = sc.sel[dir];
  const bool pod = endpoints_[subject].kind == EndpointKind::kPod;
  if (form_.enforcement_off || sel.empty()) {
    if (form_.final_action == Action::kAllow || !pod || form_.enforcement_off) {
      if (why && pod) why->push_back(DefaultAllow(ingress, ConnTable::kAll));
      return ConnTable::kAll;
    }
  }
  ConnTable::Id allowed = ConnTable::kNone, rem = ConnTable::kAll;
  bool any_tier = false;
  for (std::size_t i = 0; i < sel.size() && rem != ConnTable::kNone;) {
    const std::uint32_t t = flat_[sel[i]].first;
    std::size_t j = i;
    bool counts = false;
    while (j < sel.size() && flat_[sel[j]].first == t) {
      counts = counts || form_.tiers[t].policies[flat_[sel[j]].second].counts[dir];
      ++j;
    }
    const FormTier& tier = form_.tiers[t];
    if (!counts) {
      i = j;
      continue;
    }
    any_tier = true;
    if (tier.union_allow) {
      // NetworkPolicy semantics: the union of the matching rules, the rest denied.
      ConnTable::Id got = ConnTable::kNone;
      for (std::size_t x = i; x < j; ++x) {
        const FormPolicy& fp = tier.policies[flat_[sel[x]].second];
        bool any = false;
        for (const FormRule& r : fp.rules[dir]) {
          if (r.local >= 0 && !Matches(sc, static_cast<std::uint32_t>(r.local))) continue;
          if (!r.any_peer && !std::any_of(r.peers.begin(), r.peers.end(), matches)) continue;
          ConnTable::Id c = RuleConns(r, dst);
          if (c == ConnTable::kNone) continue;
          got = conns_.Union(got, c);
          any = true;
          if (why) why->push_back(MakeReason(fp, tier, ingress, &r, Action::kAllow, conns_.Intersect(c, rem)));
        }
        if (!any && why && fp.counts[dir]) {
          Reason rs = MakeReason(fp, tier, ingress, nullptr, Action::kDeny, ConnTable::kNone);
          why->push_back(std::move(rs));
        }
      }
      allowed = conns_.Union(allowed, conns_.Intersect(got, rem));
      if (tier.end_action == Action::kDeny) return allowed;
      rem = conns_.Subtract(rem, got);
      i = j;
      continue;
    }
    ConnTable::Id passed = ConnTable::kNone, open = rem;
    for (std::size_t x = i; x < j && open != ConnTable::kNone; ++x) {
      const FormPolicy& fp = tier.policies[flat_[sel[x]].second];
      for (const FormRule& r : fp.rules[dir]) {
        if (r.action == Action::kLog) continue;
        if (r.local >= 0 && !Matches(sc, static_cast<std::uint32_t>(r.local))) continue;
        if (!r.any_peer && !std::any_of(r.peers.begin(), r.peers.end(), matches)) continue;
        ConnTable::Id c = conns_.Intersect(RuleConns(r, dst), open);
        if (c == ConnTable::kNone) continue;
        if (r.action == Action::kAllow) allowed = conns_.Union(allowed, c);
        if (r.action == Action::kPass) passed = conns_.Union(passed, c);
        else rem = conns_.Subtract(rem, c);
        open = conns_.Subtract(open, c);
        if (why) why->push_back(MakeReason(fp, tier, ingress, &r, r.action, c));
        if (open == ConnTable::kNone) break;
      }
    }
    ConnTable::Id rest = conns_.Subtract(rem, passed);
    if (tier.end_action == Action::kDeny && rest != ConnTable::kNone) {
      rem = passed;
      if (why) {
        std::string names;
        for (std::size_t x = i; x < j; ++x)
          if (tier.policies[flat_[sel[x]].second].counts[dir])
            names += (names.empty() ? "" : ", ") + tier.policies[flat_[sel[x]].second].name;
        why->push_back(EndReason(ingress, rest, tier.name,
                                 "end of tier '" + tier.name + "' (defaultAction Deny): " + names + " selected the " +
                                     (ingress ? "destination" : "source"),
                                 tier.where));
      }
    }
    i = j;
  }
  if (rem != ConnTable::kNone) {
    if (form_.final_action == Action::kAllow || !pod) {
      allowed = conns_.Union(allowed, rem);
      if (why && (pod || any_tier)) {
        if (any_tier && cni_form_) {
          Reason rs = EndReason(ingress, rem, "", form_.final_text, {});
          rs.action = "Allow";
          why->push_back(std::move(rs));
        } else {
          why->push_back(DefaultAllow(ingress, rem));
        }
      }
    } else if (why) {
      why->push_back(EndReason(ingress, rem, "", form_.final_text, {}));
    }
  }
  return allowed;
}

ConnTable::Id Engine::Egress(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* why) {
  return Direction(src, dst, false, why);
}

ConnTable::Id Engine::Ingress(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* why) {
  return Direction(dst, src, true, why);
}

ConnTable::Id Engine::Allowed(std::uint32_t src, std::uint32_t dst, std::vector<Reason>* egress,
                              std::vector<Reason>* ingress) {
  ConnTable::Id e = Egress(src, dst, egress);
  if (e == ConnTable::kNone && egress == nullptr && ingress == nullptr) return e;
  return conns_.Intersect(e, Ingress(src, dst, ingress));
}

Engine::Plan Engine::MakePlan(std::uint32_t cls, bool ingress) {
  Plan plan;
  const Class& c = classes_[cls];
  const int dir = ingress ? 0 : 1;
  const auto& sel = c.sel[dir];
  const bool pod = endpoints_[c.rep].kind == EndpointKind::kPod;
  if (form_.enforcement_off || (sel.empty() && (form_.final_action == Action::kAllow || !pod))) {
    plan.open = true;
    return plan;
  }
  for (std::uint32_t id : sel) {
    const FormPolicy& fp = form_.tiers[flat_[id].first].policies[flat_[id].second];
    for (const FormRule& r : fp.rules[dir]) {
      for (std::uint32_t p : r.peers) plan.ids.push_back(p);
      if (!ingress && r.ports.HasNamed()) plan.by_profile = true;
    }
  }
  std::sort(plan.ids.begin(), plan.ids.end());
  plan.ids.erase(std::unique(plan.ids.begin(), plan.ids.end()), plan.ids.end());
  plan.exact = plan.ids.size() <= kPlanPeers;
  if (plan.exact && !plan.by_profile) plan.base = PlanVerdict(plan, cls, ingress, {}, cls);
  return plan;
}

ConnTable::Id Engine::PlanVerdict(Plan& plan, std::uint32_t cls, bool ingress, const std::vector<std::uint32_t>& pos,
                                  std::uint32_t peer_cls) {
  const std::uint32_t profile = plan.by_profile ? classes_[peer_cls].port_profile : 0;
  std::string key;
  AppendU32(key, profile);
  key.append(reinterpret_cast<const char*>(pos.data()), pos.size() * sizeof(std::uint32_t));
  auto [it, inserted] = plan.memo.try_emplace(std::move(key), ConnTable::kNone);
  if (!inserted) return it->second;
  auto matches = [&](std::uint32_t id) {
    auto at = std::lower_bound(plan.ids.begin(), plan.ids.end(), id);
    if (at == plan.ids.end() || *at != id) return false;
    return std::binary_search(pos.begin(), pos.end(), static_cast<std::uint32_t>(at - plan.ids.begin()));
  };
  // Named ports resolve against the destination: the subject for ingress,
  // a class of the peer's profile for egress.
  const std::uint32_t subject = classes_[cls].rep;
  const std::uint32_t dst = ingress ? subject : classes_[profile_rep_[classes_[peer_cls].port_profile]].rep;
  it->second = Decide(subject, matches, dst, ingress, nullptr);
  return it->second;
}

void Engine::ClassRows(const std::function<void(std::uint32_t src, const std::vector<ConnTable::Id>& row)>& f) {
  const std::uint32_t n = static_cast<std::uint32_t>(classes_.size());
  std::vector<Plan> in(n), out(n);
  for (std::uint32_t c = 0; c < n; ++c) {
    in[c] = MakePlan(c, true);
    out[c] = MakePlan(c, false);
  }
  // Which classes match each peer id, and which ingress plans consult it
  // (class, bit).
  std::uint32_t ids = 0;
  for (const auto& c : classes_) ids = std::max<std::uint32_t>(ids, static_cast<std::uint32_t>(c.peer_bits.size() * 64));
  std::vector<std::vector<std::uint32_t>> matching(ids);
  for (std::uint32_t c = 0; c < n; ++c)
    for (std::size_t w = 0; w < classes_[c].peer_bits.size(); ++w)
      for (std::uint64_t bits = classes_[c].peer_bits[w]; bits != 0; bits &= bits - 1)
        matching[w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(bits))].push_back(c);
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> consulted(ids);
  std::vector<std::uint32_t> inexact_in;
  for (std::uint32_t d = 0; d < n; ++d) {
    if (in[d].open) continue;
    if (!in[d].exact) {
      inexact_in.push_back(d);
      continue;
    }
    for (std::uint32_t i = 0; i < in[d].ids.size(); ++i)
      if (in[d].ids[i] < ids) consulted[in[d].ids[i]].emplace_back(d, i);
  }
  std::vector<ConnTable::Id> base_in(n), egress(n), ingress(n), row(n);
  for (std::uint32_t d = 0; d < n; ++d) base_in[d] = in[d].open ? ConnTable::kAll : in[d].base;
  // Per class, the positions (in the plan being evaluated) of the peers it
  // matches, ascending.
  std::vector<std::vector<std::uint32_t>> mask(n);
  std::vector<std::uint32_t> touched;
  for (std::uint32_t s = 0; s < n; ++s) {
    // Egress of s towards each class.
    Plan& eg = out[s];
    if (eg.open) {
      std::fill(egress.begin(), egress.end(), ConnTable::kAll);
    } else if (!eg.exact) {
      for (std::uint32_t d = 0; d < n; ++d) egress[d] = Direction(classes_[s].rep, classes_[d].rep, false, nullptr);
    } else {
      touched.clear();
      for (std::uint32_t i = 0; i < eg.ids.size(); ++i) {
        if (eg.ids[i] >= ids) continue;
        for (std::uint32_t d : matching[eg.ids[i]]) {
          if (mask[d].empty()) touched.push_back(d);
          mask[d].push_back(i);
        }
      }
      if (eg.by_profile) {
        for (std::uint32_t d = 0; d < n; ++d) egress[d] = PlanVerdict(eg, s, false, mask[d], d);
      } else {
        std::fill(egress.begin(), egress.end(), eg.base);
        for (std::uint32_t d : touched) egress[d] = PlanVerdict(eg, s, false, mask[d], d);
      }
      for (std::uint32_t d : touched) mask[d].clear();
    }
    // Ingress of each class from s: the peers of its plan that s matches.
    ingress = base_in;
    touched.clear();
    const auto& bits = classes_[s].peer_bits;
    for (std::size_t w = 0; w < bits.size(); ++w)
      for (std::uint64_t b = bits[w]; b != 0; b &= b - 1)
        for (auto [d, i] : consulted[w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(b))]) {
          if (mask[d].empty()) touched.push_back(d);
          mask[d].push_back(i);
        }
    for (std::uint32_t d : touched) {
      ingress[d] = PlanVerdict(in[d], d, true, mask[d], s);
      mask[d].clear();
    }
    for (std::uint32_t d : inexact_in) ingress[d] = Direction(classes_[d].rep, classes_[s].rep, true, nullptr);
    for (std::uint32_t d = 0; d < n; ++d) {
      ConnTable::Id e = egress[d], i = ingress[d];
      row[d] = e == ConnTable::kNone || i == ConnTable::kAll ? e
               : e == ConnTable::kAll || e == i           ? i
               : i == ConnTable::kNone                    ? ConnTable::kNone
                                                          : conns_.Intersect(e, i);
    }
    f(s, row);
  }
}

std::vector<ConnTable::Id> Engine::ClassMatrix() {
  const std::size_t n = classes_.size();
  std::vector<ConnTable::Id> m(n * n, ConnTable::kNone);
  ClassRows([&](std::uint32_t s, const std::vector<ConnTable::Id>& row) {
    std::copy(row.begin(), row.end(), m.begin() + static_cast<std::ptrdiff_t>(s * n));
  });
  return m;
}

bool Engine::Isolated(std::uint32_t ep, int dir) const {
  if (endpoints_[ep].cls == kNoClass) return false;
  const Class& c = classes_[endpoints_[ep].cls];
  if (form_.final_action == Action::kDeny && c.pod) return true;
  for (std::uint32_t id : c.sel[dir]) {
    const FormTier& t = form_.tiers[flat_[id].first];
    if (t.end_action == Action::kDeny && t.policies[flat_[id].second].counts[dir]) return true;
  }
  return false;
}
bool Engine::RuleMatchesPeer(const FormRule& r, std::uint32_t ep) const {
  if (r.any_peer) return true;
  const Class& c = classes_[endpoints_[ep].cls];
  return std::any_of(r.peers.begin(), r.peers.end(), [&](std::uint32_t id) { return Matches(c, id); });
}

bool Engine::RuleMatchesSubject(const FormRule& r, std::uint32_t ep) const {
  return r.local < 0 || Matches(classes_[endpoints_[ep].cls], static_cast<std::uint32_t>(r.local));
}

bool Engine::IngressIsolated(std::uint32_t ep) const { return Isolated(ep, 0); }
bool Engine::EgressIsolated(std::uint32_t ep) const { return Isolated(ep, 1); }

std::vector<std::uint32_t> Engine::SelectingPolicies(std::uint32_t ep) const {
  const Class& c = classes_[endpoints_[ep].cls];
  std::vector<std::uint32_t> out;
  for (int dir = 0; dir < 2; ++dir)
    for (std::uint32_t id : c.sel[dir]) {
      const FormPolicy& fp = form_.tiers[flat_[id].first].policies[flat_[id].second];
      if (fp.origin == Origin::kNetworkPolicy) out.push_back(fp.index);
    }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Engine::NpPeerMatches(std::uint32_t p, bool ingress, std::size_t r, std::size_t k, std::uint32_t ep) const {
  return Matches(classes_[endpoints_[ep].cls], np_peer_[p][ingress ? 0 : 1][r][k]);
}

ConnTable::Id Engine::NpRuleConns(std::uint32_t p, bool ingress, std::size_t r, std::uint32_t dst) {
  return NpPortsConns(p, ingress, r, dst);
}

std::vector<std::pair<std::uint32_t, ConnTable::Id>> Engine::ServiceTargets(
    const k8s::Service& svc, const std::function<bool(const k8s::ServicePort&)>& keep) {
  std::vector<std::pair<std::uint32_t, ConnTable::Id>> out;
  // A Service without a selector (or with an empty one) has hand-made
  // endpoints: no pod of the input is known to back it.
  if (!svc.has_selector || svc.selector.empty()) return out;
  k8s::LabelSelector sel;
  sel.present = true;
  sel.match_labels = svc.selector;
  for (std::uint32_t ep : SelectPods(nullptr, svc.meta.ns, &sel, /*with_host_network=*/true)) {
    PortSet s;
    for (const auto& sp : svc.ports) {
      if (keep && !keep(sp)) continue;
      auto proto = ParseProtocol(sp.protocol);
      if (!proto) continue;
      if (!sp.target_port_name.empty()) {
        auto [pp, num] = NamedPort(ep, sp.target_port_name);
        if (pp == *proto) s.Add(pp, num, num);
      } else {
        s.Add(*proto, sp.target_port, sp.target_port);
      }
    }
    out.emplace_back(ep, conns_.Intern(s));
  }
  return out;
}

ConnTable::Id Engine::DeclaredTcpPorts(std::uint32_t ep) {
  const auto& e = endpoints_[ep];
  if (e.workloads.empty()) return ConnTable::kNone;
  const auto& w = model_.k8s_workloads[e.workloads.front()];
  PortSet s;
  if (w.kind == "VirtualMachine" || w.kind == "VirtualMachineInstance") {
    s.Add(kTCP, 1, 65535);
  } else {
    for (const auto& c : w.containers)
      for (const auto& p : c.ports)
        if (p.protocol == "TCP" && p.port > 0) s.Add(kTCP, p.port, p.port);
  }
  return conns_.Intern(s);
}

std::vector<Engine::Backend> Engine::IngressBackends() {
  std::vector<Backend> out;
  std::map<std::pair<std::string, std::string>, const k8s::Service*> services;
  for (const auto& s : model_.k8s_services) services.emplace(std::make_pair(s.meta.ns, s.meta.name), &s);
  for (std::uint32_t i = 0; i < model_.k8s_ingresses.size(); ++i) {
    const auto& ing = model_.k8s_ingresses[i];
    for (std::size_t b = 0; b < ing.backends.size(); ++b) {
      const auto& be = ing.backends[b];
      auto it = services.find({ing.meta.ns, be.service});
      if (it == services.end()) continue;
      // An Ingress names a Service port (number or name); a Route names
      // the target port, matched against the Service port's number, name,
      // targetPort or named targetPort; a Route without a port takes all.
      auto keep = [&](const k8s::ServicePort& sp) {
        if (be.any_port) return true;
        if (!be.by_target) return be.port_name.empty() ? sp.port == be.port : sp.name == be.port_name;
        return be.port_name.empty() ? (sp.port == be.port || sp.target_port == be.port)
                                    : (sp.name == be.port_name || sp.target_port_name == be.port_name);
      };
      for (auto [ep, ports] : ServiceTargets(*it->second, keep)) {
        if (options_.ingress_declared_ports) ports = conns_.Intersect(ports, DeclaredTcpPorts(ep));
        if (ports != ConnTable::kNone) out.push_back(Backend{i, b, ep, ports});
      }
    }
  }
  return out;
}

int Engine::FindPod(const std::string& ns, const std::string& name, const std::string& kind) const {
  auto kind_ok = [&](const std::string& k) { return KindMatches(kind, k); };
  for (std::uint32_t ep = 0; ep < pod_count_; ++ep)
    if (endpoints_[ep].ns == ns && endpoints_[ep].name == name && kind_ok(endpoints_[ep].workload_kind))
      return static_cast<int>(ep);
  for (std::uint32_t ep = 0; ep < pod_count_; ++ep)
    for (std::uint32_t w : endpoints_[ep].workloads) {
      const auto& wl = model_.k8s_workloads[w];
      if (wl.meta.ns == ns && wl.meta.name == name && kind_ok(wl.kind)) return static_cast<int>(ep);
    }
  return -1;
}

std::vector<std::uint32_t> Engine::Internet(bool source_side) const {
  auto out = ExternalOverlapping(IpRange{4, 0, 0xffffffffu}, source_side);
  auto v6 = ExternalOverlapping(IpRange{6, 0, ~U128(0)}, source_side);
  out.insert(out.end(), v6.begin(), v6.end());
  return out;
}

void Engine::ConnectionWitness(Witness& w, std::uint32_t src, std::uint32_t dst, ConnTable::Id conns,
                               const std::string& dst_address, const char* set_name) {
  auto example = [](const IpRange& r) {
    auto pub = ParseCidr(r.family == 4 ? "8.8.8.8" : "2001:4860:4860::8888");
    return FormatAddress(r.family, r.Contains(*pub) ? pub->lo : r.lo);
  };
  const auto& s = endpoints_[src];
  const auto& d = endpoints_[dst];
  auto [proto, port] = conns_.Get(conns).First();
  w.kind = "connection";
  w.Add("src", s.Display());
  if (s.kind == EndpointKind::kExternal) w.Add("source_address", example(s.range));
  w.Add("dst", d.Display());
  if (d.kind == EndpointKind::kExternal) w.Add("destination_address", dst_address.empty() ? example(d.range) : dst_address);
  w.Add("protocol", WitnessProtocol(proto, port));
  for (const auto& [k, v] : WitnessNumbers(proto, port)) w.Add(k, std::to_string(v));
  w.Add(set_name, conns_.Get(conns).Format());
}

std::vector<std::uint32_t> Engine::ExternalOverlapping(const IpRange& r, bool source_side) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t ep = pod_count_; ep < endpoints_.size(); ++ep)
    if (endpoints_[ep].kind == EndpointKind::kExternal && endpoints_[ep].source_side == source_side &&
        endpoints_[ep].range.Overlaps(r))
      out.push_back(ep);
  return out;
}

// Whether a range holds an address of the public internet: one outside
// the private, shared, loopback, link-local, multicast and reserved blocks.
static bool HasPublicAddress(const IpRange& r) {
  static const std::vector<IpRange> kNotPublic = [] {
    std::vector<IpRange> v;
    for (const char* c : {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                          "192.168.0.0/16", "224.0.0.0/3", "::/127", "fc00::/7", "fe80::/10", "ff00::/8"})
      v.push_back(*ParseCidr(c));
    return v;
  }();
  return !BlockSet(r, kNotPublic).empty();
}

std::vector<Engine::HostExposure> Engine::HostExposures() {
  std::vector<HostExposure> out;
  std::vector<std::uint32_t> sources;
  for (std::uint32_t s : Internet(/*source_side=*/true))
    if (HasPublicAddress(endpoints_[s].range)) sources.push_back(s);
  for (std::uint32_t ep = 0; ep < endpoints_.size(); ++ep) {
    if (endpoints_[ep].kind != EndpointKind::kPod) continue;
    for (std::uint32_t wi : endpoints_[ep].workloads) {
      const auto& w = model_.k8s_workloads[wi];
      for (const auto& c : w.containers)
        for (const auto& p : c.ports) {
          std::int32_t node_port = w.host_network ? p.port : p.host_port;
          if (node_port <= 0 || p.port <= 0) continue;
          int proto = p.protocol == "UDP" ? kUDP : p.protocol == "SCTP" ? kSCTP : kTCP;
          for (std::uint32_t s : sources) {
            if (!conns().Get(Allowed(s, ep)).Contains(proto, p.port)) continue;
            out.push_back({ep, wi, s, node_port, p.port, p.protocol, w.host_network, p.where});
            break;
          }
        }
    }
  }
  return out;
}

std::vector<Engine::Exposure> Engine::InternetExposures() {
  std::vector<Exposure> out;
  std::vector<std::uint32_t> sources;
  for (std::uint32_t s : Internet(/*source_side=*/true))
    if (HasPublicAddress(endpoints_[s].range)) sources.push_back(s);
  for (std::size_t si = 0; si < model_.k8s_services.size(); ++si) {
    const auto& svc = model_.k8s_services[si];
    if (svc.type != "LoadBalancer" && svc.type != "NodePort") continue;
    for (auto [ep, ports] : ServiceTargets(svc)) {
      for (std::uint32_t s : sources) {
        ConnTable::Id c = conns().Intersect(ports, Allowed(s, ep));
        if (c == ConnTable::kNone) continue;
        out.push_back({ep, s, c, static_cast<int>(si), -1, -1});
        break;  // one witness range per (service, workload)
      }
    }
  }
  if (ingress_controller() < 0) return out;
  auto ic = static_cast<std::uint32_t>(ingress_controller());
  for (const auto& b : IngressBackends()) {
    ConnTable::Id c = conns().Intersect(b.ports, Allowed(ic, b.dst));
    if (c == ConnTable::kNone) continue;
    out.push_back({b.dst, ic, c, -1, static_cast<int>(b.ingress), static_cast<int>(b.backend)});
  }
  return out;
}

}  // namespace grantpath::net

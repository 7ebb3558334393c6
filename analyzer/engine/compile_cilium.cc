// Cilium into the policy form (docs/cilium.md has the semantics and their
// sources).
// - Deny rules (ingressDeny/egressDeny) of every CiliumNetworkPolicy and
//   CiliumClusterwideNetworkPolicy form a first tier that ends in Pass: a
//   deny wins over any allow, whatever its policy.
// - Allow rules of CNPs, CCNPs and Kubernetes NetworkPolicies form one
//   union tier. A policy that has rules in a direction (allow or deny)
//   puts the endpoints it selects in default deny for that direction,
//   unless its enableDefaultDeny says otherwise.
// - enable-policy from the cilium-config ConfigMap: "always" denies what
//   no rule allows even without a policy; "never" turns enforcement off.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/policy_form.h"

namespace grantpath::net {

void CiliumNets(const Model& model, const std::function<void(int, const std::string&, SourceRange)>& add) {
  for (const auto& p : model.cilium_policies)
    for (int dir = 0; dir < 2; ++dir)
      for (const auto& r : dir == 0 ? p.ingress : p.egress)
        for (const auto& c : r.cidrs) {
          if (!c.cidr.empty()) add(dir, c.cidr, c.where);
          for (const auto& x : c.except) add(dir, x, c.where);
        }
  for (const auto& g : model.cilium_cidr_groups)
    for (const auto& c : g.cidrs) add(-1, c, g.meta.where);
}

namespace {

const char* const kNsKey = "io.kubernetes.pod.namespace";

class CiliumCompiler {
 public:
  CiliumCompiler(FormBuilder& b, PolicyForm& form) : b_(b), m_(b.model), form_(form) {}

  void Run() {
    form_.cni = "cilium";
    for (const auto& s : m_.cni_settings)
      if (s.cni == "cilium" && s.key == "enable-policy" && s.present) {
        if (s.value == "always") {
          form_.final_action = Action::kDeny;
          form_.final_text = "enable-policy is \"always\" (" + s.object + "): what no rule allows is denied";
        } else if (s.value == "never") {
          form_.enforcement_off = true;
          b_.sink.Note("policy-enforcement", "enable-policy is \"never\" (" + s.object +
                                                  "): Cilium enforces no policy, every connection is allowed",
                       s.where);
        }
      }
    Views();
    FormTier deny{"cilium-deny", false, Action::kPass, {}, {}};
    FormTier allow{"cilium-allow", true, Action::kDeny, {}, {}};
    // Kubernetes NetworkPolicies join the allow tier.
    for (auto& fp : form_.tiers[1].policies) allow.policies.push_back(std::move(fp));
    form_.tiers[1].policies.clear();
    for (std::uint32_t i = 0; i < m_.cilium_policies.size(); ++i) {
      const auto& p = m_.cilium_policies[i];
      if (p.node_selector) {
        b_.sink.Warning("unsupported-construct",
                        Kind(p) + " '" + Name(p) +
                            "' selects nodes (host firewall): policy on node interfaces is not modelled; "
                            "host-networked pods are not restricted in the results",
                        p.node_selector->where);
        continue;
      }
      FormPolicy a = Base(p, i), d = Base(p, i);
      for (int dir = 0; dir < 2; ++dir) {
        const auto& rules = dir == 0 ? p.ingress : p.egress;
        bool has = !rules.empty();
        std::optional<bool> dd = dir == 0 ? p.default_deny_ingress : p.default_deny_egress;
        a.applies[dir] = has;
        a.counts[dir] = dd.value_or(has);
        int allow_index = 0, deny_index = 0;
        for (const auto& r : rules) {
          FormRule fr = Rule(p, r, dir == 0);
          fr.index = r.deny ? deny_index++ : allow_index++;
          fr.label = std::string(r.deny ? (dir == 0 ? "ingressDeny" : "egressDeny") : (dir == 0 ? "ingress" : "egress")) +
                     " #" + std::to_string(fr.index + 1);
          (r.deny ? d : a).rules[dir].push_back(std::move(fr));
        }
        d.applies[dir] = !d.rules[dir].empty();
      }
      Subjects(p, &a);
      d.subjects = a.subjects;
      if (d.applies[0] || d.applies[1]) deny.policies.push_back(std::move(d));
      if (a.applies[0] || a.applies[1]) allow.policies.push_back(std::move(a));
    }
    // kube-admin, the deny tier, the allow tier, kube-baseline.
    std::vector<FormTier> tiers;
    tiers.push_back(std::move(form_.tiers[0]));
    tiers.push_back(std::move(deny));
    tiers.push_back(std::move(allow));
    tiers.push_back(std::move(form_.tiers[2]));
    form_.tiers = std::move(tiers);
  }

 private:
  static std::string Kind(const cni::CiliumPolicy& p) {
    return p.clusterwide ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy";
  }
  static std::string Name(const cni::CiliumPolicy& p) {
    std::string n = p.clusterwide ? p.meta.name : p.meta.ns + "/" + p.meta.name;
    return p.spec_index > 0 ? n + " (specs #" + std::to_string(p.spec_index + 1) + ")" : n;
  }

  FormPolicy Base(const cni::CiliumPolicy& p, std::uint32_t index) {
    FormPolicy fp;
    fp.origin = Origin::kCilium;
    fp.index = index;
    fp.kind = Kind(p);
    fp.name = Name(p);
    fp.where = p.where;
    return fp;
  }

  // The pods of the focus, and those on the host's network (selectors
  // read the identity's labels through the engine: Engine::SelectorLabels).
  void Views() {
    for (std::uint32_t ep = 0; ep < b_.pod_count; ++ep)
      if (b_.in_focus(ep)) (b_.pod_host_network(ep) ? host_pods_ : pods_).push_back(ep);
  }

  static bool NamesNamespace(const k8s::LabelSelector& s) {
    if (s.match_labels.count(kNsKey)) return true;
    return std::any_of(s.match_expressions.begin(), s.match_expressions.end(),
                       [](const auto& r) { return r.key == kNsKey; });
  }

  // Pods (not host-networked) a selector matches; `ns` scopes it unless
  // it names the namespace itself. The engine's selection (label index,
  // cache by content) on the identity's labels.
  const std::vector<std::uint32_t>& Pods(const k8s::LabelSelector& s, const std::string& ns) {
    static const k8s::LabelSelector kEveryNamespace = [] {
      k8s::LabelSelector all;
      all.present = true;
      return all;
    }();
    if (!ns.empty() && !NamesNamespace(s)) return b_.select_pods(nullptr, ns, &s);
    return b_.select_pods(&kEveryNamespace, "", &s);
  }

  static std::string Key(const k8s::LabelSelector& s) {
    std::string k;
    for (const auto& [a, v] : s.match_labels) k += a + '=' + v + '\x01';
    for (const auto& r : s.match_expressions) {
      k += r.key + '#' + std::to_string(static_cast<int>(r.op));
      for (const auto& v : r.values) k += ',' + v;
      k += '\x01';
    }
    return k;
  }

  // Equal peers (same selector and scope, entity, CIDR set) are one peer
  // id: rules repeat them, and fewer peers keep the engine's plans exact.
  template <class Fill>
  std::uint32_t Peer(const std::string& key, const Fill& fill) {
    auto [it, added] = peers_.try_emplace(key, 0);
    if (added) {
      it->second = b_.new_peer();
      fill(it->second);
    }
    return it->second;
  }

  const std::vector<std::uint32_t>& HostPods() const { return host_pods_; }

  void Subjects(const cni::CiliumPolicy& p, FormPolicy* fp) {
    if (!p.endpoint_selector) return;
    fp->subjects = Pods(p.endpoint_selector->labels, p.clusterwide ? "" : p.meta.ns);
  }

  // One peer id for an entity.
  void Entity(const std::string& e, std::uint32_t id, const cni::CiliumRule& r) {
    const IpRange v4{4, 0, 0xffffffffu}, v6{6, 0, ~U128(0)};
    if (e == "world" || e == "world-ipv4" || e == "all") b_.add_nets(id, v4, {});
    if (e == "world" || e == "world-ipv6" || e == "all") b_.add_nets(id, v6, {});
    if (e == "cluster" || e == "all") {
      b_.add_pods(id, pods_);
      b_.add_pods(id, host_pods_);
    }
    if (e == "host" || e == "remote-node") b_.add_pods(id, HostPods());
    if (e == "ingress" || e == "all") b_.add_controller(id);
    if ((e == "kube-apiserver" || e == "health" || e == "init" || e == "unmanaged") && warned_.insert(e).second)
      b_.sink.Note("cilium-entity",
                   "entity '" + e + "' stands for endpoints the input does not show: no endpoint of the results "
                                    "matches it",
                   r.where);
  }

  FormRule Rule(const cni::CiliumPolicy& p, const cni::CiliumRule& r, bool ingress) {
    FormRule fr;
    fr.action = r.deny ? Action::kDeny : Action::kAllow;
    fr.where = r.where;
    const std::string ns = p.clusterwide ? "" : p.meta.ns;
    const bool l3 = r.has_endpoints || !r.entities.empty() || r.has_cidrs || !r.fqdns.empty() ||
                    !r.services.empty() || r.services_by_selector || r.nodes;
    std::vector<std::string> notes;
    if (r.has_endpoints)
      for (const auto& sel : r.endpoints)
        fr.peers.push_back(Peer("S" + ns + '\x02' + Key(sel.labels), [&](std::uint32_t id) {
          // Reserved labels name entities.
          bool reserved = false;
          for (const auto& [k, v] : sel.labels.match_labels)
            if (k.rfind("reserved:", 0) == 0) {
              Entity(k.substr(9), id, r);
              reserved = true;
            }
          if (!reserved) b_.add_pods(id, Pods(sel.labels, ns));
        }));
    for (const auto& e : r.entities)
      fr.peers.push_back(Peer("E" + e, [&](std::uint32_t id) { Entity(e, id, r); }));
    for (const auto& c : r.cidrs) {
      std::string key = "C" + c.cidr + '\x02' + c.group + '\x02' + (c.group_selector ? Key(c.group_selector->labels) : "-");
      for (const auto& x : c.except) key += '\x02' + x;
      bool added = !peers_.count(key);
      std::uint32_t id = Peer(key, [](std::uint32_t) {});
      fr.peers.push_back(id);
      if (!added) continue;
      std::vector<IpRange> except;
      for (const auto& x : c.except)
        if (auto xr = ParseCidr(x)) except.push_back(*xr);
      std::vector<std::string> cidrs;
      if (!c.cidr.empty()) cidrs.push_back(c.cidr);
      for (const auto& g : m_.cilium_cidr_groups) {
        bool named = !c.group.empty() && g.meta.name == c.group;
        bool selected = c.group_selector && c.group_selector->labels.Matches(g.meta.labels);
        if (named || selected) cidrs.insert(cidrs.end(), g.cidrs.begin(), g.cidrs.end());
      }
      if (!c.group.empty() && cidrs.empty())
        b_.sink.Warning("unknown-reference",
                        "CiliumCIDRGroup '" + c.group + "' is not in the input: the rule matches no address", c.where);
      for (const auto& cidr : cidrs)
        if (auto range = ParseCidr(cidr)) b_.add_nets(id, *range, except);
    }
    if (!r.fqdns.empty()) {
      std::uint32_t id = b_.new_peer();
      fr.peers.push_back(id);
      b_.add_nets(id, IpRange{4, 0, 0xffffffffu}, {});
      b_.add_nets(id, IpRange{6, 0, ~U128(0)}, {});
      std::string names;
      for (const auto& n : r.fqdns) names += (names.empty() ? "" : ", ") + n;
      notes.push_back("toFQDNs (" + names + "): only the addresses these names resolve to at run time");
      b_.sink.Warning("unsupported-construct",
                      "toFQDNs (" + names +
                          ") is resolved by DNS at run time: the rule is evaluated as reaching every outside "
                          "address on its ports",
                      r.where);
    }
    for (const auto& [sns, sname] : r.services) {
      std::uint32_t id = b_.new_peer();
      fr.peers.push_back(id);
      const std::string svc_ns = sns.empty() ? p.meta.ns : sns;
      bool found = false;
      for (const auto& s : m_.k8s_services) {
        if (s.meta.ns != svc_ns || s.meta.name != sname) continue;
        found = true;
        if (!s.has_selector || s.selector.empty()) {
          b_.sink.Warning("unsupported-construct",
                          "toServices names Service '" + svc_ns + "/" + sname +
                              "', which has no selector: its endpoints are not in the input",
                          r.where);
          continue;
        }
        k8s::LabelSelector sel;
        sel.present = true;
        sel.match_labels = s.selector;
        b_.add_pods(id, Pods(sel, svc_ns));
      }
      if (!found)
        b_.sink.Warning("unknown-reference",
                        "toServices names Service '" + svc_ns + "/" + sname +
                            "', which is not in the input: the rule matches no endpoint",
                        r.where);
    }
    if (r.services_by_selector)
      b_.sink.Warning("unsupported-construct", "toServices k8sServiceSelector is not modelled: it matches nothing here",
                      r.where);
    if (r.nodes) {
      std::uint32_t id = b_.new_peer();
      fr.peers.push_back(id);
      b_.add_pods(id, HostPods());
      b_.sink.Warning("unsupported-construct",
                      std::string(ingress ? "fromNodes" : "toNodes") +
                          ": node addresses are not in the input; host-networked pods stand for the nodes",
                      r.where);
    }
    if (!r.requires_.empty())
      b_.sink.Warning("unsupported-construct",
                      std::string(ingress ? "fromRequires" : "toRequires") +
                          " is not modelled: the results do not apply its extra requirement",
                      r.where);
    // L4.
    if (r.to_ports.empty() && !r.icmps) {
      // `{}`: no peer and no port: matches nothing. L3 only: every port.
      fr.ports.all = l3;
      fr.any_peer = false;
    } else {
      fr.ports.all = false;
      for (const auto& pr : r.to_ports) {
        if (pr.ports.empty()) fr.ports.ports = PortSet::All();
        for (const auto& port : pr.ports) {
          std::vector<int> protos;
          if (port.protocol == "ANY") protos = {kTCP, kUDP, kSCTP};
          else if (auto pp = ParseProtocol(port.protocol)) protos = {*pp};
          else if (port.protocol == "ICMP" || port.protocol == "ICMPv6") {  // the port is the type
            fr.ports.ports.AddIcmp(port.protocol == "ICMPv6", port.lo == 0 ? std::nullopt : std::optional<int>(port.lo),
                                   std::nullopt);
            continue;
          }
          if (!port.name.empty()) {
            if (port.protocol == "ANY") fr.ports.named.emplace_back(-1, port.name);
            else if (!protos.empty()) fr.ports.named.emplace_back(protos[0], port.name);
            continue;
          }
          for (int pp : protos) fr.ports.ports.Add(pp, port.lo == 0 ? 1 : port.lo, port.lo == 0 ? 65535 : port.hi);
        }
        if (!pr.l7.empty()) notes.push_back("its " + pr.l7 + " rules restrict requests on these ports, not the connection");
        if (pr.sni) notes.push_back("its serverNames restrict TLS server names, not the connection");
      }
      for (const auto& [v6, type] : r.icmp_types)
        if (type >= 0) fr.ports.ports.AddIcmp(v6, type, std::nullopt);
      fr.any_peer = !l3;
    }
    for (const auto& n : notes) fr.note += (fr.note.empty() ? "" : "; ") + n;
    return fr;
  }

  FormBuilder& b_;
  const Model& m_;
  PolicyForm& form_;
  std::vector<std::uint32_t> pods_, host_pods_;  // of the focus
  std::unordered_map<std::string, std::uint32_t> peers_;
  std::set<std::string> warned_;
};

}  // namespace

void CompileCilium(FormBuilder& b, PolicyForm& form) {
  CiliumCompiler c(b, form);
  c.Run();
}

}  // namespace grantpath::net

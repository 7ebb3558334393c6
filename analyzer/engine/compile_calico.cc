// Calico into the policy form (docs/calico.md has the semantics and their
// sources).
// - Tiers run by order, ascending; an omitted order runs last; ties by
//   name. The built-in tiers: kube-admin (1,000: the ANPs and Admin-tier
//   ClusterNetworkPolicies, their priority as order, end Pass),
//   default (1,000,000: Calico policies of tier default and the
//   Kubernetes NetworkPolicies at order 1000, end Deny) and kube-baseline
//   (10,000,000: Baseline-tier ClusterNetworkPolicies by priority, then
//   the BANP, end Pass). A Tier's defaultAction is the end
//   action of its tier.
// - Inside a tier, policies run by order (omitted last), then by name;
//   rules are first-match per port.
// - After the last tier the namespace profiles allow.
// - Staged policies never enforce. HostEndpoints are endpoints that global
//   policies select; Felix's failsafe ports stay open on them (a first
//   tier) and what no policy allows is denied (a last tier). preDNAT,
//   doNotTrack and applyOnForward are stated as not modelled.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "engine/policy_form.h"

namespace grantpath::net {

std::string PolicyCni(const Model& model) {
  // The CNI's own policy kinds say which CNI enforces; failing those, its
  // settings (FelixConfiguration or IPPool, cilium-config or Helm values).
  if (!model.calico_policies.empty() || !model.calico_tiers.empty() || !model.calico_network_sets.empty() ||
      !model.calico_profiles.empty() || !model.calico_other.empty() ||
      std::any_of(model.k8s_workloads.begin(), model.k8s_workloads.end(),
                  k8s::IsHostEndpoint))
    return "calico";
  if (!model.cilium_policies.empty() || !model.cilium_cidr_groups.empty()) return "cilium";
  for (const auto& s : model.cni_settings)
    if (s.cni == "calico" || s.cni == "cilium") return s.cni;
  return "";
}

void CalicoNets(const Model& model, const std::function<void(int, const std::string&, SourceRange)>& add) {
  for (const auto& p : model.calico_policies) {
    if (p.staged) continue;
    for (int dir = 0; dir < 2; ++dir)
      for (const auto& r : dir == 0 ? p.ingress : p.egress) {
        const cni::CalicoEntity& peer = dir == 0 ? r.source : r.destination;
        for (const auto* list : {&peer.nets, &peer.not_nets})
          for (const auto& n : *list) add(dir, n, peer.where);
      }
  }
  for (const auto& s : model.calico_network_sets)
    for (const auto& n : s.nets) add(-1, n, s.meta.where);
}

namespace {

constexpr double kNoOrder = std::numeric_limits<double>::infinity();

struct Labelled {
  std::map<std::string, std::string> labels;
  std::string ns;
  std::vector<IpRange> ips;
  std::string sa;
};

// Ranges of one family intersected: [max lo, min hi].
std::optional<IpRange> Intersect(const IpRange& a, const IpRange& b) {
  if (!a.Overlaps(b)) return std::nullopt;
  return IpRange{a.family, std::max(a.lo, b.lo), std::min(a.hi, b.hi)};
}

class CalicoCompiler {
 public:
  CalicoCompiler(FormBuilder& b, PolicyForm& form) : b_(b), m_(b.model), form_(form) {}

  void Run() {
    form_.cni = "calico";
    for (const auto& p : m_.cilium_policies)
      b_.sink.Warning("unsupported-construct",
                      std::string(p.clusterwide ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy") +
                          " next to Calico policies: a cluster runs one of the two, and the input is evaluated as "
                          "Calico; this policy is not taken into account",
                      p.where);
    form_.final_text = "no tier decided: the namespace profile allows";
    Views();
    // Tiers: the built-ins (with their policies from the Kubernetes
    // compiler), then the Tier objects.
    struct TierSlot {
      double order;
      FormTier tier;
      std::vector<std::pair<std::pair<double, std::string>, FormPolicy>> policies;
    };
    std::vector<TierSlot> tiers;
    auto find = [&](const std::string& name) -> TierSlot* {
      for (auto& t : tiers)
        if (t.tier.name == name) return &t;
      return nullptr;
    };
    const double kBuiltinOrder[3] = {1000, 1000000, 10000000};
    for (int i = 0; i < 3; ++i) {
      TierSlot slot{kBuiltinOrder[i], std::move(form_.tiers[static_cast<std::size_t>(i)]), {}};
      slot.tier.union_allow = false;
      for (auto& fp : slot.tier.policies) {
        // NetworkPolicies sit at order 1000; an ANP's or a
        // ClusterNetworkPolicy's priority is its order (Calico orders them
        // with its own policies of the tier), the BANP after them.
        double order = 1000;
        if (i != 1) {
          const auto& ap = m_.k8s_admin_policies[fp.index];
          order = ap.banp() ? 1001 : ap.priority;
        }
        std::string name = i == 1 ? "knp.default." + fp.name.substr(fp.name.find('/') + 1) : fp.name;
        slot.policies.push_back({{order, name}, std::move(fp)});
      }
      slot.tier.policies.clear();
      tiers.push_back(std::move(slot));
    }
    for (const auto& t : m_.calico_tiers) {
      TierSlot* slot = find(t.name);
      if (slot == nullptr) {
        tiers.push_back(TierSlot{t.order.value_or(kNoOrder), FormTier{t.name, false, Action::kDeny, t.where, {}}, {}});
        slot = &tiers.back();
      }
      slot->tier.end_action = t.default_action == "Pass" ? Action::kPass : Action::kDeny;
      slot->tier.where = t.where;
    }
    for (std::uint32_t i = 0; i < m_.calico_policies.size(); ++i) {
      const auto& p = m_.calico_policies[i];
      if (p.staged && static_cast<int>(i) != b_.enforce_staged) {
        // Never enforces: kept to be named in explanations (and said with -v).
        form_.staged.push_back(Policy(p, i, /*with_rules=*/false));
        continue;
      }
      if (Replaced(p)) continue;
      if (p.staged && p.staged_action == "Delete") continue;  // enforcing it deletes its namesake
      if (p.apply_on_forward || p.pre_dnat || p.do_not_track)
        b_.sink.Warning("unsupported-construct",
                        p.kind + " '" + Name(p) +
                            "' applies to host endpoints and forwarded traffic (applyOnForward, preDNAT or "
                            "doNotTrack): it is evaluated as an ordinary policy on pods and host endpoints; its effect on "
                            "forwarded traffic, before DNAT or without connection tracking is not modelled",
                        p.host_flags_where);
      TierSlot* slot = find(p.tier);
      if (slot == nullptr) {
        b_.sink.Warning("unknown-tier",
                        "tier '" + p.tier + "' of " + p.kind + " '" + Name(p) +
                            "' is not in the input (Calico needs it to exist): evaluated as a tier with no order "
                            "(last before the profiles) and defaultAction Deny",
                        p.meta.where);
        tiers.push_back(TierSlot{kNoOrder, FormTier{p.tier, false, Action::kDeny, {}, {}}, {}});
        slot = &tiers.back();
      }
      slot->policies.push_back({{p.order.value_or(kNoOrder), p.meta.name}, Policy(p, i)});
    }
    std::stable_sort(tiers.begin(), tiers.end(), [](const TierSlot& a, const TierSlot& c) {
      return std::tie(a.order, a.tier.name) < std::tie(c.order, c.tier.name);
    });
    form_.tiers.clear();
    for (auto& slot : tiers) {
      std::stable_sort(slot.policies.begin(), slot.policies.end(),
                       [](const auto& a, const auto& c) { return a.first < c.first; });
      for (auto& [key, fp] : slot.policies) slot.tier.policies.push_back(std::move(fp));
      form_.tiers.push_back(std::move(slot.tier));
    }
    Profiles();
    HostEndpointTiers();
  }

  // Host endpoints: Felix's failsafe ports are open whatever the policies
  // (a first tier that allows them), and what no policy allows is denied,
  // since a host endpoint without profiles has no allowing default (a last
  // tier that selects every host endpoint and denies).
  void HostEndpointTiers() {
    if (heps_.empty()) return;
    for (const auto& st : m_.cni_settings)
      if (st.cni == "calico" && (st.key == "failsafeInboundHostPorts" || st.key == "failsafeOutboundHostPorts"))
        b_.sink.Warning("unsupported-construct",
                        st.key + " is not read: Felix's default failsafe ports are assumed for host endpoints",
                        st.where);
    static const std::pair<int, int> kIn[] = {{kTCP, 22},   {kUDP, 68},   {kTCP, 179},  {kTCP, 2379}, {kTCP, 2380},
                                              {kTCP, 5473}, {kTCP, 6443}, {kTCP, 6666}, {kTCP, 6667}};
    static const std::pair<int, int> kOut[] = {{kUDP, 53},   {kUDP, 67},   {kTCP, 179},  {kTCP, 2379}, {kTCP, 2380},
                                               {kTCP, 5473}, {kTCP, 6443}, {kTCP, 6666}, {kTCP, 6667}};
    auto implicit = [&](const char* kind, const char* name) {
      FormPolicy fp;
      fp.origin = Origin::kCalico;
      fp.kind = kind;
      fp.name = name;
      fp.applies = {true, true};
      fp.subjects = heps_;
      return fp;
    };
    FormPolicy failsafe = implicit("FelixConfiguration", "failsafe ports");
    for (int dir = 0; dir < 2; ++dir) {
      FormRule r;
      r.action = Action::kAllow;
      r.any_peer = true;
      r.ports.all = false;
      for (const auto& [proto, port] : dir == 0 ? std::vector<std::pair<int, int>>(std::begin(kIn), std::end(kIn))
                                                : std::vector<std::pair<int, int>>(std::begin(kOut), std::end(kOut)))
        r.ports.ports.Add(proto, port, port);
      r.label = dir == 0 ? "failsafeInboundHostPorts" : "failsafeOutboundHostPorts";
      r.note = "Felix's default failsafe ports, open whatever the policies";
      failsafe.rules[dir].push_back(std::move(r));
    }
    form_.tiers.insert(form_.tiers.begin(), FormTier{"failsafe", false, Action::kPass, {}, {std::move(failsafe)}, true});
    form_.tiers.push_back(
        FormTier{"host endpoints", false, Action::kDeny, {}, {implicit("HostEndpoint", "(no profile)")}, true});
  }

 private:
  // The enforced policy that the what-if staged policy replaces (same
  // kind without "Staged", name and namespace), or all of them when its
  // stagedAction is Delete.
  bool Replaced(const cni::CalicoPolicy& p) const {
    if (b_.enforce_staged < 0 || p.staged) return false;
    const auto& s = m_.calico_policies[static_cast<std::size_t>(b_.enforce_staged)];
    return s.kind == "Staged" + p.kind && s.meta.name == p.meta.name && s.meta.ns == p.meta.ns;
  }

  // The namespace and service-account profiles (kns.NS, ksa.NS.SA) of the
  // input decide after the last tier, first match, and deny what none of
  // their rules matched. A pod whose profiles the input does not have
  // gets Calico's generated namespace profile, which allows.
  void Profiles() {
    FormTier tier{"profiles", false, Action::kDeny, {}, {}};
    for (std::uint32_t i = 0; i < m_.calico_profiles.size(); ++i) {
      const auto& pr = m_.calico_profiles[i];
      std::vector<std::uint32_t> subjects;
      for (std::uint32_t ep : pods_)
        if (OwnProfile(pr.meta.name, views_[ep])) subjects.push_back(ep);
      if (subjects.empty()) continue;
      cni::CalicoPolicy p = pr;
      p.ingress_type = p.egress_type = true;
      FormPolicy fp = Policy(p, i);
      fp.kind = "Profile";
      fp.subjects = std::move(subjects);
      tier.policies.push_back(std::move(fp));
    }
    // kns before ksa, as Calico lists a pod's profiles.
    std::stable_sort(tier.policies.begin(), tier.policies.end(), [](const FormPolicy& a, const FormPolicy& c) {
      return a.name.rfind("kns.", 0) == 0 && c.name.rfind("kns.", 0) != 0;
    });
    if (!tier.policies.empty()) form_.tiers.push_back(std::move(tier));
  }

  static bool OwnProfile(const std::string& name, const Labelled& v) {
    return name == "kns." + v.ns || name == "ksa." + v.ns + "." + v.sa;
  }

  static std::string Name(const cni::CalicoPolicy& p) {
    return p.global ? p.meta.name : p.meta.ns + "/" + p.meta.name;
  }

  // The labels Calico gives each pod's workload endpoint.
  void Views() {
    std::map<std::string, bool> disabled;
    for (const auto& st : m_.cni_settings)
      if (st.cni == "calico" && st.key == "disabled" && st.value == "true") disabled[st.object] = true;
    for (const auto& st : m_.cni_settings)
      if (st.cni == "calico" && st.key == "cidr" && st.present && !disabled.count(st.object))
        if (auto r = ParseCidr(st.value)) pools_.push_back(*r);
    views_.resize(b_.pod_count);
    for (std::uint32_t ep = 0; ep < b_.pod_count; ++ep) {
      if (!b_.in_focus(ep)) continue;
      Labelled& v = views_[ep];
      v.ns = b_.pod_ns(ep);
      v.labels = b_.pod_labels(ep);
      v.sa = b_.pod_service_account(ep);
      for (const auto& ip : b_.pod_ips(ep))
        if (auto r = ParseCidr(ip)) v.ips.push_back(*r);
      if (b_.pod_host_endpoint(ep)) {  // its own labels, no namespace
        pods_.push_back(ep);
        heps_.push_back(ep);
        continue;
      }
      if (!b_.pod_host_network(ep)) {
        pods_.push_back(ep);
        ns_pods_[b_.pod_ns(ep)].push_back(ep);
      }
      v.labels["projectcalico.org/namespace"] = v.ns;
      v.labels["projectcalico.org/orchestrator"] = "k8s";
      v.labels["projectcalico.org/serviceaccount"] = v.sa;
      for (const auto& [k, val] : b_.ns_labels(v.ns)) v.labels["pcns." + k] = val;
      for (const auto& pr : m_.calico_profiles)
        if (OwnProfile(pr.meta.name, v))
          for (const auto& [k, val] : pr.labels_to_apply) v.labels[k] = val;
    }
    for (const auto& sa : m_.k8s_service_accounts) {
      auto& l = sa_labels_[sa.meta.ns + "/" + sa.meta.name];
      l = sa.meta.labels;
      l["projectcalico.org/name"] = sa.meta.name;
    }
  }

  const std::map<std::string, std::string>& NsLabels(const std::string& ns) {
    auto [it, added] = ns_view_.try_emplace(ns);
    if (added) {
      it->second = b_.ns_labels(ns);
      it->second["projectcalico.org/name"] = ns;
    }
    return it->second;
  }

  const std::map<std::string, std::string>& SaLabels(const std::string& ns, const std::string& name) {
    auto [it, added] = sa_labels_.try_emplace(ns + "/" + name);
    if (added) it->second["projectcalico.org/name"] = name;
    return it->second;
  }

  static bool InNets(const std::vector<IpRange>& ips, const std::vector<IpRange>& nets) {
    for (const auto& ip : ips)
      for (const auto& n : nets)
        if (n.Contains(ip)) return true;
    return false;
  }

  // A pod's addresses for `nets` (`inside`) or `notNets` (!`inside`):
  // those it reports, else the IP pools of the input (Calico assigns from
  // them). True when the pod's address is certainly inside (outside) the
  // nets. A pod with neither matches neither nets nor notNets; the first
  // such case is stated.
  bool PodNets(const Labelled& v, const std::vector<IpRange>& nets, SourceRange where, bool inside) {
    if (!v.ips.empty()) return InNets(v.ips, nets) == inside;
    if (!pools_.empty())
      return std::all_of(pools_.begin(), pools_.end(), [&](const IpRange& pool) {
        return inside ? std::any_of(nets.begin(), nets.end(), [&](const IpRange& n) { return n.Contains(pool); })
                      : std::none_of(nets.begin(), nets.end(), [&](const IpRange& n) { return Intersect(n, pool).has_value(); });
      });
    if (!warned_no_address_) {
      warned_no_address_ = true;
      b_.sink.Warning("unknown-address",
                      "pods of the input have no address (status.podIP) and the input has no IPPool: Calico nets "
                      "and notNets cannot match them here; add the pods' status or the IPPools",
                      where);
    }
    return false;
  }

  static std::vector<IpRange> Parse(const std::vector<std::string>& nets) {
    std::vector<IpRange> out;
    for (const auto& n : nets)
      if (auto r = ParseCidr(n)) out.push_back(*r);
    return out;
  }

  // The peer id of an entity, or -1 when it does not restrict the peer.
  // `ns`: the policy's namespace ("" for a global policy).
  std::int32_t EntityPeer(const cni::CalicoEntity& e, const std::string& ns, bool externals, int ip_version) {
    const bool has_sel = e.selector || e.namespace_selector || e.has_sa || !e.services.empty();
    const bool any = !has_sel && !e.not_selector && e.nets.empty() && e.not_nets.empty() && ip_version == 0;
    if (any) return -1;
    // Equal entities (same fields, scope and reach) are one peer: rules
    // repeat them, and fewer peers keep the engine's plans exact.
    std::string key = ns + '\x01' + (externals ? "X" : "-") + std::to_string(ip_version);
    auto add_sel = [&](const std::optional<cni::CalicoSelector>& s) { key += '\x01' + (s ? "S" + s->text : "-"); };
    add_sel(e.selector);
    add_sel(e.not_selector);
    add_sel(e.namespace_selector);
    add_sel(e.sa_selector);
    for (const auto* list : {&e.nets, &e.not_nets, &e.sa_names, &e.services}) {
      key += '\x02';
      for (const auto& x : *list) key += x + '\x03';
    }
    key += (e.has_sa ? "A" : "-") + e.service_ns;
    if (auto it = entity_peers_.find(key); it != entity_peers_.end()) return it->second;
    const std::uint32_t id = b_.new_peer();
    entity_peers_.emplace(std::move(key), static_cast<std::int32_t>(id));
    const auto nets = Parse(e.nets), not_nets = Parse(e.not_nets);
    const bool ns_global = e.namespace_selector && e.namespace_selector->IsGlobal();
    // Which namespaces a selector-like field may match in, evaluated once
    // per namespace.
    std::unordered_map<std::string, bool> ns_verdict;
    const std::string* last_ns = nullptr;  // pods come namespace by namespace
    bool last_ok = false;
    auto ns_ok = [&](const std::string& pod_ns) {
      if (!e.namespace_selector) return ns.empty() || pod_ns == ns;
      if (last_ns != nullptr && *last_ns == pod_ns) return last_ok;
      auto [it, added] = ns_verdict.try_emplace(pod_ns, false);
      if (added) it->second = pod_ns.empty() ? ns_global : !ns_global && e.namespace_selector->Matches(NsLabels(pod_ns));
      last_ns = &it->first;
      last_ok = it->second;
      return it->second;
    };
    // Pods behind the named Service.
    std::vector<char> behind;
    if (!e.services.empty()) {
      behind.assign(b_.pod_count, 0);
      const std::string svc_ns = e.service_ns.empty() ? ns : e.service_ns;
      const k8s::Service* found = nullptr;
      for (const auto& s : m_.k8s_services)
        if (s.meta.name == e.services.front() && s.meta.ns == svc_ns) found = &s;
      if (found == nullptr || !found->has_selector || found->selector.empty()) {
        b_.sink.Warning(found == nullptr ? "unknown-reference" : "unsupported-construct",
                        "the rule's Service '" + svc_ns + "/" + e.services.front() + "' " +
                            (found == nullptr ? "is not in the input"
                                              : "has no selector: its endpoints are not in the input") +
                            ": the rule matches no pod here",
                        e.where);
      } else {
        for (std::uint32_t ep : pods_)
          if (views_[ep].ns == svc_ns &&
              std::all_of(found->selector.begin(), found->selector.end(), [&](const auto& kv) {
                auto it = views_[ep].labels.find(kv.first);
                return it != views_[ep].labels.end() && it->second == kv.second;
              }))
            behind[ep] = 1;
      }
    }
    std::vector<std::uint32_t> pods;
    // Host-networked pods have the node's address and no workload endpoint.
    // A selector without namespaceSelector looks only in the policy's
    // namespace.
    const bool one_ns = (e.selector || e.has_sa) && !e.namespace_selector && !ns.empty();
    auto consider = [&](std::uint32_t ep) {
      const Labelled& v = views_[ep];
      // Addresses first: an interval test, and for pods of unknown address
      // without pools a certain no, before any selector is evaluated.
      if (!nets.empty() && !PodNets(v, nets, e.where, true)) return;
      if (!not_nets.empty() && !PodNets(v, not_nets, e.where, false)) return;
      if (has_sel || e.not_selector) {
        if ((e.selector || e.namespace_selector || e.has_sa) && !ns_ok(v.ns)) return;
        if (e.selector && !e.selector->Matches(v.labels)) return;
        if (e.not_selector && e.not_selector->Matches(v.labels) && ns_ok(v.ns)) return;
        if (e.has_sa) {
          if (!e.sa_names.empty() && std::find(e.sa_names.begin(), e.sa_names.end(), v.sa) == e.sa_names.end())
            return;
          if (e.sa_selector && !e.sa_selector->Matches(SaLabels(v.ns, v.sa))) return;
        }
        if (!behind.empty() && !behind[ep]) return;
      }
      pods.push_back(ep);
    };
    if (one_ns) {
      for (std::uint32_t ep : NsPods(ns)) consider(ep);
    } else if (e.namespace_selector) {
      // Only the namespaces the namespace selector picks can hold a match:
      // one verdict per namespace, not per pod.
      for (const auto& [pod_ns, list] : ns_pods_)
        if (ns_ok(pod_ns))
          for (std::uint32_t ep : list) consider(ep);
      for (std::uint32_t ep : heps_) consider(ep);
    } else {
      for (std::uint32_t ep : pods_) consider(ep);
    }
    b_.add_pods(id, pods);
    if (!externals || e.has_sa || !e.services.empty()) return static_cast<std::int32_t>(id);
    // Addresses: network sets the selector matches (or all addresses when
    // no selector), within nets, minus notNets and the sets notSelector
    // matches.
    auto set_ok = [&](const cni::CalicoNetworkSet& s) {
      if (e.namespace_selector) return ns_global ? s.global : !s.global && e.namespace_selector->Matches(NsLabels(s.meta.ns));
      return ns.empty() || (!s.global && s.meta.ns == ns);
    };
    auto set_labels = [&](const cni::CalicoNetworkSet& s) {
      auto l = s.meta.labels;
      if (!s.global) l["projectcalico.org/namespace"] = s.meta.ns;
      return l;
    };
    std::vector<IpRange> pos;
    if (e.selector || e.namespace_selector) {
      for (const auto& s : m_.calico_network_sets)
        if (set_ok(s) && (!e.selector || e.selector->Matches(set_labels(s), s.global)))
          for (const auto& r : Parse(s.nets)) pos.push_back(r);
    } else {
      pos = {IpRange{4, 0, 0xffffffffu}, IpRange{6, 0, ~U128(0)}};
    }
    if (!nets.empty()) {
      std::vector<IpRange> both;
      for (const auto& a : pos)
        for (const auto& n : nets)
          if (auto x = Intersect(a, n)) both.push_back(*x);
      pos = std::move(both);
    }
    std::vector<IpRange> except = not_nets;
    if (e.not_selector)
      for (const auto& s : m_.calico_network_sets)
        if (set_ok(s) && e.not_selector->Matches(set_labels(s), s.global))
          for (const auto& r : Parse(s.nets)) except.push_back(r);
    for (const auto& r : pos)
      if (ip_version == 0 || r.family == ip_version) b_.add_nets(id, r, except);
    return static_cast<std::int32_t>(id);
  }

  // A protocol as a rule names it: a port protocol, ICMP (v6), or another
  // IP protocol by number. UDPLite carries ports the connection model does
  // not hold: every UDPLite connection.
  struct RuleProtocol {
    std::optional<Protocol> port;  // TCP, UDP, SCTP
    int icmp = 0;                  // 4: ICMP, 6: ICMPv6
    int number = -1;               // another protocol
  };
  static RuleProtocol ProtocolOf(const std::string& name) {
    static const std::pair<const char*, int> kNumbers[] = {{"TCP", 6}, {"UDP", 17}, {"SCTP", 132}, {"ICMP", 1},
                                                           {"ICMPv6", 58}, {"UDPLite", 136}};
    int n = -1;
    for (auto [k, v] : kNumbers)
      if (name == k) n = v;
    if (n < 0 && !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      n = std::stoi(name);
    RuleProtocol rp;
    if (n == 6) rp.port = kTCP;
    else if (n == 17) rp.port = kUDP;
    else if (n == 132) rp.port = kSCTP;
    else if (n == 1) rp.icmp = 4;
    else if (n == 58) rp.icmp = 6;
    else rp.number = n;
    return rp;
  }

  FormPorts Ports(const cni::CalicoRule& r, const cni::CalicoEntity& dst, std::string* note) {
    FormPorts out;
    std::optional<Protocol> proto;
    if (r.protocol) {
      RuleProtocol rp = ProtocolOf(*r.protocol);
      if (!rp.port) {
        out.all = false;
        if (rp.icmp) {
          out.ports.AddIcmp(rp.icmp == 6, r.icmp_type, r.icmp_code);
          if (r.not_icmp_type) out.not_ports.AddIcmp(rp.icmp == 6, r.not_icmp_type, r.not_icmp_code);
        } else if (rp.number >= 0) {
          out.ports.AddIpProtocol(rp.number);
          if (rp.number == 136 && (!dst.ports.empty() || !dst.not_ports.empty()))
            *note = "UDPLite ports are not modelled: every UDPLite connection counts as matching";
        }
        return out;
      }
      proto = rp.port;
    }
    if (dst.ports.empty() && !proto) {
      out.all = true;
    } else {
      out.all = false;
      if (dst.ports.empty()) out.ports.Add(*proto, 1, 65535);
      // Without a protocol (named ports, a Service's ports) any protocol.
      for (const auto& p : dst.ports) {
        if (!p.name.empty()) out.named.emplace_back(proto ? static_cast<int>(*proto) : -1, p.name);
        else if (p.hi >= 1)
          for (int pr = 0; pr < kPortProtocols; ++pr)
            if (!proto || pr == *proto) out.ports.Add(pr, std::max(p.lo, 1), p.hi);
      }
    }
    if (r.not_protocol) {
      RuleProtocol np = ProtocolOf(*r.not_protocol);
      if (np.port) out.not_ports.Add(*np.port, 1, 65535);
      else if (np.icmp) out.not_ports.AddIcmp(np.icmp == 6, std::nullopt, std::nullopt);
      else if (np.number >= 0) out.not_ports.AddIpProtocol(np.number);
    }
    for (const auto& p : dst.not_ports) {
      if (!p.name.empty()) out.not_named.emplace_back(proto ? static_cast<int>(*proto) : -1, p.name);
      else if (p.hi >= 1)
        for (int pr = 0; pr < kPortProtocols; ++pr)
          if (!proto || pr == *proto) out.not_ports.Add(pr, std::max(p.lo, 1), p.hi);
    }
    return out;
  }

  // `with_rules` false: the subjects only (a staged policy, named in
  // explanations, whose rules must not add peers).
  FormPolicy Policy(const cni::CalicoPolicy& p, std::uint32_t index, bool with_rules = true) {
    FormPolicy fp;
    fp.origin = Origin::kCalico;
    fp.index = index;
    fp.kind = p.kind;
    fp.name = Name(p);
    fp.where = p.meta.where;
    fp.applies = {p.ingress_type, p.egress_type};
    const std::string ns = p.global ? "" : p.meta.ns;
    for (int dir = 0; dir < 2 && with_rules; ++dir) {
      const auto& rules = dir == 0 ? p.ingress : p.egress;
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        FormRule fr;
        fr.action = r.action == "Allow" ? Action::kAllow : r.action == "Deny" ? Action::kDeny
                    : r.action == "Pass"  ? Action::kPass : Action::kLog;
        fr.index = static_cast<int>(i);
        fr.label = "#" + std::to_string(i + 1);
        fr.where = r.where;
        const cni::CalicoEntity& peer = dir == 0 ? r.source : r.destination;
        const cni::CalicoEntity& local = dir == 0 ? r.destination : r.source;
        std::int32_t pid = EntityPeer(peer, ns, true, r.ip_version);
        fr.any_peer = pid < 0;
        if (pid >= 0) fr.peers.push_back(static_cast<std::uint32_t>(pid));
        cni::CalicoEntity local_only = local;
        local_only.ports.clear();
        local_only.not_ports.clear();
        fr.local = EntityPeer(local_only, ns, false, 0);
        fr.ports = Ports(r, r.destination, &fr.note);
        // Source ports are chosen by the client: an Allow that names them
        // lets some connection through, a Deny or Pass stops only some.
        if (!r.source.ports.empty() || !r.source.not_ports.empty()) {
          if (fr.action != Action::kAllow) fr.action = Action::kLog;
          fr.note += std::string(fr.note.empty() ? "" : "; ") +
                     "source ports are the client's choice: " +
                     (fr.action == Action::kAllow ? "counted as matching" : "not counted as deciding");
        }
        if (r.http) {
          if (fr.action == Action::kDeny) fr.action = Action::kLog;
          fr.note += std::string(fr.note.empty() ? "" : "; ") + "its HTTP match restricts requests, not the connection";
        }
        fp.rules[dir].push_back(std::move(fr));
      }
    }
    // Subjects, cached by selectors and scope (policies repeat them).
    const std::optional<cni::CalicoSelector>& sa_sel = p.service_account_selector;
    std::string key = (p.global ? "G" : "N" + p.meta.ns) + '\x01' + p.selector.text + '\x01' +
                      (p.global && p.namespace_selector ? "S" + p.namespace_selector->text : "-") + '\x01' +
                      (sa_sel ? "S" + sa_sel->text : "-");
    auto [it, added] = subjects_.try_emplace(std::move(key));
    if (added) {
      std::unordered_map<std::string, bool> ns_verdict;
      for (std::uint32_t ep : p.global ? pods_ : NsPods(p.meta.ns)) {
        const Labelled& v = views_[ep];
        if (p.global && p.namespace_selector) {
          auto [nv, fresh] = ns_verdict.try_emplace(v.ns, false);
          // Host endpoints have no namespace: only global() selects them.
          if (fresh) nv->second = v.ns.empty() ? p.namespace_selector->IsGlobal()
                                               : p.namespace_selector->Matches(NsLabels(v.ns));
          if (!nv->second) continue;
        }
        if (!p.selector.Matches(v.labels)) continue;
        if (sa_sel && !sa_sel->Matches(SaLabels(v.ns, v.sa))) continue;
        it->second.push_back(ep);
      }
    }
    fp.subjects = it->second;
    return fp;
  }

  FormBuilder& b_;
  const Model& m_;
  PolicyForm& form_;
  std::vector<Labelled> views_;
  std::vector<std::uint32_t> pods_;  // pods of the focus, not host-networked, and host endpoints
  std::vector<std::uint32_t> heps_;  // host endpoints
  std::vector<IpRange> pools_;       // the input's enabled IPPool CIDRs
  bool warned_no_address_ = false;
  std::unordered_map<std::string, std::int32_t> entity_peers_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> subjects_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> ns_pods_;
  const std::vector<std::uint32_t>& NsPods(const std::string& ns) {
    static const std::vector<std::uint32_t> kNone;
    auto it = ns_pods_.find(ns);
    return it == ns_pods_.end() ? kNone : it->second;
  }
  std::map<std::string, std::map<std::string, std::string>> sa_labels_;
  std::map<std::string, std::map<std::string, std::string>> ns_view_;
};

}  // namespace

void CompileCalico(FormBuilder& b, PolicyForm& form) {
  CalicoCompiler c(b, form);
  c.Run();
}

}  // namespace grantpath::net

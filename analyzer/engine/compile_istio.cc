// Istio's PeerAuthentication and AuthorizationPolicy into the policy form
// (docs/istio.md has the semantics and their sources). Istio decides
// independently of the CNI: a connection needs both. Three tiers run before
// every other one:
// - istio-mtls: where a workload's mTLS mode is STRICT, sources without a
//   proxy are denied (end Pass);
// - istio-deny: the DENY policies' rules deny, and the tier ends in Pass;
// - istio-allow: for a workload that some ALLOW policy selects, a matching
//   ALLOW rule passes the connection on to the CNI's tiers and anything
//   else is denied at the end of the tier. A workload no ALLOW policy
//   selects is not judged by the tier.
// Only workloads with an Istio proxy (sidecar or gateway) enforce, and the
// proxy intercepts TCP only: other protocols pass. Principals and
// namespaces are peer identities of mTLS: only sources with a proxy have
// them. Request attributes (methods, paths, hosts, JWT principals, request
// conditions) restrict requests, not connections: an ALLOW rule that
// carries them still lets the connection through, and says so; a DENY rule
// that carries them is shown with what it denies, and denies the whole
// connection only where Istio does (on plain TCP it treats them as
// matching, which the note says).
#include <algorithm>
#include <map>
#include <set>

#include "engine/policy_form.h"

namespace grantpath::net {
namespace {

// "10.0.0.1" is "10.0.0.1/32" (Istio takes single addresses too).
std::string IstioCidr(const std::string& s) {
  if (s.find('/') != std::string::npos) return s;
  return s + (s.find(':') != std::string::npos ? "/128" : "/32");
}

// Istio's string match: exact, "abc*" prefix, "*abc" suffix, "*" presence.
bool IstioMatch(const std::string& pattern, const std::string& value) {
  if (pattern == "*") return !value.empty();
  if (pattern.size() > 1 && pattern.back() == '*')
    return value.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  if (pattern.size() > 1 && pattern.front() == '*')
    return value.size() >= pattern.size() - 1 &&
           value.compare(value.size() - (pattern.size() - 1), pattern.size() - 1, pattern, 1) == 0;
  return pattern == value;
}

bool AnyMatch(const std::vector<std::string>& patterns, const std::string& value) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return IstioMatch(p, value); });
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class IstioCompiler {
 public:
  IstioCompiler(FormBuilder& b, PolicyForm& form) : b_(b), m_(b.model), form_(form) {}

  void Run() {
    for (const auto& s : m_.istio_settings) {
      if (s.key == "rootNamespace") root_ = s.value;
      if (s.key == "trustDomain") trust_ = s.value;
    }
    for (std::uint32_t ep = 0; ep < b_.pod_count; ++ep)
      if (b_.in_focus(ep)) pods_.push_back(ep);
    in_mesh_.assign(b_.pod_count, 0);
    for (std::uint32_t ep : pods_) in_mesh_[ep] = InMesh(ep);
    for (std::uint32_t ep : pods_) by_ns_[b_.pod_ns(ep)].push_back(ep);

    FormTier deny{"istio-deny", false, Action::kPass, {}, {}};
    FormTier allow{"istio-allow", false, Action::kDeny, {}, {}};
    std::set<std::uint32_t> allow_subjects;
    for (std::uint32_t i = 0; i < m_.istio_authz.size(); ++i) {
      const auto& p = m_.istio_authz[i];
      const std::string name = p.meta.ns + "/" + p.meta.name;
      if (p.dry_run) {
        b_.sink.Note("policy-enforcement",
                     "AuthorizationPolicy '" + name + "' is a dry run (istio.io/dry-run): never enforced", p.where);
        continue;
      }
      if (p.target_ref) {
        b_.sink.Warning("unsupported-construct",
                        "AuthorizationPolicy '" + name +
                            "' applies to the Gateway or Service its targetRef names: not modelled, the policy is "
                            "not applied in the results",
                        p.target_where);
        continue;
      }
      if (p.action == "AUDIT") continue;  // logs, never allows or denies
      if (p.action == "CUSTOM") {
        b_.sink.Warning("unsupported-construct",
                        "AuthorizationPolicy '" + name + "' delegates to the external authorizer '" + p.provider +
                            "' (CUSTOM): its decisions are not in the input; what it may deny is reported as allowed",
                        p.action_where.known() ? p.action_where : p.where);
        continue;
      }
      if (!AddressesValid(p)) continue;
      FormPolicy fp;
      fp.origin = Origin::kIstio;
      fp.index = i;
      fp.kind = "AuthorizationPolicy";
      fp.name = name;
      fp.where = p.where;
      fp.applies = {true, false};
      Subjects(p, &fp);
      const bool is_deny = p.action == "DENY";
      for (std::size_t k = 0; k < p.rules.size(); ++k) Rules(p.rules[k], static_cast<int>(k), is_deny, &fp);
      if (is_deny) {
        deny.policies.push_back(std::move(fp));
      } else {
        allow_subjects.insert(fp.subjects.begin(), fp.subjects.end());
        allow.policies.push_back(std::move(fp));
      }
    }
    if (!allow.policies.empty()) {
      // The proxy intercepts TCP: other protocols pass, without making the
      // tier count.
      FormPolicy other;
      other.origin = Origin::kIstio;
      other.index = ~0u;
      other.kind = "Istio proxy";
      other.name = "non-TCP traffic";
      other.applies = {true, false};
      other.counts = {false, false};
      other.subjects.assign(allow_subjects.begin(), allow_subjects.end());
      FormRule r;
      r.action = Action::kPass;
      r.any_peer = true;
      r.ports.all = false;
      r.ports.ports = PortSet::All().Subtract(Tcp());
      r.label = "(protocols other than TCP)";
      r.note = "the Istio proxy intercepts TCP only";
      other.rules[0].push_back(std::move(r));
      allow.policies.insert(allow.policies.begin(), std::move(other));
    }
    FormTier mtls = Mtls();
    std::vector<FormTier> tiers;
    if (!mtls.policies.empty()) tiers.push_back(std::move(mtls));
    if (!deny.policies.empty()) tiers.push_back(std::move(deny));
    if (!allow.policies.empty()) tiers.push_back(std::move(allow));
    for (auto& t : form_.tiers) tiers.push_back(std::move(t));
    form_.tiers = std::move(tiers);
  }

 private:
  static PortSet Tcp() {
    PortSet s;
    s.AddIpProtocol(6);
    return s;
  }

  // PeerAuthentication: the mTLS mode of each workload with a sidecar,
  // composed as istiod does (mesh-wide, then namespace-wide, then the
  // workload's own policy; UNSET inherits; per-port modes of the workload
  // policy last). Where it is STRICT, sources without a proxy and outside
  // addresses are refused: one Deny rule per (deciding policy, ports).
  FormTier Mtls() {
    FormTier tier{"istio-mtls", false, Action::kPass, {}, {}};
    const auto& pas = m_.istio_peer_auth;
    if (pas.empty()) return tier;
    // The oldest of several candidates (creationTimestamp, then input order).
    auto pick = [&](const std::vector<std::uint32_t>& c, const std::string& what) -> int {
      if (c.empty()) return -1;
      std::uint32_t best = c.front();
      for (auto i : c)
        if (!pas[i].created.empty() && (pas[best].created.empty() || pas[i].created < pas[best].created)) best = i;
      if (c.size() > 1 && warned_.insert(what).second)
        b_.sink.Warning("duplicate-object",
                        std::to_string(c.size()) + " PeerAuthentications apply " + what +
                            "; Istio uses the oldest, read here as '" + pas[best].meta.ns + "/" + pas[best].meta.name + "'",
                        pas[best].where);
      return static_cast<int>(best);
    };
    // DISABLE: plaintext carries no identity, which rules naming one would
    // then never match; not modelled, said.
    bool identities = false;
    for (const auto& ap : m_.istio_authz)
      for (const auto& r : ap.rules) {
        for (const auto& src : r.from)
          identities = identities || !src.principals.empty() || !src.not_principals.empty() ||
                       !src.namespaces.empty() || !src.not_namespaces.empty() || !src.service_accounts.empty() ||
                       !src.not_service_accounts.empty();
        for (const auto& c : r.when)
          identities = identities || c.key == "source.principal" || c.key == "source.namespace" ||
                       c.key == "source.serviceAccount";
      }
    for (const auto& pa : pas) {
      bool disable = pa.mode == "DISABLE";
      for (const auto& [port, pm] : pa.port_modes) disable = disable || pm == "DISABLE";
      if (disable && identities)
        b_.sink.Warning("unsupported-construct",
                        "PeerAuthentication '" + pa.meta.ns + "/" + pa.meta.name +
                            "' disables mTLS: plaintext connections carry no principal, namespace or service account, "
                            "so AuthorizationPolicy rules that name one never match them; not modelled, such rules "
                            "are read as if the identity were present",
                        pa.mode_where.known() ? pa.mode_where : pa.where);
    }
    std::vector<std::uint32_t> mesh;
    std::map<std::string, std::vector<std::uint32_t>> by_ns;
    for (std::uint32_t i = 0; i < pas.size(); ++i) {
      if (pas[i].has_selector) continue;
      if (pas[i].meta.ns == root_) mesh.push_back(i);
      else by_ns[pas[i].meta.ns].push_back(i);
    }
    const int mesh_pa = pick(mesh, "mesh-wide");
    // Workload policies by the pods they select (in their namespace).
    std::map<std::uint32_t, std::vector<std::uint32_t>> own_of;
    for (std::uint32_t i = 0; i < pas.size(); ++i)
      if (pas[i].has_selector)
        for (std::uint32_t ep : Selected(pas[i].meta.ns, pas[i].match_labels, false)) own_of[ep].push_back(i);
    std::uint32_t outside = b_.new_peer();
    {
      std::vector<std::uint32_t> plain;
      for (std::uint32_t ep : pods_)
        if (!in_mesh_[ep]) plain.push_back(ep);
      b_.add_pods(outside, plain);
      for (const char* all : {"0.0.0.0/0", "::/0"}) b_.add_nets(outside, *ParseCidr(all), {});
    }
    std::map<std::pair<int, std::string>, FormPolicy> groups;  // (policy, ports) -> subjects
    std::map<std::pair<int, std::string>, PortSet> group_ports;
    for (std::uint32_t ep : pods_) {
      if (!in_mesh_[ep] || Gateway(ep)) continue;
      const std::string& ns = b_.pod_ns(ep);
      int ns_pa = by_ns.count(ns) ? pick(by_ns[ns], "to namespace '" + ns + "'") : -1;
      static const std::vector<std::uint32_t> kNone;
      auto o = own_of.find(ep);
      const std::vector<std::uint32_t>& own = o == own_of.end() ? kNone : o->second;
      const auto& w = b_.pod_workload(ep);
      int wl_pa = pick(own, "to workload '" + w.meta.ns + "/" + w.meta.name + "'");
      std::string mode = "PERMISSIVE";
      int source = -1;  // the policy that set the mode
      for (int i : {mesh_pa, ns_pa, wl_pa})
        if (i >= 0 && !pas[i].mode.empty() && pas[i].mode != "UNSET") {
          mode = pas[i].mode;
          source = i;
        }
      PortSet strict;
      if (mode == "STRICT") strict = Tcp();
      if (wl_pa >= 0)
        for (const auto& [port, pm] : pas[wl_pa].port_modes) {
          std::string m = pm.empty() || pm == "UNSET" ? mode : pm;
          PortSet one;
          one.Add(kTCP, port, port);
          strict = m == "STRICT" ? strict.Union(one) : strict.Subtract(one);
          if (m == "STRICT" && mode != "STRICT") source = wl_pa;
        }
      if (strict.empty() || source < 0) continue;
      auto key = std::make_pair(source, strict.Format());
      auto [it, fresh] = groups.try_emplace(key);
      if (fresh) {
        const auto& pa = pas[source];
        FormPolicy& fp = it->second;
        fp.origin = Origin::kIstio;
        fp.index = static_cast<std::uint32_t>(source);
        fp.kind = "PeerAuthentication";
        fp.name = pa.meta.ns + "/" + pa.meta.name;
        fp.where = pa.where;
        fp.applies = {true, false};
        FormRule r;
        r.action = Action::kDeny;
        r.peers = {outside};
        r.ports.all = false;
        r.ports.ports = strict;
        r.label = "(mTLS STRICT)";
        r.note = "only mutual TLS is accepted: sources without an Istio proxy and outside addresses are refused";
        r.where = pa.mode_where.known() ? pa.mode_where : pa.where;
        fp.rules[0].push_back(std::move(r));
      }
      it->second.subjects.push_back(ep);
    }
    for (auto& [k, fp] : groups) tier.policies.push_back(std::move(fp));
    return tier;
  }

  // A gateway's proxy terminates its own listeners: PeerAuthentication is
  // about sidecars (and ztunnel).
  bool Gateway(std::uint32_t ep) const {
    const auto& l = b_.pod_labels(ep);
    auto it = l.find("istio");
    if (it != l.end() && (it->second == "ingressgateway" || it->second == "egressgateway")) return true;
    return l.count("gateway.networking.k8s.io/gateway-name") || l.count("istio.io/gateway-name");
  }

  // Whether the pod runs an Istio proxy: an istio-proxy container (a
  // sidecar, injected or native, or a gateway); for a pod template, the
  // injection Istio's webhook would do (namespace label istio-injection or
  // istio.io/rev, pod label sidecar.istio.io/inject), or ambient mode.
  bool InMesh(std::uint32_t ep) const {
    if (b_.pod_host_network(ep)) return false;
    const k8s::Workload& w = b_.pod_workload(ep);
    for (const auto& c : w.containers)
      if (c.name == "istio-proxy") return true;
    // A running pod (it has an address or an owner) was injected or not.
    if (w.kind == "Pod" && (!w.pod_ips.empty() || !w.owner_kind.empty())) return false;
    const auto& ns = b_.ns_labels(b_.pod_ns(ep));
    auto label = [&](const std::map<std::string, std::string>& m, const char* k) -> std::string {
      auto it = m.find(k);
      return it == m.end() ? std::string() : it->second;
    };
    const std::string injection = label(ns, "istio-injection");
    if (injection == "disabled" || w.istio_inject == "false") return false;
    if (injection == "enabled" || ns.count("istio.io/rev") || w.istio_inject == "true") return true;
    return label(ns, "istio.io/dataplane-mode") == "ambient" &&
           label(w.pod_labels, "istio.io/dataplane-mode") != "none";
  }

  // Pods a workload selector picks (the engine's selection, cached by
  // content): in `ns`, or in every namespace.
  const std::vector<std::uint32_t>& Selected(const std::string& ns, const std::map<std::string, std::string>& labels,
                                             bool every_namespace) {
    static const k8s::LabelSelector kEveryNamespace = [] {
      k8s::LabelSelector all;
      all.present = true;
      return all;
    }();
    k8s::LabelSelector sel;
    sel.present = true;
    sel.match_labels = labels;
    return b_.select_pods(every_namespace ? &kEveryNamespace : nullptr, ns, &sel);
  }

  // Pods the policy selects: its namespace, or every namespace from the
  // root namespace; matchLabels. Those without a proxy are said.
  void Subjects(const mesh::AuthorizationPolicy& p, FormPolicy* fp) {
    std::vector<std::uint32_t> outside;
    for (std::uint32_t ep : Selected(p.meta.ns, p.match_labels, p.meta.ns == root_))
      (in_mesh_[ep] ? fp->subjects : outside).push_back(ep);
    // Said by explanations and by the istio-policy-not-enforced rule.
    fp->unenforced = outside;
  }

  // The identity a source presents: mTLS peers (pods with a proxy) have a
  // principal, a namespace and a service account; others none.
  struct Identity {
    std::string principal, ns, sa;
  };
  const Identity& Of(std::uint32_t ep) {
    if (ids_.empty()) {
      // Once per pod of the focus: peers consult them for every source.
      ids_.resize(b_.pod_count);
      host_.assign(b_.pod_count, 0);
      for (std::uint32_t p : pods_) {
        host_[p] = b_.pod_host_network(p);
        if (!in_mesh_[p]) continue;
        const std::string& ns = b_.pod_ns(p);
        const std::string& sa = b_.pod_service_account(p);
        ids_[p] = {trust_ + "/ns/" + ns + "/sa/" + sa, ns, ns + "/" + sa};
      }
    }
    return ids_[ep];
  }

  // istiod rejects a policy with an address that is neither an IP nor a
  // CIDR: said where it is, and the policy is not evaluated.
  bool AddressesValid(const mesh::AuthorizationPolicy& p) {
    auto check = [&](const std::vector<std::string>& list, const SourceRange& where) {
      for (const auto& a : list)
        if (!ParseCidr(IstioCidr(a))) {
          b_.sink.Error("invalid-cidr",
                        "AuthorizationPolicy '" + p.meta.ns + "/" + p.meta.name + "': '" + a +
                            "' is neither an IP nor a CIDR; istiod rejects the policy, it is not evaluated",
                        where);
          return false;
        }
      return true;
    };
    for (const auto& r : p.rules) {
      for (const auto& s : r.from)
        for (const auto* l : {&s.ip_blocks, &s.not_ip_blocks, &s.remote_ip_blocks, &s.not_remote_ip_blocks})
          if (!check(*l, s.where)) return false;
      for (const auto& c : r.when)
        if (c.key == "source.ip" || c.key == "remote.ip")
          for (const auto* l : {&c.values, &c.not_values})
            if (!check(*l, c.where)) return false;
    }
    return true;
  }

  // Address sets of ipBlocks-like lists; false when one is invalid.
  bool Ranges(const std::vector<std::string>& list, std::vector<IpRange>* out) {
    for (const auto& s : list) {
      auto r = ParseCidr(IstioCidr(s));
      if (!r) return false;
      out->push_back(*r);
    }
    return true;
  }

  // Whether one of the pod's addresses (parsed once per pod) is in `ranges`.
  bool PodIn(std::uint32_t ep, const std::vector<IpRange>& ranges) {
    if (addrs_.empty()) {
      addrs_.resize(b_.pod_count);
      for (std::uint32_t p : pods_)
        for (const auto& ip : b_.pod_ips(p))
          if (auto r = ParseCidr(IstioCidr(ip))) addrs_[p].push_back(*r);
    }
    for (const auto& a : addrs_[ep])
      for (const auto& x : ranges)
        if (x.Contains(a)) return true;
    return false;
  }

  // The connection-level restrictions of one source and the rule's
  // conditions: each positive list must match (values ORed within a list),
  // no negative value may; source addresses.
  struct PeerSpec {
    std::vector<std::vector<std::string>> principals, namespaces, sas;
    std::vector<std::string> not_principals, not_namespaces, not_sas;
    std::vector<IpRange> ips, not_ips;
    bool has_ips = false;   // ipBlocks (or a source.ip/remote.ip condition) given
    bool identity = false;  // a positive identity list: sources without mTLS never match
    bool Restricts() const {
      return !principals.empty() || !namespaces.empty() || !sas.empty() || !not_principals.empty() ||
             !not_namespaces.empty() || !not_sas.empty() || has_ips || !not_ips.empty();
    }
  };

  bool Accepts(const PeerSpec& s, std::uint32_t ep) {
    const Identity& who = Of(ep);
    if (host_[ep] && s.identity) return false;
    for (const auto& l : s.principals)
      if (!AnyMatch(l, who.principal)) return false;
    for (const auto& l : s.namespaces)
      if (!AnyMatch(l, who.ns)) return false;
    for (const auto& l : s.sas)
      if (std::find(l.begin(), l.end(), who.sa) == l.end()) return false;
    if (AnyMatch(s.not_principals, who.principal) || AnyMatch(s.not_namespaces, who.ns)) return false;
    if (std::find(s.not_sas.begin(), s.not_sas.end(), who.sa) != s.not_sas.end()) return false;
    if (s.has_ips && !PodIn(ep, s.ips)) return false;
    return s.not_ips.empty() || !PodIn(ep, s.not_ips);
  }

  // The namespaces a spec's identities confine it to, when one positive
  // list names them exactly: namespaces, principals
  // "<trust domain>/ns/<ns>/..." or service accounts "<ns>/<name>". Only
  // pods with a proxy have identities, so only those namespaces' pods can
  // match.
  bool Namespaces(const PeerSpec& s, std::vector<std::string>* out) const {
    for (const auto& l : s.namespaces)
      if (std::none_of(l.begin(), l.end(), [](const std::string& v) { return v.find('*') != std::string::npos; })) {
        *out = l;
        return true;
      }
    const std::string head = trust_ + "/ns/";
    for (const auto& l : s.principals) {
      std::vector<std::string> found;
      for (const auto& v : l) {
        auto end = v.find('/', head.size());
        if (v.compare(0, head.size(), head) != 0 || end == std::string::npos) break;
        std::string ns = v.substr(head.size(), end - head.size());
        if (ns.find('*') != std::string::npos) break;
        found.push_back(ns);
      }
      if (found.size() == l.size()) {
        *out = found;
        return true;
      }
    }
    for (const auto& l : s.sas) {
      for (const auto& v : l) out->push_back(v.substr(0, v.find('/')));
      return true;
    }
    return false;
  }

  // One peer id matching the pods and outside addresses of `s`.
  std::uint32_t Peer(const PeerSpec& s) {
    // Equal specs share one peer id.
    std::string key;
    auto lists = [&](const std::vector<std::vector<std::string>>& ls) {
      for (const auto& l : ls) key += "[" + Join(l) + "]";
      key += '|';
    };
    lists(s.principals);
    lists(s.namespaces);
    lists(s.sas);
    lists({s.not_principals, s.not_namespaces, s.not_sas});
    for (const auto* rs : {&s.ips, &s.not_ips}) {
      for (const auto& r : *rs) key += FormatRange(r) + ",";
      key += '|';
    }
    key += s.has_ips ? 'I' : '-';
    key += s.identity ? 'N' : '-';
    auto [it, fresh] = peer_cache_.try_emplace(key, 0);
    if (!fresh) return it->second;
    std::uint32_t id = b_.new_peer();
    it->second = id;
    std::vector<std::uint32_t> pods;
    std::vector<std::string> in_ns;
    if (Namespaces(s, &in_ns)) {
      std::sort(in_ns.begin(), in_ns.end());
      in_ns.erase(std::unique(in_ns.begin(), in_ns.end()), in_ns.end());
      for (const auto& ns : in_ns)
        if (auto n = by_ns_.find(ns); n != by_ns_.end())
          for (std::uint32_t ep : n->second)
            if (Accepts(s, ep)) pods.push_back(ep);
    } else {
      for (std::uint32_t ep : pods_)
        if (Accepts(s, ep)) pods.push_back(ep);
    }
    b_.add_pods(id, pods);
    // Outside addresses have no mTLS identity: no principal, namespace or
    // service account (negative lists hold for them).
    if (!s.identity) {
      std::vector<IpRange> ranges = s.ips;
      if (!s.has_ips) {
        ranges.push_back(*ParseCidr("0.0.0.0/0"));
        ranges.push_back(*ParseCidr("::/0"));
      }
      for (const auto& r : ranges) b_.add_nets(id, r, s.not_ips);
    }
    return id;
  }

  // Adds a condition's peer restriction to `s`; false when the key is not
  // about the source.
  bool Condition(const mesh::IstioCondition& c, PeerSpec* s, bool* bad) {
    auto identity = [&](std::vector<std::vector<std::string>>& pos, std::vector<std::string>& neg) {
      if (!c.values.empty()) {
        pos.push_back(c.values);
        s->identity = true;
      }
      neg.insert(neg.end(), c.not_values.begin(), c.not_values.end());
      return true;
    };
    if (c.key == "source.principal") return identity(s->principals, s->not_principals);
    if (c.key == "source.namespace") return identity(s->namespaces, s->not_namespaces);
    if (c.key == "source.serviceAccount") return identity(s->sas, s->not_sas);
    if (c.key == "source.ip" || c.key == "remote.ip") {
      std::vector<IpRange> in;
      if (!Ranges(c.values, &in) || !Ranges(c.not_values, &s->not_ips)) *bad = true;
      if (!c.values.empty()) {
        s->ips = s->has_ips ? Intersect(s->ips, in) : in;
        s->has_ips = true;
      }
      return true;
    }
    return false;
  }

  static std::vector<IpRange> Intersect(const std::vector<IpRange>& a, const std::vector<IpRange>& b) {
    std::vector<IpRange> out;
    for (const auto& x : a)
      for (const auto& y : b)
        if (x.Overlaps(y)) out.push_back(IpRange{x.family, std::max(x.lo, y.lo), std::min(x.hi, y.hi)});
    return out;
  }

  static PortSet Numbers(const std::vector<std::string>& ports) {
    PortSet s;
    for (const auto& p : ports) {
      int v = std::stoi(p);
      if (v > 0) s.Add(kTCP, v, v);  // port 0 carries no connection
    }
    return s;
  }

  // One rule: a Deny or Pass (ALLOW) rule of the form, and for a DENY rule
  // with request attributes, a Pass rule that says what it denies.
  void Rules(const mesh::IstioRule& r, int index, bool is_deny, FormPolicy* fp) {
    std::vector<std::string> l7;  // request attributes, said in the note
    // Ports: TCP, the union of the operations' (ports minus notPorts).
    PortSet ports;
    bool l7_ops_only = !r.to.empty();  // every operation carries request attributes
    PortSet l4_ports;                  // ports of the operations without them (DENY)
    if (r.to.empty()) ports = Tcp();
    for (const auto& op : r.to) {
      PortSet s = op.ports.empty() ? Tcp() : Numbers(op.ports);
      s = s.Subtract(Numbers(op.not_ports));
      ports = ports.Union(s);
      std::vector<std::string> req;
      auto say = [&](const char* what, const std::vector<std::string>& v) {
        if (!v.empty()) req.push_back(std::string(what) + " " + Join(v));
      };
      say("hosts", op.hosts);
      say("notHosts", op.not_hosts);
      say("methods", op.methods);
      say("notMethods", op.not_methods);
      say("paths", op.paths);
      say("notPaths", op.not_paths);
      if (req.empty()) {
        l7_ops_only = false;
        l4_ports = l4_ports.Union(s);
      }
      l7.insert(l7.end(), req.begin(), req.end());
    }
    if (r.to.empty()) l4_ports = ports;
    // Conditions: about the source, the destination port, or the request.
    PeerSpec cond;
    bool bad = false, l7_cond = false;
    for (const auto& c : r.when) {
      if (Condition(c, &cond, &bad)) continue;
      if (c.key == "destination.port") {
        // Numbers, as the parser checked.
        PortSet in = c.values.empty() ? Tcp() : Numbers(c.values), out = Numbers(c.not_values);
        ports = ports.Intersect(in).Subtract(out);
        l4_ports = l4_ports.Intersect(in).Subtract(out);
        continue;
      }
      if (c.key.rfind("request.", 0) == 0 || c.key == "connection.sni" || c.key.rfind("experimental.", 0) == 0) {
        l7_cond = true;
        l7.push_back("when " + c.key);
        continue;
      }
      // destination.ip and keys Istio does not document.
      b_.sink.Warning("unsupported-construct",
                      "AuthorizationPolicy '" + fp->name + "' rule #" + std::to_string(index + 1) + " condition '" +
                          c.key + "' is not modelled: the rule is read as if it held",
                      c.where);
    }
    // Sources.
    std::vector<std::uint32_t> peers, l4_peers;
    bool any_peer = r.from.empty(), l4_any = r.from.empty();
    for (const auto& src : r.from) {
      // A source's fields and the rule's conditions are ANDed.
      PeerSpec ps = cond;
      auto list = [&](std::vector<std::vector<std::string>>& pos, std::vector<std::string>& neg,
                      const std::vector<std::string>& p, const std::vector<std::string>& n) {
        if (!p.empty()) {
          pos.push_back(p);
          ps.identity = true;
        }
        neg.insert(neg.end(), n.begin(), n.end());
      };
      list(ps.principals, ps.not_principals, src.principals, src.not_principals);
      list(ps.namespaces, ps.not_namespaces, src.namespaces, src.not_namespaces);
      list(ps.sas, ps.not_sas, src.service_accounts, src.not_service_accounts);
      std::vector<IpRange> ips;
      if (!Ranges(src.ip_blocks, &ips) || !Ranges(src.remote_ip_blocks, &ips) ||
          !Ranges(src.not_ip_blocks, &ps.not_ips) || !Ranges(src.not_remote_ip_blocks, &ps.not_ips))
        bad = true;
      if (!src.ip_blocks.empty() || !src.remote_ip_blocks.empty()) {
        ps.ips = ps.has_ips ? Intersect(ps.ips, ips) : ips;
        ps.has_ips = true;
      }
      std::uint32_t id = Peer(ps);
      peers.push_back(id);
      if (!src.request_principals.empty() || !src.not_request_principals.empty())
        l7.push_back("requestPrincipals " + Join(src.request_principals) +
                     (src.not_request_principals.empty() ? "" : " notRequestPrincipals " + Join(src.not_request_principals)));
      else
        l4_peers.push_back(id);
      if (!src.remote_ip_blocks.empty() || !src.not_remote_ip_blocks.empty())
        l7.push_back("remoteIpBlocks (the client address a gateway forwards; read here as the source address)");
    }
    if (r.from.empty() && cond.Restricts()) {
      std::uint32_t id = Peer(cond);
      peers.push_back(id);
      l4_peers.push_back(id);
      any_peer = l4_any = false;
    }
    if (bad) return;  // AddressesValid said it and skipped the policy
    const std::string label = "#" + std::to_string(index + 1);
    auto make = [&](Action a, const std::vector<std::uint32_t>& ps, bool any, const PortSet& pts, std::string note) {
      FormRule fr;
      fr.action = a;
      fr.peers = ps;
      fr.any_peer = any;
      fr.ports.all = false;
      fr.ports.ports = pts;
      fr.index = index;
      fr.label = label;
      fr.note = std::move(note);
      fr.where = r.where;
      fp->rules[0].push_back(std::move(fr));
    };
    const std::string req = Join(l7);
    if (!is_deny) {
      make(Action::kPass, peers, any_peer, ports,
           l7.empty() ? "" : "only requests with " + req + " (request level: the connection itself is let through)");
      return;
    }
    if (l7.empty()) {
      make(Action::kDeny, peers, any_peer, ports, "");
      return;
    }
    // DENY with request attributes: the connection-level part denies.
    if (!l7_cond && !l7_ops_only && (l4_any || !l4_peers.empty()) && !l4_ports.empty())
      make(Action::kDeny, l4_peers, l4_any, l4_ports, "");
    make(Action::kPass, peers, any_peer, ports,
         "denies requests with " + req +
             " (request level; on plain TCP, not HTTP, Istio treats these attributes as matching and denies the "
             "connection)");
  }

  FormBuilder& b_;
  const Model& m_;
  PolicyForm& form_;
  std::string root_ = "istio-system";
  std::string trust_ = "cluster.local";
  std::vector<std::uint32_t> pods_;
  std::vector<char> in_mesh_;
  std::vector<Identity> ids_;  // per pod endpoint, empty without a proxy
  std::vector<char> host_;     // per pod endpoint: on the host's network
  std::vector<std::vector<IpRange>> addrs_;  // per pod endpoint: its addresses
  std::map<std::string, std::uint32_t> peer_cache_;
  std::map<std::string, std::vector<std::uint32_t>> by_ns_;  // pods of the focus by namespace
  std::set<std::string> warned_;
};

}  // namespace

void IstioNets(const Model& model, const std::function<void(int, const std::string&, SourceRange)>& add) {
  // Invalid addresses are the compiler's to report (the policy is skipped).
  auto valid = [&](const std::string& a, SourceRange where) {
    if (ParseCidr(IstioCidr(a))) add(0, IstioCidr(a), where);
  };
  for (const auto& p : model.istio_authz)
    for (const auto& r : p.rules) {
      for (const auto& s : r.from)
        for (const auto* l : {&s.ip_blocks, &s.not_ip_blocks, &s.remote_ip_blocks, &s.not_remote_ip_blocks})
          for (const auto& c : *l) valid(c, s.where);
      for (const auto& c : r.when)
        if (c.key == "source.ip" || c.key == "remote.ip")
          for (const auto* l : {&c.values, &c.not_values})
            for (const auto& v : *l) valid(v, c.where);
    }
}

void CompileIstio(FormBuilder& b, PolicyForm& form) {
  if (b.model.istio_authz.empty() && b.model.istio_peer_auth.empty()) return;
  IstioCompiler(b, form).Run();
}

}  // namespace grantpath::net

#include "engine/encryption.h"

#include <algorithm>
#include <cctype>

#include "engine/net_types.h"

namespace grantpath::overlay {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsTrue(const std::string& v) {
  std::string l = Lower(v);
  return l == "true" || l == "yes" || l == "on" || l == "1";
}

// Settings grouped by the object that holds them, in input order.
struct Object {
  std::string cni, name;
  std::vector<const CniSetting*> settings;
  const CniSetting* Get(const std::string& key) const {
    for (const auto* s : settings)
      if (s->key == key) return s;
    return nullptr;
  }
  SourceRange where() const { return settings.empty() ? SourceRange{} : settings.front()->where; }
};

std::vector<Object> Objects(const Model& m) {
  std::vector<Object> out;
  for (const auto& s : m.cni_settings) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Object& o) { return o.name == s.object && o.cni == s.cni; });
    if (it == out.end()) {
      out.push_back({s.cni, s.object, {}});
      it = out.end() - 1;
    }
    it->settings.push_back(&s);
  }
  return out;
}

std::string Described(const CniSetting& s) {
  return s.object + " " + s.key + (s.present ? ": " + s.value : " (absent)");
}

void Calico(const std::vector<Object>& objs, std::vector<Status>* out) {
  const Object* felix = nullptr;
  std::vector<const Object*> nodes, pools;
  for (const auto& o : objs) {
    if (o.cni != "calico") continue;
    if (o.name == "FelixConfiguration 'default'") felix = &o;
    else if (o.name.rfind("FelixConfiguration '", 0) == 0) nodes.push_back(&o);
    else pools.push_back(&o);
  }
  if (!felix && nodes.empty() && pools.empty()) return;
  Status st;
  st.cni = "calico";
  st.scope = "cluster";
  std::vector<std::string> encaps;
  bool v6 = false;
  for (const auto* p : pools) {
    const CniSetting* dis = p->Get("disabled");
    if (dis && IsTrue(dis->value)) continue;
    const CniSetting* cidr = p->Get("cidr");
    v6 |= cidr && cidr->value.find(':') != std::string::npos;
    const CniSetting* ipip = p->Get("ipipMode");
    const CniSetting* vxlan = p->Get("vxlanMode");
    std::string e = "none";
    if (ipip && ipip->present && ipip->value != "Never") e = "IP-in-IP (" + ipip->value + ")";
    if (vxlan && vxlan->present && vxlan->value != "Never") e = "VXLAN (" + vxlan->value + ")";
    std::string name = p->name.substr(p->name.find('\''));
    encaps.push_back(e + " in pool " + name);
    st.related.push_back({(ipip && ipip->present) ? ipip->where : (vxlan && vxlan->present) ? vxlan->where : p->where(),
                          "IPPool " + name + ": " + e});
  }
  for (std::size_t i = 0; i < encaps.size(); ++i) st.encapsulation += (i ? ", " : "") + encaps[i];
  if (st.encapsulation.empty()) st.encapsulation = "unknown (no IPPool in the input)";
  if (!felix) {
    st.state = State::kUnknown;
    st.decided_by = "no FelixConfiguration 'default' in the input (Calico's default is wireguardEnabled: false)";
    st.where = pools.empty() ? nodes.front()->where() : pools.front()->where();
    st.fix = "add the FelixConfiguration 'default' to the input, with wireguardEnabled: true";
    out->push_back(st);
    return;
  }
  const CniSetting* wg = felix->Get("wireguardEnabled");
  const CniSetting* wg6 = felix->Get("wireguardEnabledV6");
  bool on = wg && wg->present && IsTrue(wg->value);
  bool on6 = wg6 && wg6->present && IsTrue(wg6->value);
  const CniSetting* deciding = wg;
  if (on && v6 && !on6) {
    on = false;
    deciding = wg6;
  }
  st.state = on ? State::kEncrypted : State::kClear;
  st.decided_by = Described(*deciding);
  st.where = deciding->where;
  st.encapsulation = (on ? "WireGuard over " : "") + st.encapsulation;
  st.fix = deciding == wg6 ? "set wireguardEnabledV6: true in FelixConfiguration 'default' (IPv6 pools exist)"
                           : "set wireguardEnabled: true in FelixConfiguration 'default' (WireGuard encrypts "
                             "pod traffic between nodes)";
  for (const auto* n : nodes) {
    const CniSetting* w = n->Get("wireguardEnabled");
    if (w && w->present && IsTrue(w->value) != on)
      st.related.push_back({w->where, n->name + " overrides wireguardEnabled for that node: " + w->value});
  }
  out->push_back(st);
}

void Cilium(const std::vector<Object>& objs, std::vector<Status>* out) {
  for (const auto& o : objs) {
    if (o.cni != "cilium") continue;
    Status st;
    st.cni = "cilium";
    st.scope = "cluster";
    bool helm = o.name.rfind("Cilium Helm values", 0) == 0;
    const CniSetting* wg = o.Get(helm ? "encryption.enabled" : "enable-wireguard");
    const CniSetting* ipsec = helm ? o.Get("encryption.type") : o.Get("enable-ipsec");
    const CniSetting* mode = o.Get(helm ? "routingMode" : "routing-mode");
    const CniSetting* proto = o.Get(helm ? "tunnelProtocol" : "tunnel-protocol");
    const CniSetting* legacy = helm ? nullptr : o.Get("tunnel");
    std::string encap;
    if (mode && mode->present && mode->value == "native") encap = "native routing";
    else if (legacy && legacy->present && legacy->value == "disabled") encap = "native routing";
    else {
      std::string p = proto && proto->present ? proto->value : legacy && legacy->present ? legacy->value : "vxlan";
      encap = "tunnel (" + p + ")";
    }
    st.encapsulation = encap;
    if (helm) {
      bool on = wg && wg->present && IsTrue(wg->value);
      std::string type = ipsec && ipsec->present ? ipsec->value : "ipsec";
      st.state = on ? State::kEncrypted : State::kClear;
      st.decided_by = Described(*wg);
      st.where = wg->where;
      if (on) st.encapsulation = (type == "wireguard" ? "WireGuard" : "IPsec") + std::string(" over ") + encap;
    } else {
      bool w = wg && wg->present && IsTrue(wg->value);
      bool i = ipsec && ipsec->present && IsTrue(ipsec->value);
      st.state = (w || i) ? State::kEncrypted : State::kClear;
      const CniSetting* d = w ? wg : i ? ipsec : wg;
      st.decided_by = Described(*d);
      st.where = d->where;
      if (w || i) st.encapsulation = (w ? "WireGuard" : "IPsec") + std::string(" over ") + encap;
    }
    st.fix = helm ? "set encryption.enabled: true and encryption.type: wireguard (or ipsec) in the Helm values"
                  : "set enable-wireguard: \"true\" (or enable-ipsec) in the cilium-config ConfigMap, through "
                    "Helm's encryption.enabled and encryption.type";
    out->push_back(st);
  }
}

void Flannel(const std::vector<Object>& objs, std::vector<Status>* out) {
  for (const auto& o : objs) {
    if (o.cni != "flannel") continue;
    std::map<std::string, std::string> keys;
    for (const auto* s : o.settings)
      if (s->present) keys[s->key] = s->value;
    FlannelConfig c = EvaluateFlannel(keys);
    const CniSetting* bt = o.Get("Backend.Type");
    Status st;
    st.cni = "flannel";
    st.scope = "cluster";
    st.encapsulation = c.backend_type + " backend";
    bool enc = c.backend_type == "wireguard" || c.backend_type == "ipsec";
    st.state = enc ? State::kEncrypted : State::kClear;
    st.decided_by = bt && bt->present ? o.name + " Backend.Type: " + bt->value
                                      : o.name + " has no Backend (flanneld then uses the udp backend)";
    st.where = bt ? bt->where : o.where();
    st.fix = "set \"Backend\": {\"Type\": \"wireguard\"} (or ipsec) in net-conf.json; vxlan, host-gw, udp and ipip "
             "carry pod traffic in clear text";
    out->push_back(st);
  }
}

void Docker(const Model& m, std::vector<Status>* out) {
  for (const auto& n : m.docker_networks) {
    if (n.driver != "overlay" || n.external) continue;
    Status st;
    st.cni = "docker";
    st.scope = "stack '" + n.project + "' network '" + n.key + "'";
    st.encapsulation = "VXLAN overlay";
    st.state = n.encrypted ? State::kEncrypted : State::kClear;
    st.where = n.encrypted ? n.encrypted_where : n.where;
    st.decided_by = n.encrypted ? "driver_opts encrypted (IPsec ESP between nodes)"
                                : "driver_opts has no 'encrypted' option";
    if (n.encrypted) st.encapsulation = "IPsec (ESP) over VXLAN overlay";
    st.fix = "add driver_opts: {encrypted: \"true\"} to network '" + n.key +
             "' (IPsec; the nodes must allow IP protocol 50)";
    out->push_back(st);
  }
  // The routing mesh: published ports in ingress mode cross the `ingress`
  // overlay, which is never encrypted unless recreated with --opt encrypted.
  for (const auto& p : m.docker_projects) {
    if (!p.swarm) continue;
    for (const auto& s : m.docker_services) {
      if (s.project != p.name) continue;
      auto it = std::find_if(s.ports.begin(), s.ports.end(), [](const docker::Publish& x) { return x.mode != "host"; });
      if (it == s.ports.end()) continue;
      Status st;
      st.cni = "docker";
      st.scope = "stack '" + p.name + "' routing mesh (ingress network)";
      st.encapsulation = "VXLAN overlay";
      st.state = State::kClear;
      st.where = it->where;
      st.decided_by = "published ports in mode ingress cross the swarm 'ingress' network, which is not encrypted "
                      "unless it is recreated with --opt encrypted";
      st.fix = "recreate the ingress network with --opt encrypted, or publish with mode: host";
      out->push_back(st);
      break;
    }
  }
}

bool ParseV4(const std::string& s, std::uint32_t* v) {
  auto r = net::ParseCidr(s);
  if (!r || r->family != 4 || s.find('/') != std::string::npos) return false;
  *v = static_cast<std::uint32_t>(r->lo);
  return true;
}

}  // namespace

const char* StateName(State s) {
  switch (s) {
    case State::kEncrypted: return "encrypted";
    case State::kClear: return "clear";
    case State::kUnknown: return "unknown";
  }
  return "unknown";
}

FlannelConfig EvaluateFlannel(const std::map<std::string, std::string>& keys) {
  FlannelConfig c;
  auto get = [&](const char* k) -> std::optional<std::string> {
    auto it = keys.find(k);
    if (it == keys.end()) return std::nullopt;
    return it->second;
  };
  if (auto v = get("EnableIPv4")) c.enable_ipv4 = IsTrue(*v);
  if (auto v = get("EnableIPv6")) c.enable_ipv6 = IsTrue(*v);
  // flanneld: an absent Backend means the udp backend.
  c.backend_type = get("Backend.Type").value_or("udp");
  auto fail = [&](const char* key, std::string message) {
    if (c.error.empty()) {
      c.error = std::move(message);
      c.error_key = key;
    }
  };
  auto to_int = [](const std::optional<std::string>& v) -> int {
    if (!v || v->empty()) return 0;
    for (char ch : *v)
      if (!std::isdigit(static_cast<unsigned char>(ch))) return -1;
    return v->size() > 4 ? -1 : std::stoi(*v);
  };
  if (c.enable_ipv4) {
    auto net = get("Network");
    auto r = net ? net::ParseCidr(*net) : std::nullopt;
    if (!r || r->family != 4 || net->find('/') == std::string::npos) {
      fail("Network", "please define a correct Network parameter in the flannel config");
    } else {
      c.network = *net;
      int prefix = std::stoi(net->substr(net->find('/') + 1));
      int len = to_int(get("SubnetLen"));
      if (len < 0) fail("SubnetLen", "SubnetLen must be a number");
      if (len > 0) {
        if (len > 30) fail("SubnetLen", "SubnetLen must be less than /31");
        else if (len < prefix + 2) fail("SubnetLen", "network must be able to accommodate at least four subnets");
      } else if (prefix > 28) {
        fail("Network", "network is too small. Minimum useful network prefix is /28");
      } else {
        len = prefix <= 22 ? 24 : prefix + 2;
      }
      if (c.error.empty()) {
        c.subnet_len = len;
        std::uint32_t size = 1u << (32 - len);
        std::uint32_t lo = static_cast<std::uint32_t>(r->lo), next = static_cast<std::uint32_t>(r->hi) + 1;
        std::uint32_t mn = 0, mx = 0;
        if (auto v = get("SubnetMin")) {
          if (!ParseV4(*v, &mn) || mn < lo || mn > r->hi) fail("SubnetMin", "SubnetMin is not in the range of the Network");
        } else {
          mn = lo + size;
        }
        if (auto v = get("SubnetMax")) {
          if (!ParseV4(*v, &mx) || mx < lo || mx > r->hi) fail("SubnetMax", "SubnetMax is not in the range of the Network");
        } else {
          mx = next - size;
        }
        std::uint32_t mask = len == 0 ? 0 : 0xFFFFFFFFu << (32 - len);
        if (c.error.empty() && (mn & mask) != mn) fail("SubnetMin", "SubnetMin is not on a SubnetLen boundary");
        if (c.error.empty() && (mx & mask) != mx) fail("SubnetMax", "SubnetMax is not on a SubnetLen boundary");
        c.subnet_min = net::FormatAddress(4, mn);
        c.subnet_max = net::FormatAddress(4, mx);
      }
    }
  }
  if (c.enable_ipv6) {
    auto net6 = get("IPv6Network");
    auto r = net6 ? net::ParseCidr(*net6) : std::nullopt;
    if (!r || r->family != 6 || net6->find('/') == std::string::npos) {
      fail("IPv6Network", "please define a correct IPv6Network parameter in the flannel config");
    } else {
      c.ipv6_network = *net6;
      int prefix = std::stoi(net6->substr(net6->find('/') + 1));
      int len = to_int(get("IPv6SubnetLen"));
      if (len < 0) fail("IPv6SubnetLen", "IPv6SubnetLen must be a number");
      if (len > 0) {
        if (len > 126) fail("IPv6SubnetLen", "SubnetLen must be less than /127");
        else if (len < prefix + 2) fail("IPv6SubnetLen", "network must be able to accommodate at least four subnets");
      } else if (prefix > 124) {
        fail("IPv6Network", "IPv6Network is too small. Minimum useful network prefix is /124");
      } else {
        len = prefix <= 62 ? 64 : prefix + 2;
      }
      if (len > 0 && len <= 126) {
        c.ipv6_subnet_len = len;
        net::U128 size = net::U128{1} << (128 - len);
        net::U128 mn = r->lo + size, mx = r->hi + 1 - size;
        auto parse6 = [](const std::string& s, net::U128* v) {
          auto a = net::ParseCidr(s);
          if (!a || a->family != 6 || s.find('/') != std::string::npos) return false;
          *v = a->lo;
          return true;
        };
        if (auto v = get("IPv6SubnetMin"))
          if (!parse6(*v, &mn) || mn < r->lo || mn > r->hi)
            fail("IPv6SubnetMin", "IPv6SubnetMin is not in the range of the IPv6Network");
        if (auto v = get("IPv6SubnetMax"))
          if (!parse6(*v, &mx) || mx < r->lo || mx > r->hi)
            fail("IPv6SubnetMax", "IPv6SubnetMax is not in the range of the IPv6Network");
        net::U128 low = size - 1;
        if (c.error.empty() && (mn & low) != 0) fail("IPv6SubnetMin", "IPv6SubnetMin is not on a SubnetLen boundary");
        if (c.error.empty() && (mx & low) != 0) fail("IPv6SubnetMax", "IPv6SubnetMax is not on a SubnetLen boundary");
        c.ipv6_subnet_min = net::FormatAddress(6, mn);
        c.ipv6_subnet_max = net::FormatAddress(6, mx);
      }
    }
  }
  return c;
}

std::vector<Status> EncryptionReport(const Model& model) {
  std::vector<Status> out;
  auto objs = Objects(model);
  Calico(objs, &out);
  Cilium(objs, &out);
  Flannel(objs, &out);
  Docker(model, &out);
  return out;
}

void ValidateOverlaySettings(const Model& model, DiagnosticSink& sink) {
  for (const auto& o : Objects(model)) {
    if (o.cni != "flannel") continue;
    std::map<std::string, std::string> keys;
    for (const auto* s : o.settings)
      if (s->present) keys[s->key] = s->value;
    FlannelConfig c = EvaluateFlannel(keys);
    if (c.error.empty()) continue;
    const CniSetting* at = o.Get(c.error_key);
    sink.Error("invalid-value", o.name + ": " + c.error + " (flanneld refuses this configuration)",
               at ? at->where : o.where());
  }
}

}  // namespace grantpath::overlay

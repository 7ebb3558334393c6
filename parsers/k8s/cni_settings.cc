#include "k8s/cni_settings.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

using overlay::CniSetting;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ObjectName(const DocNode& obj, const std::string& kind) {
  std::string name, ns;
  if (const DocNode* md = obj.Find("metadata"); md && md->is_map()) {
    if (const DocNode* n = md->Find("name"); n && n->is_scalar()) name = n->text;
    if (const DocNode* n = md->Find("namespace"); n && n->is_scalar()) ns = n->text;
  }
  return kind + " '" + (ns.empty() ? "" : ns + "/") + name + "'";
}

void Add(Model& model, const std::string& cni, const std::string& object, const std::string& key,
         const DocNode* value, SourceRange object_where, FileId file) {
  CniSetting s;
  s.cni = cni;
  s.object = object;
  s.key = key;
  if (value && !value->is_null()) {
    s.value = value->is_scalar() ? value->text : std::string(value->Describe());
    s.where = At(file, value->pos);
  } else {
    s.present = false;
    s.where = object_where;
  }
  model.cni_settings.push_back(std::move(s));
}

bool IsInterfaceName(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// A pool CIDR: family, prefix length, and whether it overlaps the
// link-local range (169.254.0.0/16, fe80::/10). False when malformed.
struct PoolCidr {
  bool v6 = false;
  int prefix = 0;
  bool link_local = false;
};
bool ParsePoolCidr(const std::string& text, PoolCidr* out) {
  std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size() || text.size() - slash > 4) return false;
  std::string addr = text.substr(0, slash), len = text.substr(slash + 1);
  if (!std::all_of(len.begin(), len.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  out->prefix = std::stoi(len);
  out->v6 = addr.find(':') != std::string::npos;
  if (out->v6) {
    if (out->prefix > 128) return false;
    for (char c : addr)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    // The first group decides the link-local overlap; "::..." starts with 0.
    std::uint32_t h = 0;
    if (addr.rfind("::", 0) != 0) {
      std::string first = addr.substr(0, addr.find(':'));
      if (first.empty() || first.size() > 4) return false;
      for (char c : first) h = h * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10));
    }
    int bits = std::min(out->prefix, 10);
    out->link_local = bits == 0 || ((h ^ 0xfe80u) >> (16 - bits)) == 0;
    return h <= 0xffff;
  }
  if (out->prefix > 32) return false;
  std::uint32_t v = 0;
  int parts = 0;
  std::size_t start = 0;
  while (start <= addr.size()) {
    std::size_t dot = addr.find('.', start);
    std::string part = addr.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return false;
    int n = std::stoi(part);
    if (n > 255) return false;
    v = (v << 8) | static_cast<std::uint32_t>(n);
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts != 4) return false;
  int bits = std::min(out->prefix, 16);
  out->link_local = bits == 0 || ((v ^ 0xA9FE0000u) >> (32 - bits)) == 0;
  return true;
}

// Calico's encapsulation modes are case-sensitive.
bool IsEncapMode(const std::string& v) { return v == "Never" || v == "Always" || v == "CrossSubnet"; }

}  // namespace

std::size_t ParseCalicoNetworkSettings(const DocNode& obj, const std::string& kind, FileId file, Model& model,
                                       DiagnosticSink& sink) {
  std::string object = ObjectName(obj, kind);
  SourceRange where = At(file, obj.pos);
  const DocNode* spec = obj.Find("spec");
  if (spec && !spec->is_map()) {
    sink.Error("wrong-type", "'spec' of " + object + " must be a map (not analyzed)", At(file, spec->pos));
    return 0;
  }
  static const DocNode kEmpty = [] {
    DocNode n;
    n.type = DocNode::Type::kMap;
    return n;
  }();
  const DocNode& sp = spec ? *spec : kEmpty;
  auto invalid = [&](const DocNode& at, const std::string& message) {
    sink.Error("invalid-value", object + ": " + message + " (the API server rejects it; not analyzed)",
               At(file, at.pos));
  };
  std::size_t before = model.cni_settings.size();
  if (kind == "FelixConfiguration") {
    for (const char* k : {"wireguardListeningPort", "wireguardListeningPortV6"})
      if (const DocNode* v = sp.Find(k)) {
        auto n = ScalarInt(*v);
        if (!n || *n < 1 || *n > 65535) return invalid(*v, std::string(k) + " must be a port (1-65535)"), 0;
      }
    if (const DocNode* v = sp.Find("wireguardRoutingRulePriority")) {
      auto n = ScalarInt(*v);
      if (!n || *n < 1 || *n > 32765) return invalid(*v, "wireguardRoutingRulePriority must be 1-32765"), 0;
    }
    for (const char* k : {"wireguardInterfaceName", "wireguardInterfaceNameV6"})
      if (const DocNode* v = sp.Find(k); v && (!v->is_scalar() || !IsInterfaceName(v->text)))
        return invalid(*v, std::string(k) + " must be a network interface name"), 0;
    for (const char* k : {"wireguardEnabled", "wireguardEnabledV6"}) {
      const DocNode* v = sp.Find(k);
      if (v && !v->is_null() && !ScalarBool(*v)) return invalid(*v, std::string(k) + " must be true or false"), 0;
      Add(model, "calico", object, k, v, where, file);
    }
    // Failsafe ports of host endpoints: their presence is recorded (the
    // network engine says it assumes the defaults).
    for (const char* k : {"failsafeInboundHostPorts", "failsafeOutboundHostPorts"})
      if (const DocNode* v = sp.Find(k); v && !v->is_null()) Add(model, "calico", object, k, v, where, file);
  } else {  // IPPool
    const DocNode* cidr = sp.Find("cidr");
    if (!cidr || !cidr->is_scalar() || cidr->text.empty()) {
      invalid(cidr ? *cidr : obj, "an IPPool needs spec.cidr");
      return 0;
    }
    PoolCidr pc;
    if (!ParsePoolCidr(cidr->text, &pc)) return invalid(*cidr, "'" + cidr->text + "' is not a CIDR"), 0;
    bool v6 = pc.v6;
    if (pc.link_local) return invalid(*cidr, "a pool must not overlap the link-local range"), 0;
    bool disabled = false;
    if (const DocNode* d = sp.Find("disabled")) disabled = ScalarBool(*d).value_or(false);
    // Enabled pools hold at least one allocation block (blockSize, by
    // default /26 for IPv4 and /122 for IPv6).
    int block = v6 ? 122 : 26;
    if (const DocNode* b = sp.Find("blockSize"))
      if (auto n = ScalarInt(*b)) block = static_cast<int>(*n);
    if (!disabled && pc.prefix > block)
      return invalid(*cidr, "the pool is smaller than its block size /" + std::to_string(block)), 0;
    std::array<std::string, 2> modes{"Never", "Never"};
    const char* keys[2] = {"ipipMode", "vxlanMode"};
    for (int i = 0; i < 2; ++i)
      if (const DocNode* v = sp.Find(keys[i]); v && !v->is_null()) {
        if (!v->is_scalar() || !IsEncapMode(v->text))
          return invalid(*v, std::string(keys[i]) + " must be Never, Always or CrossSubnet, got '" + v->text + "'"), 0;
        modes[i] = v->text;
      }
    if (modes[0] != "Never" && modes[1] != "Never")
      return invalid(*sp.Find("vxlanMode"), "IP-in-IP and VXLAN cannot both be enabled on one pool"), 0;
    if (v6 && modes[0] != "Never") return invalid(*sp.Find("ipipMode"), "IP-in-IP is not supported for IPv6 pools"), 0;
    if (v6 && modes[1] == "Always")
      return invalid(*sp.Find("vxlanMode"), "VXLAN mode Always is not supported for IPv6 pools"), 0;
    if (const DocNode* uses = sp.Find("allowedUses"); uses && uses->is_seq()) {
      bool lb = false;
      for (const auto& u : uses->items) {
        if (!u.is_scalar() || (u.text != "Workload" && u.text != "Tunnel" && u.text != "LoadBalancer"))
          return invalid(u, "allowedUses must be Workload, Tunnel or LoadBalancer"), 0;
        lb |= u.text == "LoadBalancer";
      }
      if (lb && uses->items.size() > 1)
        return invalid(*uses, "a LoadBalancer pool cannot have other allowedUses"), 0;
      if (lb && (modes[0] != "Never" || modes[1] != "Never"))
        return invalid(*uses, "a LoadBalancer pool cannot use IP-in-IP or VXLAN"), 0;
    }
    Add(model, "calico", object, "cidr", cidr, where, file);
    Add(model, "calico", object, "ipipMode", sp.Find("ipipMode"), where, file);
    Add(model, "calico", object, "vxlanMode", sp.Find("vxlanMode"), where, file);
    if (const DocNode* d = sp.Find("disabled")) Add(model, "calico", object, "disabled", d, where, file);
  }
  return model.cni_settings.size() - before;
}

std::size_t ParseCniConfigMap(const DocNode& obj, FileId file, Model& model, DiagnosticSink& sink) {
  const DocNode* data = obj.Find("data");
  if (!data || !data->is_map()) return 0;
  std::string name;
  if (const DocNode* md = obj.Find("metadata"); md && md->is_map())
    if (const DocNode* n = md->Find("name"); n && n->is_scalar()) name = n->text;
  std::string object = ObjectName(obj, "ConfigMap");
  SourceRange where = At(file, obj.pos);
  std::size_t before = model.cni_settings.size();
  if (name == "cilium-config") {
    for (const char* k : {"enable-wireguard", "enable-ipsec", "encrypt-node", "routing-mode", "tunnel-protocol",
                          "tunnel", "enable-policy"}) {
      const DocNode* v = data->Find(k);
      bool key_for_encryption = std::string(k) == "enable-wireguard" || std::string(k) == "enable-ipsec";
      if (v || key_for_encryption) Add(model, "cilium", object, k, v, where, file);
    }
  }
  if (const DocEntry* nc = data->FindEntry("net-conf.json")) {
    if (!nc->value.is_scalar()) return 0;
    // The JSON sits in a string. A block scalar (`net-conf.json: |`) starts
    // on the line after the key, indented one level deeper (two columns by
    // convention): positions are mapped back into the file that way. A
    // quoted one-line string is located at the value.
    ParseLimits limits;
    bool block = nc->value.text.find('\n') != std::string::npos;
    auto map_pos = [&](SourcePos p) {
      if (!block || p.line == 0) return nc->value.pos;
      p.line += nc->key_pos.line;
      p.column += nc->key_pos.column + 1;
      return p;
    };
    CollectingSink inner;
    bool ok = ParseJson(nc->value.text, file, limits, inner, [&](DocNode& root) {
      if (!root.is_map()) return;
      std::string obj_name = object + " net-conf.json";
      auto add = [&](const std::string& key, const DocNode* v) {
        CniSetting s;
        s.cni = "flannel";
        s.object = obj_name;
        s.key = key;
        if (v && !v->is_null()) {
          s.value = v->is_scalar() ? v->text : std::string(v->Describe());
          SourcePos p = map_pos(v->pos);
          s.where = SourceRange{file, p, p};
        } else {
          s.present = false;
          s.where = At(file, nc->key_pos);
        }
        model.cni_settings.push_back(std::move(s));
      };
      // Go's encoding/json matches keys case-insensitively.
      auto find = [](const DocNode& m, const std::string& key) -> const DocNode* {
        const DocNode* found = nullptr;
        for (const auto& e : m.entries)
          if (Lower(e.key) == Lower(key)) found = &e.value;
        return found;
      };
      for (const char* k : {"Network", "SubnetLen", "SubnetMin", "SubnetMax", "EnableIPv4", "EnableIPv6",
                            "IPv6Network", "IPv6SubnetLen", "IPv6SubnetMin", "IPv6SubnetMax"})
        if (const DocNode* v = find(root, k)) add(k, v);
      const DocNode* backend = find(root, "Backend");
      if (backend && backend->is_map()) add("Backend.Type", find(*backend, "Type"));
      else add("Backend.Type", nullptr);
    });
    for (auto& d : inner.mutable_diagnostics()) {
      d.where = At(file, map_pos(d.where.begin));
      d.message = object + " net-conf.json: " + d.message;
      sink.Report(std::move(d));
    }
    if (!ok) return 0;
  }
  return model.cni_settings.size() - before;
}

bool LooksLikeCiliumValues(const DocNode& root) {
  if (!root.is_map() || root.Find("apiVersion") || root.Find("kind")) return false;
  const DocNode* enc = root.Find("encryption");
  if (!enc || !enc->is_map() || !(enc->Find("enabled") || enc->Find("type"))) return false;
  for (const char* k : {"routingMode", "tunnelProtocol", "ipam", "hubble", "kubeProxyReplacement", "cluster",
                        "operator", "envoy"})
    if (root.Find(k)) return true;
  return false;
}

std::size_t ParseCiliumValues(const DocNode& root, FileId file, const std::string& path, Model& model) {
  std::string object = "Cilium Helm values '" + path + "'";
  SourceRange where = At(file, root.pos);
  const DocNode* enc = root.Find("encryption");
  std::size_t before = model.cni_settings.size();
  Add(model, "cilium", object, "encryption.enabled", enc->Find("enabled"), where, file);
  Add(model, "cilium", object, "encryption.type", enc->Find("type"), where, file);
  if (const DocNode* n = enc->Find("nodeEncryption")) Add(model, "cilium", object, "encryption.nodeEncryption", n, where, file);
  for (const char* k : {"routingMode", "tunnelProtocol"})
    if (const DocNode* v = root.Find(k)) Add(model, "cilium", object, k, v, where, file);
  return model.cni_settings.size() - before;
}

}  // namespace grantpath::parsers

#include "calico/calico_policy.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "calico/selector.h"
#include "common/fields.h"

namespace grantpath::parsers {
namespace {

const char* const kKinds[] = {"NetworkPolicy",     "GlobalNetworkPolicy", "StagedNetworkPolicy",
                              "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy", "Tier",
                              "NetworkSet",        "GlobalNetworkSet",    "HostEndpoint", "Profile",
                              "WorkloadEndpoint"};

class CalicoReader {
 public:
  CalicoReader(const DocNode& obj, const std::string& kind, FileId file, Model& model, DiagnosticSink& sink,
               const K8sOptions& options)
      : obj_(obj), kind_(kind), file_(file), model_(model), sink_(sink), meta_(Meta(obj, kind, file, sink, options)),
        f_(file, sink, kind + " '" + (meta_.ns.empty() ? "" : meta_.ns + "/") + meta_.name + "'") {}

  std::size_t Run() {
    const DocNode* spec = f_.Map(obj_, "spec");
    static const DocNode kEmpty = [] {
      DocNode n;
      n.type = DocNode::Type::kMap;
      return n;
    }();
    if (spec == nullptr) spec = &kEmpty;
    if (kind_ == "Tier") return Tier(*spec);
    if (kind_ == "NetworkSet" || kind_ == "GlobalNetworkSet") return NetSet(*spec);
    if (kind_ == "WorkloadEndpoint") return WorkloadEndpoint(*spec);
    if (kind_ == "HostEndpoint") return HostEndpoint(*spec);
    if (kind_ == "StagedKubernetesNetworkPolicy") {
      cni::CalicoOther o;
      o.kind = kind_;
      o.name = meta_.ns + "/" + meta_.name;
      o.where = meta_.where;
      model_.calico_other.push_back(std::move(o));
      return 1;
    }
    return Policy(*spec);
  }

 private:
  static k8s::ObjectMeta Meta(const DocNode& obj, const std::string& kind, FileId file, DiagnosticSink& sink,
                              const K8sOptions& options) {
    Fields f(file, sink, kind);
    const bool namespaced = kind == "NetworkPolicy" || kind == "StagedNetworkPolicy" ||
                            kind == "StagedKubernetesNetworkPolicy" || kind == "NetworkSet" ||
                            kind == "WorkloadEndpoint";
    return ParseObjectMeta(obj, file, f, options, namespaced);
  }

  std::optional<cni::CalicoSelector> Selector(const DocNode& parent, std::string_view key) {
    const DocNode* n = parent.Find(key);
    if (n == nullptr || n->is_null()) return std::nullopt;
    if (!n->is_scalar()) {
      f_.WrongType(*n, key, "a selector string");
      return std::nullopt;
    }
    cni::CalicoSelector s;
    std::string err;
    std::size_t col = 0;
    if (!ParseCalicoSelector(n->text, &s, &err, &col)) {
      SourcePos p = n->pos;
      if (!n->quoted || n->text.find('\n') == std::string::npos) p.column += static_cast<std::uint32_t>(col + (n->quoted ? 1 : 0));
      const std::string shown = n->text.size() > 120 ? n->text.substr(0, 117) + "..." : n->text;
      sink_.Error("invalid-selector", "invalid Calico selector '" + shown + "' in '" + std::string(key) + "': " + err,
                  At(file_, p));
      bad_ = true;
      return std::nullopt;
    }
    return s;
  }

  std::optional<double> Order(const DocNode& spec, SourceRange* where) {
    const DocNode* n = spec.Find("order");
    if (n == nullptr || n->is_null()) return std::nullopt;
    *where = At(file_, n->pos);
    double v = 0;
    const char* b = n->text.data();
    auto [p, ec] = std::from_chars(b, b + n->text.size(), v);
    if (!n->is_scalar() || n->quoted || ec != std::errc() || p != b + n->text.size()) {
      f_.WrongType(*n, "order", "a number");
      bad_ = true;
      return std::nullopt;
    }
    return v;
  }

  // A WorkloadEndpoint (`calicoctl get workloadendpoints`) is a pod as
  // Calico sees it: its labels (Calico's own projectcalico.org/* labels are
  // derived again by the engine), its addresses, named ports and service
  // account. It stands for spec.pod when the orchestrator gives one.
  std::size_t WorkloadEndpoint(const DocNode& spec) {
    k8s::Workload w;
    w.kind = "WorkloadEndpoint";
    w.meta = meta_;
    if (auto pod = f_.Str(spec, "pod"); pod && !pod->empty()) w.meta.name = *pod;
    for (const auto& [k, v] : meta_.labels)
      if (k.rfind("projectcalico.org/", 0) != 0) w.pod_labels[k] = v;
    w.meta.labels = w.pod_labels;
    if (auto it = meta_.labels.find("projectcalico.org/serviceaccount"); it != meta_.labels.end() && !it->second.empty())
      w.service_account = it->second;
    if (auto node = f_.Str(spec, "node")) w.node_name = *node;
    for (const auto& net : f_.StrList(spec, "ipNetworks")) {
      auto slash = net.find('/');
      w.pod_ips.push_back(net.substr(0, slash));
    }
    w.containers.push_back(NamedPorts(spec, "endpoint"));
    if (!f_.ok()) return 0;
    model_.AddWorkload(std::move(w));
    return 1;
  }

  // A HostEndpoint (a host's interface, or all of them with "*") is an
  // endpoint of no namespace, at its expectedIPs, that global policies
  // select by its labels. It is recorded with the workloads (kind
  // "HostEndpoint", no namespace, no service account); the network engine
  // keeps it out of Kubernetes selections, and the RBAC and graph code
  // never take it for a pod.
  std::size_t HostEndpoint(const DocNode& spec) {
    k8s::Workload w;
    w.kind = "HostEndpoint";
    w.meta = meta_;
    w.meta.ns.clear();
    w.pod_labels = meta_.labels;
    w.service_account.clear();
    if (auto node = f_.Str(spec, "node")) w.node_name = *node;
    for (const auto& ip : f_.StrList(spec, "expectedIPs")) w.pod_ips.push_back(ip);
    w.containers.push_back(NamedPorts(spec, "interfaceName"));
    if (const DocNode* pr = spec.Find("profiles"); pr && pr->is_seq() && !pr->items.empty())
      sink_.Warning("unsupported-construct",
                    "HostEndpoint '" + meta_.name +
                        "': its profiles are not applied; what no policy allows is denied, as for a host endpoint "
                        "without profiles",
                    At(file_, pr->pos));
    if (!f_.ok()) return 0;
    model_.AddWorkload(std::move(w));
    return 1;
  }

  // The named ports of a workload or host endpoint, as one container.
  k8s::Container NamedPorts(const DocNode& spec, const char* name_key) {
    k8s::Container c;
    const DocNode* n = spec.Find(name_key);
    c.name = n && n->is_scalar() ? n->text : "eth0";
    c.where = meta_.where;
    if (const DocNode* ports = f_.Seq(spec, "ports"))
      for (const DocNode& p : ports->items) {
        if (!p.is_map()) continue;
        k8s::ContainerPort cp;
        cp.name = f_.Str(p, "name").value_or("");
        cp.protocol = f_.Str(p, "protocol").value_or("TCP");
        std::transform(cp.protocol.begin(), cp.protocol.end(), cp.protocol.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        cp.port = static_cast<std::int32_t>(f_.Int(p, "port").value_or(0));
        cp.where = At(file_, p.pos);
        c.ports.push_back(std::move(cp));
      }
    return c;
  }

  std::size_t Tier(const DocNode& spec) {
    cni::CalicoTier t;
    t.name = meta_.name;
    t.where = meta_.where;
    SourceRange w;
    t.order = Order(spec, &w);
    if (auto a = f_.Str(spec, "defaultAction")) {
      if (*a != "Deny" && *a != "Pass") {
        f_.Invalid(*spec.Find("defaultAction"), "Tier defaultAction must be Deny or Pass, got '" + *a + "'");
        return 0;
      }
      t.default_action = *a;
    }
    static const std::pair<const char*, double> kBuiltin[] = {
        {"kube-admin", 1000}, {"default", 1000000}, {"kube-baseline", 10000000}};
    for (auto [name, order] : kBuiltin)
      if (t.name == name && t.order && *t.order != order) {
        f_.Invalid(*spec.Find("order"), "the order of built-in tier '" + t.name + "' must be " +
                                            std::to_string(static_cast<long long>(order)));
        return 0;
      }
    if (t.name == "default" && t.default_action == "Pass") {
      f_.Invalid(*spec.Find("defaultAction"), "the default tier's defaultAction must be Deny");
      return 0;
    }
    if ((t.name == "kube-admin" || t.name == "kube-baseline") && spec.Find("defaultAction") &&
        t.default_action != "Pass") {
      f_.Invalid(*spec.Find("defaultAction"), "the " + t.name + " tier's defaultAction must be Pass");
      return 0;
    }
    if (!IsDnsLabel(t.name)) {
      sink_.Error("invalid-value", "invalid tier name '" + t.name + "' (a lowercase DNS label of at most 63 characters)",
                  meta_.name_where);
      return 0;
    }
    if (!f_.ok() || bad_) return 0;
    model_.calico_tiers.push_back(std::move(t));
    return 1;
  }

  std::size_t NetSet(const DocNode& spec) {
    for (const auto& [k, v] : meta_.labels)
      if (k.rfind("projectcalico.org/", 0) == 0) {
        sink_.Error("invalid-value", "label '" + k + "' is reserved for Calico", meta_.where);
        return 0;
      }
    if (!IsDnsLabel(meta_.name, 253) && meta_.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") != std::string::npos) {
      sink_.Error("invalid-value", "invalid name '" + meta_.name + "'", meta_.name_where);
      return 0;
    }
    cni::CalicoNetworkSet s;
    s.meta = meta_;
    s.global = kind_ == "GlobalNetworkSet";
    for (const auto& n : f_.LocatedStrList(spec, "nets")) {
      if (!ValidNet(n.value)) {
        sink_.Error("invalid-value", "invalid CIDR '" + n.value + "' in " + kind_ + " '" + meta_.name + "'", n.where);
        continue;
      }
      s.nets.push_back(n.value);
    }
    if (!f_.ok()) return 0;
    model_.calico_network_sets.push_back(std::move(s));
    return 1;
  }

  static bool ValidNet(const std::string& s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '/';
    });
  }

  std::vector<cni::CalicoPort> Ports(const DocNode& parent, std::string_view key) {
    std::vector<cni::CalicoPort> out;
    const DocNode* list = f_.Seq(parent, key);
    if (list == nullptr) return out;
    for (const DocNode& item : list->items) {
      cni::CalicoPort p;
      p.where = At(file_, item.pos);
      if (!item.is_scalar()) {
        f_.WrongType(item, key, "a port, a range 'N:M' or a port name");
        bad_ = true;
        continue;
      }
      const std::string& t = item.text;
      std::size_t colon = t.find(':');
      auto num = [](const std::string& s, int* v) {
        auto [p2, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
        return ec == std::errc() && p2 == s.data() + s.size();
      };
      if (colon != std::string::npos) {
        if (!num(t.substr(0, colon), &p.lo) || !num(t.substr(colon + 1), &p.hi) || p.lo < 0 || p.hi > 65535 ||
            p.lo > p.hi) {
          f_.Invalid(item, "invalid port range '" + t + "'");
          bad_ = true;
          continue;
        }
      } else if (num(t, &p.lo)) {
        if (p.lo < 0 || p.lo > 65535) {
          f_.Invalid(item, "port " + t + " is out of range 0-65535");
          bad_ = true;
          continue;
        }
        p.hi = p.lo;
      } else {
        bool ok = !t.empty() && t.size() <= 128 && std::all_of(t.begin(), t.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
        });
        if (!ok) {
          f_.Invalid(item, "invalid port name '" + t + "'");
          bad_ = true;
          continue;
        }
        p.name = t;
      }
      out.push_back(p);
    }
    return out;
  }

  cni::CalicoEntity Entity(const DocNode* node) {
    cni::CalicoEntity e;
    if (node == nullptr) return e;
    e.where = At(file_, node->pos);
    e.selector = Selector(*node, "selector");
    e.not_selector = Selector(*node, "notSelector");
    e.namespace_selector = Selector(*node, "namespaceSelector");
    for (const char* k : {"nets", "notNets"})
      for (const auto& n : f_.LocatedStrList(*node, k)) {
        if (!ValidNet(n.value)) {
          sink_.Error("invalid-value", "invalid CIDR '" + n.value + "' in '" + k + "'", n.where);
          bad_ = true;
          continue;
        }
        (k[0] == 'n' && k[1] == 'e' ? e.nets : e.not_nets).push_back(n.value);
      }
    e.ports = Ports(*node, "ports");
    e.not_ports = Ports(*node, "notPorts");
    if (const DocNode* sa = f_.Map(*node, "serviceAccounts")) {
      e.has_sa = true;
      e.sa_names = f_.StrList(*sa, "names");
      e.sa_selector = Selector(*sa, "selector");
    }
    if (const DocNode* svc = f_.Map(*node, "services")) {
      if (auto n = f_.Str(*svc, "name")) e.services.push_back(*n);
      if (auto n = f_.Str(*svc, "namespace")) e.service_ns = *n;
    }
    return e;
  }

  // A protocol name (any case; normalised to Calico's spelling) or number.
  static bool KnownProtocol(std::string& p) {
    static const char* const kNames[] = {"TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"};
    for (const char* n : kNames) {
      std::string a = p, b = n;
      for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (a == b) {
        p = n;
        return true;
      }
    }
    int v = 0;
    auto [q, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    return !p.empty() && ec == std::errc() && q == p.data() + p.size() && v >= 1 && v <= 255;
  }

  std::vector<cni::CalicoRule> Rules(const DocNode& spec, std::string_view key) {
    std::vector<cni::CalicoRule> out;
    const DocNode* list = f_.Seq(spec, key);
    if (list == nullptr) return out;
    for (const DocNode& item : list->items) {
      if (!item.is_map()) {
        f_.WrongType(item, key, "a rule map");
        bad_ = true;
        continue;
      }
      cni::CalicoRule r;
      r.where = At(file_, item.pos);
      std::string action = f_.Required(item, "action");
      const DocNode* an = item.Find("action");
      if (action != "Allow" && action != "Deny" && action != "Pass" && action != "Log") {
        if (an != nullptr) f_.Invalid(*an, "rule action must be Allow, Deny, Pass or Log, got '" + action + "'");
        bad_ = true;
        continue;
      }
      r.action = action;
      for (const char* k : {"protocol", "notProtocol"}) {
        const DocNode* pn = item.Find(k);
        if (pn == nullptr || pn->is_null()) continue;
        std::string proto = pn->is_scalar() ? pn->text : "";
        if (!pn->is_scalar() || !KnownProtocol(proto)) {
          f_.Invalid(*pn, std::string("invalid ") + k + " '" + std::string(pn->is_scalar() ? pn->text : "") +
                              "' (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or 1-255)");
          bad_ = true;
          continue;
        }
        (k[0] == 'p' ? r.protocol : r.not_protocol) = proto;
      }
      r.icmp = item.Find("icmp") != nullptr;
      r.not_icmp = item.Find("notICMP") != nullptr;
      r.http = item.Find("http") != nullptr;
      for (const char* k : {"icmp", "notICMP"})
        if (const DocNode* ic = f_.Map(item, k)) {
          auto type = f_.Int(*ic, "type");
          auto code = f_.Int(*ic, "code");
          if (type && (*type < 0 || *type > 254)) Reject(*ic, "ICMP type must be 0-254");
          if (code && (*code < 0 || *code > 255)) Reject(*ic, "ICMP code must be 0-255");
          if (code && !type) Reject(*ic, "an ICMP code needs a type");
          (k[0] == 'i' ? r.icmp_type : r.not_icmp_type) = type ? std::optional<int>(static_cast<int>(*type)) : std::nullopt;
          (k[0] == 'i' ? r.icmp_code : r.not_icmp_code) = code ? std::optional<int>(static_cast<int>(*code)) : std::nullopt;
        }
      if (const DocNode* md = f_.Map(item, "metadata"))
        if (const DocNode* an = f_.Map(*md, "annotations"))
          for (const auto& e : an->entries)
            if (!IsQualifiedName(e.key)) Reject(e.value, "invalid annotation key '" + e.key + "'");
      if (const DocNode* h = f_.Map(item, "http")) {
        std::set<std::string> seen;
        for (const auto& m : f_.StrList(*h, "methods"))
          if (!seen.insert(m).second) Reject(*h, "HTTP method '" + m + "' is given twice");
        if (const DocNode* paths = f_.Seq(*h, "paths"))
          for (const DocNode& pth : paths->items) {
            const DocNode* ex = pth.is_map() ? pth.Find("exact") : nullptr;
            const DocNode* pre = pth.is_map() ? pth.Find("prefix") : nullptr;
            if (ex && pre) Reject(pth, "an HTTP path takes exact or prefix, not both");
            else if (!ex && !pre) Reject(pth, "an HTTP path needs exact or prefix");
            for (const DocNode* v : {ex, pre})
              if (v && (!v->is_scalar() || v->text.empty() || v->text[0] != '/' ||
                        v->text.find_first_of("?# \t") != std::string::npos))
                Reject(*v, "an HTTP path starts with '/' and has no '?', '#' or space");
          }
      }
      if (auto v = f_.Int(item, "ipVersion")) {
        if (*v != 4 && *v != 6) {
          f_.Invalid(*item.Find("ipVersion"), "ipVersion must be 4 or 6");
          bad_ = true;
        }
        r.ip_version = static_cast<int>(*v);
      }
      r.source = Entity(f_.Map(item, "source"));
      r.destination = Entity(f_.Map(item, "destination"));
      ValidateRule(item, r, key == "egress");
      out.push_back(std::move(r));
    }
    return out;
  }

  void Reject(const DocNode& at, const std::string& message) {
    sink_.Error("invalid-value", message + " (Calico rejects this " + kind_ + ")", At(file_, at.pos));
    bad_ = true;
  }
  void Reject(SourceRange at, const std::string& message) {
    sink_.Error("invalid-value", message + " (Calico rejects this " + kind_ + ")", at);
    bad_ = true;
  }

  static int Family(const std::string& net) { return net.find(':') != std::string::npos ? 6 : 4; }

  // The checks of libcalico-go's validator on one rule.
  void ValidateRule(const DocNode& item, const cni::CalicoRule& r, bool egress) {
    const std::string proto = r.protocol.value_or("");
    const bool port_proto = proto == "TCP" || proto == "UDP" || proto == "SCTP" || proto == "UDPLite" ||
                            proto == "6" || proto == "17" || proto == "132" || proto == "136";
    for (const auto* ent : {&r.source, &r.destination}) {
      bool numeric = false;
      for (const auto* list : {&ent->ports, &ent->not_ports})
        for (const auto& p : *list) {
          numeric = numeric || p.name.empty();
          if (p.name.empty() && p.lo == 0) Reject(p.where, "port 0 is not a valid port");
        }
      // Numeric ports need a protocol with ports; named ports do not. A
      // Service match on an ingress source carries its own ports.
      if (numeric && !port_proto && ent->services.empty())
        Reject(ent->where, "numeric ports need protocol TCP, UDP, SCTP or UDPLite");
      for (const auto* sel : {&ent->selector, &ent->not_selector, &ent->sa_selector})
        if (*sel && SelectorHasGlobal(**sel)) Reject(ent->where, "global() is only valid alone in a namespaceSelector");
      if (ent->namespace_selector && SelectorHasGlobal(*ent->namespace_selector) && !ent->namespace_selector->IsGlobal())
        Reject(ent->where, "global() is only valid alone in a namespaceSelector");
      if (!ent->services.empty()) {
        if (ent->selector || ent->not_selector || ent->namespace_selector)
          Reject(ent->where, "a Service match cannot be combined with selectors");
        if (ent->has_sa) Reject(ent->where, "a Service match cannot be combined with serviceAccounts");
        if (!ent->nets.empty() || !ent->not_nets.empty())
          Reject(ent->where, "a Service match cannot be combined with nets or notNets");
      }
    }
    if (egress && !r.source.services.empty()) Reject(r.source.where, "a Service match is not valid in an egress rule's source");
    if (egress && !r.destination.services.empty() && (!r.destination.ports.empty() || !r.destination.not_ports.empty()))
      Reject(r.destination.where, "a Service match on an egress destination takes its ports from the Service");
    for (const auto* ent : {&r.source, &r.destination})
      for (const auto& n : ent->not_nets)
        if (n.size() > 2 && n.compare(n.size() - 2, 2, "/0") == 0)
          Reject(ent->where, "notNets '" + n + "' matches every address: the rule can never match");
    for (const auto* ent : {&r.source, &r.destination})
      if (!ent->services.empty() && global_)
        Reject(ent->where, ent->service_ns.empty() ? "a Service match in a global policy needs a namespace"
                                                   : "a Service match is not valid in a global policy");
    if (!egress && !r.destination.services.empty() && (!r.destination.ports.empty() || !r.destination.not_ports.empty()))
      Reject(r.destination.where, "a Service match on an ingress destination takes no ports");
    const bool icmp_proto = proto == "ICMP" || proto == "1", icmp6 = proto == "ICMPv6" || proto == "58";
    if ((r.icmp || r.not_icmp) && !icmp_proto && !icmp6) Reject(item, "icmp fields need protocol ICMP or ICMPv6");
    if (r.ip_version == 6 && icmp_proto) Reject(item, "protocol ICMP is IPv4 only, but ipVersion is 6");
    if (r.ip_version == 4 && icmp6) Reject(item, "protocol ICMPv6 is IPv6 only, but ipVersion is 4");
    // Nets agree with the rule's ipVersion, and a source of one family
    // cannot meet a destination of the other.
    int fams[2] = {0, 0};  // bit 1: IPv4, bit 2: IPv6
    for (int side = 0; side < 2; ++side) {
      const cni::CalicoEntity& ent = side == 0 ? r.source : r.destination;
      for (const auto* list : {&ent.nets, &ent.not_nets})
        for (const auto& n : *list) {
          fams[side] |= Family(n) == 4 ? 1 : 2;
          if (r.ip_version != 0 && Family(n) != r.ip_version) {
            Reject(item, "nets of IPv" + std::to_string(Family(n)) + " in a rule with ipVersion " +
                             std::to_string(r.ip_version));
            return;
          }
        }
    }
    if (fams[0] && fams[1] && (fams[0] & fams[1]) == 0) Reject(item, "the rule's source and destination nets are of different IP versions");
    if (r.http) {
      if (r.action != "Allow") Reject(item, "an http match is only valid on an Allow rule");
      if (!proto.empty() && proto != "TCP" && proto != "6") Reject(item, "an http match needs protocol TCP");
      if (egress) Reject(item, "an http match is only valid in ingress rules");
    }
  }

  // An annotation key: an optional DNS-subdomain prefix and '/', then a
  // name of at most 63 characters, alphanumeric at both ends, with '-',
  // '_' and '.' inside.
  static bool IsQualifiedName(const std::string& k) {
    std::size_t slash = k.find('/');
    std::string name = slash == std::string::npos ? k : k.substr(slash + 1);
    if (slash != std::string::npos && (slash == 0 || slash > 253)) return false;
    if (name.empty() || name.size() > 63) return false;
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (!alnum(name.front()) || !alnum(name.back())) return false;
    return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
  }

  static bool SelectorHasGlobal(const cni::CalicoSelector& s) {
    for (const auto& n : s.nodes)
      if (n.op == cni::CalicoSelector::Op::kGlobal) return true;
    return false;
  }

  // A DNS label: lowercase letters, digits and '-', starting and ending
  // with a letter or digit.
  static bool IsDnsLabel(const std::string& s, std::size_t max = 63) {
    if (s.empty() || s.size() > max || s.front() == '-' || s.back() == '-') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
  }

  // Policy names (libcalico-go's validator): lowercase DNS labels with at
  // most one dot (TIER.NAME); knp.default.* is how Calico names Kubernetes
  // NetworkPolicies, accepted on namespaced kinds and reserved otherwise.
  void ValidateName(const cni::CalicoPolicy& p) {
    const std::string& n = p.meta.name;
    SourceRange at = p.meta.name_where;
    if (n.rfind("knp.default.", 0) == 0) {
      if (p.global) Reject(at, "the name '" + n + "' is reserved for Kubernetes NetworkPolicies");
      else if (!IsDnsLabel(n.substr(12), 253)) Reject(at, "invalid policy name '" + n + "'");
      return;
    }
    std::size_t dot = n.find('.');
    bool ok = dot == std::string::npos ? IsDnsLabel(n, 253)
                                       : IsDnsLabel(n.substr(0, dot)) && IsDnsLabel(n.substr(dot + 1), 253);
    if (!ok) Reject(at, "invalid policy name '" + n + "' (lowercase DNS labels, at most one dot: TIER.NAME)");
  }

  std::size_t Policy(const DocNode& spec) {
    cni::CalicoPolicy p;
    p.meta = meta_;
    p.kind = kind_;
    p.global = kind_.find("Global") != std::string::npos || kind_ == "Profile";
    global_ = p.global && kind_ != "Profile";
    p.staged = kind_.rfind("Staged", 0) == 0;
    if (auto t = f_.Str(spec, "tier")) p.tier = t->empty() ? "default" : *t;
    p.order = Order(spec, &p.order_where);
    if (auto s = Selector(spec, "selector")) p.selector = *s;
    if (p.global) p.namespace_selector = Selector(spec, "namespaceSelector");
    p.service_account_selector = Selector(spec, "serviceAccountSelector");
    bool has_ingress = spec.Find("ingress") != nullptr, has_egress = spec.Find("egress") != nullptr;
    p.ingress = Rules(spec, "ingress");
    p.egress = Rules(spec, "egress");
    const DocNode* types = f_.Seq(spec, "types");
    if (types != nullptr) {
      for (const DocNode& t : types->items) {
        if (t.is_scalar() && (t.text == "Ingress" || t.text == "Egress")) {
          bool& slot = t.text == "Ingress" ? p.ingress_type : p.egress_type;
          if (slot) Reject(t, "policy type " + t.text + " is given twice");
          slot = true;
        } else {
          f_.Invalid(t, "policy types must be Ingress or Egress");
          bad_ = true;
        }
      }
    } else {
      // Calico's defaulting: Ingress, plus Egress when egress rules are given.
      p.ingress_type = true;
      p.egress_type = has_egress && !p.egress.empty();
      if (!has_ingress && has_egress && !p.egress.empty()) p.ingress_type = true;
    }
    // Rules of a direction that `types` omits are accepted by Calico and
    // never applied.
    if (auto v = f_.Bool(spec, "doNotTrack")) p.do_not_track = *v;
    if (auto v = f_.Bool(spec, "preDNAT")) p.pre_dnat = *v;
    if (auto v = f_.Bool(spec, "applyOnForward")) p.apply_on_forward = *v;
    for (const char* k : {"doNotTrack", "preDNAT", "applyOnForward"})
      if (const DocNode* n = spec.Find(k)) p.host_flags_where = At(file_, n->pos);
    if ((p.do_not_track || p.pre_dnat) && !p.global) {
      sink_.Error("invalid-value", "doNotTrack and preDNAT are only valid on GlobalNetworkPolicy", p.host_flags_where);
      bad_ = true;
    }
    if ((p.do_not_track || p.pre_dnat) && !p.apply_on_forward) {
      sink_.Error("invalid-value", "doNotTrack and preDNAT need applyOnForward: true", p.host_flags_where);
      bad_ = true;
    }
    if (p.do_not_track && p.pre_dnat) {
      sink_.Error("invalid-value", "doNotTrack and preDNAT cannot both be true", p.host_flags_where);
      bad_ = true;
    }
    if (p.pre_dnat && (!p.egress.empty() || (types != nullptr && p.egress_type))) {
      sink_.Error("invalid-value", "preDNAT policies cannot have egress rules or the Egress type", p.host_flags_where);
      bad_ = true;
    }
    for (const auto* sel : {&p.namespace_selector, &p.service_account_selector})
      if (*sel && SelectorHasGlobal(**sel)) Reject(spec, "global() is not valid in a policy's selectors");
    if (SelectorHasGlobal(p.selector)) Reject(spec, "global() is not valid in a policy's selector");
    if (kind_ != "Profile") ValidateName(p);
    if (const DocNode* hints = f_.Seq(spec, "performanceHints")) {
      std::set<std::string> seen;
      for (const DocNode& h : hints->items) {
        if (!h.is_scalar() || h.text != "AssumeNeededOnEveryNode") Reject(h, "unknown performance hint");
        else if (!seen.insert(h.text).second) Reject(h, "performance hint given twice");
      }
    }
    if (p.staged) {
      if (auto a = f_.Str(spec, "stagedAction")) p.staged_action = *a;
      if (!p.staged_action.empty() && p.staged_action != "Set" && p.staged_action != "Delete")
        Reject(*spec.Find("stagedAction"), "stagedAction must be Set or Delete");
      if (p.staged_action == "Delete")
        for (const auto& e : spec.entries)
          if (e.key != "stagedAction" && e.key != "tier" && !e.value.is_null())
            Reject(e.value, "a staged Delete takes no other spec field than tier ('" + e.key + "' is set)");
    }
    if (kind_ == "Profile") p.labels_to_apply = f_.StrMap(spec, "labelsToApply");
    if (!f_.ok() || bad_) {
      sink_.Note("skipped", kind_ + " '" + meta_.name + "' is not evaluated: Calico would reject it", meta_.where);
      return 0;
    }
    (kind_ == "Profile" ? model_.calico_profiles : model_.calico_policies).push_back(std::move(p));
    return 1;
  }

  const DocNode& obj_;
  const std::string& kind_;
  FileId file_;
  Model& model_;
  DiagnosticSink& sink_;
  k8s::ObjectMeta meta_;
  Fields f_;
  bool bad_ = false;
  bool global_ = false;  // the object is a global policy
};

}  // namespace

bool IsCalicoPolicyKind(const std::string& kind) {
  return std::any_of(std::begin(kKinds), std::end(kKinds), [&](const char* k) { return kind == k; });
}

std::size_t ParseCalicoObject(const DocNode& obj, const std::string& kind, FileId file, Model& model,
                              DiagnosticSink& sink, const K8sOptions& options) {
  CalicoReader r(obj, kind, file, model, sink, options);
  std::size_t n = r.Run();
  if (n > 0 && options.verbose && kind.rfind("Staged", 0) == 0) {
    const DocNode* md = obj.Find("metadata");
    const DocNode* name = md && md->is_map() ? md->Find("name") : nullptr;
    sink.Note("staged-policy",
              kind + " '" + (name && name->is_scalar() ? name->text : "") +
                  "' is staged: it never enforces, and reachability ignores it",
              At(file, obj.pos));
  }
  return n;
}

}  // namespace grantpath::parsers

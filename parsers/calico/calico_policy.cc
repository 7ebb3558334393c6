#include "calico/calico_policy.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "calico/selector.h"
#include "common/fields.h"

namespace grantpath::parsers {
namespace {

const char* const kKinds[] = {"NetworkPolicy",     "GlobalNetworkPolicy", "StagedNetworkPolicy",
                              "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy", "Tier",
                              "NetworkSet",        "GlobalNetworkSet",    "HostEndpoint", "Profile"};

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
    if (kind_ == "HostEndpoint") {
      cni::CalicoOther o;
      o.kind = kind_;
      o.name = meta_.name;
      o.labels = meta_.labels;
      o.where = meta_.where;
      model_.calico_other.push_back(std::move(o));
      return 1;
    }
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
    k8s::ObjectMeta m;
    m.where = At(file, obj.pos);
    if (const DocNode* md = obj.Find("metadata"); md && md->is_map()) {
      if (const DocNode* n = md->Find("name"); n && n->is_scalar()) {
        m.name = n->text;
        m.name_where = At(file, n->pos);
      }
      if (const DocNode* n = md->Find("namespace"); n && n->is_scalar()) m.ns = n->text;
      Fields f(file, sink, "metadata");
      m.labels = f.StrMap(*md, "labels");
    }
    const bool namespaced = kind == "NetworkPolicy" || kind == "StagedNetworkPolicy" ||
                            kind == "StagedKubernetesNetworkPolicy" || kind == "NetworkSet";
    if (namespaced && !options.force_namespace.empty()) {
      m.ns = options.force_namespace;
    } else if (namespaced && m.ns.empty()) {
      m.ns = options.default_namespace;
      m.ns_defaulted = true;
    }
    if (!namespaced) m.ns.clear();
    return m;
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
      sink_.Error("invalid-selector", "invalid Calico selector '" + n->text + "' in '" + std::string(key) + "': " + err,
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
    if (!f_.ok() || bad_) return 0;
    model_.calico_tiers.push_back(std::move(t));
    return 1;
  }

  std::size_t NetSet(const DocNode& spec) {
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

  static bool KnownProtocol(const std::string& p) {
    static const char* const kNames[] = {"TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"};
    for (const char* n : kNames)
      if (p == n) return true;
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
        if (!pn->is_scalar() || !KnownProtocol(pn->text)) {
          f_.Invalid(*pn, std::string("invalid ") + k + " '" + std::string(pn->is_scalar() ? pn->text : "") +
                              "' (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or 1-255)");
          bad_ = true;
          continue;
        }
        (k[0] == 'p' ? r.protocol : r.not_protocol) = pn->text;
      }
      r.icmp = item.Find("icmp") != nullptr;
      r.not_icmp = item.Find("notICMP") != nullptr;
      r.http = item.Find("http") != nullptr;
      if (auto v = f_.Int(item, "ipVersion")) {
        if (*v != 4 && *v != 6) {
          f_.Invalid(*item.Find("ipVersion"), "ipVersion must be 4 or 6");
          bad_ = true;
        }
        r.ip_version = static_cast<int>(*v);
      }
      r.source = Entity(f_.Map(item, "source"));
      r.destination = Entity(f_.Map(item, "destination"));
      // Calico's validator: ports need a protocol that has ports.
      bool port_proto = r.protocol && (*r.protocol == "TCP" || *r.protocol == "UDP" || *r.protocol == "SCTP" ||
                                       *r.protocol == "UDPLite" || *r.protocol == "6" || *r.protocol == "17" ||
                                       *r.protocol == "132" || *r.protocol == "136");
      for (const auto* ent : {&r.source, &r.destination})
        if ((!ent->ports.empty() || !ent->not_ports.empty()) && !port_proto) {
          sink_.Error("invalid-value",
                      "rule ports need protocol TCP, UDP, SCTP or UDPLite (Calico rejects this rule)", ent->where);
          bad_ = true;
        }
      for (const auto& p : r.source.ports)
        if (!p.name.empty()) {
          sink_.Error("invalid-value", "named ports are not allowed in a rule's source", p.where);
          bad_ = true;
        }
      if ((r.icmp || r.not_icmp) && !(r.protocol && (*r.protocol == "ICMP" || *r.protocol == "ICMPv6" ||
                                                     *r.protocol == "1" || *r.protocol == "58"))) {
        sink_.Error("invalid-value", "icmp fields need protocol ICMP or ICMPv6", r.where);
        bad_ = true;
      }
      if (r.http && action != "Allow" && action != "Deny") {
        sink_.Error("invalid-value", "http match is only valid on Allow and Deny rules", r.where);
        bad_ = true;
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  std::size_t Policy(const DocNode& spec) {
    cni::CalicoPolicy p;
    p.meta = meta_;
    p.kind = kind_;
    p.global = kind_.find("Global") != std::string::npos || kind_ == "Profile";
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
        if (t.is_scalar() && t.text == "Ingress") p.ingress_type = true;
        else if (t.is_scalar() && t.text == "Egress") p.egress_type = true;
        else {
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
    if (!p.ingress.empty() && !p.ingress_type) {
      sink_.Error("invalid-value", "ingress rules given but 'types' has no Ingress (Calico rejects the policy)",
                  At(file_, spec.Find("types")->pos));
      bad_ = true;
    }
    if (!p.egress.empty() && !p.egress_type) {
      sink_.Error("invalid-value", "egress rules given but 'types' has no Egress (Calico rejects the policy)",
                  At(file_, spec.Find("types")->pos));
      bad_ = true;
    }
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
    if (p.pre_dnat && !p.egress.empty()) {
      sink_.Error("invalid-value", "preDNAT policies cannot have egress rules", p.host_flags_where);
      bad_ = true;
    }
    if (p.staged) {
      if (auto a = f_.Str(spec, "stagedAction")) p.staged_action = *a;
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

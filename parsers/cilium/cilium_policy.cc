#include "cilium/cilium_policy.h"

#include <charconv>

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

// "k8s:app" and "any:app" are "app"; other sources ("reserved:host",
// "cidr:...") keep theirs.
std::string StripSource(const std::string& key) {
  for (const char* p : {"k8s:", "any:"})
    if (key.rfind(p, 0) == 0) return key.substr(std::char_traits<char>::length(p));
  return key;
}

// An icmps type: a number 0-255 or Cilium's CamelCase name for the family
// (pkg/policy/api/icmp.go); -1 when neither.
int IcmpType(const std::string& text, bool v6) {
  if (!text.empty() && text.size() <= 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int n = std::stoi(text);
    return n <= 255 ? n : -1;
  }
  static const std::pair<const char*, int> kV4[] = {
      {"EchoReply", 0},       {"DestinationUnreachable", 3}, {"Redirect", 5},         {"Echo", 8},
      {"EchoRequest", 8},     {"RouterAdvertisement", 9},    {"RouterSelection", 10}, {"TimeExceeded", 11},
      {"ParameterProblem", 12}, {"Timestamp", 13},           {"TimestampReply", 14},  {"Photuris", 40},
      {"ExtendedEchoRequest", 42}, {"ExtendedEchoReply", 43}};
  static const std::pair<const char*, int> kV6[] = {
      {"DestinationUnreachable", 1}, {"PacketTooBig", 2}, {"TimeExceeded", 3}, {"ParameterProblem", 4},
      {"EchoRequest", 128}, {"EchoReply", 129}, {"MulticastListenerQuery", 130}, {"MulticastListenerReport", 131},
      {"MulticastListenerDone", 132}, {"RouterSolicitation", 133}, {"RouterAdvertisement", 134},
      {"NeighborSolicitation", 135}, {"NeighborAdvertisement", 136}, {"RedirectMessage", 137},
      {"RouterRenumbering", 138}, {"ICMPNodeInformationQuery", 139}, {"ICMPNodeInformationResponse", 140},
      {"InverseNeighborDiscoverySolicitation", 141}, {"InverseNeighborDiscoveryAdvertisement", 142},
      {"HomeAgentAddressDiscoveryRequest", 144}, {"HomeAgentAddressDiscoveryReply", 145},
      {"MobilePrefixSolicitation", 146}, {"MobilePrefixAdvertisement", 147},
      {"DuplicateAddressRequestCodeSuffix", 157}, {"DuplicateAddressConfirmationCodeSuffix", 158},
      {"ExtendedEchoRequest", 160}, {"ExtendedEchoReply", 161}};
  if (v6) {
    for (const auto& [k, n] : kV6)
      if (text == k) return n;
  } else {
    for (const auto& [k, n] : kV4)
      if (text == k) return n;
  }
  return -1;
}

class CiliumReader {
 public:
  CiliumReader(const DocNode& obj, const std::string& kind, FileId file, Model& model, DiagnosticSink& sink,
               const K8sOptions& options)
      : obj_(obj), kind_(kind), file_(file), model_(model), sink_(sink), options_(options), f_(file, sink, kind) {}

  std::size_t Run() {
    k8s::ObjectMeta meta = ParseObjectMeta(obj_, file_, f_, options_, kind_ == "CiliumNetworkPolicy");
    if (kind_ == "CiliumCIDRGroup") {
      cni::CiliumCidrGroup g;
      g.meta = meta;
      if (const DocNode* spec = f_.Map(obj_, "spec")) g.cidrs = f_.StrList(*spec, "externalCIDRs");
      if (!f_.ok()) return 0;
      model_.cilium_cidr_groups.push_back(std::move(g));
      return 1;
    }
    const bool cw = kind_ == "CiliumClusterwideNetworkPolicy";
    std::vector<const DocNode*> specs;
    if (const DocNode* s = f_.Map(obj_, "spec")) specs.push_back(s);
    if (const DocNode* ss = f_.Seq(obj_, "specs"))
      for (const DocNode& s : ss->items) {
        if (s.is_map()) specs.push_back(&s);
        else f_.WrongType(s, "specs", "a list of policy specs");
      }
    if (specs.empty()) {
      sink_.Error("missing-field", kind_ + " '" + meta.name + "' has neither 'spec' nor 'specs'", meta.where);
      return 0;
    }
    std::size_t n = 0;
    int index = 0;
    for (const DocNode* spec : specs) {
      cni::CiliumPolicy p;
      p.meta = meta;
      p.clusterwide = cw;
      p.where = At(file_, spec->pos);
      p.spec_index = index++;
      if (const DocNode* s = f_.Map(*spec, "endpointSelector")) p.endpoint_selector = Selector(*s);
      if (const DocNode* s = f_.Map(*spec, "nodeSelector")) p.node_selector = Selector(*s);
      if (p.endpoint_selector && p.node_selector) {
        sink_.Error("invalid-value", "a policy spec takes endpointSelector or nodeSelector, not both", p.where);
        continue;
      }
      if (!p.endpoint_selector && !p.node_selector) {
        sink_.Error("missing-field", "a policy spec needs endpointSelector or nodeSelector", p.where);
        continue;
      }
      bad_ = false;
      for (const char* k : {"ingress", "ingressDeny"}) {
        if (spec->Find(k)) p.ingress_given = true;
        Rules(*spec, k, std::string(k) == "ingressDeny", true, &p.ingress);
      }
      for (const char* k : {"egress", "egressDeny"}) {
        if (spec->Find(k)) p.egress_given = true;
        Rules(*spec, k, std::string(k) == "egressDeny", false, &p.egress);
      }
      if (const DocNode* dd = f_.Map(*spec, "enableDefaultDeny")) {
        if (auto v = f_.Bool(*dd, "ingress")) p.default_deny_ingress = *v;
        if (auto v = f_.Bool(*dd, "egress")) p.default_deny_egress = *v;
      }
      if (!f_.ok() || bad_) {
        sink_.Note("skipped", kind_ + " '" + meta.name + "' is not evaluated: Cilium would reject it", p.where);
        continue;
      }
      model_.cilium_policies.push_back(std::move(p));
      ++n;
    }
    return n;
  }

 private:
  cni::CiliumSelector Selector(const DocNode& node) {
    cni::CiliumSelector s;
    s.where = At(file_, node.pos);
    s.labels.present = true;
    s.labels.where = s.where;
    for (const auto& [k, v] : f_.StrMap(node, "matchLabels")) s.labels.match_labels[StripSource(k)] = v;
    if (const DocNode* exprs = f_.Seq(node, "matchExpressions"))
      for (const DocNode& e : exprs->items) {
        if (!e.is_map()) {
          f_.WrongType(e, "matchExpressions", "a list of requirements");
          continue;
        }
        k8s::SelectorRequirement r;
        r.key = StripSource(f_.Required(e, "key"));
        std::string op = f_.Required(e, "operator");
        r.values = f_.StrList(e, "values");
        using Op = k8s::SelectorRequirement::Op;
        if (op == "In") r.op = Op::kIn;
        else if (op == "NotIn") r.op = Op::kNotIn;
        else if (op == "Exists") r.op = Op::kExists;
        else if (op == "DoesNotExist") r.op = Op::kDoesNotExist;
        else {
          if (const DocNode* on = e.Find("operator")) f_.Invalid(*on, "unknown selector operator '" + op + "'");
          bad_ = true;
          continue;
        }
        s.labels.match_expressions.push_back(std::move(r));
      }
    return s;
  }

  std::vector<cni::CiliumSelector> Selectors(const DocNode& rule, std::string_view key, bool* given) {
    std::vector<cni::CiliumSelector> out;
    const DocNode* list = f_.Seq(rule, key);
    if (list == nullptr) return out;
    if (given) *given = true;
    for (const DocNode& item : list->items) {
      if (!item.is_map()) {
        f_.WrongType(item, key, "a list of endpoint selectors");
        bad_ = true;
        continue;
      }
      out.push_back(Selector(item));
    }
    return out;
  }

  void Ports(const DocNode& rule, bool deny, cni::CiliumRule* r) {
    const DocNode* list = f_.Seq(rule, "toPorts");
    if (list == nullptr) return;
    for (const DocNode& item : list->items) {
      if (!item.is_map()) {
        f_.WrongType(item, "toPorts", "a list of port rules");
        bad_ = true;
        continue;
      }
      cni::CiliumPortRule pr;
      pr.where = At(file_, item.pos);
      if (const DocNode* ports = f_.Seq(item, "ports"))
        for (const DocNode& pn : ports->items) {
          if (!pn.is_map()) {
            f_.WrongType(pn, "ports", "a list of port/protocol maps");
            bad_ = true;
            continue;
          }
          cni::CiliumPort p;
          p.where = At(file_, pn.pos);
          std::string port = f_.Str(pn, "port").value_or("0");
          if (auto proto = f_.Str(pn, "protocol")) p.protocol = *proto;
          if (p.protocol != "TCP" && p.protocol != "UDP" && p.protocol != "SCTP" && p.protocol != "ICMP" &&
              p.protocol != "ICMPv6" && p.protocol != "ANY") {
            f_.Invalid(*pn.Find("protocol"), "protocol must be TCP, UDP, SCTP, ICMP, ICMPv6 or ANY, got '" +
                                                 p.protocol + "'");
            bad_ = true;
            continue;
          }
          int v = 0;
          auto [q, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
          if (ec == std::errc() && q == port.data() + port.size()) {
            if (v < 0 || v > 65535) {
              f_.Invalid(*pn.Find("port"), "port " + port + " is out of range");
              bad_ = true;
              continue;
            }
            p.lo = p.hi = v;
            if (auto e = f_.Int(pn, "endPort")) {
              if (*e < v || *e > 65535) {
                f_.Invalid(*pn.Find("endPort"), "endPort must be at least port and at most 65535");
                bad_ = true;
                continue;
              }
              p.hi = static_cast<int>(*e);
            }
          } else {
            p.name = port;
          }
          pr.ports.push_back(p);
        }
      if (const DocNode* rules = f_.Map(item, "rules")) {
        for (const auto& e : rules->entries) {
          if (e.key == "http") pr.l7 = "HTTP";
          else if (e.key == "kafka") pr.l7 = "Kafka";
          else if (e.key == "dns") pr.l7 = "DNS";
          else if (e.key == "l7proto") pr.l7 = e.value.is_scalar() ? e.value.text : "L7";
        }
        if (deny && !pr.l7.empty()) {
          sink_.Error("invalid-value", "deny rules cannot carry L7 rules", pr.where);
          bad_ = true;
        }
      }
      pr.sni = item.Find("serverNames") != nullptr;
      r->to_ports.push_back(std::move(pr));
    }
  }

  void Rules(const DocNode& spec, std::string_view key, bool deny, bool ingress, std::vector<cni::CiliumRule>* out) {
    const DocNode* list = f_.Seq(spec, key);
    if (list == nullptr) return;
    const std::string pre = ingress ? "from" : "to";
    for (const DocNode& item : list->items) {
      if (!item.is_map()) {
        f_.WrongType(item, key, "a list of rules");
        bad_ = true;
        continue;
      }
      cni::CiliumRule r;
      r.deny = deny;
      r.where = At(file_, item.pos);
      r.endpoints = Selectors(item, pre + "Endpoints", &r.has_endpoints);
      r.requires_ = Selectors(item, pre + "Requires", nullptr);
      r.entities = f_.StrList(item, pre + "Entities");
      for (const auto& e : r.entities) {
        static const char* const kEntities[] = {"world", "world-ipv4", "world-ipv6", "cluster", "host",
                                                "remote-node", "kube-apiserver", "init", "health", "unmanaged",
                                                "ingress", "all", "none"};
        bool ok = false;
        for (const char* k : kEntities) ok = ok || e == k;
        if (!ok) {
          sink_.Error("invalid-value", "unknown entity '" + e + "'", r.where);
          bad_ = true;
        }
      }
      for (const auto& c : f_.StrList(item, pre + "CIDR")) {
        cni::CiliumCidr x;
        x.cidr = c;
        x.where = r.where;
        r.cidrs.push_back(x);
        r.has_cidrs = true;
      }
      if (const DocNode* set = f_.Seq(item, pre + "CIDRSet"))
        for (const DocNode& c : set->items) {
          if (!c.is_map()) continue;
          cni::CiliumCidr x;
          x.where = At(file_, c.pos);
          x.cidr = f_.Str(c, "cidr").value_or("");
          x.except = f_.StrList(c, "except");
          x.group = f_.Str(c, "cidrGroupRef").value_or("");
          if (const DocNode* gs = f_.Map(c, "cidrGroupSelector")) x.group_selector = Selector(*gs);
          r.cidrs.push_back(x);
          r.has_cidrs = true;
        }
      r.nodes = item.Find(pre + "Nodes") != nullptr;
      r.icmps = item.Find("icmps") != nullptr;
      if (const DocNode* ic = f_.Seq(item, "icmps"))
        for (const DocNode& rule : ic->items)
          if (const DocNode* fields = rule.is_map() ? f_.Seq(rule, "fields") : nullptr)
            for (const DocNode& fl : fields->items) {
              if (!fl.is_map()) continue;
              const bool v6 = f_.Str(fl, "family").value_or("IPv4") == "IPv6";
              const DocNode* t = fl.Find("type");
              if (t == nullptr || !t->is_scalar()) continue;
              r.icmp_types.emplace_back(v6, IcmpType(t->text, v6));
              if (r.icmp_types.back().second < 0)
                sink_.Error("invalid-value", "unknown ICMP type '" + t->text + "' for " + (v6 ? "IPv6" : "IPv4") +
                                                 " (a number 0-255 or Cilium's CamelCase name)",
                            At(file_, t->pos));
            }
      if (!ingress) {
        if (const DocNode* fq = f_.Seq(item, "toFQDNs"))
          for (const DocNode& q : fq->items)
            if (q.is_map()) {
              if (auto n = f_.Str(q, "matchName")) r.fqdns.push_back(*n);
              if (auto n = f_.Str(q, "matchPattern")) r.fqdns.push_back(*n);
            }
        if (const DocNode* sv = f_.Seq(item, "toServices"))
          for (const DocNode& q : sv->items) {
            if (!q.is_map()) continue;
            if (const DocNode* ks = q.Find("k8sService"); ks && ks->is_map())
              r.services.emplace_back(f_.Str(*ks, "namespace").value_or(""), f_.Str(*ks, "serviceName").value_or(""));
            if (q.Find("k8sServiceSelector")) r.services_by_selector = true;
          }
        if (deny && !r.fqdns.empty()) {
          sink_.Error("invalid-value", "deny rules cannot use toFQDNs", r.where);
          bad_ = true;
        }
      }
      Ports(item, deny, &r);
      out->push_back(std::move(r));
    }
  }

  const DocNode& obj_;
  const std::string& kind_;
  FileId file_;
  Model& model_;
  DiagnosticSink& sink_;
  const K8sOptions& options_;
  Fields f_;
  bool bad_ = false;
};

}  // namespace

bool IsCiliumPolicyKind(const std::string& kind) {
  return kind == "CiliumNetworkPolicy" || kind == "CiliumClusterwideNetworkPolicy" || kind == "CiliumCIDRGroup";
}

std::size_t ParseCiliumObject(const DocNode& obj, const std::string& kind, FileId file, Model& model,
                              DiagnosticSink& sink, const K8sOptions& options) {
  CiliumReader r(obj, kind, file, model, sink, options);
  return r.Run();
}

}  // namespace grantpath::parsers

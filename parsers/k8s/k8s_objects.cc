#include "k8s/k8s_objects.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/fields.h"
#include "grantpath/spell.h"

namespace grantpath::parsers {
namespace {

using k8s::ObjectMeta;

constexpr std::string_view kRbacGroup = "rbac.authorization.k8s.io";

// Kinds grantpath analyzes, per API group ("" is the core group).
struct KnownKind {
  std::string_view group;
  std::string_view kind;
};
constexpr std::array<KnownKind, 21> kKnownKinds{{
    {"", "Namespace"},
    {"", "ServiceAccount"},
    {"", "Pod"},
    {"", "Service"},
    {"", "ConfigMap"},
    {"", "List"},
    {kRbacGroup, "Role"},
    {kRbacGroup, "ClusterRole"},
    {kRbacGroup, "RoleBinding"},
    {kRbacGroup, "ClusterRoleBinding"},
    {"apps", "Deployment"},
    {"apps", "StatefulSet"},
    {"apps", "DaemonSet"},
    {"apps", "ReplicaSet"},
    {"batch", "Job"},
    {"batch", "CronJob"},
    {"networking.k8s.io", "NetworkPolicy"},
    {"networking.k8s.io", "Ingress"},
    {"policy.networking.k8s.io", "AdminNetworkPolicy"},
    {"policy.networking.k8s.io", "BaselineAdminNetworkPolicy"},
    {"extensions", "Ingress"},
}};

std::string GroupOf(const std::string& api_version) {
  auto slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

bool IsKnown(const std::string& group, const std::string& kind) {
  return std::any_of(kKnownKinds.begin(), kKnownKinds.end(),
                     [&](const KnownKind& k) { return k.group == group && k.kind == kind; });
}

class ObjectParser {
 public:
  ObjectParser(FileId file, const K8sOptions& options, Model& model, DiagnosticSink& sink)
      : file_(file), options_(options), model_(model), sink_(sink) {}

  // `item_kind`/`item_api_version`: what the items of a typed list
  // (PodList, NamespaceList...) are when they omit their own type, as the
  // API server's list responses do.
  std::size_t Parse(const DocNode& obj, int list_depth, const std::string& item_kind = "",
                    const std::string& item_api_version = "") {
    if (!obj.is_map()) return 0;
    const DocNode* av = obj.Find("apiVersion");
    const DocNode* kd = obj.Find("kind");
    std::string kind = (kd && kd->is_scalar()) ? kd->text : item_kind;
    std::string api_version = (av && av->is_scalar()) ? av->text : item_api_version;
    // List items from `kubectl get -o json` carry their own kind; a kind
    // ending in "List" with `items` is a list whatever its group.
    if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0) {
      const DocNode* items = obj.Find("items");
      if (items != nullptr && (items->is_seq() || items->is_null())) {
        if (list_depth > 4) {
          sink_.Error("too-deep", "Lists nested more than 4 levels", At(file_, obj.pos));
          return 0;
        }
        std::size_t n = 0;
        std::string element = kind == "List" ? "" : kind.substr(0, kind.size() - 4);
        if (items->is_seq())
          for (const DocNode& item : items->items)
            n += Parse(item, list_depth + 1, element, element.empty() ? "" : api_version);
        return n;
      }
      if (items != nullptr) {
        Fields f(file_, sink_, kind);
        f.WrongType(*items, "items", "a list");
        return 0;
      }
    }
    if (kind.empty() || api_version.empty()) {
      if (list_depth > 0) {
        sink_.Warning("missing-field", "list item has no 'apiVersion' or 'kind'; skipped",
                      At(file_, obj.pos));
      }
      return 0;
    }
    std::string group = GroupOf(api_version);
    if (!IsKnown(group, kind)) {
      ReportUnknown(obj, group, kind, api_version);
      return 0;
    }
    return Dispatch(obj, group, kind, api_version);
  }

 private:
  void ReportUnknown(const DocNode& obj, const std::string& group, const std::string& kind,
                     const std::string& api_version) {
    // A kind of an analyzed group that we do not know is most likely a
    // typo (the API server would reject it): warn with a suggestion.
    std::vector<std::string> same_group;
    for (const auto& k : kKnownKinds)
      if (k.group == group) same_group.emplace_back(k.kind);
    const DocNode* kd = obj.Find("kind");
    SourcePos pos = kd != nullptr ? kd->pos : obj.pos;  // the kind may come from a typed list
    if (!same_group.empty()) {
      std::string hint = DidYouMean(kind, same_group);
      if (!hint.empty()) {
        sink_.Warning("unknown-kind",
                      "unknown kind '" + kind + "' for apiVersion '" + api_version + "'" + hint +
                          "; object skipped",
                      At(file_, pos));
        return;
      }
    }
    if (options_.verbose) {
      sink_.Note("skipped", "kind '" + kind + "' (" + api_version + ") is not analyzed",
                 At(file_, pos));
    }
  }

  ObjectMeta Meta(const DocNode& obj, Fields& f, bool namespaced) {
    ObjectMeta m;
    m.where = At(file_, obj.pos);
    if (const DocNode* md = f.Map(obj, "metadata")) {
      if (auto n = f.Str(*md, "name")) m.name = *n;
      if (const DocNode* nn = md->Find("name")) m.name_where = At(file_, nn->pos);
      if (auto ns = f.Str(*md, "namespace")) m.ns = *ns;
      m.labels = f.StrMap(*md, "labels");
      m.annotations = f.StrMap(*md, "annotations");
    }
    if (m.name_where.file == 0) m.name_where = m.where;
    if (namespaced && m.ns.empty()) m.ns = options_.default_namespace;
    if (!namespaced) m.ns.clear();
    return m;
  }

  static std::string Describe(const std::string& kind, const DocNode& obj) {
    std::string name, ns;
    if (const DocNode* md = obj.Find("metadata"); md && md->is_map()) {
      if (const DocNode* n = md->Find("name"); n && n->is_scalar()) name = n->text;
      if (const DocNode* n = md->Find("namespace"); n && n->is_scalar()) ns = n->text;
    }
    return kind + " '" + (ns.empty() ? "" : ns + "/") + name + "'";
  }

  std::size_t Dispatch(const DocNode& obj, const std::string& group, const std::string& kind,
                       const std::string& api_version) {
    Fields f(file_, sink_, Describe(kind, obj));
    if (group == kRbacGroup) {
      if (kind == "Role" || kind == "ClusterRole") return ParseRole(obj, f, kind == "ClusterRole");
      return ParseBinding(obj, f, kind == "ClusterRoleBinding");
    }
    if (kind == "Namespace") {
      k8s::Namespace ns{Meta(obj, f, false)};
      if (!f.ok()) return 0;
      model_.AddNamespace(std::move(ns));
      return 1;
    }
    if (kind == "ServiceAccount") {
      k8s::ServiceAccount sa;
      sa.meta = Meta(obj, f, true);
      sa.automount_token = f.Bool(obj, "automountServiceAccountToken");
      if (!f.ok()) return 0;
      model_.AddServiceAccount(std::move(sa));
      return 1;
    }
    if (kind == "Pod" || group == "apps" || group == "batch") return ParseWorkload(obj, f, kind);
    if (kind == "NetworkPolicy") return ParseNetworkPolicy(obj, f);
    // Recognised kinds that later engines analyze in depth.
    k8s::OtherObject o;
    bool cluster_scoped = kind == "AdminNetworkPolicy" || kind == "BaselineAdminNetworkPolicy";
    o.meta = Meta(obj, f, !cluster_scoped);
    o.api_version = api_version;
    o.kind = kind;
    if (!f.ok()) return 0;
    model_.AddOther(std::move(o));
    return 1;
  }

  std::size_t ParseRole(const DocNode& obj, Fields& f, bool cluster) {
    k8s::Role role;
    role.cluster = cluster;
    role.meta = Meta(obj, f, !cluster);
    if (const DocNode* rules = f.Seq(obj, "rules")) {
      for (const DocNode& r : rules->items) {
        if (!r.is_map()) {
          f.WrongType(r, "rules", "a list of rules");
          continue;
        }
        k8s::PolicyRule rule;
        rule.where = At(file_, r.pos);
        rule.verbs = f.StrList(r, "verbs");
        rule.api_groups = f.StrList(r, "apiGroups");
        rule.resources = f.StrList(r, "resources");
        rule.resource_names = f.StrList(r, "resourceNames");
        rule.non_resource_urls = f.StrList(r, "nonResourceURLs");
        role.rules.push_back(std::move(rule));
      }
    }
    if (cluster) {
      if (const DocNode* ar = f.Map(obj, "aggregationRule")) {
        role.aggregated = true;
        if (const DocNode* sels = f.Seq(*ar, "clusterRoleSelectors")) {
          for (const DocNode& s : sels->items) {
            if (!s.is_map()) {
              f.WrongType(s, "clusterRoleSelectors", "a list of label selectors");
              continue;
            }
            role.aggregation_selectors.push_back(ParseLabelSelector(s, f));
          }
        }
      }
    }
    if (!f.ok()) return 0;
    model_.AddRole(std::move(role));
    return 1;
  }

  std::size_t ParseBinding(const DocNode& obj, Fields& f, bool cluster) {
    k8s::Binding b;
    b.cluster = cluster;
    b.meta = Meta(obj, f, !cluster);
    if (const DocNode* ref = f.Map(obj, "roleRef")) {
      b.role_ref.where = At(file_, ref->pos);
      b.role_ref.api_group = f.Str(*ref, "apiGroup").value_or("");
      b.role_ref.kind = f.Required(*ref, "kind");
      b.role_ref.name = f.Required(*ref, "name");
      if (f.ok() && b.role_ref.kind != "Role" && b.role_ref.kind != "ClusterRole") {
        f.Invalid(*ref->Find("kind"), "roleRef.kind must be 'Role' or 'ClusterRole', got '" +
                                          b.role_ref.kind + "'" +
                                          DidYouMean(b.role_ref.kind, {"Role", "ClusterRole"}));
      }
      if (f.ok() && cluster && b.role_ref.kind == "Role") {
        f.Invalid(*ref->Find("kind"), "a ClusterRoleBinding can only reference a ClusterRole");
      }
    } else if (f.ok()) {
      f.Required(obj, "roleRef");
    }
    if (const DocNode* subjects = f.Seq(obj, "subjects")) {
      for (const DocNode& s : subjects->items) {
        if (!s.is_map()) {
          f.WrongType(s, "subjects", "a list of subjects");
          continue;
        }
        k8s::Subject sub;
        sub.where = At(file_, s.pos);
        sub.kind = f.Required(s, "kind");
        sub.name = f.Required(s, "name");
        sub.ns = f.Str(s, "namespace").value_or("");
        sub.api_group = f.Str(s, "apiGroup").value_or("");
        if (f.ok() && sub.kind != "User" && sub.kind != "Group" && sub.kind != "ServiceAccount") {
          // The API server rejects an unknown subject kind.
          f.Invalid(*s.Find("kind"),
                    "subject kind must be User, Group or ServiceAccount, got '" + sub.kind + "'" +
                        DidYouMean(sub.kind, {"User", "Group", "ServiceAccount"}));
        }
        b.subjects.push_back(std::move(sub));
      }
    }
    if (!f.ok()) return 0;
    model_.AddBinding(std::move(b));
    return 1;
  }

  std::size_t ParseNetworkPolicy(const DocNode& obj, Fields& f) {
    k8s::NetworkPolicy np;
    np.meta = Meta(obj, f, true);
    const DocNode* spec = f.Map(obj, "spec");
    if (spec == nullptr) {
      if (f.ok()) f.Required(obj, "spec");
      return 0;
    }
    // podSelector is a struct in the API: when omitted it decodes to the
    // empty selector, which selects every pod of the namespace.
    if (const DocNode* sel = f.Map(*spec, "podSelector")) {
      np.pod_selector = ParseLabelSelector(*sel, f);
    } else {
      np.pod_selector.present = true;
      np.pod_selector.where = At(file_, spec->pos);
    }
    np.ingress = Rules(*spec, "ingress", "from", f);
    np.egress = Rules(*spec, "egress", "to", f);
    if (const DocNode* types = f.Seq(*spec, "policyTypes"); types && !types->items.empty()) {
      np.policy_types_given = true;
      for (const auto& t : types->items) {
        if (t.is_scalar() && t.text == "Ingress") np.ingress_type = true;
        else if (t.is_scalar() && t.text == "Egress") np.egress_type = true;
        else f.Invalid(t, "policyTypes entries must be \"Ingress\" or \"Egress\"" +
                              (t.is_scalar() ? DidYouMean(t.text, {"Ingress", "Egress"}) : std::string()));
      }
    } else {
      np.ingress_type = true;
      np.egress_type = !np.egress.empty();
    }
    if (!f.ok()) return 0;
    model_.AddNetworkPolicy(std::move(np));
    return 1;
  }

  std::vector<k8s::NetworkPolicyRule> Rules(const DocNode& spec, const char* key,
                                            const char* peers_key, Fields& f) {
    std::vector<k8s::NetworkPolicyRule> out;
    const DocNode* rules = f.Seq(spec, key);
    if (rules == nullptr) return out;
    for (const DocNode& r : rules->items) {
      if (!r.is_map()) {
        f.WrongType(r, key, "a list of rules");
        continue;
      }
      k8s::NetworkPolicyRule rule;
      rule.where = At(file_, r.pos);
      if (const DocNode* peers = f.Seq(r, peers_key)) {
        for (const DocNode& p : peers->items) {
          if (!p.is_map()) {
            f.WrongType(p, peers_key, "a list of peers");
            continue;
          }
          rule.peers.push_back(Peer(p, f));
        }
      }
      if (const DocNode* ports = f.Seq(r, "ports")) {
        for (const DocNode& p : ports->items) {
          if (!p.is_map()) {
            f.WrongType(p, "ports", "a list of ports");
            continue;
          }
          rule.ports.push_back(Port(p, f));
        }
      }
      out.push_back(std::move(rule));
    }
    return out;
  }

  k8s::NetworkPolicyPeer Peer(const DocNode& p, Fields& f) {
    k8s::NetworkPolicyPeer peer;
    peer.where = At(file_, p.pos);
    if (const DocNode* s = f.Map(p, "podSelector")) peer.pod_selector = ParseLabelSelector(*s, f);
    if (const DocNode* s = f.Map(p, "namespaceSelector"))
      peer.namespace_selector = ParseLabelSelector(*s, f);
    if (const DocNode* ib = f.Map(p, "ipBlock")) {
      peer.ip_block = true;
      peer.cidr = f.Required(*ib, "cidr");
      peer.except = f.StrList(*ib, "except");
      if (peer.pod_selector || peer.namespace_selector)
        f.Invalid(p, "a peer with ipBlock cannot also have podSelector or namespaceSelector");
    } else if (!peer.pod_selector && !peer.namespace_selector && f.ok()) {
      f.Invalid(p, "a peer needs podSelector, namespaceSelector or ipBlock");
    }
    return peer;
  }

  k8s::NetworkPolicyPort Port(const DocNode& p, Fields& f) {
    k8s::NetworkPolicyPort port;
    port.where = At(file_, p.pos);
    port.protocol = f.Str(p, "protocol").value_or("TCP");
    if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP")
      f.Invalid(*p.Find("protocol"), "protocol must be TCP, UDP or SCTP, got '" + port.protocol + "'" +
                                         DidYouMean(port.protocol, {"TCP", "UDP", "SCTP"}));
    if (const DocNode* v = p.Find("port"); v && !v->is_null()) {
      port.any_port = false;
      if (auto n = ScalarInt(*v); n && !v->quoted) {
        if (*n < 1 || *n > 65535) f.Invalid(*v, "port must be 1-65535, got " + v->text);
        port.port = static_cast<std::int32_t>(*n);
      } else if (v->is_scalar()) {
        port.port_name = v->text;
      } else {
        f.WrongType(*v, "port", "a number or a port name");
      }
    }
    if (auto end = f.Int(p, "endPort")) {
      if (port.any_port || !port.port_name.empty()) {
        f.Invalid(*p.Find("endPort"), "endPort needs a numeric port");
      } else if (*end < port.port || *end > 65535) {
        f.Invalid(*p.Find("endPort"), "endPort must be between port and 65535");
      }
      port.end_port = static_cast<std::int32_t>(*end);
    }
    return port;
  }

  std::size_t ParseWorkload(const DocNode& obj, Fields& f, const std::string& kind) {
    k8s::Workload w;
    w.kind = kind;
    w.meta = Meta(obj, f, true);
    const DocNode* pod_spec = nullptr;
    const DocNode* spec = f.Map(obj, "spec");
    if (kind == "Pod") {
      pod_spec = spec;
      w.pod_labels = w.meta.labels;
    } else if (spec != nullptr) {
      const DocNode* holder = spec;
      if (kind == "CronJob") {
        const DocNode* jt = f.Map(*spec, "jobTemplate");
        holder = jt ? f.Map(*jt, "spec") : nullptr;
      }
      if (holder != nullptr) {
        if (const DocNode* tmpl = f.Map(*holder, "template")) {
          if (const DocNode* md = f.Map(*tmpl, "metadata")) w.pod_labels = f.StrMap(*md, "labels");
          pod_spec = f.Map(*tmpl, "spec");
        }
      }
    }
    if (pod_spec != nullptr) {
      const char* sa_key = pod_spec->Find("serviceAccountName") ? "serviceAccountName"
                           : pod_spec->Find("serviceAccount")    ? "serviceAccount"
                                                                 : nullptr;
      if (sa_key != nullptr) {
        if (auto sa = f.Str(*pod_spec, sa_key); sa && !sa->empty()) {
          w.service_account = *sa;
          w.service_account_where = At(file_, pod_spec->Find(sa_key)->pos);
        }
      }
      w.automount_token = f.Bool(*pod_spec, "automountServiceAccountToken");
      w.host_network = f.Bool(*pod_spec, "hostNetwork").value_or(false);
      for (const char* key : {"initContainers", "containers"}) {
        const DocNode* cs = f.Seq(*pod_spec, key);
        if (cs == nullptr) continue;
        for (const DocNode& c : cs->items) {
          if (!c.is_map()) {
            f.WrongType(c, key, "a list of containers");
            continue;
          }
          k8s::Container ct;
          ct.where = At(file_, c.pos);
          ct.name = f.Str(c, "name").value_or("");
          ct.image = f.Str(c, "image").value_or("");
          if (const DocNode* ports = f.Seq(c, "ports")) {
            for (const DocNode& p : ports->items) {
              if (!p.is_map()) {
                f.WrongType(p, "ports", "a list of container ports");
                continue;
              }
              k8s::ContainerPort cp;
              cp.where = At(file_, p.pos);
              cp.name = f.Str(p, "name").value_or("");
              cp.port = static_cast<std::int32_t>(f.Int(p, "containerPort").value_or(0));
              cp.protocol = f.Str(p, "protocol").value_or("TCP");
              ct.ports.push_back(std::move(cp));
            }
          }
          w.containers.push_back(std::move(ct));
        }
      }
    }
    if (!f.ok()) return 0;
    model_.AddWorkload(std::move(w));
    return 1;
  }

  FileId file_;
  const K8sOptions& options_;
  Model& model_;
  DiagnosticSink& sink_;
};

}  // namespace

k8s::LabelSelector ParseLabelSelector(const DocNode& node, Fields& f) {
  k8s::LabelSelector sel;
  sel.present = true;
  sel.where = f.Where(node);
  sel.match_labels = f.StrMap(node, "matchLabels");
  if (const DocNode* exprs = f.Seq(node, "matchExpressions")) {
    for (const DocNode& e : exprs->items) {
      if (!e.is_map()) {
        f.WrongType(e, "matchExpressions", "a list of requirements");
        continue;
      }
      k8s::SelectorRequirement req;
      req.key = f.Required(e, "key");
      std::string op = f.Required(e, "operator");
      req.values = f.StrList(e, "values");
      using Op = k8s::SelectorRequirement::Op;
      if (op == "In") req.op = Op::kIn;
      else if (op == "NotIn") req.op = Op::kNotIn;
      else if (op == "Exists") req.op = Op::kExists;
      else if (op == "DoesNotExist") req.op = Op::kDoesNotExist;
      else if (f.ok())
        f.Invalid(*e.Find("operator"), "unknown selector operator '" + op + "'" +
                                           DidYouMean(op, {"In", "NotIn", "Exists", "DoesNotExist"}));
      sel.match_expressions.push_back(std::move(req));
    }
  }
  return sel;
}

bool LooksLikeK8s(const DocNode& root) {
  if (!root.is_map()) return false;
  const DocNode* av = root.Find("apiVersion");
  const DocNode* kd = root.Find("kind");
  return av && kd && av->is_scalar() && kd->is_scalar();
}

std::size_t ParseK8sDocument(const DocNode& root, FileId file, const K8sOptions& options,
                             Model& model, DiagnosticSink& sink) {
  ObjectParser p(file, options, model, sink);
  return p.Parse(root, 0);
}

}  // namespace grantpath::parsers

#include "k8s/k8s_objects.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <string_view>

#include "common/fields.h"
#include "calico/calico_policy.h"
#include "cilium/cilium_policy.h"
#include "istio/istio_policy.h"
#include "k8s/cni_settings.h"
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
constexpr std::array<KnownKind, 36> kKnownKinds{{
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
    {"policy.networking.k8s.io", "ClusterNetworkPolicy"},
    {"extensions", "Ingress"},
    {"", "ReplicationController"},
    {"route.openshift.io", "Route"},
    {"kubevirt.io", "VirtualMachine"},
    {"kubevirt.io", "VirtualMachineInstance"},
    {"k8s.ovn.org", "UserDefinedNetwork"},
    {"k8s.ovn.org", "ClusterUserDefinedNetwork"},
    {"k8s.cni.cncf.io", "NetworkAttachmentDefinition"},
    {"k8s.cni.cncf.io", "MultiNetworkPolicy"},
    {"argoproj.io", "AppProject"},
    {"monitoring.coreos.com", "Prometheus"},
    {"monitoring.coreos.com", "Alertmanager"},
    {"monitoring.coreos.com", "ThanosRuler"},
    {"", "Secret"},
    {"apiextensions.k8s.io", "CustomResourceDefinition"},  // which API groups are the input's own
}};

std::string GroupOf(const std::string& api_version) {
  auto slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

bool IsKnown(const std::string& group, const std::string& kind) {
  return std::any_of(kKnownKinds.begin(), kKnownKinds.end(),
                     [&](const KnownKind& k) { return k.group == group && k.kind == kind; });
}

constexpr const char* kMultusNetworks = "k8s.v1.cni.cncf.io/networks";

// The Multus network selection annotation: "a,ns/b,c@eth1" or a JSON list
// of {"name", "namespace", ...}. Names are "NS/NAME", NS defaulting to the
// pod's namespace.
std::vector<std::string> MultusNetworks(const std::string& text, const std::string& ns,
                                       std::vector<std::string>* ips = nullptr) {
  std::vector<std::string> out;
  std::size_t first = text.find_first_not_of(" \t\n");
  if (first != std::string::npos && text[first] == '[') {
    // JSON: take each object's "name" and "namespace".
    std::size_t pos = first;
    while ((pos = text.find('{', pos)) != std::string::npos) {
      std::size_t end = text.find('}', pos);
      if (end == std::string::npos) break;
      std::string obj = text.substr(pos, end - pos);
      auto field = [&](const char* key) -> std::string {
        std::size_t k = obj.find(std::string("\"") + key + "\"");
        if (k == std::string::npos) return "";
        std::size_t q1 = obj.find('"', obj.find(':', k) + 1);
        std::size_t q2 = q1 == std::string::npos ? q1 : obj.find('"', q1 + 1);
        return q2 == std::string::npos ? "" : obj.substr(q1 + 1, q2 - q1 - 1);
      };
      std::string name = field("name"), nns = field("namespace");
      if (!name.empty()) out.push_back((nns.empty() ? ns : nns) + "/" + name);
      if (std::size_t k = obj.find("\"ips\""); ips && k != std::string::npos) {
        std::size_t open = obj.find('[', k), close = obj.find(']', k);
        for (std::size_t q = obj.find('"', open); open != std::string::npos && q < close;
             q = obj.find('"', obj.find('"', q + 1) + 1)) {
          std::size_t q2 = obj.find('"', q + 1);
          if (q2 == std::string::npos || q2 > close) break;
          ips->push_back(obj.substr(q + 1, q2 - q - 1));
        }
      }
      pos = end;
    }
    return out;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t a = item.find_first_not_of(" \t\n"), b = item.find_last_not_of(" \t\n");
    item = a == std::string::npos ? "" : item.substr(a, b - a + 1);
    if (auto at = item.find('@'); at != std::string::npos) item = item.substr(0, at);
    if (!item.empty()) out.push_back(item.find('/') == std::string::npos ? ns + "/" + item : item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
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
    if ((group == "projectcalico.org" || group == "crd.projectcalico.org") &&
        (kind == "FelixConfiguration" || kind == "IPPool"))
      return ParseCalicoNetworkSettings(obj, kind, file_, model_, sink_);
    if ((group == "projectcalico.org" || group == "crd.projectcalico.org") && IsCalicoPolicyKind(kind))
      return ParseCalicoObject(obj, kind, file_, model_, sink_, options_);
    if (group == "cilium.io" && IsCiliumPolicyKind(kind)) return ParseCiliumObject(obj, kind, file_, model_, sink_, options_);
    if (group == "security.istio.io" && kind == "AuthorizationPolicy")
      return ParseIstioAuthorizationPolicy(obj, file_, model_, sink_, options_);
    if (group == "security.istio.io" && kind == "PeerAuthentication")
      return ParseIstioPeerAuthentication(obj, file_, model_, sink_, options_);
    if (!IsKnown(group, kind) && UnmodelledNetworkKind(group, kind)) {
      ReportUnknown(obj, group, kind, api_version);
      return 0;
    }
    if (!IsKnown(group, kind)) {
      // A kind that one other analysed group serves (apps/v1 Pod,
      // nmstate.io UserDefinedNetwork, extensions/v1beta1 Deployment): read
      // it as that kind, as netpol-analyzer does, and say so.
      std::string other;
      int found = 0;
      for (const auto& k : kKnownKinds)
        if (k.kind == kind && k.kind != std::string("List")) other = k.group, ++found;
      if (found != 1) {
        ReportUnknown(obj, group, kind, api_version);
        return 0;
      }
      const DocNode* av_node = obj.Find("apiVersion");
      sink_.Warning("unknown-kind",
                    "apiVersion '" + api_version + "' does not serve kind '" + kind + "'; read as " + kind + " of " +
                        (other.empty() ? std::string("core/v1") : other),
                    At(file_, av_node ? av_node->pos : obj.pos));
      group = other;
    }
    ReadIgnoreAnnotation(obj, kind);
    return Dispatch(obj, group, kind, api_version);
  }

  static std::uint32_t LastLine(const DocNode& n) {
    std::uint32_t last = n.pos.line;
    for (const auto& i : n.items) last = std::max(last, LastLine(i));
    for (const auto& e : n.entries) last = std::max({last, e.key_pos.line, LastLine(e.value)});
    return last;
  }

  // metadata.annotations["grantpath.io/ignore"] = "RULE[,RULE]: reason".
  // Rule ids are checked by the caller, which knows the catalog.
  void ReadIgnoreAnnotation(const DocNode& obj, const std::string& kind) {
    const DocNode* md = obj.Find("metadata");
    if (md == nullptr || !md->is_map()) return;
    const DocNode* ann = md->Find("annotations");
    if (ann == nullptr || !ann->is_map()) return;
    const DocNode* v = ann->Find(kIgnoreAnnotation);
    if (v == nullptr) return;
    SourceRange where = At(file_, v->pos);
    if (!v->is_scalar()) {
      sink_.Error("invalid-ignore", std::string(kIgnoreAnnotation) + " must be a string 'RULE[,RULE]: reason'", where);
      return;
    }
    const std::string& text = v->text;
    std::size_t colon = text.find(':');
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    InlineIgnore ig;
    ig.reason = colon == std::string::npos ? "" : trim(text.substr(colon + 1));
    std::string ids = colon == std::string::npos ? text : text.substr(0, colon);
    std::size_t start = 0;
    while (start <= ids.size()) {
      std::size_t comma = ids.find(',', start);
      if (comma == std::string::npos) comma = ids.size();
      std::string id = trim(ids.substr(start, comma - start));
      if (!id.empty()) ig.rules.push_back(id);
      start = comma + 1;
    }
    if (ig.rules.empty() || ig.reason.empty()) {
      sink_.Error("invalid-ignore",
                  std::string(kIgnoreAnnotation) + " must be 'RULE[,RULE]: reason' with a rule id and a reason, got '" +
                      text + "'; the annotation is not applied",
                  where);
      return;
    }
    ig.file = file_;
    ig.first_line = obj.pos.line;
    ig.last_line = LastLine(obj);
    ig.where = where;
    ig.object = Describe(kind, obj);
    model_.inline_ignores.push_back(std::move(ig));
  }

 private:
  void ReportUnknown(const DocNode& obj, const std::string& group, const std::string& kind,
                     const std::string& api_version) {
    // Kinds that change who can reach what but that no engine models:
    // say so instead of computing reachability as if they were absent.
    if (UnmodelledNetworkKind(group, kind)) {
      const DocNode* kd = obj.Find("kind");
      sink_.Warning("unsupported-construct",
                    kind + " (" + api_version +
                        ") is not modeled: network reachability results do not take it into account",
                    At(file_, kd != nullptr ? kd->pos : obj.pos));
      return;
    }
    // A kind of an analyzed group that we do not know is most likely a
    // typo (the API server would reject it): warn with a suggestion. Not in
    // the groups of custom resources, of which only some kinds are read
    // (monitoring.coreos.com's PrometheusRule and ServiceMonitor are fine).
    std::vector<std::string> same_group;
    for (const auto& k : kKnownKinds)
      if (k.group == group && group != "monitoring.coreos.com" && group != "argoproj.io") same_group.emplace_back(k.kind);
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

  // Kinds that change who can reach what but that no engine models: said,
  // never computed as if absent. (Calico's, Cilium's policy kinds and
  // Istio's AuthorizationPolicy and PeerAuthentication are read: calico/,
  // cilium/, istio/.)
  static bool UnmodelledNetworkKind(const std::string& group, const std::string& kind) {
    static const std::array<KnownKind, 10> kNetworkKinds{{
        {"crd.antrea.io", "ClusterNetworkPolicy"},
        {"crd.antrea.io", "NetworkPolicy"},
        {"k8s.ovn.org", "EgressFirewall"},
        {"networking.gke.io", "FQDNNetworkPolicy"},
        {"network.openshift.io", "EgressNetworkPolicy"},
        // Service meshes: they admit or refuse connections and requests
        // between workloads of the mesh. (An Istio Sidecar can limit the
        // outbound hosts a workload reaches: REGISTRY_ONLY.)
        {"networking.istio.io", "Sidecar"},
        {"policy.linkerd.io", "AuthorizationPolicy"},
        {"policy.linkerd.io", "ServerAuthorization"},
        {"kuma.io", "MeshTrafficPermission"},
        {"consul.hashicorp.com", "ServiceIntentions"},
    }};
    return std::any_of(kNetworkKinds.begin(), kNetworkKinds.end(),
                       [&](const KnownKind& k) { return k.group == group && k.kind == kind; });
  }

  ObjectMeta Meta(const DocNode& obj, Fields& f, bool namespaced) {
    return ParseObjectMeta(obj, file_, f, options_, namespaced);
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
    if (group == "kubevirt.io") return ParseVirtualMachine(obj, f, kind);
    if (kind == "Pod" && IsVirtLauncher(obj)) {
      sink_.Warning("ignored-object",
                    "Pod '" + Describe(kind, obj).substr(5) +
                        " is a KubeVirt virt-launcher pod: its VirtualMachine is the endpoint, so the pod is ignored",
                    At(file_, obj.pos));
      return 0;
    }
    if (kind == "Pod" || kind == "ReplicationController" || group == "apps" || group == "batch")
      return ParseWorkload(obj, f, kind);
    if (kind == "UserDefinedNetwork" || kind == "ClusterUserDefinedNetwork")
      return ParseUserDefinedNetwork(obj, f, kind == "ClusterUserDefinedNetwork");
    if (kind == "NetworkAttachmentDefinition") return ParseAttachment(obj, f);
    if (kind == "AppProject") return ParseAppProject(obj, f);
    if (group == "monitoring.coreos.com") return ParseOperatorWorkload(obj, f, kind);
    if (kind == "Secret") {
      // Only service-account token Secrets matter, and only who they belong
      // to: the data is never read.
      const DocNode* type = obj.Find("type");
      if (!type || !type->is_scalar() || type->text != "kubernetes.io/service-account-token") {
        if (options_.verbose) {
          const DocNode* kd = obj.Find("kind");
          sink_.Note("skipped", "Secret is not a service-account token Secret: not analyzed (no Secret's data is read)",
                     At(file_, kd ? kd->pos : obj.pos));
        }
        return 0;
      }
      k8s::TokenSecret ts;
      ts.meta = Meta(obj, f, true);
      auto it = ts.meta.annotations.find("kubernetes.io/service-account.name");
      if (!f.ok() || it == ts.meta.annotations.end()) return 0;
      ts.service_account = it->second;
      model_.k8s_token_secrets.push_back(std::move(ts));
      return 1;
    }
    if (kind == "MultiNetworkPolicy") {
      std::size_t before = model_.k8s_network_policies.size();
      std::size_t n = ParseNetworkPolicy(obj, f);
      if (model_.k8s_network_policies.size() > before) {
        model_.k8s_network_policies.back().kind = "MultiNetworkPolicy";
        model_.k8s_multi_policies.push_back(std::move(model_.k8s_network_policies.back()));
        model_.k8s_network_policies.pop_back();
      }
      return n;
    }
    if (kind == "NetworkPolicy") return ParseNetworkPolicy(obj, f);
    if (kind == "Service") return ParseService(obj, f);
    if (kind == "Ingress" || kind == "Route") return ParseIngress(obj, f, kind);
    if (kind == "AdminNetworkPolicy" || kind == "BaselineAdminNetworkPolicy")
      return ParseAdminPolicy(obj, f, kind == "BaselineAdminNetworkPolicy");
    if (kind == "ClusterNetworkPolicy" && group == "policy.networking.k8s.io") return ParseClusterNetworkPolicy(obj, f);
    if (kind == "ConfigMap") {
      ParseAwsAuth(obj);
      ParseCniConfigMap(obj, file_, model_, sink_);
      ParseIstioMeshConfigMap(obj, file_, model_);
    }
    // Recognised kinds that later engines analyze in depth.
    k8s::OtherObject o;
    bool cluster_scoped = kind == "AdminNetworkPolicy" || kind == "BaselineAdminNetworkPolicy" ||
                          kind == "ClusterNetworkPolicy" || kind == "CustomResourceDefinition";
    o.meta = Meta(obj, f, !cluster_scoped);
    o.api_version = api_version;
    o.kind = kind;
    if (!f.ok()) return 0;
    model_.AddOther(std::move(o));
    return 1;
  }

  static bool IsVirtLauncher(const DocNode& obj) {
    const DocNode* md = obj.Find("metadata");
    const DocNode* labels = md && md->is_map() ? md->Find("labels") : nullptr;
    const DocNode* v = labels && labels->is_map() ? labels->Find("kubevirt.io") : nullptr;
    return v && v->is_scalar() && v->text == "virt-launcher";
  }

  // KubeVirt VirtualMachine (labels of spec.template) and
  // VirtualMachineInstance (its own labels): network endpoints like pods,
  // with no containers (no named ports) and no service account token.
  std::size_t ParseVirtualMachine(const DocNode& obj, Fields& f, const std::string& kind) {
    if (kind != "VirtualMachine" && kind != "VirtualMachineInstance") return 0;
    // A VMI that a VirtualMachine controls is that VM running: the VM is the
    // endpoint.
    if (kind == "VirtualMachineInstance")
      if (const DocNode* md = obj.Find("metadata"); md && md->is_map())
        if (const DocNode* refs = md->Find("ownerReferences"); refs && refs->is_seq())
          for (const auto& r : refs->items)
            if (const DocNode* k = r.Find("kind"); k && k->is_scalar() && k->text == "VirtualMachine") {
              if (options_.verbose)
                sink_.Note("skipped", Describe(kind, obj) + " belongs to a VirtualMachine, which is the endpoint",
                           At(file_, obj.pos));
              return 0;
            }
    k8s::Workload w;
    w.kind = kind;
    w.meta = Meta(obj, f, true);
    w.automount_token = false;
    if (kind == "VirtualMachineInstance") {
      w.pod_labels = w.meta.labels;
    }
    const DocNode* vmi_spec = nullptr;
    if (kind == "VirtualMachineInstance") {
      vmi_spec = obj.Find("spec");
    } else if (const DocNode* spec = f.Map(obj, "spec")) {
      if (const DocNode* tmpl = f.Map(*spec, "template")) {
        if (const DocNode* md = f.Map(*tmpl, "metadata")) w.pod_labels = f.StrMap(*md, "labels");
        vmi_spec = tmpl->Find("spec");
      }
    }
    // spec.networks[].multus.networkName: secondary networks (a multus
    // network marked default replaces the pod network and is not one).
    if (vmi_spec && vmi_spec->is_map())
      if (const DocNode* nets = vmi_spec->Find("networks"); nets && nets->is_seq())
        for (const auto& n : nets->items)
          if (const DocNode* mu = n.Find("multus"); mu && mu->is_map())
            if (const DocNode* nn = mu->Find("networkName"); nn && nn->is_scalar()) {
              const DocNode* def = mu->Find("default");
              if (def && ScalarBool(*def) == true) continue;
              auto one = MultusNetworks(nn->text, w.meta.ns);
              w.secondary_networks.insert(w.secondary_networks.end(), one.begin(), one.end());
            }
    // cloud-init networkData: the addresses the guest configures.
    if (vmi_spec && vmi_spec->is_map())
      if (const DocNode* vols = vmi_spec->Find("volumes"); vols && vols->is_seq())
        for (const auto& v : vols->items)
          for (const char* src : {"cloudInitNoCloud", "cloudInitConfigDrive"})
            if (const DocNode* ci = v.Find(src); ci && ci->is_map())
              if (const DocNode* nd = ci->Find("networkData"); nd && nd->is_scalar()) {
                bool in_list = false;
                std::size_t start = 0;
                const std::string& t = nd->text;
                while (start < t.size()) {
                  std::size_t nl = t.find('\n', start);
                  std::string line = t.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
                  start = nl == std::string::npos ? t.size() : nl + 1;
                  std::size_t a = line.find_first_not_of(" \t");
                  if (a == std::string::npos) continue;
                  line = line.substr(a);
                  if (line.rfind("addresses:", 0) == 0) {
                    in_list = true;
                    continue;
                  }
                  if (in_list && line.rfind("- ", 0) == 0) {
                    std::string ip = line.substr(2);
                    ip.erase(ip.find_last_not_of(" \t\"'") + 1);
                    ip.erase(0, ip.find_first_not_of(" \"'"));
                    w.secondary_ips.push_back(ip);
                  } else {
                    in_list = false;
                  }
                }
              }
    if (!f.ok()) return 0;
    model_.AddWorkload(std::move(w));
    return 1;
  }

  // UserDefinedNetwork (spec.topology, spec.layer2|layer3.role) and
  // ClusterUserDefinedNetwork (spec.namespaceSelector, spec.network...).
  // What OVN-Kubernetes' validation rejects is a located error.
  std::size_t ParseUserDefinedNetwork(const DocNode& obj, Fields& f, bool cluster) {
    k8s::UserDefinedNetwork u;
    u.cluster = cluster;
    u.meta = Meta(obj, f, !cluster);
    u.where = At(file_, obj.pos);
    u.role_where = u.where;
    std::string id = cluster ? u.meta.name : u.meta.ns + "/" + u.meta.name;
    const DocNode* spec = f.Map(obj, "spec");
    if (!spec) {
      if (f.ok()) f.Required(obj, "spec");
      return 0;
    }
    if (cluster) {
      if (const DocNode* sel = f.Map(*spec, "namespaceSelector")) u.namespace_selector = ParseLabelSelector(*sel, f);
      spec = f.Map(*spec, "network");
      if (!spec) {
        if (f.ok()) f.Required(*obj.Find("spec"), "network");
        return 0;
      }
    }
    auto invalid = [&](const DocNode& at, const std::string& message) {
      sink_.Error("invalid-value", (cluster ? "ClusterUserDefinedNetwork '" : "UserDefinedNetwork '") + id + "': " +
                                       message + " (not analyzed)",
                  At(file_, at.pos));
      return std::size_t{0};
    };
    const DocNode* topo = spec->Find("topology");
    if (!topo || !topo->is_scalar()) return f.ok() ? (f.Required(*spec, "topology"), std::size_t{0}) : 0;
    u.topology = topo->text;
    if (u.topology != "Layer2" && u.topology != "Layer3")
      return invalid(*topo, "topology must be Layer2 or Layer3, got '" + u.topology + "'");
    const char* layer = u.topology == "Layer2" ? "layer2" : "layer3";
    const char* other = u.topology == "Layer2" ? "layer3" : "layer2";
    const DocNode* conf = spec->Find(layer);
    if (!conf || !conf->is_map() || spec->Find(other))
      return invalid(*topo, std::string("topology ") + u.topology + " needs exactly the '" + layer +
                                "' configuration");
    if (const DocNode* role = conf->Find("role"); role && role->is_scalar()) {
      u.role = role->text;
      u.role_where = At(file_, role->pos);
      if (u.role != "Primary" && u.role != "Secondary")
        return invalid(*role, "role must be Primary or Secondary, got '" + u.role + "'");
    } else {
      return f.ok() ? (f.Required(*conf, "role"), std::size_t{0}) : 0;
    }
    if (!cluster) {
      if (u.meta.name == "default") return invalid(obj, "a UserDefinedNetwork cannot be named 'default'");
      if (u.meta.ns == "default" || u.meta.ns.rfind("openshift-", 0) == 0)
        return invalid(obj, "a UserDefinedNetwork cannot be created in namespace '" + u.meta.ns + "'");
    }
    if (!f.ok()) return 0;
    model_.k8s_udns.push_back(std::move(u));
    return 1;
  }

  // Argo CD AppProject: destinations, clusterResourceWhitelist and
  // sourceNamespaces (what an Application of the project may deploy).
  std::size_t ParseAppProject(const DocNode& obj, Fields& f) {
    k8s::AppProject p;
    p.meta = Meta(obj, f, true);
    if (const DocNode* spec = f.Map(obj, "spec")) {
      if (const DocNode* ds = f.Seq(*spec, "destinations"))
        for (const auto& d : ds->items)
          if (d.is_map())
            p.destinations.push_back({f.Str(d, "server").value_or(""), f.Str(d, "name").value_or(""),
                                      f.Str(d, "namespace").value_or("")});
      if (const DocNode* cr = f.Seq(*spec, "clusterResourceWhitelist"))
        for (const auto& c : cr->items)
          if (c.is_map()) p.cluster_resources.push_back({f.Str(c, "group").value_or(""), f.Str(c, "kind").value_or("")});
      p.source_namespaces = f.StrList(*spec, "sourceNamespaces");
    }
    if (!f.ok()) return 0;
    model_.k8s_app_projects.push_back(std::move(p));
    return 1;
  }

  // NetworkAttachmentDefinition: spec.config is CNI JSON in a string; its
  // "name" identifies the network.
  std::size_t ParseAttachment(const DocNode& obj, Fields& f) {
    k8s::NetworkAttachment a;
    a.meta = Meta(obj, f, true);
    a.network = a.meta.name;
    if (const DocNode* spec = f.Map(obj, "spec"))
      if (auto config = f.Str(*spec, "config"); config && !config->empty()) {
        std::string text = *config;
        for (const char* key : {"\"name\"", "\"type\""}) {
          std::size_t k = text.find(key);
          if (k == std::string::npos) continue;
          std::size_t q1 = text.find('"', text.find(':', k) + 1);
          std::size_t q2 = q1 == std::string::npos ? q1 : text.find('"', q1 + 1);
          if (q2 == std::string::npos) continue;
          (std::string(key) == "\"name\"" ? a.network : a.type) = text.substr(q1 + 1, q2 - q1 - 1);
        }
      }
    if (!f.ok()) return 0;
    model_.k8s_attachments.push_back(std::move(a));
    return 1;
  }

  // kube-system/aws-auth: data.mapRoles and data.mapUsers are YAML lists in
  // strings, data.mapAccounts a list of account ids. Top-level keys are
  // case-sensitive; entry keys are not (aws-iam-authenticator decodes them
  // as JSON fields).
  void ParseAwsAuth(const DocNode& obj) {
    const DocNode* md = obj.Find("metadata");
    const DocNode* data = obj.Find("data");
    if (md == nullptr || data == nullptr || !data->is_map()) return;
    const DocNode* name = md->Find("name");
    const DocNode* ns = md->Find("namespace");
    if (!name || name->text != "aws-auth") return;
    std::string nsname = ns && ns->is_scalar() ? ns->text : options_.default_namespace;
    if (nsname != "kube-system") return;
    // ConfigMap data is a map of strings: one value of another type and the
    // API server rejects the whole object.
    for (const auto& e : data->entries) {
      if (!e.value.is_scalar()) {
        sink_.Error("wrong-type",
                    "aws-auth data." + e.key + " must be a string (write '" + e.key +
                        ": |' for YAML): the API server rejects this ConfigMap, so nothing is mapped",
                    At(file_, e.value.pos));
        return;
      }
    }
    for (const auto& e : data->entries) {
      k8s::AwsAuthEntry::Kind kind;
      if (e.key == "mapRoles") kind = k8s::AwsAuthEntry::Kind::kRole;
      else if (e.key == "mapUsers") kind = k8s::AwsAuthEntry::Kind::kUser;
      else if (e.key == "mapAccounts") kind = k8s::AwsAuthEntry::Kind::kAccount;
      else continue;
      const std::string& text = e.value.text;
      ParseLimits limits;
      // A block scalar's text starts on the line after its key.
      limits.line_offset = e.key_pos.line - (text.find('\n') != std::string::npos ? 0 : 1);
      ParseYaml(text, file_, limits, sink_, [&](DocNode& root) {
        if (!root.is_seq()) {
          sink_.Warning("wrong-type", "aws-auth " + e.key + " must be a YAML list; ignored", At(file_, root.pos));
          return;
        }
        for (const DocNode& item : root.items) {
          k8s::AwsAuthEntry a;
          a.kind = kind;
          a.where = At(file_, item.pos);
          if (kind == k8s::AwsAuthEntry::Kind::kAccount) {
            if (!item.is_scalar()) continue;
            a.arn = item.text;
            model_.k8s_aws_auth.push_back(std::move(a));
            continue;
          }
          if (!item.is_map()) continue;
          for (const auto& f : item.entries) {
            std::string key = f.key;
            for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if ((key == "rolearn" || key == "userarn") && f.value.is_scalar()) a.arn = f.value.text;
            else if (key == "username" && f.value.is_scalar()) a.username = f.value.text;
            else if (key == "groups" && f.value.is_seq())
              for (const DocNode& g : f.value.items)
                if (g.is_scalar()) a.groups.push_back(g.text);
          }
          if (a.arn.empty()) {
            sink_.Warning("missing-field",
                          std::string("aws-auth ") + e.key + " entry has no " +
                              (kind == k8s::AwsAuthEntry::Kind::kRole ? "rolearn" : "userarn") + "; ignored",
                          a.where);
            continue;
          }
          model_.k8s_aws_auth.push_back(std::move(a));
        }
      });
    }
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
        if (!options_.force_namespace.empty() && f.Str(s, "name").value_or("") == "default")
          sub.ns = options_.force_namespace;
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

  std::size_t ParseService(const DocNode& obj, Fields& f) {
    k8s::Service svc;
    svc.meta = Meta(obj, f, true);
    if (const DocNode* spec = f.Map(obj, "spec")) {
      svc.type = f.Str(*spec, "type").value_or("ClusterIP");
      if (const DocNode* sel = spec->Find("selector"); sel && !sel->is_null()) {
        svc.has_selector = true;
        svc.selector = f.StrMap(*spec, "selector");
      }
      if (const DocNode* ports = f.Seq(*spec, "ports")) {
        for (const DocNode& p : ports->items) {
          if (!p.is_map()) {
            f.WrongType(p, "ports", "a list of service ports");
            continue;
          }
          k8s::ServicePort sp;
          sp.where = At(file_, p.pos);
          sp.name = f.Str(p, "name").value_or("");
          sp.protocol = f.Str(p, "protocol").value_or("TCP");
          if (sp.protocol != "TCP" && sp.protocol != "UDP" && sp.protocol != "SCTP")
            f.Invalid(*p.Find("protocol"), "protocol must be TCP, UDP or SCTP, got '" + sp.protocol + "'" +
                                               DidYouMean(sp.protocol, {"TCP", "UDP", "SCTP"}));
          sp.port = static_cast<std::int32_t>(f.Int(p, "port").value_or(0));
          sp.node_port = static_cast<std::int32_t>(f.Int(p, "nodePort").value_or(0));
          sp.target_port = sp.port;
          if (const DocNode* t = p.Find("targetPort"); t && t->is_scalar()) {
            if (auto n = ScalarInt(*t)) sp.target_port = static_cast<std::int32_t>(*n);
            else {
              sp.target_port = 0;
              sp.target_port_name = t->text;
            }
          }
          svc.ports.push_back(std::move(sp));
        }
      }
    }
    if (!f.ok()) return 0;
    model_.AddService(std::move(svc));
    return 1;
  }

  // An Ingress (v1 or extensions/v1beta1) or an OpenShift Route.
  std::size_t ParseIngress(const DocNode& obj, Fields& f, const std::string& kind) {
    k8s::Ingress ing;
    ing.kind = kind;
    ing.meta = Meta(obj, f, true);
    const DocNode* spec = f.Map(obj, "spec");
    if (spec != nullptr && kind == "Route") {
      k8s::IngressBackend base;
      base.host = f.Str(*spec, "host").value_or("");
      base.path = f.Str(*spec, "path").value_or("");
      base.by_target = true;
      base.any_port = true;
      if (const DocNode* port = f.Map(*spec, "port")) {
        if (const DocNode* t = port->Find("targetPort"); t && t->is_scalar()) {
          base.any_port = false;
          if (auto n = ScalarInt(*t)) base.port = static_cast<std::int32_t>(*n);
          else base.port_name = t->text;
        }
      }
      auto add = [&](const DocNode& to) {
        k8s::IngressBackend b = base;
        b.where = At(file_, to.pos);
        b.service = f.Str(to, "name").value_or("");
        if (auto k = f.Str(to, "kind"); k && *k != "Service") return;  // not a Service
        if (!b.service.empty()) ing.backends.push_back(std::move(b));
      };
      if (const DocNode* to = f.Map(*spec, "to")) add(*to);
      if (const DocNode* alt = f.Seq(*spec, "alternateBackends"))
        for (const DocNode& a : alt->items)
          if (a.is_map()) add(a);
    } else if (spec != nullptr) {
      auto backend = [&](const DocNode& b, const std::string& host, const std::string& path) {
        k8s::IngressBackend out;
        out.where = At(file_, b.pos);
        out.host = host;
        out.path = path;
        if (const DocNode* svc = f.Map(b, "service")) {
          out.service = f.Str(*svc, "name").value_or("");
          if (const DocNode* port = f.Map(*svc, "port")) {
            if (auto n = f.Int(*port, "number")) out.port = static_cast<std::int32_t>(*n);
            out.port_name = f.Str(*port, "name").value_or("");
          }
        } else if (const DocNode* sn = b.Find("serviceName"); sn && sn->is_scalar()) {
          out.service = sn->text;  // extensions/v1beta1
          if (const DocNode* sp = b.Find("servicePort"); sp && sp->is_scalar()) {
            if (auto n = ScalarInt(*sp)) out.port = static_cast<std::int32_t>(*n);
            else out.port_name = sp->text;
          }
        } else {
          return;  // a resource backend: not a Service
        }
        if (!out.service.empty()) ing.backends.push_back(std::move(out));
      };
      for (const char* key : {"defaultBackend", "backend"})
        if (const DocNode* b = f.Map(*spec, key)) backend(*b, "", "");
      if (const DocNode* rules = f.Seq(*spec, "rules")) {
        for (const DocNode& r : rules->items) {
          if (!r.is_map()) continue;
          std::string host = f.Str(r, "host").value_or("");
          const DocNode* http = f.Map(r, "http");
          const DocNode* paths = http ? f.Seq(*http, "paths") : nullptr;
          if (paths == nullptr) continue;
          for (const DocNode& p : paths->items) {
            if (!p.is_map()) continue;
            if (const DocNode* b = f.Map(p, "backend")) backend(*b, host, f.Str(p, "path").value_or(""));
          }
        }
      }
    }
    if (!f.ok()) return 0;
    model_.AddIngress(std::move(ing));
    return 1;
  }

  std::size_t ParseAdminPolicy(const DocNode& obj, Fields& f, bool baseline) {
    k8s::AdminPolicy ap;
    ap.kind = baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy";
    ap.baseline = baseline;
    ap.meta = Meta(obj, f, false);
    const DocNode* spec = f.Map(obj, "spec");
    if (spec == nullptr) {
      if (f.ok()) f.Required(obj, "spec");
      return 0;
    }
    if (!baseline) {
      ParsePriority(*spec, ap, f);
    } else if (f.ok() && ap.meta.name != "default") {
      f.Invalid(*obj.Find("metadata"), "a BaselineAdminNetworkPolicy must be named 'default', got '" +
                                           ap.meta.name + "'");
    }
    ParseAdminSubject(*spec, ap, f);
    ap.ingress = AdminRules(*spec, "ingress", "from", baseline, f);
    ap.egress = AdminRules(*spec, "egress", "to", baseline, f);
    if (!f.ok()) return 0;
    model_.AddAdminPolicy(std::move(ap));
    return 1;
  }

  // ClusterNetworkPolicy (policy.networking.k8s.io v1alpha2 and v1beta1):
  // an AdminNetworkPolicy or BaselineAdminNetworkPolicy in one kind, its
  // tier named by spec.tier, with a priority (0-1000) in both tiers, the
  // actions Accept, Deny and Pass, at most 25 rules a direction, and
  // `protocols` (tcp/udp/sctp destinationPort, destinationNamedPort) for
  // ports.
  std::size_t ParseClusterNetworkPolicy(const DocNode& obj, Fields& f) {
    k8s::AdminPolicy ap;
    ap.kind = "ClusterNetworkPolicy";
    ap.meta = Meta(obj, f, false);
    const DocNode* spec = f.Map(obj, "spec");
    if (spec == nullptr) {
      if (f.ok()) f.Required(obj, "spec");
      return 0;
    }
    std::string tier = f.Required(*spec, "tier");
    if (f.ok() && tier != "Admin" && tier != "Baseline")
      f.Invalid(*spec->Find("tier"), "tier must be Admin or Baseline, got '" + tier + "'" +
                                         DidYouMean(tier, {"Admin", "Baseline"}));
    ap.baseline = tier == "Baseline";
    ParsePriority(*spec, ap, f);
    ParseAdminSubject(*spec, ap, f);
    ap.ingress = AdminRules(*spec, "ingress", "from", false, f, true);
    ap.egress = AdminRules(*spec, "egress", "to", false, f, true);
    if (!f.ok()) return 0;
    model_.AddAdminPolicy(std::move(ap));
    return 1;
  }

  // spec.priority, required, 0-1000.
  void ParsePriority(const DocNode& spec, k8s::AdminPolicy& ap, Fields& f) {
    if (const DocNode* pr = spec.Find("priority")) {
      auto n = ScalarInt(*pr);
      if (!n) f.WrongType(*pr, "priority", "a number");
      else if (*n < 0 || *n > 1000) f.Invalid(*pr, "priority must be 0-1000, got " + pr->text);
      else ap.priority = static_cast<std::int32_t>(*n);
      ap.priority_where = At(file_, pr->pos);
    } else if (f.ok()) {
      f.Required(spec, "priority");
    }
  }

  void ParseAdminSubject(const DocNode& spec, k8s::AdminPolicy& ap, Fields& f) {
    if (const DocNode* subj = f.Map(spec, "subject")) {
      ap.subject_where = At(file_, subj->pos);
      const DocNode* ns = subj->Find("namespaces");
      const DocNode* pods = subj->Find("pods");
      if ((ns != nullptr) == (pods != nullptr)) {
        f.Invalid(*subj, "subject needs exactly one of 'namespaces' or 'pods'");
      } else if (ns != nullptr) {
        if (const DocNode* m = f.Map(*subj, "namespaces")) ap.subject_namespaces = ParseLabelSelector(*m, f);
      } else if (const DocNode* m = f.Map(*subj, "pods")) {
        ap.subject_pods = true;
        ap.subject_namespaces = StructSelector(*m, "namespaceSelector", f);
        ap.subject_pod_selector = StructSelector(*m, "podSelector", f);
      }
    } else if (f.ok()) {
      f.Required(spec, "subject");
    }
  }

  // A selector that is a struct in the API: omitted decodes to the empty
  // selector, which matches everything.
  k8s::LabelSelector StructSelector(const DocNode& m, const char* key, Fields& f) {
    if (const DocNode* s = f.Map(m, key)) return ParseLabelSelector(*s, f);
    k8s::LabelSelector all;
    all.present = true;
    all.where = At(file_, m.pos);
    return all;
  }

  // The rules of an AdminNetworkPolicy or BaselineAdminNetworkPolicy, or
  // with `cnp` of a ClusterNetworkPolicy.
  std::vector<k8s::AdminPolicyRule> AdminRules(const DocNode& spec, const char* key,
                                               const char* peers_key, bool baseline, Fields& f, bool cnp = false) {
    std::vector<k8s::AdminPolicyRule> out;
    const DocNode* rules = f.Seq(spec, key);
    if (rules == nullptr) return out;
    std::size_t most = cnp ? 25 : 100;
    if (rules->items.size() > most) f.Invalid(*rules, std::string(key) + " has more than " + std::to_string(most) + " rules");
    bool egress = std::string_view(key) == "egress";
    for (const DocNode& r : rules->items) {
      if (!r.is_map()) {
        f.WrongType(r, key, "a list of rules");
        continue;
      }
      k8s::AdminPolicyRule rule;
      rule.where = At(file_, r.pos);
      rule.name = f.Str(r, "name").value_or("");
      rule.action = f.Required(r, "action");
      if (f.ok()) {
        std::vector<std::string> actions = cnp        ? std::vector<std::string>{"Accept", "Deny", "Pass"}
                                           : baseline ? std::vector<std::string>{"Allow", "Deny"}
                                                      : std::vector<std::string>{"Allow", "Deny", "Pass"};
        std::string list = cnp ? "Accept, Deny or Pass" : baseline ? "Allow or Deny" : "Allow, Deny or Pass";
        if (std::find(actions.begin(), actions.end(), rule.action) == actions.end())
          f.Invalid(*r.Find("action"), "action must be " + list + ", got '" + rule.action + "'" +
                                           DidYouMean(rule.action, actions));
      }
      const DocNode* peers = f.Seq(r, peers_key);
      if (peers == nullptr || peers->items.empty()) {
        if (f.ok()) f.Invalid(r, std::string("a rule needs at least one peer in '") + peers_key + "'");
      } else {
        for (const DocNode& p : peers->items) {
          if (!p.is_map() || p.entries.size() != 1) {
            f.Invalid(p, "a peer needs exactly one of namespaces, pods" +
                             std::string(egress ? ", nodes or networks" : ""));
            continue;
          }
          k8s::AdminPolicyPeer peer;
          peer.where = At(file_, p.pos);
          const DocEntry& e = p.entries.front();
          if (e.key == "namespaces") {
            peer.type = k8s::AdminPolicyPeer::Type::kNamespaces;
            if (const DocNode* m = f.Map(p, "namespaces")) peer.namespace_selector = ParseLabelSelector(*m, f);
          } else if (e.key == "pods") {
            peer.type = k8s::AdminPolicyPeer::Type::kPods;
            if (const DocNode* m = f.Map(p, "pods")) {
              peer.namespace_selector = StructSelector(*m, "namespaceSelector", f);
              peer.pod_selector = StructSelector(*m, "podSelector", f);
            }
          } else if (egress && e.key == "networks") {
            peer.type = k8s::AdminPolicyPeer::Type::kNetworks;
            peer.networks = f.StrList(p, "networks");
            if (peer.networks.empty() && f.ok()) f.Invalid(p, "networks needs at least one CIDR");
          } else if (egress && e.key == "nodes") {
            peer.type = k8s::AdminPolicyPeer::Type::kNodes;
            if (const DocNode* m = f.Map(p, "nodes")) peer.node_selector = ParseLabelSelector(*m, f);
          } else if (cnp && egress && e.key == "domainNames") {
            peer.type = k8s::AdminPolicyPeer::Type::kDomainNames;
            peer.networks = f.StrList(p, "domainNames");
            if (f.ok() && rule.action != "Accept")
              f.Invalid(p, "domainNames peers are only valid in Accept rules");
          } else {
            std::vector<std::string> types = egress ? std::vector<std::string>{"namespaces", "pods", "nodes", "networks"}
                                                    : std::vector<std::string>{"namespaces", "pods"};
            if (cnp && egress) types.push_back("domainNames");
            f.Invalid(e.value, "unknown peer type '" + e.key + "'" + DidYouMean(e.key, types));
            continue;
          }
          rule.peers.push_back(std::move(peer));
        }
      }
      if (cnp) {
        if (const DocNode* protocols = f.Seq(r, "protocols")) {
          rule.ports_given = true;
          for (const DocNode& p : protocols->items) CnpProtocol(p, rule, f);
        }
      } else if (const DocNode* ports = f.Seq(r, "ports")) {
        rule.ports_given = true;
        for (const DocNode& p : ports->items) {
          const DocEntry* one = SingleEntry(p, "a port needs exactly one of portNumber, namedPort or portRange", f);
          if (one == nullptr) continue;
          const DocEntry& e = *one;
          k8s::AdminPolicyPort port;
          port.where = At(file_, p.pos);
          auto protocol = [&](const DocNode& m) {
            port.protocol = f.Str(m, "protocol").value_or("TCP");
            if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP")
              f.Invalid(*m.Find("protocol"), "protocol must be TCP, UDP or SCTP, got '" + port.protocol + "'");
          };
          auto number = [&](const DocNode& m, const char* k) { return PortNumber(m, k, f); };
          if (e.key == "portNumber") {
            port.type = k8s::AdminPolicyPort::Type::kNumber;
            if (const DocNode* m = f.Map(p, "portNumber")) {
              protocol(*m);
              port.port = number(*m, "port");
            }
          } else if (e.key == "portRange") {
            port.type = k8s::AdminPolicyPort::Type::kRange;
            if (const DocNode* m = f.Map(p, "portRange")) {
              protocol(*m);
              port.port = number(*m, "start");
              port.end_port = number(*m, "end");
              if (f.ok() && port.end_port < port.port)
                f.Invalid(*m, "portRange end must not be below start");
            }
          } else if (e.key == "namedPort") {
            port.type = k8s::AdminPolicyPort::Type::kNamed;
            port.name = f.Str(p, "namedPort").value_or("");
          } else {
            f.Invalid(e.value, "unknown port type '" + e.key + "'" +
                                   DidYouMean(e.key, {"portNumber", "namedPort", "portRange"}));
            continue;
          }
          rule.ports.push_back(std::move(port));
        }
      }
      out.push_back(std::move(rule));
    }
    return out;
  }

  // The one entry of a map that must hold exactly one key, or null after
  // a located error saying `what`.
  static const DocEntry* SingleEntry(const DocNode& p, const std::string& what, Fields& f) {
    if (!p.is_map() || p.entries.size() != 1) {
      f.Invalid(p, what);
      return nullptr;
    }
    return &p.entries.front();
  }

  // A required port number (1-65535) under `key`.
  static std::int32_t PortNumber(const DocNode& m, const char* key, Fields& f) {
    auto n = f.Int(m, key);
    if (!n) {
      if (f.ok()) f.Required(m, key);
      return 0;
    }
    if (*n < 1 || *n > 65535) f.Invalid(*m.Find(key), std::string(key) + " must be 1-65535");
    return static_cast<std::int32_t>(*n);
  }

  // One entry of a ClusterNetworkPolicy rule's `protocols`: exactly one of
  // tcp, udp or sctp (each with a destinationPort: a number or a range) or
  // destinationNamedPort.
  void CnpProtocol(const DocNode& p, k8s::AdminPolicyRule& rule, Fields& f) {
    const DocEntry* one = SingleEntry(p, "a protocol needs exactly one of tcp, udp, sctp or destinationNamedPort", f);
    if (one == nullptr) return;
    const DocEntry& e = *one;
    k8s::AdminPolicyPort port;
    port.where = At(file_, p.pos);
    if (e.key == "destinationNamedPort") {
      port.type = k8s::AdminPolicyPort::Type::kNamed;
      port.name = f.Str(p, "destinationNamedPort").value_or("");
      rule.ports.push_back(std::move(port));
      return;
    }
    static const std::vector<std::string> kProtocols = {"tcp", "udp", "sctp"};
    if (std::find(kProtocols.begin(), kProtocols.end(), e.key) == kProtocols.end()) {
      f.Invalid(e.value, "unknown protocol '" + e.key + "'" +
                             DidYouMean(e.key, {"tcp", "udp", "sctp", "destinationNamedPort"}));
      return;
    }
    port.protocol = e.key == "tcp" ? "TCP" : e.key == "udp" ? "UDP" : "SCTP";
    const DocNode* m = f.Map(p, e.key.c_str());
    if (m == nullptr) return;
    const DocNode* dp = f.Map(*m, "destinationPort");
    if (dp == nullptr) {
      if (f.ok()) f.Required(*m, "destinationPort");
      return;
    }
    auto number = [&](const DocNode& n, const char* k) { return PortNumber(n, k, f); };
    if (dp->Find("number") != nullptr && dp->Find("range") == nullptr) {
      port.type = k8s::AdminPolicyPort::Type::kNumber;
      port.port = number(*dp, "number");
    } else if (dp->Find("range") != nullptr && dp->Find("number") == nullptr) {
      port.type = k8s::AdminPolicyPort::Type::kRange;
      if (const DocNode* rg = f.Map(*dp, "range")) {
        port.port = number(*rg, "start");
        port.end_port = number(*rg, "end");
        if (f.ok() && port.end_port <= port.port) f.Invalid(*rg, "range start must be less than end");
      }
    } else {
      f.Invalid(*dp, "destinationPort needs exactly one of number or range");
      return;
    }
    rule.ports.push_back(std::move(port));
  }

  // The pods the Prometheus Operator creates for a Prometheus, Alertmanager
  // or ThanosRuler resource: a StatefulSet "<prefix>-<name>" whose pods
  // carry spec.podMetadata.labels and the operator's own labels, run as
  // spec.serviceAccountName (default "default") and listen on the
  // component's ports (the operator's pkg/{prometheus,alertmanager,thanos}
  // statefulset code). Labels the operator adds from its --labels flag are
  // not in the input.
  std::size_t ParseOperatorWorkload(const DocNode& obj, Fields& f, const std::string& kind) {
    struct Component {
      const char* kind;
      const char* name_label;  // app.kubernetes.io/name
      const char* prefix;      // StatefulSet name prefix
      std::vector<std::pair<const char*, std::int32_t>> ports;
    };
    static const Component kComponents[] = {
        {"Prometheus", "prometheus", "prometheus", {{"web", 9090}}},
        {"Alertmanager", "alertmanager", "alertmanager", {{"web", 9093}, {"mesh-tcp", 9094}, {"mesh-udp", 9094}}},
        {"ThanosRuler", "thanos-ruler", "thanos-ruler", {{"web", 10902}, {"grpc", 10901}}},
    };
    const Component* c = nullptr;
    for (const auto& x : kComponents)
      if (kind == x.kind) c = &x;
    if (c == nullptr) return 0;
    k8s::Workload w;
    w.kind = kind;
    w.meta = Meta(obj, f, true);
    w.managed_by = "prometheus-operator";
    w.managed_controller = std::string("StatefulSet/") + c->prefix + "-" + w.meta.name;
    if (const DocNode* spec = f.Map(obj, "spec")) {
      if (const DocNode* pm = f.Map(*spec, "podMetadata"))
        if (const DocNode* labels = f.Map(*pm, "labels"))
          for (const auto& e : labels->entries)
            if (e.value.is_scalar()) w.pod_labels[e.key] = e.value.text;
      if (auto sa = f.Str(*spec, "serviceAccountName"); sa && !sa->empty()) {
        w.service_account = *sa;
        if (const DocNode* n = spec->Find("serviceAccountName")) w.service_account_where = At(file_, n->pos);
      }
      w.automount_token = f.Bool(*spec, "automountServiceAccountToken");
      if (auto r = f.Int(*spec, "replicas")) w.replicas = static_cast<std::int32_t>(*r);
      if (auto h = f.Bool(*spec, "hostNetwork"); h && *h) {
        w.host_network = true;
        if (const DocNode* n = spec->Find("hostNetwork")) w.host_network_where = At(file_, n->pos);
      }
    }
    w.pod_labels["app.kubernetes.io/name"] = c->name_label;
    w.pod_labels["app.kubernetes.io/managed-by"] = "prometheus-operator";
    w.pod_labels["app.kubernetes.io/instance"] = w.meta.name;
    w.pod_labels[c->name_label] = w.meta.name;
    if (kind == "Prometheus") {
      w.pod_labels["operator.prometheus.io/name"] = w.meta.name;
      w.pod_labels["operator.prometheus.io/shard"] = "0";
    }
    k8s::Container ct;
    ct.name = c->name_label;
    ct.where = w.meta.where;
    for (const auto& [name, port] : c->ports) {
      k8s::ContainerPort p;
      p.name = name;
      p.port = port;
      p.protocol = std::string(name).find("udp") != std::string::npos ? "UDP" : "TCP";
      p.where = w.meta.where;
      ct.ports.push_back(std::move(p));
    }
    w.containers.push_back(std::move(ct));
    if (!f.ok()) return 0;
    model_.AddWorkload(std::move(w));
    return 1;
  }

  // Istio's injection switch on a pod (template): the label, else the
  // older annotation.
  static std::string IstioInject(const std::map<std::string, std::string>& labels,
                                 const std::map<std::string, std::string>& annotations) {
    for (const auto* m : {&labels, &annotations})
      if (auto it = m->find("sidecar.istio.io/inject"); it != m->end()) return it->second;
    return "";
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
      w.istio_inject = IstioInject(w.meta.labels, w.meta.annotations);
      if (auto it = w.meta.annotations.find(kMultusNetworks); it != w.meta.annotations.end())
        w.secondary_networks = MultusNetworks(it->second, w.meta.ns, &w.secondary_ips);
      if (const DocNode* md = obj.Find("metadata"); md && md->is_map()) {
        if (const DocNode* refs = md->Find("ownerReferences"); refs && refs->is_seq()) {
          for (const DocNode& r : refs->items) {
            if (!r.is_map()) continue;
            const DocNode* ctl = r.Find("controller");
            if (ctl == nullptr || ScalarBool(*ctl) != true) continue;
            auto k = f.Str(r, "kind");
            auto n = f.Str(r, "name");
            if (n && !n->empty() && k.value_or("") != "Node") {
              w.owner_kind = k.value_or("");
              w.owner_name = *n;
            }
            break;
          }
        }
      }
      if (const DocNode* st = obj.Find("status"); st && st->is_map()) {
        if (const DocNode* ips = st->Find("podIPs"); ips && ips->is_seq()) {
          for (const DocNode& i : ips->items)
            if (i.is_map())
              if (const DocNode* ip = i.Find("ip"); ip && ip->is_scalar()) w.pod_ips.push_back(ip->text);
        }
        if (w.pod_ips.empty())
          if (const DocNode* ip = st->Find("podIP"); ip && ip->is_scalar() && !ip->text.empty())
            w.pod_ips.push_back(ip->text);
      }
    } else if (spec != nullptr) {
      if (auto r = f.Int(*spec, kind == "Job" ? "parallelism" : "replicas"))
        w.replicas = static_cast<std::int32_t>(*r);
      const DocNode* holder = spec;
      if (kind == "CronJob") {
        const DocNode* jt = f.Map(*spec, "jobTemplate");
        holder = jt ? f.Map(*jt, "spec") : nullptr;
      }
      if (holder != nullptr) {
        if (const DocNode* tmpl = f.Map(*holder, "template")) {
          if (const DocNode* md = f.Map(*tmpl, "metadata")) {
            w.pod_labels = f.StrMap(*md, "labels");
            auto ann = f.StrMap(*md, "annotations");
            w.istio_inject = IstioInject(w.pod_labels, ann);
            if (auto it = ann.find(kMultusNetworks); it != ann.end())
              w.secondary_networks = MultusNetworks(it->second, w.meta.ns, &w.secondary_ips);
          }
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
      if (const DocNode* hn = pod_spec->Find("hostNetwork")) w.host_network_where = At(file_, hn->pos);
      w.host_pid = f.Bool(*pod_spec, "hostPID").value_or(false);
      if (const DocNode* n = pod_spec->Find("hostPID")) w.host_pid_where = At(file_, n->pos);
      w.host_ipc = f.Bool(*pod_spec, "hostIPC").value_or(false);
      if (const DocNode* n = pod_spec->Find("hostIPC")) w.host_ipc_where = At(file_, n->pos);
      w.node_name = f.Str(*pod_spec, "nodeName").value_or("");
      // hostPath volumes by name, for the containers' volumeMounts.
      std::map<std::string, std::pair<std::string, SourceRange>> host_volumes;
      if (const DocNode* vols = pod_spec->Find("volumes"); vols && vols->is_seq()) {
        for (const DocNode& v : vols->items) {
          if (!v.is_map()) continue;
          const DocNode* hp = v.Find("hostPath");
          const DocNode* name = v.Find("name");
          if (!hp || !hp->is_map() || !name || !name->is_scalar()) continue;
          if (const DocNode* path = hp->Find("path"); path && path->is_scalar())
            host_volumes[name->text] = {path->text, At(file_, path->pos)};
        }
      }
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
          for (const char* k : {"command", "args"})
            if (const DocNode* a = c.Find(k); a && a->is_seq())
              for (const auto& x : a->items)
                if (x.is_scalar()) ct.args.push_back(x.text);
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
              cp.host_port = static_cast<std::int32_t>(f.Int(p, "hostPort").value_or(0));
              cp.protocol = f.Str(p, "protocol").value_or("TCP");
              ct.ports.push_back(std::move(cp));
            }
          }
          if (const DocNode* sc = c.Find("securityContext"); sc && sc->is_map()) {
            if (const DocNode* pr = sc->Find("privileged"); pr && ScalarBool(*pr) == true) {
              ct.privileged = true;
              ct.privileged_where = At(file_, pr->pos);
            }
            if (const DocNode* caps = sc->Find("capabilities"); caps && caps->is_map())
              if (const DocNode* add = caps->Find("add"); add && add->is_seq())
                for (const DocNode& cap : add->items) {
                  if (!cap.is_scalar()) continue;
                  std::string name = cap.text;
                  for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                  if (name.rfind("CAP_", 0) == 0) name = name.substr(4);
                  ct.added_capabilities.push_back({name, At(file_, cap.pos)});
                }
          }
          if (const DocNode* mounts = c.Find("volumeMounts"); mounts && mounts->is_seq()) {
            for (const DocNode& vm : mounts->items) {
              if (!vm.is_map()) continue;
              const DocNode* name = vm.Find("name");
              if (!name || !name->is_scalar()) continue;
              auto it = host_volumes.find(name->text);
              if (it == host_volumes.end()) continue;
              const DocNode* ro = vm.Find("readOnly");
              ct.host_paths.push_back({it->second.first, ro && ScalarBool(*ro) == true, it->second.second});
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

namespace {

bool IsLabelName(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  auto ok = [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); };
  if (!ok(s.front()) || !ok(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return ok(c) || c == '-' || c == '.'; });
}

}  // namespace

// A label key as the API server validates it: [prefix/]name, the prefix a
// DNS subdomain, the name 1-63 alphanumerics with '-', '_', '.' inside.
bool IsLabelKey(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return IsLabelName(key);
  return IsDnsSubdomain(key.substr(0, slash)) && IsLabelName(key.substr(slash + 1));
}

bool IsLabelValue(std::string_view v) { return v.empty() || IsLabelName(v); }

k8s::LabelSelector ParseLabelSelector(const DocNode& node, Fields& f) {
  k8s::LabelSelector sel;
  sel.present = true;
  sel.where = f.Where(node);
  sel.match_labels = f.StrMap(node, "matchLabels");
  if (const DocNode* ml = node.Find("matchLabels"); ml && ml->is_map()) {
    for (const auto& e : ml->entries) {
      if (!IsLabelKey(e.key)) {
        f.Invalid(e.value, "invalid label key '" + e.key + "' in matchLabels");
        break;
      }
      if (e.value.is_scalar() && !IsLabelValue(e.value.text)) {
        f.Invalid(e.value, "invalid label value '" + e.value.text + "' for key '" + e.key + "'");
        break;
      }
    }
  }
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
      if (f.ok() && !IsLabelKey(req.key)) f.Invalid(*e.Find("key"), "invalid label key '" + req.key + "'");
      bool needs_values = req.op == Op::kIn || req.op == Op::kNotIn;
      if (f.ok() && needs_values && req.values.empty())
        f.Invalid(e, "operator " + op + " needs at least one value");
      if (f.ok() && !needs_values && !req.values.empty())
        f.Invalid(e, "operator " + op + " takes no values");
      for (const auto& v : req.values)
        if (f.ok() && !IsLabelValue(v)) f.Invalid(e, "invalid label value '" + v + "'");
      sel.match_expressions.push_back(std::move(req));
    }
  }
  return sel;
}

k8s::ObjectMeta ParseObjectMeta(const DocNode& obj, FileId file, Fields& f, const K8sOptions& options,
                                bool namespaced) {
  k8s::ObjectMeta m;
  m.where = At(file, obj.pos);
  if (const DocNode* md = f.Map(obj, "metadata")) {
    if (auto n = f.Str(*md, "name")) m.name = *n;
    if (const DocNode* nn = md->Find("name")) m.name_where = At(file, nn->pos);
    if (auto ns = f.Str(*md, "namespace")) m.ns = *ns;
    m.labels = f.StrMap(*md, "labels");
    m.annotations = f.StrMap(*md, "annotations");
  }
  if (m.name_where.file == 0) m.name_where = m.where;
  if (namespaced && !options.force_namespace.empty()) {
    m.ns = options.force_namespace;
  } else if (namespaced && m.ns.empty()) {
    m.ns = options.default_namespace;
    m.ns_defaulted = true;
  }
  if (!namespaced) m.ns.clear();
  return m;
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

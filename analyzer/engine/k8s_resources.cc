#include "engine/k8s_resources.h"

#include <array>
#include <vector>

#include "grantpath/spell.h"

namespace grantpath::k8s {
namespace {

struct Entry {
  std::string_view plural, singular, shorts, group;
  bool cluster;
};

// Built-in resources of Kubernetes 1.28 (kubectl api-resources), plus the
// virtual resources RBAC rules use for impersonation and signers.
constexpr std::array<Entry, 62> kTable{{
    {"bindings", "binding", "", "", false},
    {"componentstatuses", "componentstatus", "cs", "", true},
    {"configmaps", "configmap", "cm", "", false},
    {"endpoints", "endpoints", "ep", "", false},
    {"events", "event", "ev", "", false},
    {"limitranges", "limitrange", "limits", "", false},
    {"namespaces", "namespace", "ns", "", true},
    {"nodes", "node", "no", "", true},
    {"persistentvolumeclaims", "persistentvolumeclaim", "pvc", "", false},
    {"persistentvolumes", "persistentvolume", "pv", "", true},
    {"pods", "pod", "po", "", false},
    {"podtemplates", "podtemplate", "", "", false},
    {"replicationcontrollers", "replicationcontroller", "rc", "", false},
    {"resourcequotas", "resourcequota", "quota", "", false},
    {"secrets", "secret", "", "", false},
    {"serviceaccounts", "serviceaccount", "sa", "", false},
    {"services", "service", "svc", "", false},
    {"users", "user", "", "", true},
    {"groups", "group", "", "", true},
    {"mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "", "admissionregistration.k8s.io", true},
    {"validatingwebhookconfigurations", "validatingwebhookconfiguration", "", "admissionregistration.k8s.io", true},
    {"validatingadmissionpolicies", "validatingadmissionpolicy", "", "admissionregistration.k8s.io", true},
    {"validatingadmissionpolicybindings", "validatingadmissionpolicybinding", "", "admissionregistration.k8s.io", true},
    {"customresourcedefinitions", "customresourcedefinition", "crd,crds", "apiextensions.k8s.io", true},
    {"apiservices", "apiservice", "", "apiregistration.k8s.io", true},
    {"controllerrevisions", "controllerrevision", "", "apps", false},
    {"daemonsets", "daemonset", "ds", "apps", false},
    {"deployments", "deployment", "deploy", "apps", false},
    {"replicasets", "replicaset", "rs", "apps", false},
    {"statefulsets", "statefulset", "sts", "apps", false},
    {"tokenreviews", "tokenreview", "", "authentication.k8s.io", true},
    {"uids", "uid", "", "authentication.k8s.io", true},
    {"userextras", "userextra", "", "authentication.k8s.io", true},
    {"localsubjectaccessreviews", "localsubjectaccessreview", "", "authorization.k8s.io", false},
    {"selfsubjectaccessreviews", "selfsubjectaccessreview", "", "authorization.k8s.io", true},
    {"selfsubjectrulesreviews", "selfsubjectrulesreview", "", "authorization.k8s.io", true},
    {"subjectaccessreviews", "subjectaccessreview", "", "authorization.k8s.io", true},
    {"horizontalpodautoscalers", "horizontalpodautoscaler", "hpa", "autoscaling", false},
    {"cronjobs", "cronjob", "cj", "batch", false},
    {"jobs", "job", "", "batch", false},
    {"certificatesigningrequests", "certificatesigningrequest", "csr", "certificates.k8s.io", true},
    {"signers", "signer", "", "certificates.k8s.io", true},
    {"leases", "lease", "", "coordination.k8s.io", false},
    {"endpointslices", "endpointslice", "", "discovery.k8s.io", false},
    {"flowschemas", "flowschema", "", "flowcontrol.apiserver.k8s.io", true},
    {"prioritylevelconfigurations", "prioritylevelconfiguration", "", "flowcontrol.apiserver.k8s.io", true},
    {"ingressclasses", "ingressclass", "", "networking.k8s.io", true},
    {"ingresses", "ingress", "ing", "networking.k8s.io", false},
    {"networkpolicies", "networkpolicy", "netpol", "networking.k8s.io", false},
    {"runtimeclasses", "runtimeclass", "", "node.k8s.io", true},
    {"poddisruptionbudgets", "poddisruptionbudget", "pdb", "policy", false},
    {"clusterrolebindings", "clusterrolebinding", "", "rbac.authorization.k8s.io", true},
    {"clusterroles", "clusterrole", "", "rbac.authorization.k8s.io", true},
    {"rolebindings", "rolebinding", "", "rbac.authorization.k8s.io", false},
    {"roles", "role", "", "rbac.authorization.k8s.io", false},
    {"priorityclasses", "priorityclass", "pc", "scheduling.k8s.io", true},
    {"csidrivers", "csidriver", "", "storage.k8s.io", true},
    {"csinodes", "csinode", "", "storage.k8s.io", true},
    {"csistoragecapacities", "csistoragecapacity", "", "storage.k8s.io", false},
    {"storageclasses", "storageclass", "sc", "storage.k8s.io", true},
    {"volumeattachments", "volumeattachment", "", "storage.k8s.io", true},
    {"adminnetworkpolicies", "adminnetworkpolicy", "anp", "policy.networking.k8s.io", true},
}};

bool HasShort(std::string_view shorts, std::string_view s) {
  std::size_t start = 0;
  while (start <= shorts.size()) {
    std::size_t comma = shorts.find(',', start);
    std::string_view part = shorts.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!part.empty() && part == s) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

ResourceType ResolveResourceType(std::string_view text) {
  std::string_view name = text, group;
  bool group_given = false;
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    name = text.substr(0, dot);
    group = text.substr(dot + 1);
    group_given = true;
  }
  for (const Entry& e : kTable) {
    if (group_given && e.group != group) continue;
    if (name == e.plural || name == e.singular || HasShort(e.shorts, name)) {
      return ResourceType{std::string(e.plural), std::string(e.group), true, e.cluster};
    }
  }
  return ResourceType{std::string(name), std::string(group), false, false};
}

std::string SuggestResourceType(std::string_view text) {
  std::vector<std::string> names;
  for (const Entry& e : kTable) names.emplace_back(e.plural);
  std::string_view name = text.substr(0, text.find('.'));
  return DidYouMean(name, names);
}

}  // namespace grantpath::k8s

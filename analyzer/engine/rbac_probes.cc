#include "engine/rbac_probes.h"

namespace grantpath::rbac::probes {

const std::vector<Probe>& SecretsRead() {
  static const std::vector<Probe> k{
      Probe{"get", "", "secrets", "", false, Names::kEvery},
      Probe{"list", "", "secrets"},
      Probe{"watch", "", "secrets"},
  };
  return k;
}

const std::vector<Probe>& PodExec() {
  static const std::vector<Probe> k{
      Probe{"create", "", "pods", "exec", false, Names::kEvery},
      Probe{"get", "", "pods", "exec", false, Names::kEvery},
      Probe{"create", "", "pods", "attach", false, Names::kEvery},
      Probe{"get", "", "pods", "attach", false, Names::kEvery},
  };
  return k;
}

const std::vector<Probe>& WorkloadCreate() {
  static const std::vector<Probe> k{
      Probe{"create", "", "pods"},
      Probe{"create", "apps", "deployments"},
      Probe{"create", "apps", "daemonsets"},
      Probe{"create", "apps", "statefulsets"},
      Probe{"create", "apps", "replicasets"},
      Probe{"create", "batch", "jobs"},
      Probe{"create", "batch", "cronjobs"},
      Probe{"create", "", "replicationcontrollers"},
      Probe{"patch", "", "pods", "", false, Names::kEvery},
      Probe{"update", "", "pods", "", false, Names::kEvery},
      Probe{"patch", "apps", "deployments", "", false, Names::kEvery},
      Probe{"update", "apps", "deployments", "", false, Names::kEvery},
      Probe{"patch", "apps", "daemonsets", "", false, Names::kEvery},
      Probe{"patch", "apps", "statefulsets", "", false, Names::kEvery},
      Probe{"patch", "batch", "cronjobs", "", false, Names::kEvery},
  };
  return k;
}

const std::vector<Probe>& Impersonate() {
  static const std::vector<Probe> k{
      Probe{"impersonate", "", "users", "", true, Names::kSome},
      Probe{"impersonate", "", "groups", "", true, Names::kSome},
      Probe{"impersonate", "", "serviceaccounts", "", false, Names::kSome},
      Probe{"impersonate", "authentication.k8s.io", "uids", "", true, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& EscalateBind() {
  static const std::vector<Probe> k{
      Probe{"escalate", "rbac.authorization.k8s.io", "roles", "", false, Names::kSome},
      Probe{"escalate", "rbac.authorization.k8s.io", "clusterroles", "", true, Names::kSome},
      Probe{"bind", "rbac.authorization.k8s.io", "roles", "", false, Names::kSome},
      Probe{"bind", "rbac.authorization.k8s.io", "clusterroles", "", false, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& TokenCreate() {
  static const std::vector<Probe> k{
      Probe{"create", "", "serviceaccounts", "token", false, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& NodesProxy() {
  static const std::vector<Probe> k{
      Probe{"get", "", "nodes", "proxy", true, Names::kSome},
      Probe{"create", "", "nodes", "proxy", true, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& CsrApprove() {
  static const std::vector<Probe> k{
      Probe{"update", "certificates.k8s.io", "certificatesigningrequests", "approval", true, Names::kSome},
      Probe{"approve", "certificates.k8s.io", "signers", "", true, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& WebhookConfig() {
  static const std::vector<Probe> k{
      Probe{"create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true},
      Probe{"update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true, Names::kSome},
      Probe{"patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true, Names::kSome},
      Probe{"delete", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true, Names::kSome},
      Probe{"create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true},
      Probe{"update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true, Names::kSome},
      Probe{"patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true, Names::kSome},
      Probe{"delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& ApiExtensionMutation() {
  static const std::vector<Probe> k{
      Probe{"create", "apiregistration.k8s.io", "apiservices", "", true},
      Probe{"update", "apiregistration.k8s.io", "apiservices", "", true, Names::kSome},
      Probe{"patch", "apiregistration.k8s.io", "apiservices", "", true, Names::kSome},
      Probe{"update", "apiextensions.k8s.io", "customresourcedefinitions", "", true, Names::kSome},
      Probe{"patch", "apiextensions.k8s.io", "customresourcedefinitions", "", true, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& FluxKustomizationWrite() {
  static const std::vector<Probe> k{
      Probe{"create", "kustomize.toolkit.fluxcd.io", "kustomizations"},
      Probe{"update", "kustomize.toolkit.fluxcd.io", "kustomizations", "", false, Names::kSome},
      Probe{"patch", "kustomize.toolkit.fluxcd.io", "kustomizations", "", false, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& FluxHelmReleaseWrite() {
  static const std::vector<Probe> k{
      Probe{"create", "helm.toolkit.fluxcd.io", "helmreleases"},
      Probe{"update", "helm.toolkit.fluxcd.io", "helmreleases", "", false, Names::kSome},
      Probe{"patch", "helm.toolkit.fluxcd.io", "helmreleases", "", false, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& ArgoApplicationWrite() {
  static const std::vector<Probe> k{
      Probe{"create", "argoproj.io", "applications"},
      Probe{"update", "argoproj.io", "applications", "", false, Names::kSome},
      Probe{"patch", "argoproj.io", "applications", "", false, Names::kSome},
      Probe{"create", "argoproj.io", "applicationsets"},
      Probe{"update", "argoproj.io", "applicationsets", "", false, Names::kSome},
      Probe{"patch", "argoproj.io", "applicationsets", "", false, Names::kSome},
  };
  return k;
}

const std::vector<Probe>& SecretsCreate() {
  static const std::vector<Probe> k{Probe{"create", "", "secrets"}};
  return k;
}

const std::vector<Probe>& RbacWrite() {
  static const std::vector<Probe> k{
      Probe{"create", "rbac.authorization.k8s.io", "rolebindings"},
      Probe{"create", "rbac.authorization.k8s.io", "clusterrolebindings", "", true},
      Probe{"update", "rbac.authorization.k8s.io", "clusterroles", "", true, Names::kSome},
      Probe{"patch", "rbac.authorization.k8s.io", "clusterroles", "", true, Names::kSome},
  };
  return k;
}

namespace {
struct Named {
  const char* name;
  const std::vector<Probe>& (*table)();
};
constexpr Named kNamed[] = {
    {"csr-approve", CsrApprove},       {"escalate-bind", EscalateBind},
    {"impersonate", Impersonate},      {"nodes-proxy", NodesProxy},
    {"pod-exec", PodExec},             {"sa-token-create", TokenCreate},
    {"secrets-read", SecretsRead},     {"webhook-config", WebhookConfig},
    {"api-extension-mutation", ApiExtensionMutation},
    {"workload-create", WorkloadCreate},
};
}  // namespace

const std::vector<Probe>* ByName(const std::string& name) {
  for (const auto& n : kNamed)
    if (name == n.name) return &n.table();
  return nullptr;
}

bool RequiresAll(const std::string& name) { return name == "csr-approve"; }

std::vector<std::string> Names() {
  std::vector<std::string> out;
  for (const auto& n : kNamed) out.emplace_back(n.name);
  return out;
}

}  // namespace grantpath::rbac::probes

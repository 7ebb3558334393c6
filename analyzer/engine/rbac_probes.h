// The request shapes of each dangerous capability, shared by the rules
// that report them and by the escalation-path search.
#pragma once

#include <string>
#include <vector>

#include "engine/rbac_capability.h"

namespace grantpath::rbac::probes {

/// get (any secret), list, watch secrets.
const std::vector<Probe>& SecretsRead();
/// create/get on pods/exec and pods/attach.
const std::vector<Probe>& PodExec();
/// create pods and pod controllers; patch/update pods and controllers.
const std::vector<Probe>& WorkloadCreate();
/// impersonate users, groups, serviceaccounts, uids (index order fixed:
/// 0 users, 1 groups, 2 serviceaccounts, 3 uids).
const std::vector<Probe>& Impersonate();
/// escalate/bind on roles and clusterroles (0 escalate roles, 1 escalate
/// clusterroles, 2 bind roles, 3 bind clusterroles).
const std::vector<Probe>& EscalateBind();
/// create serviceaccounts/token.
const std::vector<Probe>& TokenCreate();
/// get/create nodes/proxy.
const std::vector<Probe>& NodesProxy();
/// update certificatesigningrequests/approval and approve signers (both needed).
const std::vector<Probe>& CsrApprove();
/// write verbs on mutating/validating webhook configurations.
const std::vector<Probe>& WebhookConfig();
/// create/update/patch apiservices, update/patch customresourcedefinitions:
/// redirect an aggregated API group or a CRD's conversion webhook.
const std::vector<Probe>& ApiExtensionMutation();
/// create/update/patch Flux Kustomizations / HelmReleases: have the
/// controller apply manifests as an account of the namespace, or as itself.
const std::vector<Probe>& FluxKustomizationWrite();
const std::vector<Probe>& FluxHelmReleaseWrite();
/// create secrets (with read: mint a service-account token Secret).
const std::vector<Probe>& SecretsCreate();
/// create/update/patch Argo CD Applications or ApplicationSets.
const std::vector<Probe>& ArgoApplicationWrite();
/// create rolebindings (0) and clusterrolebindings (1); update/patch
/// clusterroles (2, 3).
const std::vector<Probe>& RbacWrite();

/// The capabilities by name, as `--escalation-target` takes them
/// ("secrets-read", "pod-exec", ...: the rule ids without "rbac-").
const std::vector<Probe>* ByName(const std::string& name);
std::vector<std::string> Names();
/// True when a capability needs every one of its probes (csr-approve), not any.
bool RequiresAll(const std::string& name);

}  // namespace grantpath::rbac::probes

#!/usr/bin/env python3
"""Keeps docs/rules/ in step with the rule registry.

- Always rewrites docs/rules/README.md, the index, from `grantpath rules --format json`.
- Writes docs/rules/<id>.md for rules that have no page yet (or every page with
  --force), from the registry metadata, the rule's positive fixture and the CLI's
  output on it, plus the per-rule facts in RULE_FACTS below. Pages are then
  maintained by hand; a catalog test checks their sections.

Usage: scripts/gen_rule_docs.py [--force] [--binary build/analyzer/cli/grantpath]
"""
import argparse
import glob
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K8S_RBAC = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
K8S_GOOD = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"

# id -> (applies to, witness text, exact semantics and limits, references)
REQUEST_WITNESS = ("`kind` is `k8s-request`. `subject` and `user` name the identity (for a group, "
                   "any member); `verb`, `apiGroup`, `resource` (with `/subresource`), `namespace` "
                   "(`*` for a cluster-wide grant) and `name` (`*` = any object) give one request the "
                   "subject is allowed to make; `granted` lists every request shape of this rule "
                   "that the subject holds; `workloads` lists the workloads whose pods carry the "
                   "subject's token (service accounts and their groups only).")
BINDINGS = "RoleBinding, ClusterRoleBinding, Role, ClusterRole (with aggregation), Pod and pod templates"
CAPABILITY_SEMANTICS = (
    "Evaluated on effective permissions: every non-built-in binding that names the subject, the "
    "referenced role's rules after aggregation (`aggregationRule` is recomputed as the controller "
    "does, whatever the role's own `rules:` say), and the API server's matching rules "
    "(`*` verbs/groups/resources, `res/sub` and `*/sub` subresources, `resourceNames`). A "
    "RoleBinding grants only in its namespace and never cluster-scoped resources. Built-in "
    "(Kubernetes default) bindings are not reported; Kubernetes' default roles are known for "
    "v1.28 and can be turned off with `--no-k8s-defaults`. Subjects that are cluster-admin "
    "equivalent are reported by `rbac-cluster-admin-equivalent` only. Grants held only through "
    "RoleBindings are reported one severity level lower than cluster-wide grants. "
    "Membership of groups other than the implicit ones (`system:serviceaccounts[:ns]`, "
    "`system:authenticated`) is not known from manifests: a Group subject is reported as the "
    "group itself.")
RULE_FACTS = {
    "path-k8s-escalation": ("RoleBinding, ClusterRoleBinding, Role, ClusterRole, ServiceAccount, Pod and pod templates",
        "`kind` is `k8s-path`: `subject`, `steps` (the number of steps) and `path` (the steps "
        "joined by `->`); the finding's `path` (SARIF `codeFlows`) has one entry per step with "
        "the location of the grant or object that allows it, and `workloads` lists the workloads "
        "that carry the start subject's token.",
        "Edges: create or patch pods or pod controllers in a namespace leads to every service "
        "account of that namespace (a pod may name any of them and mounts its token); exec or "
        "attach into pods, or nodes/proxy, leads to the service accounts whose tokens are mounted "
        "in workloads there; reading secrets leads to the service accounts of the namespace whose token "
        "Secret (type kubernetes.io/service-account-token) is in the input, since Kubernetes 1.24 and later "
        "create none; reading and creating secrets leads to every service account of the namespace (a new "
        "token Secret is filled in by the control plane); creating serviceaccounts/token leads to those accounts (only the "
        "`resourceNames` when every granting rule lists some); impersonating users, groups or "
        "service accounts leads to each identity named in the input's bindings, and to Group "
        "`system:masters`; `bind` on clusterroles with create on clusterrolebindings, or "
        "`escalate` with update/patch on clusterroles, both cluster-wide, lead to cluster-admin "
        "directly; `bind` on any role (no `resourceNames`) with create on rolebindings in a "
        "namespace leads to that namespace's pods, secrets and tokens (a RoleBinding to "
        "cluster-admin there); creating, updating or patching Flux Kustomizations (kustomize.toolkit.fluxcd.io) or HelmReleases (helm.toolkit.fluxcd.io) in a namespace, when the input has the kustomize-controller or helm-controller Deployment, leads to every service account of that namespace (spec.serviceAccountName) and, when that controller runs without --default-service-account, to the controller's own account (what it applies when no serviceAccountName is set); creating, updating or patching Argo CD Applications or ApplicationSets (argoproj.io) where they count (the namespace of the `argocd-application-controller` workload of the input, or an AppProject's sourceNamespaces) leads, for an AppProject that allows every in-cluster namespace and every cluster-scoped kind (and for Argo CD's default project when the input has no AppProject 'default'), to the application controller's own account, and for a project limited to namespaces, to creating workloads in those namespaces; a service account is a member of its implicit groups. The target is "
        "cluster-admin equivalence (see `rbac-cluster-admin-equivalent`) or `system:masters`. "
        "One breadth-first search from the target over reversed edges (Boost.Graph) gives every "
        "subject's shortest path; when several are equally short, direct admin edges are "
        "preferred. With `--escalation-target NAME` (repeatable; `secrets-read`, `pod-exec`, "
        "`workload-create`, `impersonate`, `escalate-bind`, `sa-token-create`, `nodes-proxy`, "
        "`csr-approve`, `webhook-config`) a path to a subject holding that capability "
        "cluster-wide is also reported, as high (not for subjects that hold it themselves, nor "
        "for those that reach cluster-admin, which holds everything). Start points are the "
        "subjects named in the input's bindings; cluster-admin "
        "equivalents are not reported here. Not modelled yet: namespace-scoped escalate, node and kubelet credentials, and "
        "cloud identities of service accounts (IRSA, workload identity).",
        [K8S_GOOD + "#privilege-escalation-risks", "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation", "CWE-269"]),
    "rbac-cluster-admin-equivalent": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS.replace(" Subjects that are cluster-admin equivalent are reported by "
                                     "`rbac-cluster-admin-equivalent` only.", "") +
        " Equivalence means one request with a verb, API group and resource that no rule names "
        "(so only `*` matches) is allowed cluster-wide. Non-resource URLs are not required. "
        "`system:masters` members are superusers whatever RBAC says; the built-in binding "
        "for that group is not reported." + " Polaris and Kubescape also flag RoleBindings to wildcard roles and roles that list every CRUD verb; grantpath does not, as neither is cluster-wide `*` (see docs/k8s-rbac.md).",
        [K8S_RBAC + "#user-facing-roles", K8S_GOOD + "#least-privilege", "CWE-269"]),
    "rbac-secrets-read": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `get` of any secret (a rule restricted by "
        "`resourceNames` does not count), `list` and `watch` (which `resourceNames` cannot restrict "
        "for the collection).",
        [K8S_GOOD + "#listing-secrets", "CWE-522"]),
    "rbac-pod-exec": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `create` and `get` on `pods/exec` and `pods/attach` "
        "(WebSocket clients use `get`). `pods` alone and `pods/*` (which Kubernetes does not treat "
        "as a wildcard) do not grant it." + " Kubescape's exec-into-container flags `pods/*` as exec access and Polaris flags cluster-admin subjects again; grantpath does neither (see docs/k8s-rbac.md, \"Agreement with other tools\").",
        [K8S_GOOD + "#workload-creation", "CWE-269"]),
    "rbac-workload-create": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `create` of pods, deployments, daemonsets, "
        "statefulsets, replicasets, jobs, cronjobs and replicationcontrollers, and "
        "`patch`/`update` of pods, deployments, and `patch` of daemonsets, statefulsets, cronjobs "
        "(without `resourceNames`). Scale subresources do not create pods with new specs and are "
        "not counted.",
        [K8S_GOOD + "#workload-creation", "CWE-269"]),
    "rbac-impersonate": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `impersonate` on `users`, `groups`, `uids` "
        "(cluster-scoped: only ClusterRoleBindings grant them) and `serviceaccounts` (namespaced). "
        "A rule restricted by `resourceNames` still counts: impersonating one chosen identity can "
        "be enough.",
        ["https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation",
         K8S_GOOD + "#impersonate-verb", "CWE-269"]),
    "rbac-escalate-bind": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `escalate` on roles and clusterroles, `bind` on "
        "roles and clusterroles. `bind` on clusterroles is checked in the namespace of the "
        "RoleBinding being created, so a RoleBinding can grant it. `resourceNames` still count.",
        [K8S_RBAC + "#privilege-escalation-prevention-and-bootstrapping",
         K8S_GOOD + "#escalate-verb", "CWE-269"]),
    "rbac-sa-token-create": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shape: `create` on `serviceaccounts/token` (TokenRequest). "
        "`resourceNames` still count: when every granting rule lists them, the witness's `name` lists them, and a service account whose rules name only itself (bound in its own namespace) is not reported, since it can already act as itself.",
        ["https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/",
         "CWE-522"]),
    "rbac-nodes-proxy": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `get` and `create` on `nodes/proxy` "
        "(cluster-scoped)." + " Kubescape flags nodes/proxy granted through RoleBindings; nodes are cluster-scoped, so such grants are empty (see docs/k8s-rbac.md).",
        [K8S_GOOD + "#nodes-proxy", "CWE-269"]),
    "rbac-csr-approve": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Both are needed, possibly from different bindings: `update` on "
        "`certificatesigningrequests/approval` and `approve` on `signers` (any signer name).",
        ["https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization",
         K8S_GOOD + "#csrs-and-certificate-issuing", "CWE-295"]),
    "rbac-webhook-config": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `create`, `update`, `patch`, `delete` on "
        "`mutatingwebhookconfigurations` and `validatingwebhookconfigurations` "
        "(admissionregistration.k8s.io, cluster-scoped)." + " Kubescape flags webhook permissions granted through RoleBindings; they grant nothing on these cluster-scoped objects (see docs/k8s-rbac.md).",
        [K8S_GOOD + "#control-admission-webhooks", "CWE-284"]),
    "rbac-wildcard-rule": ("Role, ClusterRole",
        "`kind` is `k8s-rule`: `role`, `rule` (1-based index in `rules:`) and `wildcards` (the "
        "fields holding `*`).",
        "Reports each rule of a non-built-in Role or ClusterRole whose `verbs`, `apiGroups`, "
        "`resources` or `nonResourceURLs` contain the exact value `*`. `*/scale` and `/path/*` are "
        "not wildcards in this sense (they name one subresource, or a URL prefix). Reported whether "
        "or not the role is bound: a wildcard role is a loaded gun for whoever binds it. "
        "Severity: info when the rule names only API groups that CustomResourceDefinitions of the "
        "input define (a CRD is named PLURAL.GROUP), no core group and no `*` group: a controller's "
        "wildcard over its own custom resources; medium otherwise, also when the CRDs are not in the "
        "input.",
        [K8S_GOOD + "#least-privilege", "CWE-732"]),
    "rbac-anonymous-binding": ("RoleBinding, ClusterRoleBinding",
        "`kind` is `k8s-subject`: `subject`, `binding`, `role` and `rules` (the number of "
        "effective rules granted).",
        "Reports non-built-in bindings whose subjects include User `system:anonymous` or Group "
        "`system:unauthenticated` (critical), or Group `system:authenticated` (high), when the "
        "referenced role exists and has at least one effective rule. A User named like a group "
        "is a different subject and is not reported. Kubernetes' own default bindings to these "
        "groups (discovery, public-info-viewer, basic-user) are built-in and not reported.",
        [K8S_GOOD + "#least-privilege",
         "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
         "CWE-284"]),
    "rbac-default-sa-permissions": ("RoleBinding, ClusterRoleBinding, Pod and pod templates",
        "`kind` is `k8s-subject`: `subject`, `binding`, `role`, and `workloads` running as the "
        "account with its token mounted.",
        "Reports each non-built-in binding subject that resolves to a ServiceAccount named "
        "`default` (a subject without namespace in a RoleBinding means the binding's namespace; in "
        "a ClusterRoleBinding it matches nobody and is not reported), when the role has effective "
        "rules.",
        [K8S_GOOD + "#least-privilege",
         "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
         "CWE-250"]),
    "rbac-dangling-role-ref": ("RoleBinding, ClusterRoleBinding",
        "`kind` is `k8s-reference`: `binding` and `roleRef` (`Kind/name`).",
        "A RoleBinding's `Role` must exist in the binding's own namespace; a `ClusterRole` must "
        "exist cluster-wide. Kubernetes' default ClusterRoles count as existing unless "
        "`--no-k8s-defaults` is given. The binding grants nothing while the role is missing: "
        "no other rule credits it with permissions.",
        [K8S_RBAC + "#rolebinding-and-clusterrolebinding", "CWE-284"]),
    "rbac-aggregation-widens-role": ("ClusterRole (labels and aggregationRule)",
        "`kind` is `k8s-aggregation`: `role`, `aggregatedInto` (every aggregating ClusterRole "
        "that receives its rules, transitively) and `bindingsAffected`.",
        "The aggregation controller selects ClusterRoles (never namespaced Roles, never the "
        "aggregating role itself) whose labels match any of `clusterRoleSelectors` (`matchLabels` "
        "and `matchExpressions`; an empty selector selects every ClusterRole) and replaces the "
        "aggregating role's rules with the union of theirs. Selection is transitive: a role "
        "aggregated into `edit` also reaches `admin`. Non-built-in roles are reported when at least "
        "one of their rules carries a capability: a verb other than get, list and watch, or access "
        "through the core (`\"\"`) or `*` group to secrets, pods/exec, pods/attach, pods/portforward, "
        "nodes/proxy, serviceaccounts/token or a wildcard resource. Read-only rules on ordinary objects "
        "and on every resource of custom groups (Flux's flux-view, a CRD's reader role aggregated into "
        "view) are what aggregation is for and are not reported; only the capable rules are listed. The "
        "message says what they add, and names writes to Flux Kustomizations and HelmReleases and to "
        "Argo CD Applications, which their controllers apply with their own accounts.",
        [K8S_RBAC + "#aggregated-clusterroles", "CWE-269"]),
}

NETPOL_APPLIES = "NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, Namespace, Pod and pod templates"
CONNECTION_WITNESS = ("`kind` is `connection`: `src` and `dst` name the endpoints as `net matrix` prints them "
                      "(`ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]`, `{ingress-controller}`), "
                      "`source_address`/`destination_address` give one concrete address when an end is an "
                      "address range, `protocol` and `port` one allowed connection, and `allowed` the whole "
                      "allowed set. Related locations list the policy rules that decide it (or the policy "
                      "that isolates without allowing).")
NET_SEMANTICS = ("Decided by the network engine (docs/network.md): AdminNetworkPolicy rules by priority, then "
                 "NetworkPolicy (a pod is isolated for a direction when a policy of its namespace selects it "
                 "with that policyType; the union of those policies' rules allows), then "
                 "BaselineAdminNetworkPolicy, then allow. A connection needs the source's egress and the "
                 "destination's ingress. Named ports resolve per destination pod; ipBlocks match only "
                 "addresses outside the cluster's pods. hostNetwork pods are outside NetworkPolicy unless "
                 "`--host-network-as-pod` is given.")
NET_REFS = ["https://kubernetes.io/docs/concepts/services-networking/network-policies/",
            "https://network-policy-api.sigs.k8s.io/api-overview/"]
RULE_FACTS.update({
    "netpol-ingress-not-isolated": (NETPOL_APPLIES, CONNECTION_WITNESS,
        NET_SEMANTICS + " Reported per workload that listens (it declares a container port, or a Service sends "
        "traffic to it; Jobs, CronJobs and their pods never count) when no NetworkPolicy isolates it for ingress "
        "and a connection "
        "from outside the cluster is still allowed (an admin policy that denies everything silences it).",
        NET_REFS + ["CWE-923"]),
    "netpol-egress-not-isolated": (NETPOL_APPLIES, CONNECTION_WITNESS,
        NET_SEMANTICS + " Reported per workload when no NetworkPolicy isolates it for egress and a connection "
        "to an address outside the cluster is still allowed.", NET_REFS + ["CWE-923"]),
    "netpol-internet-exposed": (NETPOL_APPLIES + ", Service, Ingress, Route", CONNECTION_WITNESS,
        NET_SEMANTICS + " A LoadBalancer or NodePort Service exposes the pods its selector picks on the target "
        "ports of its ports (named target ports resolved per pod), assuming the client address is preserved "
        "(any external address). An Ingress or Route exposes the pods of its backend Service on the target port "
        "of the named Service port, through the ingress controller, modeled as a pod of an unknown namespace "
        "with no labels: only rules without peers, or with namespaceSelector {} (and an empty or absent "
        "podSelector), admit it.", NET_REFS + ["CWE-668"]),
    "netpol-metadata-egress": (NETPOL_APPLIES, CONNECTION_WITNESS,
        NET_SEMANTICS + " Checks TCP 80 to 169.254.169.254 (AWS, GCP and Azure instance metadata). Node-level "
        "protections (IMDSv2 hop limit, metadata concealment) are not visible in manifests."
        " Severity: medium when the input shows cloud credentials behind it (aws-auth maps a role to system:nodes, or an EKS access entry of type EC2_*, so every pod that reaches metadata gets the node role) or the workload's service account has a cloud identity (IRSA, EKS Pod Identity, GKE or Azure workload identity); low otherwise, and the message says which. Whether a workload fetches user-supplied URLs (SSRF) is not visible in manifests.",
        NET_REFS + ["CWE-918"]),
    "netpol-egress-internet-all-ports": (NETPOL_APPLIES, CONNECTION_WITNESS,
        "Reported per egress rule of a policy with Egress in its policyTypes whose `ports` is absent and whose "
        "destinations are everything: no `to`, or an ipBlock 0.0.0.0/0 or ::/0 without `except`. The witness "
        "uses the first workload the policy selects.", NET_REFS + ["CWE-923"]),
    "netpol-sensitive-namespace-access": (NETPOL_APPLIES, CONNECTION_WITNESS,
        NET_SEMANTICS + " One finding per workload of a sensitive namespace that accepts connections from "
        "workloads of other namespaces or from outside the cluster, with the counts; the witness prefers a "
        "workload source. `--sensitive-namespace` (repeatable) replaces the default kube-system.",
        NET_REFS + ["CWE-923"]),
    "netpol-dead-policy": (NETPOL_APPLIES,
        "`kind` is `policy`: `policy` names it, `selected` is 0 for a policy that selects no pod, `rule` names "
        "a rule whose peers select nothing.",
        "Judged on the pods of the input (it is not reported when the input has no workload at all): a policy "
        "whose podSelector selects none of its namespace's pods, and a rule each of whose peers is a pod or "
        "namespace selector that selects no pod (ipBlock peers always count as live).", NET_REFS),
    "netpol-redundant-rule": (NETPOL_APPLIES,
        "`kind` is `policy`: `policy`, `redundant` (the rule) and `covered_by` (the rule that covers it).",
        "Rule A is redundant when, for the endpoints of the input, every peer A matches is matched by another "
        "rule B of the same policy and direction, and A's ports (resolved per destination pod) are within B's. "
        "Of two identical rules only the later is reported. Rules of different policies are not compared.",
        NET_REFS),
    "netpol-host-network": ("Pod and pod templates",
        "`kind` is `endpoint`: `endpoint` and `hostNetwork`.",
        "Every workload with `hostNetwork: true`, unless `--host-network-as-pod` treats such pods as "
        "ordinary pods (netpol-analyzer's convention).", NET_REFS),
    "netpol-intent-violation": ("Intents files given to `grantpath net intents`", CONNECTION_WITNESS +
        " `violations` counts the violating connections.",
        "See docs/network.md, \"Intents\": every (source, destination) pair selected by the intent is "
        "evaluated exactly; `expect: deny` is violated by any allowed port in `ports`, `expect: allow` by any "
        "port of `ports` that is denied, `allowOnlyFrom` by any source outside it that can connect.",
        NET_REFS),
})

IAM_APPLIES = ("AWS IAM users, groups and roles from `aws iam get-account-authorization-details`, and "
               "standalone identity policy documents (judged as what a holder of only that policy may do)")
IAM_REQUEST = ("`kind` is `iam-request`: `principal`, `action`, `resource` and, when the grant needs one, "
               "`context` (the condition keys and values under which it is allowed); `decision` is `allow` "
               "or `allow (under the context shown)`. The request is replayed through the concrete "
               "evaluator before it is reported; `grantpath aws can-i` with the same values shows the same "
               "statements.")
IAM_EVAL = ("Effective permissions follow AWS's evaluation logic (docs/aws-iam.md): explicit Deny wins; "
            "identity policies of the principal and its groups (default versions of managed policies); "
            "the permissions boundary intersects; conditions are honoured, and a grant that needs a "
            "context is reported with that context (found by the solver, never assumed); a Deny whose "
            "conditions may fail does not hide a grant. SCPs and resource policies in the input take part "
            "in the confirmation. Managed policies the input lacks are warned about (`unresolved-reference`) "
            "and count as granting nothing.")
IAM_REFS = ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"]
PRIVESC_REFS = IAM_REFS + ["https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
                           "CWE-269: Improper Privilege Management"]
AA_REFS = ["https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"]

RULE_FACTS.update({
    "iam-admin-equivalent": (IAM_APPLIES, IAM_REQUEST + " The request shown is iam:AttachRolePolicy, which "
        "by itself lets the holder make any role an administrator.",
        IAM_EVAL + " Admin-equivalent means: every action of the action catalog is allowed on Resource "
        "\"*\" (through any mix of statements and policies) and no unconditional Deny on every resource "
        "removes one. The message says when the grant also covers actions the catalog does not list yet "
        "(Action \"*\" or NotAction).", IAM_REFS + ["CWE-250: Execution with Unnecessary Privileges"]),
    "iam-privilege-escalation": (IAM_APPLIES, IAM_REQUEST + " `method` names the escalation method; "
        "`also` gives the other permissions of a multi-permission method, each confirmed on a resource.",
        IAM_EVAL + " Each permission of a method must be allowed on a concrete resource: another user's "
        "ARN for credential actions (creating keys or passwords for oneself is not an escalation), "
        "a role for iam:PassRole, a policy for policy versions. A method is not reported for "
        "admin-equivalent subjects.", PRIVESC_REFS),
    "iam-assume-role-path": ("AWS IAM users and roles with their trust policies",
        "`kind` is `iam-path`: `principal`, `target` (the admin-equivalent role), `path` (the names "
        "joined by `->`) and `first_request` (the first sts:AssumeRole); the finding's `path` (SARIF "
        "`codeFlows`) has one step per assumption with its location.",
        "An edge A -> R exists when the concrete evaluator allows A sts:AssumeRole on R: R's trust "
        "policy must name A (its ARN, its account, or \"*\"), and A's identity policies must allow it "
        "unless the trust policy names A itself in the same account. Conditions are honoured (a "
        "conditional edge carries its context). The path shown is a shortest one (breadth-first).",
        IAM_REFS + ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html"]),
    "iam-public-access": ("Role trust policies and resource-based policy documents (S3, SQS, SNS, KMS, "
        "ECR, Lambda, Secrets Manager...)", IAM_REQUEST + " The principal is an anonymous caller or an AWS "
        "user of an account the policy does not name.",
        "Decided by the solver (`grantpath aws check-no-public-access` runs the same check): public when "
        "some request from outside is allowed, where outside means anonymous (not for trust policies) or "
        "an account that is neither the owner nor named by the policy, and where the keys that "
        "identify the caller's organization, account, VPC, VPC endpoint, service and address "
        "(aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, aws:SourceVpc(e), "
        "aws:SourceIp, ...) are absent; an aws:SourceIp compared with 0.0.0.0/0 or ::/0 may be any "
        "address. Keys the caller controls (aws:SecureTransport, aws:UserAgent, s3:prefix...) may take "
        "any value.", IAM_REFS + ["https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html"]),
    "iam-cross-account-trust": ("Role trust policies and resource-based policy documents whose account is known",
        "`kind` is `iam-request`: `principal` (the other account or its principal), an `action` the "
        "statement allows and the `resource`.",
        "Every Allow statement that names, in Principal, an account id, :root ARN, user or role of an "
        "account other than the owner's (the role's account; for a resource policy, the account in its "
        "Resource ARNs). One finding per named principal; conditions are mentioned, not evaluated.", IAM_REFS),
    "iam-oidc-trust-without-subject": ("Role trust policies",
        "`kind` is `iam-request`: the federated principal, sts:AssumeRoleWithWebIdentity on the role, and "
        "a `context` with a token subject of an outsider that the trust policy accepts.",
        "For each Allow statement that grants sts:AssumeRoleWithWebIdentity to an OIDC provider "
        "(`Federated`), a positive String condition (not IfExists, not ForAllValues) on `<issuer>:sub` "
        "must exist whose every value pins an owner: GitHub `repo:ORG/...` with a literal ORG, EKS "
        "`system:serviceaccount:NS:...` with a literal NS, or any value that does not start with a "
        "wildcard. SAML providers are not judged.", IAM_REFS + [
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        "https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html"]),
    "iam-network-exposure-grant": (IAM_APPLIES, IAM_REQUEST,
        IAM_EVAL + " Checked actions: ec2:AuthorizeSecurityGroupIngress, ec2:ModifyInstanceAttribute, "
        "ec2:ModifyNetworkInterfaceAttribute, ec2:CreateNetworkAclEntry, ec2:ReplaceNetworkAclEntry, "
        "ec2:CreateRoute, ec2:AttachInternetGateway, ec2:AssociateAddress, s3:PutBucketPublicAccessBlock and "
        "s3:PutAccountPublicAccessBlock; each must be allowed without any condition on an arbitrary resource "
        "of its kind (so Resource \"*\" or a wildcard that covers it). Grants that need a condition (a "
        "resource tag, a VPC) are not reported. Not reported for admin-equivalent subjects.",
        IAM_REFS + ["CWE-284"]),
    "iam-supply-chain-write": (IAM_APPLIES, IAM_REQUEST,
        IAM_EVAL + " Checked actions: ecr:PutImage, ecr:CompleteLayerUpload, "
        "codeartifact:PublishPackageVersion, lambda:UpdateFunctionCode, lambda:PublishLayerVersion, "
        "codebuild:UpdateProject and codepipeline:UpdatePipeline; each must be allowed without any "
        "condition on an arbitrary resource of its kind. Not reported for admin-equivalent subjects.",
        IAM_REFS + ["CWE-494: Download of Code Without Integrity Check"]),
    "rbac-apiservice-or-crd-mutation": (BINDINGS, REQUEST_WITNESS,
        CAPABILITY_SEMANTICS + " Request shapes: `create`, `update` and `patch` on `apiservices` "
        "(apiregistration.k8s.io), `update` and `patch` on `customresourcedefinitions` "
        "(apiextensions.k8s.io); both cluster-scoped. Creating a CRD is not reported: its conversion "
        "webhook only sees the new types.",
        ["https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/",
         "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#webhook-conversion",
         "CWE-284"]),
    "iam-unrestricted-data-access": (IAM_APPLIES, IAM_REQUEST,
        IAM_EVAL + " Checked actions: s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter, "
        "ssm:GetParameters, ssm:GetParametersByPath, kms:Decrypt; each must be allowed by a statement "
        "with Resource \"*\" and confirmed on an arbitrary resource of its kind. Not reported for "
        "admin-equivalent subjects.", IAM_REFS + ["CWE-200: Exposure of Sensitive Information to an Unauthorized Actor"]),
    "iam-broad-permissions": (IAM_APPLIES, IAM_REQUEST + " The request is one write action it holds.",
        IAM_EVAL + " Counted per service of the action catalog that has Write or Permissions management "
        "actions: the service counts when one of them is allowed on Resource \"*\". Reported at half "
        "of the services or more; not for admin-equivalent subjects.", IAM_REFS),
    "iam-passrole-star-resource": ("AWS IAM identity policies (inline, managed, standalone)",
        "`kind` is `iam-request`: iam:PassRole on an example role, and `issue_code` "
        "(PASS_ROLE_WITH_STAR_IN_RESOURCE, or PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE for a wildcard "
        "action: Access Analyzer's codes).",
        "Every Allow statement with Resource \"*\" whose Action list names iam:PassRole, by name or by a "
        "wildcard (iam:*, iam:Pass*, \"*\"), as Access Analyzer's check does, unless a positive condition "
        "(not IfExists) on iam:PassedToService or iam:AssociatedResourceArn limits it (Access Analyzer does not report those either). "
        "NotAction statements are not reported here."
        " Judged on effective permissions: not reported when a Deny in the same policy takes iam:PassRole away again, or when every principal of the input that holds the policy is denied it (by another policy, its boundary or an SCP); here grantpath differs from Access Analyzer, which checks statements alone.", AA_REFS + IAM_REFS),
    "iam-invalid-arn": ("Every Resource and NotResource entry of every policy",
        "`kind` is `iam-validation`: the `resource` as written and `issue_code` (INVALID_ARN).",
        "An entry is reported when it is not \"*\", does not start with a wildcard or a policy variable, and "
        "either does not start with `arn:` or has fewer than six colon-separated parts without ending in a "
        "wildcard (short patterns that end in a wildcard get the `ambiguous-pattern` diagnostic instead). "
        "Such an entry matches no request in grantpath's evaluation either.", AA_REFS),
    "aws-internet-exposed-admin-port": ("aws ec2 describe-instances, -network-interfaces, -security-groups, -network-acls, -route-tables, -internet-gateways, -addresses",
        "`kind` is `aws-connection`: `src` (an internet address that gets through), `dst` (the public or "
        "Elastic IP), `interface`, `instance`, `protocol`, `port` (the first administration port open) and "
        "`open` (every TCP/UDP port the internet reaches on it).",
        "The internet reaches an interface when it has a public or Elastic IP, its VPC has an internet "
        "gateway, some internet address passes the subnet's network ACL inbound (rules in number order, "
        "first match, implicit deny; a subnet without an association uses the VPC's default ACL) and a "
        "security group rule of the interface (union of its groups), and the reply passes the ACL outbound "
        "to the client's ephemeral port (49152) and the subnet's route table routes the client's address "
        "back through the internet gateway. Candidate sources are the edges of every range the groups and "
        "the ACL name, outside private and VPC space, and 8.8.8.8. Ports: Docker 2375/2376, etcd "
        "2379-2380, kubelet 10250, Kubernetes API 6443, SSH 22, RDP 3389, WinRM 5985-5986, Telnet 23, "
        "MySQL 3306, PostgreSQL 5432, SQL Server 1433, Oracle 1521, MongoDB 27017, Redis 6379, "
        "Elasticsearch 9200, memcached 11211, Cassandra 9042, CouchDB 5984, the Node.js inspector 9229. "
        "Severity is the highest of the open ports: critical for unauthenticated-by-default services "
        "(Docker 2375, etcd, kubelet, Telnet, MongoDB, Redis, Elasticsearch, memcached, the Node.js "
        "inspector) and for every protocol open, high otherwise. "
        "IPv6 exposure and load balancers are not evaluated yet (docs/aws-network.md).",
        ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
         "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
         "CWE-284"]),
    "aws-exposed-instance-privileged-role": ("aws ec2 describe-* output with aws iam get-account-authorization-details (InstanceProfileList)",
        "`kind` is `aws-path`: `src`, `dst`, `instance`, `ports`, `role` (the instance profile's role) and "
        "`admin` (the admin-equivalent principal it is or reaches); the finding's `path` (SARIF "
        "`codeFlows`) runs internet -> security group rule -> instance -> role -> each role assumed -> admin, "
        "every step located.",
        "Exposure as for aws-internet-exposed-admin-port, on any port. The instance's "
        "IamInstanceProfile ARN is matched with a role's InstanceProfileList. The role is "
        "admin-equivalent, or its shortest confirmed role-assumption path reaches one (the same "
        "analysis as iam-assume-role-path). The access graph has the same edges, so `grantpath paths "
        "--from internet --to aws-admin` shows the path; path-internet-to-cloud leaves these instances "
        "to this rule.",
        ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html", "CWE-269"]),
    "aws-eks-public-endpoint-open": ("aws eks describe-cluster (resourcesVpcConfig)",
        "`kind` is `aws-connection`: `src`, `dst` (the cluster's API server endpoint), `protocol`, `port` "
        "(443) and `publicAccessCidrs` (the open range).",
        "Fires when endpointPublicAccess is true and publicAccessCidrs contains 0.0.0.0/0 or ::/0, or is "
        "absent (AWS's default for a public endpoint is 0.0.0.0/0). The message says when the private "
        "endpoint is off as well.",
        ["https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html", "CWE-284"]),
    "aws-sg-open-to-world-unused": ("aws ec2 describe-security-groups with describe-network-interfaces or describe-instances",
        "`kind` is `aws-rule`: `group`, `rule` (1-based index of the inbound permission), `source` "
        "(0.0.0.0/0 or ::/0) and `allows`.",
        "A group is unused when no interface and no instance of the input carries it; the rule runs only "
        "when interfaces or instances are part of the input (otherwise every group would look unused). "
        "VPC default groups are left out (AWS creates them). Groups referenced by other groups as a "
        "source are still unused: a reference admits traffic only from interfaces that carry the group.",
        ["https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"]),
    "compose-published-to-world": ("Docker Compose files and Swarm stack files (services.*.ports)",
        "`kind` is `connection`: `src` (the outside), `source_address`, `dst` (PROJECT/SERVICE), `protocol`, "
        "`port` (the container port) and `published` (the entry, as HOST_IP:HOST->CONTAINER/PROTO).",
        "One finding per published entry whose host IP is empty, 0.0.0.0 or ::. Loopback and specific "
        "addresses are not reported. A service attached only to internal networks publishes nothing (Docker "
        "does not bind its ports) and is not reported. Severity follows the container port: administration "
        "and database ports (SSH, RDP, databases, Redis, Elasticsearch, the Docker API, etcd ...) get the "
        "severity of aws-internet-exposed-admin-port; 80, 443, 8080 and 8443 are low; other ports medium. "
        "In a Swarm stack the message says the routing mesh publishes the port on every node.",
        ["https://docs.docker.com/reference/compose-file/services/#ports",
         "https://docs.docker.com/engine/network/packet-filtering-firewalls/", "CWE-284"]),
    "compose-host-network": ("Docker Compose files and Swarm stack files (services.*.network_mode)",
        "`kind` is `connection`: `endpoint` (PROJECT/SERVICE), `network_mode` (host), `src` (the outside) "
        "and `allowed` (All Connections).",
        "Fires for `network_mode: host` on the service itself (a service that joins another's namespace "
        "with service:X is reported through X). High when the service is also privileged.",
        ["https://docs.docker.com/engine/network/drivers/host/", "CWE-653"]),
    "compose-backend-not-internal": ("Docker Compose files and Swarm stack files (top-level networks)",
        "`kind` is `connection`: `src` (a member service, preferring one whose only route out is this "
        "network), `dst` (the outside), `destination_address`, `protocol`, `port` and `network` (its "
        "effective name).",
        "A declared network (not external, not internal, not the implicit default) is reported when it has "
        "members, none of them publishes a port outside the host or uses the host's network, and some "
        "other service of the same project does publish: the project has a front, and this network is "
        "behind it.",
        ["https://docs.docker.com/reference/compose-file/networks/#internal"]),
    "overlay-unencrypted": ("Calico FelixConfiguration and IPPool, the cilium-config ConfigMap or Cilium Helm values, Flannel's kube-flannel-cfg net-conf.json, Docker Swarm overlay networks",
        "`kind` is `encryption`: `cni`, `scope` (cluster, or the stack and network), `encapsulation`, "
        "`encrypted` (false) and `decided_by` (the setting as written).",
        "Calico: FelixConfiguration 'default' decides (wireguardEnabled, and wireguardEnabledV6 when an "
        "enabled IPv6 pool exists); with no FelixConfiguration 'default' in the input nothing is reported "
        "(`net encryption` says unknown). Cilium: enable-wireguard or enable-ipsec \"true\" (Helm: "
        "encryption.enabled). Flannel: only the wireguard and ipsec backends encrypt; no Backend means udp. "
        "Docker: every overlay network without driver_opts encrypted, and (low) a stack whose ports are "
        "published in ingress mode, since the routing mesh's ingress network is not encrypted.",
        ["https://docs.tigera.io/calico/latest/network-policy/encrypt-cluster-pod-traffic",
         "https://docs.cilium.io/en/stable/security/network/encryption/",
         "https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md",
         "https://docs.docker.com/engine/network/drivers/overlay/", "CWE-319"]),
    "netpol-shadowed-rule": ("Rules of AdminNetworkPolicies, Calico NetworkPolicies and GlobalNetworkPolicies, Cilium policies and NetworkPolicies",
        "`kind` is `policy`: `policy`, `rule`, `tier`, and one `subject` and `peer` the rule matches with "
        "`decided_by`, the rule or tier end that decides their connections first.",
        "A rule is shadowed when it matches at least one (subject, peer) pair of the input on some port, and for "
        "every such pair the evaluation order (tiers, policy order, rule order, Cilium's deny-first) decides all "
        "those ports before the rule is reached. Log rules are not judged. Rules that match nothing are left to "
        "netpol-dead-policy. Each rule is judged within a budget of 20,000 pair evaluations; past it no finding "
        "is made.",
        ["https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy",
         "https://network-policy-api.sigs.k8s.io/api-overview/",
         "https://docs.cilium.io/en/stable/security/policy/language/#deny-policies"]),
    "netpol-tier-default-deny-surprise": ("Calico Tiers (other than default) whose end action is Deny, and the policies that select endpoints for them",
        "`kind` is `connection`: `tier`, one `src` and `dst` pair denied by the end of the tier, the `denied` "
        "ports and the number of such `pairs`.",
        "For each endpoint a tier's policies select in a direction, each peer whose connections the tier ends "
        "in Deny while none of the tier's rules matched them. The default tier is not judged: its end is "
        "Kubernetes' own isolation of selected pods. A tier with defaultAction Pass is never reported.",
        ["https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy",
         "https://docs.tigera.io/calico/latest/reference/resources/tier"]),
    "cilium-deny-only-default-deny": ("CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy",
        "`kind` is `connection`: the `policy`, one `src` and `dst` whose traffic is dropped by default deny, and "
        "the `denied` ports.",
        "A policy with ingressDeny (egressDeny) rules and no ingress (egress) allow rules, whose enableDefaultDeny "
        "for that direction is not false, and which is the only policy putting some selected endpoint in default "
        "deny for that direction; the witness is a peer none of its deny rules names whose traffic is denied.",
        ["https://docs.cilium.io/en/stable/security/policy/language/#deny-policies",
         "https://docs.cilium.io/en/stable/security/policy/intro/"]),
    "istio-policy-not-enforced": ("Istio AuthorizationPolicy (security.istio.io v1beta1 and v1), with the pods and pod templates it selects",
        "`kind` is `connection` when a peer gets through: the `policy`, the `workload` without a proxy, one `src` "
        "and `dst` and the TCP connections `allowed` that the policy would refuse (for an ALLOW policy, from a "
        "peer no rule names; for a DENY policy, from one a rule denies); otherwise `object`, with the policy and "
        "the workload.",
        "One finding per ALLOW or DENY AuthorizationPolicy (not dry-run, not CUSTOM or AUDIT, not targetRef) "
        "that selects at least one workload without an Istio proxy, as docs/istio.md defines it: no "
        "`istio-proxy` container, and for a pod template no injection by the namespace's `istio-injection` or "
        "`istio.io/rev` label, the pod's `sidecar.istio.io/inject` label or ambient mode. The witness peer is "
        "looked for among the cluster's endpoint classes, and reaches the workload through every other policy "
        "of the input; past 20,000 pair evaluations per policy the finding has no witness (kind `object`).",
        ["https://istio.io/latest/docs/reference/config/security/authorization-policy/",
         "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"]),
    "calico-staged-policy-differs": ("StagedNetworkPolicy and StagedGlobalNetworkPolicy (StagedKubernetesNetworkPolicy is read but not evaluated)",
        "`kind` is `connection`: one `src` and `dst` pod pair, its connections `now` and `enforced`, and the "
        "number of `pairs` that change.",
        "The staged policy is evaluated as if enforced: it replaces the enforced policy of the same kind (without "
        "Staged), namespace and name, or with stagedAction Delete removes it. Every ordered pair of pods is "
        "compared (up to 250,000 pairs per staged policy; past it the count is a floor). Outside addresses are "
        "not compared.",
        ["https://docs.tigera.io/calico/latest/reference/resources/stagednetworkpolicy",
         "https://docs.tigera.io/calico/latest/network-policy/staged-network-policies"]),
    "iam-unknown-action": ("Every Action and NotAction entry of every policy",
        "`kind` is `iam-validation`: the `action` as written and `issue_code` (INVALID_ACTION or "
        "INVALID_SERVICE).",
        "An entry is unknown when its service prefix (without wildcards) is not a service of the action "
        "catalog, or when it matches no action of that service. Entries with a wildcard in the service "
        "prefix are not judged. The catalog version is in the message.", AA_REFS),
})


def run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout


def page(rule, binary):
    rid = rule["id"]
    applies, witness, semantics, refs = RULE_FACTS[rid]
    positives = sorted(glob.glob(os.path.join(ROOT, "tests", "rules", rid, "positive*.yaml")) +
                       glob.glob(os.path.join(ROOT, "tests", "rules", rid, "positive*.json")))
    example = open(positives[0]).read() if positives else ""
    rel = os.path.relpath(positives[0], ROOT) if positives else ""
    output = run([binary, "scan", rel, "--rule", rid, "--fail-on", "none", "--color", "never"]) if rel else ""
    out = []
    out.append("# %s: %s\n" % (rid, rule["title"]))
    out.append("**Severity**: %s  " % rule["severity"])
    out.append("**Applies to**: %s\n" % applies)
    out.append(rule["description"] + "\n")
    out.append("## Example\n")
    out.append("`%s`:\n" % rel)
    lang = "json" if rel.endswith(".json") else "yaml"
    out.append("```" + lang + "\n" + example.rstrip() + "\n```\n")
    out.append("```text\n$ grantpath scan %s --rule %s\n%s```\n" % (rel, rid, output))
    out.append("## Witness\n")
    out.append(witness + "\n")
    out.append("## How to fix\n")
    out.append(rule["remediation"] + "\n")
    out.append("## Options\n")
    if rid == "path-k8s-escalation":
        out.append("- `--escalation-target NAME` (default: none, only cluster-admin) adds a "
                   "target capability; repeatable.\n")
    if rid.startswith("iam-"):
        out.append("- `--rule %s` runs only this rule; `--disable %s` turns it off.\n" % (rid, rid))
    else:
        out.append("- `--rule %s` runs only this rule; `--disable %s` turns it off.\n"
               "- `--no-k8s-defaults` (default: off) stops assuming Kubernetes' default RBAC "
               "objects; use it for full cluster dumps.\n"
               "- `--default-namespace NS` (default: `default`) is the namespace of objects that "
               "name none.\n" % (rid, rid))
    out.append("## Exact semantics and limits\n")
    out.append(semantics + "\n")
    out.append("## References\n")
    for r in refs:
        out.append("- " + (r if r.startswith("CWE") else "<%s>" % r))
    return "\n".join(out) + "\n"


def config_line(rid):
    return ("- In `.grantpath.yaml`, `rules: {%s: off}` turns it off and `rules: {%s: {severity: low}}` "
            "changes its severity; an `ignore:` entry or a `grantpath.io/ignore: \"%s: reason\"` annotation "
            "accepts a finding (docs/configuration.md)." % (rid, rid, rid))


def ensure_sections(path, rule):
    """Adds, to a page written earlier, the sections every page has now:
    Grouping (when the rule's findings are grouped) and the configuration
    line under Options. Idempotent."""
    text = open(path).read()
    new = text
    if rule.get("grouping") and "## Grouping\n" not in new and "## Options\n" in new:
        new = new.replace("## Options\n", "## Grouping\n\n" + rule["grouping"] + "\n\n## Options\n", 1)
    line = config_line(rule["id"])
    if line not in new and "## Options\n" in new:
        new = new.replace("## Options\n", "## Options\n\n" + line, 1)
        new = new.replace("## Options\n\n" + line + "\n", "## Options\n\n" + line + "\n", 1)
    if new != text:
        open(path, "w").write(new)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "analyzer", "cli", "grantpath"))
    args = ap.parse_args()
    rules = json.loads(run([args.binary, "rules", "--format", "json"]))
    docs = os.path.join(ROOT, "docs", "rules")
    os.makedirs(docs, exist_ok=True)
    index = ["# Rules\n",
             "Generated from the rule registry by `scripts/gen_rule_docs.py`; do not edit by hand.\n",
             "| id | severity | title |", "|---|---|---|"]
    for r in rules:
        index.append("| [%s](%s.md) | %s | %s |" % (r["id"], r["id"], r["severity"], r["title"]))
        path = os.path.join(docs, r["id"] + ".md")
        if args.force or not os.path.exists(path):
            if r["id"] not in RULE_FACTS:
                raise SystemExit("add RULE_FACTS for %s" % r["id"])
            open(path, "w").write(page(r, args.binary))
            print("wrote", os.path.relpath(path, ROOT))
        ensure_sections(path, r)
    open(os.path.join(docs, "README.md"), "w").write("\n".join(index) + "\n")


if __name__ == "__main__":
    main()

// Each engine's edges into the shared access graph, and the cross-domain
// joins between Kubernetes and AWS. BuildAccessGraph runs every publisher
// once, in a fixed order, and returns the frozen graph.
//
// Publishers and their edges:
//   RBAC (k8s_escalation): can-act-as steps between subjects and hubs,
//     member-of, holds cluster-admin and the escalation targets;
//   workloads: runs-as (workload -> its service account);
//   IAM (iam_analysis): can-assume hops on the shortest paths to an
//     admin-equivalent principal, holds aws-admin, and can-assume into every
//     role that aws-auth maps into the cluster;
//   IRSA: a service account's eks.amazonaws.com/role-arn -> the role, only
//     when the role's trust policy admits that service account's web
//     identity (evaluated by the IAM engine);
//   aws-auth: IAM role or user -> Kubernetes user and groups (maps-to);
//   GKE and Azure workload identity annotations -> a cloud identity that is
//     not analysed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "grantpath/access_graph.h"

namespace grantpath {

/// Node ids as `grantpath paths` accepts them.
std::string K8sSubjectNodeId(const SubjectKey& s);   // "system:serviceaccount:NS:N", "alice", "group:G"
std::string WorkloadNodeId(const k8s::Workload& w);  // "NS/KIND/NAME"
/// The subject a Kubernetes subject node id names (K8sSubjectNodeId's inverse).
std::optional<SubjectKey> SubjectOfNodeId(const std::string& id);

/// The capability node ids.
inline constexpr const char* kClusterAdminNode = "cluster-admin";
inline constexpr const char* kAwsAdminNode = "aws-admin";

/// Whether the role's trust policy admits a web identity token of the OIDC
/// provider `federated` (its ARN; `issuer` is the host/path after
/// "oidc-provider/") with subject `sub` and audience `aud`, as the IAM
/// engine evaluates sts:AssumeRoleWithWebIdentity. The evaluation when it
/// is allowed, nullopt otherwise.
std::optional<iam::Evaluation> WebIdentityAdmits(const iam::Account& account, const std::string& role_arn,
                                                 const std::string& federated, const std::string& issuer,
                                                 const std::string& sub, const std::string& aud);

/// Builds and freezes the access graph of a context. Diagnostics (an IRSA
/// annotation whose role the input lacks, an assumed issuer) go to `sink`.
AccessGraph BuildAccessGraph(const AnalysisContext& ctx, DiagnosticSink& sink);

}  // namespace grantpath

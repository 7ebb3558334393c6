// Kubernetes RBAC evaluation, as the API server's RBAC authorizer decides.
//
// Request matching follows pkg/apis/rbac/v1/evaluation_helpers.go: verbs,
// API groups, resources ("*", exact "res/sub", or "*/sub"), resourceNames
// (an empty request name never matches a rule that lists names), and
// nonResourceURLs (exact, or prefix when the rule ends in '*'). Bindings
// follow plugin/pkg/auth/authorizer/rbac: a request in namespace N is
// checked against ClusterRoleBindings and the RoleBindings of N; a request
// with no namespace (cluster-scoped resources, all-namespace lists,
// non-resource URLs) only against ClusterRoleBindings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::rbac {

/// The attributes of one API request.
struct Request {
  bool resource_request = true;
  std::string verb;
  std::string api_group;
  std::string resource;
  std::string subresource;
  std::string name;  // "" for collection requests (list, create, ...)
  std::string ns;    // "" for cluster-scoped or all-namespace requests
  std::string path;  // non-resource requests
  /// "get pods/exec 'x' in 'ns'" style text for messages.
  std::string Describe() const;
};

/// The authenticated identity making a request.
struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

/// "ClusterRoleBinding 'x'" or "RoleBinding 'ns/x'": how every message
/// names a binding, a role or a workload.
std::string BindingName(const k8s::Binding& b);
/// "ClusterRole 'x'" or "Role 'ns/x'".
std::string RoleName(const k8s::Role& r);
/// "Deployment 'ns/name'".
std::string WorkloadName(const k8s::Workload& w);

/// The user info the API server builds for a subject: service accounts get
/// "system:serviceaccount:NS:NAME" and the groups system:serviceaccounts,
/// system:serviceaccounts:NS and system:authenticated; users get
/// system:authenticated, plus `extra_groups`; system:anonymous gets
/// system:unauthenticated instead.
UserInfo UserInfoFor(const SubjectKey& subject, const std::vector<std::string>& extra_groups = {});

bool VerbMatches(const k8s::PolicyRule& rule, const std::string& verb);
bool ApiGroupMatches(const k8s::PolicyRule& rule, const std::string& group);
bool ResourceMatches(const k8s::PolicyRule& rule, const std::string& combined,
                     const std::string& subresource);
bool ResourceNameMatches(const k8s::PolicyRule& rule, const std::string& name);
bool NonResourceUrlMatches(const k8s::PolicyRule& rule, const std::string& url);
/// True when `rule` allows `req` (ignoring namespaces: that is the
/// binding's business).
bool RuleAllows(const k8s::PolicyRule& rule, const Request& req);

/// A rule of a role, named by indices into Model::k8s_roles and that role's
/// rules. For an aggregated ClusterRole the rule belongs to the selected
/// role it was aggregated from.
struct RuleRef {
  std::uint32_t role = 0;
  std::uint32_t rule = 0;
  auto operator<=>(const RuleRef&) const = default;
};

/// One route by which a request is allowed: binding, the subject entry in
/// it, the role it references, and the rule that matched.
struct Grant {
  std::uint32_t binding = 0;
  std::uint32_t subject = 0;     // index into the binding's subjects
  std::uint32_t role = 0;        // the referenced role
  RuleRef rule;                  // the matching rule (may live in another role)
  bool superuser = false;        // allowed by membership of system:masters
};

/// A subject allowed by who-can, with every grant that allows it.
struct SubjectGrants {
  SubjectKey who;
  std::string via_group;  // set when allowed only through an implicit group
  bool superuser = false;  // system:masters
  std::vector<Grant> grants;
};

struct Decision {
  bool allowed = false;
  std::vector<Grant> grants;  // every grant that allows the request
};

/// Resolves bindings and aggregation over a Model and answers requests.
/// The model must be complete (including any built-in roles)
/// before the engine is built. A binding whose role is missing grants
/// nothing (BoundRole() is nullopt); the rbac-dangling-role-ref rule
/// reports it.
class Engine {
 public:
  explicit Engine(const Model& model);

  const Model& model() const { return model_; }

  /// The role a binding references, or nullopt when it does not exist.
  std::optional<std::uint32_t> BoundRole(std::size_t binding) const {
    return binding_role_[binding];
  }
  /// Effective rules of a role: its own rules, or for an aggregated
  /// ClusterRole the union of the rules of the roles it selects
  /// (transitively, as the aggregation controller converges). An
  /// aggregated role in a selection cycle (with itself, or through other
  /// aggregated roles) also keeps its stored rules: what the controller
  /// converges to depends on the order it runs in, and the stored rules are
  /// what the API server enforces now, so their union is a sound
  /// over-approximation.
  const std::vector<RuleRef>& EffectiveRules(std::size_t role) const { return effective_[role]; }
  const k8s::PolicyRule& RuleOf(RuleRef r) const {
    return model_.k8s_roles[r.role].rules[r.rule];
  }
  /// Aggregated ClusterRoles that select `role` (directly).
  const std::vector<std::uint32_t>& AggregatedInto(std::size_t role) const {
    return aggregated_into_[role];
  }

  /// True when the binding's subject entry applies to the user.
  bool SubjectApplies(const k8s::Binding& b, const k8s::Subject& s, const UserInfo& user) const;
  /// The identity a subject entry names, after namespace defaulting;
  /// nullopt for a ServiceAccount subject without namespace in a
  /// ClusterRoleBinding (it matches nobody).
  std::optional<SubjectKey> SubjectOf(const k8s::Binding& b, const k8s::Subject& s) const;

  /// Decides a request for a user, collecting every grant.
  Decision Authorize(const UserInfo& user, const Request& req) const;

  /// Every subject allowed to make `req`: subjects named in bindings
  /// (users, groups, service accounts), every known service account allowed
  /// through an implicit group (system:serviceaccounts[:NS],
  /// system:authenticated), and Group system:masters. With
  /// `all_namespaces` a namespaced request is checked in every namespace
  /// (each RoleBinding in its own); otherwise in `req.ns` only.
  /// `cluster_scoped` requests are granted by ClusterRoleBindings only.
  std::vector<SubjectGrants> WhoCan(const Request& req, bool all_namespaces,
                                    bool cluster_scoped) const;

  /// Bindings consulted for a request in namespace `ns` ("" = only
  /// ClusterRoleBindings).
  std::vector<std::uint32_t> BindingsFor(const std::string& ns) const;

  /// Workloads that run as a service account (by namespace and name).
  const std::vector<std::uint32_t>& WorkloadsOf(const SubjectKey& sa) const;
  /// Whether a workload has its service account token mounted (pod-level
  /// setting wins over the ServiceAccount's; default true).
  bool TokenMounted(std::size_t workload) const;
  /// Service accounts known in a namespace (declared, or used by a
  /// workload, or named in a binding).
  const std::vector<SubjectKey>& ServiceAccountsIn(const std::string& ns) const;
  /// All known service accounts.
  const std::vector<SubjectKey>& AllServiceAccounts() const { return all_sas_; }
  /// The ServiceAccount record, when the input declares it.
  const k8s::ServiceAccount* FindServiceAccount(const SubjectKey& sa) const;

  /// Problems found while resolving (aggregation cycles), as located
  /// warnings; the caller reports them.
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  void ResolveBindings();
  void Aggregate();
  void IndexWorkloads();

  const Model& model_;
  std::vector<std::optional<std::uint32_t>> binding_role_;
  std::vector<std::vector<RuleRef>> effective_;
  std::vector<std::vector<std::uint32_t>> aggregated_into_;
  std::map<std::string, std::vector<std::uint32_t>> rolebindings_by_ns_;
  std::vector<std::uint32_t> clusterrolebindings_;
  std::map<SubjectKey, std::vector<std::uint32_t>> workloads_by_sa_;
  std::map<SubjectKey, std::uint32_t> sa_records_;
  std::vector<SubjectKey> all_sas_;
  std::map<std::string, std::vector<SubjectKey>> sas_by_ns_;
  std::vector<Diagnostic> diagnostics_;
};

/// Every rule that reaches `user`, by scope ("" = cluster-wide, else the
/// binding's namespace), each with the grants (binding and subject entry)
/// through which it does: `k8s permissions`.
using Permissions = std::map<std::string, std::map<RuleRef, std::vector<Grant>>>;
Permissions PermissionsOf(const Engine& engine, const UserInfo& user);

}  // namespace grantpath::rbac

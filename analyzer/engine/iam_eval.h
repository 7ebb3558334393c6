// Concrete IAM request evaluation: the documented policy evaluation logic
// over identity policies, permissions boundaries, SCPs, resource-based
// policies and role trust policies, with every deciding statement located.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/iam_condition.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::iam {

/// Who makes a request.
struct Caller {
  enum class Kind : std::uint8_t { kUser, kRole, kAccount, kService, kFederated, kAnonymous };
  Kind kind = Kind::kAnonymous;
  std::string arn;        // user or role ARN; the account root for kAccount
  std::string account;    // 12-digit id, "" when unknown
  std::string name;       // user or role name
  std::string value;      // service or federated provider name
  std::optional<std::size_t> principal;  // Model::iam_principals index when known
  std::string Display() const;
};

struct Request {
  Caller caller;
  std::string action;
  std::string resource;
  Context context;  // lower-case keys
};

enum class PolicyRole : std::uint8_t { kIdentity, kBoundary, kScp, kResource, kTrust };
const char* PolicyRoleName(PolicyRole r);

/// One statement that took part in a decision.
struct StatementRef {
  std::size_t policy = 0;     // Model::iam_policies index
  std::size_t statement = 0;  // index in the document
  PolicyRole role = PolicyRole::kIdentity;
  bool allow = true;
  Tri result = Tri::kTrue;    // kUnknown: could not be decided (see note)
  std::string note;
};

enum class Decision : std::uint8_t { kAllow, kDeny, kUnknown };
const char* DecisionName(Decision d);

struct Evaluation {
  Decision decision = Decision::kDeny;
  bool explicit_deny = false;
  /// Statements that matched the request (or could not be decided), in
  /// evaluation order: denies first, then allows.
  std::vector<StatementRef> statements;
  /// Why, in words: which requirement failed, which inputs were missing.
  std::vector<std::string> reasons;
  /// What was assumed for something the input lacks (a KMS key's default
  /// key policy), in words.
  std::vector<std::string> assumptions;
};

/// The IAM view of a model: principals by ARN and name, managed policies by
/// ARN, the policies that apply to each principal, SCP levels.
class Account {
 public:
  /// Reports unresolved references (managed policy ARNs or groups that the
  /// input does not define) to `sink` when given.
  Account(const Model& model, DiagnosticSink* sink);

  const Model& model() const { return model_; }
  /// A principal by ARN, or by name ("alice", "user/alice", "role/Admin").
  std::optional<std::size_t> FindPrincipal(const std::string& key) const;
  std::optional<std::size_t> FindManaged(const std::string& arn) const;
  /// Identity policies that apply to a principal: its inline and managed
  /// policies and, for a user, those of its groups.
  const std::vector<std::size_t>& IdentityPolicies(std::size_t principal) const {
    return identity_[principal];
  }
  /// Managed policy ARNs a principal attaches that the input lacks.
  const std::vector<std::string>& MissingPolicies(std::size_t principal) const {
    return missing_[principal];
  }
  std::optional<std::size_t> Boundary(std::size_t principal) const { return boundary_[principal]; }
  /// SCPs grouped by level (the directory they were read from).
  const std::vector<std::vector<std::size_t>>& ScpLevels() const { return scp_levels_; }
  /// Resource-based policies read from standalone documents.
  const std::vector<std::size_t>& ResourcePolicies() const { return resource_policies_; }
  /// The role whose ARN is `arn`, when the input defines it.
  std::optional<std::size_t> RoleByArn(const std::string& arn) const;

  /// The caller for a principal of the input.
  Caller CallerFor(std::size_t principal) const;
  /// A caller named by ARN, account id, service or "*" (anonymous): a
  /// principal of the input when it is one.
  Caller CallerFromString(const std::string& s) const;
  /// The context keys AWS derives from the caller: aws:PrincipalArn,
  /// aws:PrincipalAccount, aws:PrincipalType, aws:username and aws:userid
  /// (users), aws:PrincipalIsAWSService, aws:PrincipalServiceName (services).
  static Context DerivedContext(const Caller& c);

 private:
  const Model& model_;
  std::map<std::string, std::size_t> by_arn_;
  std::map<std::string, std::size_t> by_name_;  // "user/x", "role/x", "group/x" and bare names
  std::map<std::string, std::size_t> managed_;
  std::vector<std::vector<std::size_t>> identity_;
  std::vector<std::vector<std::string>> missing_;
  std::vector<std::optional<std::size_t>> boundary_;
  std::vector<std::vector<std::size_t>> scp_levels_;
  std::vector<std::size_t> resource_policies_;
};

/// The 12-digit account of an ARN ("" when it has none).
std::string ArnAccount(const std::string& arn);
bool IsAccountId(const std::string& s);

/// Whether a statement applies to a request. `variables`: the document's
/// Version enables policy variables. `role` decides whether Principal is
/// checked (resource and trust policies) and how a missing Resource reads
/// (trust policies name none).
Tri MatchStatement(const Statement& st, bool variables, PolicyRole role, const Request& req,
                   std::string* why);
/// Whether the Principal/NotPrincipal element names the caller.
bool MatchPrincipal(const Statement& st, const Caller& c);
bool ActionMatches(const Statement& st, const std::string& action);
/// Resource element match; `variables` enables substitution from `ctx`.
bool ResourceMatches(const Statement& st, bool variables, const std::string& resource,
                     const Context& ctx, bool missing_means_all);

/// True when the statement's Principal matches the caller only through an
/// account entry (an account id or :root ARN): such a resource-side allow
/// delegates to the account's identity policies.
bool NamesOnlyAccount(const Statement& st, const Caller& c);

/// The policies that take part in a request, and the facts that decide how
/// they combine.
struct RequestPolicies {
  bool has_identity = false;       // the caller is a principal of the input
  std::vector<std::size_t> identity;
  std::optional<std::size_t> boundary;
  std::vector<std::vector<std::size_t>> scp_levels;
  std::vector<std::size_t> resource;
  std::vector<std::size_t> trust;  // the target role's trust policy
  bool trust_required = false;     // sts:AssumeRole* on a role of the input
  /// A KMS key whose key policy is in the input: the key policy must allow,
  /// itself or by delegating to the account (as a trust policy does).
  bool key_policy_required = false;
  bool same_account = false;
  std::vector<std::string> assumptions;
};
RequestPolicies PoliciesFor(const Account& acct, const Request& req);

/// Allow/deny of one group of policies.
template <class V>
struct SideParts {
  V allow;
  V deny;
  V allow_specific;  // resource side: allows that name the caller itself
};
template <class V>
struct DecisionParts {
  SideParts<V> identity, resource, trust;
  std::optional<V> boundary;  // its allow
  V scp_ok;
  V deny;     // any explicit deny
  V allowed;  // the allow requirement, before deny
};

/// The evaluation logic, generic over the truth values: Tri for concrete
/// requests, solver terms for symbolic ones. `stmt(policy, statement, role)`
/// gives whether a statement applies.
template <class V, class Logic, class StmtFn>
DecisionParts<V> CombineDecision(const Logic& L, const Account& acct, const Request& req,
                                 const RequestPolicies& rp, StmtFn&& stmt) {
  auto side = [&](const std::vector<std::size_t>& pols, PolicyRole role) {
    SideParts<V> s{L.F(), L.F(), L.F()};
    for (std::size_t pi : pols) {
      const Policy& p = acct.model().iam_policies[pi];
      for (std::size_t si = 0; si < p.document.statements.size(); ++si) {
        const Statement& st = p.document.statements[si];
        V t = stmt(pi, si, role);
        if (st.allow) {
          s.allow = L.Or(s.allow, t);
          if ((role == PolicyRole::kResource || role == PolicyRole::kTrust) &&
              !NamesOnlyAccount(st, req.caller))
            s.allow_specific = L.Or(s.allow_specific, t);
        } else {
          s.deny = L.Or(s.deny, t);
        }
      }
    }
    return s;
  };
  DecisionParts<V> d{side(rp.identity, PolicyRole::kIdentity), side(rp.resource, PolicyRole::kResource),
                     side(rp.trust, PolicyRole::kTrust), std::nullopt, L.T(), L.F(), L.F()};
  V deny = L.Or(L.Or(d.identity.deny, d.resource.deny), d.trust.deny);
  if (rp.boundary) {
    SideParts<V> b = side({*rp.boundary}, PolicyRole::kBoundary);
    d.boundary = b.allow;
    deny = L.Or(deny, b.deny);
  }
  for (const auto& level : rp.scp_levels) {
    SideParts<V> s = side(level, PolicyRole::kScp);
    d.scp_ok = L.And(d.scp_ok, s.allow);
    deny = L.Or(deny, s.deny);
  }
  d.deny = deny;
  V boundary_ok = d.boundary ? *d.boundary : L.T();
  V identity_ok = L.And(d.identity.allow, boundary_ok);
  const SideParts<V>& rs = rp.trust_required ? d.trust : d.resource;
  const Caller& c = req.caller;
  V allowed = L.F();
  if (!rp.has_identity && c.kind != Caller::Kind::kAccount) {
    // Anonymous, service and federated callers and principals outside the
    // input: only resource-side policies can allow.
    allowed = rs.allow;
  } else if (rp.same_account) {
    // Same account: identity or resource side suffices. A resource-side
    // allow naming a user is not limited by the boundary; one naming a role
    // is; one naming only the account delegates to identity policies.
    V by_resource = c.kind == Caller::Kind::kUser ? rs.allow_specific
                                                   : L.And(rs.allow_specific, boundary_ok);
    if (rp.trust_required || rp.key_policy_required) allowed = L.Or(by_resource, L.And(rs.allow, identity_ok));
    else allowed = L.Or(identity_ok, by_resource);
  } else {
    // Cross-account: both sides must allow.
    allowed = L.And(identity_ok, rs.allow);
  }
  d.allowed = L.And(allowed, d.scp_ok);
  return d;
}

/// Evaluates a request the way AWS does. Context keys not in
/// `req.context` are absent, except the derived ones (DerivedContext),
/// which are added when missing.
Evaluation Evaluate(const Account& account, const Request& req);

inline bool VariablesEnabled(const PolicyDocument& d) { return d.version == "2012-10-17"; }

}  // namespace grantpath::iam

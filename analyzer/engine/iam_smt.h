// Symbolic IAM questions on Z3: is a request allowed under some context,
// does one policy allow something another does not, does a policy grant
// given actions, is a resource policy public. Every answer that is "yes"
// comes with a concrete witness request, replayed through the concrete
// evaluator before it is reported; each query asserts in its own scope of
// a shared solver, with a time limit, and what cannot be decided is UNKNOWN
// with a reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/iam_eval.h"

namespace grantpath::iam::smt {

enum class Sat : std::uint8_t { kSat, kUnsat, kUnknown };
const char* SatName(Sat s);

/// Something the encoding could not model exactly, with where it was
/// written. A query that meets one answers UNKNOWN unless its witness
/// replays concretely.
struct Unknown {
  std::string reason;
  SourceRange where;
};

struct Result {
  Sat sat = Sat::kUnknown;
  Request witness;               // when kSat
  std::vector<Unknown> unknowns; // why kUnknown (or notes on a kSat)
};

struct Options {
  unsigned timeout_ms = 10000;
};

/// Whether the request is allowed for some context: the keys given in
/// req.context (and those derived from the caller) are fixed, every other
/// key may take any value or be absent. kSat: the witness context allows it.
Result AllowedForSomeContext(const Account& acct, const Request& req, const Options& opt = {});

/// The same for one standalone document: caller, action and resource
/// fixed, keys not in req.context free.
Result DocumentAllowedForSomeContext(const PolicyDocument& doc, PolicyRole role, const Request& req,
                                     const Options& opt = {});

/// What `role` means for a standalone document: identity policies match
/// any caller; resource policies check Principal.
/// kSat when some request is allowed by `a` and not by `b` (the witness).
/// Action, resource, caller (resource policies) and context are all free.
Result Difference(const PolicyDocument& a, const PolicyDocument& b, PolicyRole role,
                  const Options& opt = {});

/// kSat when the document allows one of `actions` (IAM patterns) on one of
/// `resources` (ARN patterns; empty: any resource) for some caller and
/// context.
Result GrantsAccess(const PolicyDocument& doc, PolicyRole role,
                    const std::vector<std::string>& actions,
                    const std::vector<std::string>& resources, const Options& opt = {});

/// kSat when a resource policy allows some request from outside: an
/// anonymous caller or an AWS principal of an account that is neither
/// `owner` nor named by the policy (granting to a named account is
/// cross-account access, not public access), with the
/// keys that identify the caller's network and organization (aws:SourceIp,
/// aws:SourceVpc(e), aws:PrincipalOrgID, aws:SourceAccount, ...) absent or,
/// for IP keys compared with a /0 range, any address.
/// `role`: kResource, or kTrust for a role trust policy.
Result PublicAccess(const PolicyDocument& doc, const std::string& owner, const Options& opt = {},
                    PolicyRole role = PolicyRole::kResource);

/// What the solver questions of this process cost (every public function
/// above that reached the solver counts once): for `--timings` and the
/// benchmarks. `slowest` describes the slowest question.
struct Stats {
  std::size_t questions = 0;
  double total_ms = 0;
  double max_ms = 0;
  std::string slowest;
  SourceRange slowest_where;  // the policy asked about, when one is
};
const Stats& SolverStats();

/// The concrete decision of one standalone document for a request
/// (identity: any caller; resource: Principal checked).
Decision DocumentDecision(const PolicyDocument& doc, PolicyRole role, const Request& req);

}  // namespace grantpath::iam::smt

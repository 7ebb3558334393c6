// The IAM questions the CLI asks: may this request be allowed (can-i), and
// who may make it (who-can). The CLI formats the answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/iam_eval.h"
#include "engine/iam_smt.h"

namespace grantpath::iam {

struct Answer {
  Evaluation evaluation;            // under the context given
  std::optional<smt::Result> any;   // with any_context, when the evaluation does not allow
  /// "allow", "deny", "unknown", or "conditional" (allowed under the
  /// solver's witness context).
  std::string decision;
  std::vector<StatementRef> statements;  // those that decide (the witness's when conditional)
  /// Keys of the given context that a request for the action never
  /// carries (service keys of another action): left out of the request.
  std::vector<std::string> ignored_context;
};

/// The keys of `request.context` that the action catalog says a request
/// for `request.action` never carries (Catalog::KeyMayBePresent).
std::vector<std::string> KeysNotInRequest(const Request& request);

/// Evaluates the request without the keys KeysNotInRequest names; with
/// `any_context`, a decision other than allow is asked again over every
/// context the request leaves free (keys the action never carries stay
/// absent).
Answer Decide(const Account& account, const Request& request, bool any_context, unsigned timeout_ms);

/// Whom who-can asks about: the input's users and roles, then every
/// principal a resource or trust policy names (anonymous, services,
/// federated identities, ARNs), each once.
std::vector<Caller> WhoCanCandidates(const Account& account);

}  // namespace grantpath::iam

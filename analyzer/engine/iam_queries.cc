#include "engine/iam_queries.h"

#include <set>

#include "engine/aws_catalog.h"

namespace grantpath::iam {

std::vector<std::string> KeysNotInRequest(const Request& req) {
  std::vector<std::string> out;
  for (const auto& [k, v] : req.context)
    if (k.rfind("aws:", 0) != 0 && !aws::Catalog::Get().KeyMayBePresent(req.action, k)) out.push_back(k);
  return out;
}

Answer Decide(const Account& acct, const Request& given, bool any_context, unsigned timeout_ms) {
  Answer a;
  a.ignored_context = KeysNotInRequest(given);
  Request req = given;
  for (const auto& k : a.ignored_context) req.context.erase(k);
  a.evaluation = Evaluate(acct, req);
  a.decision = DecisionName(a.evaluation.decision);
  a.statements = a.evaluation.statements;
  // A deny (explicit or not) under the given context may not hold under
  // another: ask the solver.
  if (any_context && a.evaluation.decision != Decision::kAllow) {
    a.any = smt::AllowedForSomeContext(acct, req, {timeout_ms});
    if (a.any->sat == smt::Sat::kSat) {
      a.decision = "conditional";
      a.statements = Evaluate(acct, a.any->witness).statements;
    } else if (a.any->sat == smt::Sat::kUnknown) {
      a.decision = "unknown";
    }
  }
  return a;
}

std::vector<Caller> WhoCanCandidates(const Account& acct) {
  const Model& m = acct.model();
  std::vector<Caller> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m.iam_principals.size(); ++i)
    if (m.iam_principals[i].type != PrincipalType::kGroup && seen.insert(m.iam_principals[i].arn).second)
      out.push_back(acct.CallerFor(i));
  for (const auto& pol : m.iam_policies) {
    if (pol.kind != PolicyKind::kResource && pol.kind != PolicyKind::kTrust) continue;
    for (const auto& st : pol.document.statements)
      for (const auto& e : st.principals)
        for (const auto& v : e.values) {
          Caller c;
          if (e.type == "*" || v.value == "*") {
            c.kind = Caller::Kind::kAnonymous;
          } else if (e.type == "Service") {
            c.kind = Caller::Kind::kService;
            c.value = v.value;
          } else if (e.type == "Federated" || e.type == "CanonicalUser") {
            c.kind = Caller::Kind::kFederated;
            c.value = v.value;
          } else {
            c = acct.CallerFromString(v.value);
          }
          if (seen.insert(c.Display()).second) out.push_back(c);
        }
  }
  return out;
}

}  // namespace grantpath::iam

// What the iam-* rules share when they build a finding: how an allowing
// statement is named in a related location, and the grouping key that makes
// the findings of principals sharing the same allowing statements one
// finding (rules/grouping.h).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "engine/iam_eval.h"
#include "grantpath/finding.h"
#include "grantpath/model/model.h"
#include "grantpath/rule.h"

namespace grantpath::rules {

/// "identity policy 'P' statement 3 (Sid)".
inline std::string StatementLabel(const Model& m, const iam::StatementRef& s) {
  const iam::Policy& p = m.iam_policies[s.policy];
  const iam::Statement& st = p.document.statements[s.statement];
  std::string name = !p.name.empty() ? p.name : p.arn;
  return std::string(iam::PolicyRoleName(s.role)) + " policy '" + name + "' statement " +
         std::to_string(s.statement) + (st.sid.empty() ? "" : " (" + st.sid + ")");
}

/// A related location per statement: "LABEL allows ACTION".
inline void AddStatementLocations(const Model& m, const std::vector<iam::StatementRef>& statements,
                                  const std::string& action, Finding& f) {
  for (const auto& s : statements)
    f.related.push_back({m.iam_policies[s.policy].document.statements[s.statement].where,
                         StatementLabel(m, s) + " allows " + action});
}

/// Groups the finding with those of other principals (and, with a
/// `label`, other variants of the same principal) that rest on exactly the
/// same allowing statements: a managed or group policy shared by many
/// principals gives one finding that names them all.
inline void SetStatementGroup(const Model& m, const std::vector<iam::StatementRef>& statements,
                              const std::string& subject, const std::string& label, Finding& f) {
  std::vector<std::string> ids;
  for (const auto& s : statements) {
    const iam::Policy& p = m.iam_policies[s.policy];
    std::string id = !p.arn.empty()         ? p.arn
                     : !p.owner_arn.empty() ? p.owner_arn + "/" + p.name
                                            : p.where.file + ":" + p.name;
    ids.push_back(id + "#" + std::to_string(s.statement) + "#" + iam::PolicyRoleName(s.role));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  f.group_key = f.rule ? std::string(f.rule->id) : std::string();
  for (const auto& id : ids) f.group_key += "|" + id;
  f.group_subject = subject;
  f.group_label = label;
}

}  // namespace grantpath::rules

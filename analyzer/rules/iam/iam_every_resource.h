// Shared by the iam-* rules that ask "may this principal (or policy) do one
// of these actions on every resource of its kind?": each action is tried
// on a resource no policy names, confirmed by the evaluator, and the
// finding carries the allowing statements and the request as witness.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/aws_catalog.h"
#include "engine/context.h"
#include "engine/iam_analysis.h"
#include "engine/iam_match.h"
#include "rules/iam/iam_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {

/// (action, resource template with {acct} for the subject's account).
using ActionProbe = std::pair<const char*, const char*>;

/// One finding per non-admin subject that may do some of `probes` on every
/// resource; `unconditioned`: grants that need a condition do not count.
/// `what` completes "SUBJECT may ...".
inline void EveryResourceFindings(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out,
                                  const std::vector<ActionProbe>& probes, bool unconditioned,
                                  const std::string& what) {
  auto& a = ctx.Iam();
  const auto& admins = a.Admins();
  const auto& cat = aws::Catalog::Get();
  const Model& m = ctx.model();
  for (std::size_t i = 0; i < a.subjects().size(); ++i) {
    if (admins[i]) continue;  // iam-admin-equivalent says more
    const iam::Subject& s = a.subjects()[i];
    std::vector<std::string> acts;
    std::optional<iam::Grant> first;
    for (const auto& [act, res] : probes) {
      auto idx = cat.Find(act);
      if (!idx || !s.star.Test(*idx)) continue;
      std::string r = res;
      if (auto k = r.find("{acct}"); k != std::string::npos) r.replace(k, 6, a.AccountOf(s));
      auto g = a.Confirm(s, act, {r});
      if (!g || g->request.resource != r || (unconditioned && g->conditional)) continue;
      acts.push_back(act);
      if (!first) first = std::move(g);
    }
    if (acts.empty()) continue;
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    f.primary = s.where;
    f.entity = s.entity;
    std::string list;
    for (const auto& x : acts) list += (list.empty() ? "" : ", ") + x;
    f.message = s.display + " may " + what + " on every resource: " + list +
                (first->conditional ? " (under conditions: see the witness context)" : "");
    AddStatementLocations(m, first->statements, first->request.action, f);
    f.witness.kind = "iam-request";
    iam::GrantWitness(*first, &f.witness.fields);
    SetStatementGroup(m, first->statements, s.display, list, f);
    out.Add(std::move(f));
  }
}

}  // namespace grantpath::rules

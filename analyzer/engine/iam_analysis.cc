#include "engine/iam_analysis.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <bit>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/aws_catalog.h"
#include "engine/iam_match.h"

namespace grantpath::iam {

void ActionBits::Or(const ActionBits& o) {
  for (std::size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i];
}
void ActionBits::AndNot(const ActionBits& o) {
  for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= ~o.words_[i];
}
void ActionBits::And(const ActionBits& o) {
  for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
}
std::size_t ActionBits::Count() const {
  std::size_t n = 0;
  for (auto w : words_) n += static_cast<std::size_t>(std::popcount(w));
  return n;
}

namespace {

constexpr const char* kPlaceholderAccount = "123456789012";

// Catalog matches of action patterns, cached (patterns repeat a lot
// across managed policies).
class PatternCache {
 public:
  const ActionBits& Get(const std::string& pattern) {
    std::string key = ToLower(pattern);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    const auto& cat = aws::Catalog::Get();
    ActionBits b(cat.actions().size());
    for (auto i : cat.Match(key)) b.Set(i);
    return cache_.emplace(key, std::move(b)).first->second;
  }

 private:
  std::unordered_map<std::string, ActionBits> cache_;
};

bool IsStar(const Statement& st) {
  if (!st.has_resource) return false;
  if (st.not_resource) return false;
  for (const auto& r : st.resources)
    if (r.value == "*") return true;
  return false;
}

// Allowed/denied action sets of some policies.
struct PolicyBits {
  ActionBits allow_any, allow_star, deny_all;
  bool open_world = false;
};

PolicyBits BitsOf(const Model& m, const std::vector<std::size_t>& pols, PatternCache& cache) {
  std::size_t n = aws::Catalog::Get().actions().size();
  PolicyBits pb{ActionBits(n), ActionBits(n), ActionBits(n)};
  for (std::size_t pi : pols) {
    for (const auto& st : m.iam_policies[pi].document.statements) {
      ActionBits acts(n);
      for (const auto& a : st.actions) acts.Or(cache.Get(a.value));
      if (st.not_action) {
        ActionBits all(n);
        all.Or(cache.Get("*"));
        all.AndNot(acts);
        acts = all;
      }
      if (st.allow) {
        if (!st.has_resource) continue;  // invalid in an identity policy
        pb.allow_any.Or(acts);
        bool star = IsStar(st) || (st.not_resource && !st.resources.empty());
        if (IsStar(st)) pb.allow_star.Or(acts);
        bool all_actions = st.not_action;
        for (const auto& a : st.actions) all_actions |= a.value.find_first_not_of('*') == std::string::npos;
        if (all_actions && star) pb.open_world = true;
      } else if (st.conditions.empty() && IsStar(st)) {
        pb.deny_all.Or(acts);
      }
    }
  }
  return pb;
}

std::string FillGlob(const std::string& v) {
  std::string out;
  for (char c : v) out += (c == '*' || c == '?') ? std::string("x") : std::string(1, c);
  return out;
}

// A context under which the statement's conditions hold, guessed from its
// own values (the first value of each positive condition; negated and
// ForAllValues conditions hold on an absent key). Keys already in `ctx`
// stay. nullopt when a condition is beyond guessing (time keys, whose
// values must not lie in the past, and variables): the solver decides those.
std::optional<Context> GuessContext(const Statement& st, Context ctx) {
  // Null checks last: a value another condition wants wins over "x".
  std::vector<const Condition*> order;
  for (const auto& c : st.conditions)
    if (c.op.value != "Null") order.push_back(&c);
  for (const auto& c : st.conditions)
    if (c.op.value == "Null") order.push_back(&c);
  for (const Condition* cp : order) {
    const Condition& c = *cp;
    auto op = ParseOperator(c.op.value);
    if (!op || c.values.empty()) return std::nullopt;
    std::string k = ToLower(c.key.value);
    if (ctx.count(k)) continue;
    if (k == "aws:currenttime" || k == "aws:epochtime" || k == "aws:tokenissuetime") return std::nullopt;
    std::string v = c.values.front().value;
    if (HasVariables(v)) {
      auto sub = SubstituteVariables(v, [&](const std::string& key) -> std::optional<std::string> {
        auto it = ctx.find(ToLower(key));
        if (it == ctx.end() || it->second.empty()) return std::nullopt;
        return it->second.front();
      });
      if (!sub) return std::nullopt;
      v.clear();
      for (char ch : *sub) v.push_back(ch == kLiteralStar ? '*' : ch == kLiteralQuestion ? '?' : ch);
    }
    if (op->family == OpFamily::kNull) {
      if (ToLower(v) == "false") ctx[k] = {"x"};
      continue;
    }
    if (op->negated || op->set == SetQualifier::kForAllValues) continue;
    std::string value;
    switch (op->family) {
      case OpFamily::kNumeric:
      case OpFamily::kDate: {
        char* end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        if (end == v.c_str() || *end != '\0') {
          if (op->family != OpFamily::kDate || op->cmp != Cmp::kEquals) return std::nullopt;
          value = v;
          break;
        }
        if (op->cmp == Cmp::kLessThan) d -= 1;
        if (op->cmp == Cmp::kGreaterThan) d += 1;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", d);
        value = buf;
        break;
      }
      case OpFamily::kIp: {
        std::string a = v.substr(0, v.find('/'));
        value = a;
        break;
      }
      case OpFamily::kString:
      case OpFamily::kArn:
        value = op->cmp == Cmp::kLike ? FillGlob(v) : v;
        break;
      default:
        value = v;
    }
    ctx[k] = {value};
  }
  return ctx;
}

}  // namespace

std::string ExampleResource(const std::string& pattern, const std::string& account) {
  if (pattern == "*") return "*";
  auto fill = [](const std::string& p, const std::string& star) {
    std::string out;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '$' && i + 1 < p.size() && p[i + 1] == '{') {
        std::size_t close = p.find('}', i);
        out += "grantpath-other";
        if (close == std::string::npos) break;
        i = close;
      } else if (p[i] == '*') {
        out += star;
      } else if (p[i] == '?') {
        out += "x";
      } else {
        out.push_back(p[i]);
      }
    }
    return out;
  };
  auto parts = SplitArn(pattern);
  if (!parts || pattern.rfind("arn:", 0) != 0) return fill(pattern, "grantpath-example");
  const auto& v = *parts;
  return "arn:" + fill(v[1], "aws") + ":" + fill(v[2], "grantpath-example") + ":" +
         (v[3] == "*" ? std::string("us-east-1") : fill(v[3], "1")) + ":" +
         (v[4] == "*" ? account : fill(v[4], "1")) + ":" + fill(v[5], "grantpath-example");
}

Analysis::Analysis(const Model& model, DiagnosticSink& sink) : model_(model), sink_(sink) {
  account_ = std::make_unique<Account>(model, &sink);
  // Diagnostics of what the engine cannot model or reads ambiguously.
  for (const auto& p : model.iam_policies) {
    for (const auto& st : p.document.statements) {
      for (const auto& c : st.conditions)
        if (!ParseOperator(c.op.value))
          sink.Warning("unsupported-construct",
                       "unknown condition operator '" + c.op.value +
                           "': statements using it are undecided (unknown), never allow or deny",
                       c.op.where);
      for (const auto& r : st.resources) {
        const std::string& v = r.value;
        if (v.rfind("arn:", 0) != 0 || v == "*") continue;
        auto parts = SplitArn(v);
        if (!parts && HasWildcard(v))
          sink.Warning("ambiguous-pattern",
                       "ARN pattern '" + v + "' has fewer than six segments: its final wildcard is read as "
                       "covering the missing segments (each '*' in the first five segments never spans a ':')",
                       r.where);
      }
    }
  }
  PatternCache cache;
  for (std::size_t i = 0; i < model.iam_principals.size(); ++i) {
    const Principal& p = model.iam_principals[i];
    Subject s;
    s.kind = Subject::Kind::kPrincipal;
    s.index = i;
    const char* word = p.type == PrincipalType::kUser ? "user" : p.type == PrincipalType::kGroup ? "group" : "role";
    s.display = std::string(word) + " '" + p.name + "'";
    s.entity = p.arn.empty() ? std::string(word) + "/" + p.name : p.arn;
    s.where = p.where;
    std::vector<std::size_t> pols = p.type == PrincipalType::kGroup ? p.inline_policies : account_->IdentityPolicies(i);
    if (p.type == PrincipalType::kGroup)
      for (const auto& arn : p.managed_policy_arns)
        if (auto mi = account_->FindManaged(arn)) pols.push_back(*mi);
    PolicyBits b = BitsOf(model, pols, cache);
    s.any = b.allow_any;
    s.star = b.allow_star;
    s.open_world = b.open_world;
    s.any.AndNot(b.deny_all);
    s.star.AndNot(b.deny_all);
    if (auto bd = account_->Boundary(i)) {
      PolicyBits bb = BitsOf(model, {*bd}, cache);
      s.any.And(bb.allow_any);
      s.star.And(bb.allow_any);
      s.any.AndNot(bb.deny_all);
      s.star.AndNot(bb.deny_all);
      s.open_world = s.open_world && bb.open_world;
    }
    subjects_.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < model.iam_policies.size(); ++i) {
    const Policy& p = model.iam_policies[i];
    if (p.kind != PolicyKind::kIdentity || !p.owner_arn.empty() || !p.arn.empty()) continue;
    Subject s;
    s.kind = Subject::Kind::kPolicy;
    s.index = i;
    s.display = "policy '" + p.name + "'";
    s.entity = "policy/" + p.name;
    s.where = p.document.where.known() ? p.document.where : p.where;
    PolicyBits b = BitsOf(model, {i}, cache);
    s.any = b.allow_any;
    s.star = b.allow_star;
    s.open_world = b.open_world;
    s.any.AndNot(b.deny_all);
    s.star.AndNot(b.deny_all);
    subjects_.push_back(std::move(s));
  }
}

Analysis::~Analysis() = default;

std::string Analysis::AccountOf(const Subject& s) const {
  if (s.kind == Subject::Kind::kPrincipal) {
    std::string a = ArnAccount(model_.iam_principals[s.index].arn);
    if (!a.empty()) return a;
  }
  return kPlaceholderAccount;
}

std::optional<Grant> Analysis::Confirm(const Subject& s, const std::string& action,
                                       const std::vector<std::string>& resources) const {
  std::string key = s.entity + "\n" + ToLower(action);
  for (const auto& r : resources) key += "\n" + r;
  auto it = confirmed_.find(key);
  if (it != confirmed_.end()) return it->second;
  auto g = ConfirmUncached(s, action, resources);
  confirmed_.emplace(key, g);
  return g;
}

std::optional<Grant> Analysis::ConfirmUncached(const Subject& s, const std::string& action,
                                               const std::vector<std::string>& resources) const {
  // Fast path: a principal allowed outright on the first resource given.
  if (s.kind == Subject::Kind::kPrincipal && !resources.empty() &&
      model_.iam_principals[s.index].type != PrincipalType::kGroup) {
    Grant g;
    g.request.caller = account_->CallerFor(s.index);
    g.request.action = action;
    g.request.resource = resources.front();
    g.request.context = Account::DerivedContext(g.request.caller);
    Evaluation ev = Evaluate(*account_, g.request);
    if (ev.decision == Decision::kAllow) {
      for (const auto& st : ev.statements)
        if (st.allow) g.statements.push_back(st);
      return g;
    }
  }
  std::string acct = AccountOf(s);
  // Candidate resources: the given ones, then instances of the patterns of
  // the statements that could allow the action.
  std::vector<std::string> cands = resources;
  std::vector<std::size_t> pols;
  if (s.kind == Subject::Kind::kPolicy) pols = {s.index};
  else if (model_.iam_principals[s.index].type == PrincipalType::kGroup) pols = model_.iam_principals[s.index].inline_policies;
  else pols = account_->IdentityPolicies(s.index);
  for (std::size_t pi : pols)
    for (const auto& st : model_.iam_policies[pi].document.statements)
      if (st.allow && ActionMatches(st, action) && !st.not_resource)
        for (const auto& r : st.resources)
          cands.push_back(r.value == "*" ? aws::Catalog::Get().ExampleArn(action, acct) : ExampleResource(r.value, acct));
  // An ARN of the action's own resource type, then "*".
  cands.push_back(aws::Catalog::Get().ExampleArn(action, acct));
  if (cands.empty()) cands.push_back("*");
  std::sort(cands.begin() + static_cast<long>(resources.size()), cands.end());
  cands.erase(std::unique(cands.begin() + static_cast<long>(resources.size()), cands.end()), cands.end());
  if (cands.size() > 8) cands.resize(8);
  // Policies on their own (a standalone policy, a group's): what a holder
  // of them may do. A principal: the full evaluation.
  bool doc_mode = s.kind == Subject::Kind::kPolicy || model_.iam_principals[s.index].type == PrincipalType::kGroup;
  PolicyDocument merged;
  const PolicyDocument* doc = nullptr;
  if (doc_mode) {
    if (s.kind == Subject::Kind::kPolicy) {
      doc = &model_.iam_policies[s.index].document;
    } else {
      for (std::size_t pi : pols)
        for (const auto& st : model_.iam_policies[pi].document.statements) merged.statements.push_back(st);
      merged.version = "2012-10-17";
      doc = &merged;
    }
  }
  auto holder = [&] {
    Caller c;
    c.kind = Caller::Kind::kUser;
    c.arn = "arn:aws:iam::" + acct + ":user/grantpath-policy-holder";
    c.account = acct;
    c.name = "grantpath-policy-holder";
    return c;
  };
  auto finish = [&](Grant g) {
    if (doc_mode) {
      for (std::size_t pi : pols) {
        const auto& d = model_.iam_policies[pi].document;
        for (std::size_t si = 0; si < d.statements.size(); ++si)
          if (d.statements[si].allow &&
              MatchStatement(d.statements[si], VariablesEnabled(d), PolicyRole::kIdentity, g.request, nullptr) == Tri::kTrue)
            g.statements.push_back({pi, si, PolicyRole::kIdentity, true, Tri::kTrue, ""});
      }
    } else {
      for (const auto& st : Evaluate(*account_, g.request).statements)
        if (st.allow) g.statements.push_back(st);
    }
    return g;
  };
  // Concrete requests first, on every candidate resource.
  for (const auto& res : cands) {
    Grant g;
    g.request.action = action;
    g.request.resource = res;
    g.request.caller = doc_mode ? holder() : account_->CallerFor(s.index);
    g.request.context = Account::DerivedContext(g.request.caller);
    Decision d = doc_mode ? smt::DocumentDecision(*doc, PolicyRole::kIdentity, g.request)
                          : Evaluate(*account_, g.request).decision;
    if (d == Decision::kAllow) return finish(std::move(g));
  }
  // Then some context, on the first candidate resources (the solver), when
  // a statement that could allow it depends on the context at all.
  bool context_matters = false;
  for (std::size_t pi : pols)
    for (const auto& st : model_.iam_policies[pi].document.statements)
      if (st.allow && ActionMatches(st, action) && !st.conditions.empty()) context_matters = true;
  for (std::size_t pi : pols)
    for (const auto& st : model_.iam_policies[pi].document.statements)
      if (st.allow && ActionMatches(st, action))
        for (const auto& r : st.resources) context_matters |= HasVariables(r.value);
  if (!doc_mode && !context_matters) {
    // Boundaries, SCPs, resource and trust policies can depend on the
    // context too: only those statements that match the action count.
    Request probe;
    probe.caller = account_->CallerFor(s.index);
    probe.action = action;
    probe.resource = cands.front();
    RequestPolicies rp = PoliciesFor(*account_, probe);
    std::vector<std::size_t> others = rp.resource;
    others.insert(others.end(), rp.trust.begin(), rp.trust.end());
    if (rp.boundary) others.push_back(*rp.boundary);
    for (const auto& level : rp.scp_levels) others.insert(others.end(), level.begin(), level.end());
    for (std::size_t pi : others)
      for (const auto& st : model_.iam_policies[pi].document.statements) {
        if (!ActionMatches(st, action)) continue;
        if (!st.conditions.empty()) context_matters = true;
        for (const auto& r : st.resources) context_matters |= HasVariables(r.value);
      }
    // Denies with conditions in the identity policies can lift as well.
    for (std::size_t pi : pols)
      for (const auto& st : model_.iam_policies[pi].document.statements)
        if (!st.allow && ActionMatches(st, action) && !st.conditions.empty()) context_matters = true;
  }
  if (!context_matters) return std::nullopt;
  // Guess a context from each allowing statement's own condition values,
  // and keep it when the request then evaluates to allow. First all of them
  // together (identity, boundary, SCP and resource-side statements may each
  // need one), then one statement at a time.
  for (std::size_t k = 0; k < cands.size() && k < 2; ++k) {
    Grant g;
    g.request.action = action;
    g.request.resource = cands[k];
    g.request.caller = doc_mode ? holder() : account_->CallerFor(s.index);
    std::vector<std::size_t> all = pols;
    if (!doc_mode) {
      RequestPolicies rp = PoliciesFor(*account_, g.request);
      all.insert(all.end(), rp.resource.begin(), rp.resource.end());
      all.insert(all.end(), rp.trust.begin(), rp.trust.end());
      if (rp.boundary) all.push_back(*rp.boundary);
      for (const auto& level : rp.scp_levels) all.insert(all.end(), level.begin(), level.end());
    }
    std::optional<Context> ctx = Account::DerivedContext(g.request.caller);
    for (std::size_t pi : all)
      for (const auto& st : model_.iam_policies[pi].document.statements)
        if (ctx && st.allow && !st.conditions.empty() && ActionMatches(st, action)) ctx = GuessContext(st, *ctx);
    if (!ctx) break;
    g.request.context = *ctx;
    Decision d = doc_mode ? smt::DocumentDecision(*doc, PolicyRole::kIdentity, g.request)
                          : Evaluate(*account_, g.request).decision;
    if (d == Decision::kAllow) {
      g.conditional = true;
      return finish(std::move(g));
    }
  }
  for (std::size_t k = 0; k < cands.size() && k < 2; ++k) {
    for (std::size_t pi : pols)
      for (const auto& st : model_.iam_policies[pi].document.statements) {
        if (!st.allow || st.conditions.empty() || !ActionMatches(st, action)) continue;
        Grant g;
        g.request.action = action;
        g.request.resource = cands[k];
        g.request.caller = doc_mode ? holder() : account_->CallerFor(s.index);
        auto ctx = GuessContext(st, Account::DerivedContext(g.request.caller));
        if (!ctx) continue;
        g.request.context = *ctx;
        Decision d = doc_mode ? smt::DocumentDecision(*doc, PolicyRole::kIdentity, g.request)
                              : Evaluate(*account_, g.request).decision;
        if (d != Decision::kAllow) continue;
        g.conditional = true;
        return finish(std::move(g));
      }
  }
  for (std::size_t k = 0; k < cands.size() && k < 2; ++k) {
    Grant g;
    g.request.action = action;
    g.request.resource = cands[k];
    g.request.caller = doc_mode ? holder() : account_->CallerFor(s.index);
    smt::Result r;
    auto turn = SolverTurn(s.display + ": whether it may " + action + " on " + cands[k] + " under some context",
                           s.where);
    if (!turn) continue;
    auto start = std::chrono::steady_clock::now();
    if (doc_mode) {
      g.request.context = Account::DerivedContext(g.request.caller);
      r = smt::DocumentAllowedForSomeContext(*doc, PolicyRole::kIdentity, g.request, *turn);
    } else {
      r = smt::AllowedForSomeContext(*account_, g.request, *turn);
    }
    SolverSpent(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (r.sat == smt::Sat::kUnknown) {
      // Neither allow nor deny: say so rather than drop it silently.
      std::string why = r.unknowns.empty() ? "the solver gave up" : r.unknowns.back().reason;
      SourceRange where = s.where;
      for (const auto& u : r.unknowns)
        if (u.where.known()) where = u.where;
      sink_.Warning("undecided", s.display + ": whether it may " + action + " on " + cands[k] +
                                     " under some context could not be decided (" + why +
                                     "); findings that need it are not reported",
                    where);
    }
    if (r.sat != smt::Sat::kSat) continue;
    g.request = r.witness;
    g.conditional = true;
    return finish(std::move(g));
  }
  return std::nullopt;
}

std::optional<smt::Options> Analysis::SolverTurn(const std::string& what, SourceRange where) const {
  if (solver_spent_ms_ >= limits_.budget_ms) {
    sink_.Warning("undecided", what + " was not decided: the solver budget of this run (" +
                                   std::to_string(limits_.budget_ms) +
                                   " ms, --solver-budget-ms) is spent; findings that need it are not reported",
                  where);
    return std::nullopt;
  }
  double left = limits_.budget_ms - solver_spent_ms_;
  return smt::Options{static_cast<unsigned>(std::max(1.0, std::min<double>(limits_.query_ms, left)))};
}

const std::vector<bool>& Analysis::Admins() const {
  if (admins_) return *admins_;
  std::vector<bool> out(subjects_.size(), false);
  for (std::size_t i = 0; i < subjects_.size(); ++i) {
    const Subject& s = subjects_[i];
    if (!s.star.All()) continue;
    out[i] = Confirm(s, "iam:AttachRolePolicy", {"arn:aws:iam::" + AccountOf(s) + ":role/grantpath-example"}).has_value();
  }
  admins_ = std::move(out);
  return *admins_;
}

const std::vector<Analysis::Hop>& Analysis::AdminPaths() const {
  if (hops_) return *hops_;
  const auto& prs = model_.iam_principals;
  std::vector<Hop> hops(prs.size());
  // Identity side, per principal: the Resource patterns of the statements
  // that may allow sts:AssumeRole (`open`: one that cannot be read as
  // patterns, such as NotResource or a variable).
  struct Side {
    std::vector<std::string> patterns;
    bool open = false;
    bool conditional = false;  // a statement that may decide it has conditions
  };
  std::vector<Side> side(prs.size());
  std::vector<std::size_t> callers;  // users and roles that may assume something
  for (std::size_t p = 0; p < prs.size(); ++p) {
    if (prs[p].type == PrincipalType::kGroup) continue;
    std::vector<std::size_t> pols = account_->IdentityPolicies(p);
    if (auto b = account_->Boundary(p)) pols.push_back(*b);
    for (const auto& level : account_->ScpLevels()) pols.insert(pols.end(), level.begin(), level.end());
    for (std::size_t pi : pols)
      for (const auto& st : model_.iam_policies[pi].document.statements)
        if (ActionMatches(st, "sts:AssumeRole") && !st.conditions.empty()) side[p].conditional = true;
    for (std::size_t pi : account_->IdentityPolicies(p))
      for (const auto& st : model_.iam_policies[pi].document.statements) {
        if (!st.allow || !ActionMatches(st, "sts:AssumeRole")) continue;
        if (st.not_resource || !st.has_resource) side[p].open = true;
        for (const auto& r : st.resources) {
          if (HasVariables(r.value)) side[p].open = true;
          else side[p].patterns.push_back(r.value);
        }
      }
    if (side[p].open || !side[p].patterns.empty()) callers.push_back(p);
  }
  auto identity_may = [&](std::size_t p, const std::string& role_arn) {
    if (side[p].open) return true;
    for (const auto& pat : side[p].patterns)
      if (ArnMatch(pat, role_arn)) return true;
    return false;
  };
  // Who a role's trust policy may let in: principals it names by ARN (in
  // the same account enough on their own), or principals of the accounts it
  // names (or of any account) whose identity policies may allow it.
  auto candidates = [&](std::size_t r) {
    std::set<std::size_t> cands;
    const Policy& trust = model_.iam_policies[*prs[r].trust_policy];
    for (const auto& st : trust.document.statements) {
      if (!st.allow || !ActionMatches(st, "sts:AssumeRole") || !st.has_principal) continue;
      bool everyone = st.not_principal;
      std::set<std::string> accounts;
      for (const auto& e : st.principals) {
        if (e.type == "*") everyone = true;
        if (e.type != "AWS") continue;
        for (const auto& v : e.values) {
          if (v.value == "*") everyone = true;
          else if (IsAccountId(v.value)) accounts.insert(v.value);
          else if (auto parts = SplitArn(v.value); parts && (*parts)[5] == "root") accounts.insert((*parts)[4]);
          else if (auto p = account_->FindPrincipal(v.value)) cands.insert(*p);
        }
      }
      if (everyone || !accounts.empty())
        for (std::size_t p : callers)
          if ((everyone || accounts.count(ArnAccount(prs[p].arn))) && identity_may(p, prs[r].arn)) cands.insert(p);
    }
    return cands;
  };
  // Breadth-first from the admin-equivalent roles over reversed edges: the
  // first time a principal is found to assume a role on the frontier is a
  // shortest path. Only edges into roles that lead to an admin are judged.
  const auto& admins = Admins();
  std::deque<std::size_t> q;
  for (std::size_t r = 0; r < prs.size(); ++r)
    if (admins[r]) {
      hops[r].distance = 0;
      if (prs[r].type == PrincipalType::kRole) q.push_back(r);
    }
  while (!q.empty()) {
    std::size_t r = q.front();
    q.pop_front();
    if (!prs[r].trust_policy) continue;
    bool trust_conditional = false;
    for (const auto& st : model_.iam_policies[*prs[r].trust_policy].document.statements)
      trust_conditional |= !st.conditions.empty();
    for (std::size_t p : candidates(r)) {
      if (p == r || prs[p].type == PrincipalType::kGroup || hops[p].distance >= 0) continue;
      // Concrete first; the solver only where a condition could change it.
      Request req;
      req.caller = account_->CallerFor(p);
      req.action = "sts:AssumeRole";
      req.resource = prs[r].arn;
      Evaluation ev = Evaluate(*account_, req);
      if (ev.decision == Decision::kDeny && !trust_conditional && !side[p].conditional) continue;
      auto g = Confirm(subjects_[p], "sts:AssumeRole", {prs[r].arn});
      if (!g || g->request.resource != prs[r].arn) continue;
      hops[p].distance = hops[r].distance + 1;
      hops[p].next = r;
      hops[p].grant = std::move(*g);
      if (prs[p].type == PrincipalType::kRole) q.push_back(p);
    }
  }
  hops_ = std::move(hops);
  return *hops_;
}

void GrantWitness(const Grant& g, std::vector<std::pair<std::string, std::string>>* fields) {
  fields->emplace_back("principal", g.request.caller.Display());
  fields->emplace_back("action", g.request.action);
  fields->emplace_back("resource", g.request.resource);
  std::string ctx;
  Context derived = Account::DerivedContext(g.request.caller);
  for (const auto& [k, v] : g.request.context) {
    if (derived.count(k)) continue;
    for (const auto& x : v) ctx += (ctx.empty() ? "" : ", ") + k + "=" + x;
  }
  if (!ctx.empty()) fields->emplace_back("context", ctx);
  fields->emplace_back("decision", g.conditional ? "allow (under the context shown)" : "allow");
}

}  // namespace grantpath::iam

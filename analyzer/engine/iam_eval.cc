#include "engine/iam_eval.h"

#include <algorithm>
#include <cctype>

#include "engine/iam_match.h"

namespace grantpath::iam {

const char* PolicyRoleName(PolicyRole r) {
  switch (r) {
    case PolicyRole::kIdentity: return "identity";
    case PolicyRole::kBoundary: return "permissions-boundary";
    case PolicyRole::kScp: return "scp";
    case PolicyRole::kResource: return "resource";
    case PolicyRole::kTrust: return "trust";
  }
  return "identity";
}

const char* DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow: return "allow";
    case Decision::kDeny: return "deny";
    case Decision::kUnknown: return "unknown";
  }
  return "unknown";
}

std::string Caller::Display() const {
  switch (kind) {
    case Kind::kUser:
    case Kind::kRole:
    case Kind::kAccount: return arn;
    case Kind::kService: return "service " + value;
    case Kind::kFederated: return "federated " + value;
    case Kind::kAnonymous: return "anonymous";
  }
  return arn;
}

bool IsAccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string ArnAccount(const std::string& arn) {
  auto parts = SplitArn(arn);
  if (!parts) return "";
  return (*parts)[4];
}

namespace {

// "user/path/name" -> "name"; role ARNs carry paths.
std::string LastSegment(const std::string& s) {
  std::size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

const char* TypeWord(PrincipalType t) {
  return t == PrincipalType::kUser ? "user" : t == PrincipalType::kGroup ? "group" : "role";
}

}  // namespace

Account::Account(const Model& model, DiagnosticSink* sink) : model_(model) {
  const auto& pols = model.iam_policies;
  std::map<std::string, std::vector<std::size_t>> scp_dirs;
  for (std::size_t i = 0; i < pols.size(); ++i) {
    if (!pols[i].arn.empty()) managed_.emplace(pols[i].arn, i);
    if (pols[i].kind == PolicyKind::kResource) resource_policies_.push_back(i);
    if (pols[i].kind == PolicyKind::kScp) {
      // SCPs read from one directory are one level of the organization
      // (any of them may allow); each directory is a level that must.
      const std::string& path = model.files.display_path(pols[i].where.file);
      scp_dirs[path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'))].push_back(i);
    }
  }
  for (auto& [dir, v] : scp_dirs) scp_levels_.push_back(v);
  const auto& prs = model.iam_principals;
  std::map<std::string, std::size_t> groups;
  for (std::size_t i = 0; i < prs.size(); ++i) {
    if (!prs[i].arn.empty()) by_arn_.emplace(prs[i].arn, i);
    by_name_.emplace(std::string(TypeWord(prs[i].type)) + "/" + prs[i].name, i);
    if (prs[i].type != PrincipalType::kGroup) by_name_.emplace(prs[i].name, i);
    if (prs[i].type == PrincipalType::kGroup) groups.emplace(prs[i].name, i);
  }
  identity_.resize(prs.size());
  missing_.resize(prs.size());
  boundary_.resize(prs.size());
  auto add_managed = [&](std::size_t i, const std::string& arn) {
    auto it = managed_.find(arn);
    if (it != managed_.end()) {
      identity_[i].push_back(it->second);
    } else {
      missing_[i].push_back(arn);
      if (sink)
        sink->Warning("unresolved-reference",
                      std::string(TypeWord(prs[i].type)) + " '" + prs[i].name +
                          "' attaches managed policy '" + arn +
                          "', which the input does not define: its permissions are not counted",
                      prs[i].where);
    }
  };
  for (std::size_t i = 0; i < prs.size(); ++i) {
    const Principal& p = prs[i];
    for (std::size_t ip : p.inline_policies) identity_[i].push_back(ip);
    for (const auto& arn : p.managed_policy_arns) add_managed(i, arn);
    if (p.type == PrincipalType::kUser) {
      for (const auto& g : p.group_names) {
        auto it = groups.find(g);
        if (it == groups.end()) {
          if (sink)
            sink->Warning("unresolved-reference",
                          "user '" + p.name + "' is in group '" + g +
                              "', which the input does not define: its permissions are not counted",
                          p.where);
          continue;
        }
        const Principal& gp = prs[it->second];
        for (std::size_t ip : gp.inline_policies) identity_[i].push_back(ip);
        for (const auto& arn : gp.managed_policy_arns) add_managed(i, arn);
      }
    }
    if (!p.boundary_arn.empty()) {
      auto it = managed_.find(p.boundary_arn);
      if (it != managed_.end()) {
        boundary_[i] = it->second;
      } else if (sink) {
        sink->Warning("unresolved-reference",
                      std::string(TypeWord(p.type)) + " '" + p.name +
                          "' has permissions boundary '" + p.boundary_arn +
                          "', which the input does not define: the boundary is not applied",
                      p.where);
      }
    }
  }
}

std::optional<std::size_t> Account::FindPrincipal(const std::string& key) const {
  if (auto it = by_arn_.find(key); it != by_arn_.end()) return it->second;
  if (auto it = by_name_.find(key); it != by_name_.end()) return it->second;
  // Role session ARN: arn:aws:sts::ACCT:assumed-role/NAME/SESSION.
  if (auto parts = SplitArn(key); parts && (*parts)[2] == "sts") {
    const std::string& res = (*parts)[5];
    if (res.rfind("assumed-role/", 0) == 0) {
      std::string rest = res.substr(13);
      std::string name = rest.substr(0, rest.find('/'));
      if (auto it = by_name_.find("role/" + name); it != by_name_.end()) return it->second;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> Account::FindManaged(const std::string& arn) const {
  auto it = managed_.find(arn);
  if (it == managed_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Account::RoleByArn(const std::string& arn) const {
  auto it = by_arn_.find(arn);
  if (it == by_arn_.end() || model_.iam_principals[it->second].type != PrincipalType::kRole)
    return std::nullopt;
  return it->second;
}

Caller Account::CallerFor(std::size_t i) const {
  const Principal& p = model_.iam_principals[i];
  Caller c;
  c.kind = p.type == PrincipalType::kRole ? Caller::Kind::kRole : Caller::Kind::kUser;
  c.arn = p.arn;
  c.account = ArnAccount(p.arn);
  c.name = p.name;
  c.principal = i;
  return c;
}

Caller Account::CallerFromString(const std::string& s) const {
  if (auto i = FindPrincipal(s); i && model_.iam_principals[*i].type != PrincipalType::kGroup)
    return CallerFor(*i);
  Caller c;
  if (s == "*" || s == "anonymous") {
    c.kind = Caller::Kind::kAnonymous;
    return c;
  }
  if (IsAccountId(s)) {
    c.kind = Caller::Kind::kAccount;
    c.account = s;
    c.arn = "arn:aws:iam::" + s + ":root";
    return c;
  }
  if (auto parts = SplitArn(s)) {
    c.arn = s;
    c.account = (*parts)[4];
    const std::string& res = (*parts)[5];
    if (res == "root") {
      c.kind = Caller::Kind::kAccount;
    } else if (res.rfind("user/", 0) == 0) {
      c.kind = Caller::Kind::kUser;
      c.name = LastSegment(res);
    } else if (res.rfind("assumed-role/", 0) == 0) {
      c.kind = Caller::Kind::kRole;
      std::string rest = res.substr(13);
      c.name = rest.substr(0, rest.find('/'));
      c.arn = "arn:" + (*parts)[1] + ":iam::" + c.account + ":role/" + c.name;
    } else {
      c.kind = Caller::Kind::kRole;
      c.name = LastSegment(res);
    }
    return c;
  }
  if (s.find(".amazonaws.com") != std::string::npos || s.find(".amazon.com") != std::string::npos) {
    c.kind = Caller::Kind::kService;
    c.value = s;
    return c;
  }
  c.kind = Caller::Kind::kFederated;
  c.value = s;
  return c;
}

Context Account::DerivedContext(const Caller& c) {
  Context ctx;
  switch (c.kind) {
    case Caller::Kind::kUser:
      ctx["aws:principalarn"] = {c.arn};
      ctx["aws:principalaccount"] = {c.account};
      ctx["aws:principaltype"] = {"User"};
      ctx["aws:username"] = {c.name};
      ctx["aws:principalisawsservice"] = {"false"};
      break;
    case Caller::Kind::kRole:
      ctx["aws:principalarn"] = {c.arn};
      ctx["aws:principalaccount"] = {c.account};
      ctx["aws:principaltype"] = {"AssumedRole"};
      ctx["aws:principalisawsservice"] = {"false"};
      break;
    case Caller::Kind::kAccount:
      ctx["aws:principalarn"] = {c.arn};
      ctx["aws:principalaccount"] = {c.account};
      ctx["aws:principaltype"] = {"Account"};
      ctx["aws:principalisawsservice"] = {"false"};
      break;
    case Caller::Kind::kService:
      ctx["aws:principalisawsservice"] = {"true"};
      ctx["aws:principalservicename"] = {c.value};
      break;
    case Caller::Kind::kFederated:
      ctx["aws:federatedprovider"] = {c.value};
      ctx["aws:principalisawsservice"] = {"false"};
      break;
    case Caller::Kind::kAnonymous:
      ctx["aws:principaltype"] = {"Anonymous"};
      ctx["aws:principalisawsservice"] = {"false"};
      break;
  }
  return ctx;
}

bool ActionMatches(const Statement& st, const std::string& action) {
  bool any = false;
  for (const auto& a : st.actions)
    if (Glob(a.value, action, /*ignore_case=*/true)) {
      any = true;
      break;
    }
  return st.not_action ? !any : any;
}

bool ResourceMatches(const Statement& st, bool variables, const std::string& resource,
                     const Context& ctx, bool missing_means_all) {
  if (!st.has_resource) return missing_means_all;
  bool any = false;
  for (const auto& r : st.resources) {
    std::string pattern = r.value;
    if (variables && HasVariables(pattern)) {
      auto s = SubstituteVariables(pattern, [&](const std::string& k) -> std::optional<std::string> {
        auto it = ctx.find(ToLower(k));
        if (it == ctx.end() || it->second.empty()) return std::nullopt;
        return it->second.front();
      });
      if (!s) continue;
      pattern = *s;
    }
    if (ArnMatch(pattern, resource)) {
      any = true;
      break;
    }
  }
  return st.not_resource ? !any : any;
}

namespace {

bool EntryMatches(const PrincipalEntry& e, const Caller& c) {
  for (const auto& v : e.values) {
    const std::string& s = v.value;
    if (e.type == "*") return true;
    if (e.type == "AWS") {
      if (s == "*") return true;
      if (c.kind == Caller::Kind::kService || c.kind == Caller::Kind::kFederated ||
          c.kind == Caller::Kind::kAnonymous)
        continue;
      if (IsAccountId(s)) {
        if (c.account == s) return true;
        continue;
      }
      auto parts = SplitArn(s);
      if (!parts) continue;
      if ((*parts)[5] == "root" && (*parts)[2] == "iam") {
        if (c.account == (*parts)[4]) return true;
        continue;
      }
      if (s == c.arn) return true;
      // A role session ARN names the session of that role.
      if ((*parts)[2] == "sts" && c.kind == Caller::Kind::kRole &&
          (*parts)[5].rfind("assumed-role/" + c.name + "/", 0) == 0 && (*parts)[4] == c.account)
        return true;
    } else if (e.type == "Service") {
      if (c.kind == Caller::Kind::kService && ToLower(s) == ToLower(c.value)) return true;
    } else if (e.type == "Federated") {
      if (c.kind == Caller::Kind::kFederated && s == c.value) return true;
    } else if (e.type == "CanonicalUser") {
      if (c.kind == Caller::Kind::kFederated && s == c.value) return true;
    }
  }
  return false;
}

}  // namespace

bool MatchPrincipal(const Statement& st, const Caller& c) {
  bool any = false;
  for (const auto& e : st.principals)
    if (EntryMatches(e, c)) {
      any = true;
      break;
    }
  return st.not_principal ? !any : any;
}

Tri MatchStatement(const Statement& st, bool variables, PolicyRole role, const Request& req,
                   std::string* why) {
  if (!ActionMatches(st, req.action)) {
    if (why) *why = "action does not match";
    return Tri::kFalse;
  }
  if (!ResourceMatches(st, variables, req.resource, req.context, role == PolicyRole::kTrust)) {
    if (why) *why = "resource does not match";
    return Tri::kFalse;
  }
  if (role == PolicyRole::kResource || role == PolicyRole::kTrust) {
    if (!st.has_principal || !MatchPrincipal(st, req.caller)) {
      if (why) *why = "principal does not match";
      return Tri::kFalse;
    }
  }
  Tri r = Tri::kTrue;
  for (const auto& c : st.conditions) {
    std::string w;
    Tri t = EvaluateCondition(c, req.context, variables, &w);
    if (t == Tri::kFalse) {
      if (why) *why = w;
      return Tri::kFalse;
    }
    if (t == Tri::kUnknown && why) *why = w;
    r = TriAnd(r, t);
  }
  return r;
}

bool NamesOnlyAccount(const Statement& st, const Caller& c) {
  if (st.not_principal) return false;
  for (const auto& e : st.principals) {
    if (e.type != "AWS") {
      if (EntryMatches(e, c)) return false;
      continue;
    }
    for (const auto& v : e.values) {
      PrincipalEntry one{e.type, {v}};
      if (!EntryMatches(one, c)) continue;
      bool account_form = IsAccountId(v.value) ||
                          (v.value.size() > 5 && v.value.compare(v.value.size() - 5, 5, ":root") == 0);
      if (!account_form) return false;
    }
  }
  return true;
}

namespace {

bool IsAssumeRole(const std::string& action) {
  std::string a = ToLower(action);
  return a == "sts:assumerole" || a == "sts:assumerolewithwebidentity" ||
         a == "sts:assumerolewithsaml" || a == "sts:tagsession" || a == "sts:setsourceidentity" ||
         a == "sts:setcontext";
}

// arn:PARTITION:kms:REGION:ACCOUNT:key/ID
bool IsKmsKeyArn(const std::string& arn) {
  std::size_t p = arn.find(":kms:");
  return arn.rfind("arn:", 0) == 0 && p != std::string::npos && arn.find(":key/", p) != std::string::npos;
}

}  // namespace

RequestPolicies PoliciesFor(const Account& acct, const Request& req) {
  RequestPolicies rp;
  const Caller& c = req.caller;
  rp.has_identity = c.principal.has_value();
  if (rp.has_identity) {
    rp.identity = acct.IdentityPolicies(*c.principal);
    if (auto b = acct.Boundary(*c.principal)) rp.boundary = *b;
  }
  rp.resource = acct.ResourcePolicies();
  if (IsAssumeRole(req.action)) {
    if (auto role = acct.RoleByArn(req.resource)) {
      rp.trust_required = true;
      if (auto tp = acct.model().iam_principals[*role].trust_policy) rp.trust.push_back(*tp);
    }
  }
  if (IsKmsKeyArn(req.resource)) {
    // Every KMS request needs the key policy. One joined to the key (or
    // naming no key) is in rp.resource; without one, AWS's default key
    // policy lets the account's IAM policies decide, as the evaluation
    // then does: say so.
    for (std::size_t pi : rp.resource) {
      const Policy& p = acct.model().iam_policies[pi];
      if (p.kms_key_policy && (p.arn.empty() || Glob(p.arn, req.resource))) rp.key_policy_required = true;
    }
    if (!rp.key_policy_required)
      rp.assumptions.push_back("the input has no key policy for " + req.resource +
                               ": assumed the default key policy, which lets the key's account's IAM policies decide");
  }
  if (c.kind == Caller::Kind::kUser || c.kind == Caller::Kind::kRole) rp.scp_levels = acct.ScpLevels();
  std::string resource_account = ArnAccount(req.resource);
  if (auto it = req.context.find("aws:resourceaccount"); it != req.context.end() && !it->second.empty())
    resource_account = it->second.front();
  if (resource_account.empty()) resource_account = c.account;
  rp.same_account = !c.account.empty() && c.account == resource_account;
  return rp;
}

namespace {

struct TriLogic {
  Tri T() const { return Tri::kTrue; }
  Tri F() const { return Tri::kFalse; }
  Tri And(Tri a, Tri b) const { return TriAnd(a, b); }
  Tri Or(Tri a, Tri b) const { return TriOr(a, b); }
  Tri Not(Tri a) const { return TriNot(a); }
};

}  // namespace

Evaluation Evaluate(const Account& acct, const Request& in) {
  Request req = in;
  for (auto& [k, v] : Account::DerivedContext(req.caller))
    if (!req.context.count(k)) req.context[k] = v;
  Evaluation ev;
  const Caller& c = req.caller;
  RequestPolicies rp = PoliciesFor(acct, req);
  auto stmt = [&](std::size_t pi, std::size_t si, PolicyRole role) -> Tri {
    const Policy& p = acct.model().iam_policies[pi];
    const Statement& st = p.document.statements[si];
    std::string why;
    Tri t = MatchStatement(st, VariablesEnabled(p.document), role, req, &why);
    if (t != Tri::kFalse) ev.statements.push_back({pi, si, role, st.allow, t, t == Tri::kUnknown ? why : ""});
    return t;
  };
  DecisionParts<Tri> d = CombineDecision<Tri>(TriLogic{}, acct, req, rp, stmt);
  ev.assumptions = rp.assumptions;
  // Denies first, then allows, in the explanation.
  std::stable_sort(ev.statements.begin(), ev.statements.end(),
                   [](const StatementRef& a, const StatementRef& b) { return !a.allow && b.allow; });
  if (d.deny == Tri::kTrue) {
    ev.decision = Decision::kDeny;
    ev.explicit_deny = true;
    ev.reasons.push_back("an explicit Deny matches");
    std::erase_if(ev.statements, [](const StatementRef& s) { return s.allow || s.result != Tri::kTrue; });
    return ev;
  }
  Tri allowed = d.allowed;
  const SideParts<Tri>& side = rp.trust_required ? d.trust : d.resource;
  if (d.boundary && *d.boundary == Tri::kFalse) ev.reasons.push_back("the permissions boundary does not allow it");
  if (d.scp_ok == Tri::kFalse) ev.reasons.push_back("no SCP at some level of the organization allows it");
  if (rp.trust_required && side.allow == Tri::kFalse)
    ev.reasons.push_back("the role's trust policy does not allow this principal");
  if (rp.key_policy_required && rp.same_account && side.allow == Tri::kFalse && d.identity.allow != Tri::kFalse)
    ev.reasons.push_back("the key policy neither allows it nor delegates to the account's IAM policies");
  if (!rp.same_account && rp.has_identity && !rp.trust_required && side.allow == Tri::kFalse &&
      d.identity.allow != Tri::kFalse)
    ev.reasons.push_back("cross-account: no resource policy allows it");
  if (d.identity.allow == Tri::kFalse && side.allow == Tri::kFalse && !rp.trust_required)
    ev.reasons.push_back("no identity or resource policy allows it");
  std::string caveat;
  if (!rp.has_identity && (c.kind == Caller::Kind::kUser || c.kind == Caller::Kind::kRole) &&
      !rp.same_account)
    caveat = "the caller is outside the input: its own identity policies must also allow it";
  if (rp.has_identity && !acct.MissingPolicies(*c.principal).empty() && allowed != Tri::kTrue) {
    ev.reasons.push_back("managed policies the input lacks are attached: " +
                         acct.MissingPolicies(*c.principal).front() +
                         (acct.MissingPolicies(*c.principal).size() > 1 ? " and others" : ""));
    allowed = Tri::kUnknown;
  }
  if (d.deny == Tri::kUnknown && allowed != Tri::kFalse) allowed = Tri::kUnknown;
  ev.decision = allowed == Tri::kTrue ? Decision::kAllow
                : allowed == Tri::kFalse ? Decision::kDeny
                                         : Decision::kUnknown;
  if (ev.decision == Decision::kDeny) {
    std::erase_if(ev.statements, [](const StatementRef& s) { return s.result == Tri::kTrue && !s.allow; });
  }
  if (ev.decision != Decision::kDeny) ev.reasons.clear();
  if (ev.decision == Decision::kAllow && !caveat.empty()) ev.reasons.push_back(caveat);
  if (ev.decision == Decision::kDeny && ev.reasons.empty())
    ev.reasons.push_back("no policy allows it (implicit deny)");
  return ev;
}

}  // namespace grantpath::iam

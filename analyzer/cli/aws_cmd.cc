// grantpath aws can-i | who-can | compare | check-access-not-granted |
// check-no-public-access: AWS IAM queries (docs/aws-iam.md). Concrete
// questions are answered by the evaluator (engine/iam_eval.h), questions
// over all contexts or all requests by the solver (engine/iam_smt.h).
#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aws/ec2_focus.h"
#include "cli/commands.h"
#include "grantpath/spell.h"
#include "engine/aws_catalog.h"
#include "engine/aws_net.h"
#include "engine/iam_eval.h"
#include "engine/iam_match.h"
#include "engine/iam_queries.h"
#include "engine/iam_smt.h"

namespace grantpath::cli {
namespace {

using Json = nlohmann::ordered_json;
using iam::Decision;

inline constexpr int kExitUnknown = 3;  // the answer could not be decided

struct AwsFlags {
  InputOptions in;
  bool verbose = false;
  std::string format = "text";
  std::string principal, action, resource, expect;
  std::vector<std::string> context;
  bool any_context = false;
  unsigned timeout_ms = 10000;
  std::string old_policy, new_policy, policy;
  std::vector<std::string> actions, resources;
  std::string resource_type, owner_account;
  std::string requests;  // --requests FILE (JSON Lines)
  std::string from, to, port;  // aws reach
  bool full_read = false;       // aws reach --full-read
};

AwsFlags& Flags() {
  static AwsFlags f;
  return f;
}

std::unique_ptr<Session> Load(AwsFlags& f) {
  f.in.load.verbose = f.verbose;
  f.in.k8s_defaults = false;
  auto s = LoadSession(f.in);
  PrintDiagnostics(*s);
  if (s->model->iam_policies.empty() && s->model->iam_principals.empty()) {
    std::cerr << "error: nothing to analyze: no AWS IAM document found in the given paths\n";
    return nullptr;
  }
  return s;
}

bool ParseContext(const std::vector<std::string>& args, iam::Context* out) {
  for (const auto& a : args) {
    std::size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: --context must be KEY=VALUE, got '" << a << "'\n";
      return false;
    }
    (*out)[iam::ToLower(a.substr(0, eq))].push_back(a.substr(eq + 1));
  }
  return true;
}

Json ContextJson(const iam::Context& ctx) {
  Json j = Json::object();
  for (const auto& [k, v] : ctx) j[k] = v.size() == 1 ? Json(v[0]) : Json(v);
  return j;
}

// The keys of a witness context that the user neither gave nor the caller
// implies: what must hold for the request to be allowed.
iam::Context ChosenKeys(const iam::Context& witness, const iam::Request& req) {
  iam::Context derived = iam::Account::DerivedContext(req.caller);
  iam::Context out;
  for (const auto& [k, v] : witness)
    if (!req.context.count(k) && !derived.count(k)) out[k] = v;
  return out;
}

std::string ContextText(const iam::Context& ctx) {
  std::string out;
  for (const auto& [k, v] : ctx)
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + k + "=" + x;
  return out;
}

Json CallerJson(const iam::Caller& c) {
  static const char* kinds[] = {"user", "role", "account", "service", "federated", "anonymous"};
  Json j;
  j["type"] = kinds[static_cast<int>(c.kind)];
  if (!c.arn.empty()) j["arn"] = c.arn;
  if (!c.account.empty()) j["account"] = c.account;
  if (!c.value.empty()) j["name"] = c.value;
  return j;
}

Json RequestJson(const iam::Request& r) {
  Json j;
  j["principal"] = CallerJson(r.caller);
  j["action"] = r.action;
  j["resource"] = r.resource;
  j["context"] = ContextJson(r.context);
  return j;
}

std::string RequestText(const iam::Request& r) {
  std::string who = r.caller.Display();
  std::string out = (who.empty() ? "" : who + " ") + r.action + " on " + r.resource;
  std::string ctx = ContextText(r.context);
  if (!ctx.empty()) out += " with " + ctx;
  return out;
}

Json UnknownsJson(const Model& m, const std::vector<iam::smt::Unknown>& us) {
  Json a = Json::array();
  for (const auto& u : us) {
    Json j;
    j["reason"] = u.reason;
    j["location"] = u.where.known() ? LocationJson(m, u.where) : Json(nullptr);
    a.push_back(j);
  }
  return a;
}

std::string UnknownsText(const Model& m, const std::vector<iam::smt::Unknown>& us) {
  std::string out;
  for (const auto& u : us)
    out += "  unknown: " + u.reason + (u.where.known() ? " at " + LocationText(m, u.where) : "") + "\n";
  return out;
}

void PrintUnknowns(const Model& m, const std::vector<iam::smt::Unknown>& us) { std::cout << UnknownsText(m, us); }

std::string PolicyLabel(const Model& m, std::size_t pi) {
  const iam::Policy& p = m.iam_policies[pi];
  std::string name = !p.name.empty() ? p.name : !p.arn.empty() ? p.arn : "policy";
  return name;
}

Json StatementsJson(const Model& m, const std::vector<iam::StatementRef>& refs) {
  Json a = Json::array();
  for (const auto& s : refs) {
    const iam::Policy& p = m.iam_policies[s.policy];
    const iam::Statement& st = p.document.statements[s.statement];
    Json j;
    j["policy"] = PolicyLabel(m, s.policy);
    if (!p.arn.empty()) j["policy_arn"] = p.arn;
    j["policy_type"] = iam::PolicyRoleName(s.role);
    j["effect"] = st.allow ? "Allow" : "Deny";
    j["sid"] = st.sid.empty() ? Json(nullptr) : Json(st.sid);
    j["statement_index"] = s.statement;
    if (s.result == iam::Tri::kUnknown) j["undecided"] = s.note;
    j["location"] = LocationJson(m, st.where);
    a.push_back(j);
  }
  return a;
}

std::string StatementsText(const Model& m, const std::vector<iam::StatementRef>& refs) {
  std::string out;
  for (const auto& s : refs) {
    const iam::Policy& p = m.iam_policies[s.policy];
    const iam::Statement& st = p.document.statements[s.statement];
    out += "  " + std::string(st.allow ? "Allow" : "Deny") + " in " + iam::PolicyRoleName(s.role) + " policy '" +
           PolicyLabel(m, s.policy) + "' statement " + std::to_string(s.statement) +
           (st.sid.empty() ? "" : " (" + st.sid + ")") + " at " + LocationText(m, st.where) +
           (s.result == iam::Tri::kUnknown ? " [undecided: " + s.note + "]" : "") + "\n";
  }
  return out;
}


// Standalone identity policies (not from an account export) apply to the
// --principal of can-i when the input does not define it.
void AttachStandalone(Model& m, const std::string& principal) {
  std::vector<std::size_t> standalone;
  for (std::size_t i = 0; i < m.iam_policies.size(); ++i) {
    const auto& p = m.iam_policies[i];
    if (p.kind == iam::PolicyKind::kIdentity && p.arn.empty() && p.owner_arn.empty()) standalone.push_back(i);
  }
  if (standalone.empty()) return;
  iam::Principal pr;
  iam::Caller c = iam::Account(m, nullptr).CallerFromString(principal);
  if (c.principal) return;  // defined by the input
  if (c.kind != iam::Caller::Kind::kUser && c.kind != iam::Caller::Kind::kRole) return;
  pr.type = c.kind == iam::Caller::Kind::kUser ? iam::PrincipalType::kUser : iam::PrincipalType::kRole;
  pr.arn = c.arn;
  pr.name = c.name;
  pr.inline_policies = standalone;
  m.AddIamPrincipal(std::move(pr));
}

// Why a --context key was left out of the request.
std::string IgnoredKeyText(const std::string& key, const std::string& action) {
  return "context key " + key + " is never in a " + action +
         " request (the action catalog lists it for other actions only)";
}

// Warns about the --context keys that a request for `action` never carries.
void WarnIgnoredKeys(const std::string& action, const iam::Context& ctx) {
  iam::Request probe;
  probe.action = action;
  probe.context = ctx;
  for (const auto& k : iam::KeysNotInRequest(probe))
    std::cerr << "warning: " << IgnoredKeyText(k, action) << ": ignored\n";
}

// One can-i question and its answer, as text and as JSON.
struct CanIAnswer {
  std::string decision;
  Json json;
  std::string text;
};

// The names a principal may be given by, for "did you mean".
std::vector<std::string> PrincipalNames(const Model& m) {
  std::vector<std::string> names;
  for (const auto& p : m.iam_principals)
    if (p.type != iam::PrincipalType::kGroup) {
      names.push_back(p.name);
      names.push_back(p.arn);
    }
  return names;
}

// Answers one request. False with `error` set when the principal is a bare
// name that no principal of the input has: a typo, not a federated
// identity (those are domain names or ARNs).
bool AnswerCanI(const Model& m, const iam::Account& acct, const std::string& principal, const std::string& action,
                const std::string& resource, const iam::Context& ctx, CanIAnswer* out, std::string* error) {
  const AwsFlags& f = Flags();
  iam::Request req;
  req.caller = acct.CallerFromString(principal);
  if (req.caller.kind == iam::Caller::Kind::kFederated && principal.find_first_of(".:/") == std::string::npos) {
    *error = "no user or role named '" + principal + "' in the input" + DidYouMean(principal, PrincipalNames(m));
    return false;
  }
  req.action = action;
  req.resource = resource;
  req.context = ctx;
  iam::Answer answer = iam::Decide(acct, req, f.any_context, f.timeout_ms);
  const iam::Evaluation& ev = answer.evaluation;
  const std::string& decision = answer.decision;
  const std::optional<iam::smt::Result>& any = answer.any;
  const std::vector<iam::StatementRef>& shown = answer.statements;
  Json deny = nullptr;
  if (decision == "deny") deny = ev.explicit_deny ? "explicit" : "implicit";
  out->decision = decision;
  Json& j = out->json;
  j["decision"] = decision;
  j["deny"] = deny;
  j["request"] = RequestJson(req);
  j["statements"] = StatementsJson(m, shown);
  j["reasons"] = decision == "conditional" ? Json::array() : Json(ev.reasons);
  j["ignored_context"] = answer.ignored_context;
  j["assumptions"] = ev.assumptions;
  if (decision == "conditional") j["witness_context"] = ContextJson(ChosenKeys(any->witness.context, req));
  if (any) j["unknowns"] = UnknownsJson(m, any->unknowns);
  std::ostringstream t;
  t << decision << (decision == "deny" ? std::string(" (") + (ev.explicit_deny ? "explicit" : "implicit") + ")" : "")
    << ": " << RequestText(req) << "\n";
  if (decision == "conditional")
    t << "  allowed when: " << ContextText(ChosenKeys(any->witness.context, req)) << "\n";
  for (const auto& a : ev.assumptions) t << "  assumed: " << a << "\n";
  t << StatementsText(m, shown);
  if (decision != "conditional")
    for (const auto& r : ev.reasons) t << "  " << r << "\n";
  if (any) t << UnknownsText(m, any->unknowns);
  out->text = t.str();
  return true;
}

// --requests FILE: one JSON object per line,
// {"principal", "action", "resource", "context": {"key": "value" or [values]}}.
struct CanILine {
  std::size_t line = 0;
  std::string error;
  std::string principal, action, resource;
  iam::Context context;
};

std::vector<CanILine> ReadCanIRequests(const std::string& text) {
  std::vector<CanILine> out;
  ForEachRequest(text, [&](std::size_t n, const nlohmann::json* object) {
    CanILine r;
    r.line = n;
    if (!object) {
      r.error = kNotAnObject;
      out.push_back(std::move(r));
      return;
    }
    const nlohmann::json& j = *object;
    r.principal = RequestField(j, "principal", true, &r.error);
    r.action = RequestField(j, "action", true, &r.error);
    r.resource = RequestField(j, "resource", true, &r.error);
    if (j.contains("context")) {
      if (!j["context"].is_object()) {
        r.error = "\"context\" must be an object of key to value or list of values";
      } else {
        for (const auto& [k, v] : j["context"].items()) {
          auto& vals = r.context[iam::ToLower(k)];
          if (v.is_string()) {
            vals.push_back(v.get<std::string>());
          } else if (v.is_array()) {
            for (const auto& x : v) {
              if (x.is_string()) vals.push_back(x.get<std::string>());
              else r.error = "context values must be strings";
            }
          } else {
            r.error = "context values must be strings or lists of strings";
          }
        }
      }
    }
    out.push_back(std::move(r));
  });
  return out;
}

int RunCanIBatch(AwsFlags& f) {
  std::string text;
  if (!ReadRequestsFile(f.requests, &text)) return kExitUsage;
  auto requests = ReadCanIRequests(text);
  auto s = Load(f);
  if (!s) return kExitUsage;
  Model& m = *s->model;
  for (const auto& r : requests)
    if (r.error.empty()) AttachStandalone(m, r.principal);
  iam::Account acct(m, nullptr);
  OutputStream out("");
  for (const auto& r : requests) {
    Json j;
    j["line"] = r.line;
    std::string error = r.error;
    CanIAnswer a;
    if (error.empty() && AnswerCanI(m, acct, r.principal, r.action, r.resource, r.context, &a, &error)) {
      for (auto& [k, v] : a.json.items()) j[k] = v;
    } else {
      j["error"] = error;
    }
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return out.Close() ? kExitOk : kExitUsage;
}

int RunCanI() {
  AwsFlags& f = Flags();
  if (!f.expect.empty() && f.expect != "allow" && f.expect != "deny") {
    std::cerr << "error: --expect must be 'allow' or 'deny'\n";
    return kExitUsage;
  }
  if (!f.requests.empty()) return RunCanIBatch(f);
  if (f.principal.empty() || f.action.empty() || f.resource.empty()) {
    std::cerr << "error: give --principal, --action and --resource, or --requests FILE\n";
    return kExitUsage;
  }
  iam::Context ctx;
  if (!ParseContext(f.context, &ctx)) return kExitUsage;
  auto s = Load(f);
  if (!s) return kExitUsage;
  Model& m = *s->model;
  AttachStandalone(m, f.principal);
  iam::Account acct(m, nullptr);
  if (!aws::CatalogKnowsAction(f.action))
    std::cerr << "warning: action '" << f.action << "' is not in the action catalog\n";
  WarnIgnoredKeys(f.action, ctx);
  CanIAnswer a;
  std::string error;
  if (!AnswerCanI(m, acct, f.principal, f.action, f.resource, ctx, &a, &error)) {
    std::cerr << "error: " << error
              << "\nGive a principal of the input (name or ARN), an ARN, an account id, a service "
                 "(NAME.amazonaws.com), a federated provider (a domain or an ARN) or '*'.\n";
    return kExitUsage;
  }
  if (f.format == "json") {
    std::cout << a.json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << a.text;
  }
  const std::string& decision = a.decision;
  if (!f.expect.empty()) {
    bool as_expected = f.expect == "allow" ? decision == "allow" : decision == "deny";
    return as_expected ? kExitOk : kExitFindings;
  }
  return decision == "unknown" ? kExitUnknown : kExitOk;
}

int RunWhoCan() {
  AwsFlags& f = Flags();
  iam::Context ctx;
  if (!ParseContext(f.context, &ctx)) return kExitUsage;
  auto s = Load(f);
  if (!s) return kExitUsage;
  const Model& m = *s->model;
  iam::Account acct(m, nullptr);
  std::vector<iam::Caller> candidates = iam::WhoCanCandidates(acct);
  WarnIgnoredKeys(f.action, ctx);
  Json rows = Json::array();
  std::ostringstream text;
  int allowed = 0;
  for (const auto& cand : candidates) {
    iam::Request req;
    req.caller = cand;
    req.action = f.action;
    req.resource = f.resource;
    req.context = ctx;
    iam::Answer answer = iam::Decide(acct, req, f.any_context, f.timeout_ms);
    const iam::Evaluation& ev = answer.evaluation;
    const std::string& decision = answer.decision;
    const std::optional<iam::smt::Result>& any = answer.any;
    if (decision == "deny") continue;
    ++allowed;
    const auto& stmts = answer.statements;
    Json j;
    j["principal"] = CallerJson(req.caller);
    j["decision"] = decision;
    if (decision == "conditional") j["witness_context"] = ContextJson(ChosenKeys(any->witness.context, req));
    j["statements"] = StatementsJson(m, stmts);
    if (!ev.reasons.empty() && decision != "conditional") j["notes"] = ev.reasons;
    rows.push_back(j);
    text << decision << ": " << req.caller.Display();
    if (decision == "conditional") text << " when " << ContextText(ChosenKeys(any->witness.context, req));
    text << "\n";
    for (const auto& st : stmts) {
      const iam::Statement& x = m.iam_policies[st.policy].document.statements[st.statement];
      text << "  " << (x.allow ? "Allow" : "Deny") << " in " << iam::PolicyRoleName(st.role) << " policy '"
           << PolicyLabel(m, st.policy) << "' at " << LocationText(m, x.where) << "\n";
    }
    if (decision != "conditional")
      for (const auto& r : ev.reasons) text << "  " << r << "\n";
  }
  if (f.format == "json") {
    Json j;
    j["action"] = f.action;
    j["resource"] = f.resource;
    j["principals"] = rows;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << text.str();
    std::cout << allowed << " of " << candidates.size() << " principals may " << f.action << " on " << f.resource << "\n";
  }
  return kExitOk;
}

// One policy document from a file, and whether it is a resource policy.
struct OnePolicy {
  std::unique_ptr<Session> session;
  const iam::Policy* policy = nullptr;
  iam::PolicyRole role = iam::PolicyRole::kIdentity;
};

std::optional<OnePolicy> LoadOne(const std::string& path, bool verbose) {
  InputOptions in;
  in.paths = {path};
  in.k8s_defaults = false;
  in.load.verbose = verbose;
  OnePolicy o;
  o.session = LoadSession(in);
  PrintDiagnostics(*o.session);
  const auto& pols = o.session->model->iam_policies;
  if (pols.size() != 1) {
    std::cerr << "error: " << path << ": expected one IAM policy document, found " << pols.size() << "\n";
    return std::nullopt;
  }
  if (o.session->diagnostics.CountAtLeast(DiagLevel::kError) > 0) {
    std::cerr << "error: " << path << ": the policy has errors (above); not compared\n";
    return std::nullopt;
  }
  o.policy = &pols[0];
  for (const auto& st : o.policy->document.statements)
    if (st.has_principal) o.role = iam::PolicyRole::kResource;
  if (o.policy->kind == iam::PolicyKind::kTrust) o.role = iam::PolicyRole::kTrust;
  return o;
}

int RunCompare() {
  AwsFlags& f = Flags();
  auto a = LoadOne(f.old_policy, f.verbose);
  auto b = LoadOne(f.new_policy, f.verbose);
  if (!a || !b) return kExitUsage;
  iam::PolicyRole role = (a->role != iam::PolicyRole::kIdentity || b->role != iam::PolicyRole::kIdentity)
                             ? iam::PolicyRole::kResource
                             : iam::PolicyRole::kIdentity;
  iam::smt::Options opt{f.timeout_ms};
  auto more = iam::smt::Difference(b->policy->document, a->policy->document, role, opt);  // new \ old
  auto less = iam::smt::Difference(a->policy->document, b->policy->document, role, opt);  // old \ new
  using iam::smt::Sat;
  std::string result;
  if (more.sat == Sat::kUnknown || less.sat == Sat::kUnknown) result = "unknown";
  else if (more.sat == Sat::kUnsat && less.sat == Sat::kUnsat) result = "equivalent";
  else if (more.sat == Sat::kSat && less.sat == Sat::kUnsat) result = "more";
  else if (more.sat == Sat::kUnsat && less.sat == Sat::kSat) result = "less";
  else result = "incomparable";
  const Model& ma = *a->session->model;
  const Model& mb = *b->session->model;
  if (f.format == "json") {
    Json j;
    j["result"] = result;
    j["old"] = f.old_policy;
    j["new"] = f.new_policy;
    j["policy_type"] = iam::PolicyRoleName(role);
    j["newly_allowed"] = more.sat == Sat::kSat ? RequestJson(more.witness) : Json(nullptr);
    j["no_longer_allowed"] = less.sat == Sat::kSat ? RequestJson(less.witness) : Json(nullptr);
    Json u = UnknownsJson(mb, more.unknowns);
    for (auto& x : UnknownsJson(ma, less.unknowns)) u.push_back(x);
    j["unknowns"] = u;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << result << ": " << f.new_policy << " compared with " << f.old_policy << "\n";
    if (more.sat == Sat::kSat) std::cout << "  newly allowed: " << RequestText(more.witness) << "\n";
    if (less.sat == Sat::kSat) std::cout << "  no longer allowed: " << RequestText(less.witness) << "\n";
    PrintUnknowns(mb, more.unknowns);
    PrintUnknowns(ma, less.unknowns);
  }
  if (result == "unknown") return kExitUnknown;
  return result == "more" || result == "incomparable" ? kExitFindings : kExitOk;
}

std::vector<std::string> SplitList(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) {
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t c = s.find(',', start);
      if (c == std::string::npos) c = s.size();
      if (c > start) out.push_back(s.substr(start, c - start));
      start = c + 1;
    }
  }
  return out;
}

// The check passes when the solver finds no request (unsat); the words say
// what was found: `pass_text` ("the policy does not grant X"), `fail_text`
// ("the policy grants X") or, undecided, "cannot decide whether <fail_text>".
int Verdict(const Model& m, const iam::smt::Result& r, const std::string& pass_text,
            const std::string& fail_text) {
  using iam::smt::Sat;
  std::string verdict = r.sat == Sat::kUnknown ? "UNKNOWN" : r.sat == Sat::kSat ? "FAIL" : "PASS";
  std::string what = r.sat == Sat::kUnknown ? "cannot decide whether " + fail_text
                     : r.sat == Sat::kSat   ? fail_text
                                            : pass_text;
  if (Flags().format == "json") {
    Json j;
    j["result"] = verdict;
    j["check"] = what;
    j["witness"] = r.sat == Sat::kSat ? RequestJson(r.witness) : Json(nullptr);
    j["unknowns"] = UnknownsJson(m, r.unknowns);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << verdict << ": " << what << "\n";
    if (r.sat == Sat::kSat) std::cout << "  witness: " << RequestText(r.witness) << "\n";
    PrintUnknowns(m, r.unknowns);
  }
  return verdict == "PASS" ? kExitOk : verdict == "FAIL" ? kExitFindings : kExitUnknown;
}

int RunAccessNotGranted() {
  AwsFlags& f = Flags();
  auto p = LoadOne(f.policy, f.verbose);
  if (!p) return kExitUsage;
  auto actions = SplitList(f.actions);
  auto resources = SplitList(f.resources);
  if (actions.empty()) {
    std::cerr << "error: --action names no action\n";
    return kExitUsage;
  }
  for (const auto& a : actions)
    if (aws::Catalog::Get().Match(a).empty())
      std::cerr << "warning: action '" << a << "' matches nothing in the action catalog\n";
  auto r = iam::smt::GrantsAccess(p->policy->document, p->role, actions, resources, {f.timeout_ms});
  std::string what = actions.front() +
                     (actions.size() > 1 ? " (or " + std::to_string(actions.size() - 1) + " more)" : "") +
                     (resources.empty() ? "" : " on " + resources.front() + (resources.size() > 1 ? " (or more)" : ""));
  return Verdict(*p->session->model, r, "the policy does not grant " + what, "the policy grants " + what);
}

int RunNoPublicAccess() {
  AwsFlags& f = Flags();
  auto p = LoadOne(f.policy, f.verbose);
  if (!p) return kExitUsage;
  if (p->role == iam::PolicyRole::kIdentity) {
    std::cerr << "error: " << f.policy << ": not a resource policy (no statement has a Principal)\n";
    return kExitUsage;
  }
  auto r = iam::smt::PublicAccess(p->policy->document, f.owner_account, {f.timeout_ms});
  std::string type = f.resource_type.empty() ? std::string() : " (" + f.resource_type + ")";
  return Verdict(*p->session->model, r, "the policy grants no public access" + type,
                 "the policy grants public access" + type);
}

// ------------------------------------------------ network reachability

std::unique_ptr<Session> LoadNetwork(AwsFlags& f) {
  f.in.load.verbose = f.verbose;
  f.in.k8s_defaults = false;
  auto s = LoadSession(f.in);
  PrintDiagnostics(*s);
  if (s->model->AwsNetCount() == 0) {
    std::cerr << "error: nothing to analyze: no aws ec2 describe-* output found in the given paths\n";
    return nullptr;
  }
  return s;
}

// "N/PROTO", "N" (TCP), "PROTO" (no port), "all" (Batfish's any flow);
// for ICMP, "TYPE/icmp" or "TYPE:CODE/icmp".
bool ParseAwsPort(const std::string& text, int* protocol, int* port, int* icmp_code) {
  *protocol = awsnet::kTcp;
  *port = -1;
  *icmp_code = -1;
  if (text.empty()) return true;
  std::string num = text, proto, code;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    num = text.substr(0, slash);
    proto = text.substr(slash + 1);
  } else if (!std::isdigit(static_cast<unsigned char>(text[0]))) {
    num.clear();
    proto = text;
  }
  if (!proto.empty()) {
    *protocol = awsnet::ParseProtocolName(proto);
    if (*protocol < 0) return false;
  }
  if (auto colon = num.find(':'); colon != std::string::npos) {
    if (*protocol != awsnet::kIcmp && *protocol != awsnet::kIcmpV6) return false;
    code = num.substr(colon + 1);
    num = num.substr(0, colon);
    if (code.empty() || code.size() > 3 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return false;
    *icmp_code = std::stoi(code);
    if (*icmp_code > 255) return false;
  }
  if (!num.empty()) {
    if (num.size() > 5 || !std::all_of(num.begin(), num.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return false;
    *port = std::stoi(num);
    if (*port < 0 || *port > 65535) return false;
  }
  return true;
}

Json HopJson(const Model& m, const awsnet::Hop& h) {
  return Json{{"node", h.node}, {"kind", h.kind}, {"detail", h.detail},
              {"location", h.where.known() ? LocationJson(m, h.where) : Json(nullptr)}};
}

std::string HopText(const Model& m, const awsnet::Hop& h) {
  std::string out = h.node + " [" + h.kind + "]";
  if (!h.detail.empty()) out += ": " + h.detail;
  if (h.where.known()) out += " (" + LocationText(m, h.where) + ")";
  return out;
}

int RunReachAws() {
  AwsFlags& f = Flags();
  int protocol = 0, port = -1, icmp_code = -1;
  if (!ParseAwsPort(f.port, &protocol, &port, &icmp_code)) {
    std::cerr << "error: --port must be N/PROTO, N, PROTO, TYPE:CODE/icmp or all (e.g. 22/tcp, 53/udp, icmp, 3:4/icmp), got '"
              << f.port << "'\n";
    return kExitUsage;
  }
  // Of the large interface and instance exports, only what a path between
  // these two endpoints can use is read (parsers/aws/ec2_focus.h).
  auto focus = std::make_shared<parsers::Ec2Focus>(std::vector<std::string>{f.from, f.to});
  if (!f.full_read) {
    parsers::Ec2Focus::Apply(focus, f.in.load);
#ifdef M_ARENA_MAX
    // The focused read allocates little: a fresh malloc arena per parsing
    // thread costs more in first-touch page faults than the contention one
    // shared arena adds (bench/run_aws_net.sh: 53 ms -> 44 ms).
    if (focus->enabled()) mallopt(M_ARENA_MAX, 1);
#endif
  }
  auto s = LoadNetwork(f);
  if (!s) return kExitUsage;
  const Model& m = *s->model;
  awsnet::Engine e(m);
  std::string error;
  auto from = e.Resolve(f.from, true, &error);
  if (!from) {
    std::cerr << "error: --from: " << error << "\n";
    return kExitUsage;
  }
  auto to = e.Resolve(f.to, false, &error);
  if (!to) {
    std::cerr << "error: --to: " << error << "\n";
    return kExitUsage;
  }
  awsnet::Trace t = e.Reach(*from, *to, protocol, port, icmp_code);
  bool icmp = protocol == awsnet::kIcmp || protocol == awsnet::kIcmpV6;
  std::string what = awsnet::ProtocolLabel(protocol) + (port >= 0 ? (icmp ? " type " : " ") + std::to_string(port) : "") +
                     (icmp_code >= 0 ? " code " + std::to_string(icmp_code) : "");
  if (f.format == "json") {
    Json j;
    j["allowed"] = t.allowed();
    j["disposition"] = t.disposition;
    j["from"] = f.from;
    j["to"] = f.to;
    j["packet"] = {{"protocol", awsnet::ProtocolLabel(protocol)}, {"port", port >= 0 ? Json(port) : Json(nullptr)}};
    if (icmp) j["packet"]["icmpCode"] = icmp_code >= 0 ? Json(icmp_code) : Json(nullptr);
    Json hops = Json::array();
    for (const auto& h : t.hops) hops.push_back(HopJson(m, h));
    j["hops"] = hops;
    if (t.reply_allowed) {
      j["reply"] = {{"allowed", *t.reply_allowed}, {"hop", t.reply_hop ? HopJson(m, *t.reply_hop) : Json(nullptr)}};
    } else {
      j["reply"] = nullptr;
    }
    j["notes"] = t.notes;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << (t.allowed() ? "allowed" : "denied") << ": " << what << " from " << f.from << " to " << f.to
              << " (" << t.disposition << ")\n";
    for (const auto& h : t.hops) std::cout << "  " << HopText(m, h) << "\n";
    if (t.reply_allowed && !*t.reply_allowed && t.reply_hop)
      std::cout << "  reply blocked: " << HopText(m, *t.reply_hop) << "\n";
    for (const auto& n : t.notes) std::cout << "  note: " << n << "\n";
  }
  // The process ends here: freeing the model one record at a time would
  // cost a tenth of the run. It stays reachable until exit.
  static Session* kept = nullptr;
  kept = s.release();
  (void)kept;
  if (!f.expect.empty()) return (f.expect == "allow") == t.allowed() ? kExitOk : kExitFindings;
  return kExitOk;
}

int RunExposure() {
  AwsFlags& f = Flags();
  auto s = LoadNetwork(f);
  if (!s) return kExitUsage;
  const Model& m = *s->model;
  awsnet::Engine e(m);
  auto exposures = e.InternetExposures();
  if (f.format == "json") {
    Json a = Json::array();
    for (const auto& x : exposures) {
      const auto& ni = m.aws_interfaces[x.interface];
      const awsnet::Instance* inst = e.InstanceOf(x.interface);
      Json rules = Json::array();
      for (const auto& r : x.rules) rules.push_back(LocationJson(m, r));
      a.push_back({{"interface", ni.id}, {"instance", inst ? Json(inst->id) : Json(nullptr)},
                   {"publicIp", x.public_ip}, {"ports", x.all_protocols ? "all protocols" : x.ports.Format()},
                   {"sampleSource", x.sample_source}, {"rules", rules},
                   {"loadBalancer", x.load_balancer.empty() ? Json(nullptr) : Json(x.load_balancer)},
                   {"listenerPort", x.load_balancer.empty() ? Json(nullptr) : Json(x.listener_port)},
                   {"location", LocationJson(m, inst ? inst->where : ni.where)}});
    }
    std::cout << a.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const auto& x : exposures) {
      const awsnet::Instance* inst = e.InstanceOf(x.interface);
      std::cout << e.InterfaceName(x.interface) << " " << x.Via() << ": "
                << (x.all_protocols ? std::string("all protocols") : x.ports.Format()) << " (from "
                << x.sample_source << ", " << LocationText(m, inst ? inst->where : m.aws_interfaces[x.interface].where)
                << ")\n";
    }
    std::cout << exposures.size() << " interface" << (exposures.size() == 1 ? "" : "s")
              << " reachable from the internet\n";
  }
  return kExitOk;
}

void AddFormat(CLI::App* c, AwsFlags& f) {
  c->add_option("--format", f.format, "Output format")->check(CLI::IsMember({"text", "json"}))->default_str("text");
  // 0 would tell Z3 "no limit": one hostile policy could then hold a CI runner forever.
  c->add_option("--timeout-ms", f.timeout_ms, "Time limit of each solver query, 1 to 3600000 milliseconds")
      ->check(CLI::Range(1u, 3600000u))
      ->capture_default_str();
}

}  // namespace

Command AwsCommand() {
  static int selected = 0;
  return Command{
      "aws",
      [](CLI::App& app) {
        AwsFlags& f = Flags();
        CLI::App* aws = app.add_subcommand("aws", "AWS IAM queries");
        aws->require_subcommand(1);
        CLI::App* cani = aws->add_subcommand("can-i", "Is this request allowed?");
        cani->add_option("--principal", f.principal, "User or role ARN (or name), account id, service, or * (anonymous)");
        cani->add_option("--action", f.action, "service:Action");
        cani->add_option("--resource", f.resource, "Resource ARN");
        cani->add_option("--requests", f.requests,
                         "Answer every request of this JSON Lines file on one load, one JSON answer per line "
                         "(docs/aws-iam.md)");
        cani->add_option("--context", f.context, "KEY=VALUE (repeat a key for several values)");
        cani->add_flag("--any-context", f.any_context, "Keys not given may take any value or be absent");
        cani->add_option("--expect", f.expect, "Exit 1 unless the decision is this (allow or deny)");
        AddFormat(cani, f);
        AddInputOptions(cani, &f.in, &f.verbose, false);
        cani->callback([] { selected = 1; });
        CLI::App* who = aws->add_subcommand("who-can", "Which principals may do this?");
        who->add_option("--action", f.action, "service:Action")->required();
        who->add_option("--resource", f.resource, "Resource ARN")->required();
        who->add_option("--context", f.context, "KEY=VALUE (repeat a key for several values)");
        who->add_flag("--any-context", f.any_context, "Keys not given may take any value or be absent");
        AddFormat(who, f);
        AddInputOptions(who, &f.in, &f.verbose, false);
        who->callback([] { selected = 2; });
        CLI::App* cmp = aws->add_subcommand("compare", "What does NEW allow that OLD does not, and the reverse?");
        cmp->add_option("old", f.old_policy, "The policy before the change")->required();
        cmp->add_option("new", f.new_policy, "The policy after the change")->required();
        cmp->add_flag("-v,--verbose", f.verbose, "Also list skipped input");
        AddFormat(cmp, f);
        cmp->callback([] { selected = 3; });
        CLI::App* nag = aws->add_subcommand("check-access-not-granted", "PASS when POLICY cannot allow the actions");
        nag->add_option("policy", f.policy, "Policy document")->required();
        nag->add_option("--action", f.actions, "Actions (comma-separated or repeated; wildcards allowed)")->required();
        nag->add_option("--resource", f.resources, "Resource ARNs (comma-separated or repeated)");
        nag->add_flag("-v,--verbose", f.verbose, "Also list skipped input");
        AddFormat(nag, f);
        nag->callback([] { selected = 4; });
        CLI::App* pub = aws->add_subcommand("check-no-public-access", "PASS when a resource policy grants no public access");
        pub->add_option("policy", f.policy, "Resource policy document")->required();
        pub->add_option("--resource-type", f.resource_type, "Resource type, e.g. AWS::S3::Bucket (shown in the report)");
        pub->add_option("--owner-account", f.owner_account, "Account that owns the resource");
        pub->add_flag("-v,--verbose", f.verbose, "Also list skipped input");
        AddFormat(pub, f);
        pub->callback([] { selected = 5; });
        CLI::App* reach = aws->add_subcommand("reach", "Can FROM reach TO on this port through security groups, "
                                                        "network ACLs and routes (aws ec2 describe-* output)?");
        reach->add_option("--from", f.from, "internet, an instance id, an interface id, an IP address or a load balancer name")->required();
        reach->add_option("--to", f.to, "internet, an instance id, an interface id, an IP address or a load balancer name")->required();
        reach->add_option("--port", f.port,
                          "N/PROTO, N (TCP), PROTO, TYPE[:CODE]/icmp, or all (any protocol, no port); "
                          "default: TCP without a port");
        reach->add_flag("--full-read", f.full_read,
                        "Read every interface and instance, not only those a path between the two endpoints can use "
                        "(the answer is the same; for checking that)");
        reach->add_option("--expect", f.expect, "Exit 1 unless the answer is this (allow or deny)");
        reach->add_option("--format", f.format, "Output format")->check(CLI::IsMember({"text", "json"}))->default_str("text");
        AddInputOptions(reach, &f.in, &f.verbose, false);
        reach->callback([] { selected = 6; });
        CLI::App* expo = aws->add_subcommand("exposure", "Every interface and instance the internet reaches, with ports");
        expo->add_option("--format", f.format, "Output format")->check(CLI::IsMember({"text", "json"}))->default_str("text");
        AddInputOptions(expo, &f.in, &f.verbose, false);
        expo->callback([] { selected = 7; });
      },
      [] {
        switch (selected) {
          case 1: return RunCanI();
          case 2: return RunWhoCan();
          case 3: return RunCompare();
          case 4: return RunAccessNotGranted();
          case 5: return RunNoPublicAccess();
          case 6: return RunReachAws();
          case 7: return RunExposure();
        }
        return kExitUsage;
      }};
}

}  // namespace grantpath::cli

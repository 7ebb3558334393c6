// grantpath k8s can-i | who-can | permissions: Kubernetes RBAC queries over
// the scanned input, answered the way the API server's RBAC authorizer
// would, with every grant located.
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "engine/k8s_resources.h"
#include "engine/rbac_covers.h"
#include "engine/rbac.h"
#include "output/report.h"

namespace grantpath::cli {
namespace {

using Json = nlohmann::ordered_json;

struct QueryFlags {
  InputOptions in;
  bool verbose = false;
  std::string format = "text";
  std::string as;
  std::vector<std::string> as_groups;
  std::string verb;
  std::string type;
  std::string subresource;
  std::string ns;
  bool all_namespaces = false;
  std::string expect;
  std::string subject;  // permissions
  std::string role;     // can-bind: clusterrole/NAME or role/NAME
  std::string requests; // can-i --requests FILE
};

QueryFlags& Flags() {
  static QueryFlags f;
  return f;
}

Json Loc(const Model& m, const SourceRange& r) { return LocationJson(m, r); }
std::string LocText(const Model& m, const SourceRange& r) { return LocationText(m, r); }

Json Strings(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

std::string RuleText(const k8s::PolicyRule& r) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + (x.empty() ? std::string("\"\"") : x);
    return s;
  };
  std::string out = "verbs=" + join(r.verbs);
  if (!r.api_groups.empty()) out += " apiGroups=" + join(r.api_groups);
  if (!r.resources.empty()) out += " resources=" + join(r.resources);
  if (!r.resource_names.empty()) out += " resourceNames=" + join(r.resource_names);
  if (!r.non_resource_urls.empty()) out += " nonResourceURLs=" + join(r.non_resource_urls);
  return out;
}

Json GrantJson(const Model& m, const rbac::Engine& e, const rbac::Grant& g) {
  if (g.superuser) {
    return Json{{"binding", nullptr}, {"role", nullptr}, {"rule", nullptr},
                {"superuser", "system:masters"}, {"location", nullptr}};
  }
  const auto& b = m.k8s_bindings[g.binding];
  const auto& r = m.k8s_roles[g.role];
  const auto& src = m.k8s_roles[g.rule.role];
  const auto& rule = e.RuleOf(g.rule);
  Json j;
  j["binding"] = {{"kind", b.cluster ? "ClusterRoleBinding" : "RoleBinding"},
                  {"name", b.meta.name},
                  {"namespace", b.meta.ns},
                  {"builtin", b.builtin},
                  {"location", Loc(m, b.subjects[g.subject].where)}};
  j["role"] = {{"kind", r.cluster ? "ClusterRole" : "Role"}, {"name", r.meta.name},
               {"namespace", r.meta.ns}, {"location", Loc(m, b.role_ref.where)}};
  Json rj = {{"index", g.rule.rule + 1},
             {"verbs", Strings(rule.verbs)},
             {"apiGroups", Strings(rule.api_groups)},
             {"resources", Strings(rule.resources)},
             {"resourceNames", Strings(rule.resource_names)},
             {"nonResourceURLs", Strings(rule.non_resource_urls)}};
  if (g.rule.role != g.role) rj["aggregatedFrom"] = src.meta.name;
  j["rule"] = rj;
  j["location"] = Loc(m, rule.where);
  return j;
}

std::string GrantText(const Model& m, const rbac::Engine& e, const rbac::Grant& g) {
  if (g.superuser) return "member of system:masters (the API server allows every request)";
  const auto& b = m.k8s_bindings[g.binding];
  const auto& rule = e.RuleOf(g.rule);
  std::string out = rbac::BindingName(b) + " -> " + rbac::RoleName(m.k8s_roles[g.role]);
  if (g.rule.role != g.role) out += " (aggregated from " + rbac::RoleName(m.k8s_roles[g.rule.role]) + ")";
  out += " rule " + std::to_string(g.rule.rule + 1) + " {" + RuleText(rule) + "} at " +
         LocText(m, rule.where);
  return out;
}

// SUBJECT: system:serviceaccount:NS:NAME, or a user name.
SubjectKey ParseSubject(const std::string& s) {
  const std::string prefix = "system:serviceaccount:";
  if (s.rfind(prefix, 0) == 0) {
    std::string rest = s.substr(prefix.size());
    auto colon = rest.find(':');
    if (colon != std::string::npos)
      return SubjectKey{"ServiceAccount", rest.substr(0, colon), rest.substr(colon + 1)};
  }
  return SubjectKey{"User", "", s};
}

struct BuiltRequest {
  rbac::Request req;
  bool cluster_scoped = false;
  std::string warning;
};

// VERB TYPE[/NAME] | VERB /non-resource-url, as kubectl auth can-i takes them.
bool BuildRequest(const QueryFlags& f, BuiltRequest* out) {
  rbac::Request& r = out->req;
  r.verb = f.verb;
  if (!f.type.empty() && f.type[0] == '/') {
    r.resource_request = false;
    r.path = f.type;
    out->cluster_scoped = true;
    return true;
  }
  std::string type = f.type;
  auto slash = type.find('/');
  if (slash != std::string::npos) {
    r.name = type.substr(slash + 1);
    type = type.substr(0, slash);
  }
  auto rt = k8s::ResolveResourceType(type);
  if (!rt.known) {
    out->warning = "warning: resource type '" + type + "' is not a built-in type; taken literally" +
                   k8s::SuggestResourceType(type);
  }
  r.resource = rt.resource;
  r.api_group = rt.group;
  r.subresource = f.subresource;
  out->cluster_scoped = rt.cluster_scoped;
  r.ns = rt.cluster_scoped ? "" : f.ns;
  return true;
}

struct Loaded {
  std::unique_ptr<Session> session;
  std::unique_ptr<rbac::Engine> engine;
  BuiltRequest request;
};

std::optional<Loaded> LoadForQuery(QueryFlags& f) {
  f.in.load.verbose = f.verbose;
  f.in.load.k8s.verbose = f.verbose;
  Loaded l;
  l.session = LoadSession(f.in);
  PrintDiagnostics(*l.session);
  if (l.session->user_objects == 0) {
    std::cerr << "error: nothing to analyze: no Kubernetes object found in the given paths\n";
    return std::nullopt;
  }
  l.engine = std::make_unique<rbac::Engine>(*l.session->model);
  for (const auto& d : l.engine->diagnostics())
    std::cerr << output::FormatDiagnostic(*l.session->model, d) << "\n";
  return l;
}

// Builds the request of VERB TYPE, then loads the inputs.
std::optional<Loaded> LoadWithRequest(QueryFlags& f) {
  BuiltRequest br;
  BuildRequest(f, &br);
  if (!br.warning.empty()) std::cerr << br.warning << "\n";
  auto loaded = LoadForQuery(f);
  if (loaded) loaded->request = std::move(br);
  return loaded;
}

// One can-i answer as JSON and as text.
void AnswerCanI(const Model& m, const rbac::Engine& e, const rbac::UserInfo& user, const rbac::Request& req,
                Json* json, std::string* text, bool* allowed) {
  rbac::Decision d = e.Authorize(user, req);
  *allowed = d.allowed;
  Json& j = *json;
  j["allowed"] = d.allowed;
  j["request"] = {{"user", user.name},
                  {"groups", Strings(user.groups)},
                  {"verb", req.verb},
                  {"apiGroup", req.api_group},
                  {"resource", req.resource},
                  {"subresource", req.subresource},
                  {"name", req.name},
                  {"namespace", req.ns},
                  {"path", req.path},
                  {"resourceRequest", req.resource_request}};
  Json grants = Json::array();
  for (const auto& g : d.grants) grants.push_back(GrantJson(m, e, g));
  j["grants"] = grants;
  if (text == nullptr) return;
  std::string& t = *text;
  t = d.allowed ? "yes\n" : "no\n";
  for (const auto& g : d.grants) t += "  allowed by " + GrantText(m, e, g) + "\n";
  if (user.name.rfind("system:node:", 0) == 0 ||
      std::find(user.groups.begin(), user.groups.end(), "system:nodes") != user.groups.end())
    t += "  note: kubelets are authorized by the Node authorizer, which grants what RBAC "
         "does not show (and restricts it to the node's own pods)\n";
  if (!d.allowed) {
    t += "  no RBAC rule allows " + req.Describe() + " for '" + user.name + "'";
    if (!req.resource_request || req.ns.empty())
      t += " (a request without namespace is granted by ClusterRoleBindings only)";
    t += "; RBAC never denies, so another authorizer (Node, webhook) could still allow it\n";
  }
}

// --requests FILE: {"as", "groups": [...], "verb", "resource": "TYPE[/NAME]",
// "subresource", "namespace"} per line; one answer per line, in order.
int RunCanIBatch(QueryFlags& f) {
  std::string text;
  if (!ReadRequestsFile(f.requests, &text)) return kExitUsage;
  auto loaded = LoadForQuery(f);
  if (!loaded) return kExitUsage;
  const Model& m = *loaded->session->model;
  OutputStream out("");
  ForEachRequest(text, [&](std::size_t n, const nlohmann::json* object) {
    Json answer;
    answer["line"] = n;
    std::string error;
    if (!object) error = kNotAnObject;
    static const nlohmann::json kEmpty = nlohmann::json::object();
    const nlohmann::json& j = object ? *object : kEmpty;
    QueryFlags q;
    std::vector<std::string> groups;
    if (error.empty()) {
      q.as = RequestField(j, "as", true, &error);
      q.verb = RequestField(j, "verb", true, &error);
      q.type = RequestField(j, "resource", true, &error);
      q.subresource = RequestField(j, "subresource", false, &error);
      q.ns = RequestField(j, "namespace", false, &error);
      if (j.contains("groups")) {
        if (!j["groups"].is_array()) error = "\"groups\" must be a list of strings";
        else
          for (const auto& g : j["groups"])
            if (g.is_string()) groups.push_back(g.get<std::string>());
            else error = "\"groups\" must be a list of strings";
      }
    }
    if (!error.empty()) {
      answer["error"] = error;
    } else {
      BuiltRequest br;
      BuildRequest(q, &br);
      if (!br.warning.empty()) answer["warning"] = br.warning.substr(br.warning.find(' ') + 1);
      rbac::UserInfo user = rbac::UserInfoFor(ParseSubject(q.as), groups);
      Json a;
      bool allowed = false;
      AnswerCanI(m, *loaded->engine, user, br.req, &a, nullptr, &allowed);
      for (auto& [k, v] : a.items()) answer[k] = v;
    }
    out << answer.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  });
  return out.Close() ? kExitOk : kExitUsage;
}

int RunCanI() {
  QueryFlags& f = Flags();
  if (!f.expect.empty() && f.expect != "yes" && f.expect != "no") {
    std::cerr << "error: --expect must be 'yes' or 'no'\n";
    return kExitUsage;
  }
  if (!f.requests.empty()) {
    // Without VERB TYPE, the words CLI11 put there are paths.
    for (const std::string* w : {&f.type, &f.verb})
      if (!w->empty()) f.in.paths.insert(f.in.paths.begin(), *w);
  } else if (f.as.empty() || f.verb.empty() || f.type.empty()) {
    std::cerr << "error: give --as SUBJECT VERB TYPE, or --requests FILE\n";
    return kExitUsage;
  }
  if (f.in.paths.empty()) {
    std::cerr << "error: paths is required\n";
    return kExitUsage;
  }
  for (const auto& p : f.in.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) {
      std::cerr << "paths: Path does not exist: " << p << "\n";
      return kExitUsage;
    }
  }
  if (!f.requests.empty()) return RunCanIBatch(f);
  auto loaded = LoadWithRequest(f);
  if (!loaded) return kExitUsage;
  const BuiltRequest& br = loaded->request;
  const Model& m = *loaded->session->model;
  rbac::UserInfo user = rbac::UserInfoFor(ParseSubject(f.as), f.as_groups);
  Json j;
  std::string text;
  bool allowed = false;
  AnswerCanI(m, *loaded->engine, user, br.req, &j, &text, &allowed);
  if (f.format == "json") WriteOutput("", j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  else WriteOutput("", text);
  if (!f.expect.empty() && (f.expect == "yes") != allowed) return kExitFindings;
  return kExitOk;
}

int RunWhoCan() {
  QueryFlags& f = Flags();
  auto loaded = LoadWithRequest(f);
  if (!loaded) return kExitUsage;
  const BuiltRequest& br = loaded->request;
  const Model& m = *loaded->session->model;
  const rbac::Engine& e = *loaded->engine;
  auto subjects = e.WhoCan(br.req, f.all_namespaces, br.cluster_scoped);
  if (f.format == "json") {
    Json arr = Json::array();
    for (const auto& s : subjects) {
      Json j{{"kind", s.who.kind}, {"name", s.who.name}, {"namespace", s.who.ns}};
      if (!s.via_group.empty()) j["viaGroup"] = s.via_group;
      if (s.superuser) j["superuser"] = true;
      Json grants = Json::array();
      for (const auto& g : s.grants) grants.push_back(GrantJson(m, e, g));
      j["grants"] = grants;
      Json workloads = Json::array();
      if (s.who.kind == "ServiceAccount") {
        for (auto w : e.WorkloadsOf(s.who)) {
          const auto& wl = m.k8s_workloads[w];
          workloads.push_back({{"kind", wl.kind}, {"name", wl.meta.name}, {"namespace", wl.meta.ns},
                               {"tokenMounted", e.TokenMounted(w)}, {"location", Loc(m, wl.meta.where)}});
        }
      }
      j["workloads"] = workloads;
      arr.push_back(j);
    }
    Json out{{"request",
              {{"verb", br.req.verb}, {"apiGroup", br.req.api_group}, {"resource", br.req.resource},
               {"subresource", br.req.subresource}, {"name", br.req.name},
               {"namespace", f.all_namespaces && !br.cluster_scoped ? "*" : br.req.ns},
               {"path", br.req.path}}},
             {"subjects", arr}};
    WriteOutput("", out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  std::string text;
  for (const auto& s : subjects) {
    text += s.who.kind + " " + (s.who.ns.empty() ? "" : s.who.ns + "/") + s.who.name;
    if (s.superuser) text += " (superuser)";
    if (!s.via_group.empty()) text += " (via group " + s.via_group + ")";
    text += "\n";
    std::set<std::string> seen;
    for (const auto& g : s.grants) {
      std::string line = "    " + GrantText(m, e, g) + "\n";
      if (seen.insert(line).second) text += line;
    }
    if (s.who.kind == "ServiceAccount")
      for (auto w : e.WorkloadsOf(s.who)) {
        const auto& wl = m.k8s_workloads[w];
        text += "    runs in " + wl.kind + " " + wl.meta.ns + "/" + wl.meta.name +
                (e.TokenMounted(w) ? " (token mounted)" : " (token not mounted)") + " at " +
                LocText(m, wl.meta.where) + "\n";
      }
  }
  WriteOutput("", text);
  return kExitOk;
}

int RunPermissions() {
  QueryFlags& f = Flags();
  auto loaded = LoadForQuery(f);
  if (!loaded) return kExitUsage;
  const Model& m = *loaded->session->model;
  const rbac::Engine& e = *loaded->engine;
  SubjectKey who = ParseSubject(f.subject);
  rbac::UserInfo user = rbac::UserInfoFor(who, f.as_groups);
  const rbac::Permissions by_scope = rbac::PermissionsOf(e, user);
  bool masters = std::find(user.groups.begin(), user.groups.end(), "system:masters") != user.groups.end();
  if (f.format == "json") {
    Json scopes = Json::array();
    for (const auto& [ns, rules] : by_scope) {
      Json rs = Json::array();
      for (const auto& [rr, grants] : rules) {
        const auto& rule = e.RuleOf(rr);
        Json via = Json::array();
        for (const auto& g : grants) via.push_back(GrantJson(m, e, g)["binding"]);
        rs.push_back({{"verbs", Strings(rule.verbs)}, {"apiGroups", Strings(rule.api_groups)},
                      {"resources", Strings(rule.resources)},
                      {"resourceNames", Strings(rule.resource_names)},
                      {"nonResourceURLs", Strings(rule.non_resource_urls)},
                      {"role", rbac::RoleName(m.k8s_roles[rr.role])},
                      {"location", Loc(m, rule.where)},
                      {"via", via}});
      }
      scopes.push_back({{"namespace", ns.empty() ? "*" : ns}, {"rules", rs}});
    }
    Json out{{"subject", {{"user", user.name}, {"groups", Strings(user.groups)}}},
             {"superuser", masters},
             {"scopes", scopes}};
    WriteOutput("", out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  std::string text = "user '" + user.name + "', groups:";
  for (const auto& g : user.groups) text += " " + g;
  text += "\n";
  if (masters) text += "system:masters: every request is allowed, whatever the rules below say\n";
  if (by_scope.empty()) text += "no RBAC rule applies\n";
  for (const auto& [ns, rules] : by_scope) {
    text += ns.empty() ? "cluster-wide:\n" : "in namespace '" + ns + "':\n";
    for (const auto& [rr, grants] : rules) {
      text += "  " + RuleText(e.RuleOf(rr)) + "  (" + rbac::RoleName(m.k8s_roles[rr.role]) + " at " +
              LocText(m, e.RuleOf(rr).where) + ")\n";
      std::set<std::string> seen;
      for (const auto& g : grants) {
        std::string b = "      via " + rbac::BindingName(m.k8s_bindings[g.binding]) + " at " +
                        LocText(m, m.k8s_bindings[g.binding].subjects[g.subject].where) + "\n";
        if (seen.insert(b).second) text += b;
      }
    }
  }
  WriteOutput("", text);
  return kExitOk;
}

int RunCanBind() {
  QueryFlags& f = Flags();
  auto slash = f.role.find('/');
  std::string kind = slash == std::string::npos ? "" : f.role.substr(0, slash);
  std::string name = slash == std::string::npos ? "" : f.role.substr(slash + 1);
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if ((kind != "clusterrole" && kind != "role") || name.empty()) {
    std::cerr << "error: ROLE must be clusterrole/NAME or role/NAME\n";
    return kExitUsage;
  }
  if (kind == "role" && f.ns.empty()) {
    std::cerr << "error: a Role is namespaced: give -n NAMESPACE\n";
    return kExitUsage;
  }
  auto loaded = LoadForQuery(f);
  if (!loaded) return kExitUsage;
  const Model& m = *loaded->session->model;
  const rbac::Engine& e = *loaded->engine;
  std::optional<std::size_t> role;
  for (std::size_t i = 0; i < m.k8s_roles.size(); ++i) {
    const auto& r = m.k8s_roles[i];
    if (r.meta.name == name && r.cluster == (kind == "clusterrole") && (r.cluster || r.meta.ns == f.ns))
      role = i;
  }
  if (!role) {
    std::cerr << "error: " << (kind == "clusterrole" ? "ClusterRole '" : "Role '" + f.ns + "/") << name
              << "' is not in the input\n";
    return kExitUsage;
  }
  rbac::UserInfo user = rbac::UserInfoFor(ParseSubject(f.as), f.as_groups);
  rbac::BindDecision d = rbac::CanBind(e, user, *role, f.ns);
  if (f.format == "json") {
    Json j;
    j["allowed"] = d.allowed;
    j["via"] = d.via.empty() ? Json(nullptr) : Json(d.via);
    j["role"] = {{"kind", kind == "clusterrole" ? "ClusterRole" : "Role"}, {"name", name},
                 {"namespace", kind == "role" ? f.ns : ""}};
    j["bindingNamespace"] = f.ns;
    Json grants = Json::array();
    for (const auto& g : d.bind_grants) grants.push_back(GrantJson(m, e, g));
    j["grants"] = grants;
    Json unc = Json::array();
    for (const auto& r : d.uncovered)
      unc.push_back({{"verbs", Strings(r.verbs)}, {"apiGroups", Strings(r.api_groups)},
                     {"resources", Strings(r.resources)}, {"resourceNames", Strings(r.resource_names)},
                     {"nonResourceURLs", Strings(r.non_resource_urls)}, {"location", Loc(m, r.where)}});
    j["uncovered"] = unc;
    WriteOutput("", j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  } else {
    std::string text = d.allowed ? "yes\n" : "no\n";
    if (d.via == "system:masters") text += "  member of system:masters\n";
    if (d.via == "covers") text += "  it already holds every permission of the role (escalation check)\n";
    for (const auto& g : d.bind_grants) text += "  bind allowed by " + GrantText(m, e, g) + "\n";
    if (!d.allowed) {
      // One line by default; the role's permissions not held with -v.
      text += "  no bind permission on the role, and " + std::to_string(d.uncovered.size()) + " of its " +
              (d.uncovered.size() == 1 ? "rules is" : "rules are") + " not held (-v lists them)\n";
      if (f.verbose)
        for (const auto& r : d.uncovered) text += "    {" + RuleText(r) + "} at " + LocText(m, r.where) + "\n";
    }
    WriteOutput("", text);
  }
  if (!f.expect.empty() && (f.expect == "yes") != d.allowed) return kExitFindings;
  return kExitOk;
}

// VERB and TYPE are required unless the command also takes --requests
// (CLI11 then fills the required paths first when fewer words are given).
void AddRequestArgs(CLI::App* cmd, QueryFlags& f, bool required = true) {
  auto* verb = cmd->add_option("verb", f.verb, "Verb (get, list, create, impersonate, ...)");
  auto* type = cmd->add_option("type", f.type,
                               "TYPE[/NAME]: resource[.group] as kubectl takes it, or a non-resource URL "
                               "starting with '/'");
  if (required) {
    verb->required();
    type->required();
  }
  cmd->add_option("--subresource", f.subresource, "Subresource (exec, log, token, ...)");
  cmd->add_option("-n,--namespace", f.ns, "Namespace of the request (none: cluster-wide)");
}

void AddFormat(CLI::App* cmd, QueryFlags& f) {
  cmd->add_option("--format", f.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

}  // namespace

Command K8sCommand() {
  static int selected = 0;
  return Command{
      "k8s",
      [](CLI::App& app) {
        QueryFlags& f = Flags();
        CLI::App* k8s = app.add_subcommand("k8s", "Kubernetes RBAC queries");
        k8s->require_subcommand(1);
        CLI::App* can = k8s->add_subcommand("can-i", "May SUBJECT make this request?");
        can->add_option("--as", f.as, "system:serviceaccount:NS:NAME or a user name");
        can->add_option("--requests", f.requests,
                        "Answer every request of this JSON Lines file on one load, one JSON answer per line "
                        "(docs/k8s-rbac.md)");
        can->add_option("--as-group", f.as_groups, "Extra group of the user (repeatable)")
            ->allow_extra_args(false);
        AddRequestArgs(can, f, false);
        can->add_option("--expect", f.expect, "Exit 1 unless the answer is this (yes or no)");
        AddFormat(can, f);
        AddInputOptions(can, &f.in, &f.verbose);
        // With --requests there is no VERB TYPE: the paths may come first,
        // so RunCanI checks them instead of CLI11.
        can->get_option("paths")->required(false);
        can->callback([] { selected = 1; });
        CLI::App* who = k8s->add_subcommand("who-can", "Who may make this request?");
        AddRequestArgs(who, f);
        who->add_flag("-A,--all-namespaces", f.all_namespaces,
                      "Check a namespaced request in every namespace");
        AddFormat(who, f);
        AddInputOptions(who, &f.in, &f.verbose);
        who->callback([] { selected = 2; });
        CLI::App* perms = k8s->add_subcommand("permissions", "Effective rules of SUBJECT");
        perms->add_option("subject", f.subject, "system:serviceaccount:NS:NAME or a user name")
            ->required();
        perms->add_option("--as-group", f.as_groups, "Extra group of the user (repeatable)")
            ->allow_extra_args(false);
        AddFormat(perms, f);
        AddInputOptions(perms, &f.in, &f.verbose);
        perms->callback([] { selected = 3; });
        CLI::App* bind = k8s->add_subcommand(
            "can-bind", "May SUBJECT create a binding to ROLE (the API server's escalation check)?");
        bind->add_option("--as", f.as, "system:serviceaccount:NS:NAME or a user name")->required();
        bind->add_option("--as-group", f.as_groups, "Extra group of the user (repeatable)")
            ->allow_extra_args(false);
        bind->add_option("role", f.role, "clusterrole/NAME or role/NAME")->required();
        bind->add_option("-n,--namespace", f.ns, "Namespace of the RoleBinding (none: a ClusterRoleBinding)");
        bind->add_option("--expect", f.expect, "Exit 1 unless the answer is this (yes or no)");
        AddFormat(bind, f);
        AddInputOptions(bind, &f.in, &f.verbose);
        bind->callback([] { selected = 4; });
      },
      [] {
        switch (selected) {
          case 1: return RunCanI();
          case 2: return RunWhoCan();
          case 3: return RunPermissions();
          case 4: return RunCanBind();
        }
        return kExitUsage;
      }};
}

}  // namespace grantpath::cli

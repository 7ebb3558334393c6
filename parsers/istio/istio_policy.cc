#include "istio/istio_policy.h"

#include <algorithm>
#include <charconv>

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

// What istiod's validation of AuthorizationPolicy checks that changes what
// is read (pkg/config/validation): the action and provider, `from`/`to`
// neither empty nor holding empty entries, empty strings, port numbers,
// condition keys with values, selector xor targetRef, and DENY with rules.
class IstioReader {
 public:
  IstioReader(const DocNode& obj, FileId file, Model& model, DiagnosticSink& sink, const K8sOptions& options)
      : obj_(obj), file_(file), model_(model), sink_(sink), options_(options), f_(file, sink, Describe(obj)) {}

  std::size_t Run() {
    mesh::AuthorizationPolicy p;
    p.meta = ParseObjectMeta(obj_, file_, f_, options_, true);
    p.where = p.meta.where;
    if (auto it = p.meta.annotations.find("istio.io/dry-run"); it != p.meta.annotations.end())
      p.dry_run = it->second == "true";
    const DocNode* spec = f_.Map(obj_, "spec");
    if (spec != nullptr) {
      if (const DocNode* a = spec->Find("action"); a && a->is_scalar()) {
        p.action = a->text;
        p.action_where = At(file_, a->pos);
        if (p.action != "ALLOW" && p.action != "DENY" && p.action != "AUDIT" && p.action != "CUSTOM")
          Bad(*a, "action must be ALLOW, DENY, AUDIT or CUSTOM, got '" + p.action + "'");
      }
      if (const DocNode* sel = f_.Map(*spec, "selector")) {
        p.has_selector = true;
        p.selector_where = At(file_, sel->pos);
        p.match_labels = f_.StrMap(*sel, "matchLabels");
      }
      for (const char* k : {"targetRef", "targetRefs"})
        if (const DocNode* t = spec->Find(k)) {
          p.target_ref = true;
          p.target_where = At(file_, t->pos);
        }
      if (p.has_selector && p.target_ref) Bad(*spec, "only one of selector and targetRef/targetRefs can be set");
      if (const DocNode* pr = f_.Map(*spec, "provider")) p.provider = f_.Str(*pr, "name").value_or("");
      if (spec->Find("provider") != nullptr && p.action != "CUSTOM")
        Bad(*spec->Find("provider"), "`provider` must not be used with a non-CUSTOM action");
      if (p.action == "CUSTOM" && p.provider.empty()) Bad(*spec, "a CUSTOM action needs `provider.name`");
      if (const DocNode* rules = spec->Find("rules"); rules && !rules->is_null()) {
        p.rules_given = true;
        if (!rules->is_seq()) {
          f_.WrongType(*rules, "rules", "a list of rules");
        } else {
          for (const DocNode& r : rules->items) {
            if (r.is_null()) {
              Bad(r, "a rule must not be null");
              continue;
            }
            if (!r.is_map()) {
              f_.WrongType(r, "rules", "a list of rules");
              continue;
            }
            p.rules.push_back(Rule(r));
          }
        }
      }
    }
    if (p.action == "DENY" && !p.rules_given)
      Bad(spec ? *spec : obj_, "DENY action without `rules` is meaningless as it will never be triggered");
    if (!f_.ok() || bad_) {
      sink_.Note("skipped", "AuthorizationPolicy '" + p.meta.ns + "/" + p.meta.name +
                                "' is not evaluated: istiod would reject it",
                 p.where);
      return 0;
    }
    model_.istio_authz.push_back(std::move(p));
    return 1;
  }

 private:
  static std::string Describe(const DocNode& obj) {
    std::string name, ns;
    if (const DocNode* md = obj.Find("metadata"); md && md->is_map()) {
      if (const DocNode* n = md->Find("name"); n && n->is_scalar()) name = n->text;
      if (const DocNode* n = md->Find("namespace"); n && n->is_scalar()) ns = n->text;
    }
    return "AuthorizationPolicy '" + (ns.empty() ? "" : ns + "/") + name + "'";
  }

  void Bad(const DocNode& at, const std::string& message) {
    sink_.Error("invalid-value", message, At(file_, at.pos));
    bad_ = true;
  }

  // A list of non-empty strings (istiod rejects empty ones).
  std::vector<std::string> Strings(const DocNode& parent, std::string_view key) {
    std::vector<std::string> out = f_.StrList(parent, key);
    if (std::any_of(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }))
      Bad(*parent.Find(key), "empty value in `" + std::string(key) + "`");
    return out;
  }

  // Ports: numbers 0-65535 as strings.
  std::vector<std::string> Ports(const DocNode& parent, std::string_view key) {
    std::vector<std::string> out = Strings(parent, key);
    for (const auto& s : out) {
      int v = -1;
      auto [q, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || q != s.data() + s.size() || v < 0 || v > 65535)
        Bad(*parent.Find(key), "invalid port '" + s + "' in `" + std::string(key) + "` (a number 0-65535)");
    }
    return out;
  }

  // A list of `{<wrapper>: {...}}` entries; `present` says the key exists.
  template <class F>
  void Wrapped(const DocNode& rule, std::string_view key, std::string_view wrapper, const F& each) {
    const DocNode* list = rule.Find(key);
    if (list == nullptr || list->is_null()) return;
    if (!list->is_seq()) {
      f_.WrongType(*list, key, "a list");
      return;
    }
    if (list->items.empty()) Bad(*list, "`" + std::string(key) + "` must not be empty");
    for (const DocNode& item : list->items) {
      const DocNode* inner = item.is_map() ? item.Find(wrapper) : nullptr;
      if (inner == nullptr || inner->is_null()) {
        Bad(item, "`" + std::string(key) + "." + std::string(wrapper) + "` must not be null");
        continue;
      }
      if (!inner->is_map()) {
        f_.WrongType(*inner, wrapper, "a map");
        continue;
      }
      each(*inner);
    }
  }

  mesh::IstioRule Rule(const DocNode& r) {
    mesh::IstioRule rule;
    rule.where = At(file_, r.pos);
    Wrapped(r, "from", "source", [&](const DocNode& s) {
      mesh::IstioSource src;
      src.where = At(file_, s.pos);
      src.principals = Strings(s, "principals");
      src.not_principals = Strings(s, "notPrincipals");
      src.request_principals = Strings(s, "requestPrincipals");
      src.not_request_principals = Strings(s, "notRequestPrincipals");
      src.namespaces = Strings(s, "namespaces");
      src.not_namespaces = Strings(s, "notNamespaces");
      src.service_accounts = Strings(s, "serviceAccounts");
      src.not_service_accounts = Strings(s, "notServiceAccounts");
      src.ip_blocks = Strings(s, "ipBlocks");
      src.not_ip_blocks = Strings(s, "notIpBlocks");
      src.remote_ip_blocks = Strings(s, "remoteIpBlocks");
      src.not_remote_ip_blocks = Strings(s, "notRemoteIpBlocks");
      if (s.entries.empty()) Bad(s, "`from.source` must not be empty");
      if (!src.service_accounts.empty() || !src.not_service_accounts.empty())
        if (!src.principals.empty() || !src.not_principals.empty() || !src.namespaces.empty() ||
            !src.not_namespaces.empty())
          Bad(s, "serviceAccounts cannot be set with namespaces or principals");
      for (const auto* list : {&src.service_accounts, &src.not_service_accounts})
        for (const auto& sa : *list)
          if (std::count(sa.begin(), sa.end(), '/') != 1 || sa.front() == '/' || sa.back() == '/')
            Bad(s, "service account '" + sa + "' must be NAMESPACE/NAME");
      rule.from.push_back(std::move(src));
    });
    Wrapped(r, "to", "operation", [&](const DocNode& o) {
      mesh::IstioOperation op;
      op.where = At(file_, o.pos);
      op.ports = Ports(o, "ports");
      op.not_ports = Ports(o, "notPorts");
      op.hosts = Strings(o, "hosts");
      op.not_hosts = Strings(o, "notHosts");
      op.methods = Strings(o, "methods");
      op.not_methods = Strings(o, "notMethods");
      op.paths = Strings(o, "paths");
      op.not_paths = Strings(o, "notPaths");
      if (o.entries.empty()) Bad(o, "`to.operation` must not be empty");
      rule.to.push_back(std::move(op));
    });
    if (const DocNode* when = f_.Seq(r, "when")) {
      for (const DocNode& c : when->items) {
        if (!c.is_map()) {
          f_.WrongType(c, "when", "a list of conditions");
          continue;
        }
        mesh::IstioCondition cond;
        cond.where = At(file_, c.pos);
        cond.key = f_.Str(c, "key").value_or("");
        cond.values = f_.StrList(c, "values");
        cond.not_values = f_.StrList(c, "notValues");
        if (cond.key.empty()) Bad(c, "a condition needs a `key`");
        else if (cond.values.empty() && cond.not_values.empty())
          Bad(c, "at least one of `values` or `notValues` must be set for key " + cond.key);
        if (cond.key == "destination.port")
          for (const auto* list : {&cond.values, &cond.not_values})
            for (const auto& v : *list) {
              int port = -1;
              auto [q, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
              if (ec != std::errc() || q != v.data() + v.size() || port < 0 || port > 65535)
                Bad(c, "invalid value '" + v + "' for key destination.port (a number 0-65535)");
            }
        rule.when.push_back(std::move(cond));
      }
    }
    return rule;
  }

  const DocNode& obj_;
  FileId file_;
  Model& model_;
  DiagnosticSink& sink_;
  const K8sOptions& options_;
  Fields f_;
  bool bad_ = false;
};

// "key: value" at the start of a line of the mesh config, unquoted.
std::string TopLevel(const std::string& text, const std::string& key) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.substr(0, key.size() + 1) == key + ":") {
      std::string v(line.substr(key.size() + 1));
      if (auto hash = v.find(" #"); hash != std::string::npos) v.resize(hash);
      v.erase(0, v.find_first_not_of(" \t"));
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.pop_back();
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
      return v;
    }
    at = end + 1;
  }
  return "";
}

}  // namespace

std::size_t ParseIstioAuthorizationPolicy(const DocNode& obj, FileId file, Model& model, DiagnosticSink& sink,
                                          const K8sOptions& options) {
  IstioReader r(obj, file, model, sink, options);
  return r.Run();
}

std::size_t ParseIstioPeerAuthentication(const DocNode& obj, FileId file, Model& model, DiagnosticSink& sink,
                                         const K8sOptions& options) {
  mesh::PeerAuthentication p;
  std::string name;
  if (const DocNode* md = obj.Find("metadata"); md && md->is_map())
    if (const DocNode* n = md->Find("name"); n && n->is_scalar()) name = n->text;
  Fields f(file, sink, "PeerAuthentication '" + name + "'");
  p.meta = ParseObjectMeta(obj, file, f, options, true);
  p.where = p.meta.where;
  if (const DocNode* md = obj.Find("metadata"); md && md->is_map())
    if (const DocNode* t = md->Find("creationTimestamp"); t && t->is_scalar()) p.created = t->text;
  bool bad = false;
  auto invalid = [&](const DocNode& at, const std::string& message) {
    sink.Error("invalid-value", message, At(file, at.pos));
    bad = true;
  };
  auto mode_of = [&](const DocNode& mtls, std::string* out, SourceRange* where) {
    const DocNode* m = mtls.Find("mode");
    if (m == nullptr || m->is_null()) return;
    if (!m->is_scalar() || (m->text != "UNSET" && m->text != "DISABLE" && m->text != "PERMISSIVE" && m->text != "STRICT")) {
      invalid(*m, "mTLS mode must be UNSET, DISABLE, PERMISSIVE or STRICT");
      return;
    }
    *out = m->text;
    if (where) *where = At(file, m->pos);
  };
  const DocNode* spec = f.Map(obj, "spec");
  if (spec != nullptr) {
    if (const DocNode* sel = f.Map(*spec, "selector")) {
      p.match_labels = f.StrMap(*sel, "matchLabels");
      p.has_selector = !p.match_labels.empty();
    }
    if (const DocNode* m = f.Map(*spec, "mtls")) mode_of(*m, &p.mode, &p.mode_where);
    if (const DocNode* ports = spec->Find("portLevelMtls"); ports && !ports->is_null()) {
      if (!ports->is_map()) {
        f.WrongType(*ports, "portLevelMtls", "a map of port to mTLS settings");
      } else {
        if (ports->entries.empty()) invalid(*ports, "port level mTLS, if defined, must have at least one element");
        if (!p.has_selector)
          invalid(*ports, "mesh/namespace peer authentication cannot have port level mTLS");
        for (const auto& e : ports->entries) {
          int port = 0;
          auto [q, ec] = std::from_chars(e.key.data(), e.key.data() + e.key.size(), port);
          if (ec != std::errc() || q != e.key.data() + e.key.size() || port <= 0 || port > 65535) {
            invalid(e.value, "port must be in range 1..65535, got '" + e.key + "'");
            continue;
          }
          std::string mode;
          if (e.value.is_map()) mode_of(e.value, &mode, nullptr);
          p.port_modes[port] = mode;
        }
      }
    }
  }
  if (!f.ok() || bad) {
    sink.Note("skipped", "PeerAuthentication '" + p.meta.ns + "/" + p.meta.name + "' is not evaluated: istiod would reject it",
              p.where);
    return 0;
  }
  model.istio_peer_auth.push_back(std::move(p));
  return 1;
}

std::size_t ParseIstioMeshConfigMap(const DocNode& obj, FileId file, Model& model) {
  const DocNode* md = obj.Find("metadata");
  const DocNode* name = md && md->is_map() ? md->Find("name") : nullptr;
  if (name == nullptr || !name->is_scalar() || (name->text != "istio" && name->text.rfind("istio-", 0) != 0)) return 0;
  const DocNode* data = obj.Find("data");
  const DocNode* meshcfg = data && data->is_map() ? data->Find("mesh") : nullptr;
  if (meshcfg == nullptr || !meshcfg->is_scalar()) return 0;
  const DocNode* ns = md->Find("namespace");
  std::string object = "ConfigMap '" + (ns && ns->is_scalar() ? ns->text + "/" : "") + name->text + "'";
  std::size_t n = 0;
  for (const char* key : {"rootNamespace", "trustDomain"}) {
    std::string v = TopLevel(meshcfg->text, key);
    if (v.empty()) continue;
    model.istio_settings.push_back({key, v, object, At(file, meshcfg->pos)});
    ++n;
  }
  return n;
}

}  // namespace grantpath::parsers

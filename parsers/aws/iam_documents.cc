#include "aws/iam_documents.h"

#include <algorithm>
#include <cctype>

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

// Every node of a tree decoded from an embedded string gets the position of
// the string itself: that is the most precise place we can point at.
void Relocate(DocNode& n, SourcePos pos) {
  n.pos = pos;
  for (auto& i : n.items) Relocate(i, pos);
  for (auto& e : n.entries) {
    e.key_pos = pos;
    Relocate(e.value, pos);
  }
}

// Every node of a tree decoded from a JSON string literal gets its place
// inside that literal: the literal sits on one line of the outer file (a
// JSON string cannot hold a raw line break), and each decoded character took
// its escaped length there (\" \\ \n: 2; other control characters:
// \u00XX, 6; the rest as written, which is how the AWS CLI prints).
class EmbeddedPositions {
 public:
  EmbeddedPositions(const std::string& decoded, SourcePos literal) : literal_(literal) {
    line_starts_.push_back(0);
    raw_.reserve(decoded.size() + 1);
    std::uint32_t raw = 0;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      raw_.push_back(raw);
      auto ch = static_cast<unsigned char>(decoded[i]);
      raw += (ch == '"' || ch == '\\' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\b' || ch == '\f') ? 2
             : ch < 0x20                                                                               ? 6
                                                                                                       : 1;
      if (ch == '\n') line_starts_.push_back(i + 1);
    }
    raw_.push_back(raw);
  }
  void Apply(DocNode& n) const {
    n.pos = Map(n.pos);
    for (auto& i : n.items) Apply(i);
    for (auto& e : n.entries) {
      e.key_pos = Map(e.key_pos);
      Apply(e.value);
    }
  }

 private:
  SourcePos Map(SourcePos inner) const {
    if (inner.line == 0 || inner.line > line_starts_.size() || inner.column == 0) return literal_;
    std::size_t off = line_starts_[inner.line - 1] + inner.column - 1;
    if (off >= raw_.size()) return literal_;
    return {literal_.line, literal_.column + 1 + raw_[off]};
  }
  SourcePos literal_;  // the opening quote
  std::vector<std::size_t> line_starts_;
  std::vector<std::uint32_t> raw_;  // decoded offset -> offset in the literal
};

std::string UrlDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Resolves a policy document that may be an object or a (URL-encoded) JSON
// string, as the raw IAM API returns it.
bool ResolveDocument(const DocNode& node, FileId file, DiagnosticSink& sink, DocNode* out) {
  if (node.is_map()) {
    *out = node;
    return true;
  }
  if (!node.is_scalar()) {
    sink.Error("wrong-type", "policy document must be an object or a JSON string, got " +
                                 std::string(node.Describe()),
               At(file, node.pos));
    return false;
  }
  std::string text = node.text;
  bool url_encoded = text.find('%') != std::string::npos;
  if (url_encoded) text = UrlDecode(text);
  CollectingSink inner;
  bool parsed = ParseJson(text, file, ParseLimits{}, inner, [&](DocNode& root) {
    *out = std::move(root);
  });
  if (!parsed || !out->is_map()) {
    std::string why = inner.diagnostics().empty() ? "not a JSON object"
                                                  : inner.diagnostics().front().message;
    sink.Error("json-syntax", "embedded policy document is not valid JSON: " + why,
               At(file, node.pos));
    return false;
  }
  // A quoted literal (JSON, as the AWS CLI prints) maps statement by
  // statement; a URL-encoded or YAML block text points at its start.
  if (node.quoted && !url_encoded) EmbeddedPositions(text, node.pos).Apply(*out);
  else Relocate(*out, node.pos);
  return true;
}

// Action, Resource and principal values: a string or a list of strings.
std::vector<Located<std::string>> StringOrList(const DocNode& n, std::string_view field,
                                               Fields& f) {
  // IAM documents are JSON: a number or boolean is not a string to AWS.
  auto is_string = [](const DocNode& x) { return x.is_scalar() && x.Describe() == "a string"; };
  std::vector<Located<std::string>> out;
  if (is_string(n)) {
    out.push_back({n.text, f.Where(n)});
  } else if (n.is_seq()) {
    for (const DocNode& i : n.items) {
      if (is_string(i)) out.push_back({i.text, f.Where(i)});
      else f.WrongType(i, field, "a string or a list of strings");
    }
  } else {
    f.WrongType(n, field, "a string or a list of strings");
  }
  return out;
}

bool ParseStatement(const DocNode& s, FileId file, DiagnosticSink& sink, iam::Statement* st) {
  std::string label = "statement";
  if (const DocNode* sid = s.Find("Sid"); sid && sid->is_scalar() && !sid->text.empty())
    label += " '" + sid->text + "'";
  Fields f(file, sink, label);
  st->where = f.Where(s);
  st->sid = f.Str(s, "Sid").value_or("");
  const DocNode* effect = s.Find("Effect");
  if (effect == nullptr) {
    f.Required(s, "Effect");
  } else if (!effect->is_scalar() || (effect->text != "Allow" && effect->text != "Deny")) {
    f.Invalid(*effect, "'Effect' must be \"Allow\" or \"Deny\", got " +
                           (effect->is_scalar() ? "'" + effect->text + "'"
                                                : std::string(effect->Describe())));
  } else {
    st->allow = effect->text == "Allow";
    st->effect_where = f.Where(*effect);
  }
  const DocNode* action = s.Find("Action");
  const DocNode* not_action = s.Find("NotAction");
  if ((action != nullptr) == (not_action != nullptr)) {
    f.Invalid(s, "a statement needs exactly one of 'Action' and 'NotAction'");
  } else {
    st->not_action = not_action != nullptr;
    st->actions = StringOrList(action ? *action : *not_action,
                               action ? "Action" : "NotAction", f);
  }
  const DocNode* res = s.Find("Resource");
  const DocNode* not_res = s.Find("NotResource");
  if (res && not_res) {
    f.Invalid(s, "a statement cannot have both 'Resource' and 'NotResource'");
  } else if (res || not_res) {
    st->has_resource = true;
    st->not_resource = not_res != nullptr;
    st->resources = StringOrList(res ? *res : *not_res, res ? "Resource" : "NotResource", f);
  }
  const DocNode* pr = s.Find("Principal");
  const DocNode* not_pr = s.Find("NotPrincipal");
  if (pr && not_pr) {
    f.Invalid(s, "a statement cannot have both 'Principal' and 'NotPrincipal'");
  } else if (pr || not_pr) {
    st->has_principal = true;
    st->not_principal = not_pr != nullptr;
    const DocNode& p = pr ? *pr : *not_pr;
    if (p.is_scalar()) {
      if (p.text != "*") f.Invalid(p, "a string principal must be \"*\", got '" + p.text + "'");
      st->principals.push_back({"*", {{p.text, f.Where(p)}}});
    } else if (p.is_map()) {
      for (const DocEntry& e : p.entries) {
        iam::PrincipalEntry pe;
        pe.type = e.key;
        pe.values = StringOrList(e.value, e.key, f);
        st->principals.push_back(std::move(pe));
      }
    } else {
      f.WrongType(p, pr ? "Principal" : "NotPrincipal", "\"*\" or a map");
    }
  }
  if (const DocNode* cond = f.Map(s, "Condition")) {
    for (const DocEntry& op : cond->entries) {
      if (!op.value.is_map()) {
        f.WrongType(op.value, op.key, "a map of condition keys");
        continue;
      }
      for (const DocEntry& key : op.value.entries) {
        iam::Condition c;
        c.op = {op.key, f.Where(op)};
        c.key = {key.key, f.Where(key)};
        if (key.value.is_seq()) {
          for (const DocNode& v : key.value.items) {
            if (v.is_scalar()) c.values.push_back({v.text, f.Where(v)});
            else f.WrongType(v, key.key, "a string, number, boolean or list of them");
          }
        } else if (key.value.is_scalar()) {
          c.values.push_back({key.value.text, f.Where(key.value)});
        } else {
          f.WrongType(key.value, key.key, "a string, number, boolean or list of them");
        }
        st->conditions.push_back(std::move(c));
      }
    }
  }
  return f.ok();
}

// Why a policy variable in `text` is malformed, or "" when every ${...} is
// well formed: ${key}, ${key, 'default'}, or the escapes ${*} ${?} ${$},
// with a key of letters, digits and : / _ . - (tag keys also allow + = @).
std::string VariableProblem(const std::string& text) {
  for (std::size_t i = text.find("${"); i != std::string::npos; i = text.find("${", i + 2)) {
    std::size_t close = text.find('}', i + 2);
    if (close == std::string::npos) return "unterminated policy variable '" + text.substr(i, 40) + "'";
    std::string body = text.substr(i + 2, close - i - 2);
    if (body == "*" || body == "?" || body == "$") continue;
    if (body.size() > 60) return "policy variable '${" + body.substr(0, 60) + "...' is too long to be a key";
    if (body.find("${") != std::string::npos) return "nested policy variable '${" + body + "}'";
    std::string key = body, def;
    bool has_default = false;
    if (std::size_t comma = body.find(','); comma != std::string::npos) {
      key = body.substr(0, comma);
      def = body.substr(comma + 1);
      has_default = true;
    }
    while (!key.empty() && key.back() == ' ') key.pop_back();
    if (key.empty()) return "empty policy variable '${" + body + "}'";
    for (char c : key)
      if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view(":/_.-+=@").find(c) == std::string_view::npos)
        return "policy variable '${" + body + "}' has a character a key cannot hold";
    if (has_default) {
      std::size_t a = def.find_first_not_of(' ');
      std::size_t b = def.find_last_not_of(' ');
      if (a == std::string::npos || def[a] != '\'' || b == a || def[b] != '\'')
        return "policy variable default must be one quoted string: '${" + body + "}'";
    }
  }
  return "";
}

void CheckVariables(const iam::Statement& st, DiagnosticSink& sink) {
  auto check = [&](const Located<std::string>& v) {
    std::string why = VariableProblem(v.value);
    if (!why.empty())
      sink.Warning("invalid-variable", why + " (policy variables are ${key}, ${key, 'default'}, ${*}, ${?} or ${$})", v.where);
  };
  for (const auto& r : st.resources) check(r);
  for (const auto& c : st.conditions)
    for (const auto& v : c.values) check(v);
}

}  // namespace

iam::PolicyDocument ParsePolicyDocument(const DocNode& doc, FileId file, DiagnosticSink& sink,
                                        bool* ok) {
  iam::PolicyDocument out;
  out.where = At(file, doc.pos);
  Fields f(file, sink, "policy document");
  out.version = f.Str(doc, "Version").value_or("");
  if (!out.version.empty() && out.version != "2012-10-17" && out.version != "2008-10-17") {
    sink.Warning("invalid-value",
                 "unknown policy Version '" + out.version + "' (expected \"2012-10-17\")",
                 At(file, doc.Find("Version")->pos));
  }
  const DocNode* st = doc.Find("Statement");
  if (st == nullptr) {
    f.Required(doc, "Statement");
  } else if (st->is_map()) {
    iam::Statement s;
    if (ParseStatement(*st, file, sink, &s)) out.statements.push_back(std::move(s));
    else *ok = false;
  } else if (st->is_seq()) {
    for (const DocNode& item : st->items) {
      if (!item.is_map()) {
        f.WrongType(item, "Statement", "a list of statement objects");
        continue;
      }
      iam::Statement s;
      if (ParseStatement(item, file, sink, &s)) out.statements.push_back(std::move(s));
      else *ok = false;
    }
  } else {
    f.WrongType(*st, "Statement", "an object or a list of objects");
  }
  if (!f.ok()) *ok = false;
  // Variables are read only in documents of Version 2012-10-17.
  if (out.version == "2012-10-17")
    for (const auto& s : out.statements) CheckVariables(s, sink);
  return out;
}

namespace {

std::string Scalar(const DocNode& m, const char* key) {
  const DocNode* n = m.Find(key);
  return n && n->is_scalar() ? n->text : "";
}

// A key policy: every statement's actions are KMS actions.
bool IsKmsKeyPolicy(const iam::PolicyDocument& d) {
  if (d.statements.empty()) return false;
  for (const auto& st : d.statements) {
    if (st.not_action || st.actions.empty()) return false;
    for (const auto& a : st.actions)
      if (a.value.size() < 4 || (a.value.compare(0, 4, "kms:") != 0 && a.value.compare(0, 4, "KMS:") != 0 &&
                                 a.value.compare(0, 4, "Kms:") != 0))
        return false;
  }
  return true;
}

// A KMS key id in a file name: a UUID, or "mrk-" and 32 hex digits for a
// multi-Region key.
std::string KeyIdIn(const std::string& name) {
  auto hex = [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; };
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name.compare(i, 4, "mrk-") == 0 && i + 36 <= name.size() &&
        std::all_of(name.begin() + static_cast<long>(i) + 4, name.begin() + static_cast<long>(i) + 36, hex))
      return name.substr(i, 36);
    if (i + 36 > name.size()) break;
    bool uuid = true;
    for (std::size_t k = 0; k < 36 && uuid; ++k)
      uuid = (k == 8 || k == 13 || k == 18 || k == 23) ? name[i + k] == '-' : hex(name[i + k]);
    if (uuid) return name.substr(i, 36);
  }
  return "";
}

// The resource-policy outputs of the AWS CLI (IamShape docs): the embedded
// document becomes a resource policy (a trust policy for get-role) named by
// the resource the output names. Statements without Resource (ECR, and the
// services that omit it) apply to that resource; without a resource ARN
// the policy is kept and a note says what was assumed.
std::size_t ParseResourcePolicyOutput(const DocNode& root, FileId file, const std::string& name, Model& model,
                                      DiagnosticSink& sink) {
  const DocNode* text = nullptr;
  std::string resource_arn, what;
  iam::PolicyKind kind = iam::PolicyKind::kResource;
  if (const DocNode* r = root.Find("Role"); r && r->is_map() && r->Find("AssumeRolePolicyDocument")) {
    // iam get-role: the role and its trust policy, as the authorization
    // export has them.
    DocNode doc;
    if (!ResolveDocument(*r->Find("AssumeRolePolicyDocument"), file, sink, &doc)) return 0;
    bool ok = true;
    iam::Policy trust;
    trust.name = Scalar(*r, "RoleName") + " trust policy";
    trust.kind = iam::PolicyKind::kTrust;
    trust.where = At(file, r->Find("AssumeRolePolicyDocument")->pos);
    trust.document = ParsePolicyDocument(doc, file, sink, &ok);
    iam::Principal p;
    p.type = iam::PrincipalType::kRole;
    p.name = Scalar(*r, "RoleName");
    p.arn = Scalar(*r, "Arn");
    p.path = Scalar(*r, "Path");
    p.where = At(file, r->pos);
    p.trust_policy = model.AddIamPolicy(std::move(trust));
    if (const DocNode* b = r->Find("PermissionsBoundary"); b && b->is_map()) p.boundary_arn = Scalar(*b, "PermissionsBoundaryArn");
    model.AddIamPrincipal(std::move(p));
    return 2;
  }
  if (const DocNode* t = root.Find("policyText"); t && t->is_scalar()) {
    text = t;
    std::string account = Scalar(root, "registryId"), repo = Scalar(root, "repositoryName");
    what = "ECR repository '" + repo + "'";
    if (!repo.empty())
      resource_arn = "arn:aws:ecr:*:" + (account.empty() ? std::string("*") : account) + ":repository/" + repo;
  } else if (const DocNode* rp = root.Find("ResourcePolicy"); rp && rp->is_scalar()) {
    text = rp;
    resource_arn = Scalar(root, "ARN");
    what = "secret '" + Scalar(root, "Name") + "'";
  } else if (const DocNode* a = root.Find("Attributes"); a && a->is_map() && a->Find("Policy")) {
    text = a->Find("Policy");
    resource_arn = Scalar(*a, "QueueArn");
    if (resource_arn.empty()) resource_arn = Scalar(*a, "TopicArn");
    what = resource_arn.empty() ? "queue or topic" : "'" + resource_arn + "'";
  } else {
    text = root.Find("Policy");
    what = "the policy's resource";
    resource_arn = Scalar(root, "KeyArn");
  }
  DocNode doc;
  if (!ResolveDocument(*text, file, sink, &doc)) return 0;
  bool ok = true;
  iam::Policy pol;
  pol.name = name;
  pol.arn = resource_arn;
  pol.kind = kind;
  pol.where = At(file, text->pos);
  pol.document = ParsePolicyDocument(doc, file, sink, &ok);
  if (text == root.Find("Policy") && IsKmsKeyPolicy(pol.document)) {
    // `aws kms get-key-policy` prints the policy alone: the key comes from
    // a KeyArn or KeyId beside it, or a key id in the file's name. In a key
    // policy, Resource "*" is the key itself.
    pol.kms_key_policy = true;
    std::string id = Scalar(root, "KeyId");
    if (resource_arn.empty() && id.rfind("arn:", 0) == 0) resource_arn = id;
    if (resource_arn.empty() && id.empty()) id = KeyIdIn(name);
    if (resource_arn.empty() && !id.empty()) resource_arn = "arn:aws:kms:*:*:key/" + id;
    pol.arn = resource_arn;
    if (resource_arn.empty())
      sink.Note("assumption",
                "KMS key policy names no key (no KeyArn or KeyId beside it, no key id in the file name): it is "
                "read as the key policy of every KMS key",
                pol.where);
    for (auto& st : pol.document.statements)
      for (auto& r : st.resources)
        if (r.value == "*" && !resource_arn.empty()) r.value = resource_arn;
  }
  for (auto& st : pol.document.statements) {
    if (st.has_resource) continue;
    if (resource_arn.empty()) {
      sink.Note("assumption",
                "statement has no Resource and the output names no resource ARN: it is read as applying to " + what +
                    " only (Resource '*')",
                st.where);
      st.resources.push_back({"*", st.where});
    } else {
      st.resources.push_back({resource_arn, st.where});
    }
    st.has_resource = true;
  }
  model.AddIamPolicy(std::move(pol));
  return 1;
}

}  // namespace

IamShape DetectIamShape(const DocNode& root) {
  if (!root.is_map()) return IamShape::kNone;
  if (root.Find("Statement")) return IamShape::kPolicyDocument;
  if (const DocNode* pv = root.Find("PolicyVersion"); pv && pv->is_map() && pv->Find("Document"))
    return IamShape::kPolicyVersion;
  if (const DocNode* pol = root.Find("Policy");
      pol && pol->is_map() && pol->Find("PolicySummary") && pol->Find("Content"))
    return IamShape::kOrganizationsPolicy;
  auto embedded = [](const DocNode* n) { return n && n->is_scalar() && n->text.find("Statement") != std::string::npos; };
  if (embedded(root.Find("Policy")) || embedded(root.Find("policyText")) || embedded(root.Find("ResourcePolicy")))
    return IamShape::kResourcePolicyOutput;
  if (const DocNode* a = root.Find("Attributes"); a && a->is_map() && embedded(a->Find("Policy")))
    return IamShape::kResourcePolicyOutput;
  if (const DocNode* r = root.Find("Role"); r && r->is_map() && r->Find("AssumeRolePolicyDocument"))
    return IamShape::kResourcePolicyOutput;
  if (root.Find("UserDetailList") || root.Find("RoleDetailList") ||
      root.Find("GroupDetailList") || (root.Find("Policies") && root.Find("Policies")->is_seq()))
    return IamShape::kAuthorizationDetails;
  return IamShape::kNone;
}

namespace {

class AuthDetailsParser {
 public:
  AuthDetailsParser(FileId file, Model& model, DiagnosticSink& sink)
      : file_(file), model_(model), sink_(sink) {}

  std::size_t Parse(const DocNode& root) {
    Fields f(file_, sink_, "authorization details");
    if (const DocNode* pols = f.Seq(root, "Policies")) {
      for (const DocNode& p : pols->items) ManagedPolicy(p);
    }
    if (const DocNode* users = f.Seq(root, "UserDetailList"))
      for (const DocNode& u : users->items) Principal(u, iam::PrincipalType::kUser);
    if (const DocNode* groups = f.Seq(root, "GroupDetailList"))
      for (const DocNode& g : groups->items) Principal(g, iam::PrincipalType::kGroup);
    if (const DocNode* roles = f.Seq(root, "RoleDetailList"))
      for (const DocNode& r : roles->items) Principal(r, iam::PrincipalType::kRole);
    return added_;
  }

 private:
  void ManagedPolicy(const DocNode& p) {
    if (!p.is_map()) return;
    Fields f(file_, sink_, "managed policy");
    iam::Policy pol;
    pol.where = f.Where(p);
    pol.name = f.Str(p, "PolicyName").value_or("");
    pol.arn = f.Str(p, "Arn").value_or("");
    std::string default_id = f.Str(p, "DefaultVersionId").value_or("");
    const DocNode* chosen = nullptr;
    if (const DocNode* versions = f.Seq(p, "PolicyVersionList")) {
      for (const DocNode& v : versions->items) {
        if (!v.is_map()) continue;
        auto is_default = v.Find("IsDefaultVersion") ? ScalarBool(*v.Find("IsDefaultVersion"))
                                                     : std::nullopt;
        auto id = f.Str(v, "VersionId").value_or("");
        if ((is_default && *is_default) || (!default_id.empty() && id == default_id)) chosen = &v;
      }
    }
    if (chosen == nullptr || chosen->Find("Document") == nullptr) {
      sink_.Warning("missing-field",
                    "managed policy '" + pol.name + "' has no default version document; skipped",
                    pol.where);
      return;
    }
    AddPolicy(std::move(pol), *chosen->Find("Document"), iam::PolicyKind::kIdentity);
  }

  std::optional<std::size_t> AddPolicy(iam::Policy pol, const DocNode& doc_node,
                                       iam::PolicyKind kind) {
    DocNode doc;
    if (!ResolveDocument(doc_node, file_, sink_, &doc)) return std::nullopt;
    bool ok = true;
    pol.document = ParsePolicyDocument(doc, file_, sink_, &ok);
    pol.kind = kind;
    ++added_;
    return model_.AddIamPolicy(std::move(pol));
  }

  void Principal(const DocNode& n, iam::PrincipalType type) {
    if (!n.is_map()) return;
    const char* name_key = type == iam::PrincipalType::kUser    ? "UserName"
                           : type == iam::PrincipalType::kGroup ? "GroupName"
                                                                : "RoleName";
    const char* inline_key = type == iam::PrincipalType::kUser    ? "UserPolicyList"
                             : type == iam::PrincipalType::kGroup ? "GroupPolicyList"
                                                                  : "RolePolicyList";
    Fields f(file_, sink_, std::string(name_key));
    iam::Principal pr;
    pr.type = type;
    pr.where = f.Where(n);
    pr.name = f.Str(n, name_key).value_or("");
    pr.arn = f.Str(n, "Arn").value_or("");
    pr.path = f.Str(n, "Path").value_or("/");
    if (const DocNode* list = f.Seq(n, inline_key)) {
      for (const DocNode& ip : list->items) {
        if (!ip.is_map() || ip.Find("PolicyDocument") == nullptr) continue;
        iam::Policy pol;
        pol.where = f.Where(ip);
        pol.name = f.Str(ip, "PolicyName").value_or("");
        pol.owner_arn = pr.arn;
        if (auto idx = AddPolicy(std::move(pol), *ip.Find("PolicyDocument"),
                                 iam::PolicyKind::kIdentity))
          pr.inline_policies.push_back(*idx);
      }
    }
    if (const DocNode* list = f.Seq(n, "AttachedManagedPolicies")) {
      for (const DocNode& mp : list->items)
        if (mp.is_map())
          if (auto arn = f.Str(mp, "PolicyArn")) pr.managed_policy_arns.push_back(*arn);
    }
    if (type == iam::PrincipalType::kUser) pr.group_names = f.StrList(n, "GroupList");
    if (const DocNode* pb = f.Map(n, "PermissionsBoundary"))
      pr.boundary_arn = f.Str(*pb, "PermissionsBoundaryArn").value_or("");
    if (type == iam::PrincipalType::kRole) {
      if (const DocNode* ips = f.Seq(n, "InstanceProfileList"))
        for (const DocNode& ip : ips->items)
          if (ip.is_map())
            if (auto arn = f.Str(ip, "Arn")) pr.instance_profile_arns.push_back(*arn);
      if (const DocNode* trust = n.Find("AssumeRolePolicyDocument")) {
        iam::Policy pol;
        pol.where = f.Where(*trust);
        pol.name = pr.name + " trust policy";
        pol.owner_arn = pr.arn;
        pr.trust_policy = AddPolicy(std::move(pol), *trust, iam::PolicyKind::kTrust);
      }
    }
    model_.AddIamPrincipal(std::move(pr));
    ++added_;
  }

  FileId file_;
  Model& model_;
  DiagnosticSink& sink_;
  std::size_t added_ = 0;
};

}  // namespace

std::size_t ParseIamDocument(const DocNode& root, IamShape shape, FileId file,
                             const std::string& name, Model& model, DiagnosticSink& sink) {
  switch (shape) {
    case IamShape::kNone:
      return 0;
    case IamShape::kPolicyDocument: {
      bool ok = true;
      iam::Policy pol;
      pol.name = name;
      pol.where = At(file, root.pos);
      pol.document = ParsePolicyDocument(root, file, sink, &ok);
      bool resource = false;
      for (const auto& st : pol.document.statements) resource |= st.has_principal;
      pol.kind = resource ? iam::PolicyKind::kResource : iam::PolicyKind::kIdentity;
      model.AddIamPolicy(std::move(pol));
      return 1;
    }
    case IamShape::kPolicyVersion: {
      const DocNode& pv = *root.Find("PolicyVersion");
      DocNode doc;
      if (!ResolveDocument(*pv.Find("Document"), file, sink, &doc)) return 0;
      bool ok = true;
      iam::Policy pol;
      pol.name = name;
      pol.where = At(file, pv.pos);
      pol.document = ParsePolicyDocument(doc, file, sink, &ok);
      model.AddIamPolicy(std::move(pol));
      return 1;
    }
    case IamShape::kAuthorizationDetails: {
      AuthDetailsParser p(file, model, sink);
      return p.Parse(root);
    }
    case IamShape::kResourcePolicyOutput: return ParseResourcePolicyOutput(root, file, name, model, sink);
    case IamShape::kOrganizationsPolicy: {
      const DocNode& pol = *root.Find("Policy");
      const DocNode& summary = *pol.Find("PolicySummary");
      std::string type;
      if (const DocNode* t = summary.Find("Type"); t && t->is_scalar()) type = t->text;
      if (type != "SERVICE_CONTROL_POLICY") {
        sink.Warning("unsupported-construct",
                     "Organizations policy of type '" + type +
                         "' is not modeled (only SERVICE_CONTROL_POLICY is): it is not part of the analysis",
                     At(file, pol.pos));
        return 0;
      }
      DocNode doc;
      if (!ResolveDocument(*pol.Find("Content"), file, sink, &doc)) return 0;
      bool ok = true;
      iam::Policy p;
      p.name = name;
      if (const DocNode* n = summary.Find("Name"); n && n->is_scalar()) p.name = n->text;
      if (const DocNode* a = summary.Find("Arn"); a && a->is_scalar()) p.arn = a->text;
      p.where = At(file, pol.pos);
      p.document = ParsePolicyDocument(doc, file, sink, &ok);
      p.kind = iam::PolicyKind::kScp;
      model.AddIamPolicy(std::move(p));
      return 1;
    }
  }
  return 0;
}

}  // namespace grantpath::parsers

// SARIF 2.1.0 writer. Section numbers refer to the OASIS SARIF 2.1.0
// specification; GitHub code scanning requirements are noted where they
// constrain a choice.
#include <algorithm>
#include <cctype>
#include <map>

#include "output/json_writer.h"
#include "output/report.h"

namespace grantpath::output {
namespace {

const char* Level(Severity s) {  // §3.27.10 result.level
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    default:
      return "note";
  }
}

const char* NotificationLevel(DiagLevel l) {  // §3.58.6 notification.level
  switch (l) {
    case DiagLevel::kError: return "error";
    case DiagLevel::kWarning: return "warning";
    case DiagLevel::kNote: return "note";
  }
  return "note";
}

// RFC 3986: everything but unreserved characters and '/' is escaped.
std::string UriEncode(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// §3.33 logicalLocation: grantpath's built-in data (Kubernetes' default
// RBAC objects) is no file in the repository.
void Logical(JsonWriter& w, const Report& report, const SourceRange& r) {
  w.Key("logicalLocations").BeginArray().BeginObject();
  w.Field("fullyQualifiedName", report.model->files.relative_path(r.file));
  w.Field("kind", "resource");
  w.EndObject().EndArray();
}

// §3.28 location: a physical location (§3.29) with a uri relative to
// %SRCROOT% (the repository root), absolute file: uris for files outside
// it, and logical locations for built-in data.
void Location(JsonWriter& w, const Report& report, const SourceRange& r) {
  const Model& m = *report.model;
  if (m.files.is_builtin(r.file)) {
    Logical(w, report, r);
    return;
  }
  std::string path = ArtifactPath(report, r.file);
  w.Key("physicalLocation").BeginObject();
  w.Key("artifactLocation").BeginObject();
  if (!path.empty() && path[0] == '/') {
    w.Field("uri", "file://" + UriEncode(path));
  } else {
    w.Field("uri", UriEncode(path)).Field("uriBaseId", "%SRCROOT%");
  }
  w.EndObject();
  if (r.begin.line) {  // §3.30 region
    w.Key("region").BeginObject();
    w.Field("startLine", r.begin.line).Field("startColumn", r.begin.column ? r.begin.column : 1u);
    w.EndObject();
  }
  w.EndObject();
}

void Message(JsonWriter& w, std::string_view key, std::string_view text) {
  w.Key(key).BeginObject().Field("text", text).EndObject();
}

// GitHub's rule `name` should be a readable identifier: CamelCase of the id.
std::string CamelName(std::string_view id) {
  std::string out;
  bool up = true;
  for (char ch : id) {
    if (ch == '-') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch);
    up = false;
  }
  return out;
}

// GitHub takes an alert's severity from its rule's security-severity and
// level, never from the result: a finding whose severity differs from its
// rule's default gets a descriptor of its own, "ID/SEVERITY".
std::string DescriptorId(const RuleInfo& r, Severity s) {
  if (s == r.severity) return std::string(r.id);
  return std::string(r.id) + "/" + SeverityName(s);
}

void Rule(JsonWriter& w, const RuleInfo& r, Severity severity, const SarifOptions& options) {  // §3.49
  std::string id(r.id);
  std::string help = options.help_base + id + ".md";
  w.BeginObject();
  w.Field("id", DescriptorId(r, severity)).Field("name", CamelName(r.id));
  Message(w, "shortDescription", r.title);
  Message(w, "fullDescription", r.summary);
  w.Field("helpUri", help);
  w.Key("help").BeginObject();
  w.Field("text", std::string(r.summary) + "\n\nHow to fix: " + std::string(r.remediation));
  w.Field("markdown", "**" + std::string(r.title) + "**\n\n" + std::string(r.summary) +
                          "\n\n**How to fix:** " + std::string(r.remediation) +
                          "\n\n[Rule documentation](" + help + ")");
  w.EndObject();
  w.Key("defaultConfiguration").BeginObject().Field("level", Level(severity)).EndObject();
  w.Key("properties").BeginObject();
  w.Key("tags").BeginArray().String("security").String(r.id.substr(0, r.id.find('-'))).EndArray();
  w.Field("precision", "very-high");
  w.Field("problem.severity", Level(severity));
  w.Field("security-severity", SecurityScore(severity));
  w.Field("grantpath/ruleId", id).Field("grantpath/severity", SeverityName(severity));
  w.EndObject();
  w.EndObject();
}

// A message whose related locations are linked (§3.11.6 embedded links):
// "[role](id)". Literal brackets in the text are escaped.
// GitHub rejects a result with more than 1,000 locations (the primary one
// and the related ones; it shows 100): a grouped finding of a policy that
// thousands of principals hold keeps the first 999 related locations, and
// `relatedLocationsOmitted` says how many more the JSON report has. The
// message links the first 20.
constexpr std::size_t kMaxRelated = 999;
constexpr std::size_t kMaxLinked = 20;

std::string LinkedMessage(const Finding& f) {
  auto escape = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == '[' || c == ']' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  };
  std::string out = escape(f.message);
  if (f.related.empty()) return out;
  out += " (see ";
  for (std::size_t i = 0; i < f.related.size() && i < kMaxLinked; ++i) {
    if (i) out += ", ";
    out += "[" + escape(f.related[i].role) + "](" + std::to_string(i + 1) + ")";
  }
  if (f.related.size() > kMaxLinked) out += ", and " + std::to_string(f.related.size() - kMaxLinked) + " more";
  return out + ")";
}

void Notification(JsonWriter& w, const Report& report, const Diagnostic& d) {  // §3.58
  w.BeginObject();
  w.Field("level", NotificationLevel(d.level));
  Message(w, "message", d.message);
  w.Key("descriptor").BeginObject().Field("id", d.code).EndObject();
  if (d.where.file != 0) {
    w.Key("locations").BeginArray().BeginObject();
    Location(w, report, d.where);
    w.EndObject().EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string RenderSarif(const Report& report, const SarifOptions& options) {
  // Results past GitHub's per-run limit are dropped, least severe first.
  // (Splitting them over runs of one category is no longer accepted.)
  std::vector<const Finding*> results;
  for (const auto& f : report.findings) results.push_back(&f);
  std::size_t dropped = 0;
  if (results.size() > options.max_results) {
    std::stable_sort(results.begin(), results.end(), [](const Finding* a, const Finding* b) {
      return a->severity > b->severity;
    });
    dropped = results.size() - options.max_results;
    results.resize(options.max_results);
    std::stable_sort(results.begin(), results.end(),
                     [](const Finding* a, const Finding* b) { return FindingLess(*a, *b); });
  }
  // Descriptors: every rule at its default severity, then each (rule,
  // severity) pair that occurs at another severity.
  std::vector<std::pair<const RuleInfo*, Severity>> descriptors;
  std::map<std::pair<std::string_view, Severity>, std::size_t> index;
  for (const RuleInfo* r : *report.rules) {
    index[{r->id, r->severity}] = descriptors.size();
    descriptors.emplace_back(r, r->severity);
  }
  for (const Finding* f : results)
    if (!index.count({f->rule->id, f->severity})) {
      index[{f->rule->id, f->severity}] = descriptors.size();
      descriptors.emplace_back(f->rule, f->severity);
    }
  std::string out;
  out.reserve(4096 + results.size() * 2000);
  JsonWriter w(&out);
  w.BeginObject();  // §3.13 sarifLog
  w.Field("$schema", "https://json.schemastore.org/sarif-2.1.0.json").Field("version", "2.1.0");
  w.Key("runs").BeginArray().BeginObject();  // §3.14 run
  w.Key("tool").BeginObject().Key("driver").BeginObject();  // §3.19 toolComponent
  w.Field("name", kToolName).Field("version", kToolVersion).Field("semanticVersion", kToolVersion);
  w.Field("informationUri", "https://github.com/grantpath/grantpath");
  w.Key("rules").BeginArray();
  for (const auto& [r, sev] : descriptors) Rule(w, *r, sev, options);
  w.EndArray();
  w.EndObject().EndObject();
  if (!options.automation_id.empty())
    w.Key("automationDetails").BeginObject().Field("id", options.automation_id).EndObject();
  std::string srcroot = options.srcroot;
  // The root's own path goes into the report only when asked for (it names
  // the machine the scan ran on).
  if (srcroot.empty() && report.repo_root_given && !report.repo_root.empty())
    srcroot = "file://" + UriEncode(report.repo_root) + "/";
  if (!srcroot.empty()) {
    if (srcroot.back() != '/') srcroot += '/';  // §3.14.14: a base uri ends with '/'
    w.Key("originalUriBaseIds").BeginObject().Key("%SRCROOT%").BeginObject();
    w.Field("uri", srcroot).EndObject().EndObject();
  }
  w.Key("invocations").BeginArray().BeginObject();  // §3.20
  w.Field("executionSuccessful", true);
  w.Key("toolExecutionNotifications").BeginArray();
  for (const auto& d : report.diagnostics) Notification(w, report, d);
  if (dropped) {
    Notification(w, report,
                 Diagnostic{DiagLevel::kWarning, "sarif-results-capped",
                            std::to_string(dropped) + " of " + std::to_string(report.findings.size()) +
                                " results were left out, the least severe first: code scanning accepts " +
                                std::to_string(options.max_results) +
                                " per run. Use --min-severity, an ignore entry, or the JSON report for all of them",
                            {}});
  }
  w.EndArray();
  w.EndObject().EndArray();
  w.Field("columnKind", "utf16CodeUnits");
  w.Key("results").BeginArray();
  for (const Finding* fp : results) {  // §3.27 result
    const Finding& f = *fp;
    w.BeginObject();
    w.Field("ruleId", DescriptorId(*f.rule, f.severity)).Field("ruleIndex", index[{f.rule->id, f.severity}]);
    w.Field("level", Level(f.severity));
    Message(w, "message", LinkedMessage(f));
    w.Key("locations").BeginArray().BeginObject();
    Location(w, report, f.primary);
    w.EndObject().EndArray();
    if (!f.related.empty()) {
      w.Key("relatedLocations").BeginArray();
      int id = 1;
      for (const auto& r : f.related) {
        if (static_cast<std::size_t>(id) > kMaxRelated) break;
        w.BeginObject().Field("id", id++);
        Location(w, report, r.where);
        Message(w, "message", r.role);
        w.EndObject();
      }
      w.EndArray();
    }
    if (!f.path.empty()) {  // §3.36 codeFlow / §3.37 threadFlow
      w.Key("codeFlows").BeginArray().BeginObject().Key("threadFlows").BeginArray().BeginObject();
      w.Key("locations").BeginArray();
      for (const auto& s : f.path) {
        w.BeginObject().Key("location").BeginObject();
        Location(w, report, s.where);
        Message(w, "message", s.message);
        w.EndObject().EndObject();
      }
      w.EndArray().EndObject().EndArray().EndObject().EndArray();
    }
    if (f.suppression) {  // §3.35 suppression
      w.Key("suppressions").BeginArray().BeginObject();
      w.Field("kind", f.suppression->in_source ? "inSource" : "external");
      w.Field("status", "accepted");
      w.Field("justification", f.suppression->justification);
      if (f.suppression->where.file != 0) {
        w.Key("location").BeginObject();
        Location(w, report, f.suppression->where);
        w.EndObject();
      }
      w.EndObject().EndArray();
    }
    if (report.baseline_given)  // §3.27.24
      w.Field("baselineState", f.baseline == BaselineState::kUnchanged ? "unchanged" : "new");
    // §3.27.17: fingerprints from the rule, the file and the entity, not
    // the line, so a result keeps its identity when unrelated edits move it.
    w.Key("partialFingerprints").BeginObject();
    w.Field("primaryLocationLineHash", f.fingerprint + ":1").Field("grantpath/entity/v1", f.fingerprint);
    w.EndObject();
    w.Key("properties").BeginObject();
    w.Field("ruleId", f.rule->id);
    w.Field("severity", SeverityName(f.severity)).Field("security-severity", SecurityScore(f.severity));
    w.Field("entity", f.entity);
    if (f.related.size() > kMaxRelated)
      w.Field("relatedLocationsOmitted", static_cast<int>(f.related.size() - kMaxRelated));
    w.Key("witness").BeginObject().Field("kind", f.witness.kind);
    for (const auto& [k, v] : f.witness.fields) w.Field(k, v);
    w.EndObject().EndObject();
    w.EndObject();
  }
  for (const auto& b : report.absent) {  // in the baseline, gone now
    w.BeginObject();
    const RuleInfo* rule = nullptr;
    for (const RuleInfo* r : *report.rules)
      if (r->id == b.rule) rule = r;
    if (rule != nullptr) w.Field("ruleId", std::string(rule->id)).Field("ruleIndex", index[{rule->id, rule->severity}]);
    else w.Field("ruleId", b.rule);
    Message(w, "message", b.message.empty() ? std::string("(no message)") : b.message);
    if (b.file.rfind("builtin:", 0) == 0) {
      w.Key("locations").BeginArray().BeginObject().Key("logicalLocations").BeginArray().BeginObject();
      w.Field("fullyQualifiedName", b.file).Field("kind", "resource");
      w.EndObject().EndArray().EndObject().EndArray();
    } else if (!b.file.empty()) {
      w.Key("locations").BeginArray().BeginObject().Key("physicalLocation").BeginObject();
      w.Key("artifactLocation").BeginObject();
      if (b.file[0] == '/') w.Field("uri", "file://" + UriEncode(b.file));
      else w.Field("uri", UriEncode(b.file)).Field("uriBaseId", "%SRCROOT%");
      w.EndObject();
      if (b.line) w.Key("region").BeginObject().Field("startLine", b.line).EndObject();
      w.EndObject().EndObject().EndArray();
    }
    w.Field("baselineState", "absent");
    w.Key("partialFingerprints").BeginObject();
    w.Field("primaryLocationLineHash", b.fingerprint + ":1").Field("grantpath/entity/v1", b.fingerprint);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject().EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace grantpath::output

// SARIF 2.1.0 writer. Section numbers refer to the OASIS SARIF 2.1.0
// specification; GitHub code scanning requirements are noted where they
// constrain a choice.
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

// §3.4 artifactLocation: relative uri + uriBaseId for scanned files, the
// "builtin:" uri as is for grantpath's built-in data.
void Artifact(JsonWriter& w, const Model& m, FileId file) {
  const std::string& rel = m.files.relative_path(file);
  w.Key("artifactLocation").BeginObject();
  if (m.files.is_builtin(file)) {
    w.Field("uri", rel);
  } else if (!rel.empty() && rel[0] == '/') {
    w.Field("uri", "file://" + rel);
  } else {
    w.Field("uri", rel).Field("uriBaseId", "%SRCROOT%");
  }
  w.EndObject();
}

void Physical(JsonWriter& w, const Model& m, const SourceRange& r) {  // §3.29
  w.Key("physicalLocation").BeginObject();
  Artifact(w, m, r.file);
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

void Rule(JsonWriter& w, const RuleInfo& r, const SarifOptions& options) {  // §3.49
  std::string id(r.id);
  std::string help = options.help_base + id + ".md";
  w.BeginObject();
  w.Field("id", id).Field("name", CamelName(r.id));
  Message(w, "shortDescription", r.title);
  Message(w, "fullDescription", r.summary);
  w.Field("helpUri", help);
  w.Key("help").BeginObject();
  w.Field("text", std::string(r.summary) + "\n\nHow to fix: " + std::string(r.remediation));
  w.Field("markdown", "**" + std::string(r.title) + "**\n\n" + std::string(r.summary) +
                          "\n\n**How to fix:** " + std::string(r.remediation) +
                          "\n\n[Rule documentation](" + help + ")");
  w.EndObject();
  w.Key("defaultConfiguration").BeginObject().Field("level", Level(r.severity)).EndObject();
  w.Key("properties").BeginObject();
  w.Key("tags").BeginArray().String("security").String(r.id.substr(0, r.id.find('-'))).EndArray();
  w.Field("precision", "very-high");
  w.Field("problem.severity", Level(r.severity));
  w.Field("security-severity", SecurityScore(r.severity));
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string RenderSarif(const Report& report, const SarifOptions& options) {
  const Model& m = *report.model;
  std::map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < report.rules->size(); ++i) index[(*report.rules)[i]->id] = i;
  std::string out;
  out.reserve(4096 + report.findings.size() * 2000);
  JsonWriter w(&out);
  w.BeginObject();  // §3.13 sarifLog
  w.Field("$schema", "https://json.schemastore.org/sarif-2.1.0.json").Field("version", "2.1.0");
  w.Key("runs").BeginArray().BeginObject();  // §3.14 run
  w.Key("tool").BeginObject().Key("driver").BeginObject();  // §3.19 toolComponent
  w.Field("name", kToolName).Field("version", kToolVersion).Field("semanticVersion", kToolVersion);
  w.Field("informationUri", "https://github.com/grantpath/grantpath");
  w.Key("rules").BeginArray();
  for (const RuleInfo* r : *report.rules) Rule(w, *r, options);
  w.EndArray();
  w.EndObject().EndObject();
  if (!options.automation_id.empty())
    w.Key("automationDetails").BeginObject().Field("id", options.automation_id).EndObject();
  if (!options.srcroot.empty()) {
    w.Key("originalUriBaseIds").BeginObject().Key("%SRCROOT%").BeginObject();
    w.Field("uri", options.srcroot).EndObject().EndObject();
  }
  w.Key("invocations").BeginArray().BeginObject();  // §3.20
  w.Field("executionSuccessful", true);
  w.Key("toolExecutionNotifications").BeginArray();
  for (const auto& d : report.diagnostics) {  // §3.58 notification
    w.BeginObject();
    w.Field("level", NotificationLevel(d.level));
    Message(w, "message", d.message);
    w.Key("descriptor").BeginObject().Field("id", d.code).EndObject();
    if (d.where.file != 0) {
      w.Key("locations").BeginArray().BeginObject();
      Physical(w, m, d.where);
      w.EndObject().EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject().EndArray();
  w.Field("columnKind", "utf16CodeUnits");
  w.Key("results").BeginArray();
  for (const auto& f : report.findings) {  // §3.27 result
    w.BeginObject();
    w.Field("ruleId", f.rule->id).Field("ruleIndex", index[f.rule->id]);
    w.Field("level", Level(f.severity));
    Message(w, "message", f.message);
    w.Key("locations").BeginArray().BeginObject();
    Physical(w, m, f.primary);
    w.EndObject().EndArray();
    if (!f.related.empty()) {
      w.Key("relatedLocations").BeginArray();
      int id = 1;
      for (const auto& r : f.related) {
        w.BeginObject().Field("id", id++);
        Physical(w, m, r.where);
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
        Physical(w, m, s.where);
        Message(w, "message", s.message);
        w.EndObject().EndObject();
      }
      w.EndArray().EndObject().EndArray().EndObject().EndArray();
    }
    // §3.27.17: fingerprints from the rule and the entity, not the line, so
    // a result keeps its identity when unrelated edits move it.
    std::string fp = StableHash(std::string(f.rule->id) + "|" + f.entity);
    w.Key("partialFingerprints").BeginObject();
    w.Field("primaryLocationLineHash", fp + ":1").Field("grantpath/entity/v1", fp);
    w.EndObject();
    w.Key("properties").BeginObject();
    w.Field("severity", SeverityName(f.severity)).Field("security-severity", SecurityScore(f.severity));
    w.Key("witness").BeginObject().Field("kind", f.witness.kind);
    for (const auto& [k, v] : f.witness.fields) w.Field(k, v);
    w.EndObject().EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject().EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace grantpath::output

#include <map>

#include "output/json_writer.h"
#include "output/report.h"

namespace grantpath::output {
namespace {

void Location(JsonWriter& w, const Model& m, const SourceRange& r) {
  w.Field("file", m.files.display_path(r.file))
      .Field("line", r.begin.line)
      .Field("column", r.begin.column);
}

void Witness(JsonWriter& w, const grantpath::Witness& witness) {
  w.BeginObject().Field("kind", witness.kind);
  for (const auto& [k, v] : witness.fields) w.Field(k, v);
  w.EndObject();
}

}  // namespace

std::string RenderJson(const Report& report) {
  const Model& m = *report.model;
  std::map<Severity, std::size_t> counts;
  std::size_t shown = 0, suppressed = 0, unchanged = 0;
  for (const auto& f : report.findings) {
    if (f.suppression) ++suppressed;
    if (f.baseline == BaselineState::kUnchanged) ++unchanged;
    if (f.suppression && !report.show_suppressed) continue;
    ++shown;
    ++counts[f.severity];
  }
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : report.diagnostics) {
    errors += d.level == DiagLevel::kError;
    warnings += d.level == DiagLevel::kWarning;
  }
  std::string out;
  out.reserve(1024 + report.findings.size() * 1500);
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("tool").BeginObject().Field("name", kToolName).Field("version", kToolVersion).EndObject();
  w.Field("schemaVersion", 1);
  w.Key("summary").BeginObject();
  w.Field("files", report.files).Field("objects", report.objects);
  w.Field("findings", shown);
  w.Field("suppressed", suppressed);
  if (report.baseline_given) w.Field("unchanged", unchanged).Field("absent", report.absent.size());
  w.Field("belowMinSeverity", report.below_floor);
  w.Key("bySeverity").BeginObject();
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow,
                     Severity::kInfo})
    w.Field(SeverityName(s), counts[s]);
  w.EndObject();
  w.Field("errors", errors).Field("warnings", warnings);
  w.EndObject();
  w.Key("findings").BeginArray();
  for (const auto& f : report.findings) {
    if (f.suppression && !report.show_suppressed) continue;
    w.BeginObject();
    w.Field("ruleId", f.rule->id).Field("severity", SeverityName(f.severity));
    w.Field("title", f.rule->title).Field("message", f.message);
    w.Key("location").BeginObject();
    Location(w, m, f.primary);
    w.EndObject();
    w.Key("related").BeginArray();
    for (const auto& r : f.related) {
      w.BeginObject();
      Location(w, m, r.where);
      w.Field("message", r.role).EndObject();
    }
    w.EndArray();
    w.Key("path").BeginArray();
    for (const auto& s : f.path) {
      w.BeginObject();
      Location(w, m, s.where);
      w.Field("message", s.message).EndObject();
    }
    w.EndArray();
    w.Key("witness");
    Witness(w, f.witness);
    w.Field("fingerprint", f.fingerprint);
    w.Field("entity", f.entity);
    if (report.baseline_given)
      w.Field("baselineState", f.baseline == BaselineState::kUnchanged ? "unchanged" : "new");
    if (f.suppression) {
      w.Key("suppression").BeginObject();
      w.Field("kind", f.suppression->in_source ? "inSource" : "external");
      w.Field("justification", f.suppression->justification);
      if (!f.suppression->expires.empty()) w.Field("expires", f.suppression->expires);
      w.Key("location").BeginObject();
      Location(w, m, f.suppression->where);
      w.EndObject().EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  if (report.baseline_given) {
    w.Key("absent").BeginArray();
    for (const auto& b : report.absent) {
      w.BeginObject().Field("ruleId", b.rule).Field("severity", b.severity).Field("message", b.message);
      w.Field("file", b.file).Field("line", b.line).Field("fingerprint", b.fingerprint);
      w.Field("entity", b.entity).EndObject();
    }
    w.EndArray();
  }
  w.Key("diagnostics").BeginArray();
  for (const auto& d : report.diagnostics) {
    w.BeginObject();
    w.Field("level", DiagLevelName(d.level)).Field("code", d.code).Field("message", d.message);
    w.Key("location").BeginObject();
    Location(w, m, d.where);
    w.EndObject().EndObject();
  }
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace grantpath::output

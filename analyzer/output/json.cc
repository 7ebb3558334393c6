#include <map>

#include <nlohmann/json.hpp>

#include "output/report.h"

namespace grantpath::output {
namespace {

using Json = nlohmann::ordered_json;

Json Location(const Model& m, const SourceRange& r) {
  Json j;
  j["file"] = m.files.display_path(r.file);
  j["line"] = r.begin.line;
  j["column"] = r.begin.column;
  return j;
}

}  // namespace

std::string RenderJson(const Report& report) {
  const Model& m = *report.model;
  Json root;
  root["tool"] = {{"name", kToolName}, {"version", kToolVersion}};
  root["schemaVersion"] = 1;
  std::map<Severity, std::size_t> counts;
  for (const auto& f : report.findings) ++counts[f.severity];
  Json by_sev = Json::object();
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow,
                     Severity::kInfo})
    by_sev[SeverityName(s)] = counts[s];
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : report.diagnostics) {
    errors += d.level == DiagLevel::kError;
    warnings += d.level == DiagLevel::kWarning;
  }
  root["summary"] = {{"files", report.files},         {"objects", report.objects},
                     {"findings", report.findings.size()}, {"bySeverity", by_sev},
                     {"errors", errors},              {"warnings", warnings}};
  Json findings = Json::array();
  for (const auto& f : report.findings) {
    Json j;
    j["ruleId"] = std::string(f.rule->id);
    j["severity"] = SeverityName(f.severity);
    j["title"] = std::string(f.rule->title);
    j["message"] = f.message;
    j["location"] = Location(m, f.primary);
    Json related = Json::array();
    for (const auto& r : f.related) {
      Json rj = Location(m, r.where);
      rj["message"] = r.role;
      related.push_back(rj);
    }
    j["related"] = related;
    Json path = Json::array();
    for (const auto& s : f.path) {
      Json sj = Location(m, s.where);
      sj["message"] = s.message;
      path.push_back(sj);
    }
    j["path"] = path;
    Json w;
    w["kind"] = f.witness.kind;
    for (const auto& [k, v] : f.witness.fields) w[k] = v;
    j["witness"] = w;
    j["fingerprint"] = StableHash(std::string(f.rule->id) + "|" + f.entity);
    findings.push_back(j);
  }
  root["findings"] = findings;
  Json diags = Json::array();
  for (const auto& d : report.diagnostics) {
    Json j;
    j["level"] = DiagLevelName(d.level);
    j["code"] = d.code;
    j["message"] = d.message;
    j["location"] = Location(m, d.where);
    diags.push_back(j);
  }
  root["diagnostics"] = diags;
  return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace grantpath::output

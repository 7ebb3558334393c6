// SARIF 2.1.0 writer. Section numbers refer to the OASIS SARIF 2.1.0
// specification; GitHub code scanning requirements are noted where they
// constrain a choice.
#include <map>

#include <nlohmann/json.hpp>

#include "output/report.h"

namespace grantpath::output {
namespace {

using Json = nlohmann::ordered_json;

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

const char* DiagLevel3(DiagLevel l) {  // §3.58.6 notification.level
  switch (l) {
    case DiagLevel::kError: return "error";
    case DiagLevel::kWarning: return "warning";
    case DiagLevel::kNote: return "note";
  }
  return "note";
}

// §3.4 artifactLocation: relative uri + uriBaseId for scanned files, the
// "builtin:" uri as is for grantpath's built-in data.
Json Artifact(const Model& m, FileId file) {
  Json a;
  const std::string& rel = m.files.relative_path(file);
  if (m.files.is_builtin(file)) {
    a["uri"] = rel;
  } else if (!rel.empty() && rel[0] == '/') {
    a["uri"] = "file://" + rel;
  } else {
    a["uri"] = rel;
    a["uriBaseId"] = "%SRCROOT%";
  }
  return a;
}

Json Physical(const Model& m, const SourceRange& r) {  // §3.29
  Json p;
  p["artifactLocation"] = Artifact(m, r.file);
  if (r.begin.line) {
    Json region;  // §3.30
    region["startLine"] = r.begin.line;
    region["startColumn"] = r.begin.column ? r.begin.column : 1;
    p["region"] = region;
  }
  return p;
}

Json Message(const std::string& text) { return Json{{"text", text}}; }

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

}  // namespace

std::string RenderSarif(const Report& report, const SarifOptions& options) {
  const Model& m = *report.model;
  Json driver;  // §3.19 toolComponent
  driver["name"] = kToolName;
  driver["version"] = kToolVersion;
  driver["semanticVersion"] = kToolVersion;
  driver["informationUri"] = "https://github.com/grantpath/grantpath";
  Json rules = Json::array();
  std::map<std::string_view, std::size_t> index;
  for (const RuleInfo* r : *report.rules) {
    index[r->id] = rules.size();
    Json rule;  // §3.49 reportingDescriptor
    rule["id"] = std::string(r->id);
    rule["name"] = CamelName(r->id);
    rule["shortDescription"] = Message(std::string(r->title));
    rule["fullDescription"] = Message(std::string(r->summary));
    rule["helpUri"] = options.help_base + std::string(r->id) + ".md";
    rule["help"] = {{"text", std::string(r->summary) + "\n\nHow to fix: " + std::string(r->remediation)},
                    {"markdown", "**" + std::string(r->title) + "**\n\n" + std::string(r->summary) +
                                     "\n\n**How to fix:** " + std::string(r->remediation) +
                                     "\n\n[Rule documentation](" + options.help_base +
                                     std::string(r->id) + ".md)"}};
    rule["defaultConfiguration"] = {{"level", Level(r->severity)}};
    std::string domain(r->id.substr(0, r->id.find('-')));
    rule["properties"] = {{"tags", Json::array({"security", domain})},
                          {"precision", "very-high"},
                          {"problem.severity", Level(r->severity)},
                          {"security-severity", SecurityScore(r->severity)}};
    rules.push_back(rule);
  }
  driver["rules"] = rules;

  Json results = Json::array();
  for (const auto& f : report.findings) {
    Json res;  // §3.27 result
    res["ruleId"] = std::string(f.rule->id);
    res["ruleIndex"] = index[f.rule->id];
    res["level"] = Level(f.severity);
    res["message"] = Message(f.message);
    res["locations"] = Json::array({Json{{"physicalLocation", Physical(m, f.primary)}}});
    if (!f.related.empty()) {
      Json rel = Json::array();
      int id = 1;
      for (const auto& r : f.related) {
        rel.push_back(Json{{"id", id++}, {"physicalLocation", Physical(m, r.where)},
                           {"message", Message(r.role)}});
      }
      res["relatedLocations"] = rel;
    }
    if (!f.path.empty()) {  // §3.36 codeFlow / §3.37 threadFlow
      Json locs = Json::array();
      for (const auto& s : f.path) {
        locs.push_back(Json{{"location", Json{{"physicalLocation", Physical(m, s.where)},
                                              {"message", Message(s.message)}}}});
      }
      res["codeFlows"] = Json::array(
          {Json{{"threadFlows", Json::array({Json{{"locations", locs}}})}}});
    }
    // §3.27.17: fingerprints from the rule and the entity, not the line, so
    // a result keeps its identity when unrelated edits move it.
    std::string fp = StableHash(std::string(f.rule->id) + "|" + f.entity);
    res["partialFingerprints"] = {{"primaryLocationLineHash", fp + ":1"},
                                  {"grantpath/entity/v1", fp}};
    Json witness;
    witness["kind"] = f.witness.kind;
    for (const auto& [k, v] : f.witness.fields) witness[k] = v;
    res["properties"] = {{"severity", SeverityName(f.severity)},
                         {"security-severity", SecurityScore(f.severity)},
                         {"witness", witness}};
    results.push_back(res);
  }

  Json notes = Json::array();
  for (const auto& d : report.diagnostics) {
    Json n;  // §3.58 notification
    n["level"] = DiagLevel3(d.level);
    n["message"] = Message(d.message);
    n["descriptor"] = {{"id", d.code}};
    if (d.where.file != 0)
      n["locations"] = Json::array({Json{{"physicalLocation", Physical(m, d.where)}}});
    notes.push_back(n);
  }
  Json invocation;  // §3.20
  invocation["executionSuccessful"] = true;
  invocation["toolExecutionNotifications"] = notes;

  Json run;  // §3.14
  run["tool"] = {{"driver", driver}};
  if (!options.automation_id.empty()) run["automationDetails"] = {{"id", options.automation_id}};
  if (!options.srcroot.empty())
    run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", options.srcroot}}}};
  run["invocations"] = Json::array({invocation});
  run["columnKind"] = "utf16CodeUnits";
  run["results"] = results;

  Json root;  // §3.13 sarifLog
  root["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  root["version"] = "2.1.0";
  root["runs"] = Json::array({run});
  return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace grantpath::output

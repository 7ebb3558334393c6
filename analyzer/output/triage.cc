#include "output/triage.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "grantpath/rule.h"
#include "grantpath/spell.h"

namespace grantpath::output {
namespace {

namespace fs = std::filesystem;

std::string WitnessText(const Witness& w) {
  std::string out = w.kind;
  for (const auto& [k, v] : w.fields) out += "|" + k + "=" + v;
  return out;
}

// The finding's file relative to `dir` ('/'-separated), for `path:` globs.
std::string RelativeTo(const Model& m, FileId file, const std::string& dir) {
  if (m.files.is_builtin(file)) return m.files.relative_path(file);
  std::error_code ec;
  fs::path abs = fs::absolute(m.files.display_path(file), ec).lexically_normal();
  if (dir.empty()) return m.files.relative_path(file);
  fs::path rel = abs.lexically_relative(fs::path(dir));
  std::string r = rel.generic_string();
  if (r.empty() || r.rfind("..", 0) == 0) return abs.generic_string();
  return r;
}

std::vector<std::string> KnownRuleIds(const Report& report) {
  std::vector<std::string> ids;
  for (const RuleInfo* r : *report.rules) ids.emplace_back(r->id);
  return ids;
}

bool KnownRule(const Report& report, std::string_view id) {
  for (const RuleInfo* r : *report.rules)
    if (r->id == id) return true;
  return false;
}

}  // namespace

bool ReadBaseline(const std::string& text, std::vector<BaselineEntry>* out, std::string* error) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("findings") || !j["findings"].is_array()) {
    *error = "not a grantpath baseline (a JSON object with a 'findings' list, as --write-baseline writes)";
    return false;
  }
  for (const auto& e : j["findings"]) {
    if (!e.is_object() || !e.contains("fingerprint") || !e["fingerprint"].is_string()) {
      *error = "a baseline entry has no 'fingerprint' string";
      return false;
    }
    BaselineEntry b;
    auto str = [&](const char* k) {
      return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string();
    };
    b.fingerprint = str("fingerprint");
    b.rule = str("ruleId");
    b.severity = str("severity");
    b.entity = str("entity");
    b.message = str("message");
    b.file = str("file");
    if (e.contains("line") && e["line"].is_number_unsigned()) b.line = e["line"].get<std::uint32_t>();
    out->push_back(std::move(b));
  }
  return true;
}

std::string RenderBaseline(const Report& report) {
  nlohmann::ordered_json j;
  j["tool"] = kToolName;
  j["version"] = kToolVersion;
  j["baselineVersion"] = 1;
  j["findings"] = nlohmann::ordered_json::array();
  for (const auto& f : report.findings) {
    if (f.suppression) continue;
    nlohmann::ordered_json e;
    e["fingerprint"] = f.fingerprint;
    e["ruleId"] = std::string(f.rule->id);
    e["severity"] = SeverityName(f.severity);
    e["entity"] = f.entity;
    e["message"] = f.message;
    e["file"] = ArtifactPath(report, f.primary.file);
    e["line"] = f.primary.begin.line;
    j["findings"].push_back(std::move(e));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void ApplySeverityOverrides(Report* report, const Config& config) {
  std::map<std::string, Severity, std::less<>> sev;
  for (const auto& r : config.rules)
    if (r.severity) sev[r.id] = *r.severity;
  if (sev.empty()) return;
  for (auto& f : report->findings)
    if (auto it = sev.find(f.rule->id); it != sev.end()) f.severity = it->second;
}

std::size_t AssignFingerprints(Report* report) {
  std::vector<std::string> base(report->findings.size());
  std::unordered_map<std::string, std::size_t> count;
  std::map<FileId, std::string> paths;
  for (std::size_t i = 0; i < report->findings.size(); ++i) {
    const Finding& f = report->findings[i];
    auto it = paths.find(f.primary.file);
    if (it == paths.end()) it = paths.emplace(f.primary.file, ArtifactPath(*report, f.primary.file)).first;
    base[i] = std::string(f.rule->id) + "|" + it->second + "|" + f.entity;
    ++count[base[i]];
  }
  std::unordered_map<std::string, std::size_t> seen;
  std::size_t ordinals = 0;
  for (std::size_t i = 0; i < report->findings.size(); ++i) {
    Finding& f = report->findings[i];
    std::string key = base[i];
    if (count[key] > 1) key += "|" + f.message + "|" + WitnessText(f.witness);
    std::size_t n = seen[key]++;
    if (n > 0) {
      key += "|#" + std::to_string(n + 1);
      ++ordinals;
    }
    f.fingerprint = StableHash(key);
  }
  return ordinals;
}

void ApplySuppressions(Report* report, const Config& config, const std::string& today,
                       DiagnosticSink& sink) {
  const Model& m = *report->model;
  std::vector<std::string> known = KnownRuleIds(*report);
  for (const auto& ig : m.inline_ignores)
    for (const auto& id : ig.rules)
      if (!KnownRule(*report, id))
        sink.Warning("invalid-ignore",
                     std::string(kIgnoreAnnotation) + " on " + ig.object + " names unknown rule '" + id +
                         "'" + DidYouMean(id, known),
                     ig.where);
  // Entries that expired no longer apply.
  std::vector<const IgnoreEntry*> live;
  for (const auto& e : config.ignore) {
    if (!e.expires.empty() && e.expires < today) {
      sink.Warning("ignore-expired",
                   "ignore entry for '" + e.rule + "' expired on " + e.expires +
                       "; its findings are reported again (reason was: " + e.reason + ")",
                   e.where);
      continue;
    }
    live.push_back(&e);
  }
  std::map<FileId, std::string> rel;
  std::vector<std::size_t> used(config.ignore.size(), 0);
  for (auto& f : report->findings) {
    for (const auto& ig : m.inline_ignores) {
      if (ig.file != f.primary.file || f.primary.begin.line < ig.first_line ||
          f.primary.begin.line > ig.last_line)
        continue;
      if (std::find(ig.rules.begin(), ig.rules.end(), f.rule->id) == ig.rules.end()) continue;
      f.suppression = Suppression{true, ig.reason, ig.where, ""};
      break;
    }
    if (f.suppression) continue;
    for (const IgnoreEntry* e : live) {
      if (e->rule != f.rule->id) continue;
      if (!e->entity.empty() && e->entity != f.entity) continue;
      if (!e->path.empty()) {
        auto it = rel.find(f.primary.file);
        if (it == rel.end()) it = rel.emplace(f.primary.file, RelativeTo(m, f.primary.file, config.dir)).first;
        if (!PathGlobMatch(e->path, it->second)) continue;
      }
      f.suppression = Suppression{false, e->reason, e->where, e->expires};
      ++used[static_cast<std::size_t>(e - config.ignore.data())];
      break;
    }
  }
  for (const IgnoreEntry* e : live)
    if (used[static_cast<std::size_t>(e - config.ignore.data())] == 0 && KnownRule(*report, e->rule) &&
        (report->rules_run.empty() || report->rules_run.count(e->rule)))
      sink.Note("ignore-unused", "ignore entry for '" + e->rule + "' matches no finding", e->where);
}

void ApplyBaseline(Report* report, const std::vector<BaselineEntry>& baseline) {
  report->baseline_given = true;
  std::set<std::string> before;
  for (const auto& b : baseline) before.insert(b.fingerprint);
  std::set<std::string> now;
  for (auto& f : report->findings) {
    f.baseline = before.count(f.fingerprint) ? BaselineState::kUnchanged : BaselineState::kNew;
    now.insert(f.fingerprint);
  }
  for (const auto& b : baseline)
    if (!now.count(b.fingerprint)) report->absent.push_back(b);
}

void ApplySeverityFloor(Report* report, Severity floor) {
  auto& v = report->findings;
  auto end = std::remove_if(v.begin(), v.end(), [&](const Finding& f) { return f.severity < floor; });
  report->below_floor += static_cast<std::size_t>(v.end() - end);
  v.erase(end, v.end());
}

bool Fails(const Finding& f, Severity at) {
  return !f.suppression && f.baseline != BaselineState::kUnchanged && f.severity >= at;
}

}  // namespace grantpath::output

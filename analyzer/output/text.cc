#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

#include "grantpath/file_reader.h"
#include "grantpath/terminal.h"
#include "output/report.h"

namespace grantpath::output {
namespace {

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::kCritical: return "\033[1;35m";
    case Severity::kHigh: return "\033[1;31m";
    case Severity::kMedium: return "\033[1;33m";
    case Severity::kLow: return "\033[36m";
    case Severity::kInfo: return "\033[2m";
  }
  return "";
}

// Reads source lines lazily, only for diagnostics that are printed, only
// from files that were loaded, and only as far as the line asked for; a
// line longer than 300 bytes is not shown (nor kept).
class LineCache {
 public:
  explicit LineCache(const Model& m) : model_(m) {}
  std::string Line(FileId file, std::uint32_t line) {
    if (file == 0 || line == 0 || !model_.files.is_loaded(file) || model_.files.is_builtin(file)) return "";
    auto it = files_.find(file);
    if (it == files_.end()) {
      it = files_.emplace(file, File{}).first;
      it->second.in.open(model_.files.display_path(file), std::ios::binary);
    }
    File& f = it->second;
    char buf[65536];
    while (f.lines.size() < line && !f.done) {
      f.in.read(buf, sizeof buf);
      std::size_t got = static_cast<std::size_t>(f.in.gcount());
      for (std::size_t i = 0; i < got; ++i) {
        if (buf[i] == '\n') {
          f.Push();
        } else if (!f.too_long) {
          f.partial.push_back(buf[i]);
          if (f.partial.size() > kMaxShown + 1) f.too_long = true;
        }
      }
      if (got < sizeof buf) {
        if (!f.partial.empty() || f.too_long) f.Push();
        f.done = true;
      }
    }
    return line <= f.lines.size() ? f.lines[line - 1] : "";
  }

 private:
  static constexpr std::size_t kMaxShown = 300;
  struct File {
    std::ifstream in;
    std::vector<std::string> lines;
    std::string partial;
    bool too_long = false;
    bool done = false;
    void Push() {
      if (!partial.empty() && partial.back() == '\r') partial.pop_back();
      lines.push_back(too_long || partial.size() > kMaxShown ? std::string() : std::move(partial));
      partial.clear();
      too_long = false;
    }
  };
  const Model& model_;
  std::map<FileId, File> files_;
};

std::string Loc(const Model& m, const SourceRange& r) {
  std::string out = TerminalSafe(m.files.display_path(r.file));
  if (r.begin.line) out += ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
  return out;
}

}  // namespace

std::string RenderText(const Report& report, const TextOptions& options) {
  const Model& m = *report.model;
  std::string out;
  auto c = [&](const char* code) { return options.color ? std::string(code) : std::string(); };
  const std::string reset = c("\033[0m");
  LineCache lines(m);
  for (const auto& d : report.diagnostics) {
    out += FormatDiagnostic(m, d) + "\n";
    if (options.show_source && d.where.begin.line) {
      std::string l = lines.Line(d.where.file, d.where.begin.line);
      if (!l.empty()) {
        out += "  " + TerminalSafe(l) + "\n  ";
        for (std::uint32_t i = 1; i < d.where.begin.column && i <= l.size(); ++i)
          out += l[i - 1] == '\t' ? '\t' : ' ';
        out += "^\n";
      }
    }
  }
  std::vector<const Finding*> shown;
  std::size_t suppressed = 0, unchanged = 0;
  for (const auto& f : report.findings) {
    if (f.suppression) ++suppressed;
    if (f.baseline == BaselineState::kUnchanged) ++unchanged;
    if (f.suppression && !report.show_suppressed) continue;
    if (f.baseline == BaselineState::kUnchanged) continue;
    shown.push_back(&f);
  }
  if (!report.diagnostics.empty() && !shown.empty()) out += "\n";
  FileId current = static_cast<FileId>(-1);
  std::map<Severity, std::size_t> counts;
  std::map<std::string_view, std::map<Severity, std::size_t>> by_rule;
  for (const Finding* fp : shown) {
    const Finding& f = *fp;
    ++counts[f.severity];
    ++by_rule[f.rule->id][f.severity];
    if (f.primary.file != current) {
      if (current != static_cast<FileId>(-1)) out += "\n";
      current = f.primary.file;
      out += c("\033[1m") + TerminalSafe(m.files.display_path(current)) + reset + "\n";
    }
    out += "  " + std::to_string(f.primary.begin.line) + ":" +
           std::to_string(f.primary.begin.column) + "  " + c(SeverityColor(f.severity)) +
           SeverityName(f.severity) + reset + "  " + std::string(f.rule->id) + "  " + TerminalSafe(f.message) +
           "\n";
    if (f.suppression)
      out += "      suppressed (" + std::string(f.suppression->in_source ? "annotation" : "ignore entry") +
             " at " + Loc(m, f.suppression->where) + "): " + TerminalSafe(f.suppression->justification) + "\n";
    if (!f.witness.fields.empty()) {
      out += "      witness:";
      for (const auto& [k, v] : f.witness.fields) out += " " + k + "=" + TerminalSafe(v) + ";";
      out.pop_back();
      out += "\n";
    }
    for (std::size_t i = 0; i < f.path.size(); ++i)
      out += "      step " + std::to_string(i + 1) + ": " + TerminalSafe(f.path[i].message) + " (" +
             Loc(m, f.path[i].where) + ")\n";
    for (const auto& r : f.related) out += "      at " + Loc(m, r.where) + ": " + TerminalSafe(r.role) + "\n";
  }
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : report.diagnostics) {
    errors += d.level == DiagLevel::kError;
    warnings += d.level == DiagLevel::kWarning;
  }
  if (!shown.empty()) out += "\n";
  if (by_rule.size() > 1) {  // a summary by rule and severity
    std::size_t width = 4;
    for (const auto& [id, _] : by_rule) width = std::max(width, id.size());
    out += "by rule:\n";
    for (const auto& [id, sev] : by_rule) {
      std::size_t total = 0;
      std::string detail;
      for (auto it = sev.rbegin(); it != sev.rend(); ++it) {
        total += it->second;
        detail += (detail.empty() ? "" : ", ") + std::to_string(it->second) + " " + SeverityName(it->first);
      }
      out += "  " + std::string(id) + std::string(width - id.size() + 2, ' ') + std::to_string(total) +
             " (" + detail + ")\n";
    }
    out += "\n";
  }
  out += std::to_string(shown.size()) + (report.baseline_given ? " new" : "") + " finding" +
         (shown.size() == 1 ? "" : "s");
  if (!counts.empty()) {
    out += " (";
    bool first = true;
    for (auto it = counts.rbegin(); it != counts.rend(); ++it) {
      out += (first ? "" : ", ") + std::to_string(it->second) + " " + SeverityName(it->first);
      first = false;
    }
    out += ")";
  }
  out += ", " + std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + ", " +
         std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s") + "; " +
         std::to_string(report.objects) + " objects in " + std::to_string(report.files) +
         " file" + (report.files == 1 ? "" : "s") + "\n";
  std::vector<std::string> hidden;
  if (report.baseline_given) {
    hidden.push_back(std::to_string(unchanged) + " unchanged from the baseline");
    hidden.push_back(std::to_string(report.absent.size()) + " of the baseline no longer found");
  }
  if (suppressed && !report.show_suppressed)
    hidden.push_back(std::to_string(suppressed) + " suppressed (--show-suppressed lists them)");
  else if (suppressed)
    hidden.push_back(std::to_string(suppressed) + " of them suppressed");
  if (report.below_floor) hidden.push_back(std::to_string(report.below_floor) + " below --min-severity");
  if (!hidden.empty()) {
    out += "not counted: ";
    for (std::size_t i = 0; i < hidden.size(); ++i) out += (i ? "; " : "") + hidden[i];
    out += "\n";
  }
  return out;
}

}  // namespace grantpath::output

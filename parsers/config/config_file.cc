#include "config/config_file.h"

#include <cstdlib>
#include <ctime>
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/doc.h"
#include "common/fields.h"
#include "grantpath/spell.h"

namespace grantpath::parsers {
namespace {

namespace fs = std::filesystem;

class ConfigReader {
 public:
  ConfigReader(FileId file, Config* out, DiagnosticSink& sink)
      : file_(file), out_(out), sink_(sink) {}

  void Read(const DocNode& root) {
    if (root.is_null()) return;
    if (!root.is_map()) return Error(root.pos, "the configuration must be a map, got " + std::string(root.Describe()));
    static const std::vector<std::string> kTop = {"rules", "exclude", "ignore", "scan"};
    for (const auto& e : root.entries) {
      if (e.key == "rules") {
        Rules(e.value);
      } else if (e.key == "exclude") {
        for (auto& s : StringList(e.value, "exclude")) out_->exclude.push_back({s.value, s.where});
      } else if (e.key == "ignore") {
        Ignores(e.value);
      } else if (e.key == "scan") {
        Scan(e.value);
      } else {
        Unknown(e, "top-level key", kTop);
      }
    }
  }

  bool ok() const { return ok_; }

 private:
  void Error(SourcePos pos, std::string message) {
    ok_ = false;
    sink_.Error("config", std::move(message), At(file_, pos));
  }
  void Unknown(const DocEntry& e, std::string_view what, const std::vector<std::string>& known) {
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    Error(e.key_pos, "unknown " + std::string(what) + " '" + e.key + "'" + DidYouMean(e.key, known) +
                         " (expected one of: " + list + ")");
  }
  std::optional<std::string> Scalar(const DocNode& n, std::string_view field) {
    if (!n.is_scalar()) {
      Error(n.pos, "'" + std::string(field) + "' must be a string, got " + std::string(n.Describe()));
      return std::nullopt;
    }
    return n.text;
  }
  std::optional<bool> Boolean(const DocNode& n, std::string_view field) {
    auto b = ScalarBool(n);
    if (!b) Error(n.pos, "'" + std::string(field) + "' must be true or false, got '" + n.text + "'");
    return b;
  }
  std::optional<Severity> SeverityValue(const DocNode& n, std::string_view field, bool allow_none) {
    auto s = Scalar(n, field);
    if (!s) return std::nullopt;
    Severity sev;
    if (ParseSeverity(*s, &sev)) return sev;
    if (allow_none && *s == "none") return Severity::kInfo;
    static const std::vector<std::string> kNames = {"critical", "high", "medium", "low", "info"};
    Error(n.pos, "'" + std::string(field) + "' must be critical, high, medium, low or info" +
                     std::string(allow_none ? " (or none)" : "") + ", got '" + *s + "'" +
                     DidYouMean(*s, kNames));
    return std::nullopt;
  }
  std::vector<Located<std::string>> StringList(const DocNode& n, std::string_view field) {
    std::vector<Located<std::string>> out;
    if (n.is_null()) return out;
    if (n.is_scalar()) {  // a single value is accepted for a list
      out.push_back({n.text, At(file_, n.pos)});
      return out;
    }
    if (!n.is_seq()) {
      Error(n.pos, "'" + std::string(field) + "' must be a list of strings, got " + std::string(n.Describe()));
      return out;
    }
    for (const auto& item : n.items)
      if (auto s = Scalar(item, field)) out.push_back({*s, At(file_, item.pos)});
    return out;
  }

  void Rules(const DocNode& n) {
    if (n.is_null()) return;
    if (!n.is_map()) return Error(n.pos, "'rules' must be a map of rule id to settings, got " + std::string(n.Describe()));
    static const std::vector<std::string> kKeys = {"enabled", "severity"};
    for (const auto& e : n.entries) {
      RuleSetting r;
      r.id = e.key;
      r.where = At(file_, e.key_pos);
      const DocNode& v = e.value;
      if (v.is_scalar()) {  // shorthand: off, on, false, true or a severity
        Severity sev;
        if (ParseSeverity(v.text, &sev)) {
          r.severity = sev;
        } else if (auto b = ScalarBool(v)) {
          r.enabled = *b;
        } else {
          Error(v.pos, "rule '" + e.key + "': expected on, off or a severity, got '" + v.text + "'");
          continue;
        }
      } else if (v.is_map()) {
        for (const auto& s : v.entries) {
          if (s.key == "enabled") {
            r.enabled = Boolean(s.value, "enabled");
          } else if (s.key == "severity") {
            r.severity = SeverityValue(s.value, "severity", false);
          } else {
            Unknown(s, "rule setting", kKeys);
          }
        }
      } else if (!v.is_null()) {
        Error(v.pos, "rule '" + e.key + "': expected a map with enabled and severity, got " + std::string(v.Describe()));
        continue;
      }
      out_->rules.push_back(std::move(r));
    }
  }

  static bool ValidDate(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
      if (s[i] < '0' || s[i] > '9') return false;
    int month = std::atoi(s.substr(5, 2).c_str());
    int day = std::atoi(s.substr(8, 2).c_str());
    int year = std::atoi(s.substr(0, 4).c_str());
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return !(month == 2 && day == 29 && !leap);
  }

  void Ignores(const DocNode& n) {
    if (n.is_null()) return;
    if (!n.is_seq()) return Error(n.pos, "'ignore' must be a list of entries, got " + std::string(n.Describe()));
    static const std::vector<std::string> kKeys = {"rule", "entity", "path", "reason", "expires"};
    for (const auto& item : n.items) {
      if (!item.is_map()) {
        Error(item.pos, "an 'ignore' entry must be a map with rule and reason, got " + std::string(item.Describe()));
        continue;
      }
      IgnoreEntry entry;
      entry.where = At(file_, item.pos);
      bool ok = true;
      for (const auto& e : item.entries) {
        std::optional<std::string> v;
        if (std::find(kKeys.begin(), kKeys.end(), e.key) == kKeys.end()) {
          Unknown(e, "ignore key", kKeys);
          ok = false;
          continue;
        }
        v = Scalar(e.value, e.key);
        if (!v) {
          ok = false;
          continue;
        }
        if (e.key == "rule") {
          entry.rule = *v;
          entry.rule_where = At(file_, e.value.pos);
        } else if (e.key == "entity") {
          entry.entity = *v;
        } else if (e.key == "path") {
          entry.path = *v;
        } else if (e.key == "reason") {
          entry.reason = *v;
        } else if (e.key == "expires") {
          if (!ValidDate(*v)) {
            Error(e.value.pos, "'expires' must be a date written YYYY-MM-DD, got '" + *v + "'");
            ok = false;
          }
          entry.expires = *v;
        }
      }
      if (entry.rule.empty()) {
        Error(item.pos, "an 'ignore' entry needs 'rule' (a rule id)");
        ok = false;
      }
      std::string reason = entry.reason;
      reason.erase(0, reason.find_first_not_of(" \t"));
      if (reason.empty()) {
        Error(item.pos, "an 'ignore' entry needs a non-empty 'reason'");
        ok = false;
      }
      if (ok) out_->ignore.push_back(std::move(entry));
    }
  }

  void Scan(const DocNode& n) {
    if (n.is_null()) return;
    if (!n.is_map()) return Error(n.pos, "'scan' must be a map of option defaults, got " + std::string(n.Describe()));
    static const std::vector<std::string> kKeys = {
        "fail-on", "min-severity", "default-namespace", "k8s-defaults", "host-network-as-pod",
        "escalation-targets", "sensitive-namespaces"};
    ScanDefaults& s = out_->scan;
    for (const auto& e : n.entries) {
      if (e.key == "fail-on") {
        if (SeverityValue(e.value, e.key, true)) s.fail_on = e.value.text;
      } else if (e.key == "min-severity") {
        if (SeverityValue(e.value, e.key, false)) s.min_severity = e.value.text;
      } else if (e.key == "default-namespace") {
        s.default_namespace = Scalar(e.value, e.key);
      } else if (e.key == "k8s-defaults") {
        s.k8s_defaults = Boolean(e.value, e.key);
      } else if (e.key == "host-network-as-pod") {
        s.host_network_as_pod = Boolean(e.value, e.key);
      } else if (e.key == "escalation-targets") {
        for (auto& v : StringList(e.value, e.key)) s.escalation_targets.push_back(v.value);
      } else if (e.key == "sensitive-namespaces") {
        for (auto& v : StringList(e.value, e.key)) s.sensitive_namespaces.push_back(v.value);
      } else {
        Unknown(e, "scan option", kKeys);
      }
    }
  }

  FileId file_;
  Config* out_;
  DiagnosticSink& sink_;
  bool ok_ = true;
};

// Counts errors passing through to the caller's sink.
class CountingSink : public DiagnosticSink {
 public:
  explicit CountingSink(DiagnosticSink& inner) : inner_(inner) {}
  void Report(Diagnostic d) override {
    if (d.level == DiagLevel::kError) ++errors;
    inner_.Report(std::move(d));
  }
  int errors = 0;

 private:
  DiagnosticSink& inner_;
};

}  // namespace

bool ParseConfig(std::string_view text, FileId file, Config* out, DiagnosticSink& sink) {
  CountingSink counting(sink);
  ConfigReader reader(file, out, counting);
  ParseLimits limits;
  std::size_t docs = 0;
  ParseYaml(text, file, limits, counting, [&](DocNode& root) {
    if (docs++ == 0) {
      reader.Read(root);
    } else {
      counting.Error("config", "a configuration file holds one YAML document", At(file, root.pos));
    }
  });
  return counting.errors == 0;
}

std::string FindConfig(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec) return "";
  p = p.lexically_normal();
  if (!fs::is_directory(p, ec)) p = p.parent_path();
  while (true) {
    fs::path candidate = p / kConfigFileName;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    if (fs::exists(p / ".git", ec)) return "";
    fs::path parent = p.parent_path();
    if (parent == p || parent.empty()) return "";
    p = parent;
  }
}

std::string TodayUtc() {
  if (const char* t = std::getenv("GRANTPATH_TODAY"); t != nullptr && *t) return t;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace grantpath::parsers

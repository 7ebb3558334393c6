// Rendering a run's findings and diagnostics as text, JSON or SARIF.
// JSON types stay inside the writers.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/finding.h"
#include "grantpath/model/model.h"
#include "grantpath/rule.h"

namespace grantpath::output {

inline constexpr const char* kToolName = "grantpath";
inline constexpr const char* kToolVersion = "0.1.0";
inline constexpr const char* kDefaultHelpBase =
    "https://github.com/grantpath/grantpath/blob/main/docs/rules/";

/// One finding recorded by --write-baseline (see output/triage.h).
struct BaselineEntry {
  std::string fingerprint;
  std::string rule;
  std::string severity;
  std::string entity;
  std::string message;
  std::string file;
  std::uint32_t line = 0;
};

struct Report {
  const Model* model = nullptr;
  const std::vector<const RuleInfo*>* rules = nullptr;  // the catalog, sorted by id
  std::vector<Finding> findings;                        // sorted with FindingLess
  std::vector<Diagnostic> diagnostics;                  // in report order
  std::size_t files = 0;
  std::size_t objects = 0;
  /// Repository root (absolute) that artifact paths and fingerprints are
  /// relative to; "" = paths as given on the command line.
  std::string repo_root;
  bool repo_root_given = false;  // --repo-root: its file: URI goes into the SARIF
  bool show_suppressed = false;   // text and JSON list suppressed findings
  bool baseline_given = false;    // findings carry a baseline state
  std::vector<BaselineEntry> absent;  // in the baseline, not found now
  std::size_t below_floor = 0;    // removed by --min-severity
  std::set<std::string, std::less<>> rules_run;  // empty = every rule ran
};

struct TextOptions {
  bool color = false;
  bool show_source = true;  // print the source line and a caret under diagnostics
};

struct SarifOptions {
  std::string automation_id;  // run.automationDetails.id; empty = omitted
  std::string help_base = kDefaultHelpBase;
  std::string srcroot;  // originalUriBaseIds %SRCROOT% uri; empty = the repository root's file: URI
  std::size_t max_results = 25000;  // GitHub's limit per run; the rest is dropped with a notification
};

/// Sorts findings and diagnostics into output order (deterministic).
void Normalize(Report* report);

std::string RenderText(const Report& report, const TextOptions& options);
std::string RenderJson(const Report& report);
std::string RenderSarif(const Report& report, const SarifOptions& options);

/// `path:line:col: level: message [code]` (no line/col when unknown).
std::string FormatDiagnostic(const Model& model, const Diagnostic& d);

/// The path of a file as reports name it to other tools: relative to
/// report.repo_root when the file is under it, absolute otherwise, or the
/// `builtin:` name of grantpath's own data. Always '/'-separated.
std::string ArtifactPath(const Report& report, FileId file);

/// The nearest folder at or above the current directory that holds `.git`
/// (absolute), or "".
std::string GitRootOfCwd();

/// A stable 16-hex-digit hash (FNV-1a 64).
std::string StableHash(const std::string& text);

}  // namespace grantpath::output

// Rendering a run's findings and diagnostics as text, JSON or SARIF.
// JSON types stay inside the writers.
#pragma once

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

struct Report {
  const Model* model = nullptr;
  const std::vector<const RuleInfo*>* rules = nullptr;  // the catalog, sorted by id
  std::vector<Finding> findings;                        // sorted with FindingLess
  std::vector<Diagnostic> diagnostics;                  // in report order
  std::size_t files = 0;
  std::size_t objects = 0;
};

struct TextOptions {
  bool color = false;
  bool show_source = true;  // print the source line and a caret under diagnostics
};

struct SarifOptions {
  std::string automation_id;  // run.automationDetails.id; empty = omitted
  std::string help_base = kDefaultHelpBase;
  std::string srcroot;  // originalUriBaseIds %SRCROOT% uri; empty = omitted
};

/// Sorts findings and diagnostics into output order (deterministic).
void Normalize(Report* report);

std::string RenderText(const Report& report, const TextOptions& options);
std::string RenderJson(const Report& report);
std::string RenderSarif(const Report& report, const SarifOptions& options);

/// `path:line:col: level: message [code]` (no line/col when unknown).
std::string FormatDiagnostic(const Model& model, const Diagnostic& d);

/// A stable 16-hex-digit hash (FNV-1a 64).
std::string StableHash(const std::string& text);

}  // namespace grantpath::output

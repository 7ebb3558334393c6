// Diagnostics: problems with the input or the run, not security findings.
#pragma once

#include <string>
#include <vector>

#include "grantpath/source.h"

namespace grantpath {

enum class DiagLevel { kNote, kWarning, kError };

/// "error", "warning" or "note".
const char* DiagLevelName(DiagLevel level);

/// One problem with the input, reported where it was found. `code` is a
/// stable kebab-case id users can grep for:
///   yaml-syntax, json-syntax, wrong-type, missing-field, unknown-kind,
///   file-too-large, too-deep, alias-limit, unreadable, empty-file,
///   unsupported-construct, dangling-reference, skipped (verbose only),
///   helm-template, config, invalid-ignore, ignore-expired, ignore-unused,
///   solver-unknown.
struct Diagnostic {
  DiagLevel level = DiagLevel::kError;
  std::string code;
  std::string message;
  SourceRange where;
};

/// Receives diagnostics. Reporting never stops the caller: the caller
/// decides what to skip, the sink only records.
class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  virtual void Report(Diagnostic d) = 0;
  void Error(std::string code, std::string message, SourceRange where) {
    Report({DiagLevel::kError, std::move(code), std::move(message), where});
  }
  void Warning(std::string code, std::string message, SourceRange where) {
    Report({DiagLevel::kWarning, std::move(code), std::move(message), where});
  }
  void Note(std::string code, std::string message, SourceRange where) {
    Report({DiagLevel::kNote, std::move(code), std::move(message), where});
  }
};

/// A sink that keeps every diagnostic in arrival order.
class CollectingSink : public DiagnosticSink {
 public:
  void Report(Diagnostic d) override { diags_.push_back(std::move(d)); }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  std::vector<Diagnostic>& mutable_diagnostics() { return diags_; }
  std::size_t CountAtLeast(DiagLevel level) const;

 private:
  std::vector<Diagnostic> diags_;
};

}  // namespace grantpath

// Rules: one stable id, its metadata, and a check that emits findings.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "grantpath/finding.h"

namespace grantpath {

class AnalysisContext;  // analyzer/core/context.h

/// Catalog data of a rule. `id` is kebab-case with a domain prefix
/// (`rbac-`, `iam-`, `netpol-`, `path-`); it equals the doc page name
/// docs/rules/<id>.md and the fixture folder tests/rules/<id>/. Ids are
/// never reused or renamed.
struct RuleInfo {
  std::string_view id;
  std::string_view title;
  Severity severity;
  std::string_view summary;      // what it detects and why it matters
  std::string_view remediation;  // how to fix, one paragraph
};

/// Receives findings. Enforces the invariant that every finding has a
/// location and a rule.
class FindingSink {
 public:
  void Add(Finding f);
  const std::vector<Finding>& findings() const { return findings_; }
  std::vector<Finding> Take() { return std::move(findings_); }

 private:
  std::vector<Finding> findings_;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  /// Reads the analysis results in `ctx` and adds findings to `out`.
  virtual void Check(const AnalysisContext& ctx, FindingSink& out) const = 0;
};

}  // namespace grantpath

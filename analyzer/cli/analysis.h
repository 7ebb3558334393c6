// One analysis of a set of paths, as `scan` runs it and `diff` runs it on
// each side: load, resolve RBAC, run the rules, and triage the findings
// (severity overrides, fingerprints, suppressions).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/session.h"
#include "engine/context.h"
#include "engine/rbac.h"
#include "grantpath/config.h"
#include "output/report.h"

namespace grantpath::cli {

struct AnalysisRequest {
  InputOptions in;
  AnalysisOptions options;
  std::set<std::string> only_rules;  // empty = all
  std::set<std::string> disabled_rules;
  const Config* config = nullptr;    // applied when given
  std::string repo_root;             // report.repo_root
  bool group = true;                 // rules::GroupFindings (--no-group turns it off)
  /// Called after each rule with its id (for --timings).
  std::function<void(const std::string& phase)> lap;
};

/// Everything one analysis keeps alive: the report points into it.
struct Analysis {
  std::unique_ptr<Session> session;
  std::unique_ptr<rbac::Engine> rbac;
  std::unique_ptr<AnalysisContext> context;
  std::vector<const RuleInfo*> catalog;
  output::Report report;
};

/// Runs the analysis. `pre` is a session that already holds files (the
/// configuration). The report's diagnostics are the session's, sorted.
std::unique_ptr<Analysis> Analyze(const AnalysisRequest& request, std::unique_ptr<Session> pre = nullptr);

/// Absolute, normalized, without a trailing '/'; "" stays "".
std::string AbsoluteDir(const std::string& path);

}  // namespace grantpath::cli

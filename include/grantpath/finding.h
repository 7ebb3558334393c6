// Findings: the security results of a run, each with its proof.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "grantpath/source.h"

namespace grantpath {

/// Ordered from least to most severe; `--fail-on` compares these.
enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };

/// "info", "low", "medium", "high", "critical".
const char* SeverityName(Severity s);
/// Parses a severity name; returns false for anything else.
bool ParseSeverity(const std::string& text, Severity* out);
/// GitHub's `security-severity` score for a severity ("9.5", "8.0", ...).
const char* SecurityScore(Severity s);

/// A place that contributed to a finding, with what it contributed
/// ("binding", "rule granting get secrets").
struct RelatedLocation {
  SourceRange where;
  std::string role;
};

/// One hop of a multi-step finding (SARIF threadFlowLocation).
struct Step {
  SourceRange where;
  std::string message;
};

/// The concrete evidence for a finding: the request that is allowed, the
/// subject, the connection. `kind` names the shape ("k8s-request",
/// "k8s-path", "iam-request", "connection"); `fields` are ordered
/// name/value pairs documented per kind in docs/json-output.md.
struct Witness {
  std::string kind;
  std::vector<std::pair<std::string, std::string>> fields;
  void Add(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
  }
};

struct RuleInfo;

/// Why a finding is accepted: an annotation on the object (in source) or
/// an `ignore:` entry of the configuration file (external).
struct Suppression {
  bool in_source = false;
  std::string justification;
  SourceRange where;    // the annotation or the ignore entry
  std::string expires;  // YYYY-MM-DD or ""
};

/// Whether a finding was in the baseline given with --baseline.
enum class BaselineState { kNone, kNew, kUnchanged };

struct Finding {
  const RuleInfo* rule = nullptr;  // id/title/help come from the catalog
  Severity severity = Severity::kInfo;
  std::string message;   // one sentence, no final period
  SourceRange primary;   // never unknown (FindingSink enforces it)
  /// Location-independent identity of what the finding is about, e.g.
  /// "ClusterRoleBinding/ops>User/alice". Used for SARIF fingerprints so a
  /// result survives unrelated edits that move it.
  std::string entity;
  std::vector<RelatedLocation> related;
  std::vector<Step> path;  // empty unless multi-step
  Witness witness;
  /// Findings with the same non-empty key are one finding when grouping is
  /// on (rules::GroupFindings): the most severe stays, the others become
  /// its related locations and are named by their `group_label`.
  std::string group_key;
  std::string group_label;
  /// Who the finding is about ("user 'alice'"), when a group may span
  /// several subjects: then the group becomes one finding per set of
  /// labels that its subjects share (see rules/grouping.h).
  std::string group_subject;
  // Set after the rules ran (output::Triage), never by a rule:
  std::string fingerprint;  // unique within a run; see docs/sarif.md
  std::optional<Suppression> suppression;
  BaselineState baseline = BaselineState::kNone;
};

/// Total order used for output: file, line, column, rule id, message.
bool FindingLess(const Finding& a, const Finding& b);

}  // namespace grantpath

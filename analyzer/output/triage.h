// What happens to findings between the rules and the writers: severity
// overrides and fingerprints, suppressions (annotations and the
// configuration's `ignore:`), the baseline, and the severity floor.
#pragma once

#include <string>
#include <vector>

#include "grantpath/config.h"
#include "grantpath/diagnostic.h"
#include "output/report.h"

namespace grantpath::output {

/// Parses a baseline file; false with `error` set when it is not one.
bool ReadBaseline(const std::string& text, std::vector<BaselineEntry>* out, std::string* error);
/// The baseline of a report: every finding that is not suppressed.
std::string RenderBaseline(const Report& report);

/// `rules:` severities of the configuration replace the rules' own.
void ApplySeverityOverrides(Report* report, const Config& config);

/// Gives every finding a fingerprint unique within the report: a hash of
/// the rule, the file (relative to the repository root) and the entity;
/// findings that share those also hash their message and witness, and
/// findings identical in all of them get an ordinal. Returns the number of
/// findings that needed the ordinal (a rule reporting the same thing twice).
std::size_t AssignFingerprints(Report* report);

/// Marks findings suppressed by annotations and by the configuration's
/// `ignore:` entries. Expired entries do not apply and are reported as
/// warnings; annotations naming unknown rules are reported too.
void ApplySuppressions(Report* report, const Config& config, const std::string& today,
                       DiagnosticSink& sink);

/// Sets baselineState and fills report->absent.
void ApplyBaseline(Report* report, const std::vector<BaselineEntry>& baseline);

/// Removes findings below `floor` from the report (after the exit code was
/// decided) and counts them in report->below_floor.
void ApplySeverityFloor(Report* report, Severity floor);

/// True when the finding counts for --fail-on: not suppressed, not in the
/// baseline, at or above `at`.
bool Fails(const Finding& f, Severity at);

}  // namespace grantpath::output

// Reads .grantpath.yaml into a Config. Every problem is a located
// `config` error (unknown keys with "did you mean"); the caller decides
// whether to go on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grantpath/config.h"
#include "grantpath/diagnostic.h"

namespace grantpath::parsers {

inline constexpr const char* kConfigFileName = ".grantpath.yaml";

/// Parses the text of a configuration file registered as `file`. Returns
/// false when it has errors (reported to `sink`).
bool ParseConfig(std::string_view text, FileId file, Config* out, DiagnosticSink& sink);

/// The configuration file that applies to `path`: the first
/// .grantpath.yaml found walking up from it (or from its folder) to the
/// repository root (the first folder holding `.git`) or the file system
/// root. "" when there is none.
std::string FindConfig(const std::string& path);

/// "YYYY-MM-DD" of today in UTC (or of GRANTPATH_TODAY when it is set, for tests).
std::string TodayUtc();

}  // namespace grantpath::parsers

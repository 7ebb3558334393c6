// The project configuration file, .grantpath.yaml: rule settings, excluded
// paths, accepted findings and defaults of the scan options. The parser
// fills it (parsers/config); the CLI applies it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/finding.h"
#include "grantpath/source.h"

namespace grantpath {

/// `rules: {ID: {enabled: B, severity: S}}` (or `ID: off|on|SEVERITY`).
struct RuleSetting {
  std::string id;
  std::optional<bool> enabled;
  std::optional<Severity> severity;
  SourceRange where;  // the rule id key
};

/// One accepted finding (or family of findings): `ignore:` entries.
struct IgnoreEntry {
  std::string rule;       // required
  std::string entity;     // optional: the finding's subject, exactly
  std::string path;       // optional: glob on the finding's file, relative to the config's folder
  std::string reason;     // required
  std::string expires;    // optional: YYYY-MM-DD; the entry applies through that day
  SourceRange where;      // the list item
  SourceRange rule_where;
};

/// A path glob with where it was written.
struct PathGlob {
  std::string glob;
  SourceRange where;
};

/// Defaults for scan options; a command-line option wins over them.
struct ScanDefaults {
  std::optional<std::string> fail_on;
  std::optional<std::string> min_severity;
  std::optional<std::string> default_namespace;
  std::optional<bool> k8s_defaults;
  std::optional<bool> host_network_as_pod;
  std::vector<std::string> escalation_targets;
  std::vector<std::string> sensitive_namespaces;
};

struct Config {
  std::string path;  // the file; "" when there is none
  std::string dir;   // its folder (absolute): globs are relative to it
  std::vector<RuleSetting> rules;
  std::vector<PathGlob> exclude;
  std::vector<IgnoreEntry> ignore;
  ScanDefaults scan;
};

/// The annotation that accepts findings on one Kubernetes object.
inline constexpr const char* kIgnoreAnnotation = "grantpath.io/ignore";

/// `grantpath.io/ignore: "RULE[,RULE]: reason"` on an object: findings of
/// those rules located inside the object's lines are suppressed in source.
struct InlineIgnore {
  std::vector<std::string> rules;
  std::string reason;
  FileId file = 0;
  std::uint32_t first_line = 0;  // the object's lines, inclusive
  std::uint32_t last_line = 0;
  SourceRange where;  // the annotation value
  std::string object;  // "Kind 'ns/name'"
};

/// Glob match on '/'-separated paths: `*` and `?` stay inside one segment,
/// `**` spans segments (`a/**/b` also matches `a/b`), `[...]` classes.
/// A glob without '/' matches the last segment anywhere (like .gitignore).
bool PathGlobMatch(std::string_view glob, std::string_view path);

}  // namespace grantpath

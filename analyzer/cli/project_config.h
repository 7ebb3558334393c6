// The configuration file as the CLI applies it: finding it, reading it,
// checking its rule ids, and its `exclude:` globs as a loader filter.
#pragma once

#include <string>
#include <vector>

#include "cli/session.h"
#include "grantpath/config.h"

namespace grantpath::cli {

struct ConfigChoice {
  std::string path;       // --config FILE; "" = look for .grantpath.yaml
  bool disabled = false;  // --no-config
};

/// Finds the configuration for `paths` (or takes choice.path), registers it
/// in the session's files and parses it. Problems go to the session's
/// diagnostics; returns false when the configuration has errors (unknown
/// keys, unknown rule ids, bad values) or --config names no file.
bool LoadProjectConfig(const ConfigChoice& choice, const std::vector<std::string>& paths,
                       Session& session, Config* out);

/// Sets options.load.exclude from the configuration's `exclude:` globs.
void ApplyExclude(const Config& config, InputOptions* options);

}  // namespace grantpath::cli

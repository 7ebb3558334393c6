// grantpath net intents: connectivity intents checked against the engine.
#pragma once

#include <string>

#include "cli/session.h"
#include "engine/net.h"

namespace grantpath::cli {

/// Reads the intents file, reports every violated intent as a finding
/// (rule net-intent-violation) in `format`, and returns the exit code.
int RunIntentsCheck(Session& session, net::Engine& engine, const std::string& intents_path,
                    const std::string& format, const std::string& out);

}  // namespace grantpath::cli

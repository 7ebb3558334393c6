// Reader of connectivity intents files (`grantpath net intents FILE`).
#pragma once

#include <vector>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/intents.h"

namespace grantpath::parsers {

/// The intents of one document ({intents: [...]}). Shape errors (wrong
/// types, unknown fields, a missing or contradictory expectation) are
/// located errors, and an intent with one is left out.
std::vector<intents::Intent> ParseIntents(const DocNode& root, FileId file, DiagnosticSink& sink);

}  // namespace grantpath::parsers

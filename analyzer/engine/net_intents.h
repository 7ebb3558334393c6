// Connectivity intents checked against the network engine: every intent
// the input's policies break becomes a finding of the net-intent-violation
// rule, with one violating connection as witness.
#pragma once

#include <vector>

#include "engine/net.h"
#include "grantpath/diagnostic.h"
#include "grantpath/finding.h"
#include "grantpath/model/intents.h"
#include "grantpath/rule.h"

namespace grantpath::net {

struct IntentCheck {
  std::size_t checked = 0;          // intents resolved and checked
  std::vector<Finding> violations;  // one finding per violated intent
};
/// Resolves each intent against the engine (workloads, address ranges and
/// ports; what cannot be resolved is a located error in `sink`, and that
/// intent is not checked), then checks it over every endpoint pair.
IntentCheck CheckIntents(Engine& engine, const Model& model, const std::vector<intents::Intent>& intents,
                         const RuleInfo& rule, DiagnosticSink& sink);

}  // namespace grantpath::net

// The Compose / Swarm side of `net reach` and `net matrix`, and
// `net encryption` (engine/compose_net.h and engine/encryption.h have the
// semantics).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/compose_net.h"
#include "grantpath/model/model.h"

namespace grantpath::cli {

/// Whether a reach question is about Compose services: an argument names
/// PROJECT/SERVICE of the input, or the input has services and no
/// Kubernetes workload.
bool IsComposeQuestion(const Model& m, const compose::Engine& e, const std::string& from, const std::string& to);

/// One reach answer between Compose endpoints (PROJECT/SERVICE, internet,
/// an IP or CIDR outside the host, or host), in the JSON shape of `net
/// reach` plus `reasons`. False with `error` set when an argument names
/// nothing.
bool AnswerComposeReach(compose::Engine& e, const std::string& from, const std::string& to, int qproto, int qport,
                        nlohmann::ordered_json* json, std::string* text, bool* allowed, std::string* error);

/// Every allowed connection between Compose endpoints, sorted by source
/// then destination display name.
void ComposeMatrix(const compose::Engine& e,
                   const std::function<void(const std::string&, const std::string&, const std::string&)>& f);

/// `net encryption`: the report in text or JSON.
std::string EncryptionText(const Model& m);
nlohmann::ordered_json EncryptionJson(const Model& m);

}  // namespace grantpath::cli

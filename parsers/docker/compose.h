// Docker Compose files and Swarm stack files, recognised by content (any
// file name): the Compose Specification and the version 2 and 3 formats.
// Reads services (networks, network_mode, ports in short and long syntax,
// expose, deploy) and top-level networks into docker:: records.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

/// True for a map with `services:` whose entries are maps and at least one
/// of them has `image` or `build`, and no Kubernetes `apiVersion`/`kind`.
bool LooksLikeCompose(const DocNode& root);

/// Adds the project, its networks and services. `path` is the file's
/// display path: its folder names the project when `name:` is absent.
/// Returns the number of records added.
std::size_t ParseComposeDocument(const DocNode& root, FileId file, const std::string& path, Model& model,
                                 DiagnosticSink& sink);

/// Compose's project-name normalisation: lower case, only [a-z0-9_-],
/// starting with a letter or digit.
std::string NormalizeProjectName(const std::string& raw);

}  // namespace grantpath::parsers

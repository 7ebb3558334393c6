// Amazon EKS CLI output, recognised by content: `aws eks describe-cluster`,
// `describe-pod-identity-association`, `describe-access-entry` and
// `list-associated-access-policies`.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

/// True when the document is one of the EKS outputs above.
bool LooksLikeEks(const DocNode& root);

/// Adds its records to the model (access policies join the access entry of
/// the same principal, whichever file comes first). Returns the number of
/// records added.
std::size_t ParseEksDocument(const DocNode& root, FileId file, Model& model, DiagnosticSink& sink);

}  // namespace grantpath::parsers

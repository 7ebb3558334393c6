// Cilium's policy kinds (cilium.io/v2): CiliumNetworkPolicy,
// CiliumClusterwideNetworkPolicy (one record per entry of `specs:`) and
// CiliumCIDRGroup. Label sources are removed from selector keys.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "k8s/k8s_objects.h"

namespace grantpath::parsers {

bool IsCiliumPolicyKind(const std::string& kind);
/// A CiliumNetworkPolicy without a namespace gets the options' one.
std::size_t ParseCiliumObject(const DocNode& obj, const std::string& kind, FileId file, Model& model,
                              DiagnosticSink& sink, const K8sOptions& options);

}  // namespace grantpath::parsers

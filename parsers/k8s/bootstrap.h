// The Kubernetes default RBAC objects (bootstrap policy), embedded at
// build time from data/k8s_bootstrap.yaml.
#pragma once

#include <string_view>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

/// The Kubernetes version whose bootstrap policy is embedded.
constexpr std::string_view kBootstrapVersion = "1.28";
/// The name under which built-in objects are located in messages.
constexpr std::string_view kBootstrapFileName = "builtin:k8s-bootstrap-1.28.yaml";

/// The embedded YAML text (a multi-document stream).
std::string_view BootstrapYaml();

/// Adds the default ClusterRoles and ClusterRoleBindings that the model
/// does not already define (by name), marked `builtin`. Returns the number
/// of objects added.
std::size_t AddK8sBootstrap(Model& model, DiagnosticSink& sink);

}  // namespace grantpath::parsers

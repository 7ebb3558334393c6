// Istio's AuthorizationPolicy and PeerAuthentication
// (security.istio.io/v1beta1 and v1) and the mesh settings of the `istio`
// ConfigMap that scope them. Invalid policies
// (what istiod's validation rejects) are located errors and are skipped.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "k8s/k8s_objects.h"

namespace grantpath::parsers {

/// An AuthorizationPolicy without a namespace gets the options' one.
std::size_t ParseIstioAuthorizationPolicy(const DocNode& obj, FileId file, Model& model, DiagnosticSink& sink,
                                          const K8sOptions& options);

/// A PeerAuthentication without a namespace gets the options' one.
std::size_t ParseIstioPeerAuthentication(const DocNode& obj, FileId file, Model& model, DiagnosticSink& sink,
                                         const K8sOptions& options);

/// A ConfigMap named `istio` or `istio-REV`: rootNamespace and trustDomain
/// from its `mesh` key. Others add nothing.
std::size_t ParseIstioMeshConfigMap(const DocNode& obj, FileId file, Model& model);

}  // namespace grantpath::parsers

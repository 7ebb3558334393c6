// Calico's policy kinds (projectcalico.org/v3, and the
// crd.projectcalico.org/v1 copies a cluster stores): NetworkPolicy,
// GlobalNetworkPolicy, their Staged* variants, Tier, NetworkSet,
// GlobalNetworkSet, HostEndpoint and Profile. Fills cni::* records;
// what Calico's validator rejects is a located error.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "k8s/k8s_objects.h"

namespace grantpath::parsers {

/// Whether `kind` of a Calico group is read here.
bool IsCalicoPolicyKind(const std::string& kind);
/// Reads one object; returns the number of records added.
/// Namespaced kinds without a namespace get the options' one; with
/// `verbose`, staged policies are said never to enforce.
std::size_t ParseCalicoObject(const DocNode& obj, const std::string& kind, FileId file, Model& model,
                              DiagnosticSink& sink, const K8sOptions& options);

}  // namespace grantpath::parsers

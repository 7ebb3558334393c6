// Kubernetes object parsers: DocNode -> k8s records in the Model.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

struct K8sOptions {
  /// Namespace given to namespaced objects whose metadata has none (what
  /// `kubectl apply` without -n does with a default context).
  std::string default_namespace = "default";
  bool verbose = false;  // report skipped objects as notes
  /// A kustomization's `namespace:` for the resources it lists: set on
  /// every namespaced object (replacing the one written) and on binding
  /// subjects named "default", as kustomize's namespace transformer does.
  std::string force_namespace;
};

/// True when `root` looks like a Kubernetes object or list: a map with
/// string `apiVersion` and `kind`.
bool LooksLikeK8s(const DocNode& root);

/// Adds the object (or every item of a List) to the model. Objects with
/// wrong-typed fields are reported and skipped; kinds grantpath does not
/// analyze are skipped (reported as notes when verbose). Returns the
/// number of objects added to the model.
std::size_t ParseK8sDocument(const DocNode& root, FileId file, const K8sOptions& options,
                             Model& model, DiagnosticSink& sink);

/// Parses a metav1.LabelSelector map.
k8s::LabelSelector ParseLabelSelector(const DocNode& node, class Fields& fields);

/// An object's metadata (name, namespace, labels, annotations and their
/// locations). A namespaced object gets the options' forced namespace, or
/// the default one when it names none; a cluster-scoped one has none.
k8s::ObjectMeta ParseObjectMeta(const DocNode& obj, FileId file, class Fields& fields, const K8sOptions& options,
                                bool namespaced);

}  // namespace grantpath::parsers

#include "k8s/bootstrap.h"

#include <set>

#include "common/doc.h"
#include "k8s/k8s_objects.h"

namespace grantpath::parsers {

std::size_t AddK8sBootstrap(Model& model, DiagnosticSink& sink) {
  std::set<std::string> roles, bindings;
  for (const auto& r : model.k8s_roles)
    if (r.cluster) roles.insert(r.meta.name);
  for (const auto& b : model.k8s_bindings)
    if (b.cluster) bindings.insert(b.meta.name);
  FileId file = model.files.AddBuiltin(std::string(kBootstrapFileName));
  Model builtin;
  K8sOptions options;
  ParseYaml(BootstrapYaml(), file, ParseLimits{}, sink, [&](DocNode& root) {
    ParseK8sDocument(root, file, options, builtin, sink);
  });
  std::size_t added = 0;
  for (auto& r : builtin.k8s_roles) {
    if (roles.count(r.meta.name)) continue;
    r.builtin = true;
    model.AddRole(std::move(r));
    ++added;
  }
  for (auto& b : builtin.k8s_bindings) {
    if (bindings.count(b.meta.name)) continue;
    b.builtin = true;
    model.AddBinding(std::move(b));
    ++added;
  }
  return added;
}

}  // namespace grantpath::parsers

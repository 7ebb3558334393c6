// Loading the inputs of a command into a Model, shared by every subcommand.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "loader.h"

namespace grantpath::cli {

struct InputOptions {
  std::vector<std::string> paths;
  parsers::LoadOptions load;
  bool k8s_defaults = true;  // add the Kubernetes bootstrap RBAC objects
};

struct Session {
  std::unique_ptr<Model> model = std::make_unique<Model>();
  CollectingSink diagnostics;
  parsers::LoadStats stats;
  std::size_t user_objects = 0;  // objects from the input (not built-in)
};

/// Loads every path, then the built-in objects, into `into` when given
/// (a session that already holds, say, the configuration file).
std::unique_ptr<Session> LoadSession(const InputOptions& options,
                                     std::unique_ptr<Session> into = nullptr);

}  // namespace grantpath::cli

// grantpath k8s can-i | who-can | permissions: RBAC queries.
#include "cli/commands.h"

namespace grantpath::cli {

Command K8sCommand() {
  return Command{"k8s",
                 [](CLI::App& app) {
                   CLI::App* cmd = app.add_subcommand("k8s", "Kubernetes RBAC queries");
                   cmd->require_subcommand(1);
                 },
                 [] { return kExitUsage; }};
}

}  // namespace grantpath::cli

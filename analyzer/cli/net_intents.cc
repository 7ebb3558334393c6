#include "cli/net_intents.h"

#include "cli/commands.h"

namespace grantpath::cli {

int RunIntentsCheck(Session&, net::Engine&, const std::string&, const std::string&, const std::string&) {
  return kExitUsage;
}

}  // namespace grantpath::cli

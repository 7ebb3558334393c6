// grantpath rules [--format json]: the rule catalog.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "rules/grouping.h"
#include "rules/registry.h"

namespace grantpath::cli {
namespace {

std::string& Format() {
  static std::string f = "text";
  return f;
}

int Run() {
  if (Format() == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : rules::AllRules()) {
      const RuleInfo& i = r->info();
      out.push_back({{"id", std::string(i.id)},
                     {"title", std::string(i.title)},
                     {"severity", SeverityName(i.severity)},
                     {"description", std::string(i.summary)},
                     {"remediation", std::string(i.remediation)},
                     {"grouping", std::string(rules::GroupingNote(i.id))},
                     {"doc", "docs/rules/" + std::string(i.id) + ".md"}});
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& r : rules::AllRules()) {
    const RuleInfo& i = r->info();
    std::string sev = SeverityName(i.severity);
    std::cout << std::string(i.id) << std::string(32 > i.id.size() ? 32 - i.id.size() : 1, ' ')
              << sev << std::string(10 - sev.size(), ' ') << std::string(i.title) << "\n";
  }
  return kExitOk;
}

}  // namespace

Command RulesCommand() {
  return Command{"rules",
                 [](CLI::App& app) {
                   CLI::App* cmd = app.add_subcommand("rules", "List the rules");
                   cmd->add_option("--format", Format(), "Output format")
                       ->check(CLI::IsMember({"text", "json"}))
                       ->capture_default_str();
                 },
                 Run};
}

}  // namespace grantpath::cli

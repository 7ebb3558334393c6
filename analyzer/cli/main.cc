// grantpath: the command-line entry point. Subcommands are registered in
// one table (kCommands) and each lives in its own file.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "grantpath/process.h"
#include "grantpath/spell.h"
#include "grantpath/terminal.h"
#include "output/report.h"

namespace {

void OneValuePerFlag(CLI::App* app) {
  for (CLI::Option* opt : app->get_options()) {
    if (opt->get_positional() || opt->get_items_expected_max() <= 1) continue;
    opt->allow_extra_args(false);
  }
  for (CLI::App* sub : app->get_subcommands({})) OneValuePerFlag(sub);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace grantpath::cli;
  grantpath::TuneMemoryAllocator();
  // Nothing a command prints can act on the terminal: names from the input
  // are escaped on the way out (never freed: streams flush at exit).
  std::cout.rdbuf(new grantpath::TerminalSafeBuffer(std::cout.rdbuf()));
  std::cerr.rdbuf(new grantpath::TerminalSafeBuffer(std::cerr.rdbuf()));
  CLI::App app{"grantpath: who can do too much, and what can reach what it should not"};
  app.set_version_flag("--version", std::string("grantpath ") + grantpath::output::kToolVersion);
  app.require_subcommand(1);
  app.fallthrough(false);
  std::vector<std::string> names;
  for (const Command& c : Commands()) {
    c.setup(app);
    names.emplace_back(c.name);
  }
  // A repeatable option takes one value per flag, so a positional path may
  // follow it: `--context K=V PATH`, `--rule X PATH`.
  OneValuePerFlag(&app);
  SetRootApp(&app);
  // "did you mean" for a mistyped subcommand, before CLI11 sees it.
  if (argc > 1 && argv[1][0] != '-') {
    std::string first = argv[1];
    bool known = false;
    for (const auto& n : names) known |= (n == first);
    if (!known) {
      std::cerr << "error: unknown command '" << grantpath::TerminalSafe(first) << "'"
                << grantpath::DidYouMean(first, names) << "\nRun 'grantpath --help' for the commands.\n";
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;  // CLI11's own codes are mapped to 2
  }
  for (const Command& c : Commands()) {
    if (app.got_subcommand(std::string(c.name))) return c.run();
  }
  return kExitUsage;
}

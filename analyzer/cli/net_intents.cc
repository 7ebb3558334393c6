// grantpath net intents: reads the intents file (parsers/net/intents.h),
// has the network engine check it (engine/net_intents.h), and prints the
// violations. Format: docs/network.md, "Intents".
#include "cli/net_intents.h"

#include <iostream>
#include <unistd.h>

#include "cli/commands.h"
#include "common/doc.h"
#include "engine/net_intents.h"
#include "grantpath/file_reader.h"
#include "net/intents.h"
#include "output/report.h"
#include "rules/registry.h"

namespace grantpath::cli {

int RunIntentsCheck(Session& session, net::Engine& e, const std::string& intents_path, const std::string& format,
                    const std::string& out_path) {
  Model& m = *session.model;
  DiskReader reader;
  FileContent content;
  std::string error;
  if (reader.Type(intents_path) != EntryType::kFile || !reader.Read(intents_path, &content, &error)) {
    std::cerr << "error: cannot read intents file '" << intents_path << "'" << (error.empty() ? "" : ": " + error)
              << "\n";
    return kExitUsage;
  }
  FileId file = m.files.Add(intents_path, intents_path);
  CollectingSink diags;
  std::vector<intents::Intent> list;
  std::size_t docs = parsers::ParseYaml(content.view(), file, parsers::ParseLimits{}, diags, [&](parsers::DocNode& root) {
    auto more = parsers::ParseIntents(root, file, diags);
    list.insert(list.end(), more.begin(), more.end());
  });
  net::IntentCheck check = net::CheckIntents(e, m, list, rules::IntentViolationInfo(), diags);
  bool invalid = false;
  for (const auto& d : diags.diagnostics()) {
    std::cerr << output::FormatDiagnostic(m, d) << "\n";
    invalid = invalid || d.level == DiagLevel::kError;
  }
  if (docs == 0 || invalid) {
    std::cerr << "error: the intents file is invalid; nothing was checked\n";
    return kExitUsage;
  }

  std::vector<const RuleInfo*> catalog;
  for (const auto& r : rules::AllRules()) catalog.push_back(&r->info());
  output::Report report;
  report.model = &m;
  report.rules = &catalog;
  report.findings = std::move(check.violations);
  if (format != "text") report.diagnostics = session.diagnostics.diagnostics();  // text: already on stderr
  report.files = session.stats.files_with_objects;
  report.objects = session.user_objects;
  output::Normalize(&report);
  std::string rendered;
  if (format == "json") rendered = output::RenderJson(report);
  else if (format == "sarif") rendered = output::RenderSarif(report, output::SarifOptions{});
  else {
    output::TextOptions topts;
    topts.color = out_path.empty() && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    rendered = output::RenderText(report, topts);
    rendered += std::to_string(list.size() - report.findings.size()) + " of " + std::to_string(list.size()) +
                " intent(s) hold\n";
  }
  if (!WriteOutput(out_path, rendered)) return kExitUsage;
  return report.findings.empty() ? kExitOk : kExitFindings;
}

}  // namespace grantpath::cli

#include "cli/analysis.h"

#include <filesystem>

#include "config/config_file.h"
#include "output/triage.h"
#include "rules/grouping.h"
#include "rules/registry.h"

namespace grantpath::cli {

std::string AbsoluteDir(const std::string& path) {
  if (path.empty()) return "";
  std::error_code ec;
  std::string out = std::filesystem::absolute(path, ec).lexically_normal().generic_string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::unique_ptr<Analysis> Analyze(const AnalysisRequest& request, std::unique_ptr<Session> pre) {
  auto lap = [&](const std::string& what) {
    if (request.lap) request.lap(what);
  };
  auto a = std::make_unique<Analysis>();
  a->session = LoadSession(request.in, std::move(pre));
  lap("load");
  Model& model = *a->session->model;
  a->rbac = std::make_unique<rbac::Engine>(model);
  for (const auto& d : a->rbac->diagnostics()) a->session->diagnostics.Report(d);
  a->context = std::make_unique<AnalysisContext>(model, *a->rbac, request.options);
  a->context->SetDiagnostics(&a->session->diagnostics);
  lap("rbac engine");

  FindingSink sink;
  for (const auto& rule : rules::AllRules()) {
    std::string id(rule->info().id);
    a->catalog.push_back(&rule->info());
    if ((!request.only_rules.empty() && !request.only_rules.count(id)) || request.disabled_rules.count(id))
      continue;
    rule->Check(*a->context, sink);
    lap("rule " + id);
  }
  output::Report& report = a->report;
  report.model = &model;
  report.rules = &a->catalog;
  report.findings = sink.Take();
  report.files = a->session->stats.files_with_objects;
  report.objects = a->session->user_objects;
  report.rules_run.insert(request.only_rules.begin(), request.only_rules.end());
  report.repo_root = request.repo_root;
  output::Normalize(&report);
  Config none;
  const Config& config = request.config ? *request.config : none;
  output::ApplySeverityOverrides(&report, config);
  // Suppressions first (by rule and location), then grouping of what is
  // left, then fingerprints of the findings as reported.
  output::ApplySuppressions(&report, config, parsers::TodayUtc(), a->session->diagnostics);
  if (request.group) {
    rules::GroupFindings(&report.findings);
    output::Normalize(&report);
  }
  output::AssignFingerprints(&report);
  report.diagnostics = a->session->diagnostics.diagnostics();
  output::Normalize(&report);
  lap("triage");
  return a;
}

}  // namespace grantpath::cli

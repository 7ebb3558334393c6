// grantpath scan PATH...: load, analyze with every rule, report.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <algorithm>
#include <map>
#include <set>

#include "cli/commands.h"
#include "engine/context.h"
#include "engine/rbac.h"
#include "engine/rbac_probes.h"
#include "grantpath/spell.h"
#include "output/report.h"
#include "rules/registry.h"

namespace grantpath::cli {
namespace {

struct ScanFlags {
  InputOptions in;
  bool verbose = false;
  std::string format = "text";
  std::string out;
  std::string fail_on = "high";
  std::string color = "auto";
  std::vector<std::string> only_rules;
  std::vector<std::string> disabled_rules;
  std::vector<std::string> sensitive_namespaces;
  std::vector<std::string> escalation_targets;
  output::SarifOptions sarif;
  bool timings = false;
  bool host_network_as_pod = false;
  iam::SolverLimits solver;
};

// Phase timings for --timings (stderr).
class Timer {
 public:
  explicit Timer(bool on) : on_(on), start_(std::chrono::steady_clock::now()) {}
  void Lap(const std::string& what) {
    auto now = std::chrono::steady_clock::now();
    if (on_)
      std::fprintf(stderr, "timing: %-40s %8.3f s\n", what.c_str(),
                   std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point start_;
};

ScanFlags& Flags() {
  static ScanFlags f;
  return f;
}

bool CheckRuleIds(const std::vector<std::string>& ids) {
  std::vector<std::string> known;
  for (const auto& r : rules::AllRules()) known.emplace_back(r->info().id);
  bool ok = true;
  for (const auto& id : ids) {
    if (rules::FindRule(id)) continue;
    std::cerr << "error: unknown rule id '" << id << "'" << DidYouMean(id, known)
              << "\nRun 'grantpath rules' for the list.\n";
    ok = false;
  }
  return ok;
}

int Run() {
  ScanFlags& f = Flags();
  f.in.load.verbose = f.verbose;
  f.in.load.k8s.verbose = f.verbose;
  Severity fail_at = Severity::kHigh;
  bool fail_never = f.fail_on == "none";
  if (!fail_never && !ParseSeverity(f.fail_on, &fail_at)) {
    std::cerr << "error: --fail-on must be critical, high, medium, low, info or none\n";
    return kExitUsage;
  }
  if (!CheckRuleIds(f.only_rules) || !CheckRuleIds(f.disabled_rules)) return kExitUsage;
  for (const auto& t : f.escalation_targets) {
    if (rbac::probes::ByName(t)) continue;
    std::cerr << "error: unknown escalation target '" << t << "'"
              << DidYouMean(t, rbac::probes::Names()) << "\n";
    return kExitUsage;
  }

  Timer timer(f.timings);
  auto session = LoadSession(f.in);
  timer.Lap("load");
  Model& model = *session->model;
  if (session->user_objects == 0) {
    PrintDiagnostics(*session);
    std::cerr << "error: nothing to analyze: no Kubernetes object or AWS IAM document found in ";
    for (std::size_t i = 0; i < f.in.paths.size(); ++i)
      std::cerr << (i ? ", '" : "'") << f.in.paths[i] << "'";
    std::cerr << "\n";
    return kExitUsage;
  }
  rbac::Engine rbac_engine(model);
  for (const auto& d : rbac_engine.diagnostics()) session->diagnostics.Report(d);
  AnalysisOptions aopts;
  if (!f.sensitive_namespaces.empty()) aopts.sensitive_namespaces = f.sensitive_namespaces;
  aopts.escalation_targets = f.escalation_targets;
  aopts.net.host_network_as_pod = f.host_network_as_pod;
  aopts.solver = f.solver;
  AnalysisContext ctx(model, rbac_engine, aopts);
  ctx.SetDiagnostics(&session->diagnostics);
  timer.Lap("rbac engine");

  std::set<std::string> only(f.only_rules.begin(), f.only_rules.end());
  std::set<std::string> off(f.disabled_rules.begin(), f.disabled_rules.end());
  FindingSink sink;
  std::vector<const RuleInfo*> catalog;
  for (const auto& rule : rules::AllRules()) {
    std::string id(rule->info().id);
    catalog.push_back(&rule->info());
    if ((!only.empty() && !only.count(id)) || off.count(id)) continue;
    rule->Check(ctx, sink);
    timer.Lap("rule " + id);
  }

  output::Report report;
  report.model = &model;
  report.rules = &catalog;
  report.findings = sink.Take();
  report.diagnostics = session->diagnostics.diagnostics();
  report.files = session->stats.files_with_objects;
  report.objects = session->user_objects;
  output::Normalize(&report);
  timer.Lap("sort");

  std::string text;
  if (f.format == "json") {
    text = output::RenderJson(report);
  } else if (f.format == "sarif") {
    text = output::RenderSarif(report, f.sarif);
  } else {
    bool tty = f.out.empty() && ::isatty(STDOUT_FILENO);
    output::TextOptions topts;
    topts.color = f.color == "always" || (f.color == "auto" && tty && !std::getenv("NO_COLOR"));
    text = output::RenderText(report, topts);
  }
  timer.Lap("render " + f.format);
  if (f.format != "text") PrintDiagnostics(*session);
  if (!WriteOutput(f.out, text, f.format == "text")) return kExitUsage;
  timer.Lap("write");
  if (fail_never) return kExitOk;
  for (const auto& finding : report.findings)
    if (finding.severity >= fail_at) return kExitFindings;
  return kExitOk;
}

}  // namespace

Command ScanCommand() {
  return Command{"scan",
                 [](CLI::App& app) {
                   ScanFlags& f = Flags();
                   CLI::App* cmd = app.add_subcommand(
                       "scan", "Analyze configuration files and report findings");
                   AddInputOptions(cmd, &f.in, &f.verbose);
                   cmd->add_option("--format", f.format, "Output format")
                       ->check(CLI::IsMember({"text", "json", "sarif"}))
                       ->capture_default_str();
                   cmd->add_option("-o,--output", f.out, "Write the report to FILE");
                   cmd->add_option("--fail-on", f.fail_on,
                                   "Exit 1 when a finding is at or above this severity "
                                   "(critical, high, medium, low, info, none)")
                       ->capture_default_str();
                   cmd->add_option("--color", f.color, "Colour in text output")
                       ->check(CLI::IsMember({"auto", "always", "never"}))
                       ->capture_default_str();
                   cmd->add_option("--rule", f.only_rules, "Run only this rule (repeatable)")->allow_extra_args(false);
                   cmd->add_option("--disable", f.disabled_rules, "Do not run this rule (repeatable)")->allow_extra_args(false);
                   cmd->add_flag("--host-network-as-pod", f.host_network_as_pod,
                                 "Let NetworkPolicies select hostNetwork pods and selectors match them "
                                 "(by default they are outside NetworkPolicy)");
                   cmd->add_option("--sensitive-namespace", f.sensitive_namespaces,
                                   "Namespace to protect (repeatable; default kube-system)")
                       ->allow_extra_args(false);
                   cmd->add_option("--sarif-automation-id", f.sarif.automation_id,
                                   "SARIF run.automationDetails.id (e.g. 'grantpath/prod/')");
                   cmd->add_option("--sarif-help-base", f.sarif.help_base,
                                   "Base URL of the rule pages used as SARIF helpUri")
                       ->capture_default_str();
                   cmd->add_option("--escalation-target", f.escalation_targets,
                                   "Also report paths to this capability held cluster-wide "
                                   "(secrets-read, pod-exec, ...; repeatable)")
                       ->allow_extra_args(false);
                   cmd->add_flag("--timings", f.timings, "Print the time of each phase to stderr");
                   cmd->add_option("--solver-timeout-ms", f.solver.query_ms,
                                   "Time limit of each IAM solver question, 1 to 3600000 ms")
                       ->check(CLI::Range(1u, 3600000u))
                       ->capture_default_str();
                   cmd->add_option("--solver-budget-ms", f.solver.budget_ms,
                                   "Time all IAM solver questions of the scan may take together; past it "
                                   "they are reported undecided")
                       ->check(CLI::Range(1u, 86400000u))
                       ->capture_default_str();
                   cmd->add_option("--sarif-srcroot", f.sarif.srcroot,
                                   "URI of %SRCROOT% written to SARIF originalUriBaseIds");
                 },
                 Run};
}

}  // namespace grantpath::cli

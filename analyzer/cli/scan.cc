// grantpath scan PATH...: load, analyze with every rule, report.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <algorithm>
#include <map>
#include <set>

#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/project_config.h"
#include "config/config_file.h"
#include "output/triage.h"
#include "engine/context.h"
#include "engine/rbac.h"
#include "engine/rbac_probes.h"
#include "grantpath/spell.h"
#include "output/report.h"
#include "engine/iam_smt.h"
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
  ConfigChoice config;
  std::string min_severity;
  bool show_suppressed = false;
  bool no_group = false;
  std::string baseline;
  std::string write_baseline;
  std::string repo_root;
  // Options a configuration file may give defaults for: set on the command
  // line, they win.
  CLI::Option* fail_on_opt = nullptr;
  CLI::Option* min_severity_opt = nullptr;
  CLI::Option* namespace_opt = nullptr;
  CLI::Option* k8s_defaults_opt = nullptr;
  CLI::Option* host_network_opt = nullptr;
  CLI::Option* escalation_opt = nullptr;
  CLI::Option* sensitive_opt = nullptr;
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

// Defaults from the configuration for options not given on the command line.
void ApplyScanDefaults(const ScanDefaults& d, ScanFlags& f) {
  if (d.fail_on && !f.fail_on_opt->count()) f.fail_on = *d.fail_on;
  if (d.min_severity && !f.min_severity_opt->count()) f.min_severity = *d.min_severity;
  if (d.default_namespace && !f.namespace_opt->count()) f.in.load.k8s.default_namespace = *d.default_namespace;
  if (d.k8s_defaults && !f.k8s_defaults_opt->count()) f.in.k8s_defaults = *d.k8s_defaults;
  if (d.host_network_as_pod && !f.host_network_opt->count()) f.host_network_as_pod = *d.host_network_as_pod;
  if (!d.escalation_targets.empty() && !f.escalation_opt->count()) f.escalation_targets = d.escalation_targets;
  if (!d.sensitive_namespaces.empty() && !f.sensitive_opt->count())
    f.sensitive_namespaces = d.sensitive_namespaces;
}

int Run() {
  ScanFlags& f = Flags();
  f.in.load.verbose = f.verbose;
  f.in.load.k8s.verbose = f.verbose;

  // The configuration first: it gives defaults, excluded paths and rules.
  auto pre = std::make_unique<Session>();
  Config config;
  if (!LoadProjectConfig(f.config, f.in.paths, *pre, &config)) {
    PrintDiagnostics(*pre);
    std::cerr << "error: the configuration file has errors; nothing was analyzed\n";
    return kExitUsage;
  }
  ApplyScanDefaults(config.scan, f);
  ApplyExclude(config, &f.in);
  for (const auto& r : config.rules)
    if (r.enabled && !*r.enabled) f.disabled_rules.push_back(r.id);

  Severity fail_at = Severity::kHigh;
  bool fail_never = f.fail_on == "none";
  if (!fail_never && !ParseSeverity(f.fail_on, &fail_at)) {
    std::cerr << "error: --fail-on must be critical, high, medium, low, info or none\n";
    return kExitUsage;
  }
  Severity floor = Severity::kInfo;
  if (!f.min_severity.empty() && !ParseSeverity(f.min_severity, &floor)) {
    std::cerr << "error: --min-severity must be critical, high, medium, low or info\n";
    return kExitUsage;
  }
  if (!CheckRuleIds(f.only_rules) || !CheckRuleIds(f.disabled_rules)) return kExitUsage;
  for (const auto& t : f.escalation_targets) {
    if (rbac::probes::ByName(t)) continue;
    std::cerr << "error: unknown escalation target '" << t << "'"
              << DidYouMean(t, rbac::probes::Names()) << "\n";
    return kExitUsage;
  }
  std::vector<output::BaselineEntry> baseline;
  if (!f.baseline.empty()) {
    std::string text, err;
    if (!ReadWholeFile(f.baseline, &text)) {
      std::cerr << "error: cannot read the baseline '" << f.baseline << "'\n";
      return kExitUsage;
    }
    if (!output::ReadBaseline(text, &baseline, &err)) {
      std::cerr << "error: '" << f.baseline << "': " << err << "\n";
      return kExitUsage;
    }
  }

  Timer timer(f.timings);
  AnalysisRequest req;
  req.in = f.in;
  if (!f.sensitive_namespaces.empty()) req.options.sensitive_namespaces = f.sensitive_namespaces;
  req.options.escalation_targets = f.escalation_targets;
  req.options.net.host_network_as_pod = f.host_network_as_pod;
  req.options.solver = f.solver;
  req.only_rules.insert(f.only_rules.begin(), f.only_rules.end());
  req.disabled_rules.insert(f.disabled_rules.begin(), f.disabled_rules.end());
  req.config = &config;
  req.repo_root = f.repo_root.empty() ? output::GitRootOfCwd() : AbsoluteDir(f.repo_root);
  req.lap = [&](const std::string& what) { timer.Lap(what); };
  req.group = !f.no_group;
  // Nothing to analyze is a usage error, found once the inputs are loaded.
  auto analysis = Analyze(req, std::move(pre));
  Session& session = *analysis->session;
  if (session.user_objects == 0) {
    PrintDiagnostics(session);
    std::cerr << "error: nothing to analyze: no Kubernetes object or AWS IAM document found in ";
    for (std::size_t i = 0; i < f.in.paths.size(); ++i)
      std::cerr << (i ? ", '" : "'") << f.in.paths[i] << "'";
    std::cerr << "\n";
    return kExitUsage;
  }
  output::Report& report = analysis->report;
  report.show_suppressed = f.show_suppressed;
  report.repo_root_given = !f.repo_root.empty();
  if (!f.baseline.empty()) output::ApplyBaseline(&report, baseline);
  bool failed = false;
  if (!fail_never)
    for (const auto& finding : report.findings)
      if (output::Fails(finding, fail_at)) failed = true;
  if (!f.write_baseline.empty() && !WriteOutput(f.write_baseline, output::RenderBaseline(report)))
    return kExitUsage;
  output::ApplySeverityFloor(&report, floor);

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
  if (f.format != "text") PrintDiagnostics(session);
  if (!WriteOutput(f.out, text, f.format == "text")) return kExitUsage;
  timer.Lap("write");
  if (f.timings) {
    const auto& st = iam::smt::SolverStats();
    std::fprintf(stderr, "timing: %-40s %8.3f s\n",
                 ("solver: " + std::to_string(st.questions) + " questions").c_str(), st.total_ms / 1000);
    if (st.questions)
      std::fprintf(stderr, "timing: solver: slowest question %.1f ms: %s%s\n", st.max_ms, st.slowest.c_str(),
                   st.slowest_where.known() ? (" (" + analysis->session->model->files.display_path(st.slowest_where.file) +
                                               ":" + std::to_string(st.slowest_where.begin.line) + ")")
                                                  .c_str()
                                            : "");
  }
  // The process ends here: freeing the model, the engines and the graph
  // one allocation at a time took a tenth of a large scan. The analysis
  // stays reachable until exit.
  static Analysis* kept = nullptr;
  kept = analysis.release();
  (void)kept;
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

Command ScanCommand() {
  return Command{"scan",
                 [](CLI::App& app) {
                   ScanFlags& f = Flags();
                   CLI::App* cmd = app.add_subcommand(
                       "scan", "Analyze configuration files and report findings");
                   AddInputOptions(cmd, &f.in, &f.verbose);
                   f.namespace_opt = cmd->get_option("--default-namespace");
                   f.k8s_defaults_opt = cmd->get_option("--no-k8s-defaults");
                   cmd->add_option("--format", f.format, "Output format")
                       ->check(CLI::IsMember({"text", "json", "sarif"}))
                       ->capture_default_str();
                   cmd->add_option("-o,--output", f.out, "Write the report to FILE");
                   f.fail_on_opt = cmd->add_option("--fail-on", f.fail_on,
                                   "Exit 1 when a finding is at or above this severity "
                                   "(critical, high, medium, low, info, none); suppressed findings "
                                   "and those in the baseline do not count")
                       ->capture_default_str();
                   f.min_severity_opt = cmd->add_option("--min-severity", f.min_severity,
                                   "Show only findings at or above this severity (the exit code still "
                                   "follows --fail-on)")
                       ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}));
                   cmd->add_option("--config", f.config.path,
                                   "Configuration file (default: the first .grantpath.yaml found walking "
                                   "up from the scanned path to the repository root)");
                   cmd->add_flag("--no-config", f.config.disabled, "Do not read any configuration file");
                   cmd->add_flag("--no-group", f.no_group,
                                 "One finding per workload and per rule: do not merge a namespace's workloads "
                                 "or one binding's capabilities (docs/rules, 'Grouping')");
                   cmd->add_flag("--show-suppressed", f.show_suppressed,
                                 "List suppressed findings too (SARIF always carries them, marked)");
                   cmd->add_option("--baseline", f.baseline,
                                   "Report and fail only on findings not in this baseline file");
                   cmd->add_option("--write-baseline", f.write_baseline,
                                   "Record the current findings (not suppressed) as a baseline file");
                   cmd->add_option("--repo-root", f.repo_root,
                                   "Folder that SARIF uris, baselines and fingerprints are relative to "
                                   "(default: the git work tree around the current folder)");
                   cmd->add_option("--sarif-max-results", f.sarif.max_results,
                                   "Most results in the SARIF run; the least severe are left out past it "
                                   "(GitHub accepts 25,000)")
                       ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
                       ->capture_default_str();
                   cmd->add_option("--color", f.color, "Colour in text output")
                       ->check(CLI::IsMember({"auto", "always", "never"}))
                       ->capture_default_str();
                   cmd->add_option("--rule", f.only_rules, "Run only this rule (repeatable)")->allow_extra_args(false);
                   cmd->add_option("--disable", f.disabled_rules, "Do not run this rule (repeatable)")->allow_extra_args(false);
                   f.host_network_opt = cmd->add_flag("--host-network-as-pod", f.host_network_as_pod,
                                 "Let NetworkPolicies select hostNetwork pods and selectors match them "
                                 "(by default they are outside NetworkPolicy)");
                   f.sensitive_opt = cmd->add_option("--sensitive-namespace", f.sensitive_namespaces,
                                   "Namespace to protect (repeatable; default kube-system)")
                       ->allow_extra_args(false);
                   cmd->add_option("--sarif-automation-id", f.sarif.automation_id,
                                   "SARIF run.automationDetails.id (e.g. 'grantpath/prod/')");
                   cmd->add_option("--sarif-help-base", f.sarif.help_base,
                                   "Base URL of the rule pages used as SARIF helpUri")
                       ->capture_default_str();
                   f.escalation_opt = cmd->add_option("--escalation-target", f.escalation_targets,
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

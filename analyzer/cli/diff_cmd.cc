// grantpath diff BASE HEAD | diff --git-base REF PATH: what a change newly
// allows, per domain, and which findings it adds or resolves.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/project_config.h"
#include "engine/change.h"
#include "grantpath/terminal.h"
#include "output/triage.h"

namespace grantpath::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct DiffFlags {
  std::vector<std::string> paths;  // BASE HEAD, or PATH with --git-base
  std::string git_base;
  std::string format = "text";
  std::string out;
  std::string fail_on = "high";
  bool fail_on_new_access = false;
  bool verbose = false;
  ConfigChoice config;
  InputOptions in;  // options shared by both sides (paths unused)
  std::size_t max_markdown = 60000;
  unsigned solver_ms = 2000;
  std::size_t net_pod_limit = 2000;
};

DiffFlags& Flags() {
  static DiffFlags f;
  return f;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit status and standard output.
int Run(const std::string& cmd, std::string* out) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    if (out) out->append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The base side of --git-base: PATH as it was at REF, extracted from the
// git object store into a fresh temporary folder (never the work tree or
// the index). Returns the folder that stands for the repository root.
struct GitBase {
  std::string tmp;          // removed at the end
  std::string root;         // the repository's top level (head side)
  std::string rel;          // PATH relative to it
  std::string head;         // PATH, absolute, links resolved
  bool present = true;      // PATH existed at REF
  ~GitBase() {
    if (tmp.empty()) return;
    std::error_code ec;
    fs::remove_all(tmp, ec);
  }
};

bool ExtractGitBase(const std::string& ref, const std::string& path, GitBase* g) {
  // Symbolic links resolved: git names paths inside the real work tree.
  std::error_code ec;
  std::string abs = fs::weakly_canonical(fs::absolute(path), ec).generic_string();
  if (ec) abs = AbsoluteDir(path);
  g->head = abs;
  std::string dir = fs::is_directory(abs) ? abs : fs::path(abs).parent_path().string();
  std::string top;
  if (Run("git -C " + Quote(dir) + " rev-parse --show-toplevel 2>/dev/null", &top) != 0) {
    std::cerr << "error: '" << path << "' is not inside a git work tree\n";
    return false;
  }
  g->root = AbsoluteDir(Trim(top));
  g->rel = fs::path(abs).lexically_relative(g->root).generic_string();
  if (g->rel == ".") g->rel.clear();
  std::string commit;
  if (Run("git -C " + Quote(g->root) + " rev-parse --verify --quiet " + Quote(ref + "^{commit}") + " 2>/dev/null",
          &commit) != 0) {
    std::cerr << "error: '" << ref << "' names no commit of the repository at '" << g->root << "'\n";
    return false;
  }
  char tmpl[] = "/tmp/grantpath-base-XXXXXX";
  const char* t = ::mkdtemp(tmpl);
  if (t == nullptr) {
    std::cerr << "error: cannot create a temporary folder\n";
    return false;
  }
  g->tmp = t;
  std::string listed;
  Run("git -C " + Quote(g->root) + " ls-tree -r --name-only " + Quote(Trim(commit)) + " -- " +
          Quote(g->rel.empty() ? "." : g->rel) + " 2>/dev/null | head -1",
      &listed);
  if (Trim(listed).empty()) {
    g->present = false;  // PATH did not exist at REF: everything is new
    return true;
  }
  std::string cmd = "git -C " + Quote(g->root) + " archive --format=tar " + Quote(Trim(commit)) +
                    (g->rel.empty() ? "" : " -- " + Quote(g->rel)) + " | tar -x -C " + Quote(g->tmp);
  if (Run(cmd + " 2>&1", nullptr) != 0) {
    std::cerr << "error: cannot read '" << path << "' at " << ref << " from git\n";
    return false;
  }
  return true;
}

struct Side {
  std::unique_ptr<Analysis> analysis;
  std::string label;
};

std::unique_ptr<Analysis> AnalyzeSide(const std::vector<std::string>& paths, const std::string& root,
                                      const Config& config) {
  DiffFlags& f = Flags();
  AnalysisRequest req;
  req.in = f.in;
  req.in.paths = paths;
  req.config = &config;
  req.repo_root = root;
  req.options.solver.query_ms = f.solver_ms;
  ApplyExclude(config, &req.in);
  for (const auto& r : config.rules)
    if (r.enabled && !*r.enabled) req.disabled_rules.insert(r.id);
  return Analyze(req);
}

Json FindingJson(const output::Report& r, const Finding& f) {
  Json j;
  j["ruleId"] = std::string(f.rule->id);
  j["severity"] = SeverityName(f.severity);
  j["message"] = f.message;
  j["location"] = LocationJson(*r.model, f.primary);
  j["entity"] = f.entity;
  j["fingerprint"] = f.fingerprint;
  return j;
}

}  // namespace

int RunDiff() {
  DiffFlags& f = Flags();
  f.in.load.verbose = f.verbose;
  Severity fail_at = Severity::kHigh;
  bool fail_never = f.fail_on == "none";
  if (!fail_never && !ParseSeverity(f.fail_on, &fail_at)) {
    std::cerr << "error: --fail-on must be critical, high, medium, low, info or none\n";
    return kExitUsage;
  }
  GitBase git;
  std::vector<std::string> base_paths, head_paths;
  std::string base_root, head_root, base_label, head_label;
  if (!f.git_base.empty()) {
    if (f.paths.size() != 1) {
      std::cerr << "error: with --git-base give one PATH (the head side)\n";
      return kExitUsage;
    }
    if (!ExtractGitBase(f.git_base, f.paths[0], &git)) return kExitUsage;
    // The head side by its resolved path when PATH goes through a link, so
    // that both sides name files relative to the same root.
    head_paths = {AbsoluteDir(f.paths[0]) == git.head ? f.paths[0] : git.head};
    head_root = git.root;
    base_root = git.tmp;
    if (git.present) base_paths = {git.rel.empty() ? git.tmp : git.tmp + "/" + git.rel};
    base_label = f.paths[0] + " at " + f.git_base;
    head_label = f.paths[0];
  } else {
    if (f.paths.size() != 2) {
      std::cerr << "error: give BASE and HEAD, or --git-base REF PATH\n";
      return kExitUsage;
    }
    base_paths = {f.paths[0]};
    head_paths = {f.paths[1]};
    auto root_of = [](const std::string& p) {
      std::string a = AbsoluteDir(p);
      return fs::is_directory(a) ? a : fs::path(a).parent_path().generic_string();
    };
    base_root = root_of(f.paths[0]);
    head_root = root_of(f.paths[1]);
    base_label = f.paths[0];
    head_label = f.paths[1];
  }
  // The head's configuration applies to both sides.
  auto pre = std::make_unique<Session>();
  Config config;
  if (!LoadProjectConfig(f.config, head_paths, *pre, &config)) {
    PrintDiagnostics(*pre);
    std::cerr << "error: the configuration file has errors; nothing was compared\n";
    return kExitUsage;
  }
  auto head = AnalyzeSide(head_paths, head_root, config);
  auto base = AnalyzeSide(base_paths, base_root, config);
  PrintDiagnostics(*head->session);

  // Findings new and resolved, by fingerprint; suppressed ones left out.
  std::set<std::string> before, after;
  for (const auto& x : base->report.findings)
    if (!x.suppression) before.insert(x.fingerprint);
  for (const auto& x : head->report.findings)
    if (!x.suppression) after.insert(x.fingerprint);
  std::vector<const Finding*> added, resolved;
  for (const auto& x : head->report.findings)
    if (!x.suppression && !before.count(x.fingerprint)) added.push_back(&x);
  for (const auto& x : base->report.findings)
    if (!x.suppression && !after.count(x.fingerprint)) resolved.push_back(&x);

  change::Options copt;
  copt.solver_ms = f.solver_ms;
  copt.max_net_pods = f.net_pod_limit;
  change::Result ch = change::Compare(*base->context, *head->context, copt);
  auto count = [](const auto& v, bool add) {
    std::size_t n = 0;
    for (const auto& c : v) n += c.added == add;
    return n;
  };
  std::size_t new_access = count(ch.rbac, true) + count(ch.net, true) + count(ch.iam, true);
  const Model& hm = *head->session->model;
  const Model& bm = *base->session->model;
  auto where = [&](bool is_added, const SourceRange& r) {
    return r.known() ? LocationText(is_added ? hm : bm, r) : std::string();
  };

  std::string text;
  if (f.format == "json") {
    Json j;
    j["base"] = base_label;
    j["head"] = head_label;
    Json s;
    s["newFindings"] = added.size();
    s["resolvedFindings"] = resolved.size();
    s["rbac"] = {{"added", count(ch.rbac, true)}, {"removed", count(ch.rbac, false)}};
    s["network"] = {{"added", count(ch.net, true)}, {"removed", count(ch.net, false)}};
    s["iam"] = {{"added", count(ch.iam, true)}, {"removed", count(ch.iam, false)}};
    j["summary"] = s;
    Json fj;
    fj["new"] = Json::array();
    fj["resolved"] = Json::array();
    for (const Finding* x : added) fj["new"].push_back(FindingJson(head->report, *x));
    for (const Finding* x : resolved) fj["resolved"].push_back(FindingJson(base->report, *x));
    j["findings"] = fj;
    j["rbac"] = Json::array();
    for (const auto& c : ch.rbac)
      j["rbac"].push_back({{"change", c.added ? "added" : "removed"}, {"subject", c.subject},
                           {"namespace", c.scope.empty() ? Json(nullptr) : Json(c.scope)}, {"via", c.via},
                           {"requests", c.requests}, {"more", c.more},
                           {"location", c.where.known() ? LocationJson(c.added ? hm : bm, c.where) : Json(nullptr)}});
    j["network"] = Json::array();
    for (const auto& c : ch.net)
      j["network"].push_back({{"change", c.added ? "added" : "removed"}, {"src", c.src}, {"dst", c.dst},
                              {"ports", c.ports},
                              {"location", c.where.known() ? LocationJson(c.added ? hm : bm, c.where) : Json(nullptr)}});
    j["iam"] = Json::array();
    for (const auto& c : ch.iam)
      j["iam"].push_back({{"change", c.added ? "added" : "removed"}, {"principal", c.principal},
                          {"witness", c.unknown ? Json(nullptr) : Json(c.request)}, {"undecided", c.unknown},
                          {"location", c.where.known() ? LocationJson(c.added ? hm : bm, c.where) : Json(nullptr)}});
    j["notes"] = ch.notes;
    text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else if (f.format == "sarif") {
    // The head's report with the new findings, and the resolved ones as
    // absent results.
    output::Report r = head->report;
    r.findings.clear();
    for (const Finding* x : added) r.findings.push_back(*x);
    for (auto& x : r.findings) x.baseline = BaselineState::kNew;
    r.baseline_given = true;
    for (const Finding* x : resolved) {
      output::BaselineEntry b;
      b.fingerprint = x->fingerprint;
      b.rule = std::string(x->rule->id);
      b.severity = SeverityName(x->severity);
      b.entity = x->entity;
      b.message = x->message;
      b.file = output::ArtifactPath(base->report, x->primary.file);
      b.line = x->primary.begin.line;
      r.absent.push_back(std::move(b));
    }
    text = output::RenderSarif(r, {});
  } else if (f.format == "markdown") {
    std::string md = "### grantpath: what this change allows\n\n";
    md += "| | added | removed |\n|---|---:|---:|\n";
    md += "| findings | " + std::to_string(added.size()) + " | " + std::to_string(resolved.size()) + " |\n";
    md += "| RBAC permissions | " + std::to_string(count(ch.rbac, true)) + " | " + std::to_string(count(ch.rbac, false)) + " |\n";
    md += "| network connections | " + std::to_string(count(ch.net, true)) + " | " + std::to_string(count(ch.net, false)) + " |\n";
    md += "| IAM access | " + std::to_string(count(ch.iam, true)) + " | " + std::to_string(count(ch.iam, false)) + " |\n\n";
    auto esc = [](const std::string& s) {
      std::string o;
      for (char c : s) {
        if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '>' || c == '[' || c == ']') o += '\\';
        o += c == '\n' ? ' ' : c;
      }
      return o;
    };
    std::string details;
    // Most severe first: the comment may be cut.
    std::stable_sort(added.begin(), added.end(),
                     [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
    if (!added.empty()) {
      details += "#### New findings\n\n";
      for (const Finding* x : added)
        details += "- **" + std::string(SeverityName(x->severity)) + "** `" + std::string(x->rule->id) + "` " +
                   esc(x->message) + " (" + esc(LocationText(hm, x->primary)) + ")\n";
      details += "\n";
    }
    if (!resolved.empty()) {
      details += "#### Resolved findings\n\n";
      for (const Finding* x : resolved)
        details += "- `" + std::string(x->rule->id) + "` " + esc(x->message) + "\n";
      details += "\n";
    }
    if (!ch.rbac.empty()) {
      details += "#### RBAC\n\n";
      for (const auto& c : ch.rbac) {
        std::string reqs;
        for (const auto& q : c.requests) reqs += (reqs.empty() ? "" : ", ") + esc(q);
        if (c.more) reqs += ", and " + std::to_string(c.more) + " more";
        details += std::string(c.added ? "- ➕ " : "- ➖ ") + esc(c.subject) +
                   (c.scope.empty() ? " cluster-wide" : " in `" + esc(c.scope) + "`") + " via " + esc(c.via) + ": " +
                   reqs + "\n";
      }
      details += "\n";
    }
    if (!ch.net.empty()) {
      details += "#### Network\n\n";
      for (const auto& c : ch.net)
        details += std::string(c.added ? "- ➕ " : "- ➖ ") + esc(c.src) + " → " + esc(c.dst) + ": " + esc(c.ports) + "\n";
      details += "\n";
    }
    if (!ch.iam.empty()) {
      details += "#### IAM\n\n";
      for (const auto& c : ch.iam)
        details += std::string(c.added ? "- ➕ " : "- ➖ ") + esc(c.principal) +
                   (c.unknown ? ": undecided" : (c.added ? " newly may " : " may no longer ") + esc(c.request)) + "\n";
      details += "\n";
    }
    if (md.size() + details.size() > f.max_markdown) {
      std::size_t keep = f.max_markdown > md.size() + 200 ? f.max_markdown - md.size() - 200 : 0;
      std::size_t cut = details.rfind('\n', keep);
      details = details.substr(0, cut == std::string::npos ? 0 : cut + 1) +
                "\n_The details were cut to fit a comment; run `grantpath diff --format text` for all of them._\n";
    }
    md += details;
    for (const auto& n : ch.notes) md += "> " + esc(n) + "\n";
    text = md;
  } else {
    text = "grantpath diff: " + TerminalSafe(base_label) + " -> " + TerminalSafe(head_label) + "\n";
    text += "findings: " + std::to_string(added.size()) + " new, " + std::to_string(resolved.size()) + " resolved\n";
    text += "access: RBAC +" + std::to_string(count(ch.rbac, true)) + "/-" + std::to_string(count(ch.rbac, false)) +
            ", network +" + std::to_string(count(ch.net, true)) + "/-" + std::to_string(count(ch.net, false)) +
            ", IAM +" + std::to_string(count(ch.iam, true)) + "/-" + std::to_string(count(ch.iam, false)) + "\n";
    if (!added.empty()) {
      text += "\nnew findings:\n";
      for (const Finding* x : added)
        text += "  " + LocationText(hm, x->primary) + "  " + SeverityName(x->severity) + "  " +
                std::string(x->rule->id) + "  " + TerminalSafe(x->message) + "\n";
    }
    if (!resolved.empty()) {
      text += "\nresolved findings:\n";
      for (const Finding* x : resolved)
        text += "  " + LocationText(bm, x->primary) + "  " + std::string(x->rule->id) + "  " +
                TerminalSafe(x->message) + "\n";
    }
    if (!ch.rbac.empty()) {
      text += "\nRBAC:\n";
      for (const auto& c : ch.rbac) {
        text += std::string(c.added ? "  + " : "  - ") + TerminalSafe(c.subject) +
                (c.scope.empty() ? " cluster-wide" : " in namespace '" + TerminalSafe(c.scope) + "'") + " via " +
                TerminalSafe(c.via);
        std::string at = where(c.added, c.where);
        if (!at.empty()) text += " (" + at + ")";
        text += ":\n";
        for (const auto& q : c.requests) text += "      " + TerminalSafe(q) + "\n";
        if (c.more) text += "      and " + std::to_string(c.more) + " more\n";
      }
    }
    if (!ch.net.empty()) {
      text += "\nnetwork:\n";
      for (const auto& c : ch.net) {
        text += std::string(c.added ? "  + " : "  - ") + TerminalSafe(c.src) + " => " + TerminalSafe(c.dst) + ": " +
                c.ports;
        std::string at = where(c.added, c.where);
        if (!at.empty()) text += " (" + at + ")";
        text += "\n";
      }
    }
    if (!ch.iam.empty()) {
      text += "\nIAM:\n";
      for (const auto& c : ch.iam) {
        text += std::string(c.added ? "  + " : "  - ") + TerminalSafe(c.principal) +
                (c.unknown ? ": undecided within the solver limit"
                           : (c.added ? " newly may: " : " may no longer: ") + TerminalSafe(c.request));
        std::string at = where(c.added, c.where);
        if (!at.empty()) text += " (" + at + ")";
        text += "\n";
      }
    }
    if (!ch.notes.empty()) {
      text += "\n";
      for (const auto& n : ch.notes) text += "note: " + n + "\n";
    }
  }
  if (!WriteOutput(f.out, text, f.format == "text")) return kExitUsage;
  bool failed = false;
  if (!fail_never)
    for (const Finding* x : added)
      if (x->severity >= fail_at) failed = true;
  if (f.fail_on_new_access && new_access > 0) failed = true;
  return failed ? kExitFindings : kExitOk;
}

Command DiffCommand() {
  return Command{
      "diff",
      [](CLI::App& app) {
        DiffFlags& f = Flags();
        CLI::App* cmd = app.add_subcommand(
            "diff", "What HEAD newly allows compared with BASE: findings, RBAC, network and IAM access");
        cmd->add_option("paths", f.paths, "BASE HEAD (two files or folders), or PATH with --git-base")
            ->required()
            ->check(CLI::ExistingPath);
        cmd->add_option("--git-base", f.git_base,
                        "Compare PATH with its version at this git revision (read from the object store)");
        cmd->add_option("--format", f.format, "Output format")
            ->check(CLI::IsMember({"text", "json", "sarif", "markdown"}))
            ->capture_default_str();
        cmd->add_option("-o,--output", f.out, "Write the report to FILE");
        cmd->add_option("--fail-on", f.fail_on,
                        "Exit 1 when a new finding is at or above this severity (critical, high, medium, "
                        "low, info, none)")
            ->capture_default_str();
        cmd->add_flag("--fail-on-new-access", f.fail_on_new_access, "Exit 1 when the change allows anything new");
        cmd->add_option("--config", f.config.path, "Configuration file (default: found from the head path)");
        cmd->add_flag("--no-config", f.config.disabled, "Do not read any configuration file");
        cmd->add_option("--markdown-max-bytes", f.max_markdown, "Cap of the markdown report (a PR comment)")
            ->capture_default_str();
        cmd->add_option("--net-pod-limit", f.net_pod_limit,
                        "Past this many pods on a side, connections are compared between classes of pods "
                        "treated alike instead of pod by pod")
            ->capture_default_str();
        cmd->add_option("--solver-timeout-ms", f.solver_ms, "Time limit of each IAM solver question")
            ->check(CLI::Range(1u, 3600000u))
            ->capture_default_str();
        cmd->add_flag("-v,--verbose", f.verbose, "Also list skipped files");
        AddKubernetesInputOptions(cmd, &f.in);
        AddLimitOptions(cmd, &f.in);
      },
      RunDiff};
}

}  // namespace grantpath::cli

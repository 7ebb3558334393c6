// grantpath paths / grantpath graph: queries on the shared access graph.
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "engine/context.h"
#include "engine/graph_publish.h"
#include "engine/rbac.h"
#include "grantpath/spell.h"
#include "grantpath/terminal.h"

namespace grantpath::cli {
namespace {

using Json = nlohmann::ordered_json;

struct GraphFlags {
  InputOptions in;
  bool verbose = false;
  std::string from, to, format = "text", focus;
  std::size_t max_paths = 1;
  int depth = 2;
  std::string requests;  // paths --requests FILE (JSON Lines)
  std::vector<std::string> escalation_targets;
};

GraphFlags& Flags() {
  static GraphFlags f;
  return f;
}

struct Loaded {
  std::unique_ptr<Session> session;
  std::unique_ptr<rbac::Engine> rbac;
  std::unique_ptr<AnalysisContext> ctx;
  AccessGraph graph;
};

std::optional<Loaded> LoadGraph(GraphFlags& f) {
  f.in.load.verbose = f.verbose;
  Loaded l;
  l.session = LoadSession(f.in);
  if (l.session->user_objects == 0) {
    PrintDiagnostics(*l.session);
    std::cerr << "error: nothing to analyze: no Kubernetes object or AWS IAM document found in the given paths\n";
    return std::nullopt;
  }
  l.rbac = std::make_unique<rbac::Engine>(*l.session->model);
  AnalysisOptions aopts;
  aopts.escalation_targets = f.escalation_targets;
  l.ctx = std::make_unique<AnalysisContext>(*l.session->model, *l.rbac, aopts);
  l.ctx->SetDiagnostics(&l.session->diagnostics);
  l.graph = BuildAccessGraph(*l.ctx, l.session->diagnostics);
  PrintDiagnostics(*l.session);
  return l;
}

// A node named on the command line: its id, or (for workloads) NS/KIND/NAME
// with the kind in any case; "did you mean" when unknown.
// `error` gets why not, when the node is unknown.
std::optional<AccessGraph::Id> ResolveNode(const AccessGraph& g, const std::string& name, const char* what,
                                           std::string* error) {
  if (auto v = g.Find(name)) return v;
  std::vector<std::string> ids = g.Ids();
  for (const auto& id : ids) {
    if (id.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < id.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(id[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return g.Find(id);
  }
  *error = std::string(what) + " '" + name + "' is no node of the access graph" + DidYouMean(name, ids);
  return std::nullopt;
}

std::optional<AccessGraph::Id> Resolve(const AccessGraph& g, const std::string& name, const char* flag) {
  std::string error;
  if (auto v = ResolveNode(g, name, flag, &error)) return v;
  std::cerr << "error: " << TerminalSafe(error)
            << "\nNodes are: internet, an AWS ARN, system:serviceaccount:NS:NAME, a user name, group:NAME, "
               "NS/KIND/NAME, cluster-admin, aws-admin, or an --escalation-target\n";
  return std::nullopt;
}

Json LocationsJson(const Model& m, const std::vector<SourceRange>& locs) {
  Json out = Json::array();
  for (const auto& l : locs) out.push_back(LocationJson(m, l));
  return out;
}

Json PathJson(const Model& m, const AccessGraph& g, const AccessPath& p) {
  Json steps = Json::array();
  for (const auto& s : p.steps) {
    const AccessEdge& e = g.edge(s.edge);
    Json step = {{"from", g.node(s.from).id},
                 {"to", g.node(s.to).id},
                 {"edge", AccessEdgeKindName(e.kind)},
                 {"witness", e.witness},
                 {"locations", LocationsJson(m, e.locations)}};
    if (!e.assumption.empty()) step["assumption"] = e.assumption;
    steps.push_back(std::move(step));
  }
  return {{"steps", steps}, {"length", p.steps.size()}};
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Mermaid node ids must be plain: n<index>.
std::string MermaidLabel(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '"' ? '\'' : c;
  return "\"" + out + "\"";
}

// Writes nodes grouped by domain and edges with parallel ones collapsed.
std::string Draw(const AccessGraph& g, const std::vector<AccessGraph::Id>& nodes,
                 const std::vector<std::size_t>& edges, const std::string& format, const std::string& note) {
  std::map<std::string, std::vector<AccessGraph::Id>> by_domain;
  for (auto v : nodes) by_domain[AccessNodeDomain(g.node(v).kind)].push_back(v);
  std::map<std::pair<AccessGraph::Id, AccessGraph::Id>, std::set<std::string>> collapsed;
  for (auto e : edges) collapsed[{g.edge_source(e), g.edge_target(e)}].insert(AccessEdgeKindName(g.edge(e).kind));
  std::string out;
  auto kinds = [](const std::set<std::string>& k) {
    std::string s;
    for (const auto& x : k) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  if (format == "dot") {
    out += "digraph access {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n";
    if (!note.empty()) out += "  label=" + Quote(note) + ";\n";
    for (const auto& [domain, vs] : by_domain) {
      out += "  subgraph " + Quote("cluster_" + domain) + " {\n    label=" + Quote(domain) + ";\n";
      for (auto v : vs) out += "    " + Quote(g.node(v).id) + " [label=" + Quote(g.node(v).display) + "];\n";
      out += "  }\n";
    }
    for (const auto& [ends, k] : collapsed)
      out += "  " + Quote(g.node(ends.first).id) + " -> " + Quote(g.node(ends.second).id) + " [label=" + Quote(kinds(k)) + "];\n";
    out += "}\n";
  } else {
    out += "flowchart LR\n";
    if (!note.empty()) out += "  %% " + note + "\n";
    for (const auto& [domain, vs] : by_domain) {
      out += "  subgraph " + domain + "\n";
      for (auto v : vs) out += "    n" + std::to_string(v) + "[" + MermaidLabel(g.node(v).display) + "]\n";
      out += "  end\n";
    }
    for (const auto& [ends, k] : collapsed)
      out += "  n" + std::to_string(ends.first) + " -->|" + kinds(k) + "| n" + std::to_string(ends.second) + "\n";
  }
  return out;
}

// --requests FILE: {"from", "to", "max_paths": K (optional)} per line; one
// answer per line, in order, on one load: the single query's JSON plus
// "line", or {"line", "error"}.
int RunPathsBatch(GraphFlags& f) {
  std::string text;
  if (!ReadRequestsFile(f.requests, &text)) return kExitUsage;
  struct Line {
    std::size_t line = 0;
    std::string from, to, error;
    std::size_t max_paths = 1;
  };
  std::vector<Line> lines;
  ForEachRequest(text, [&](std::size_t n, const nlohmann::json* object) {
    Line r;
    r.line = n;
    if (!object) {
      r.error = kNotAnObject;
    } else {
      const nlohmann::json& j = *object;
      r.from = RequestField(j, "from", true, &r.error);
      r.to = RequestField(j, "to", true, &r.error);
      if (j.contains("max_paths")) {
        if (j["max_paths"].is_number_unsigned() && j["max_paths"].get<std::size_t>() >= 1 &&
            j["max_paths"].get<std::size_t>() <= 100)
          r.max_paths = j["max_paths"].get<std::size_t>();
        else if (r.error.empty())
          r.error = "\"max_paths\" must be a number from 1 to 100";
      }
    }
    lines.push_back(std::move(r));
  });
  auto l = LoadGraph(f);
  if (!l) return kExitUsage;
  const Model& m = *l->session->model;
  OutputStream out("");
  for (const auto& r : lines) {
    Json j;
    j["line"] = r.line;
    std::string error = r.error;
    std::optional<AccessGraph::Id> from, to;
    if (error.empty()) from = ResolveNode(l->graph, r.from, "\"from\"", &error);
    if (error.empty()) to = ResolveNode(l->graph, r.to, "\"to\"", &error);
    if (!error.empty()) {
      j["error"] = error;
    } else {
      Json arr = Json::array();
      for (const auto& p : FindPaths(l->graph, *from, *to, r.max_paths)) arr.push_back(PathJson(m, l->graph, p));
      j["paths"] = std::move(arr);
    }
    out << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  return out.Close() ? kExitOk : kExitUsage;
}

int RunPaths() {
  GraphFlags& f = Flags();
  if (!f.requests.empty()) return RunPathsBatch(f);
  if (f.from.empty() || f.to.empty()) {
    std::cerr << "error: give --from and --to, or --requests FILE\n";
    return kExitUsage;
  }
  auto l = LoadGraph(f);
  if (!l) return kExitUsage;
  const Model& m = *l->session->model;
  auto from = Resolve(l->graph, f.from, "--from");
  auto to = Resolve(l->graph, f.to, "--to");
  if (!from || !to) return kExitUsage;
  std::vector<AccessPath> paths = FindPaths(l->graph, *from, *to, std::max<std::size_t>(f.max_paths, 1));
  const AccessGraph& g = l->graph;
  if (f.format == "json") {
    Json arr = Json::array();
    for (const auto& p : paths) arr.push_back(PathJson(m, g, p));
    WriteOutput("", Json{{"paths", arr}}.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  if (f.format == "dot" || f.format == "mermaid") {
    std::vector<AccessGraph::Id> nodes;
    std::vector<std::size_t> edges;
    std::set<AccessGraph::Id> seen;
    for (const auto& p : paths)
      for (const auto& s : p.steps) {
        for (auto v : {s.from, s.to})
          if (seen.insert(v).second) nodes.push_back(v);
        edges.push_back(s.edge);
      }
    WriteOutput("", Draw(g, nodes, edges, f.format, ""));
    return kExitOk;
  }
  std::string out;
  if (paths.empty()) {
    out = "no path from " + g.node(*from).display + " to " + g.node(*to).display + "\n";
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    out += "path " + std::to_string(i + 1) + " (" + std::to_string(paths[i].steps.size()) + " steps): " +
           g.node(*from).display + " -> " + g.node(*to).display + "\n";
    for (std::size_t k = 0; k < paths[i].steps.size(); ++k) {
      const auto& s = paths[i].steps[k];
      const AccessEdge& e = g.edge(s.edge);
      out += "  " + std::to_string(k + 1) + ". " + g.node(s.from).display + " -[" + AccessEdgeKindName(e.kind) + "]-> " +
             g.node(s.to).display + ": " + e.witness + "\n";
      for (const auto& loc : e.locations) out += "       at " + LocationText(m, loc) + "\n";
      if (!e.assumption.empty()) out += "       assumes " + e.assumption + "\n";
    }
  }
  WriteOutput("", out);
  return kExitOk;
}

int RunGraph() {
  GraphFlags& f = Flags();
  auto l = LoadGraph(f);
  if (!l) return kExitUsage;
  const AccessGraph& g = l->graph;
  std::vector<AccessGraph::Id> nodes;
  std::vector<std::size_t> edges;
  if (!f.focus.empty()) {
    auto center = Resolve(g, f.focus, "--focus");
    if (!center) return kExitUsage;
    // Both directions, up to --depth edges away.
    std::map<AccessGraph::Id, int> dist{{*center, 0}};
    std::vector<AccessGraph::Id> frontier{*center};
    for (int d = 0; d < f.depth; ++d) {
      std::vector<AccessGraph::Id> next;
      for (auto v : frontier) {
        for (auto e : g.OutEdges(v))
          if (dist.emplace(g.edge_target(e), d + 1).second) next.push_back(g.edge_target(e));
        for (auto e : g.InEdges(v))
          if (dist.emplace(g.edge_source(e), d + 1).second) next.push_back(g.edge_source(e));
      }
      frontier = std::move(next);
    }
    for (const auto& [v, d] : dist) nodes.push_back(v);
  } else {
    for (AccessGraph::Id v = 0; v < g.node_count(); ++v)
      if (!g.OutEdges(v).empty() || !g.InEdges(v).empty()) nodes.push_back(v);
  }
  std::set<AccessGraph::Id> in(nodes.begin(), nodes.end());
  for (std::size_t e = 0; e < g.edge_count(); ++e)
    if (in.count(g.edge_source(e)) && in.count(g.edge_target(e))) edges.push_back(e);
  if (f.format == "json") {
    const Model& m = *l->session->model;
    Json jn = Json::array(), je = Json::array();
    for (auto v : nodes) {
      const AccessNode& n = g.node(v);
      Json o = {{"id", n.id}, {"kind", AccessNodeKindName(n.kind)}, {"domain", AccessNodeDomain(n.kind)}, {"display", n.display}};
      if (n.where.file) o["location"] = LocationJson(m, n.where);
      jn.push_back(std::move(o));
    }
    for (auto e : edges) {
      const AccessEdge& ed = g.edge(e);
      Json o = {{"from", g.node(g.edge_source(e)).id}, {"to", g.node(g.edge_target(e)).id},
                {"edge", AccessEdgeKindName(ed.kind)}, {"witness", ed.witness}, {"locations", LocationsJson(m, ed.locations)}};
      if (!ed.assumption.empty()) o["assumption"] = ed.assumption;
      je.push_back(std::move(o));
    }
    WriteOutput("", Json{{"nodes", jn}, {"edges", je}}.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  // Pictures stay readable: at most 300 nodes, the rest left out with a note.
  constexpr std::size_t kMaxDrawn = 300;
  std::string note;
  if (nodes.size() > kMaxDrawn) {
    note = std::to_string(nodes.size() - kMaxDrawn) + " of " + std::to_string(nodes.size()) +
           " nodes left out: use --focus NODE --depth N, or --format json for everything";
    nodes.resize(kMaxDrawn);
    std::set<AccessGraph::Id> kept(nodes.begin(), nodes.end());
    std::vector<std::size_t> kept_edges;
    for (auto e : edges)
      if (kept.count(g.edge_source(e)) && kept.count(g.edge_target(e))) kept_edges.push_back(e);
    edges = std::move(kept_edges);
    std::cerr << "note: " << note << "\n";
  }
  WriteOutput("", Draw(g, nodes, edges, f.format, note));
  return kExitOk;
}

}  // namespace

Command PathsCommand() {
  return Command{"paths",
                 [](CLI::App& app) {
                   GraphFlags& f = Flags();
                   CLI::App* cmd = app.add_subcommand("paths", "Paths through the access graph from one node to another");
                   cmd->add_option("--from", f.from, "Start node: internet, an AWS ARN, system:serviceaccount:NS:NAME, a user, group:NAME, NS/KIND/NAME");
                   cmd->add_option("--to", f.to, "End node, as --from, or cluster-admin, aws-admin, an escalation target");
                   cmd->add_option("--requests", f.requests,
                                   "Answer every query of FILE on one load: JSON Lines of {\"from\", \"to\", "
                                   "\"max_paths\"}, one answer per line with \"line\" (instead of --from and --to)");
                   cmd->add_option("--format", f.format, "Output format")
                       ->check(CLI::IsMember({"text", "json", "dot", "mermaid"}))
                       ->default_str("text");
                   cmd->add_option("--max-paths", f.max_paths, "The shortest path and up to K-1 alternatives")->default_str("1");
                   cmd->add_option("--escalation-target", f.escalation_targets, "Also model paths to this capability (repeatable)")->allow_extra_args(false);
                   AddInputOptions(cmd, &f.in, &f.verbose);
                 },
                 RunPaths};
}

Command GraphCommand() {
  return Command{"graph",
                 [](CLI::App& app) {
                   GraphFlags& f = Flags();
                   CLI::App* cmd = app.add_subcommand("graph", "Draw the access graph, or the neighbourhood of one node");
                   cmd->add_option("--format", f.format, "Output format")
                       ->check(CLI::IsMember({"dot", "mermaid", "json"}))
                       ->required();
                   cmd->add_option("--focus", f.focus, "Only the nodes around this one");
                   cmd->add_option("--depth", f.depth, "With --focus: how many edges away")->default_str("2");
                   AddInputOptions(cmd, &f.in, &f.verbose);
                 },
                 RunGraph};
}

}  // namespace grantpath::cli

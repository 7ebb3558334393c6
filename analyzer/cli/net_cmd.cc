// grantpath net reach | matrix | intents: Kubernetes network reachability
// queries over the scanned input (engine/net.h has the semantics).
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/net_compose.h"
#include "cli/net_intents.h"
#include "engine/multinet.h"
#include "engine/net.h"
#include "engine/net_queries.h"
#include "grantpath/spell.h"
#include "output/report.h"

namespace grantpath::cli {
namespace {

using Json = nlohmann::ordered_json;
using net::ConnTable;

struct NetFlags {
  InputOptions in;
  bool verbose = false;
  std::string format;
  std::string from, to, port, expect;
  std::string requests;  // reach --requests FILE
  std::string intents;
  bool by_class = false;
  bool multi_network = false;  // matrix: netpol-analyzer's per-network sections
  net::EngineOptions engine;
  std::string out;
};

NetFlags& Flags() {
  static NetFlags f;
  return f;
}


struct Loaded {
  std::unique_ptr<Session> session;
  std::unique_ptr<net::Engine> engine;
  std::unique_ptr<compose::Engine> compose;  // Compose / Swarm services of the input
  std::unique_ptr<net::NetworkSplit> split;   // per-network views (UDN, CUDN, NAD)
  std::vector<std::unique_ptr<net::Engine>> view_engines;  // one per split view, built on first use
};

// The loaded input lives until the process exits: the commands run once,
// and tearing down a model of a large cluster only costs time (the system
// reclaims it at exit).
// `focus` (for queries about a few endpoints) names them once the
// endpoints exist; the engine then builds only their classes.
Loaded* Load(NetFlags& f, const std::function<std::vector<std::uint32_t>(net::Engine&)>& focus = {}) {
  f.in.load.verbose = f.verbose;
  f.in.load.k8s.verbose = f.verbose;
  f.in.k8s_defaults = false;  // RBAC bootstrap objects play no part here
  Loaded l;
  l.session = LoadSession(f.in);
  net::EngineOptions options = f.engine;
  options.deferred = static_cast<bool>(focus);
  l.engine = std::make_unique<net::Engine>(*l.session->model, l.session->diagnostics, options);
  if (focus) {
    auto eps = focus(*l.engine);
    l.engine->Finish(&eps);
  }
  l.compose = std::make_unique<compose::Engine>(*l.session->model, l.session->diagnostics);
  if (f.multi_network || net::HasMultipleNetworks(*l.session->model))
    l.split = std::make_unique<net::NetworkSplit>(net::SplitNetworks(*l.session->model, l.session->diagnostics));
  PrintDiagnostics(*l.session);
  if (l.session->user_objects == 0) {
    std::cerr << "error: nothing to analyze: no Kubernetes object or Compose file found in the given paths\n";
    return nullptr;
  }
  static Loaded* kept = nullptr;
  kept = new Loaded(std::move(l));
  return kept;
}

// ---------------------------------------------------------------- matrix

std::string DotId(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// `--by-class`: the classes with all their members, then per source class
// one line per distinct connection set with the destination classes that
// get it. Written row by row as the engine computes it.
int WriteClasses(net::Engine& e, const std::string& format, const std::string& path) {
  OutputStream out(path);
  if (!out.ok()) return kExitUsage;
  const bool json = format == "json";
  const std::size_t n = e.class_count();
  std::vector<std::vector<std::uint32_t>> members(n);
  const auto& eps = e.endpoints();
  for (std::uint32_t i = 0; i < eps.size(); ++i) members[eps[i].cls].push_back(i);
  // Address ranges are classes of their own, in two partitions: sources
  // (split by ingress ipBlocks) and destinations (split by egress ones).
  // A class is a source, a destination or both; connections between two
  // address ranges, and to the ingress controller, are not in the output,
  // as in the plain matrix.
  auto is_source = [&](std::size_t c) {
    const auto& ep = eps[members[c].front()];
    return ep.kind != net::EndpointKind::kExternal || ep.source_side;
  };
  auto is_destination = [&](std::size_t c) {
    const auto& ep = eps[members[c].front()];
    return ep.kind == net::EndpointKind::kPod || (ep.kind == net::EndpointKind::kExternal && !ep.source_side);
  };
  auto is_pod = [&](std::size_t c) { return eps[members[c].front()].kind == net::EndpointKind::kPod; };
  auto side = [&](std::size_t c) -> std::string {
    const auto& ep = eps[members[c].front()];
    if (ep.kind != net::EndpointKind::kExternal) return "";
    return ep.source_side ? "source" : "destination";
  };
  out << (json ? "{\n  \"classes\": [" : "");
  for (std::size_t c = 0; c < n; ++c) {
    if (json) {
      out << (c == 0 ? "\n    {\"class\": " : ",\n    {\"class\": ") << std::to_string(c);
      if (!side(c).empty()) out << ", \"side\": \"" << side(c) << "\"";
      out << ", \"members\": [";
      for (std::size_t i = 0; i < members[c].size(); ++i)
        out << (i ? ", " : "") << Json(eps[members[c][i]].Display()).dump(-1, ' ', false, Json::error_handler_t::replace);
      out << "]}";
    } else {
      out << "class " << std::to_string(c) << " (" << std::to_string(members[c].size())
          << (side(c).empty() ? "" : ", " + side(c) + "s") << "):";
      for (std::uint32_t m : members[c]) out << ' ' << eps[m].Display();
      out << '\n';
    }
  }
  out << (json ? "\n  ],\n  \"connections\": [" : "");
  std::uint64_t pairs = 0, lines = 0;
  // The destinations a source class can have lines to, ascending: every
  // destination class from a pod, pod classes only from an address range.
  std::vector<std::uint32_t> to_any, to_pods;
  std::vector<char> source(n);
  for (std::uint32_t c = 0; c < n; ++c) {
    source[c] = is_source(c);
    if (!is_destination(c)) continue;
    to_any.push_back(c);
    if (is_pod(c)) to_pods.push_back(c);
  }
  std::vector<std::pair<ConnTable::Id, std::uint32_t>> cells;
  e.ClassRows([&](std::uint32_t s, const std::vector<ConnTable::Id>& row) {
    // Destinations grouped by connection set, groups in the order of
    // their first destination.
    cells.clear();
    if (!source[s]) return;
    for (std::uint32_t d : is_pod(s) ? to_any : to_pods) {
      if (row[d] == ConnTable::kNone) continue;
      if (d == s && members[s].size() == 1) continue;  // a pod to itself
      cells.emplace_back(row[d], d);
    }
    pairs += cells.size();
    std::stable_sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) in cells
    for (std::size_t i = 0; i < cells.size();) {
      std::size_t j = i;
      while (j < cells.size() && cells[j].first == cells[i].first) ++j;
      groups.emplace_back(i, j);
      i = j;
    }
    std::sort(groups.begin(), groups.end(),
              [&](const auto& a, const auto& b) { return cells[a.first].second < cells[b.first].second; });
    for (auto [b, end] : groups) {
      std::string conn = e.conns().Get(cells[b].first).Format();
      if (json) {
        out << (lines == 0 ? "\n    {\"src\": " : ",\n    {\"src\": ") << std::to_string(s) << ", \"dst\": [";
        for (std::size_t k = b; k < end; ++k) out << (k > b ? "," : "") << std::to_string(cells[k].second);
        out << "], \"conn\": " << Json(conn).dump(-1, ' ', false, Json::error_handler_t::replace) << "}";
      } else {
        // Destination classes as ascending ids and ranges: "0-3,7,9-12".
        out << "class " << std::to_string(s) << " => ";
        for (std::size_t k = b; k < end;) {
          std::size_t r = k;
          while (r + 1 < end && cells[r + 1].second == cells[r].second + 1) ++r;
          out << (k > b ? "," : "") << std::to_string(cells[k].second);
          if (r > k) out << "-" << std::to_string(cells[r].second);
          k = r + 1;
        }
        out << " : " << conn << '\n';
      }
      ++lines;
    }
  });
  if (json)
    out << "\n  ],\n  \"class_count\": " << std::to_string(n) << ",\n  \"connected_pairs\": " << std::to_string(pairs)
        << "\n}\n";
  else
    out << "# " << std::to_string(n) << " classes, " << std::to_string(pairs) << " connected class pairs\n";
  return out.Close() ? kExitOk : kExitUsage;
}

// The matrix per network (engine/multinet.h), in netpol-analyzer's format:
// one section per network, then each workload's networks. Pods of a UDN
// are shown as "ns[udn]/name[Kind]"; secondary networks have no outside.
int WriteNetworkSections(Loaded& loaded, const NetFlags& f) {
  const Model& m = *loaded.session->model;
  const net::NetworkSplit& split = *loaded.split;
  bool sections = split.views.size() > 1;
  OutputStream out(f.out);
  if (!out.ok()) return kExitUsage;
  Json all = Json::array();
  bool csv = f.format == "csv", json = f.format == "json";
  if (csv) out << "network,src,dst,conn\n";
  bool first_section = true;
  for (const auto& v : split.views) {
    CollectingSink quiet;  // the whole input's engine already reported
    net::EngineOptions options = f.engine;
    net::Engine e(*v.model, quiet, options);
    auto mx = net::MatrixLines(e);
    auto shown = [&](const std::string& name) {
      if (v.kind != net::NetworkView::Kind::kUdn) return name;
      auto slash = name.find('/');
      if (name.find("[External]") != std::string::npos || slash == std::string::npos) return name;
      return name.substr(0, slash) + "[udn]" + name.substr(slash);
    };
    std::vector<std::string> lines;
    mx.ForEachLine(e, [&](const std::string& src, const std::string& dst, const std::string& conn) {
      bool outside = src.find("[External]") != std::string::npos || dst.find("[External]") != std::string::npos;
      if (v.kind == net::NetworkView::Kind::kNad && outside) return;
      if (json) all.push_back({{"network", v.Title()}, {"src", shown(src)}, {"dst", shown(dst)}, {"conn", conn}});
      else if (csv) out << CsvField(v.Title()) << "," << CsvField(shown(src)) << "," << CsvField(shown(dst)) << "," << CsvField(conn) << "\n";
      else lines.push_back(shown(src) + " => " + shown(dst) + " : " + conn);
    });
    if (json || csv) continue;
    if (sections) {
      out << (first_section ? "" : "\n") << "Permitted connectivity analyzed in " << v.Title() << ":\n";
      if (v.kind == net::NetworkView::Kind::kPod && v.workloads.empty())
        out << "all input workloads are configured with (C)UDN as their primary network interface\n";
      else if (v.kind == net::NetworkView::Kind::kPod && lines.empty())
        out << "All connections are not allowed for the workloads in the pod-network\n";
    }
    first_section = false;
    for (const auto& l : lines) out << l << "\n";
  }
  if (json) {
    out << all.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return out.Close() ? kExitOk : kExitUsage;
  }
  if (csv) return out.Close() ? kExitOk : kExitUsage;
  std::vector<std::pair<std::string, std::uint32_t>> order;
  for (std::uint32_t i = 0; i < m.k8s_workloads.size(); ++i) {
    const auto& w = m.k8s_workloads[i];
    order.push_back({w.meta.ns + "/" + w.meta.name + "[" + w.kind + "]", i});
  }
  std::sort(order.begin(), order.end());
  out << "\nWorkload-to-Networks Mapping:\n";
  for (const auto& [name, i] : order) {
    out << name << ": \n\tPrimary Network: " << split.primary[i] << "\n";
    if (!split.secondary[i].empty()) {
      out << "\tSecondary Networks: ";
      for (std::size_t k = 0; k < split.secondary[i].size(); ++k) out << (k ? "," : "") << split.secondary[i][k];
      out << "\n";
    }
  }
  return out.Close() ? kExitOk : kExitUsage;
}

int RunMatrix() {
  NetFlags& f = Flags();
  if (f.by_class && (f.format == "csv" || f.format == "dot")) {
    std::cerr << "error: --by-class writes txt or json, not " << f.format << "\n";
    return kExitUsage;
  }
  auto loaded = Load(f);
  if (!loaded) return kExitUsage;
  net::Engine& e = *loaded->engine;
  std::string text;
  if (f.by_class) {
    if (!loaded->session->model->docker_services.empty())
      std::cerr << "note: Compose services are not part of --by-class output; run net matrix without it\n";
    if (loaded->split)
      std::cerr << "note: --by-class treats the input as one pod network; run net matrix without it for the "
                   "per-network sections (UDN, CUDN, NAD)\n";
    return WriteClasses(e, f.format, f.out);
  }
  if (loaded->split) return WriteNetworkSections(*loaded, f);
  auto mx = net::MatrixLines(e);
  // Compose / Swarm lines come after the Kubernetes ones.
  const compose::Engine& ce = *loaded->compose;
  auto each_line = [&](const std::function<void(const std::string&, const std::string&, const std::string&)>& g) {
    mx.ForEachLine(e, g);
    ComposeMatrix(ce, g);
  };
  if (f.format != "dot") {
    // Written as produced: the matrix of a large open cluster has millions of lines.
    OutputStream out(f.out);
    if (!out.ok()) return kExitUsage;
    if (f.format == "json") {
      bool first = true;
      out << "[";
      each_line([&](const std::string& src, const std::string& dst, const std::string& conn) {
        out << (first ? "\n  {\"src\":" : ",\n  {\"src\":") << Json(src).dump(-1, ' ', false, Json::error_handler_t::replace) << ",\"dst\":" << Json(dst).dump(-1, ' ', false, Json::error_handler_t::replace)
            << ",\"conn\":" << Json(conn).dump(-1, ' ', false, Json::error_handler_t::replace) << "}";
        first = false;
      });
      out << (first ? "]\n" : "\n]\n");
    } else if (f.format == "csv") {
      out << "src,dst,conn\n";
      each_line([&](const std::string& src, const std::string& dst, const std::string& conn) {
        out << CsvField(src) << "," << CsvField(dst) << "," << CsvField(conn) << "\n";
      });
    } else {
      each_line([&](const std::string& src, const std::string& dst, const std::string& conn) {
        out << src << " => " << dst << " : " << conn << '\n';
      });
    }
    return out.Close() ? kExitOk : kExitUsage;
  }
  {  // dot: nodes grouped by namespace, then the edges
    std::map<std::string, std::set<std::string>> by_ns;
    std::set<std::string> outside;
    std::string edges;
    each_line([&](const std::string& src, const std::string& dst, const std::string& conn) {
      for (const auto* name : {&src, &dst}) {
        auto slash = name->find('/');
        if (name->find("[External]") != std::string::npos || (*name)[0] == '{' || slash == std::string::npos)
          outside.insert(*name);
        else
          by_ns[name->substr(0, slash)].insert(*name);
      }
      edges += "\t" + DotId(src) + " -> " + DotId(dst) + " [label=" + DotId(conn) +
               " color=\"gold2\" fontcolor=\"darkgreen\"]\n";
    });
    text = "digraph {\n";
    for (const auto& [ns, names] : by_ns) {
      text += "\tsubgraph " + DotId("cluster_" + ns) + " {\n";
      for (const auto& nm : names)
        text += "\t\t" + DotId(nm) + " [label=" + DotId(nm.substr(ns.size() + 1)) +
                " color=\"blue\" fontcolor=\"blue\"]\n";
      text += "\t\tlabel=" + DotId(ns) + "\n\t}\n";
    }
    for (const auto& nm : outside) text += "\t" + DotId(nm) + " [label=" + DotId(nm) + " color=\"red2\" fontcolor=\"red2\"]\n";
    text += edges + "}\n";
  }
  return WriteOutput(f.out, text) ? kExitOk : kExitUsage;
}

// ----------------------------------------------------------------- reach

// Resolves an endpoint argument: NS/NAME, NS/KIND/NAME, an IP or CIDR, or
// "internet". Prints an error and returns false when nothing matches.
bool ResolveEndpoint(net::Engine& e, const std::string& arg, bool source, std::vector<std::uint32_t>* out,
                     bool candidates = false, std::string* error = nullptr) {
  auto fail = [&](const std::string& message) {
    if (error) *error = message;
    else std::cerr << "error: " << message << "\n";
    return false;
  };
  if (arg == "internet") {
    *out = e.Internet(source);
    return true;
  }
  if (auto r = net::ParseCidr(arg)) {
    *out = e.ExternalOverlapping(*r, source);
    return true;
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto slash = arg.find('/', start);
    parts.push_back(arg.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (candidates) {
    // Before the classes exist: every pod the argument may name.
    if (parts.size() == 2) *out = e.PodCandidates(parts[0], parts[1]);
    else if (parts.size() == 3) *out = e.PodCandidates(parts[0], parts[2], parts[1]);
    return true;
  }
  int ep = -1;
  if (parts.size() == 2) ep = e.FindPod(parts[0], parts[1]);
  else if (parts.size() == 3) ep = e.FindPod(parts[0], parts[2], parts[1]);
  else
    return fail("'" + arg + "' is not an endpoint: use NS/POD, NS/KIND/NAME, an IP or CIDR, or internet");
  if (ep < 0) {
    std::vector<std::string> known;
    for (const auto& x : e.endpoints())
      if (x.kind == net::EndpointKind::kPod)
        known.push_back(parts.size() == 3 ? x.ns + "/" + x.workload_kind + "/" + x.name : x.ns + "/" + x.name);
    return fail("no pod or workload '" + arg + "'" + DidYouMean(arg, known));
  }
  out->push_back(static_cast<std::uint32_t>(ep));
  return true;
}

// --port takes one port: a port spec (net::ParsePortSpec) naming exactly one.
bool ParsePortArg(const std::string& s, int* proto, int* port) {
  net::PortSet set;
  if (!net::ParsePortSpec(s, &set)) return false;
  std::tie(*proto, *port) = set.First();
  net::PortSet one;
  one.Add(*proto, *port, *port);
  return set == one;
}

Json ReasonsJson(net::Engine& e, const std::vector<net::Reason>& why, int proto, int port) {
  const Model& m = e.model();
  Json a = Json::array();
  for (const auto& r : why) {
    if (port > 0 && r.action == "Allow" && !e.conns().Get(r.conns).Contains(proto, port)) continue;
    Json j;
    j["policy"] = r.Describe(m);
    switch (r.tier) {
      case net::Reason::Tier::kAdmin:
      case net::Reason::Tier::kBaseline: j["kind"] = m.k8s_admin_policies[r.policy].kind; break;
      case net::Reason::Tier::kNetworkPolicy: j["kind"] = m.k8s_network_policies[r.policy].kind; break;
      case net::Reason::Tier::kDefault: j["kind"] = "default"; break;
      case net::Reason::Tier::kCni: j["kind"] = r.kind; break;
      case net::Reason::Tier::kTierEnd: j["kind"] = r.tier_name.empty() ? "default" : "Tier"; break;
    }
    if (!r.tier_name.empty()) j["tier"] = r.tier_name;
    if (r.tier == net::Reason::Tier::kNetworkPolicy) {
      const auto& p = m.k8s_network_policies[r.policy];
      j["name"] = p.meta.ns + "/" + p.meta.name;
    } else if (r.tier == net::Reason::Tier::kCni) {
      j["name"] = r.name;
    } else if (r.tier == net::Reason::Tier::kTierEnd) {
      j["name"] = r.tier_name.empty() ? Json(nullptr) : Json(r.tier_name);
    } else if (r.tier != net::Reason::Tier::kDefault) {
      j["name"] = m.k8s_admin_policies[r.policy].meta.name;
    } else {
      j["name"] = nullptr;
    }
    j["rule"] = r.rule >= 0 ? Json(r.rule + 1) : Json(nullptr);
    j["action"] = r.action;
    j["ports"] = e.conns().Get(r.conns).Format();
    j["location"] = r.where.known() ? LocationJson(m, r.where) : Json(nullptr);
    a.push_back(std::move(j));
  }
  return a;
}

// One reach question: what `from` may open to `to` (on one port when
// `qport` > 0). False with `error` set when an endpoint names nothing.
bool AnswerReach(net::Engine& e, const std::string& from, const std::string& to, int qproto, int qport,
                 Json* json, std::string* text, bool* allowed_out, std::string* error) {
  const Model& m = e.model();
  std::vector<std::uint32_t> srcs, dsts;
  if (!ResolveEndpoint(e, from, true, &srcs, false, error) || !ResolveEndpoint(e, to, false, &dsts, false, error))
    return false;
  for (const auto* list : {&srcs, &dsts})
    for (auto ep : *list)
      if (!e.HasClass(ep)) {
        *error = "internal: endpoint " + e.endpoints()[ep].Display() + " was not prepared";
        return false;
      }
  auto& ct = e.conns();
  net::ReachAnswer answer;
  if (!net::Reach(e, srcs, dsts, qproto, qport, &answer)) {
    *error = "no connection to evaluate between '" + from + "' and '" + to + "'";
    return false;
  }
  const auto& pairs = answer.pairs;
  const ConnTable::Id total = answer.total;
  const bool allowed = answer.allowed;
  *allowed_out = allowed;
  const net::ReachPair* witness = answer.witnessed ? &pairs[answer.shown] : nullptr;
  const net::ReachPair& shown = pairs[answer.shown];
  const std::vector<net::Reason>& eg = answer.egress;
  const std::vector<net::Reason>& in = answer.ingress;
  const auto& src_ep = e.endpoints()[shown.src];
  const auto& dst_ep = e.endpoints()[shown.dst];
  const int wproto = answer.protocol, wport = answer.port;
  std::string src_addr = src_ep.kind == net::EndpointKind::kExternal
                             ? net::FormatAddress(src_ep.range.family, src_ep.range.lo)
                             : "";
  Json& j = *json;
  j["allowed"] = allowed;
  j["from"] = from;
  j["to"] = to;
  j["ports"] = ct.Get(total).Format();
  if (qproto >= 0) {
    j["query"] = {{"protocol", net::WitnessProtocol(qproto, qport)}};
    for (const auto& [k, v] : net::WitnessNumbers(qproto, qport)) j["query"][k] = v;
  }
  Json per = Json::array();
  for (const auto& p : pairs)
    per.push_back({{"src", e.endpoints()[p.src].Display()}, {"dst", e.endpoints()[p.dst].Display()},
                   {"ports", ct.Get(p.conns).Format()}});
  j["pairs"] = per;
  j["egress"] = ReasonsJson(e, eg, wproto, wport);
  j["ingress"] = ReasonsJson(e, in, wproto, wport);
  if (witness) {
    Json w{{"src", src_ep.Display()}, {"dst", dst_ep.Display()}, {"protocol", net::WitnessProtocol(wproto, wport)}};
    for (const auto& [k, v] : net::WitnessNumbers(wproto, wport)) w[k] = v;
    if (!src_addr.empty()) w["source_address"] = src_addr;
    j["witness"] = w;
  } else {
    j["witness"] = nullptr;
  }
  if (text == nullptr) return true;
  // The first line names what was asked: the requested port, or every
  // connection when no port was given.
  std::string& t = *text;
  t = allowed ? "allowed" : "denied";
  std::string all = ct.Get(total).Format();
  if (qproto >= 0) {
    std::string asked = net::FormatOne(qproto, qport);
    t += ": " + asked + (allowed ? " is allowed" : " is not allowed");
    if (!allowed)
      t += total == ConnTable::kNone ? "; no connection is allowed between them"
                                      : " (what is allowed between them: " + all + ")";
    t += "\n";
  } else {
    t += ": " + (total == ConnTable::kNone ? std::string("no connection is allowed") : all) + "\n";
  }
  for (const auto& p : pairs)
    if (pairs.size() > 1)
      t += "  " + e.endpoints()[p.src].Display() + " => " + e.endpoints()[p.dst].Display() + " : " +
           ct.Get(p.conns).Format() + "\n";
  if (witness) {
    t += "  witness: " + src_ep.Display() + (src_addr.empty() ? "" : " (from " + src_addr + ")") + " => " +
         dst_ep.Display() + " " + net::FormatOne(wproto, wport) + "\n";
  }
  for (int dir = 0; dir < 2; ++dir) {
    const auto& why = dir == 0 ? eg : in;
    if (why.empty()) continue;
    t += dir == 0 ? "  egress of " + src_ep.Display() + ":\n" : "  ingress of " + dst_ep.Display() + ":\n";
    for (const auto& r : why) {
      if (wport > 0 && r.action == "Allow" && !ct.Get(r.conns).Contains(wproto, wport)) continue;
      t += "    " + r.Describe(m);
      if (r.conns != ConnTable::kNone) t += ": " + ct.Get(r.conns).Format();
      if (r.where.known()) t += " (" + LocationText(m, r.where) + ")";
      t += "\n";
    }
  }
  return true;
}

// A reach question when the input has several networks: answered in each
// network that has both endpoints (secondary networks only between
// workloads); the first network that allows it explains, else the first
// that has both. Endpoints on no common network are denied.
bool AnswerMultiReach(Loaded& l, const std::string& from, const std::string& to, int qproto, int qport, Json* json,
                      std::string* text, bool* allowed_out, std::string* error) {
  auto& views = l.split->views;
  if (l.view_engines.empty()) {
    for (const auto& v : views) {
      CollectingSink quiet;
      l.view_engines.push_back(std::make_unique<net::Engine>(*v.model, quiet, Flags().engine));
    }
  }
  bool outside = from == "internet" || to == "internet" || net::ParseCidr(from) || net::ParseCidr(to);
  int first_both = -1;
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (outside && views[i].kind == net::NetworkView::Kind::kNad) continue;
    net::Engine& e = *l.view_engines[i];
    std::vector<std::uint32_t> a, b;
    std::string ignored;
    if (!ResolveEndpoint(e, from, true, &a, false, &ignored) || !ResolveEndpoint(e, to, false, &b, false, &ignored))
      continue;
    Json j;
    std::string t;
    bool allowed = false;
    if (!AnswerReach(e, from, to, qproto, qport, &j, text ? &t : nullptr, &allowed, error)) continue;
    if (first_both < 0 || allowed) {
      j["network"] = views[i].Title();
      *json = j;
      if (text) *text = "network: " + views[i].Title() + "\n" + t;
      *allowed_out = allowed;
      first_both = static_cast<int>(i);
    }
    if (allowed) return true;
  }
  if (first_both >= 0) return true;
  // No network has both: say where each one is.
  std::string where_from, where_to;
  for (std::size_t i = 0; i < views.size(); ++i) {
    std::vector<std::uint32_t> x;
    std::string ignored;
    if (ResolveEndpoint(*l.view_engines[i], from, true, &x, false, &ignored))
      where_from += (where_from.empty() ? "" : ", ") + views[i].Title();
    if (ResolveEndpoint(*l.view_engines[i], to, false, &x, false, &ignored))
      where_to += (where_to.empty() ? "" : ", ") + views[i].Title();
  }
  if (where_from.empty() || where_to.empty()) {
    *error = "no pod, workload or address '" + (where_from.empty() ? from : to) + "' on any network of the input";
    return false;
  }
  *allowed_out = false;
  Json& j = *json;
  j["allowed"] = false;
  j["from"] = from;
  j["to"] = to;
  j["ports"] = "No Connections";
  j["network"] = nullptr;
  j["reason"] = "no common network: '" + from + "' is on " + where_from + "; '" + to + "' is on " + where_to;
  j["witness"] = nullptr;
  if (text) *text = "denied: no connection is allowed\n  " + j["reason"].get<std::string>() + "\n";
  return true;
}

struct ReachLine {
  std::size_t line = 0;
  std::string error, from, to;
  int proto = -1, port = 0;
};

// --requests FILE: {"from", "to", "port": "N/PROTO"} per line; one answer
// per line, in order, on one load (the classes of every named endpoint).
int RunReachBatch(NetFlags& f) {
  std::string text;
  if (!ReadRequestsFile(f.requests, &text)) return kExitUsage;
  std::vector<ReachLine> lines;
  ForEachRequest(text, [&](std::size_t n, const nlohmann::json* object) {
    ReachLine r;
    r.line = n;
    if (!object) {
      r.error = kNotAnObject;
    } else {
      const nlohmann::json& j = *object;
      r.from = RequestField(j, "from", true, &r.error);
      r.to = RequestField(j, "to", true, &r.error);
      std::string port = RequestField(j, "port", false, &r.error);
      if (r.error.empty() && !port.empty() && !ParsePortArg(port, &r.proto, &r.port))
        r.error = "\"port\" must be N or N/PROTO (TCP, UDP, SCTP), TYPE:CODE/icmp or TYPE:CODE/icmpv6, got '" + port + "'";
    }
    lines.push_back(std::move(r));
  });
  auto loaded = Load(f, [&](net::Engine& e) {
    std::vector<std::uint32_t> focus;
    for (const auto& r : lines) {
      if (!r.error.empty()) continue;
      std::vector<std::uint32_t> a, b;
      std::string ignored;
      ResolveEndpoint(e, r.from, true, &a, true, &ignored);
      ResolveEndpoint(e, r.to, false, &b, true, &ignored);
      focus.insert(focus.end(), a.begin(), a.end());
      focus.insert(focus.end(), b.begin(), b.end());
    }
    return focus;
  });
  if (!loaded) return kExitUsage;
  OutputStream out("");
  for (const auto& r : lines) {
    Json j;
    j["line"] = r.line;
    std::string error = r.error;
    Json a;
    bool allowed = false;
    bool compose_q = error.empty() && IsComposeQuestion(*loaded->session->model, *loaded->compose, r.from, r.to);
    bool ok = error.empty() &&
              (compose_q       ? AnswerComposeReach(*loaded->compose, r.from, r.to, r.proto, r.port, &a, nullptr, &allowed, &error)
               : loaded->split ? AnswerMultiReach(*loaded, r.from, r.to, r.proto, r.port, &a, nullptr, &allowed, &error)
                               : AnswerReach(*loaded->engine, r.from, r.to, r.proto, r.port, &a, nullptr, &allowed, &error));
    if (ok) {
      for (auto& [k, v] : a.items()) j[k] = v;
    } else {
      j["error"] = error;
    }
    out << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  return out.Close() ? kExitOk : kExitUsage;
}

int RunReach() {
  NetFlags& f = Flags();
  if (!f.requests.empty()) return RunReachBatch(f);
  if (f.from.empty() || f.to.empty()) {
    std::cerr << "error: give --from and --to, or --requests FILE\n";
    return kExitUsage;
  }
  int qproto = -1, qport = 0;
  if (!f.port.empty() && !ParsePortArg(f.port, &qproto, &qport)) {
    std::cerr << "error: --port must be N or N/PROTO (TCP, UDP, SCTP), TYPE:CODE/icmp or TYPE:CODE/icmpv6, got '"
              << f.port << "'\n";
    return kExitUsage;
  }
  if (!f.expect.empty() && f.expect != "allow" && f.expect != "deny") {
    std::cerr << "error: --expect must be 'allow' or 'deny'\n";
    return kExitUsage;
  }
  // Only the classes of the endpoints asked about are built.
  auto loaded = Load(f, [&](net::Engine& e) {
    std::vector<std::uint32_t> focus, to;
    ResolveEndpoint(e, f.from, true, &focus, /*candidates=*/true);
    ResolveEndpoint(e, f.to, false, &to, /*candidates=*/true);
    focus.insert(focus.end(), to.begin(), to.end());
    return focus;
  });
  if (!loaded) return kExitUsage;
  Json j;
  std::string text, error;
  bool allowed = false;
  bool compose_q = IsComposeQuestion(*loaded->session->model, *loaded->compose, f.from, f.to);
  bool ok = compose_q       ? AnswerComposeReach(*loaded->compose, f.from, f.to, qproto, qport, &j, &text, &allowed, &error)
            : loaded->split ? AnswerMultiReach(*loaded, f.from, f.to, qproto, qport, &j, &text, &allowed, &error)
                            : AnswerReach(*loaded->engine, f.from, f.to, qproto, qport, &j, &text, &allowed, &error);
  if (!ok) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  if (f.format == "json") WriteOutput("", j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  else WriteOutput("", text);
  if (!f.expect.empty() && (f.expect == "allow") != allowed) return kExitFindings;
  return kExitOk;
}

int RunEncryption() {
  NetFlags& f = Flags();
  auto loaded = Load(f);
  if (!loaded) return kExitUsage;
  const Model& m = *loaded->session->model;
  std::string out = f.format == "json" ? EncryptionJson(m).dump(2, ' ', false, Json::error_handler_t::replace) + "\n"
                                       : EncryptionText(m);
  return WriteOutput(f.out, out) ? kExitOk : kExitUsage;
}

int RunIntents() {
  NetFlags& f = Flags();
  auto loaded = Load(f);
  if (!loaded) return kExitUsage;
  return RunIntentsCheck(*loaded->session, *loaded->engine, f.intents, f.format.empty() ? "text" : f.format, f.out);
}

void AddEngineOptions(CLI::App* cmd, NetFlags& f) {
  cmd->add_flag("--host-network-as-pod", f.engine.host_network_as_pod,
                "Let policies select hostNetwork pods and selectors match them (netpol-analyzer's "
                "convention; by default they are outside NetworkPolicy)");
  cmd->add_flag("--ingress-declared-ports", f.engine.ingress_declared_ports,
                "Let the ingress controller reach a pod only on TCP ports its containers declare "
                "(netpol-analyzer's convention; by default on every target port the Service names)");
}

}  // namespace

Command NetCommand() {
  static int selected = 0;
  return Command{
      "net",
      [](CLI::App& app) {
        NetFlags& f = Flags();
        CLI::App* net = app.add_subcommand("net", "Network reachability queries (Kubernetes, Compose and Swarm) and encryption in transit");
        net->require_subcommand(1);
        CLI::App* reach = net->add_subcommand("reach", "Which connections may FROM open to TO?");
        reach->add_option("--from", f.from, "NS/POD, NS/KIND/NAME, PROJECT/SERVICE (Compose), an IP or CIDR, or internet");
        reach->add_option("--to", f.to, "NS/POD, NS/KIND/NAME, PROJECT/SERVICE (Compose), an IP or CIDR, or internet");
        reach->add_option("--requests", f.requests,
                          "Answer every request of this JSON Lines file on one load, one JSON answer per line "
                          "(docs/network.md)");
        reach->add_option("--port", f.port, "Only this port: N or N/PROTO (TCP, UDP, SCTP)");
        reach->add_option("--expect", f.expect, "Exit 1 unless the answer is this (allow or deny)");
        reach->add_option("--format", f.format, "Output format")->check(CLI::IsMember({"text", "json"}))->default_str("text");
        AddInputOptions(reach, &f.in, &f.verbose);
        AddEngineOptions(reach, f);
        reach->callback([] { selected = 1; });
        CLI::App* matrix = net->add_subcommand("matrix", "Every allowed connection, one line per pair");
        matrix->add_option("--format", f.format, "Output format")
            ->check(CLI::IsMember({"txt", "text", "json", "csv", "dot"}))
            ->default_str("txt");
        matrix->add_flag("--by-class", f.by_class, "Print equivalence classes and their connections instead");
        matrix->add_option("-o,--output", f.out, "Write to FILE");
        matrix->add_flag("--multi-network", f.multi_network,
                         "One section per network (pod network, UDN, CUDN, NAD) and each workload's networks, as "
                         "netpol-analyzer prints them (on by default when the input has UDNs, CUDNs or NADs)");
        AddInputOptions(matrix, &f.in, &f.verbose);
        AddEngineOptions(matrix, f);
        matrix->callback([] { selected = 2; });
        CLI::App* intents = net->add_subcommand("intents", "Check stated connectivity intents");
        intents->add_option("intents", f.intents, "Intents file (YAML, docs/network.md)")->required();
        intents->add_option("--format", f.format, "Output format")
            ->check(CLI::IsMember({"text", "json", "sarif"}))
            ->default_str("text");
        intents->add_option("-o,--output", f.out, "Write the report to FILE");
        AddInputOptions(intents, &f.in, &f.verbose);
        AddEngineOptions(intents, f);
        intents->callback([] { selected = 3; });
        CLI::App* enc = net->add_subcommand(
            "encryption", "Is traffic between nodes encrypted? Per cluster CNI and Docker overlay network");
        enc->add_option("--format", f.format, "Output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->default_str("text");
        enc->add_option("-o,--output", f.out, "Write the report to FILE");
        AddInputOptions(enc, &f.in, &f.verbose);
        enc->callback([] { selected = 4; });
      },
      [] {
        switch (selected) {
          case 1: return RunReach();
          case 2: return RunMatrix();
          case 3: return RunIntents();
          case 4: return RunEncryption();
        }
        return kExitUsage;
      }};
}

}  // namespace grantpath::cli

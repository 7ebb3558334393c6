// grantpath net intents: flows the user states must (or must not) exist,
// checked against the engine. Format: docs/network.md, "Intents".
#include "cli/net_intents.h"

#include <iostream>
#include <unistd.h>

#include "cli/commands.h"
#include "common/doc.h"
#include "common/fields.h"
#include "grantpath/file_reader.h"
#include "grantpath/spell.h"
#include "k8s/k8s_objects.h"
#include "output/report.h"
#include "rules/registry.h"

namespace grantpath::cli {
namespace {

using net::ConnTable;
using parsers::DocNode;

// A set of endpoints: every field given must hold (AND).
struct Selector {
  bool any = true;  // no field given: everything
  std::optional<std::string> ns;
  std::optional<k8s::LabelSelector> ns_sel, pod_sel;
  int workload = -2;  // endpoint of `workload: ns/name|ns/kind/name`; -2: not given, -1: none
  std::optional<net::IpRange> cidr;
  bool internet = false;
  bool external_only() const { return cidr.has_value() || internet; }
};

struct Intent {
  std::string name;
  SourceRange where;
  Selector from, to, only_from;
  bool has_only = false;
  std::string expect;  // "allow", "deny", "" with allowOnlyFrom
  ConnTable::Id ports = ConnTable::kAll;
  std::string ports_text = "all ports";
};

Selector ParseSelector(const DocNode& node, parsers::Fields& f, net::Engine& eng) {
  Selector s;
  if (!node.is_map()) {
    f.WrongType(node, "selector", "a map");
    return s;
  }
  for (const auto& e : node.entries) {
    s.any = false;
    if (e.key == "namespace") s.ns = f.Str(node, "namespace");
    else if (e.key == "namespaceSelector") s.ns_sel = parsers::ParseLabelSelector(e.value, f);
    else if (e.key == "podSelector") s.pod_sel = parsers::ParseLabelSelector(e.value, f);
    else if (e.key == "workload") {
      auto text = f.Str(node, "workload").value_or("");
      auto a = text.find('/'), b = text.rfind('/');
      s.workload = a == std::string::npos
                       ? -1
                       : eng.FindPod(text.substr(0, a), text.substr(b + 1), a == b ? "" : text.substr(a + 1, b - a - 1));
      if (s.workload < 0) f.Invalid(e.value, "no workload '" + text + "' in the input (use ns/name or ns/kind/name)");
    }
    else if (e.key == "cidr") {
      auto text = f.Str(node, "cidr").value_or("");
      s.cidr = net::ParseCidr(text);
      if (!s.cidr) f.Invalid(e.value, "'" + text + "' is not a valid CIDR");
    } else if (e.key == "internet") s.internet = f.Bool(node, "internet").value_or(false);
    else
      f.Invalid(e.value, "unknown selector field '" + e.key + "'" +
                             DidYouMean(e.key, {"namespace", "namespaceSelector", "podSelector", "workload", "cidr",
                                                "internet"}));
  }
  return s;
}

bool Selects(net::Engine& e, const Selector& s, std::uint32_t ep) {
  const auto& x = e.endpoints()[ep];
  if (x.kind == net::EndpointKind::kIngressController) return false;
  if (s.any) return true;
  if (x.kind == net::EndpointKind::kExternal) {
    if (!s.external_only()) return false;
    return s.internet || s.cidr->Overlaps(x.range);
  }
  if (s.external_only()) return false;
  if (s.ns && x.ns != *s.ns) return false;
  if (s.ns_sel && !s.ns_sel->Matches(e.NamespaceLabels(x.ns))) return false;
  if (s.pod_sel && !s.pod_sel->Matches(e.PodLabels(ep))) return false;
  if (s.workload != -2 && s.workload != static_cast<int>(ep)) return false;
  return true;
}

// Membership of every endpoint, computed once per selector.
std::vector<char> Members(net::Engine& e, const Selector& s) {
  std::vector<char> out(e.endpoints().size());
  for (std::uint32_t ep = 0; ep < out.size(); ++ep) out[ep] = Selects(e, s, ep);
  return out;
}

std::vector<Intent> ParseIntents(const DocNode& root, FileId file, DiagnosticSink& sink, net::Engine& e) {
  std::vector<Intent> out;
  parsers::Fields top(file, sink, "intents file");
  const DocNode* list = root.is_map() ? top.Seq(root, "intents") : nullptr;
  if (list == nullptr) {
    if (top.ok()) sink.Error("invalid-intents", "an intents file needs a top-level 'intents:' list", parsers::At(file, root.pos));
    return out;
  }
  for (const DocNode& item : list->items) {
    std::string label = "intent";
    if (item.is_map())
      if (const DocNode* n = item.Find("name"); n && n->is_scalar()) label = "intent '" + n->text + "'";
    parsers::Fields f(file, sink, label);
    if (!item.is_map()) {
      f.WrongType(item, "intents", "a list of intents");
      continue;
    }
    Intent in;
    in.where = parsers::At(file, item.pos);
    in.name = f.Required(item, "name");
    if (const DocNode* n = item.Find("from")) in.from = ParseSelector(*n, f, e);
    if (const DocNode* n = item.Find("to")) in.to = ParseSelector(*n, f, e);
    if (const DocNode* n = item.Find("allowOnlyFrom")) {
      in.only_from = ParseSelector(*n, f, e);
      in.has_only = true;
    }
    in.expect = f.Str(item, "expect").value_or("");
    if (f.ok() && !in.has_only && in.expect != "allow" && in.expect != "deny")
      f.Invalid(item, "an intent needs 'expect: allow', 'expect: deny' or 'allowOnlyFrom'");
    if (f.ok() && in.has_only && !in.expect.empty())
      f.Invalid(item, "'allowOnlyFrom' and 'expect' cannot be combined");
    if (const DocNode* ports = f.Seq(item, "ports")) {
      net::PortSet set;
      in.ports_text.clear();
      for (const DocNode& p : ports->items) {
        if (!p.is_scalar() || !net::ParsePortSpec(p.text, &set)) {
          f.Invalid(p, "a port is N, N/PROTO, N-M/PROTO or PROTO (TCP, UDP, SCTP), got '" + p.text + "'");
          continue;
        }
        in.ports_text += (in.ports_text.empty() ? "" : ",") + p.text;
      }
      in.ports = e.conns().Intern(set);
    }
    for (const auto& en : item.entries)
      if (en.key != "name" && en.key != "from" && en.key != "to" && en.key != "allowOnlyFrom" && en.key != "expect" &&
          en.key != "ports" && en.key != "description")
        f.Invalid(en.value, "unknown intent field '" + en.key + "'" +
                                DidYouMean(en.key, {"name", "from", "to", "allowOnlyFrom", "expect", "ports", "description"}));
    if (f.ok()) out.push_back(std::move(in));
  }
  return out;
}

}  // namespace

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
  std::vector<Intent> intents;
  std::size_t docs = parsers::ParseYaml(content.view(), file, parsers::ParseLimits{}, diags, [&](DocNode& root) {
    auto more = ParseIntents(root, file, diags, e);
    intents.insert(intents.end(), more.begin(), more.end());
  });
  bool invalid = false;
  for (const auto& d : diags.diagnostics()) {
    std::cerr << output::FormatDiagnostic(m, d) << "\n";
    invalid = invalid || d.level == DiagLevel::kError;
  }
  if (docs == 0 || invalid) {
    std::cerr << "error: the intents file is invalid; nothing was checked\n";
    return kExitUsage;
  }

  auto& ct = e.conns();
  const auto& eps = e.endpoints();
  FindingSink sink;
  const RuleInfo& info = rules::IntentViolationInfo();
  for (const auto& intent : intents) {
    std::size_t violations = 0;
    std::uint32_t ws = 0, wd = 0;
    ConnTable::Id wc = ConnTable::kNone;
    const std::vector<char> to = Members(e, intent.to);
    const std::vector<char> from = Members(e, intent.has_only ? intent.only_from : intent.from);
    for (std::uint32_t d = 0; d < eps.size(); ++d) {
      if (!to[d]) continue;
      if (eps[d].kind == net::EndpointKind::kExternal && eps[d].source_side) continue;
      for (std::uint32_t s = 0; s < eps.size(); ++s) {
        if (s == d) continue;
        if (eps[s].kind == net::EndpointKind::kExternal && !eps[s].source_side) continue;
        if (eps[s].kind != net::EndpointKind::kPod && eps[d].kind != net::EndpointKind::kPod) continue;
        if (intent.has_only == (from[s] != 0)) continue;  // allowOnlyFrom: sources outside it
        ConnTable::Id allowed = e.Allowed(s, d);
        ConnTable::Id bad = intent.expect == "allow" ? ct.Subtract(intent.ports, allowed)
                                                     : ct.Intersect(intent.ports, allowed);
        if (bad == ConnTable::kNone) continue;
        if (violations++ == 0) {
          ws = s;
          wd = d;
          wc = bad;
        }
      }
    }
    if (violations == 0) continue;
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    f.primary = intent.where;
    f.entity = "intent/" + intent.name;
    auto [proto, port] = ct.Get(wc).First();
    std::string what = intent.expect == "allow" ? "must be allowed but is denied" : "must be denied but is allowed";
    if (intent.has_only) what = "comes from outside allowOnlyFrom but is allowed";
    f.message = "intent '" + intent.name + "' is violated by " + std::to_string(violations) +
                " connection(s): e.g. " + eps[ws].Display() + " => " + eps[wd].Display() + " " +
                net::ProtocolName(proto) + " " + std::to_string(port) + " " + what;
    std::vector<net::Reason> eg, ing;
    e.Allowed(ws, wd, &eg, &ing);
    for (const auto* why : {&eg, &ing})
      for (const auto& r : *why)
        if (r.where.known()) f.related.push_back({r.where, (why == &eg ? "egress: " : "ingress: ") + r.Describe(m)});
    e.ConnectionWitness(f.witness, ws, wd, wc, "", intent.expect == "allow" ? "denied" : "allowed");
    f.witness.Add("violations", std::to_string(violations));
    sink.Add(std::move(f));
  }

  std::vector<const RuleInfo*> catalog;
  for (const auto& r : rules::AllRules()) catalog.push_back(&r->info());
  output::Report report;
  report.model = &m;
  report.rules = &catalog;
  report.findings = sink.Take();
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
    rendered += std::to_string(intents.size() - report.findings.size()) + " of " + std::to_string(intents.size()) +
                " intent(s) hold\n";
  }
  if (!WriteOutput(out_path, rendered)) return kExitUsage;
  return report.findings.empty() ? kExitOk : kExitFindings;
}

}  // namespace grantpath::cli

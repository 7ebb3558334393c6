// grantpath net intents: flows the user states must (or must not) exist,
// checked against the engine. Format: docs/network.md, "Intents".
#include "cli/net_intents.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "cli/commands.h"
#include "common/doc.h"
#include "common/fields.h"
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
  std::optional<std::string> workload;  // ns/name or ns/kind/name
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

bool ParsePorts(const std::string& s, net::PortSet* out) {
  // "8080", "8080/TCP", "8000-8100/UDP", "TCP", "53/UDP"
  std::string num = s, proto = "TCP";
  if (auto slash = s.find('/'); slash != std::string::npos) {
    num = s.substr(0, slash);
    proto = s.substr(slash + 1);
  } else if (net::ParseProtocol(s)) {
    out->Add(*net::ParseProtocol(s), 1, 65535);
    return true;
  }
  auto p = net::ParseProtocol(proto);
  if (!p) return false;
  int lo = 0, hi = 0;
  char dash = 0;
  std::istringstream in(num);
  if (!(in >> lo)) return false;
  hi = lo;
  if (in >> dash) {
    if (dash != '-' || !(in >> hi)) return false;
  }
  if (lo < 1 || hi > 65535 || lo > hi) return false;
  out->Add(*p, lo, hi);
  return true;
}

Selector ParseSelector(const DocNode& node, parsers::Fields& f) {
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
    else if (e.key == "workload") s.workload = f.Str(node, "workload");
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
  if (s.workload) {
    auto parts = *s.workload;
    auto a = parts.find('/'), b = parts.rfind('/');
    if (a == std::string::npos) return false;
    std::string ns = parts.substr(0, a), name = parts.substr(b + 1);
    std::string kind = a == b ? "" : parts.substr(a + 1, b - a - 1);
    if (e.FindPod(ns, name, kind) != static_cast<int>(ep)) return false;
  }
  return true;
}

std::vector<Intent> ParseIntents(const DocNode& root, FileId file, const Model& m, DiagnosticSink& sink,
                                 net::Engine& e) {
  std::vector<Intent> out;
  parsers::Fields top(file, sink, "intents file");
  const DocNode* list = root.is_map() ? top.Seq(root, "intents") : nullptr;
  if (list == nullptr) {
    if (top.ok()) sink.Error("invalid-intents", "an intents file needs a top-level 'intents:' list", parsers::At(file, root.pos));
    return out;
  }
  (void)m;
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
    if (const DocNode* n = item.Find("from")) in.from = ParseSelector(*n, f);
    if (const DocNode* n = item.Find("to")) in.to = ParseSelector(*n, f);
    if (const DocNode* n = item.Find("allowOnlyFrom")) {
      in.only_from = ParseSelector(*n, f);
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
        if (!p.is_scalar() || !ParsePorts(p.text, &set)) {
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
  std::ifstream in(intents_path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read intents file '" << intents_path << "'\n";
    return kExitUsage;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  FileId file = m.files.Add(intents_path, intents_path);
  CollectingSink diags;
  std::vector<Intent> intents;
  std::size_t docs = parsers::ParseYaml(text, file, parsers::ParseLimits{}, diags, [&](DocNode& root) {
    auto more = ParseIntents(root, file, m, diags, e);
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
    for (std::uint32_t d = 0; d < eps.size(); ++d) {
      if (!Selects(e, intent.to, d)) continue;
      if (eps[d].kind == net::EndpointKind::kExternal && eps[d].source_side) continue;
      for (std::uint32_t s = 0; s < eps.size(); ++s) {
        if (s == d) continue;
        if (eps[s].kind == net::EndpointKind::kExternal && !eps[s].source_side) continue;
        if (eps[s].kind != net::EndpointKind::kPod && eps[d].kind != net::EndpointKind::kPod) continue;
        bool in_from = intent.has_only ? !Selects(e, intent.only_from, s) : Selects(e, intent.from, s);
        if (!in_from) continue;
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
    f.witness.kind = "connection";
    f.witness.Add("src", eps[ws].Display());
    if (eps[ws].kind == net::EndpointKind::kExternal)
      f.witness.Add("source_address", net::FormatAddress(eps[ws].range.family, eps[ws].range.lo));
    f.witness.Add("dst", eps[wd].Display());
    if (eps[wd].kind == net::EndpointKind::kExternal)
      f.witness.Add("destination_address", net::FormatAddress(eps[wd].range.family, eps[wd].range.lo));
    f.witness.Add("protocol", net::ProtocolName(proto));
    f.witness.Add("port", std::to_string(port));
    f.witness.Add(intent.expect == "allow" ? "denied" : "allowed", ct.Get(wc).Format());
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

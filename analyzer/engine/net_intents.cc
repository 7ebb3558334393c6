#include "engine/net_intents.h"

#include <optional>

namespace grantpath::net {
namespace {

// A selector with its workload endpoint and address range resolved.
struct Resolved {
  const intents::Selector* s = nullptr;
  int workload = -2;  // -2: not given
  std::optional<IpRange> cidr;
};

bool Selects(Engine& e, const Resolved& r, std::uint32_t ep) {
  const intents::Selector& s = *r.s;
  const auto& x = e.endpoints()[ep];
  if (x.kind == EndpointKind::kIngressController) return false;
  if (s.any) return true;
  if (x.kind == EndpointKind::kExternal) {
    if (!s.external_only()) return false;
    return s.internet || (r.cidr && r.cidr->Overlaps(x.range));
  }
  if (s.external_only()) return false;
  if (s.ns && x.ns != *s.ns) return false;
  if (s.ns_sel && !s.ns_sel->Matches(e.NamespaceLabels(x.ns))) return false;
  if (s.pod_sel && !s.pod_sel->Matches(e.PodLabels(ep))) return false;
  if (r.workload != -2 && r.workload != static_cast<int>(ep)) return false;
  return true;
}

// Membership of every endpoint, computed once per selector.
std::vector<char> Members(Engine& e, const Resolved& r) {
  std::vector<char> out(e.endpoints().size());
  for (std::uint32_t ep = 0; ep < out.size(); ++ep) out[ep] = Selects(e, r, ep);
  return out;
}

}  // namespace

IntentCheck CheckIntents(Engine& e, const Model& m, const std::vector<intents::Intent>& list, const RuleInfo& info,
                         DiagnosticSink& sink) {
  IntentCheck out;
  auto& ct = e.conns();
  const auto& eps = e.endpoints();
  for (const auto& intent : list) {
    const std::string suffix = " (intent '" + intent.name + "' not checked)";
    bool ok = true;
    auto resolve = [&](const intents::Selector& s) {
      Resolved r;
      r.s = &s;
      if (s.workload) {
        const std::string& text = s.workload->value;
        auto a = text.find('/'), b = text.rfind('/');
        r.workload = a == std::string::npos
                         ? -1
                         : e.FindPod(text.substr(0, a), text.substr(b + 1), a == b ? "" : text.substr(a + 1, b - a - 1));
        if (r.workload < 0) {
          sink.Error("invalid-value", "no workload '" + text + "' in the input (use ns/name or ns/kind/name)" + suffix,
                     s.workload->where);
          ok = false;
        }
      }
      if (s.cidr) {
        r.cidr = ParseCidr(s.cidr->value);
        if (!r.cidr) {
          sink.Error("invalid-value", "'" + s.cidr->value + "' is not a valid CIDR" + suffix, s.cidr->where);
          ok = false;
        }
      }
      return r;
    };
    Resolved from = resolve(intent.has_only ? intent.only_from : intent.from);
    Resolved to = resolve(intent.to);
    ConnTable::Id ports = ConnTable::kAll;
    if (!intent.ports.empty()) {
      PortSet set;
      for (const auto& p : intent.ports)
        if (!ParsePortSpec(p.value, &set)) {
          sink.Error("invalid-value",
                     "a port is N, N/PROTO, N-M/PROTO or PROTO (TCP, UDP, SCTP), got '" + p.value + "'" + suffix,
                     p.where);
          ok = false;
        }
      ports = ct.Intern(set);
    }
    if (!ok) continue;
    ++out.checked;
    std::size_t violations = 0;
    std::uint32_t ws = 0, wd = 0;
    ConnTable::Id wc = ConnTable::kNone;
    const std::vector<char> dst = Members(e, to);
    const std::vector<char> src = Members(e, from);
    for (std::uint32_t d = 0; d < eps.size(); ++d) {
      if (!dst[d]) continue;
      if (eps[d].kind == EndpointKind::kExternal && eps[d].source_side) continue;
      for (std::uint32_t s = 0; s < eps.size(); ++s) {
        if (s == d) continue;
        if (eps[s].kind == EndpointKind::kExternal && !eps[s].source_side) continue;
        if (eps[s].kind != EndpointKind::kPod && eps[d].kind != EndpointKind::kPod) continue;
        if (intent.has_only == (src[s] != 0)) continue;  // allowOnlyFrom: sources outside it
        ConnTable::Id allowed = e.Allowed(s, d);
        ConnTable::Id bad = intent.expect == "allow" ? ct.Subtract(ports, allowed) : ct.Intersect(ports, allowed);
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
    f.message = "intent '" + intent.name + "' is violated by " + std::to_string(violations) + " connection(s): e.g. " +
                eps[ws].Display() + " => " + eps[wd].Display() + " " + FormatOne(proto, port) + " " + what;
    std::vector<Reason> eg, ing;
    e.Allowed(ws, wd, &eg, &ing);
    for (const auto* why : {&eg, &ing})
      for (const auto& r : *why)
        if (r.where.known()) f.related.push_back({r.where, (why == &eg ? "egress: " : "ingress: ") + r.Describe(m)});
    e.ConnectionWitness(f.witness, ws, wd, wc, "", intent.expect == "allow" ? "denied" : "allowed");
    f.witness.Add("violations", std::to_string(violations));
    out.violations.push_back(std::move(f));
  }
  return out;
}

}  // namespace grantpath::net

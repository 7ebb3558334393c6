#include "cli/net_compose.h"

#include <algorithm>

#include "cli/commands.h"
#include "engine/encryption.h"
#include "grantpath/spell.h"

namespace grantpath::cli {
namespace {

using Json = nlohmann::ordered_json;

bool NamesService(const compose::Engine& e, const std::string& arg) {
  auto slash = arg.find('/');
  if (slash == std::string::npos || arg.find('/', slash + 1) != std::string::npos) return false;
  return e.Find(arg.substr(0, slash), arg.substr(slash + 1)) >= 0;
}

// Compose endpoints for an argument: a service, the outside (internet, or
// an address or CIDR), or the host.
bool Resolve(const compose::Engine& e, const std::string& arg, std::uint32_t* out, std::string* error) {
  if (arg == "internet" || net::ParseCidr(arg)) {
    *out = e.external();
    return true;
  }
  if (arg == "host" || arg == "{docker-host}") {
    *out = e.host();
    return true;
  }
  auto slash = arg.find('/');
  if (slash != std::string::npos) {
    int i = e.Find(arg.substr(0, slash), arg.substr(slash + 1));
    if (i >= 0) {
      *out = static_cast<std::uint32_t>(i);
      return true;
    }
  }
  *error = "no Compose service '" + arg + "' (use PROJECT/SERVICE, internet, an IP or CIDR, or host)" +
           DidYouMean(arg, e.Names());
  return false;
}

}  // namespace

bool IsComposeQuestion(const Model& m, const compose::Engine& e, const std::string& from, const std::string& to) {
  if (m.docker_services.empty()) return false;
  if (NamesService(e, from) || NamesService(e, to)) return true;
  return m.k8s_workloads.empty();
}

bool AnswerComposeReach(compose::Engine& e, const std::string& from, const std::string& to, int qproto, int qport,
                        Json* json, std::string* text, bool* allowed_out, std::string* error) {
  const Model& m = e.model();
  std::uint32_t s = 0, d = 0;
  if (!Resolve(e, from, &s, error) || !Resolve(e, to, &d, error)) return false;
  std::vector<compose::Reason> why;
  net::PortSet got = e.Allowed(s, d, &why);
  bool allowed = qport > 0 ? got.Contains(qproto, qport) : !got.empty();
  *allowed_out = allowed;
  std::string src = e.endpoints()[s].Display(m), dst = e.endpoints()[d].Display(m);
  int wproto = qproto, wport = qport;
  if (allowed && qport == 0) std::tie(wproto, wport) = got.First();
  Json& j = *json;
  j["allowed"] = allowed;
  j["from"] = from;
  j["to"] = to;
  j["ports"] = got.Format();
  if (qport > 0) j["query"] = {{"protocol", net::ProtocolName(qproto)}, {"port", qport}};
  j["pairs"] = Json::array({{{"src", src}, {"dst", dst}, {"ports", got.Format()}}});
  j["egress"] = Json::array();
  j["ingress"] = Json::array();
  Json reasons = Json::array();
  for (const auto& r : why)
    reasons.push_back({{"reason", r.text}, {"location", r.where.known() ? LocationJson(m, r.where) : Json(nullptr)}});
  j["reasons"] = reasons;
  std::string src_addr = e.endpoints()[s].kind == compose::EndpointKind::kExternal
                             ? (net::ParseCidr(from) ? net::FormatAddress(net::ParseCidr(from)->family,
                                                                          net::ParseCidr(from)->lo)
                                                     : std::string("198.51.100.7"))
                             : "";
  if (allowed) {
    Json w{{"src", src}, {"dst", dst}, {"protocol", net::ProtocolName(wproto)}, {"port", wport}};
    if (!src_addr.empty()) w["source_address"] = src_addr;
    j["witness"] = w;
  } else {
    j["witness"] = nullptr;
  }
  if (!text) return true;
  std::string& t = *text;
  t = allowed ? "allowed" : "denied";
  if (qport > 0) {
    t += ": " + std::string(net::ProtocolName(qproto)) + " " + std::to_string(qport) +
         (allowed ? " is allowed" : " is not allowed");
    if (!allowed)
      t += got.empty() ? "; no connection is allowed between them"
                       : " (what is allowed between them: " + got.Format() + ")";
    t += "\n";
  } else {
    t += ": " + (got.empty() ? std::string("no connection is allowed") : got.Format()) + "\n";
  }
  if (allowed)
    t += "  witness: " + src + (src_addr.empty() ? "" : " (from " + src_addr + ")") + " => " + dst + " " +
         net::ProtocolName(wproto) + " " + std::to_string(wport) + "\n";
  for (const auto& r : why) {
    t += "    " + r.text;
    if (r.where.known()) t += " (" + LocationText(m, r.where) + ")";
    t += "\n";
  }
  return true;
}

void ComposeMatrix(const compose::Engine& e,
                   const std::function<void(const std::string&, const std::string&, const std::string&)>& f) {
  const Model& m = e.model();
  std::size_t n = e.endpoints().size();
  std::vector<std::uint32_t> order(n);
  std::vector<std::string> names(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    order[i] = i;
    names[i] = e.endpoints()[i].Display(m);
  }
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return names[a] < names[b]; });
  for (auto s : order)
    for (auto d : order) {
      if (s == d) continue;
      net::PortSet p = e.Allowed(s, d);
      if (!p.empty()) f(names[s], names[d], p.Format());
    }
}

std::string EncryptionText(const Model& m) {
  auto report = overlay::EncryptionReport(m);
  if (report.empty()) return "no CNI or overlay network configuration found (Calico, Cilium, Flannel, Docker overlay)\n";
  std::string t;
  for (const auto& st : report) {
    t += st.cni + " (" + st.scope + "): " + overlay::StateName(st.state) + ", " + st.encapsulation + "\n";
    t += "  decided by: " + st.decided_by;
    if (st.where.known()) t += " (" + LocationText(m, st.where) + ")";
    t += "\n";
    for (const auto& [where, role] : st.related) t += "  " + role + " (" + LocationText(m, where) + ")\n";
    if (st.state != overlay::State::kEncrypted) t += "  fix: " + st.fix + "\n";
  }
  return t;
}

Json EncryptionJson(const Model& m) {
  Json a = Json::array();
  for (const auto& st : overlay::EncryptionReport(m)) {
    Json rel = Json::array();
    for (const auto& [where, role] : st.related) rel.push_back({{"role", role}, {"location", LocationJson(m, where)}});
    a.push_back({{"cni", st.cni},
                 {"scope", st.scope},
                 {"encapsulation", st.encapsulation},
                 {"state", overlay::StateName(st.state)},
                 {"encrypted", st.state == overlay::State::kUnknown ? Json(nullptr)
                                                                    : Json(st.state == overlay::State::kEncrypted)},
                 {"decided_by", st.decided_by},
                 {"location", st.where.known() ? LocationJson(m, st.where) : Json(nullptr)},
                 {"fix", st.state == overlay::State::kEncrypted ? Json(nullptr) : Json(st.fix)},
                 {"related", rel}});
  }
  return {{"networks", a}};
}

}  // namespace grantpath::cli

// network-config-analyzer's Calico scheme tests (../shared/corpora/calico/nca):
// every query with an expected count is answered from the network engine
// and compared with NCA's count, following NCA's definitions
// (nca/NetworkConfig/NetworkConfigQuery.py at the corpus commit):
// equivalence, containment, two-way containment, vacuity, interferes,
// pairwise interferes, permits and forbids compare what configurations
// allow, per pod; emptiness, redundancy, sanity, disjointness and
// allCaptured read the compiled policies and remove policies and rules
// one at a time, per NCA layer: Kubernetes and Calico policies in one,
// Istio's AuthorizationPolicies in the other (NCA's Istio layer captures
// through ALLOW policies, on ingress, over TCP; it judges a policy by its
// own layer's connectivity). Inputs the engine does not model and NCA's departures
// from Calico are listed with their reason in
// tests/fixtures/nca/differences.txt, which this test keeps current
// (scripts/nca_reasons.py fills the reasons known by pattern).
// NCA_ONLY=TEXT runs the queries whose scheme and name contain TEXT;
// NCA_DEBUG=1 prints what decided.
#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <optional>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/doc.h"
#include "engine/net.h"
#include "engine/net_queries.h"
#include "loader.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using parsers::DocNode;

DocNode ParseOne(const std::string& text) {
  CollectingSink sink;
  DocNode root;
  parsers::ParseYaml(text, 0, parsers::ParseLimits{}, sink, [&](DocNode& d) { root = std::move(d); });
  return root;
}

std::vector<std::string> Strings(const DocNode* n) {
  std::vector<std::string> out;
  if (n == nullptr) return out;
  if (n->is_scalar()) out.push_back(n->text);
  for (const auto& i : n->items) out.push_back(i.text);
  return out;
}

// NCA's endpoint lists carry two quirks our loader rightly rejects:
// `"ports": {}` in containers and `//` comment lines. Both are repaired
// here, in memory.
std::string RepairedList(const std::string& path) {
  // `//` to the end of the line, outside strings.
  std::string raw = testing::ReadFile(path), text;
  bool in_string = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char ch = raw[i];
    if (in_string) {
      if (ch == '\\' && i + 1 < raw.size()) text += raw[i++];
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '/' && i + 1 < raw.size() && raw[i + 1] == '/') {
      while (i < raw.size() && raw[i] != '\n') ++i;
      ch = '\n';
    }
    text += ch;
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return text;
  std::function<void(json&)> fix = [&](json& v) {
    if (v.is_object()) {
      for (auto& [k, x] : v.items()) {
        if (k == "ports" && x.is_object() && x.empty()) x = json::array();
        fix(x);
      }
    } else if (v.is_array()) {
      for (auto& x : v) fix(x);
    }
  };
  fix(j);
  return j.dump(1);
}

// NCA accepts policy names that Calico's validator rejects (capitals,
// underscores); they are written in Calico's form here, in memory, and so
// are the queries' references to them.
std::string CalicoName(std::string n) {
  for (char& ch : n) {
    if (ch == '_') ch = '-';
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return n;
}

std::string CalicoNames(const std::string& text) {
  static const std::regex name(
      R"((^|\n|,|\{)(\s*"?name"?:\s*"?)([A-Za-z0-9_.-]*[A-Z_][A-Za-z0-9_.-]*)(?=\s*("|#|\n|$)))");
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator m(text.begin(), text.end(), name), e; m != e; ++m) {
    out.append(last, (*m)[0].first);
    out += (*m)[1].str() + (*m)[2].str() + CalicoName((*m)[3].str());
    last = (*m)[0].second;
  }
  out.append(last, text.cend());
  return out;
}

struct ConfigSpec {
  std::vector<std::string> files;  // policy files, absolute
  std::string pods, namespaces;    // absolute ("" = the scheme's)
  bool error = false;              // NCA expects an error loading it
};

struct Scheme {
  fs::path dir;
  std::string pods, namespaces;
  std::vector<std::string> resources;  // the scheme's resourceList: pods and namespaces
  std::map<std::string, ConfigSpec> configs;
};

Scheme ReadScheme(const fs::path& path) {
  Scheme s;
  s.dir = path.parent_path();
  DocNode root = ParseOne(testing::ReadFile(path.string()));
  auto abs = [&](const std::string& p) { return p.empty() ? p : (s.dir / p).lexically_normal().string(); };
  if (const DocNode* n = root.Find("podList")) s.pods = abs(n->text);
  if (const DocNode* n = root.Find("namespaceList")) s.namespaces = abs(n->text);
  for (const auto& f : Strings(root.Find("resourceList"))) s.resources.push_back(abs(f));
  if (const DocNode* list = root.Find("networkConfigList"))
    for (const auto& c : list->items) {
      ConfigSpec spec;
      for (const auto& f : Strings(c.Find("networkPolicyList"))) spec.files.push_back(abs(f));
      for (const auto& f : Strings(c.Find("resourceList"))) spec.files.push_back(abs(f));
      if (const DocNode* n = c.Find("podList")) spec.pods = abs(n->text);
      if (const DocNode* n = c.Find("namespaceList")) spec.namespaces = abs(n->text);
      spec.error = c.Find("expectedError") != nullptr;
      s.configs[c.Find("name")->text] = spec;
    }
  return s;
}

// The endpoints and policies a query's configuration names: "config",
// "config/policy" (a global policy), "config/namespace/policy" or
// "config/Kind/namespace/policy".
struct Config {
  Model model;
  CollectingSink sink;
  std::string error;  // why it cannot be answered here
};

void LoadEndpoints(const std::string& path, Config& c) {
  if (path.empty()) return;
  if (fs::is_directory(path)) {
    std::vector<fs::path> files;
    for (const auto& f : fs::recursive_directory_iterator(path))
      if (f.is_regular_file()) files.push_back(f.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) LoadEndpoints(f.string(), c);
    return;
  }
  if (!path.ends_with(".json")) {
    if (path.ends_with(".yaml") || path.ends_with(".yml")) testing::LoadString(c.model, c.sink, testing::ReadFile(path), path);
    return;
  }
  testing::LoadString(c.model, c.sink, RepairedList(path), path);
}

std::unique_ptr<Config> LoadConfig(const Scheme& s, const std::string& ref, bool policies,
                                   const std::string& extra_yaml) {
  auto c = std::make_unique<Config>();
  std::string name = ref.substr(0, ref.find('/'));
  auto it = s.configs.find(name);
  if (it == s.configs.end()) {
    c->error = "configuration '" + name + "' is not defined";
    return c;
  }
  const ConfigSpec& spec = it->second;
  if (spec.error) {
    c->error = "NCA expects an error loading it";
    return c;
  }
  const std::string& ns_list = spec.namespaces.empty() ? s.namespaces : spec.namespaces;
  const std::string& pod_list = spec.pods.empty() ? s.pods : spec.pods;
  LoadEndpoints(ns_list, *c);
  if (pod_list != ns_list) LoadEndpoints(pod_list, *c);  // one folder may hold both
  if (spec.pods.empty() && s.pods.empty())
    for (const auto& r : s.resources) LoadEndpoints(r, *c);
  if (policies)
    for (const auto& f : spec.files)
      testing::LoadString(c->model, c->sink, CalicoNames(f.ends_with(".json") ? RepairedList(f) : testing::ReadFile(f)), f);
  for (const auto& d : c->sink.diagnostics())
    if (d.level >= DiagLevel::kError && d.code != "empty-file") {  // NCA: an empty file has no policies
      c->error = "input not read: " + d.code + " " + d.message.substr(0, 80);
      return c;
    }
  // NCA's Istio layer takes `istio-config` as the mesh's root namespace
  // (Istio's default is istio-system): said here as a mesh setting.
  if (policies && !c->model.istio_authz.empty())
    testing::LoadString(c->model, c->sink,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\n"
                        "data:\n  mesh: \"rootNamespace: istio-config\"\n",
                        "nca-mesh-config.yaml");
  if (policies && ref != name) {  // one policy of the configuration
    std::string rest = ref.substr(name.size() + 1);
    std::vector<std::string> parts;
    for (std::size_t at = 0;;) {
      auto slash = rest.find('/', at);
      parts.push_back(rest.substr(at, slash - at));
      if (slash == std::string::npos) break;
      at = slash + 1;
    }
    if (parts.size() == 3) parts.erase(parts.begin());  // the kind
    std::string ns = parts.size() == 2 ? parts[0] : "", pol = CalicoName(parts.back());
    std::size_t kept = 0;
    std::vector<std::string> all;
    for (const auto& p : c->model.k8s_network_policies) all.push_back(p.meta.ns + "/" + p.meta.name);
    for (const auto& p : c->model.calico_policies) all.push_back(p.meta.ns + "/" + p.meta.name);
    auto keep = [&](const k8s::ObjectMeta& m) {
      bool k = m.name == pol && (ns.empty() || m.ns == ns);
      kept += k;
      return k;
    };
    std::erase_if(c->model.k8s_network_policies, [&](const auto& p) { return !keep(p.meta); });
    std::erase_if(c->model.calico_policies, [&](const auto& p) { return !keep(p.meta); });
    if (kept != 1) {
      c->error = "policy '" + rest + "' found " + std::to_string(kept) + " times";
      if (std::getenv("NCA_DEBUG")) for (const auto& p : all) c->error += " [" + p + "]";
    }
  }
  if (!extra_yaml.empty()) testing::LoadString(c->model, c->sink, extra_yaml, "address-boundaries.yaml");
  return c;
}

// Every address a configuration's files name, so that compared
// configurations share one partition of the address space.
std::set<std::string> Cidrs(const Scheme& s, const std::string& ref) {
  std::set<std::string> out;
  auto it = s.configs.find(ref.substr(0, ref.find('/')));
  if (it == s.configs.end()) return out;
  static const std::regex v4(R"((\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(/\d{1,2})?)");
  static const std::regex v6(R"(([0-9a-fA-F]{0,4}:[0-9a-fA-F:]{1,38})(/\d{1,3})?)");
  for (const auto& f : it->second.files) {
    std::string text = testing::ReadFile(f);
    for (std::sregex_iterator m(text.begin(), text.end(), v4), e; m != e; ++m)
      out.insert((*m)[1].str() + ((*m)[2].matched ? (*m)[2].str() : "/32"));
    for (std::sregex_iterator m(text.begin(), text.end(), v6), e; m != e; ++m)
      if ((*m)[1].str().find("::") != std::string::npos || std::count((*m)[1].first, (*m)[1].second, ':') == 7)
        out.insert((*m)[1].str() + ((*m)[2].matched ? (*m)[2].str() : "/128"));
  }
  return out;
}

// A NetworkPolicy that selects nothing and names every address: it only
// splits the address space.
std::string BoundaryPolicy(const std::set<std::string>& cidrs) {
  if (cidrs.empty()) return "";
  std::string peers;
  for (const auto& c : cidrs) peers += "    - ipBlock: {cidr: \"" + c + "\"}\n";
  return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: nca-boundaries, namespace: "
         "nca-none}\nspec:\n  podSelector: {matchLabels: {nca-none: \"1\"}}\n  policyTypes: [Ingress, Egress]\n"
         "  ingress:\n  - from:\n" + peers + "  egress:\n  - to:\n" + peers;
}

using Conns = std::map<std::pair<std::string, std::string>, net::PortSet>;

bool ContainedIn(const Conns& a, const Conns& b) {
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (!v.Subtract(it == b.end() ? net::PortSet::None() : it->second).empty()) return false;
  }
  return true;
}

// The policies of NCA's one Kubernetes+Calico layer, read from the
// engine's form: NetworkPolicies and Calico policies. NCA reads a
// Profile's labelsToApply but never its rules (every pod ends with an
// allow-all profile there), so Profiles are not policies of the layer.
struct LayerPolicy {
  const net::FormPolicy* form = nullptr;
  int layer = 0;        // 0: Kubernetes and Calico, 1: Istio
  bool allow = false;   // Istio: an ALLOW policy (NCA's Istio layer captures through these only)
  bool calico = false;
  std::uint32_t index = 0;  // in its Model vector
  std::optional<double> order;
  std::set<std::uint32_t> subjects;
  std::array<bool, 2> captures{};  // NCA's affects_ingress / affects_egress
  std::array<std::size_t, 2> rule_count{};
};

std::vector<LayerPolicy> Layer(const net::Engine& e) {
  const Model& m = e.model();
  std::vector<LayerPolicy> out;
  for (const auto& tier : e.form().tiers)
    for (const auto& p : tier.policies) {
      if (p.origin == net::Origin::kIstio) {
        if (p.kind != "AuthorizationPolicy") continue;  // the proxy's non-TCP pass; PeerAuthentication
        LayerPolicy l;
        l.form = &p;
        l.layer = 1;
        l.allow = tier.name == "istio-allow";
        l.index = p.index;
        // NCA's Istio layer assumes every pod runs a proxy: it captures
        // the pods a policy selects, enforced or not.
        l.subjects.insert(p.subjects.begin(), p.subjects.end());
        l.subjects.insert(p.unenforced.begin(), p.unenforced.end());
        l.captures = {true, false};
        l.rule_count = {m.istio_authz[p.index].rules.size(), 0};
        out.push_back(std::move(l));
        continue;
      }
      if (p.origin != net::Origin::kNetworkPolicy && p.origin != net::Origin::kCalico) continue;
      if (p.kind == "Profile" || p.kind == "FelixConfiguration" || p.kind == "HostEndpoint" ||
          p.name == "nca-none/nca-boundaries")
        continue;
      LayerPolicy l;
      l.form = &p;
      l.calico = p.origin == net::Origin::kCalico;
      l.index = p.index;
      l.subjects.insert(p.subjects.begin(), p.subjects.end());
      l.captures = p.applies;
      if (l.calico) {
        l.order = m.calico_policies[p.index].order;
        l.rule_count = {m.calico_policies[p.index].ingress.size(), m.calico_policies[p.index].egress.size()};
      } else {
        l.rule_count = {m.k8s_network_policies[p.index].ingress.size(), m.k8s_network_policies[p.index].egress.size()};
      }
      out.push_back(std::move(l));
    }
  return out;
}

// NCA's empty rules of a policy: per direction, the rule numbers whose
// peers (or, for Calico, whose side on the policy's own endpoints) match
// nothing, and how many "selects no ..." sentences NCA writes for them.
struct EmptyRules {
  std::array<std::set<int>, 2> rules;
  int sentences = 0;
};

EmptyRules Empty(const net::Engine& e, const LayerPolicy& p) {
  EmptyRules out;
  const auto& eps = e.endpoints();
  for (int dir = 0; dir < 2; ++dir) {
    for (const auto& r : p.form->rules[dir]) {
      bool peer = r.any_peer;
      for (std::uint32_t ep = 0; ep < eps.size() && !peer; ++ep) peer = e.RuleMatchesPeer(r, ep);
      bool own = true;
      if (p.calico) {
        own = false;
        for (auto ep : p.subjects) own = own || e.RuleMatchesSubject(r, ep);
      }
      out.sentences += !peer + !own;
      if (!peer || !own) out.rules[dir].insert(r.index);
    }
  }
  return out;
}

// The engine built on one loaded configuration.
struct Built {
  std::unique_ptr<Config> config;
  CollectingSink sink;
  std::unique_ptr<net::Engine> engine;
  void Rebuild() { engine = std::make_unique<net::Engine>(config->model, sink); }
};

// Every (source, destination) endpoint pair, named, with what is allowed:
// `all` is the verdict (NCA's all_allowed_conns); `captured` keeps what
// policies allow for the endpoints they capture (NCA's allowed_conns: the
// ingress verdict of a captured destination with the egress verdict of
// its source, or the egress verdict of a captured source with the ingress
// verdict of its destination).
struct PairConns {
  Conns all, captured;
};

// Keys are pods (each pod of an endpoint by its own name, so that two
// configurations whose policies group pods differently still compare) and
// address ranges.
PairConns Pairs(const Model& model) {
  PairConns out;
  CollectingSink sink;
  net::Engine e(model, sink);
  const auto& eps = e.endpoints();
  // Captured per layer: the Kubernetes/Calico layer per direction; the
  // Istio layer on ingress, by its ALLOW policies, for TCP only.
  std::array<std::vector<char>, 2> cap;
  for (auto& c : cap) c.assign(eps.size(), 0);
  std::vector<char> cap_istio(eps.size(), 0);
  for (const auto& p : Layer(e)) {
    if (p.layer == 1) {
      if (p.allow)
        for (auto ep : p.subjects) cap_istio[ep] = 1;
      continue;
    }
    for (int dir = 0; dir < 2; ++dir)
      if (p.captures[dir])
        for (auto ep : p.subjects) cap[dir][ep] = 1;
  }
  net::PortSet tcp;
  tcp.AddIpProtocol(6);
  std::vector<std::vector<std::string>> names(eps.size());
  for (std::uint32_t i = 0; i < eps.size(); ++i) {
    if (eps[i].kind != net::EndpointKind::kPod) {
      names[i].push_back(eps[i].Display());
      continue;
    }
    for (auto w : eps[i].workloads)
      names[i].push_back(model.k8s_workloads[w].meta.ns + "/" + model.k8s_workloads[w].meta.name);
  }
  auto& ct = e.conns();
  for (std::uint32_t s = 0; s < eps.size(); ++s) {
    if (eps[s].kind == net::EndpointKind::kIngressController) continue;
    if (eps[s].kind == net::EndpointKind::kExternal && !eps[s].source_side) continue;
    for (std::uint32_t d = 0; d < eps.size(); ++d) {
      if (eps[d].kind == net::EndpointKind::kIngressController) continue;
      if (d == s && names[s].size() < 2) continue;
      if (eps[d].kind == net::EndpointKind::kExternal && (eps[d].source_side || eps[s].kind != net::EndpointKind::kPod))
        continue;
      net::PortSet eg = ct.Get(e.Egress(s, d)), in = ct.Get(e.Ingress(s, d));
      net::PortSet all = eg.Intersect(in);
      net::PortSet c = net::PortSet::None();
      if (cap[0][d] || cap[1][s]) c = all;
      else if (cap_istio[d]) c = all.Intersect(tcp);
      if (all.empty()) continue;
      for (const auto& sn : names[s])
        for (const auto& dn : names[d]) {
          if (sn == dn) continue;
          out.all[{sn, dn}] = all;
          if (!c.empty()) out.captured[{sn, dn}] = c;
        }
    }
  }
  return out;
}

Conns Allowed(Config& c) { return Pairs(c.model).all; }

bool Intersects(const Conns& a, const Conns& b) {
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it != b.end() && !v.Intersect(it->second).empty()) return true;
  }
  return false;
}

struct Answer {
  long value = 0;
  std::string unanswered;  // why not
};

// NCA's redundancy of one configuration: a policy is redundant when the
// layer has more than one and removing it leaves the allowed connections
// unchanged; a rule of a policy that is not, likewise. `empty` (per
// policy) lists the rules sanity skips.
struct Redundancy {
  std::vector<bool> policy;                        // per LayerPolicy
  std::vector<std::array<std::set<int>, 2>> rules;  // per LayerPolicy
};

// What one layer allows alone (NCA compares a layer's own connectivity
// when it judges that layer's policies): the other layer's policies
// removed.
Conns LayerAllowed(const Model& m, int layer) {
  if (m.istio_authz.empty()) return Pairs(m).all;
  Model copy = m;
  if (layer == 0) {
    copy.istio_authz.clear();
  } else {
    copy.k8s_network_policies.clear();
    copy.calico_policies.clear();
  }
  return Pairs(copy).all;
}

Redundancy Redundant(Built& b, const std::vector<LayerPolicy>& layer) {
  Redundancy out;
  out.policy.assign(layer.size(), false);
  out.rules.resize(layer.size());
  Model& m = b.config->model;
  const std::array<Conns, 2> base = {LayerAllowed(m, 0), LayerAllowed(m, 1)};
  std::array<std::size_t, 2> in_layer{};
  for (const auto& p : layer) ++in_layer[p.layer];
  for (std::size_t i = 0; i < layer.size(); ++i) {
    const LayerPolicy& p = layer[i];
    auto unchanged = [&] { return LayerAllowed(m, p.layer) == base[p.layer]; };
    if (in_layer[p.layer] > 1) {
      if (p.layer == 1) {
        auto saved = m.istio_authz[p.index];
        m.istio_authz.erase(m.istio_authz.begin() + p.index);
        out.policy[i] = unchanged();
        m.istio_authz.insert(m.istio_authz.begin() + p.index, std::move(saved));
      } else if (p.calico) {
        auto saved = m.calico_policies[p.index];
        m.calico_policies[p.index].selector = cni::CalicoSelector{};
        m.calico_policies[p.index].ingress.clear();
        m.calico_policies[p.index].egress.clear();
        m.calico_policies[p.index].staged = true;
        out.policy[i] = unchanged();
        m.calico_policies[p.index] = std::move(saved);
      } else {
        auto saved = m.k8s_network_policies[p.index];
        m.k8s_network_policies.erase(m.k8s_network_policies.begin() + p.index);
        out.policy[i] = unchanged();
        m.k8s_network_policies.insert(m.k8s_network_policies.begin() + p.index, std::move(saved));
      }
    }
    if (out.policy[i]) continue;
    for (int dir = 0; dir < 2; ++dir)
      for (std::size_t r = 0; r < p.rule_count[dir]; ++r) {
        auto drop = [&](auto& rules) {
          auto saved = rules[r];
          rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(r));
          bool same = unchanged();
          rules.insert(rules.begin() + static_cast<std::ptrdiff_t>(r), std::move(saved));
          return same;
        };
        bool same = p.layer == 1 ? drop(m.istio_authz[p.index].rules)
                    : p.calico   ? drop(dir == 0 ? m.calico_policies[p.index].ingress : m.calico_policies[p.index].egress)
                                 : drop(dir == 0 ? m.k8s_network_policies[p.index].ingress
                                                 : m.k8s_network_policies[p.index].egress);
        if (same) out.rules[i][dir].insert(static_cast<int>(r));
      }
  }
  return out;
}

Answer Run(const Scheme& s, const std::string& type, const std::vector<std::string>& refs) {
  Answer a;
  // Loads two configurations over one address partition, or says why not.
  auto pair = [&](const std::string& x, const std::string& y, Conns* cx, Conns* cy, bool y_policies = true) {
    std::set<std::string> cidrs = Cidrs(s, x);
    for (const auto& c : Cidrs(s, y)) cidrs.insert(c);
    std::string extra = BoundaryPolicy(cidrs);
    auto lx = LoadConfig(s, x, true, extra), ly = LoadConfig(s, y, y_policies, extra);
    if (!lx->error.empty()) a.unanswered = x + ": " + lx->error;
    else if (!ly->error.empty()) a.unanswered = y + ": " + ly->error;
    if (!a.unanswered.empty()) return false;
    *cx = Allowed(*lx);
    *cy = Allowed(*ly);
    return true;
  };
  // Loads one configuration (with every address it names) and its engine.
  auto one = [&](const std::string& x, const std::string& partner = "") -> std::unique_ptr<Built> {
    std::set<std::string> cidrs = Cidrs(s, x);
    if (!partner.empty())
      for (const auto& c : Cidrs(s, partner)) cidrs.insert(c);
    auto b = std::make_unique<Built>();
    b->config = LoadConfig(s, x, true, BoundaryPolicy(cidrs));
    if (!b->config->error.empty()) {
      a.unanswered = x + ": " + b->config->error;
      return nullptr;
    }
    b->Rebuild();
    return b;
  };
  Conns c1, c2;
  if (type == "vacuity") {
    for (const auto& r : refs) {
      if (!pair(r, r, &c1, &c2, false)) return a;
      a.value += c1 == c2;
      if (std::getenv("NCA_DEBUG") && c1 == c2) std::fprintf(stderr, "vacuous: %s\n", r.c_str());
    }
  } else if (type == "equivalence" || type == "twoWayContainment") {
    for (std::size_t i = 0; i + 1 < refs.size(); ++i)
      for (std::size_t j = i + 1; j < refs.size(); ++j) {
        if (!pair(refs[i], refs[j], &c1, &c2)) return a;
        if (type == "equivalence") {
          a.value += c1 != c2;
          if (std::getenv("NCA_DEBUG") && c1 != c2) {
            for (const auto& [k, v] : c1)
              if (!c2.count(k) || !(c2.at(k) == v))
                std::fprintf(stderr, "%s vs %s: %s -> %s: %s / %s\n", refs[i].c_str(), refs[j].c_str(), k.first.c_str(),
                             k.second.c_str(), v.Format().c_str(), c2.count(k) ? c2.at(k).Format().c_str() : "-");
            for (const auto& [k, v] : c2)
              if (!c1.count(k))
                std::fprintf(stderr, "%s vs %s: %s -> %s: - / %s\n", refs[i].c_str(), refs[j].c_str(), k.first.c_str(),
                             k.second.c_str(), v.Format().c_str());
          }
        } else {
          bool in12 = ContainedIn(c1, c2), in21 = ContainedIn(c2, c1);
          a.value += in12 && in21 ? 3 : in12 ? 2 : in21 ? 1 : 0;
        }
      }
  } else if (type == "containment") {
    for (std::size_t i = 1; i < refs.size(); ++i) {
      if (!pair(refs[i], refs[0], &c1, &c2)) return a;
      a.value += ContainedIn(c1, c2);
    }
  } else if (type == "interferes" || type == "permits" || type == "forbids" || type == "pairwiseInterferes") {
    std::vector<std::pair<std::size_t, std::size_t>> runs;  // (config1, config2) as NCA runs them
    if (type == "pairwiseInterferes") {
      for (std::size_t i = 0; i < refs.size(); ++i)
        for (std::size_t j = 0; j < refs.size(); ++j)
          if (i != j) runs.emplace_back(i, j);
    } else {
      for (std::size_t i = 1; i < refs.size(); ++i) runs.emplace_back(i, 0);
    }
    for (auto [i, j] : runs) {
      auto b1 = one(refs[i], refs[j]), b2 = one(refs[j], refs[i]);
      if (!b1 || !b2) return a;
      if ((type == "permits" || type == "forbids") && Layer(*b1->engine).empty()) {
        a.unanswered = refs[i] + ": no policies (NCA does not run the query)";
        return a;
      }
      PairConns p1 = Pairs(b1->config->model), p2 = Pairs(b2->config->model);
      if (type == "permits") a.value += !ContainedIn(p1.captured, p2.all);
      else if (type == "forbids") {
        a.value += Intersects(p1.captured, p2.all);
        if (std::getenv("NCA_DEBUG"))
          for (const auto& [k, v] : p1.captured)
            if (p2.all.count(k) && !v.Intersect(p2.all.at(k)).empty())
              std::fprintf(stderr, "forbids %s: %s -> %s %s\n", refs[i].c_str(), k.first.c_str(), k.second.c_str(),
                           v.Intersect(p2.all.at(k)).Format().c_str());
      }
      else a.value += !ContainedIn(p1.captured, p2.captured);
    }
  } else if (type == "emptiness" || type == "disjointness" || type == "allCaptured" || type == "redundancy" ||
             type == "sanity") {
    for (const auto& r : refs) {
      auto b = one(r);
      if (!b) return a;
      net::Engine& e = *b->engine;
      std::vector<LayerPolicy> layer = Layer(e);
      if (type == "emptiness") {
        for (const auto& p : layer) {
          if (p.layer != 0) continue;  // no Istio configuration asks
          EmptyRules er = Empty(e, p);
          a.value += p.subjects.empty() + static_cast<long>(er.rules[0].size() + er.rules[1].size());
        }
      } else if (type == "disjointness") {
        for (std::size_t i = 0; i < layer.size(); ++i)
          for (std::size_t j = 0; j < i; ++j) {
            if (layer[i].subjects.empty() || layer[i].layer != layer[j].layer) continue;
            bool common = false;
            for (auto ep : layer[i].subjects) common = common || layer[j].subjects.count(ep);
            a.value += common;
          }
      } else if (type == "allCaptured") {
        // Per layer present: Kubernetes/Calico on both directions, Istio
        // on ingress (every Istio policy, ALLOW or DENY).
        std::array<std::set<std::uint32_t>, 3> captured;  // k8s ingress, k8s egress, istio
        std::array<bool, 2> present{};
        for (const auto& p : layer) {
          present[p.layer] = true;
          for (int dir = 0; dir < 2; ++dir)
            if (p.captures[dir])
              for (auto ep : p.subjects)
                for (auto w : e.endpoints()[ep].workloads) captured[p.layer == 1 ? 2 : dir].insert(w);
        }
        std::size_t pods = b->config->model.k8s_workloads.size();
        if (layer.empty()) {
          a.value += static_cast<long>(pods);
        } else {
          for (std::uint32_t w = 0; w < pods; ++w) {
            if (present[0]) a.value += !captured[0].count(w) + !captured[1].count(w);
            if (present[1]) a.value += !captured[2].count(w);
          }
        }
      } else if (type == "redundancy") {
        Redundancy red = Redundant(*b, layer);
        for (std::size_t i = 0; i < layer.size(); ++i)
          if (std::getenv("NCA_DEBUG"))
            std::fprintf(stderr, "%s %s policy=%d in=%zu eg=%zu\n", r.c_str(), layer[i].form->name.c_str(),
                         (int)red.policy[i], red.rules[i][0].size(), red.rules[i][1].size());
        for (std::size_t i = 0; i < layer.size(); ++i)
          a.value += red.policy[i] + static_cast<long>(red.rules[i][0].size() + red.rules[i][1].size());
      } else {  // sanity
        // Calico policies of one order whose allow and deny rules meet on
        // common endpoints: NCA stops at the first such pair.
        bool conflict = false;
        for (std::size_t i = 0; i < layer.size() && !conflict; ++i)
          for (std::size_t j = 0; j < i && !conflict; ++j) {
            const LayerPolicy &p = layer[i], &q = layer[j];
            if (!p.calico || !q.calico || p.order != q.order) continue;
            bool common = false;
            for (auto ep : p.subjects) common = common || q.subjects.count(ep);
            if (!common) continue;
            EmptyRules ep_ = Empty(e, p), eq = Empty(e, q);
            auto has = [&](const LayerPolicy& x, const EmptyRules& er, int dir, net::Action act) {
              for (const auto& r : x.form->rules[dir])
                if (r.action == act && !er.rules[dir].count(r.index)) return true;
              return false;
            };
            for (int dir = 0; dir < 2 && !conflict; ++dir)
              if (p.captures[dir] && q.captures[dir])
                conflict = (has(p, ep_, dir, net::Action::kAllow) && has(q, eq, dir, net::Action::kDeny)) ||
                           (has(p, ep_, dir, net::Action::kDeny) && has(q, eq, dir, net::Action::kAllow));
          }
        if (conflict) {
          a.value += 1;
          continue;
        }
        Conns none;
        {
          auto v = LoadConfig(s, r, false, BoundaryPolicy(Cidrs(s, r)));
          none = Allowed(*v);
        }
        bool vacuous = Allowed(*b->config) == none;
        a.value += vacuous;
        Redundancy red;
        if (!vacuous) red = Redundant(*b, layer);
        for (std::size_t i = 0; i < layer.size(); ++i) {
          const LayerPolicy& p = layer[i];
          if (std::getenv("NCA_DEBUG"))
            std::fprintf(stderr, "%s %s empty=%d rules=%d redundant=%d\n", r.c_str(),
                         p.form->name.c_str(), (int)p.subjects.empty(),
                         Empty(e, p).sentences, vacuous ? -1 : (int)red.policy[i]);
          if (p.subjects.empty()) {
            a.value += 1;
            continue;
          }
          EmptyRules er = Empty(e, p);
          a.value += er.sentences;
          if (vacuous) continue;
          if (red.policy[i]) {
            a.value += 1;
            continue;
          }
          for (int dir = 0; dir < 2; ++dir)
            for (int rule : red.rules[i][dir]) a.value += !er.rules[dir].count(rule);
        }
      }
    }
  } else if (type == "connectivityMap") {
    // NCA's count is always 0; the map itself is compared with NCA's
    // golden outputs elsewhere, not here. Agreement says the
    // configuration was read and its matrix computed.
    for (const auto& r : refs) {
      auto b = one(r);
      if (!b) return a;
      (void)Allowed(*b->config);
    }
  } else {
    a.unanswered = "query type not answered by this test";
  }
  return a;
}

TEST_CASE("network-config-analyzer Calico schemes: expected query counts agree", "[net][calico][corpora][nca]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  fs::path root = fs::path(corpora) / "calico" / "nca";
  json expected = json::parse(testing::ReadFile((root / "expected-queries.json").string()));
  std::map<std::string, Scheme> schemes;
  std::vector<std::string> diffs;
  std::map<std::string, int> seen_ids;
  std::size_t total = 0, answered = 0, agree = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_type;  // answered, agreeing
  for (const auto& q : expected["queries"]) {
    if (q["expected"].is_null()) continue;
    ++total;
    const std::string scheme = q["scheme"], type = q["type"], name = q["query"];
    if (const char* only = std::getenv("NCA_ONLY"); only && (scheme + " " + name).find(only) == std::string::npos)
      continue;  // a debugging aid: one scheme or query
    auto sit = schemes.find(scheme);
    if (sit == schemes.end()) sit = schemes.emplace(scheme, ReadScheme(root / scheme)).first;
    std::vector<std::string> refs = q["configs"];
    long want = q["expected"];
    Answer a = Run(sit->second, type, refs);
    auto cut = scheme.find("calico_testcases/");
    std::string id = (cut == std::string::npos ? scheme : scheme.substr(cut + 17)) + " " + name +
                     " (" + type + ")";
    if (int n = ++seen_ids[id]; n > 1) id += " #" + std::to_string(n);  // a query name the scheme repeats
    if (!a.unanswered.empty()) {
      diffs.push_back(id + ": not answered: " + a.unanswered);
      continue;
    }
    ++answered;
    ++by_type[type].first;
    if (a.value == want) {
      ++agree;
      ++by_type[type].second;
    } else {
      diffs.push_back(id + ": expected " + std::to_string(want) + ", got " + std::to_string(a.value));
    }
  }
  std::ostringstream header;
  header << "# network-config-analyzer Calico queries: " << agree << " of " << total << " expected counts agree; "
         << answered << " answered.\n";
  for (const auto& [t, n] : by_type) header << "#   " << t << ": " << n.second << " of " << n.first << "\n";
  testing::CheckDifferences(testing::SourceDir() + "/tests/fixtures/nca/differences.txt", header.str(), diffs);
  CHECK(total == 379);
}

}  // namespace
}  // namespace grantpath

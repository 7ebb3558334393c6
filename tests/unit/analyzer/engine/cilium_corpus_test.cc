// Cilium's connectivity suite (../shared/corpora/cilium/connectivity): the
// verdicts transcribed in tests/corpus/cilium/connectivity-verdicts.tsv
// must all agree, including whether an explicit deny or the default deny
// decided; every manifest of the suite is either there or in
// connectivity-differences.tsv with its reason. And the deny table of
// Cilium's documentation, on the TCP columns.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "engine/net.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

const char* const kNs = "cilium-test";

std::string Fixture() {
  auto pod = [](const std::string& name, const std::string& labels, bool echo) {
    return std::string("apiVersion: v1\nkind: Pod\nmetadata: {name: ") + name + ", namespace: " + kNs +
           ", labels: {" + labels + "}}\nspec:\n  serviceAccountName: " + name +
           "\n  containers: [{name: c, image: x" +
           (echo ? ", ports: [{name: http-8080, containerPort: 8080}]" : "") + "}]\n---\n";
  };
  // The suite runs on a Cilium cluster: its agent ConfigMap says so.
  return std::string("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\n"
                     "data: {enable-policy: default}\n---\n") +
         pod("client", "kind: client, name: client", false) +
         pod("client2", "kind: client, name: client2, other: client", false) +
         pod("client3", "kind: client, name: client3, other: client-other-node", false) +
         pod("echo-same-node", "kind: echo, name: echo-same-node, other: echo", true) +
         pod("echo-other-node", "kind: echo, name: echo-other-node, first: echo", true);
}

// The suite's Go templates with its default parameters.
std::string Substitute(std::string text) {
  const std::map<std::string, std::string> params = {
      {"TestNamespace", kNs},         {"ExternalCIDRv4", "1.0.0.0/8"},
      {"ExternalCIDRv6", "2606:4700:4700::/96"}, {"ExternalIPv4", "1.1.1.1"},
      {"ExternalIPv6", "2606:4700:4700::1111"},  {"ExternalOtherIPv4", "1.0.0.1"},
      {"ExternalOtherIPv6", "2606:4700:4700::1001"}, {"ClusterNameLocal", "default"},
      {"ExternalTarget", "one.one.one.one."}, {"ExternalOtherTarget", "k8s.io."}};
  std::regex tmpl(R"(\{\{\s*\.(\w+)\s*(\|\s*ipToCIDR\s*)?\}\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), tmpl);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += text.substr(last, static_cast<std::size_t>(it->position()) - last);
    auto p = params.find((*it)[1].str());
    std::string v = p == params.end() ? "" : p->second;
    if ((*it)[2].matched) v += v.find(':') != std::string::npos ? "/128" : "/32";
    out += v;
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  return out + text.substr(last);
}

struct Row {
  std::string test, manifests, src, dst, verdict;
  int port = 0;
};

std::vector<std::vector<std::string>> Tsv(const std::string& path) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(testing::ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream ls(line);
    std::string c;
    while (std::getline(ls, c, '\t')) cols.push_back(c);
    out.push_back(cols);
  }
  return out;
}

// "allow", "policy-deny" (an explicit deny rule decided) or "default-deny".
std::string Verdict(net::Engine& e, const std::string& src, const std::string& dst, int port) {
  int s = e.FindPod(kNs, src);
  REQUIRE(s >= 0);
  std::vector<std::uint32_t> dsts;
  if (dst.find('.') != std::string::npos && std::isdigit(static_cast<unsigned char>(dst[0]))) {
    dsts = e.ExternalOverlapping(*net::ParseCidr(dst), false);
    REQUIRE(dsts.size() == 1);
  } else {
    int d = e.FindPod(kNs, dst);
    REQUIRE(d >= 0);
    dsts.push_back(static_cast<std::uint32_t>(d));
  }
  std::vector<net::Reason> eg, in;
  auto c = e.Allowed(static_cast<std::uint32_t>(s), dsts[0], &eg, &in);
  if (e.conns().Get(c).Contains(net::kTCP, port)) return "allow";
  for (const auto* why : {&eg, &in})
    for (const auto& r : *why)
      if (r.tier == net::Reason::Tier::kCni && r.action == "Deny" && r.rule >= 0 &&
          e.conns().Get(r.conns).Contains(net::kTCP, port))
        return "policy-deny";
  return "default-deny";
}

TEST_CASE("Cilium connectivity suite: every transcribed verdict agrees", "[net][cilium][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  fs::path manifests = fs::path(corpora) / "cilium" / "connectivity" / "cilium-cli" / "connectivity" / "builder" /
                       "manifests";
  const std::string dir = testing::SourceDir() + "/tests/corpus/cilium/";
  std::map<std::pair<std::string, std::string>, std::vector<Row>> tests;
  std::set<std::string> used;
  for (const auto& cols : Tsv(dir + "connectivity-verdicts.tsv")) {
    REQUIRE(cols.size() == 6);
    Row r{cols[0], cols[1], cols[2], cols[3], cols[5], std::stoi(cols[4])};
    tests[{r.test, r.manifests}].push_back(r);
    std::istringstream ms(r.manifests);
    std::string m;
    while (std::getline(ms, m, ',')) used.insert(m);
  }
  std::size_t rows = 0, agree = 0;
  for (const auto& [key, list] : tests) {
    Model model;
    CollectingSink sink;
    testing::LoadString(model, sink, Fixture(), "fixture.yaml");
    std::istringstream ms(key.second);
    std::string m;
    parsers::LoadOptions options;
    options.k8s.default_namespace = kNs;
    while (std::getline(ms, m, ','))
      testing::LoadString(model, sink, Substitute(testing::ReadFile((manifests / m).string())), m, options);
    INFO(key.first << " [" << key.second << "]");
    for (const auto& d : sink.diagnostics()) INFO(d.message);
    CHECK(model.cilium_policies.size() + model.k8s_network_policies.size() > 0);
    net::Engine engine(model, sink);
    for (const auto& r : list) {
      std::string got = Verdict(engine, r.src, r.dst, r.port);
      INFO(r.src << " -> " << r.dst << ":" << r.port);
      CHECK(got == r.verdict);
      ++rows;
      agree += got == r.verdict;
    }
  }
  WARN("Cilium connectivity suite: " << agree << "/" << rows << " verdicts agree, over " << tests.size()
                                     << " tests");
  CHECK(rows == 96);
  // Every manifest is transcribed or has a stated reason, not both.
  std::set<std::string> explained;
  for (const auto& cols : Tsv(dir + "connectivity-differences.tsv")) {
    REQUIRE(cols.size() == 2);
    CHECK_FALSE(cols[1].empty());
    CHECK(used.count(cols[0]) == 0);
    explained.insert(cols[0]);
  }
  std::size_t files = 0;
  for (const auto& f : fs::directory_iterator(manifests)) {
    std::string name = f.path().filename().string();
    INFO(name);
    CHECK((used.count(name) + explained.count(name)) == 1);
    ++files;
  }
  CHECK(files == 100);
}

TEST_CASE("Cilium deny table: deny wins over every allow, and a deny-only policy still defaults to deny",
          "[net][cilium][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  // The table's columns: allow and deny sets; the TCP verdicts on 80 and
  // 81 (ping is ICMP, which the engine does not model: connectivity-differences.tsv).
  const std::string table = testing::ReadFile(fs::path(corpora) / "cilium" / "connectivity" / "deny-table.json");
  const std::map<std::string, std::string> allow_rules = {
      {"L7 HTTP", "  - toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{method: GET}]}}]\n"},
      {"L4 80/TCP", "  - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n"},
      {"L4 81/TCP", "  - toPorts: [{ports: [{port: \"81\", protocol: TCP}]}]\n"},
      {"L3 client", "  - fromEndpoints: [{matchLabels: {name: client}}]\n"}};
  const std::map<std::string, std::string> deny_rules = {
      {"L4 80/TCP", "  - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n"},
      {"L3 client", "  - fromEndpoints: [{matchLabels: {name: client}}]\n"}};
  // The five columns of deny.rst, in order.
  struct Column {
    std::vector<std::string> allow, deny;
    bool curl81, curl80;
  };
  const std::vector<Column> columns = {
      {{"L7 HTTP", "L4 80/TCP", "L4 81/TCP", "L3 client"}, {}, true, true},
      {{"L7 HTTP", "L4 80/TCP", "L4 81/TCP", "L3 client"}, {"L4 80/TCP"}, true, false},
      {{"L7 HTTP", "L4 80/TCP", "L4 81/TCP", "L3 client"}, {"L3 client"}, false, false},
      {{"L7 HTTP", "L4 80/TCP", "L4 81/TCP", "L3 client"}, {"L4 80/TCP", "L3 client"}, false, false},
      {{}, {"L4 80/TCP"}, false, false}};
  // The transcription above is the file's: same number of columns and verdicts.
  std::size_t pos = 0, count = 0;
  while ((pos = table.find("\"curl:80\"", pos)) != std::string::npos) ++count, ++pos;
  REQUIRE(count == columns.size());
  std::size_t checked = 0;
  for (const auto& col : columns) {
    std::string yaml = Fixture();
    yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: server, namespace: cilium-test, labels: {app: server}}\n"
            "spec: {containers: [{name: c, image: x}]}\n---\n";
    yaml += "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: cilium-test}\n"
            "spec:\n  endpointSelector: {matchLabels: {app: server}}\n";
    if (!col.allow.empty()) {
      yaml += "  ingress:\n";
      for (const auto& a : col.allow) yaml += allow_rules.at(a);
    }
    if (!col.deny.empty()) {
      yaml += "  ingressDeny:\n";
      for (const auto& d : col.deny) yaml += deny_rules.at(d);
    }
    Model model;
    CollectingSink sink;
    testing::LoadString(model, sink, yaml, "deny.yaml");
    REQUIRE(model.cilium_policies.size() == 1);
    net::Engine engine(model, sink);
    INFO(yaml);
    CHECK((Verdict(engine, "client", "server", 81) == "allow") == col.curl81);
    CHECK((Verdict(engine, "client", "server", 80) == "allow") == col.curl80);
    checked += 2;
  }
  CHECK(checked == 10);
}

}  // namespace
}  // namespace grantpath

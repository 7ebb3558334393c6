// Calico's own tier expectations (../shared/corpora/calico/tiers): the
// felix FV tiered-policy scenarios and the e2e tier cases must agree 100%.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/doc.h"
#include "engine/net.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using parsers::DocNode;
using parsers::ParseLimits;
using parsers::ParseYaml;

// A DocNode back to JSON text, so corpus objects written in flow YAML can
// be loaded as documents of their own. Unquoted numbers and booleans keep
// their type.
std::string ToJson(const DocNode& n) {
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  switch (n.type) {
    case DocNode::Type::kNull: return "null";
    case DocNode::Type::kScalar: {
      if (!n.quoted && (n.text == "true" || n.text == "false")) return n.text;
      bool num = !n.quoted && !n.text.empty() &&
                 n.text.find_first_not_of("0123456789") == std::string::npos;
      return num ? n.text : quote(n.text);
    }
    case DocNode::Type::kSeq: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) out += (i ? "," : "") + ToJson(n.items[i]);
      return out + "]";
    }
    case DocNode::Type::kMap: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.entries.size(); ++i)
        out += (i ? "," : "") + quote(n.entries[i].key) + ":" + ToJson(n.entries[i].value);
      return out + "}";
    }
  }
  return "null";
}

DocNode ParseOne(const std::string& text) {
  CollectingSink sink;
  DocNode root;
  ParseYaml(text, 0, ParseLimits{}, sink, [&](DocNode& d) { root = std::move(d); });
  return root;
}

struct Cluster {
  Model model;
  CollectingSink sink;
  std::unique_ptr<net::Engine> engine;
  void Load(const std::string& text, const std::string& name) { testing::LoadString(model, sink, text, name); }
  void Build() { engine = std::make_unique<net::Engine>(model, sink); }
  bool Tcp(const std::string& from, const std::string& to, int port) {
    auto ep = [&](const std::string& s) {
      auto slash = s.find('/');
      int e = engine->FindPod(s.substr(0, slash), s.substr(slash + 1));
      REQUIRE(e >= 0);
      return static_cast<std::uint32_t>(e);
    };
    net::ConnTable::Id c = engine->Allowed(ep(from), ep(to));
    return port > 0 ? engine->conns().Get(c).Contains(net::kTCP, port) : c != net::ConnTable::kNone;
  }
};

TEST_CASE("Calico felix FV tiered policy: every expectation of the three scenarios agrees", "[net][calico][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  fs::path dir = fs::path(corpora) / "calico" / "tiers" / "felix-fv-tiered-policy";
  const std::string workloads = testing::ReadFile((dir / "workloads.yaml").string());
  const std::string policies = testing::ReadFile((dir / "policies.yaml").string());
  DocNode expected = ParseOne(testing::ReadFile((dir / "expected.yaml").string()));
  REQUIRE(expected.is_map());
  const DocNode* base = expected.Find("base");
  const DocNode* scenarios = expected.Find("scenarios");
  REQUIRE(base != nullptr);
  REQUIRE(scenarios != nullptr);
  std::size_t checked = 0;
  for (const auto& sc : scenarios->entries) {
    std::string text = policies;
    if (sc.key.find("Pass") != std::string::npos) {
      const std::string tier1 = "spec: {order: 1}";
      auto at = text.find(tier1);
      REQUIRE(at != std::string::npos);
      text.replace(at, tier1.size(), "spec: {order: 1, defaultAction: Pass}");
    }
    Cluster c;
    c.Load(workloads, "workloads.yaml");
    c.Load(text, "policies.yaml");
    c.Build();
    for (const DocNode* list : {base, &sc.value})
      for (const DocNode& row : list->items) {
        std::string src = row.Find("src")->text, dst = row.Find("dst")->text;
        // The Service row: test-service sends to ep2-1's port 8055.
        if (dst.find("test-service") != std::string::npos) dst = "ep2-1";
        bool want = row.Find("allowed")->text == "true";
        INFO(sc.key << ": " << src << " -> " << dst << " (" << row.Find("why")->text << ")");
        CHECK(c.Tcp("default/" + src, "default/" + dst, 8055) == want);
        ++checked;
      }
  }
  CHECK(checked == 6 * 3 + 6);
}

TEST_CASE("Calico e2e tiers: Pass, a second tier and Log agree with every step", "[net][calico][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  DocNode doc = ParseOne(
      testing::ReadFile((fs::path(corpora) / "calico" / "tiers" / "e2e-tiers" / "scenarios.yaml").string()));
  REQUIRE(doc.is_map());
  const std::string ns = "tiers-e2e";
  auto objects = [&](const DocNode* list) {
    std::string out;
    if (list == nullptr) return out;
    for (const DocNode& o : list->items) {
      std::string json = ToJson(o);
      for (auto at = json.find("<ns>"); at != std::string::npos; at = json.find("<ns>")) json.replace(at, 4, ns);
      out += json + "\n---\n";
    }
    return out;
  };
  const std::string pods =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: " + ns +
      ", labels: {pod-name: client}}\nspec: {containers: [{name: c, image: x}]}\n---\n"
      "apiVersion: v1\nkind: Pod\nmetadata: {name: server, namespace: " + ns +
      ", labels: {pod-name: server}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\n";
  const std::string fixture = objects(doc.Find("fixture"));
  {
    Cluster c;
    c.Load(pods, "pods.yaml");
    c.Load(fixture, "fixture.yaml");
    c.Build();
    CHECK_FALSE(c.Tcp(ns + "/client", ns + "/server", 80));
  }
  std::size_t steps = 0;
  for (const DocNode& cs : doc.Find("cases")->items) {
    std::string added = objects(cs.Find("extra_fixture"));
    for (const DocNode& step : cs.Find("steps")->items) {
      added += objects(step.Find("add"));
      Cluster c;
      c.Load(pods, "pods.yaml");
      c.Load(fixture, "fixture.yaml");
      c.Load(added, "added.yaml");
      c.Build();
      bool want = step.Find("expect")->Find("client_to_server")->text == "allowed";
      INFO(cs.Find("name")->text << " step " << steps);
      CHECK(c.Tcp(ns + "/client", ns + "/server", 80) == want);
      CHECK(c.sink.diagnostics().empty());
      ++steps;
    }
  }
  CHECK(steps == 5);
}

TEST_CASE("Calico validator: policy, tier, rule and network set cases are errors exactly when Calico rejects them",
          "[net][calico][corpora]") {
  if (testing::CorporaDir().empty()) return;
  // tests/corpus/calico/policy-cases.json is converted from the corpus by
  // scripts/extract_calico_policy_cases.py; its differences are listed,
  // with their reasons, in policy-differences.tsv (kept current here:
  // GRANTPATH_UPDATE_DIFFERENCES=1 rewrites it, keeping the reasons).
  const std::string dir = testing::SourceDir() + "/tests/corpus/calico/";
  auto cases = nlohmann::json::parse(testing::ReadFile(dir + "policy-cases.json"));
  std::vector<std::string> diffs;
  int agree = 0, total = 0;
  for (const auto& tc : cases["cases"]) {
    Model m;
    CollectingSink sink;
    testing::LoadString(m, sink, tc["object"].dump(), "case.json");
    bool rejected = false;
    for (const auto& d : sink.diagnostics()) rejected |= d.level == DiagLevel::kError;
    const bool valid = tc["valid"].get<bool>();
    ++total;
    if (rejected == !valid) {
      ++agree;
      continue;
    }
    diffs.push_back(tc["kind"].get<std::string>() + ": " + tc["desc"].get<std::string>() +
                    (valid ? " (valid; grantpath reports an error)" : " (invalid; grantpath accepts it)"));
  }
  testing::CheckDifferences(dir + "policy-differences.tsv", "# case\treason (kept current by calico_corpus_test.cc)",
                            diffs);
  CHECK(total == 227);
  WARN("Calico validator policy cases: " << agree << " of " << total << " agree (" << cases["skipped"].size()
                                         << " not converted)");
}

}  // namespace
}  // namespace grantpath

// Agreement with Batfish's AWS traces (../shared/corpora/aws-vpc/batfish):
// every trace assertion of expected-traces.json, translated into an
// `aws reach` question by scripts/extract_batfish_cases.py
// (tests/corpus/aws-vpc/batfish-cases.json), is answered and compared by
// disposition (by "allowed" for bidirectional traces). Every case that
// does not agree, or cannot be asked, is listed with its reason in
// tests/corpus/aws-vpc/batfish-differences.tsv, which this test keeps
// current: run it with GRANTPATH_UPDATE_DIFFERENCES=1 to rewrite the file
// (reasons of known lines are kept, new lines get "TODO", which fails).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

std::string Quote(const std::string& s) { return "'" + s + "'"; }

TEST_CASE("AWS network: agreement with Batfish's trace assertions", "[corpus][aws-net]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  const std::string dir = testing::SourceDir() + "/tests/corpus/aws-vpc/";
  auto cases = nlohmann::json::parse(testing::ReadFile(dir + "batfish-cases.json"));
  REQUIRE(cases.size() == 67);
  // Known differences: key (first six columns) -> reason.
  std::map<std::string, std::string> known;
  {
    std::ifstream in(dir + "batfish-differences.tsv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto cut = line.rfind('\t');
      known[line.substr(0, cut)] = line.substr(cut + 1);
    }
  }
  std::map<std::string, std::string> now;  // key -> reason
  std::size_t agree = 0, asked = 0, hops_compared = 0, hops_agree = 0;
  for (const auto& c : cases) {
    std::string expected = c["expected"].is_string() ? c["expected"].get<std::string>() : "?";
    std::string ours;
    std::string from = c["from"].is_string() ? c["from"].get<std::string>() : "";
    if (from.empty()) {
      ours = "not asked: " + c["untranslated"].get<std::string>();
    } else {
      ++asked;
      auto r = testing::RunCli("aws reach --from " + Quote(from) + " --to " + Quote(c["to"].get<std::string>()) +
                               " --port " + Quote(c["port"].get<std::string>()) + " --format json " +
                               Quote(corpora + "/aws-vpc/batfish/" + c["snapshot"].get<std::string>()));
      if (r.exit_code != 0) {
        ours = r.err.substr(0, r.err.find('\n'));
      } else {
        auto j = nlohmann::json::parse(r.out);
        ours = expected == "allowed" ? (j["allowed"].get<bool>() ? "allowed" : "denied:" + j["disposition"].get<std::string>())
                                     : j["disposition"].get<std::string>();
        // Hop lists, where the dispositions agree: Batfish's own backbone
        // node (isp_16509) and grantpath's peering hops are left out;
        // consecutive repeats are one hop.
        if (ours == expected && c.contains("batfish_hop_ids")) {
          std::vector<std::string> theirs, mine;
          for (const auto& h : c["batfish_hop_ids"])
            if (h != "isp_16509") theirs.push_back(h.get<std::string>());
          for (const auto& h : j["hops"]) {
            std::string node = h["node"].get<std::string>();
            if (h["kind"] == "peering" || h["kind"] == "target-group") continue;  // nodes of grantpath's traces only
            if (mine.empty() || mine.back() != node) mine.push_back(node);
          }
          ++hops_compared;
          if (theirs == mine) {
            ++hops_agree;
          } else {
            std::string t, o;
            for (const auto& x : theirs) t += (t.empty() ? "" : " ") + x;
            for (const auto& x : mine) o += (o.empty() ? "" : " ") + x;
            std::string key = c["class"].get<std::string>() + "\t" + c["test"].get<std::string>() + "\t" + from +
                              "\t" + c["to"].get<std::string>() + "\thops: " + t + "\thops: " + o;
            while (now.count(key)) key += " (again)";
            now[key] = known.count(key) ? known[key] : "TODO";
          }
        }
      }
    }
    if (ours == expected) {
      ++agree;
      continue;
    }
    std::string key = c["class"].get<std::string>() + "\t" + c["test"].get<std::string>() + "\t" + from + "\t" +
                      (c["to"].is_string() ? c["to"].get<std::string>() : "") + "\t" + expected + "\t" + ours;
    // One test may assert the same question twice (two traces of one flow).
    while (now.count(key)) key += " (again)";
    now[key] = known.count(key) ? known[key] : "TODO";
  }
  if (std::getenv("GRANTPATH_UPDATE_DIFFERENCES")) {
    std::ofstream out(dir + "batfish-differences.tsv");
    out << "# class\ttest\tfrom\tto\tBatfish\tgrantpath\treason (kept current by aws_vpc_corpus_test.cc)\n";
    for (const auto& [k, reason] : now) out << k << "\t" << reason << "\n";
  }
  INFO("agree " << agree << " of " << cases.size() << " (asked " << asked << "); hop lists agree " << hops_agree
                 << " of " << hops_compared);
  for (const auto& [k, reason] : now) {
    INFO("difference: " << k);
    CHECK(known.count(k) == 1);  // a new difference: explain it in the file
    CHECK(reason != "TODO");
  }
  for (const auto& [k, reason] : known) {
    INFO("listed but no longer different: " << k);
    CHECK(now.count(k) == 1);
  }
  CHECK(agree >= 30);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

// aws-security-viz: the security-group edge list of its integration case,
// rebuilt from grantpath's parsed records (group references by group,
// 0.0.0.0/0 as "*", as the tool's configuration maps it).
TEST_CASE("AWS network: security group edges agree with aws-security-viz", "[corpus][aws-net]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  const std::string dir = corpora + "/aws-vpc/sg-viz/spec/integration/";
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, testing::ReadFile(dir + "dummy.json"), "dummy.json");
  REQUIRE(m.aws_security_groups.size() == 2);
  std::map<std::string, std::string> names;  // id -> name
  for (const auto& g : m.aws_security_groups) names[g.id] = g.name;
  names["sg-amzelb"] = "amazon-elb-sg";  // named only in the reference
  std::set<std::string> ours;
  for (const auto& g : m.aws_security_groups)
    for (const auto& r : g.ingress) {
      std::string label = std::to_string(r.from_port) + "/" + r.protocol;
      for (const auto& c : r.cidrs) ours.insert((c == "0.0.0.0/0" ? "*" : c) + "->" + g.name + " " + label);
      for (const auto& ref : r.groups) ours.insert(names[ref] + "->" + g.name + " " + label);
    }
  auto expected = nlohmann::json::parse(testing::ReadFile(dir + "expected.json"));
  std::set<std::string> theirs;
  for (const auto& e : expected["edges"])
    theirs.insert(e["source"].get<std::string>() + "->" + e["target"].get<std::string>() + " " +
                  e["label"].get<std::string>());
  CHECK(ours == theirs);
}

// CloudMapper's public nodes of its demo account: an ECS task, a classic
// ELB and an ALB (load balancers and ECS are not routed through yet); none
// of its three EC2 instances is public, and grantpath finds none either.
TEST_CASE("AWS network: CloudMapper's demo account has no internet-reachable instance", "[corpus][aws-net]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  auto r = testing::RunCli("aws exposure --format json '" + corpora + "/aws-vpc/cloudmapper/account-data/demo'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).empty());
  // Its "Public web" group is carried by the load balancers: in use.
  auto s = testing::RunCli("scan --rule aws-sg-open-to-world-unused --format json --fail-on none '" + corpora +
                           "/aws-vpc/cloudmapper/account-data/demo'");
  CHECK(nlohmann::json::parse(s.out)["findings"].empty());
}

}  // namespace
}  // namespace grantpath

// `aws reach` reads only the interfaces, instances and security groups a
// path between its two endpoints can use (parsers/aws/ec2_focus.h). This
// test asks every pair of endpoints of every AWS network export in the
// corpora (Batfish's snapshots, CloudMapper's demo account) and of
// tests/fixtures/aws-focus, as they are and with one instance per
// reservation, on several
// ports, once on a full read and once on the focused read of that pair,
// and requires the same trace: disposition, every hop with its location,
// the reply and the notes.
#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "aws/ec2_focus.h"
#include "engine/aws_net.h"
#include "grantpath/file_reader.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

std::string Where(const Model& m, const SourceRange& r) {
  if (!r.known()) return "-";
  return m.files.display_path(r.file) + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

std::string HopText(const Model& m, const awsnet::Hop& h) {
  return h.node + " [" + h.kind + "] " + h.detail + " @" + Where(m, h.where);
}

// The answer to one question as text, or the error resolving an endpoint.
std::string Ask(const Model& m, const std::string& from, const std::string& to, int protocol, int port) {
  awsnet::Engine e(m);
  std::string error;
  auto a = e.Resolve(from, true, &error);
  if (!a) return "from: " + error;
  auto b = e.Resolve(to, false, &error);
  if (!b) return "to: " + error;
  awsnet::Trace t = e.Reach(*a, *b, protocol, port);
  std::ostringstream out;
  out << t.disposition << (t.allowed() ? " allowed" : " denied") << "\n";
  for (const auto& h : t.hops) out << "  " << HopText(m, h) << "\n";
  if (t.reply_allowed) out << "  reply " << *t.reply_allowed << "\n";
  if (t.reply_hop) out << "  reply hop " << HopText(m, *t.reply_hop) << "\n";
  for (const auto& n : t.notes) out << "  note " << n << "\n";
  return out.str();
}

void LoadInto(const std::string& dir, const std::shared_ptr<parsers::Ec2Focus>& focus, Model& m) {
  DiskReader reader;
  parsers::LoadOptions options;
  if (focus) parsers::Ec2Focus::Apply(focus, options);
  CollectingSink sink;
  parsers::Load({dir}, reader, options, m, sink);
}

// A copy of an export folder (under the same two last folder names, which
// may give the region) where every reservation of describe-instances holds
// one instance: a reservation read for one of its instances then no longer
// brings the others along.
std::string SplitReservations(const std::string& dir, const std::string& into) {
  fs::path src(dir);
  fs::path dst = fs::path(into) / src.parent_path().filename() / src.filename();
  fs::create_directories(dst);
  for (const auto& f : fs::directory_iterator(src)) {
    if (!f.is_regular_file()) continue;
    std::string text = testing::ReadFile(f.path().string());
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("Reservations") && j["Reservations"].is_array()) {
      nlohmann::json split = nlohmann::json::array();
      for (const auto& r : j["Reservations"])
        for (const auto& i : r.value("Instances", nlohmann::json::array())) {
          nlohmann::json one = r;
          one["Instances"] = nlohmann::json::array({i});
          split.push_back(one);
        }
      j["Reservations"] = split;
      text = j.dump(2);
    }
    std::ofstream(dst / f.path().filename()) << text;
  }
  return dst.string();
}

TEST_CASE("aws reach: the focused read answers as the full read, on every pair of endpoints of the corpora",
          "[corpus][aws-net]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  std::set<std::string> dirs;
  for (const auto& f : fs::recursive_directory_iterator(corpora + "/aws-vpc/batfish"))
    if (f.path().filename() == "NetworkInterfaces.json") dirs.insert(f.path().parent_path().string());
  dirs.insert(corpora + "/aws-vpc/cloudmapper/account-data/demo");
  // An internet-facing ALB whose nodes are plain interfaces named by their
  // description, an Elastic IP, a route to an appliance's interface.
  dirs.insert(testing::SourceDir() + "/tests/fixtures/aws-focus/us-east-1");
  REQUIRE(dirs.size() >= 21);
  const std::string scratch = (fs::temp_directory_path() / ("grantpath-focus-" + std::to_string(::getpid()))).string();
  std::set<std::string> corpus_dirs = dirs;
  int n = 0;
  for (const auto& d : corpus_dirs) dirs.insert(SplitReservations(d, scratch + "/" + std::to_string(n++)));
  const std::vector<std::pair<int, int>> packets = {{awsnet::kTcp, 22}, {awsnet::kTcp, 80}, {awsnet::kTcp, 443}, {awsnet::kTcp, 8080}, {awsnet::kUdp, 53}, {awsnet::kIcmp, 8}, {awsnet::kAnyProtocol, -1}};
  std::size_t questions = 0, narrower = 0;
  for (const auto& dir : dirs) {
    Model full;
    LoadInto(dir, nullptr, full);
    // Endpoints: the internet and, of each kind, up to four: load
    // balancers, instances, interfaces, private and public addresses.
    std::vector<std::vector<std::string>> kinds(5);
    for (const auto& lb : full.aws_load_balancers) kinds[0].push_back(lb.name);
    for (const auto& i : full.aws_instances) kinds[1].push_back(i.id);
    for (const auto& i : full.aws_interfaces) {
      if (i.description != "(from describe-instances)") kinds[2].push_back(i.id);
      for (const auto& ip : i.private_ips) kinds[3].push_back(ip);
      for (const auto& ip : i.public_ips) kinds[4].push_back(ip);
    }
    std::vector<std::string> endpoints = {"internet"};
    for (auto& k : kinds) {
      std::sort(k.begin(), k.end());
      k.erase(std::unique(k.begin(), k.end()), k.end());
      for (std::size_t i = 0; i < k.size() && i < 4; ++i) endpoints.push_back(k[i * k.size() / std::min<std::size_t>(k.size(), 4)]);
    }
    for (const auto& from : endpoints)
      for (const auto& to : endpoints) {
        if (from == to) continue;
        auto focus = std::make_shared<parsers::Ec2Focus>(std::vector<std::string>{from, to});
        Model focused;
        LoadInto(dir, focus, focused);
        if (focused.aws_interfaces.size() < full.aws_interfaces.size() ||
            focused.aws_security_groups.size() < full.aws_security_groups.size())
          ++narrower;
        for (const auto& [protocol, port] : packets) {
          INFO(dir << ": " << from << " -> " << to << " protocol " << protocol << " port " << port);
          CHECK(Ask(focused, from, to, protocol, port) == Ask(full, from, to, protocol, port));
          ++questions;
        }
      }
  }
  fs::remove_all(scratch);
  INFO(questions << " questions, " << narrower << " focused reads narrower than the full read");
  CHECK(questions >= 2000);
  CHECK(narrower >= questions / 8);  // the focus does leave things out
}

}  // namespace
}  // namespace grantpath

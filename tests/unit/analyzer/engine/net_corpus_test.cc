// netpol-analyzer's connlist goldens: grantpath's `net matrix` must print
// the same set of lines for every plain case, except the cases listed in
// tests/fixtures/netpol-analyzer/differences.txt (documented differences).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

// netpol-analyzer's connections are TCP, UDP and SCTP ("All Connections"
// is all three); grantpath's also hold ICMP and the other IP protocols.
// A line of ours is projected onto netpol-analyzer's three protocols (and
// dropped when nothing remains).
std::string PortProtocolsOnly(const std::string& conn) {
  if (conn == "All Connections") return conn;
  std::string out, proto;
  std::istringstream items(conn);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (!item.empty() && std::isalpha(static_cast<unsigned char>(item[0])) && item.rfind("type", 0) != 0)
      proto = item.substr(0, item.find(' '));
    if (proto == "TCP" || proto == "UDP" || proto == "SCTP") out += (out.empty() ? "" : ",") + item;
  }
  return out == "SCTP 1-65535,TCP 1-65535,UDP 1-65535" ? "All Connections" : out;
}

std::set<std::string> Lines(const std::string& text, bool ours = false) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (auto sep = line.rfind(" : "); ours && sep != std::string::npos) {
      std::string conn = PortProtocolsOnly(line.substr(sep + 3));
      line = conn.empty() ? "" : line.substr(0, sep + 3) + conn;
    }
    if (!line.empty()) out.insert(line);
  }
  return out;
}

std::map<std::string, std::string> Differences() {
  std::map<std::string, std::string> out;
  std::istringstream in(testing::ReadFile(testing::SourceDir() + "/tests/fixtures/netpol-analyzer/differences.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    out[line.substr(0, sp)] = sp == std::string::npos ? "" : line.substr(sp + 1);
  }
  return out;
}

TEST_CASE("net matrix agrees with netpol-analyzer's connlist goldens", "[net][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  fs::path base = fs::path(corpora) / "k8s-netpol" / "netpol-analyzer";
  auto known = Differences();
  std::size_t cases = 0, agree = 0;
  std::vector<std::string> unexpected, stale;
  for (const auto& dir : fs::directory_iterator(base / "tests")) {
    std::string name = dir.path().filename().string();
    fs::path golden = base / "test_outputs" / "connlist" / (name + "_connlist_output.txt");
    if (!fs::exists(golden)) continue;
    ++cases;
    // netpol-analyzer's multi-network cases run with --multiple-networks;
    // --multi-network gives its per-network sections and mapping.
    bool multi = name.rfind("udn", 0) == 0 || name.rfind("cudn", 0) == 0 || name.rfind("nad_", 0) == 0 ||
                 name == "virtual_machines_example";
    // --host-network-as-pod and --ingress-declared-ports take its two conventions.
    auto r = testing::RunCli(std::string("net matrix --host-network-as-pod --ingress-declared-ports ") +
                             (multi ? "--multi-network " : "") +
                             "'" + dir.path().string() + "'");
    INFO(name << ": " << r.err);
    REQUIRE((r.exit_code == 0 || known.count(name) > 0));  // VM-only cases have no pod
    bool same = Lines(r.out, true) == Lines(testing::ReadFile(golden.string()));
    if (same) ++agree;
    if (!same && !known.count(name)) unexpected.push_back(name);
    if (same && known.count(name)) stale.push_back(name);
  }
  WARN("netpol-analyzer connlist agreement: " << agree << "/" << cases << " cases (" << known.size()
                                              << " documented differences)");
  CHECK(cases == 136);
  CHECK(unexpected.empty());
  CHECK(stale.empty());
  CHECK(agree + known.size() == cases);
}

TEST_CASE("netpol-analyzer's error cases give diagnostics, never a crash", "[net][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  fs::path base = fs::path(corpora) / "k8s-netpol" / "netpol-analyzer" / "tests";
  // Inputs the API server or netpol-analyzer reject, with the diagnostic
  // grantpath gives for each.
  const std::map<std::string, std::string> kCases = {
      {"bad_netpols/subdir1", "is not a valid CIDR"},
      {"bad_netpols/subdir2", "invalid label key 'app@b'"},
      {"bad_netpols/subdir3", "cannot also have podSelector or namespaceSelector"},
      {"bad_netpols/subdir4", "a peer needs podSelector, namespaceSelector or ipBlock"},
      {"bad_netpols/subdir6", "cannot be resolved for ipBlock destinations"},
      {"bad_netpols/subdir7", "invalid label value '$backendservice'"},
      {"np_bad_path_test_1", "is also defined at"},
      {"np_bad_path_test_2", "endPort needs a numeric port"},
      {"np_test_with_empty_port_range", "endPort must be between port and 65535"},
      {"anp_bad_path_test_1", "have the same priority"},
      {"anp_bad_path_test_2", "priority must be 0-1000"},
      {"anp_bad_path_test_3", "is defined twice"},
      {"anp_bad_path_test_4", "missing required field 'subject'"},
      {"anp_bad_path_test_5", "subject needs exactly one of"},
      {"anp_bad_path_test_6", "a rule needs at least one peer in 'to'"},
      {"anp_bad_path_test_7", "a peer needs exactly one of"},
      {"anp_bad_path_test_8", "a port needs exactly one of"},
      {"anp_bad_path_test_9", "action must be Allow, Deny or Pass"},
      {"anp_bad_path_test_14", "a rule needs at least one peer in 'from'"},
      {"anp_bad_path_test_19", "is not a valid CIDR"},
      {"anp_test_with_empty_port_range", "portRange end must not be below start"},
      {"banp_bad_path_test_1", "more than one BaselineAdminNetworkPolicy"},
      {"banp_bad_path_test_2", "must be named 'default'"},
      {"banp_bad_path_test_8", "action must be Allow or Deny"},
      {"bad_path_namespace_with_same_name", "is defined twice"},
      {"udn_bad_path_test_1", "topology must be Layer2 or Layer3, got 'Layer4'"},
      {"udn_bad_path_test_2", "needs exactly the 'layer2' configuration"},
      {"udn_bad_path_test_3", "role must be Primary or Secondary, got 'Admin'"},
      {"udn_bad_path_test_4", "cannot be named 'default'"},
      {"udn_bad_path_test_5", "cannot be created in namespace 'default'"},
      {"udn_bad_path_test_6", "cannot be created in namespace 'openshift-oc'"},
      {"udn_bad_path_test_7", "is selected by two primary networks"},
      {"cudn_bad_test_1", "is selected by two primary networks"},
      {"udn_warning_test_1", "has role Secondary, which is not modelled"},
      {"udn_warning_test_2", "which the input does not define: it is ignored"},
      {"udn_warning_test_3", "lacks the label k8s.ovn.org/primary-user-defined-network"},
      {"cudn_test_3", "lacks the label k8s.ovn.org/primary-user-defined-network: that selection is ignored"},
      {"cudn_warning_test_1", "selects no namespace of the input"},
      {"udn_and_vms_test_5", "is a KubeVirt virt-launcher pod"},
  };
  for (const auto& [dir, expect] : kCases) {
    INFO(dir);
    auto r = testing::RunCli("net matrix '" + (base / dir).string() + "'");
    CHECK((r.exit_code == 0 || r.exit_code == 2));
    CHECK(r.err.find(expect) != std::string::npos);
  }
}

}  // namespace
}  // namespace grantpath

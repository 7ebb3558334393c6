#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>

#include "loader.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using testing::Formatted;

const char* kSa = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: x}\n";

struct TempTree {
  fs::path root;
  TempTree() {
    char tmpl[] = "/tmp/grantpath-loader-XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  ~TempTree() {
    std::error_code ec;
    fs::permissions(root / "locked", fs::perms::owner_all, ec);
    fs::remove_all(root, ec);
  }
  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << content;
  }
  // Every entry with its size and modification time.
  std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> Snapshot() const {
    std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> out;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied);
         it != fs::recursive_directory_iterator(); ++it) {
      std::error_code ec;
      auto size = it->is_regular_file(ec) ? it->file_size(ec) : 0;
      out[it->path().string()] = {size, fs::last_write_time(it->path(), ec)};
    }
    return out;
  }
};

struct Loaded {
  Model model;
  CollectingSink sink;
  parsers::LoadStats stats;
};

std::unique_ptr<Loaded> LoadPaths(const std::vector<std::string>& paths,
                                  parsers::LoadOptions opts = {}) {
  auto l = std::make_unique<Loaded>();
  DiskReader reader;
  l->stats = parsers::Load(paths, reader, opts, l->model, l->sink);
  return l;
}

TEST_CASE("Directories are walked recursively; hidden entries are skipped", "[parsers][loader]") {
  TempTree t;
  t.Write("a/sa.yaml", kSa);
  t.Write("a/b/sa.json",
          R"({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "b", "namespace": "x"}})");
  t.Write(".git/config.yaml", kSa);
  t.Write("a/.hidden/sa.yaml", kSa);
  t.Write("README.md", "# docs\nkind: not yaml here\n");
  // Line-delimited JSON (request batches, logs) is never an export.
  t.Write("requests.jsonl", "{\"from\": \"a\"}\n{\"from\": \"b\"}\n");
  t.Write("events.ndjson", "{\"kind\": \"ServiceAccount\"}\n{}\n");
  t.Write("noext", kSa);  // recognised by content
  auto l = LoadPaths({t.root.string()});
  // a/sa.yaml and noext define the same ServiceAccount: that warning only.
  REQUIRE(l->sink.diagnostics().size() == 1);
  CHECK(l->sink.diagnostics()[0].code == "duplicate-object");
  CHECK(l->model.k8s_service_accounts.size() == 3);
  CHECK(l->stats.files_with_objects == 3);
}

TEST_CASE("Symlinks are followed only inside the scanned tree", "[parsers][loader]") {
  TempTree outside;
  outside.Write("secret.yaml", kSa);
  TempTree t;
  t.Write("real/sa.yaml", kSa);
  fs::create_symlink(outside.root / "secret.yaml", t.root / "escape.yaml");
  fs::create_directory_symlink(outside.root, t.root / "escape-dir");
  fs::create_symlink(t.root / "real" / "sa.yaml", t.root / "inside.yaml");
  fs::create_directory_symlink(t.root, t.root / "real" / "loop");
  parsers::LoadOptions opts;
  opts.verbose = true;
  auto l = LoadPaths({t.root.string()}, opts);
  // real/sa.yaml and inside.yaml (and the loop is cut).
  CHECK(l->model.k8s_service_accounts.size() == 2);
  auto msgs = Formatted(l->model, l->sink);
  // The same ServiceAccount read twice (through the link) is a duplicate: not this test's subject.
  msgs.erase(std::remove_if(msgs.begin(), msgs.end(),
                            [](const std::string& x) { return x.find("[duplicate-object]") != std::string::npos; }),
             msgs.end());
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0] == t.root.string() +
                       "/escape-dir: note: symlink points outside the scanned tree; not followed "
                       "[skipped]");
  CHECK(msgs[1] == t.root.string() +
                       "/escape.yaml: note: symlink points outside the scanned tree; not followed "
                       "[skipped]");
}

TEST_CASE("Scanning never writes into the scanned tree", "[parsers][loader]") {
  TempTree t;
  t.Write("sa.yaml", kSa);
  t.Write("bad.yaml", "a: [1,\n");
  t.Write("d/x.json", "{\"Statement\": []}");
  auto before = t.Snapshot();
  auto l = LoadPaths({t.root.string()});
  CHECK(t.Snapshot() == before);
  auto r = testing::RunCli("scan '" + t.root.string() + "' --format sarif");
  CHECK(r.exit_code == 0);
  CHECK(t.Snapshot() == before);
}

TEST_CASE("Unreadable, empty, binary and oversized files are reported and skipped",
          "[parsers][loader][errors]") {
  TempTree t;
  t.Write("ok.yaml", kSa);
  t.Write("empty.yaml", "  \n\n");
  t.Write("bin.json", std::string("{\0\1\2", 4));
  t.Write("big.yaml", kSa + std::string(200, '#'));
  t.Write("locked/x.yaml", kSa);
  fs::permissions(t.root / "locked", fs::perms::none);
  bool root_user = ::geteuid() == 0;  // root reads through permissions
  parsers::LoadOptions opts;
  opts.max_file_size = 150;
  auto l = LoadPaths({t.root.string(), (t.root / "missing.yaml").string()}, opts);
  auto msgs = Formatted(l->model, l->sink);
  msgs.erase(std::remove_if(msgs.begin(), msgs.end(),
                            [](const std::string& x) { return x.find("[duplicate-object]") != std::string::npos; }),
             msgs.end());
  std::vector<std::string> expected = {
      t.root.string() + "/big.yaml:1:1: error: file is 270 bytes, over the limit of 150 "
                        "(--max-file-size); skipped [file-too-large]",
      t.root.string() + "/bin.json:1:1: error: file contains NUL bytes; not YAML or JSON [binary-file]",
      t.root.string() + "/empty.yaml:1:1: error: file is empty [empty-file]",
  };
  if (!root_user)
    expected.push_back(t.root.string() + "/locked: error: cannot read '" + t.root.string() +
                       "/locked': Permission denied [unreadable]");
  expected.push_back(t.root.string() + "/missing.yaml: error: cannot read '" + t.root.string() +
                     "/missing.yaml': No such file or directory [unreadable]");
  std::sort(msgs.begin(), msgs.end());
  std::sort(expected.begin(), expected.end());
  CHECK(msgs == expected);
  CHECK(l->model.k8s_service_accounts.size() == (root_user ? 2u : 1u));
}

TEST_CASE("Content decides the format: JSON, YAML, flow YAML", "[parsers][loader]") {
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink, "{apiVersion: v1, kind: ServiceAccount, metadata: {name: f}}",
                      "flow.yaml");
  CHECK(sink.diagnostics().empty());
  CHECK(m.k8s_service_accounts.size() == 1);
  CollectingSink sink2;
  testing::LoadString(m, sink2, "{apiVersion: v1}", "notjson.json");
  REQUIRE(sink2.diagnostics().size() == 1);
  CHECK(sink2.diagnostics()[0].code == "json-syntax");
}

TEST_CASE("defer_stage: deferred files are parsed last, stage by stage, after before_stage sees the model",
          "[parsers][loader]") {
  for (unsigned threads : {1u, 4u}) {
    TempTree t;
    t.Write("a-interfaces.json", "{\"NetworkInterfaces\": [{\"NetworkInterfaceId\": \"eni-1\", \"SubnetId\": \"s\"}]}");
    t.Write("b-groups.json", "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": []}]}");
    t.Write("c-vpcs.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}]}");
    parsers::LoadOptions opts;
    opts.threads = threads;
    std::vector<std::string> log;
    opts.defer_stage = [](std::string_view text) {
      if (text.find("NetworkInterfaces") != std::string_view::npos) return 1;
      if (text.find("SecurityGroups") != std::string_view::npos) return 2;
      return 0;
    };
    opts.before_stage = [&](int stage, const Model& m) {
      log.push_back(std::to_string(stage) + ": vpcs " + std::to_string(m.aws_vpcs.size()) + ", interfaces " +
                    std::to_string(m.aws_interfaces.size()) + ", groups " +
                    std::to_string(m.aws_security_groups.size()));
    };
    auto l = LoadPaths({t.root.string()}, opts);
    INFO(threads << " threads");
    CHECK(log == std::vector<std::string>{"1: vpcs 1, interfaces 0, groups 0", "2: vpcs 1, interfaces 1, groups 0"});
    CHECK(l->model.aws_security_groups.size() == 1);
    CHECK(l->stats.files_parsed == 3);
    // Locations name the deferred file.
    REQUIRE(l->model.aws_interfaces.size() == 1);
    CHECK(l->model.files.display_path(l->model.aws_interfaces[0].where.file).find("a-interfaces.json") != std::string::npos);
  }
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

// Loads `text` once on one thread and once split over several, and
// requires the same records, locations and diagnostics.
void CheckParallelMatchesSequential(const std::string& text) {
  parsers::LoadOptions seq;
  seq.threads = 1;
  parsers::LoadOptions par;
  par.threads = 4;
  par.parallel_min_bytes = 0;
  Model a, b;
  CollectingSink sa, sb;
  testing::LoadString(a, sa, text, "big.yaml", seq);
  testing::LoadString(b, sb, text, "big.yaml", par);
  CHECK(testing::Formatted(a, sa) == testing::Formatted(b, sb));
  REQUIRE(a.k8s_service_accounts.size() == b.k8s_service_accounts.size());
  for (std::size_t i = 0; i < a.k8s_service_accounts.size(); ++i) {
    CHECK(a.k8s_service_accounts[i].meta.name == b.k8s_service_accounts[i].meta.name);
    CHECK(a.k8s_service_accounts[i].meta.where == b.k8s_service_accounts[i].meta.where);
  }
  REQUIRE(a.k8s_roles.size() == b.k8s_roles.size());
  for (std::size_t i = 0; i < a.k8s_roles.size(); ++i)
    CHECK(a.k8s_roles[i].rules.front().where == b.k8s_roles[i].rules.front().where);
  // Every table survives the merge of the parts.
  CHECK(a.AnalyzableCount() == b.AnalyzableCount());
  CHECK(a.calico_policies.size() == b.calico_policies.size());
  CHECK(a.calico_tiers.size() == b.calico_tiers.size());
  CHECK(a.calico_network_sets.size() == b.calico_network_sets.size());
  CHECK(a.calico_profiles.size() == b.calico_profiles.size());
  CHECK(a.calico_other.size() == b.calico_other.size());
  CHECK(a.cilium_policies.size() == b.cilium_policies.size());
  CHECK(a.cilium_cidr_groups.size() == b.cilium_cidr_groups.size());
}

TEST_CASE("Multi-document YAML parsed on several cores gives the sequential result",
          "[parsers][loader][parallel]") {
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text += "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-" +
            std::to_string(i) + "\n  namespace: ns\n";
    if (i % 50 == 7)
      text += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r" +
              std::to_string(i) + ", namespace: ns}\nrules:\n- verbs: [get]\n  resources: [pods]\n";
    if (i == 123) text += "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: [wrong]\n";
    if (i % 100 == 60)  // the CNI kinds, spread over the parts
      text += "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g" + std::to_string(i) +
              "}\nspec:\n  selector: all()\n  types: [Ingress]\n"
              "---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t" + std::to_string(i) +
              "}\nspec: {order: 100}\n"
              "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: s" + std::to_string(i) +
              ", labels: {a: b}}\nspec: {nets: [10.0.0.0/8]}\n"
              "---\napiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: p" + std::to_string(i) +
              "}\nspec: {}\n"
              "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h" + std::to_string(i) +
              "}\nspec: {node: n1, interfaceName: eth0}\n"
              "---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c" + std::to_string(i) +
              ", namespace: ns}\nspec:\n  endpointSelector: {}\n  ingress: [{}]\n"
              "---\napiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: cg" + std::to_string(i) +
              "}\nspec: {externalCIDRs: [192.0.2.0/24]}\n";
  }
  SECTION("valid input, with a wrong-type object in the middle") { CheckParallelMatchesSequential(text); }
  SECTION("a syntax error: the file is redone sequentially and stops at the error") {
    CheckParallelMatchesSequential(text + "---\nbad: [\n" + text);
  }
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Duplicate keys are reported at both places; the last value is analysed", "[parsers][loader]") {
  Model m;
  CollectingSink sink;
  testing::LoadString(m, sink,
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\","
                      "\"Effect\":\"Allow\"}]}");
  REQUIRE(sink.diagnostics().size() == 2);
  CHECK(sink.diagnostics()[0].code == "duplicate-key");
  CHECK(sink.diagnostics()[0].message == "key 'Effect' is repeated at 1:83; the later value replaces this one");
  CHECK(sink.diagnostics()[0].where.begin.column == 39);
  CHECK(sink.diagnostics()[1].message == "duplicate key 'Effect' (first at 1:39): this value is the one analysed");
  REQUIRE(m.iam_policies.size() == 1);
  CHECK(m.iam_policies[0].document.statements[0].allow);
  // Many keys: found through the sorted path too.
  CollectingSink big;
  Model m2;
  std::string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\ndata:\n";
  for (int i = 0; i < 40; ++i) yaml += "  k" + std::to_string(i) + ": v\n";
  yaml += "  k7: again\n";
  testing::LoadString(m2, big, yaml);
  REQUIRE(big.diagnostics().size() == 2);
  CHECK(big.diagnostics()[1].message == "duplicate key 'k7' (first at 12:3): this value is the one analysed");
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Loader: an object defined twice is reported at the second place, naming the first", "[loader]") {
  parsers::LoadOptions opts;
  // Load() reports duplicates once every path is read.
  TempTree t;
  t.Write("one.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: x}\n");
  t.Write("two.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: x}\n");
  auto l = LoadPaths({t.root.string()}, opts);
  auto msgs = Formatted(l->model, l->sink);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0] == t.root.string() + "/two.yaml:1:1: warning: ServiceAccount 'x/a' is also defined at " +
                       t.root.string() + "/one.yaml:1:1; applied in this order, this definition replaces that one "
                       "(grantpath analyzes both) [duplicate-object]");
}

TEST_CASE("Loader: a Calico or Cilium policy defined twice is reported; a Cilium policy's specs are one object",
          "[loader]") {
  TempTree t;
  const std::string calico =
      "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\n"
      "spec: {selector: all(), ingress: [{action: Allow}]}\n";
  const std::string cilium =
      "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: x}\n"
      "specs:\n- endpointSelector: {}\n  ingress: [{fromEntities: [world]}]\n"
      "- endpointSelector: {matchLabels: {app: a}}\n  egress: [{toEntities: [world]}]\n";
  t.Write("one.yaml", calico + "---\n" + cilium);
  t.Write("two.yaml", calico);
  // A Kubernetes NetworkPolicy of the same name is another object.
  t.Write("three.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\n"
                        "spec: {podSelector: {}}\n");
  auto l = LoadPaths({t.root.string()});
  REQUIRE(l->model.cilium_policies.size() == 2);
  std::vector<std::string> dups;
  for (const auto& m : Formatted(l->model, l->sink))
    if (m.find("[duplicate-object]") != std::string::npos) dups.push_back(m);
  REQUIRE(dups.size() == 1);
  CHECK(dups[0].find("/two.yaml:1:1: warning: Calico NetworkPolicy 'x/p' is also defined at ") != std::string::npos);
}

TEST_CASE("Loader: an unrendered Helm template is one located warning, not YAML errors", "[loader]") {
  Model m;
  CollectingSink sink;
  std::size_t n = testing::LoadString(m, sink,
                                      "apiVersion: apps/v1\n"
                                      "kind: Deployment\n"
                                      "metadata:\n"
                                      "  name: {{ include \"app.fullname\" . }}\n"
                                      "spec:\n"
                                      "  replicas: {{ .Values.replicaCount }}\n",
                                      "templates/deployment.yaml");
  CHECK(n == 0);
  auto d = testing::Formatted(m, sink);
  REQUIRE(d.size() == 1);
  CHECK(d[0].rfind("templates/deployment.yaml:4:9: warning: this is an unrendered Helm template", 0) == 0);
  CHECK(d[0].find("[helm-template]") != std::string::npos);
  // Braces inside a quoted value are not a template.
  Model m2;
  CollectingSink sink2;
  testing::LoadString(m2, sink2,
                      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {tpl: \"{{name}}\"}\n", "c.yaml");
  CHECK(sink2.diagnostics().empty());
  // Go templates in the strings of a PrometheusRule (alert text) and in a
  // block scalar are data, not Helm: the file is analyzed.
  Model m3;
  CollectingSink sink3;
  testing::LoadString(m3, sink3,
                                       "apiVersion: monitoring.coreos.com/v1\n"
                                       "kind: PrometheusRule\n"
                                       "metadata: {name: r, namespace: monitoring}\n"
                                       "spec:\n"
                                       "  groups:\n"
                                       "  - rules:\n"
                                       "    - annotations:\n"
                                       "        description: Instance {{ $labels.instance }} is down.\n"
                                       "        summary: '{{ $value }} errors'\n"
                                       "        runbook: |\n"
                                       "          {{ range .Alerts }}{{ .Labels }}\n"
                                       "          {{ end }}\n",
                                       "prometheusRule.yaml");
  CHECK(sink3.diagnostics().empty());
  // A template that opens with an action ("{{- if ... }}", as cert-manager's
  // chart does) is not JSON: the same one warning.
  Model m4;
  CollectingSink sink4;
  CHECK(testing::LoadString(m4, sink4,
                            "{{- if .Values.cainjector.enabled }}\n"
                            "apiVersion: v1\n"
                            "kind: ServiceAccount\n"
                            "metadata:\n"
                            "  name: {{ template \"cainjector.serviceAccountName\" . }}\n"
                            "{{- end }}\n",
                            "templates/cainjector-serviceaccount.yaml") == 0);
  auto d4 = testing::Formatted(m4, sink4);
  REQUIRE(d4.size() == 1);
  CHECK(d4[0].rfind("templates/cainjector-serviceaccount.yaml:1:1: warning: this is an unrendered Helm template", 0) == 0);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Loader: a binding to ns/sa when the only such account was defaulted elsewhere is a warning",
          "[parsers][loader]") {
  const char* kInstall =
      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: controller}\n---\n"
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: c}\n"
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}\n"
      "subjects:\n- {kind: ServiceAccount, name: controller, namespace: argocd}\n";
  TempTree t;
  t.Write("install.yaml", kInstall);
  auto l = LoadPaths({t.root.string()});
  const auto& d = l->sink.diagnostics();
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "defaulted-namespace");
  CHECK(d[0].where.begin.line == 10);
  CHECK(d[0].message.find("rerun with --default-namespace argocd") != std::string::npos);
  // With the namespace given, nothing to say.
  parsers::LoadOptions opts;
  opts.k8s.default_namespace = "argocd";
  auto l2 = LoadPaths({t.root.string()}, opts);
  CHECK(l2->sink.diagnostics().empty());
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Loader: a kustomization's namespace applies to the resources it lists, outermost first",
          "[parsers][loader]") {
  TempTree t;
  t.Write("base/rbac.yaml",
          "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: written}\n---\n"
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n"
          "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
          "subjects:\n- {kind: ServiceAccount, name: default}\n- {kind: ServiceAccount, name: app, namespace: other}\n---\n"
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr}\nrules: []\n");
  t.Write("base/kustomization.yaml", "namespace: base-ns\nresources:\n- rbac.yaml\n");
  t.Write("overlays/prod/kustomization.yaml",
          "namespace: prod\nnamePrefix: prod-\nresources:\n- ../../base\n- missing.yaml\n");
  t.Write("unlisted.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: loose}\n");
  auto l = LoadPaths({t.root.string()});
  const auto& m = l->model;
  std::map<std::string, std::string> sa_ns;
  for (const auto& sa : m.k8s_service_accounts) sa_ns[sa.meta.name] = sa.meta.ns;
  CHECK(sa_ns["app"] == "prod");        // the outer overlay wins, and replaces the written namespace
  CHECK(sa_ns["loose"] == "default");   // not listed: the default namespace
  REQUIRE(m.k8s_bindings.size() == 1);
  CHECK(m.k8s_bindings[0].meta.ns == "prod");
  CHECK(m.k8s_bindings[0].subjects[0].ns == "prod");   // a subject named "default" follows
  CHECK(m.k8s_bindings[0].subjects[1].ns == "other");  // others keep theirs, as kustomize does
  REQUIRE(m.k8s_roles.size() == 1);
  CHECK(m.k8s_roles[0].meta.ns.empty());  // cluster-scoped objects get none
  std::string all;
  for (const auto& d : l->sink.diagnostics()) all += d.code + ": " + d.message + "\n";
  CHECK(all.find("kustomize-not-applied: namePrefix of this kustomization is not applied") != std::string::npos);
  CHECK(all.find("kustomization resource 'missing.yaml' is not in the input") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("The files of a directory parsed on several cores give the sequential result",
          "[parsers][loader][parallel]") {
  TempTree t;
  for (int i = 0; i < 12; ++i)
    t.Write("k8s/sa-" + std::to_string(i) + ".yaml",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa" + std::to_string(i) + ", namespace: x}\n");
  t.Write("k8s/broken.yaml", "kind: [\n");
  t.Write("k8s/kustomization.yaml", "namespace: prod\nresources: [sa-3.yaml]\n");
  t.Write("aws/us-east-1/Subnets.json",
          "{\"Subnets\": [{\"SubnetId\": \"subnet-1\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.1.0/24\"}]}");
  t.Write("aws/us-east-1/Vpcs.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}]}");
  t.Write("aws/us-east-1/pl-0abc.json", "{\"Entries\": [{\"Cidr\": \"10.9.0.0/16\"}]}");
  t.Write("iam/policy.json",
          "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}");
  parsers::LoadOptions seq;
  seq.threads = 1;
  parsers::LoadOptions par;
  par.threads = 2;
  auto a = LoadPaths({t.root.string()}, seq);
  auto b = LoadPaths({t.root.string()}, par);
  CHECK(Formatted(a->model, a->sink) == Formatted(b->model, b->sink));
  CHECK(a->stats.files_parsed == b->stats.files_parsed);
  CHECK(a->stats.objects == b->stats.objects);
  CHECK(a->stats.bytes == b->stats.bytes);
  CHECK(a->model.AnalyzableCount() == b->model.AnalyzableCount());
  REQUIRE(b->model.k8s_service_accounts.size() == 12);
  for (std::size_t i = 0; i < 12; ++i) {
    CHECK(a->model.k8s_service_accounts[i].meta.name == b->model.k8s_service_accounts[i].meta.name);
    CHECK(a->model.k8s_service_accounts[i].meta.ns == b->model.k8s_service_accounts[i].meta.ns);
    CHECK(a->model.k8s_service_accounts[i].meta.where == b->model.k8s_service_accounts[i].meta.where);
  }
  REQUIRE(b->model.aws_prefix_lists.size() == 1);
  CHECK(b->model.aws_prefix_lists[0].id == "pl-0abc");
  CHECK(a->model.aws_subnets.size() == b->model.aws_subnets.size());
  for (FileId f = 1; f < 20; ++f) CHECK(a->model.files.is_loaded(f) == b->model.files.is_loaded(f));
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("Loader: Prometheus Operator resources stand for the pods the operator creates", "[loader]") {
  const std::string cr =
      "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\n"
      "spec:\n  serviceAccountName: prometheus-k8s\n  podMetadata: {labels: {team: obs}}\n";
  TempTree t;
  t.Write("cr.yaml", cr);
  auto l = LoadPaths({t.root.string()});
  REQUIRE(l->model.k8s_workloads.size() == 1);
  const auto& w = l->model.k8s_workloads[0];
  CHECK(w.kind == "Prometheus");
  CHECK(w.service_account == "prometheus-k8s");
  CHECK(w.pod_labels.at("team") == "obs");
  CHECK(w.pod_labels.at("app.kubernetes.io/name") == "prometheus");
  CHECK(w.pod_labels.at("prometheus") == "k8s");
  CHECK(w.pod_labels.at("operator.prometheus.io/name") == "k8s");
  CHECK(w.managed_controller == "StatefulSet/prometheus-k8s");
  REQUIRE(w.containers.size() == 1);
  CHECK(w.containers[0].ports.at(0).port == 9090);
  CHECK(l->sink.diagnostics().empty());
  // With the StatefulSet itself in the input (a live dump), the real object stays and the stand-in goes.
  t.Write("sts.yaml",
          "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: prometheus-k8s, namespace: monitoring}\n"
          "spec:\n  selector: {matchLabels: {app: p}}\n  template:\n    metadata: {labels: {app: p}}\n"
          "    spec: {containers: [{name: c, image: x}]}\n");
  auto both = LoadPaths({t.root.string()});
  REQUIRE(both->model.k8s_workloads.size() == 1);
  CHECK(both->model.k8s_workloads[0].kind == "StatefulSet");
}

}  // namespace
}  // namespace grantpath

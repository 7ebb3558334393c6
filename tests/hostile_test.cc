// Every file of tests/fixtures/hostile/ gives located diagnostics (or
// loads, when it is valid but unusual), never a crash or a hang.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <catch2/catch.hpp>

#include "loader.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

TEST_CASE("Hostile inputs: located errors, bounded time", "[hostile]") {
  // file -> the first diagnostic code expected ("" = loads without error).
  const std::map<std::string, std::string> expected = {
      {"alias-bomb.yaml", "alias-limit"},
      {"binary.yaml", "binary-file"},
      {"calico-deep-selector.yaml", "invalid-selector"},  // found by the cni_policy fuzzer: a stack overflow
      {"deep-block.yaml", "too-deep"},
      {"deep-nesting.json", "too-deep"},
      {"deep-nesting.yaml", "too-deep"},
      {"empty.yaml", "empty-file"},
      {"huge-scalar.yaml", ""},
      {"iam-wrong-types.json", "invalid-value"},
      {"invalid-utf8.yaml", "invalid-utf8"},
      // Reproducers found by the coverage-guided fuzzer in libfyaml 0.7.12:
      // a stack overflow in its error display, endless directive scanning.
      {"libfyaml-diag-crash.yaml", "yaml-syntax"},
      {"libfyaml-directive-hang.yaml", "invalid-utf8"},
      {"libfyaml-directive-hang-2.yaml", "invalid-utf8"},
      {"libfyaml-directive-hang-3.yaml", "binary-file"},  // found by the iam_policy fuzzer: '%{' + invalid UTF-8 + NUL  // Kubernetes rejects invalid UTF-8 too
      {"list-items-not-list.json", "wrong-type"},
      {"many-documents.yaml", "yaml-syntax"},
      {"tab-indent.yaml", "yaml-syntax"},
      {"truncated.json", "json-syntax"},
      {"unknown-kind.yaml", "unknown-kind"},
      {"wrong-types.yaml", "wrong-type"},
      {"yaml-cpp-stall.yaml", "yaml-syntax"},  // found by the fuzzer: yaml-cpp looped forever
  };
  const auto backend = GENERATE(parsers::YamlBackend::kLibfyaml, parsers::YamlBackend::kYamlCpp);
  // Where the two YAML libraries differ.
  const std::map<std::string, std::string> yaml_cpp_expected = {};
  const std::string dir = testing::SourceDir() + "/tests/fixtures/hostile";
  std::size_t seen = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    INFO(name << (backend == parsers::YamlBackend::kYamlCpp ? " (yaml-cpp)" : " (libfyaml)"));
    auto it = expected.find(name);
    REQUIRE(it != expected.end());
    if (backend == parsers::YamlBackend::kYamlCpp && yaml_cpp_expected.count(name))
      it = yaml_cpp_expected.find(name);
    ++seen;
    Model m;
    CollectingSink sink;
    DiskReader reader;
    auto start = std::chrono::steady_clock::now();
    parsers::LoadOptions options;
    options.limits.yaml_backend = backend;
    parsers::Load({e.path().string()}, reader, options, m, sink);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(secs < 10.0);
    if (it->second.empty()) {
      CHECK(sink.CountAtLeast(DiagLevel::kWarning) == 0);
      continue;
    }
    REQUIRE_FALSE(sink.diagnostics().empty());
    CHECK(sink.diagnostics()[0].code == it->second);
    for (const auto& d : sink.diagnostics()) {
      CHECK(d.where.file != 0);
      CHECK(d.where.begin.line >= 1);
    }
  }
  CHECK(seen == expected.size());
}

TEST_CASE("Hostile inputs through the CLI: exit code, no crash, errors on stderr",
          "[hostile][e2e]") {
  auto r = testing::RunCli("scan tests/fixtures/hostile --format json --fail-on none");
  // huge-scalar.yaml and invalid-utf8.yaml hold real objects, so the run
  // analyzes something and succeeds.
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("tests/fixtures/hostile/alias-bomb.yaml:7:8: error: aliases expand") != std::string::npos);
  CHECK(r.err.find("tests/fixtures/hostile/truncated.json:1:") != std::string::npos);
  CHECK(r.out.find("\"code\": \"too-deep\"") != std::string::npos);
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("A file skipped as too large is never read, not even to show a line", "[hostile][e2e]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("grantpath-sparse-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "ok.yaml") << "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: b}\n";
  std::ofstream(dir / "big.yaml", std::ios::binary).close();
  fs::resize_file(dir / "big.yaml", 3ull << 30);  // sparse: costs no disk
  auto start = std::chrono::steady_clock::now();
  auto r = testing::RunCli("scan " + dir.string() + " --fail-on none");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fs::remove_all(dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("big.yaml:1:1: error: file is 3221225472 bytes, over the limit") != std::string::npos);
  CHECK(secs < 5.0);  // reading it for the source line took 22 s and 6.3 GB
}

}  // namespace
}  // namespace grantpath

namespace grantpath {
namespace {

TEST_CASE("A tree deeper than PATH_MAX is walked, in time linear enough", "[hostile][e2e]") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("grantpath-deep-" + std::to_string(::getpid()));
  fs::create_directories(root);
  // 2,100 levels of "d/": paths reach 4,200+ bytes, past PATH_MAX.
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0);
  for (int i = 0; i < 2100; ++i) {
    REQUIRE(::mkdirat(fd, "d", 0755) == 0);
    int sub = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
    ::close(fd);
    fd = sub;
    REQUIRE(fd >= 0);
  }
  const std::string binding =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: deep}\n"
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
      "subjects: [{kind: User, name: deep-user}]\n";
  int file = ::openat(fd, "admin.yaml", O_WRONLY | O_CREAT, 0644);
  REQUIRE(file >= 0);
  CHECK(::write(file, binding.data(), binding.size()) == static_cast<ssize_t>(binding.size()));
  ::close(file);
  ::close(fd);
  auto start = std::chrono::steady_clock::now();
  auto r = testing::RunCli("scan " + root.string() + " --fail-on none --format json");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(std::system(("rm -rf '" + root.string() + "'").c_str()) == 0);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("User 'deep-user' can do anything") != std::string::npos);
  CHECK(secs < 10.0);  // 2,300 levels took 137 s with realpath on every level
}

}  // namespace
}  // namespace grantpath

// Walks the registry: for every rule, tests/rules/<id>/ holds positive-*
// and negative-* inputs with `# expect: <id>` on the line above each node a
// finding must point at (or expected.json beside JSON inputs). The scan must
// produce exactly that set of (file, line) for the rule; `# todo-expect:`
// marks a known gap and fails once the gap is fixed.
#include <filesystem>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/context.h"
#include "engine/rbac.h"
#include "k8s/bootstrap.h"
#include "loader.h"
#include "rules/registry.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;
using Expect = std::set<std::pair<std::string, std::uint32_t>>;  // (file name, line)

void ReadAnnotations(const fs::path& file, const std::string& id, Expect* expect, Expect* todo) {
  std::istringstream in(testing::ReadFile(file.string()));
  std::string line;
  std::uint32_t n = 0;
  const std::string name = file.filename().string();
  while (std::getline(in, line)) {
    ++n;
    auto pos = line.find("# expect: ");
    if (pos != std::string::npos && line.substr(pos + 10) == id) expect->insert({name, n + 1});
    pos = line.find("# todo-expect: ");
    if (pos != std::string::npos && line.substr(pos + 15) == id) todo->insert({name, n + 1});
  }
}

TEST_CASE("Rule fixtures: exact (file, line) sets per rule", "[rules]") {
  const std::string root = testing::SourceDir() + "/tests/rules";
  for (const auto& rule : rules::AllRules()) {
    const std::string id(rule->info().id);
    DYNAMIC_SECTION(id) {
      fs::path dir = fs::path(root) / id;
      REQUIRE(fs::is_directory(dir));
      std::size_t positives = 0, negatives = 0;
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        std::string name = file.filename().string();
        if (name == "expected.json") continue;
        bool positive = name.rfind("positive", 0) == 0;
        bool negative = name.rfind("negative", 0) == 0;
        INFO(file.string());
        REQUIRE((positive || negative));
        positives += positive;
        negatives += negative;
        Expect expect, todo;
        ReadAnnotations(file, id, &expect, &todo);
        fs::path json_expect = dir / "expected.json";
        if (file.extension() == ".json" && fs::exists(json_expect)) {
          auto j = nlohmann::json::parse(testing::ReadFile(json_expect.string()));
          for (const auto& e : j)
            if (e["file"] == name && e["rule"] == id) expect.insert({name, e["line"].get<std::uint32_t>()});
        }
        if (negative) CHECK(expect.empty());
        if (positive) CHECK_FALSE(expect.empty());

        Model m;
        CollectingSink sink;
        parsers::LoadOptions opts;
        DiskReader reader;
        parsers::Load({file.string()}, reader, opts, m, sink);
        for (const auto& d : sink.diagnostics()) {
          if (d.level == DiagLevel::kError) FAIL_CHECK("unexpected diagnostic: " << d.message);
        }
        parsers::AddK8sBootstrap(m, sink);
        rbac::Engine engine(m);
        AnalysisContext ctx(m, engine, AnalysisOptions{});
        FindingSink out;
        rule->Check(ctx, out);
        Expect got;
        for (const auto& f : out.findings()) {
          REQUIRE(f.primary.known());
          got.insert({fs::path(m.files.display_path(f.primary.file)).filename().string(),
                      f.primary.begin.line});
        }
        CHECK(got == expect);
        for (const auto& t : todo) {
          INFO("todo-expect now found (gap fixed? turn it into expect): line " << t.second);
          CHECK(got.count(t) == 0);
        }
      }
      // netpol-intent-violation is raised by `net intents` only: its
      // positive cases are end-to-end tests (tests/e2e/net-intents).
      if (id != "netpol-intent-violation") CHECK(positives >= 1);
      CHECK(negatives >= 1);
    }
  }
}

}  // namespace
}  // namespace grantpath

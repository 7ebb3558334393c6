// Every `grantpath` command in the code blocks of README.md and docs/*.md
// runs as written from the repository root: no placeholders, real paths,
// and no usage error. They run in a scratch folder that links the
// repository's examples/, tests/ and docs/, so `-o FILE` writes there.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> Commands() {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<fs::path> files = {fs::path(testing::SourceDir()) / "README.md"};
  for (const auto& e : fs::directory_iterator(fs::path(testing::SourceDir()) / "docs"))
    if (e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const std::regex comment(R"(\s+#\s.*$)");
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line, pending;
    bool in_block = false, shell = false;
    while (std::getline(in, line)) {
      if (line.rfind("```", 0) == 0) {
        std::string lang = line.substr(3);
        shell = !in_block && (lang == "sh" || lang == "bash" || lang == "shell" || lang == "console");
        in_block = !in_block;
        continue;
      }
      if (!in_block || !shell) continue;
      if (!line.empty() && line.back() == '\\') {
        pending += line.substr(0, line.size() - 1) + " ";
        continue;
      }
      line = pending + line;
      pending.clear();
      std::string s = std::regex_replace(line, comment, "");
      if (s.rfind("grantpath ", 0) == 0) out.emplace_back(f.filename().string(), s.substr(10));
    }
  }
  return out;
}

TEST_CASE("Docs: every grantpath command of README.md and docs/ runs as written", "[e2e][docs]") {
  auto commands = Commands();
  REQUIRE(commands.size() > 30);
  char tmpl[] = "/tmp/grantpath-docs-XXXXXX";
  fs::path scratch = mkdtemp(tmpl);
  for (const char* d : {"examples", "tests", "docs"}) fs::create_directory_symlink(fs::path(testing::SourceDir()) / d, scratch / d);
  for (const auto& [file, args] : commands) {
    DYNAMIC_SECTION(file << ": grantpath " << args) {
      CHECK(args.find("...") == std::string::npos);
      CHECK(args.find('|') == std::string::npos);  // no alternatives, no pipes into placeholders
      std::string cmd = "cd '" + scratch.string() + "' && '" + std::string(GRANTPATH_BINARY) + "' " + args +
                        " >/dev/null 2>'" + (scratch / "err").string() + "'";
      int status = std::system(cmd.c_str());
      int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::string err = testing::ReadFile((scratch / "err").string());
      INFO(err);
      CHECK((rc == 0 || rc == 1 || rc == 3));
      CHECK(err.find("error") == std::string::npos);
    }
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
}

}  // namespace
}  // namespace grantpath

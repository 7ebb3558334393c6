#include "test_util.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "output/report.h"

namespace grantpath::testing {

std::size_t LoadString(Model& model, CollectingSink& sink, const std::string& content,
                       const std::string& name, parsers::LoadOptions options) {
  FileId id = model.files.Add(name, name);
  parsers::LoadStats stats;
  return parsers::LoadContent(content, id, name, options, model, sink, &stats);
}

std::vector<std::string> Formatted(const Model& model, const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.diagnostics()) out.push_back(output::FormatDiagnostic(model, d));
  return out;
}

k8s::PolicyRule MakeRule(std::vector<std::string> verbs, std::vector<std::string> groups,
                         std::vector<std::string> resources, std::vector<std::string> names,
                         std::vector<std::string> urls) {
  k8s::PolicyRule r;
  r.verbs = std::move(verbs);
  r.api_groups = std::move(groups);
  r.resources = std::move(resources);
  r.resource_names = std::move(names);
  r.non_resource_urls = std::move(urls);
  return r;
}

std::string SourceDir() { return GRANTPATH_SOURCE_DIR; }

void CheckDifferences(const std::string& path, const std::string& header, const std::vector<std::string>& diffs) {
  std::map<std::string, std::string> reasons;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto tab = line.rfind('\t');
      reasons[line.substr(0, tab)] = tab == std::string::npos ? "" : line.substr(tab + 1);
    }
  }
  if (std::getenv("GRANTPATH_UPDATE_DIFFERENCES")) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path);
    out << header << "\n";
    for (const auto& d : diffs) out << d << "\t" << (reasons.count(d) ? reasons[d] : "TODO") << "\n";
  }
  for (const auto& d : diffs) {
    INFO("a difference not in " << path << ": " << d);
    CHECK(reasons.count(d) == 1);
    if (reasons.count(d)) CHECK(reasons[d] != "TODO");
  }
  CHECK(reasons.size() == diffs.size());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult RunCli(const std::string& args) {
  RunResult r;
  char errname[] = "/tmp/grantpath-test-err-XXXXXX";
  int fd = mkstemp(errname);
  REQUIRE(fd >= 0);
  close(fd);
  std::string cmd = "cd '" + SourceDir() + "' && '" + std::string(GRANTPATH_BINARY) + "' " +
                    args + " 2>'" + errname + "'";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 65536> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadFile(errname);
  std::remove(errname);
  return r;
}

std::string CorporaDir() {
  std::string dir = GRANTPATH_CORPORA_DIR;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return dir;
  if (std::getenv("CI") != nullptr) FAIL("shared corpora missing at " << dir);
  WARN("shared corpora missing at " << dir << "; corpus test skipped");
  return "";
}

}  // namespace grantpath::testing

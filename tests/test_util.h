// Helpers shared by the tests: parse strings into a Model, run the CLI,
// read files, locate the corpora.
#pragma once

#include <string>

#include <catch2/catch.hpp>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "loader.h"

namespace Catch {
template <>
struct StringMaker<grantpath::SourcePos> {
  static std::string convert(const grantpath::SourcePos& p) {
    return std::to_string(p.line) + ":" + std::to_string(p.column);
  }
};
}  // namespace Catch

namespace grantpath::testing {

/// Loads `content` as if it were the file `name`; diagnostics go to `sink`.
std::size_t LoadString(Model& model, CollectingSink& sink, const std::string& content,
                       const std::string& name = "test.yaml",
                       parsers::LoadOptions options = {});

/// Diagnostics formatted as "file:line:col: level: message [code]".
std::vector<std::string> Formatted(const Model& model, const CollectingSink& sink);

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
/// Runs the grantpath binary with `args` (a shell-quoted string) from the
/// source directory.
RunResult RunCli(const std::string& args);

std::string ReadFile(const std::string& path);

/// A PolicyRule from its lists (verbs, apiGroups, resources, resourceNames,
/// nonResourceURLs), for engine tests.
k8s::PolicyRule MakeRule(std::vector<std::string> verbs, std::vector<std::string> groups,
                         std::vector<std::string> resources,
                         std::vector<std::string> names = {},
                         std::vector<std::string> urls = {});
std::string SourceDir();
/// A differences file kept current by a corpus test: each line a
/// difference (tab-separated fields) and, after the last tab, its reason.
/// Checks that `diffs` are exactly the file's, each with a reason; with
/// GRANTPATH_UPDATE_DIFFERENCES set, first rewrites the file (under
/// `header`), keeping known reasons and writing TODO for new ones.
void CheckDifferences(const std::string& path, const std::string& header, const std::vector<std::string>& diffs);
/// The shared corpora directory, or "" when it is absent. Under CI
/// (CI set in the environment) absence fails the calling test.
std::string CorporaDir();

}  // namespace grantpath::testing

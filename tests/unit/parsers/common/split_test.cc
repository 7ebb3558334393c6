#include <catch2/catch.hpp>

#include "common/split.h"
#include "test_util.h"

namespace grantpath::parsers {
namespace {

TEST_CASE("SplitYamlDocuments cuts only at document markers", "[parsers][split]") {
  std::string text = "a: 1\n---\nb: |\n  ---\n  x\n--- # c\nc: 3\n----\nd: 4\n---\ne: 5\n";
  auto spans = SplitYamlDocuments(text, 8);
  std::vector<std::string> parts;
  for (const auto& s : spans) parts.push_back(text.substr(s.begin, s.end - s.begin));
  REQUIRE(parts.size() >= 2);
  std::string joined;
  for (const auto& p : parts) joined += p;
  CHECK(joined == text);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    INFO(parts[i]);
    CHECK(parts[i].rfind("---", 0) == 0);
    CHECK(parts[i].rfind("----", 0) != 0);
    CHECK(spans[i].line > 1);
  }
  CHECK(SplitYamlDocuments(text, 1).size() == 1);
}

}  // namespace
}  // namespace grantpath::parsers

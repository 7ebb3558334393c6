#include <catch2/catch.hpp>

#include "common/doc.h"
#include "test_util.h"

namespace grantpath::parsers {
namespace {

struct Parsed {
  bool ok = false;
  DocNode root;
  CollectingSink sink;
};

Parsed Parse(const std::string& text, ParseLimits limits = {}) {
  Parsed p;
  p.ok = ParseJson(text, 1, limits, p.sink, [&](DocNode& r) { p.root = std::move(r); });
  return p;
}

TEST_CASE("JSON values keep 1-based line and column", "[parsers][json]") {
  auto p = Parse("{\n  \"kind\": \"Role\",\n  \"rules\": [ {\"verbs\": [\"get\"]} ]\n}");
  REQUIRE(p.ok);
  CHECK(p.root.pos == SourcePos{1, 1});
  const DocEntry* kind = p.root.FindEntry("kind");
  REQUIRE(kind);
  CHECK(kind->key_pos == SourcePos{2, 3});
  CHECK(kind->value.pos == SourcePos{2, 11});
  CHECK(kind->value.quoted);
  const DocNode* rules = p.root.Find("rules");
  REQUIRE(rules);
  CHECK(rules->pos == SourcePos{3, 12});
  CHECK(rules->items[0].pos == SourcePos{3, 14});
  CHECK(rules->items[0].Find("verbs")->items[0].pos == SourcePos{3, 25});
}

TEST_CASE("JSON scalars: numbers, literals and escapes", "[parsers][json]") {
  auto p = Parse(R"({"n": -12.5e3, "t": true, "z": null, "s": "a\"b\\c\u00e9\ud83d\ude00\n"})");
  REQUIRE(p.ok);
  CHECK(p.root.Find("n")->text == "-12.5e3");
  CHECK_FALSE(p.root.Find("n")->quoted);
  CHECK(p.root.Find("n")->Describe() == "a number");
  CHECK(p.root.Find("t")->Describe() == "a boolean");
  CHECK(p.root.Find("z")->is_null());
  CHECK(p.root.Find("s")->text == "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80\n");
}

TEST_CASE("JSON repeated keys: the last one wins, as in Go", "[parsers][json]") {
  auto p = Parse(R"({"a": 1, "a": 2})");
  REQUIRE(p.ok);
  CHECK(p.root.Find("a")->text == "2");
}

TEST_CASE("JSON syntax errors are located", "[parsers][json]") {
  struct Case {
    std::string text;
    std::string message;
    SourcePos pos;
  };
  std::vector<Case> cases = {
      {"{\n  \"a\": 1,\n}", "expected a string key", {3, 1}},
      {"{\"a\" 1}", "expected ':' after key", {1, 6}},
      {"[1, 2", "unexpected end of input in array", {1, 6}},
      {"{\"a\": tru}", "invalid literal", {1, 7}},
      {"{\"a\": \"x\ny\"}", "control character in string", {1, 9}},
      {"{\"a\": 01}", "expected ',' or '}' in object", {1, 8}},
      {"{} {}", "unexpected text after the JSON value", {1, 4}},
      {"{\"a\": \"\\q\"}", "invalid escape '\\q'", {1, 9}},
      {"{\"a\": \"\\ud800\"}", "unpaired surrogate in \\u escape", {1, 14}},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto p = Parse(c.text);
    CHECK_FALSE(p.ok);
    REQUIRE(p.sink.diagnostics().size() == 1);
    CHECK(p.sink.diagnostics()[0].code == "json-syntax");
    CHECK(p.sink.diagnostics()[0].message == c.message);
    CHECK(p.sink.diagnostics()[0].where.begin == c.pos);
  }
}

TEST_CASE("JSON nesting deeper than the limit is an error, not a stack overflow",
          "[parsers][json][hostile]") {
  std::string deep(100000, '[');
  auto p = Parse(deep);
  CHECK_FALSE(p.ok);
  REQUIRE(p.sink.diagnostics().size() == 1);
  CHECK(p.sink.diagnostics()[0].code == "too-deep");
  CHECK(p.sink.diagnostics()[0].message == "nesting deeper than 200 levels");
  ParseLimits small;
  small.max_depth = 3;
  CHECK(Parse("[[[1]]]", small).ok);
  CHECK_FALSE(Parse("[[[[1]]]]", small).ok);
}

TEST_CASE("JSON with a byte order mark", "[parsers][json]") {
  auto p = Parse("\xEF\xBB\xBF{\"a\": 1}");
  REQUIRE(p.ok);
  CHECK(p.root.Find("a")->pos == SourcePos{1, 7});
}

}  // namespace
}  // namespace grantpath::parsers

namespace grantpath::parsers {
namespace {

TEST_CASE("JSON List items are streamed; managedFields is validated but not kept",
          "[parsers][json]") {
  std::vector<DocNode> docs;
  CollectingSink sink;
  bool ok = ParseJson(
      "{\"apiVersion\": \"v1\", \"items\": [\n"
      " {\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"a\",\n"
      "  \"managedFields\": [{\"f:x\": {\"y\": [1, 2.5, true, null, \"s\\n\"]}}]}},\n"
      " 5],\n"
      " \"kind\": \"List\"}",
      1, ParseLimits{}, sink, [&](DocNode& d) { docs.push_back(std::move(d)); });
  REQUIRE(ok);
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].pos == SourcePos{2, 2});
  CHECK(docs[0].Find("metadata")->Find("managedFields") == nullptr);
  CHECK(docs[1].Find("items")->items.size() == 1);  // the 5 is not an object: kept
  CollectingSink bad;
  CHECK_FALSE(ParseJson("{\"metadata\": {\"managedFields\": [1, }}", 1, ParseLimits{}, bad,
                        [](DocNode&) {}));
  REQUIRE(bad.diagnostics().size() == 1);
  CHECK(bad.diagnostics()[0].where.begin == SourcePos{1, 36});
}

TEST_CASE("JSON lists named by stream_list_key are delivered one element at a time", "[parsers][json]") {
  std::vector<DocNode> docs;
  CollectingSink sink;
  ParseLimits limits;
  limits.stream_list_key = [](std::string_view key) { return key == "NetworkInterfaces"; };
  bool ok = ParseJson(
      "{\"NetworkInterfaces\": [\n"
      "  {\"NetworkInterfaceId\": \"eni-1\"},\n"
      "  {\"NetworkInterfaceId\": \"eni-2\"}],\n"
      " \"Other\": [{\"a\": 1}]}",
      1, limits, sink, [&](DocNode& d) { docs.push_back(std::move(d)); });
  REQUIRE(ok);
  REQUIRE(docs.size() == 3);  // two elements, then the root
  for (int i = 0; i < 2; ++i) {
    const DocNode* list = docs[i].Find("NetworkInterfaces");
    REQUIRE(list);
    REQUIRE(list->items.size() == 1);
    CHECK(list->items[0].Find("NetworkInterfaceId")->text == (i == 0 ? "eni-1" : "eni-2"));
    CHECK(list->items[0].pos == SourcePos{static_cast<std::uint32_t>(2 + i), 3});  // where it was written
    CHECK(docs[i].entries[0].key_pos == SourcePos{1, 2});
  }
  CHECK(docs[2].Find("NetworkInterfaces")->items.empty());
  CHECK(docs[2].Find("Other")->items.size() == 1);  // not named: kept
}

TEST_CASE("keep_list_element: elements it refuses are checked and skipped, kept ones keep their positions",
          "[parsers][json]") {
  std::vector<DocNode> docs;
  CollectingSink sink;
  ParseLimits limits;
  limits.stream_list_key = [](std::string_view key) { return key == "NetworkInterfaces"; };
  std::vector<std::string> seen;
  limits.keep_list_element = [&](std::string_view key, std::string_view element) {
    seen.push_back(std::string(key) + ":" + std::string(element));
    return element.find("eni-2") != std::string_view::npos;
  };
  bool ok = ParseJson(
      "{\"NetworkInterfaces\": [\n"
      "  {\"NetworkInterfaceId\": \"eni-1\", \"Description\": \"a \\\"quoted\\\" \\u00e9 one\"},\n"
      "  {\"NetworkInterfaceId\": \"eni-2\",\n   \"Tags\": [1, true, null]}]}",
      1, limits, sink, [&](DocNode& d) { docs.push_back(std::move(d)); });
  REQUIRE(ok);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == "NetworkInterfaces:{\"NetworkInterfaceId\": \"eni-1\", \"Description\": \"a \\\"quoted\\\" \\u00e9 one\"}");
  REQUIRE(docs.size() == 2);  // the kept element, then the root
  const DocNode& eni = docs[0].Find("NetworkInterfaces")->items.at(0);
  CHECK(eni.Find("NetworkInterfaceId")->text == "eni-2");
  CHECK(eni.pos == SourcePos{3, 3});
  CHECK(eni.Find("Tags")->pos == SourcePos{4, 12});  // lines counted through the skipped element

  // A syntax error inside a refused element is still reported, where it is.
  CollectingSink bad;
  CHECK_FALSE(ParseJson("{\"NetworkInterfaces\": [\n  {\"NetworkInterfaceId\": \"eni-1\", \"x\": tru}]}", 1, limits,
                        bad, [](DocNode&) {}));
  REQUIRE(bad.diagnostics().size() == 1);
  CHECK(bad.diagnostics()[0].where.begin.line == 2);
  // So is a control character in a refused element's string.
  CollectingSink ctl;
  CHECK_FALSE(ParseJson(std::string("{\"NetworkInterfaces\": [{\"Description\": \"abcdefghijkl\tmnop\"}]}"), 1, limits,
                        ctl, [](DocNode&) {}));
  REQUIRE(ctl.diagnostics().size() == 1);
  CHECK(ctl.diagnostics()[0].where.begin == SourcePos{1, 53});
}

}  // namespace
}  // namespace grantpath::parsers

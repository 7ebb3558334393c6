#include <catch2/catch.hpp>

#include "common/doc.h"
#include "test_util.h"

namespace grantpath::parsers {
namespace {

struct Parsed {
  std::vector<DocNode> docs;
  CollectingSink sink;
};

// Every test runs on both YAML backends: they must build the same trees.
YamlBackend Backend() {
  return GENERATE(YamlBackend::kLibfyaml, YamlBackend::kYamlCpp);
}

Parsed Parse(const std::string& text, YamlBackend backend, ParseLimits limits = {}) {
  limits.yaml_backend = backend;
  Parsed p;
  ParseYaml(text, 1, limits, p.sink, [&](DocNode& r) { p.docs.push_back(std::move(r)); });
  return p;
}

TEST_CASE("YAML marks become 1-based line and column", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse("kind: Role\nrules:\n- verbs: [get, list]\n  resources:\n  - pods\n", backend);
  REQUIRE(p.docs.size() == 1);
  const DocNode& root = p.docs[0];
  CHECK(root.pos == SourcePos{1, 1});
  CHECK(root.FindEntry("kind")->key_pos == SourcePos{1, 1});
  CHECK(root.Find("kind")->pos == SourcePos{1, 7});
  const DocNode& rule = root.Find("rules")->items[0];
  CHECK(rule.pos == SourcePos{3, 3});
  CHECK(rule.Find("verbs")->items[1].pos == SourcePos{3, 16});
  CHECK(rule.Find("resources")->items[0].pos == SourcePos{5, 5});
}

TEST_CASE("YAML multi-document streams deliver every non-empty document", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse("---\na: 1\n---\n---\nb: 2\n...\n", backend);
  REQUIRE(p.docs.size() == 2);
  CHECK(p.docs[1].Find("b")->pos == SourcePos{5, 4});
}

TEST_CASE("YAML scalars: quoted strings are marked, nulls are null", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse("a: 'true'\nb: true\nc: ~\nd:\ne: \"80\"\nf: 80\n", backend);
  REQUIRE(p.docs.size() == 1);
  const DocNode& r = p.docs[0];
  CHECK(r.Find("a")->quoted);
  CHECK(r.Find("a")->Describe() == "a string");
  CHECK(r.Find("b")->Describe() == "a boolean");
  CHECK(r.Find("c")->is_null());
  CHECK(r.Find("d")->is_null());
  CHECK(r.Find("e")->Describe() == "a string");
  CHECK(r.Find("f")->Describe() == "a number");
}

TEST_CASE("YAML anchors, aliases and merge keys", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse(
      "base: &b {verbs: [get], apiGroups: ['']}\n"
      "rule:\n"
      "  <<: *b\n"
      "  verbs: [list]\n"
      "copy: *b\n", backend);
  REQUIRE(p.docs.size() == 1);
  const DocNode& r = p.docs[0];
  const DocNode* rule = r.Find("rule");
  REQUIRE(rule);
  CHECK(rule->Find("verbs")->items[0].text == "list");  // explicit key wins
  CHECK(rule->Find("apiGroups")->items[0].text.empty());
  CHECK(rule->Find("<<") == nullptr);
  CHECK(r.Find("copy")->Find("verbs")->items[0].text == "get");
  CHECK(r.Find("copy")->pos == SourcePos{5, 7});  // an alias is located where it is used
}

TEST_CASE("YAML syntax errors are located and earlier documents survive", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse("a: 1\n---\nb: [1, 2\nc: 3\n", backend);
  CHECK(p.docs.size() == 1);
  REQUIRE(p.sink.diagnostics().size() == 1);
  const auto& d = p.sink.diagnostics()[0];
  CHECK(d.code == "yaml-syntax");
  // Each library words the error its own way and reports where it noticed it.
  if (backend == YamlBackend::kYamlCpp) {
    CHECK(d.message == "end of sequence flow not found; later documents not analyzed");
    CHECK(d.where.begin.line == 4);
  } else {
    CHECK(d.message == "flow sequence without a closing bracket; later documents not analyzed");
    CHECK(d.where.begin.line == 5);
  }
}

TEST_CASE("YAML alias bombs stop at the alias budget", "[parsers][yaml][hostile]") {
  const YamlBackend backend = Backend();
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  auto p = Parse(bomb, backend);
  CHECK(p.docs.empty());
  REQUIRE(p.sink.diagnostics().size() == 1);
  CHECK(p.sink.diagnostics()[0].code == "alias-limit");
  CHECK(p.sink.diagnostics()[0].message ==
        "aliases expand to more than 1000000 nodes (alias bomb?); rest of this document not analyzed");
}

TEST_CASE("YAML nesting deeper than the limit is an error", "[parsers][yaml][hostile]") {
  const YamlBackend backend = Backend();
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  auto p = Parse(deep, backend);
  CHECK(p.docs.empty());
  REQUIRE_FALSE(p.sink.diagnostics().empty());
  CHECK(p.sink.diagnostics()[0].code == "too-deep");
  std::string block;
  for (int i = 0; i < 300; ++i) block += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  auto q = Parse(block, backend);
  REQUIRE_FALSE(q.sink.diagnostics().empty());
  CHECK(q.sink.diagnostics()[0].code == "too-deep");
  CHECK(q.sink.diagnostics()[0].message ==
        "nesting deeper than 200 levels; rest of this document not analyzed");
}

TEST_CASE("YAML complex keys are reported as unsupported", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse("? [a, b]\n: c\n", backend);
  REQUIRE(p.sink.diagnostics().size() == 1);
  CHECK(p.sink.diagnostics()[0].code == "unsupported-construct");
  CHECK(p.sink.diagnostics()[0].where.begin == SourcePos{1, 3});
}

}  // namespace
}  // namespace grantpath::parsers

namespace grantpath::parsers {
namespace {

TEST_CASE("YAML List items are streamed one object at a time", "[parsers][yaml]") {
  const YamlBackend backend = Backend();
  auto p = Parse(
      "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n"
      "- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: b\n"
      "    managedFields: [{manager: kubectl, fieldsV1: {f:x: {}}}]\n"
      "kind: List\n",
      backend);
  REQUIRE(p.docs.size() == 3);
  CHECK(p.docs[0].Find("metadata")->Find("name")->text == "a");
  CHECK(p.docs[0].pos == SourcePos{3, 3});
  // managedFields is never stored: no engine reads it.
  CHECK(p.docs[1].Find("metadata")->Find("managedFields") == nullptr);
  CHECK(p.docs[1].Find("metadata")->Find("name")->text == "b");
  CHECK(p.docs[2].Find("kind")->text == "List");
  CHECK(p.docs[2].Find("items")->items.empty());
}

}  // namespace
}  // namespace grantpath::parsers

namespace grantpath::parsers {
namespace {

TEST_CASE("ParseYaml itself repairs invalid UTF-8, so no caller can hang libfyaml", "[parsers][yaml][hostile]") {
  // '%' then invalid UTF-8: libfyaml 0.7.12 scans such a directive forever.
  for (auto backend : {YamlBackend::kLibfyaml, YamlBackend::kYamlCpp}) {
    CollectingSink sink;
    ParseLimits limits;
    limits.yaml_backend = backend;
    limits.line_offset = 4;
    std::size_t docs = ParseYaml(std::string("%{\xee\x01\nkind: x\n"), 1, limits, sink, [](DocNode&) {});
    (void)docs;
    REQUIRE_FALSE(sink.diagnostics().empty());
    CHECK(sink.diagnostics()[0].code == "invalid-utf8");
    CHECK(sink.diagnostics()[0].where.begin.line == 5);  // moved by the line offset
  }
}

}  // namespace
}  // namespace grantpath::parsers

namespace grantpath::parsers {
namespace {

TEST_CASE("A YAML text over its parse budget stops with a located error", "[parsers][yaml][hostile]") {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "---\nkind: x\nitems: [a, b, c]\n";
  for (auto backend : {YamlBackend::kLibfyaml, YamlBackend::kYamlCpp}) {
    CollectingSink sink;
    ParseLimits limits;
    limits.yaml_backend = backend;
    limits.max_parse_seconds = 0.0;
    std::size_t docs = ParseYaml(text, 1, limits, sink, [](DocNode&) {});
    CHECK(docs < 3000);
    REQUIRE(sink.diagnostics().size() == 1);
    CHECK(sink.diagnostics()[0].code == "parse-budget");
    CHECK(sink.diagnostics()[0].where.begin.line >= 1);
  }
}

}  // namespace
}  // namespace grantpath::parsers

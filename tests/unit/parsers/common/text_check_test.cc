#include "common/text_check.h"

#include <catch2/catch.hpp>

namespace grantpath::parsers {
namespace {

TEST_CASE("CheckText passes clean text through without a copy", "[parsers][text]") {
  CollectingSink sink;
  CHECK_FALSE(CheckText("apiVersion: v1\nkind: List\nname: caf\xC3\xA9\n", 1, sink).has_value());
  CHECK(sink.diagnostics().empty());
}

TEST_CASE("CheckText reports a NUL byte at its own line and column and drops it", "[parsers][text]") {
  CollectingSink sink;
  std::string text = std::string(9000, 'x') + "\nkind: A\n" + std::string("  b\0c", 5) + "\n";  // then one more NUL
  text.push_back('\0');
  auto out = CheckText(text, 1, sink);
  REQUIRE(out.has_value());
  CHECK(*out == std::string(9000, 'x') + "\nkind: A\n  bc\n");
  REQUIRE(sink.diagnostics().size() == 1);
  const auto& d = sink.diagnostics()[0];
  CHECK(d.code == "nul-byte");
  CHECK(d.where.begin.line == 3);
  CHECK(d.where.begin.column == 4);
  CHECK(d.message ==
        "NUL byte in the file (1 more NUL bytes in the file); YAML and JSON forbid it: NUL bytes are "
        "ignored and the rest of the file is analyzed");
}

TEST_CASE("CheckText replaces invalid UTF-8 with U+FFFD and locates the first byte", "[parsers][text]") {
  CollectingSink sink;
  auto out = CheckText("a: \xC3\xA9\n%\xFF\nb: \xED\xA0\x80\n", 1, sink);
  REQUIRE(out.has_value());
  CHECK(*out == "a: \xC3\xA9\n%\xEF\xBF\xBD\nb: \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\n");
  REQUIRE(sink.diagnostics().size() == 1);
  CHECK(sink.diagnostics()[0].code == "invalid-utf8");
  CHECK(sink.diagnostics()[0].where.begin.line == 2);
  CHECK(sink.diagnostics()[0].where.begin.column == 2);
  CHECK(sink.diagnostics()[0].message ==
        "invalid UTF-8 (byte 0xff) (3 more invalid bytes in the file); each is read as U+FFFD and the rest "
        "of the file is analyzed");
}

TEST_CASE("Utf8SequenceLength rejects overlong forms, surrogates and code points past U+10FFFF",
          "[parsers][text]") {
  CHECK(Utf8SequenceLength("\xC3\xA9", 0) == 2);
  CHECK(Utf8SequenceLength("\xF0\x9F\x98\x80", 0) == 4);
  CHECK(Utf8SequenceLength("\xC0\xAF", 0) == 0);
  CHECK(Utf8SequenceLength("\xE0\x80\xAF", 0) == 0);
  CHECK(Utf8SequenceLength("\xED\xA0\x80", 0) == 0);
  CHECK(Utf8SequenceLength("\xF4\x90\x80\x80", 0) == 0);
  CHECK(Utf8SequenceLength("\xE2\x80", 0) == 0);
}

}  // namespace
}  // namespace grantpath::parsers

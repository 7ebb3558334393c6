#include "grantpath/terminal.h"

#include <sstream>

#include <catch2/catch.hpp>

namespace grantpath {
namespace {

TEST_CASE("TerminalSafe escapes what acts on a terminal and keeps the rest", "[core][terminal]") {
  CHECK(TerminalSafe("plain text, caf\xC3\xA9, \xF0\x9F\x98\x80 and \\ backslash") ==
        "plain text, caf\xC3\xA9, \xF0\x9F\x98\x80 and \\ backslash");
  CHECK(TerminalSafe("a\x1b]0;PWN\x07" "b") == "a\\u001b]0;PWN\\u0007b");
  CHECK(TerminalSafe("line\nFAKE\r") == "line\\u000aFAKE\\u000d");
  CHECK(TerminalSafe("line\nnext", true) == "line\nnext");
  CHECK(TerminalSafe("tab\there") == "tab\there");
  CHECK(TerminalSafe("del\x7f") == "del\\u007f");
  CHECK(TerminalSafe("c1\xC2\x9B" "31m") == "c1\\u009b31m");                 // CSI as a C1 control
  CHECK(TerminalSafe("ls\xE2\x80\xA8ps\xE2\x80\xA9") == "ls\\u2028ps\\u2029");
  CHECK(TerminalSafe("bidi\xE2\x80\xAE" "txt") == "bidi\\u202etxt");
  CHECK(TerminalSafe("iso\xE2\x81\xA6" "x") == "iso\\u2066x");
  CHECK(TerminalSafe("bad\xFF\xFE") == "bad\\xff\\xfe");
  CHECK(TerminalSafe("overlong\xC0\xAF") == "overlong\\xc0\\xaf");
  CHECK(TerminalSafe("surrogate\xED\xA0\x80") == "surrogate\\xed\\xa0\\x80");
  CHECK(TerminalSafe("cut\xE2\x80") == "cut\\xe2\\x80");
  CHECK(IsTerminalSafe("ok \xC3\xA9"));
  CHECK_FALSE(IsTerminalSafe("\x1b"));
}

TEST_CASE("TerminalSafe keeps a valid JSON text valid, with the same value", "[core][terminal]") {
  // Raw U+2028 and DEL are legal inside JSON strings; their escapes are too.
  CHECK(TerminalSafe("{\"n\": \"a\xE2\x80\xA8\x7f\"}", true) == "{\"n\": \"a\\u2028\\u007f\"}");
}

TEST_CASE("TerminalSafeBuffer escapes across writes and keeps split UTF-8 sequences whole",
          "[core][terminal]") {
  std::ostringstream sink;
  TerminalSafeBuffer buf(sink.rdbuf());
  std::ostream out(&buf);
  out << "caf\xC3";
  out << "\xA9 \x1b[2J\n";
  out.flush();
  CHECK(sink.str() == "caf\xC3\xA9 \\u001b[2J\n");
  CHECK(IncompleteUtf8Suffix("ab\xE2\x80") == 2);
  CHECK(IncompleteUtf8Suffix("ab\xE2\x80\xA8") == 0);
  CHECK(IncompleteUtf8Suffix("ab") == 0);
}

}  // namespace
}  // namespace grantpath

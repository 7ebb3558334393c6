// Making untrusted text safe to show on a terminal.
//
// Object names, Sids, messages and file names come from the scanned input,
// which an attacker may control. Printed raw, escape sequences (ESC, CSI,
// OSC), carriage returns, C1 controls, line and paragraph separators, bidi
// overrides and invalid UTF-8 can rewrite the screen or forge report lines.
#pragma once

#include <streambuf>
#include <string>
#include <string_view>

namespace grantpath {

/// `text` with every character that can act on a terminal written as an
/// escape: C0 controls (other than tab, and newline when `keep_newlines`),
/// DEL and C1 controls as `\u00XX`; U+2028, U+2029, U+061C, U+200E, U+200F,
/// U+202A-U+202E, U+2066-U+2069 and U+FEFF as `\uXXXX`; each byte that is
/// not part of valid UTF-8 as `\xNN`. Everything else, including backslashes
/// and printable non-ASCII text, is unchanged. The result of escaping a valid
/// JSON text is valid JSON with the same value (JSON writers never emit raw
/// C0 controls or invalid UTF-8, and `\uXXXX` is a JSON escape).
std::string TerminalSafe(std::string_view text, bool keep_newlines = false);

/// True when TerminalSafe(text, keep_newlines) == text (the fast path).
bool IsTerminalSafe(std::string_view text, bool keep_newlines = false);

/// The number of bytes at the end of `text` that begin a UTF-8 sequence
/// not yet complete (0 to 3): what a writer holds back until more arrives.
std::size_t IncompleteUtf8Suffix(std::string_view text);

/// A stream buffer that escapes, as TerminalSafe with newlines kept,
/// everything written through it before passing it on to `target`. A UTF-8
/// sequence split across writes is held until it is complete or the
/// stream is flushed. Install it
/// on std::cout and std::cerr so that no command can print raw input.
class TerminalSafeBuffer : public std::streambuf {
 public:
  explicit TerminalSafeBuffer(std::streambuf* target) : target_(target) {}

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void Emit(bool final);
  std::streambuf* target_;
  std::string pending_;
};

}  // namespace grantpath

#include "grantpath/terminal.h"

#include <cstdint>

namespace grantpath {
namespace {

// Length of the valid UTF-8 sequence at s[i] and its code point, or 0.
std::size_t Decode(std::string_view s, std::size_t i, std::uint32_t* cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  std::uint32_t v = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return n;
}

bool Dangerous(std::uint32_t cp, bool keep_newlines) {
  if (cp < 0x20) return !(cp == '\t' || (keep_newlines && cp == '\n'));
  if (cp >= 0x7F && cp <= 0x9F) return true;
  return cp == 0x2028 || cp == 0x2029 || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

const char kHex[] = "0123456789abcdef";

// Safe-text scan: the offset of the first byte that needs escaping.
std::size_t FirstUnsafe(std::string_view s, bool keep_newlines) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    std::size_t n = Decode(s, i, &cp);
    if (n == 0 || Dangerous(cp, keep_newlines)) return i;
    i += n;
  }
  return s.size();
}

void Append(std::string_view s, bool keep_newlines, std::string* out) {
  std::size_t i = FirstUnsafe(s, keep_newlines);
  out->append(s.substr(0, i));
  while (i < s.size()) {
    std::uint32_t cp = 0;
    std::size_t n = Decode(s, i, &cp);
    if (n == 0) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      out->append({'\\', 'x', kHex[c >> 4], kHex[c & 15]});
      ++i;
      continue;
    }
    if (Dangerous(cp, keep_newlines)) {
      out->append({'\\', 'u', kHex[(cp >> 12) & 15], kHex[(cp >> 8) & 15], kHex[(cp >> 4) & 15],
                   kHex[cp & 15]});
    } else {
      out->append(s.substr(i, n));
    }
    i += n;
  }
}

}  // namespace

bool IsTerminalSafe(std::string_view text, bool keep_newlines) {
  return FirstUnsafe(text, keep_newlines) == text.size();
}

std::string TerminalSafe(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  Append(text, keep_newlines, &out);
  return out;
}

std::size_t IncompleteUtf8Suffix(std::string_view s) {
  std::size_t n = s.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    unsigned char c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
    std::size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return want > back ? back : 0;
  }
  return 0;
}

void TerminalSafeBuffer::Emit(bool final) {
  // Hold back an incomplete UTF-8 sequence at the end, unless flushing for good.
  std::size_t keep = final ? 0 : IncompleteUtf8Suffix(pending_);
  std::string_view ready(pending_.data(), pending_.size() - keep);
  if (IsTerminalSafe(ready, true)) {
    target_->sputn(ready.data(), static_cast<std::streamsize>(ready.size()));
  } else {
    std::string safe = TerminalSafe(ready, true);
    target_->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
  }
  pending_.erase(0, pending_.size() - keep);
}

TerminalSafeBuffer::int_type TerminalSafeBuffer::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  pending_.push_back(traits_type::to_char_type(ch));
  if (ch == '\n' || pending_.size() >= 8192) Emit(false);
  return ch;
}

std::streamsize TerminalSafeBuffer::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<std::size_t>(n));
  if (pending_.size() >= 8192 || (n > 0 && s[n - 1] == '\n')) Emit(false);
  return n;
}

int TerminalSafeBuffer::sync() {
  Emit(true);
  return target_->pubsync();
}

}  // namespace grantpath

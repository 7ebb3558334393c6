#include "common/text_check.h"

#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace grantpath::parsers {

std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (c == 0xED && b(i + 1) > 0x9F) return 0;   // UTF-16 surrogates
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;   // above U+10FFFF
  return n;
}

namespace {

// 1-based line and column (in characters) of byte `offset`.
SourcePos PositionOf(std::string_view text, std::size_t offset) {
  SourcePos p{1, 1};
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      line_start = i + 1;
    }
  }
  for (std::size_t i = line_start; i < offset;) {
    std::size_t n = Utf8SequenceLength(text, i);
    i += n ? n : 1;
    ++p.column;
  }
  return p;
}

// True when the 8 bytes at p are ASCII without NUL.
inline bool PlainAscii8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr std::uint64_t kLow = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  return ((w & kHigh) | ((w - kLow) & ~w & kHigh)) == 0;
}

// PlainAscii8 over 32 bytes.
inline bool PlainAscii32(const char* p) {
#ifdef __SSE2__
  __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  __m128i zero = _mm_setzero_si128();
  __m128i nul = _mm_or_si128(_mm_cmpeq_epi8(a, zero), _mm_cmpeq_epi8(b, zero));
  return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), nul)) == 0;  // no high bit, no NUL
#else
  return PlainAscii8(p) && PlainAscii8(p + 8) && PlainAscii8(p + 16) && PlainAscii8(p + 24);
#endif
}

}  // namespace

std::optional<std::string> CheckText(std::string_view text, FileId file, DiagnosticSink& sink,
                                     std::uint32_t line_offset) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  // Fast path: skip plain ASCII eight bytes at a time, check the rest.
  bool clean = true;
  while (i < n) {
    while (i + 32 <= n && PlainAscii32(text.data() + i)) i += 32;
    while (i + 8 <= n && PlainAscii8(text.data() + i)) i += 8;
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) {
      clean = false;
      break;
    }
    std::size_t len = c < 0x80 ? 1 : Utf8SequenceLength(text, i);
    if (len == 0) {
      clean = false;
      break;
    }
    i += len;
  }
  if (clean) return std::nullopt;
  std::string out(text.substr(0, i));
  out.reserve(text.size() + 16);
  std::size_t nuls = 0, invalid = 0, first_nul = 0, first_invalid = 0;
  unsigned char invalid_byte = 0;
  while (i < n) {
    std::size_t len = text[i] == '\0' ? 0 : Utf8SequenceLength(text, i);
    if (len) {
      out.append(text.substr(i, len));
      i += len;
      continue;
    }
    if (text[i] == '\0') {
      if (nuls++ == 0) first_nul = i;
    } else {
      if (invalid++ == 0) {
        first_invalid = i;
        invalid_byte = static_cast<unsigned char>(text[i]);
      }
      out.append("\xEF\xBF\xBD");
    }
    ++i;
  }
  auto more = [](std::size_t count, const char* what) {
    return count > 1 ? " (" + std::to_string(count - 1) + " more " + what + " in the file)" : std::string();
  };
  if (nuls) {
    SourcePos p = PositionOf(text, first_nul);
    p.line += line_offset;
    sink.Error("nul-byte",
               "NUL byte in the file" + more(nuls, "NUL bytes") +
                   "; YAML and JSON forbid it: NUL bytes are ignored and the rest of the file is analyzed",
               SourceRange{file, p, p});
  }
  if (invalid) {
    static const char kHex[] = "0123456789abcdef";
    std::string byte = {'0', 'x', kHex[invalid_byte >> 4], kHex[invalid_byte & 15]};
    SourcePos p = PositionOf(text, first_invalid);
    p.line += line_offset;
    sink.Error("invalid-utf8",
               "invalid UTF-8 (byte " + byte + ")" + more(invalid, "invalid bytes") +
                   "; each is read as U+FFFD and the rest of the file is analyzed",
               SourceRange{file, p, p});
  }
  return out;
}

}  // namespace grantpath::parsers

// JSON backend: a small recursive-descent reader that records the exact
// line and column of every value and key (nlohmann/json keeps no
// positions). Strict RFC 8259 grammar; depth is bounded.
#include <cstdint>
#include <cstdio>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string>

#include "common/doc.h"

namespace grantpath::parsers {
namespace {

// The offset of the first byte of p[0, n) that is '"', '\\' or a control
// character (below 0x20), or n: bytes before it a string literal holds as
// they are.
inline std::size_t PlainStringRun(const char* p, std::size_t n) {
  std::size_t i = 0;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), below = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(x, below), x));  // x <= 0x1F, unsigned
    if (int mask = _mm_movemask_epi8(special)) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == '"' || c == '\\' || c < 0x20) return i;
  }
  return n;
}

struct JsonError {
  std::string message;
  SourcePos pos;
};

bool LooksLikeObject(const DocNode& n) {
  return n.is_map() && n.Find("apiVersion") != nullptr && n.Find("kind") != nullptr;
}

class JsonReader {
 public:
  JsonReader(std::string_view text, const ParseLimits& limits, const DocumentCallback& on_item)
      : s_(text), limits_(limits), on_item_(on_item) {
    if (s_.size() >= 3 && std::memcmp(s_.data(), "\xEF\xBB\xBF", 3) == 0) i_ = 3, line_start_ = 3;
  }

  void ParseDocument(DocNode* out) {
    SkipWs();
    ParseValue(out, 0);
    SkipWs();
    if (i_ != s_.size()) Fail("unexpected text after the JSON value");
  }

 private:
  SourcePos Pos() const {
    return {line_, static_cast<std::uint32_t>(i_ - line_start_ + 1)};
  }
  [[noreturn]] void Fail(const std::string& msg) { throw JsonError{msg, Pos()}; }

  void SkipWs() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        ++line_;
        line_start_ = ++i_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else {
        break;
      }
    }
  }

  void ParseValue(DocNode* out, std::uint32_t depth) {
    if (i_ >= s_.size()) Fail("unexpected end of input, expected a value");
    out->pos = Pos();
    char c = s_[i_];
    switch (c) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"':
        out->type = DocNode::Type::kScalar;
        out->quoted = true;
        ParseString(&out->text);
        return;
      case 't':
        return Literal(out, "true");
      case 'f':
        return Literal(out, "false");
      case 'n':
        if (s_.substr(i_, 4) != "null") Fail("invalid literal");
        i_ += 4;
        out->type = DocNode::Type::kNull;
        return;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        Fail(std::string("unexpected character '") + Printable(c) + "'");
    }
  }

  static std::string Printable(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string(1, c);
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", u);
    return buf;
  }

  void Literal(DocNode* out, std::string_view word) {
    if (s_.substr(i_, word.size()) != word) Fail("invalid literal");
    i_ += word.size();
    out->type = DocNode::Type::kScalar;
    out->text = std::string(word);
  }

  void ParseNumber(DocNode* out) {
    std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !IsDigit(s_[i_])) Fail("invalid number");
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || !IsDigit(s_[i_])) Fail("invalid number: digits expected after '.'");
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !IsDigit(s_[i_])) Fail("invalid number: digits expected in exponent");
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    out->type = DocNode::Type::kScalar;
    out->text = std::string(s_.substr(start, i_ - start));
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  // Reads a string literal into `out`, or only validates it when `out` is
  // null (skipped subtrees).
  void ParseString(std::string* out) {
    ++i_;  // opening quote
    std::size_t run = i_;
    std::string scratch;
    bool skipping = out == nullptr;
    if (skipping) out = &scratch;
    for (;;) {
      // Skipping: straight to a quote, a backslash or a control character
      // (decided one byte at a time below).
      if (skipping) i_ += PlainStringRun(s_.data() + i_, s_.size() - i_);
      if (i_ >= s_.size()) Fail("unterminated string");
      char c = s_[i_];
      if (c == '"') {
        if (out != &scratch) out->append(s_.data() + run, i_ - run);
        ++i_;
        return;
      }
      if (static_cast<unsigned char>(c) < 0x20) Fail("control character in string");
      if (c != '\\') {
        ++i_;
        continue;
      }
      if (out != &scratch) out->append(s_.data() + run, i_ - run);
      if (++i_ >= s_.size()) Fail("unterminated string");
      char e = s_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") Fail("unpaired surrogate in \\u escape");
            i_ += 2;
            std::uint32_t lo = Hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) Fail("invalid low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            Fail("unpaired surrogate in \\u escape");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          --i_;
          Fail(std::string("invalid escape '\\") + Printable(e) + "'");
      }
      run = i_;
    }
  }

  std::uint32_t Hex4() {
    if (i_ + 4 > s_.size()) Fail("truncated \\u escape");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else { --i_; Fail("invalid hex digit in \\u escape"); }
    }
    return v;
  }

  static void AppendUtf8(std::string* out, std::uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  void CheckDepth(std::uint32_t depth) {
    if (depth > limits_.max_depth)
      Fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  void ParseObject(DocNode* out, std::uint32_t depth) {
    CheckDepth(depth);
    out->type = DocNode::Type::kMap;
    ++i_;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return;
    }
    for (;;) {
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != '"') Fail("expected a string key");
      DocEntry e;
      e.key_pos = Pos();
      ParseString(&e.key);
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != ':') Fail("expected ':' after key");
      ++i_;
      SkipWs();
      if (e.key == "managedFields") {
        SkipValue(depth);  // never read by any engine, and large in dumps
      } else if (depth == 1 && e.key == "items" && i_ < s_.size() && s_[i_] == '[') {
        e.value.pos = Pos();
        ParseArray(&e.value, depth + 1, true);
        out->entries.push_back(std::move(e));
      } else if (depth == 1 && limits_.stream_list_key && i_ < s_.size() && s_[i_] == '[' &&
                 limits_.stream_list_key(e.key)) {
        e.value.pos = Pos();
        ParseArray(&e.value, depth + 1, false, &e);
        out->entries.push_back(std::move(e));
      } else {
        ParseValue(&e.value, depth);
        out->entries.push_back(std::move(e));
      }
      if (!MoreMembers('}')) return;
    }
  }

  // After a member of an array (close ']') or object ('}'): true past a
  // ',' (another member follows), false past the closing bracket.
  bool MoreMembers(char close) {
    SkipWs();
    bool array = close == ']';
    if (i_ >= s_.size()) Fail(array ? "unexpected end of input in array" : "unexpected end of input in object");
    if (s_[i_] == ',') {
      ++i_;
      return true;
    }
    if (s_[i_] == close) {
      ++i_;
      return false;
    }
    Fail(array ? "expected ',' or ']' in array" : "expected ',' or '}' in object");
  }

  // Validates and skips a value without building it.
  void SkipValue(std::uint32_t depth) {
    if (i_ >= s_.size()) Fail("unexpected end of input, expected a value");
    char c = s_[i_];
    if (c == '{' || c == '[') {
      CheckDepth(depth + 1);
      char close = c == '{' ? '}' : ']';
      ++i_;
      SkipWs();
      if (i_ < s_.size() && s_[i_] == close) {
        ++i_;
        return;
      }
      for (;;) {
        SkipWs();
        if (c == '{') {
          if (i_ >= s_.size() || s_[i_] != '"') Fail("expected a string key");
          ParseString(nullptr);
          SkipWs();
          if (i_ >= s_.size() || s_[i_] != ':') Fail("expected ':' after key");
          ++i_;
          SkipWs();
        }
        SkipValue(depth + 1);
        if (!MoreMembers(close)) return;
      }
    }
    if (c == '"') {
      ParseString(nullptr);
      return;
    }
    DocNode scratch;
    ParseValue(&scratch, depth);
  }

  // With `stream_objects` (the root object's "items"), each Kubernetes
  // object is handed to the caller as soon as it is parsed, not kept. With
  // `stream_as` (a root entry named by limits.stream_list_key), each element
  // is handed over as {key: [element]}.
  void ParseArray(DocNode* out, std::uint32_t depth, bool stream_objects = false, const DocEntry* stream_as = nullptr) {
    CheckDepth(depth);
    out->type = DocNode::Type::kSeq;
    ++i_;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return;
    }
    for (;;) {
      SkipWs();
      if (stream_as && limits_.keep_list_element) {
        // The element is skipped (still checked for syntax) unless the
        // filter keeps it; a kept one is then parsed from its start.
        std::size_t start = i_, line = line_, line_start = line_start_;
        SkipValue(depth);
        if (!limits_.keep_list_element(stream_as->key, s_.substr(start, i_ - start))) {
          if (MoreMembers(']')) continue;
          return;
        }
        i_ = start;
        line_ = line;
        line_start_ = line_start;
      }
      out->items.emplace_back();
      ParseValue(&out->items.back(), depth);
      if (stream_objects && LooksLikeObject(out->items.back())) {
        on_item_(out->items.back());
        out->items.pop_back();
      } else if (stream_as) {
        DocNode one;
        one.type = DocNode::Type::kMap;
        one.pos = out->items.back().pos;
        DocEntry entry;
        entry.key = stream_as->key;
        entry.key_pos = stream_as->key_pos;
        entry.value.type = DocNode::Type::kSeq;
        entry.value.pos = out->pos;
        entry.value.items.push_back(std::move(out->items.back()));
        out->items.pop_back();
        one.entries.push_back(std::move(entry));
        on_item_(one);
      }
      if (!MoreMembers(']')) return;
    }
  }

  std::string_view s_;
  const ParseLimits& limits_;
  const DocumentCallback& on_item_;
  std::size_t i_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
};

}  // namespace

bool ParseJson(std::string_view text, FileId file, const ParseLimits& limits,
               DiagnosticSink& sink, const DocumentCallback& on_doc) {
  DocNode root;
  try {
    JsonReader reader(text, limits, on_doc);
    reader.ParseDocument(&root);
  } catch (const JsonError& e) {
    bool deep = e.message.rfind("nesting deeper", 0) == 0;
    sink.Error(deep ? "too-deep" : "json-syntax", e.message, At(file, e.pos));
    return false;
  }
  on_doc(root);
  return true;
}

}  // namespace grantpath::parsers

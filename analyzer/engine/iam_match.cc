#include "engine/iam_match.h"

#include <cctype>

namespace grantpath::iam {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

bool CharEq(char p, char t, bool icase) {
  if (p == kLiteralStar) return t == '*';
  if (p == kLiteralQuestion) return t == '?';
  if (icase)
    return std::tolower(static_cast<unsigned char>(p)) == std::tolower(static_cast<unsigned char>(t));
  return p == t;
}

// Bytes in the UTF-8 character that starts at t[i] (1 for a stray byte).
std::size_t CharLen(std::string_view t, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(t[i]);
  std::size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (i + n > t.size()) return 1;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(t[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

}  // namespace

// '?' is one character, as AWS matches it, not one byte.
bool Glob(std::string_view p, std::string_view t, bool icase) {
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == '?') {
      ++pi;
      ti += CharLen(t, ti);
    } else if (pi < p.size() && CharEq(p[pi], t[ti], icase)) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      mark += CharLen(t, mark);
      ti = mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool HasWildcard(std::string_view p) {
  return p.find('*') != std::string_view::npos || p.find('?') != std::string_view::npos;
}

std::optional<std::vector<std::string>> SplitArn(std::string_view arn) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t c = arn.find(':', start);
    if (c == std::string_view::npos) return std::nullopt;
    parts.emplace_back(arn.substr(start, c - start));
    start = c + 1;
  }
  parts.emplace_back(arn.substr(start));
  return parts;
}

std::optional<std::vector<std::string>> ArnPatternSegments(std::string_view pattern) {
  std::vector<std::string> pp;
  std::size_t start = 0;
  while (pp.size() < 5) {
    std::size_t c = pattern.find(':', start);
    if (c == std::string_view::npos) break;
    pp.emplace_back(pattern.substr(start, c - start));
    start = c + 1;
  }
  pp.emplace_back(pattern.substr(start));
  if (pp.size() < 6) {
    // A short pattern: completed with "*" segments only when it ends in a
    // wildcard; otherwise it names no valid ARN.
    if (pp.back().empty() || pp.back().back() != '*') return std::nullopt;
    while (pp.size() < 6) pp.emplace_back("*");
  }
  return pp;
}

bool ArnMatch(std::string_view pattern, std::string_view value) {
  if (pattern == "*") return true;
  if (pattern.substr(0, 4) != "arn:") return Glob(pattern, value);
  auto pp = ArnPatternSegments(pattern);
  if (!pp) return false;
  auto vp = SplitArn(value);
  if (!vp) return false;
  for (int i = 0; i < 6; ++i)
    if (!Glob((*pp)[i], (*vp)[i])) return false;
  return true;
}

bool HasVariables(std::string_view p) { return p.find("${") != std::string_view::npos; }

std::optional<std::string> SubstituteVariables(std::string_view p, const VariableLookup& lookup,
                                               std::string* error) {
  std::string out;
  std::size_t i = 0;
  while (i < p.size()) {
    if (p[i] != '$' || i + 1 >= p.size() || p[i + 1] != '{') {
      out.push_back(p[i++]);
      continue;
    }
    std::size_t close = p.find('}', i + 2);
    if (close == std::string_view::npos) {
      if (error) *error = "unterminated policy variable '" + std::string(p.substr(i)) + "'";
      out.append(p.substr(i));
      break;
    }
    std::string body(p.substr(i + 2, close - i - 2));
    i = close + 1;
    if (body == "*") {
      out.push_back(kLiteralStar);
      continue;
    }
    if (body == "?") {
      out.push_back(kLiteralQuestion);
      continue;
    }
    if (body == "$") {
      out.push_back('$');
      continue;
    }
    std::optional<std::string> def;
    std::string key = body;
    if (std::size_t comma = body.find(','); comma != std::string::npos) {
      key = body.substr(0, comma);
      std::string rest = body.substr(comma + 1);
      std::size_t q1 = rest.find('\'');
      std::size_t q2 = rest.rfind('\'');
      if (q1 == std::string::npos || q2 == q1) {
        if (error) *error = "policy variable default must be quoted: '${" + body + "}'";
      } else {
        def = rest.substr(q1 + 1, q2 - q1 - 1);
      }
    }
    while (!key.empty() && key.back() == ' ') key.pop_back();
    while (!key.empty() && key.front() == ' ') key.erase(key.begin());
    std::optional<std::string> v = lookup(key);
    if (!v) v = def;
    if (!v) return std::nullopt;
    for (char c : *v) out.push_back(c == '*' ? kLiteralStar : c == '?' ? kLiteralQuestion : c);
  }
  return out;
}

}  // namespace grantpath::iam

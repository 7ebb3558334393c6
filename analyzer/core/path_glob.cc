#include <string>
#include <vector>

#include "grantpath/config.h"

namespace grantpath {
namespace {

std::vector<std::string_view> Segments(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find('/', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i && s.substr(i, j - i) != ".") out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// `[...]` at g[gi]: sets *next past it; returns whether c is in the class.
bool ClassMatch(std::string_view g, std::size_t gi, char c, std::size_t* next, bool* valid) {
  std::size_t i = gi + 1;
  bool negate = i < g.size() && (g[i] == '!' || g[i] == '^');
  if (negate) ++i;
  bool in = false;
  bool first = true;
  for (; i < g.size() && (first || g[i] != ']'); ++i, first = false) {
    if (i + 2 < g.size() && g[i + 1] == '-' && g[i + 2] != ']') {
      if (c >= g[i] && c <= g[i + 2]) in = true;
      i += 2;
    } else if (g[i] == c) {
      in = true;
    }
  }
  *valid = i < g.size();
  *next = i + 1;
  return in != negate;
}

bool SegmentMatch(std::string_view g, std::string_view s) {
  std::size_t gi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (gi < g.size() && g[gi] == '*') {
      star = gi++;
      mark = si;
      continue;
    }
    if (gi < g.size() && g[gi] == '[') {
      std::size_t next;
      bool valid;
      bool in = ClassMatch(g, gi, s[si], &next, &valid);
      if (valid) {
        if (in) {
          gi = next;
          ++si;
          continue;
        }
      } else if (s[si] == '[') {  // an unclosed '[' is literal
        ++gi;
        ++si;
        continue;
      }
    } else if (gi < g.size() && (g[gi] == '?' || g[gi] == s[si])) {
      ++gi;
      ++si;
      continue;
    }
    if (star == std::string_view::npos) return false;
    gi = star + 1;
    si = ++mark;
  }
  while (gi < g.size() && g[gi] == '*') ++gi;
  return gi == g.size();
}

// Matches glob segments from gi against path segments from pi. The glob
// may stop at a folder: everything under a matched folder matches.
bool Match(const std::vector<std::string_view>& g, std::size_t gi,
           const std::vector<std::string_view>& p, std::size_t pi) {
  if (gi == g.size()) return pi > 0 || p.empty();
  if (g[gi] == "**") {
    for (std::size_t k = pi; k <= p.size(); ++k)
      if (Match(g, gi + 1, p, k)) return true;
    return false;
  }
  if (pi == p.size()) return false;
  return SegmentMatch(g[gi], p[pi]) && Match(g, gi + 1, p, pi + 1);
}

}  // namespace

bool PathGlobMatch(std::string_view glob, std::string_view path) {
  std::string full;
  std::string_view trimmed = glob;
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.remove_suffix(1);
  if (trimmed.empty()) return false;
  if (trimmed.find('/') == std::string_view::npos) {
    full = "**/" + std::string(trimmed);
  } else {
    full = std::string(trimmed);
  }
  auto g = Segments(full);
  auto p = Segments(path);
  if (g.empty()) return false;
  return Match(g, 0, p, 0);
}

}  // namespace grantpath

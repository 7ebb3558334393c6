#include "common/split.h"

namespace grantpath::parsers {

std::vector<Span> SplitYamlDocuments(std::string_view s, std::size_t parts) {
  std::vector<Span> out;
  if (parts < 2 || s.size() < 2) return {Span{0, s.size(), 1, 0}};
  std::size_t target = s.size() / parts;
  Span cur{0, 0, 1, 0};
  std::uint32_t line = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') continue;
    ++line;
    std::size_t next = i + 1;
    if (next - cur.begin < target || out.size() + 1 >= parts) continue;
    if (s.compare(next, 3, "---") != 0) continue;
    char after = next + 3 < s.size() ? s[next + 3] : '\n';
    if (after != ' ' && after != '\t' && after != '\n' && after != '\r') continue;
    cur.end = next;
    out.push_back(cur);
    cur = Span{next, 0, line, next};
  }
  cur.end = s.size();
  out.push_back(cur);
  return out;
}

}  // namespace grantpath::parsers

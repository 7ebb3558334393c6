// Splitting one large multi-document YAML stream into independent pieces
// that can be parsed on several cores.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace grantpath::parsers {

/// A byte range of the input and where it starts (1-based line, and the
/// byte offset of that line's first character).
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::uint32_t line = 1;
  std::size_t line_start = 0;
};

/// Cuts a YAML stream before document-start markers ("---" at the start of
/// a line, then a space, a tab or the line end), which always begin a new
/// document, into about `parts` pieces of similar size. Returns one span
/// for the whole text when there is nothing to cut.
std::vector<Span> SplitYamlDocuments(std::string_view text, std::size_t parts);

}  // namespace grantpath::parsers

// "Did you mean" suggestions for unknown names (kinds, rule ids, flags).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grantpath {

/// Case-insensitive edit distance between two short strings.
std::size_t EditDistance(std::string_view a, std::string_view b);

/// The closest candidate to `word` within a distance that scales with its
/// length (at most a third of it, at least 1), or "" when none is close.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'X'?" for the closest candidate, or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace grantpath

// IAM string matching: the wildcard globs of Action, Resource, Principal
// and String/ArnLike conditions, ARN segments, and policy variables.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grantpath::iam {

/// Characters that stand for a literal '*' and '?' inside a pattern: what
/// a policy variable's value and ${*} / ${?} expand to, so that they never
/// act as wildcards.
constexpr char kLiteralStar = '\x01';
constexpr char kLiteralQuestion = '\x02';

/// IAM glob: '*' matches any run of characters (including none and ':'),
/// '?' exactly one character. Linear-time greedy algorithm with
/// backtracking to the last star.
bool Glob(std::string_view pattern, std::string_view text, bool ignore_case = false);

/// True when the pattern holds a '*' or '?' wildcard.
bool HasWildcard(std::string_view pattern);

/// The ARN rules of Resource and Arn* conditions: the pattern and the value
/// are split at their first five ':' into partition..account segments and the
/// resource part; the first five are matched segment by segment (a wildcard
/// never spans a ':' there) and the resource part as one glob. A pattern
/// with fewer than six segments that ends in a wildcard is completed with
/// "*" segments; one without a wildcard matches only a value written the same.
/// "*" matches everything. A pattern that does not start with "arn:" is
/// matched as a plain glob.
bool ArnMatch(std::string_view pattern, std::string_view value);

/// The six segments of an ARN pattern (one starting with "arn:"), a short
/// pattern completed with "*" segments when it ends in a wildcard; nullopt
/// for a short pattern without one (it matches nothing).
std::optional<std::vector<std::string>> ArnPatternSegments(std::string_view pattern);

/// Splits an ARN into its six parts (arn, partition, service, region,
/// account, resource); nullopt when it has fewer than six.
std::optional<std::vector<std::string>> SplitArn(std::string_view arn);

/// Looks up a context key (case-insensitive name) for variable
/// substitution; returns its single value, or nullopt when the key is absent.
using VariableLookup = std::function<std::optional<std::string>(const std::string& key)>;

/// Substitutes the policy variables of a pattern: ${key}, ${key, 'default'},
/// and the escapes ${*}, ${?}, ${$}. Substituted text is protected with
/// kLiteralStar/kLiteralQuestion. nullopt when a variable has no value and no
/// default (the element then matches nothing). `error` gets a message for a
/// malformed variable.
std::optional<std::string> SubstituteVariables(std::string_view pattern,
                                               const VariableLookup& lookup,
                                               std::string* error = nullptr);
/// True when the pattern contains "${".
bool HasVariables(std::string_view pattern);

std::string ToLower(std::string_view s);

}  // namespace grantpath::iam

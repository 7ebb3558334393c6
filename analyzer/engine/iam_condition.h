// IAM condition operators: parsing an operator name and evaluating one
// condition against a concrete request context.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/model/iam.h"

namespace grantpath::iam {

enum class Tri : std::uint8_t { kFalse, kTrue, kUnknown };
inline Tri TriAnd(Tri a, Tri b) {
  if (a == Tri::kFalse || b == Tri::kFalse) return Tri::kFalse;
  if (a == Tri::kUnknown || b == Tri::kUnknown) return Tri::kUnknown;
  return Tri::kTrue;
}
inline Tri TriOr(Tri a, Tri b) {
  if (a == Tri::kTrue || b == Tri::kTrue) return Tri::kTrue;
  if (a == Tri::kUnknown || b == Tri::kUnknown) return Tri::kUnknown;
  return Tri::kFalse;
}
inline Tri TriNot(Tri a) {
  return a == Tri::kUnknown ? Tri::kUnknown : a == Tri::kTrue ? Tri::kFalse : Tri::kTrue;
}

enum class OpFamily : std::uint8_t { kString, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull };
enum class SetQualifier : std::uint8_t { kNone, kForAnyValue, kForAllValues };
/// The comparison of the operator, in its positive form.
enum class Cmp : std::uint8_t {
  kEquals, kEqualsIgnoreCase, kLike, kLessThan, kLessThanEquals, kGreaterThan,
  kGreaterThanEquals, kIpInRange, kNullCheck
};

/// A parsed condition operator such as "ForAllValues:StringNotLikeIfExists".
struct Operator {
  OpFamily family = OpFamily::kString;
  Cmp cmp = Cmp::kEquals;
  bool negated = false;    // StringNotEquals, NotIpAddress, ArnNotLike, ...
  bool if_exists = false;
  SetQualifier set = SetQualifier::kNone;
  std::string base;        // the name without qualifier and IfExists
};
/// nullopt for an unknown operator name (matched case-sensitively, as AWS
/// does).
std::optional<Operator> ParseOperator(const std::string& name);

/// A request context: lower-case key -> values (a key given twice is
/// multi-valued). Absent keys are absent from the map.
using Context = std::map<std::string, std::vector<std::string>>;

/// Compares one request value with one policy value for the operator's
/// positive comparison. Unknown when a policy value is malformed.
Tri CompareValue(const Operator& op, const std::string& request_value,
                 const std::string& policy_value);

/// Evaluates one condition (operator, key, values) on a context. Policy
/// values have their variables substituted when `variables` is set.
/// `why` receives a short reason when the result is false or unknown.
Tri EvaluateCondition(const Condition& c, const Context& ctx, bool variables,
                      std::string* why);

/// Seconds since the epoch for an ISO 8601 date/time or an epoch number.
std::optional<double> ParseDate(const std::string& s);

/// Types of the global condition keys (aws:*) that grantpath knows:
/// "String", "Bool", "Numeric", "Date", "IPAddress", "ARN", "ArrayOfString".
std::string GlobalKeyType(const std::string& lower_key);

}  // namespace grantpath::iam

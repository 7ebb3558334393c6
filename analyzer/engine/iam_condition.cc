#include "engine/iam_condition.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "engine/iam_match.h"
#include "engine/net_types.h"

namespace grantpath::iam {

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct BaseOp {
  const char* name;
  OpFamily family;
  Cmp cmp;
  bool negated;
};

const BaseOp kOps[] = {
    {"StringEquals", OpFamily::kString, Cmp::kEquals, false},
    {"StringNotEquals", OpFamily::kString, Cmp::kEquals, true},
    {"StringEqualsIgnoreCase", OpFamily::kString, Cmp::kEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", OpFamily::kString, Cmp::kEqualsIgnoreCase, true},
    {"StringLike", OpFamily::kString, Cmp::kLike, false},
    {"StringNotLike", OpFamily::kString, Cmp::kLike, true},
    {"NumericEquals", OpFamily::kNumeric, Cmp::kEquals, false},
    {"NumericNotEquals", OpFamily::kNumeric, Cmp::kEquals, true},
    {"NumericLessThan", OpFamily::kNumeric, Cmp::kLessThan, false},
    {"NumericLessThanEquals", OpFamily::kNumeric, Cmp::kLessThanEquals, false},
    {"NumericGreaterThan", OpFamily::kNumeric, Cmp::kGreaterThan, false},
    {"NumericGreaterThanEquals", OpFamily::kNumeric, Cmp::kGreaterThanEquals, false},
    {"DateEquals", OpFamily::kDate, Cmp::kEquals, false},
    {"DateNotEquals", OpFamily::kDate, Cmp::kEquals, true},
    {"DateLessThan", OpFamily::kDate, Cmp::kLessThan, false},
    {"DateLessThanEquals", OpFamily::kDate, Cmp::kLessThanEquals, false},
    {"DateGreaterThan", OpFamily::kDate, Cmp::kGreaterThan, false},
    {"DateGreaterThanEquals", OpFamily::kDate, Cmp::kGreaterThanEquals, false},
    {"Bool", OpFamily::kBool, Cmp::kEquals, false},
    {"BinaryEquals", OpFamily::kBinary, Cmp::kEquals, false},
    {"IpAddress", OpFamily::kIp, Cmp::kIpInRange, false},
    {"NotIpAddress", OpFamily::kIp, Cmp::kIpInRange, true},
    {"ArnEquals", OpFamily::kArn, Cmp::kLike, false},
    {"ArnLike", OpFamily::kArn, Cmp::kLike, false},
    {"ArnNotEquals", OpFamily::kArn, Cmp::kLike, true},
    {"ArnNotLike", OpFamily::kArn, Cmp::kLike, true},
    {"Null", OpFamily::kNull, Cmp::kNullCheck, false},
};

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

Tri Ordered(Cmp cmp, double a, double b) {
  switch (cmp) {
    case Cmp::kEquals: return a == b ? Tri::kTrue : Tri::kFalse;
    case Cmp::kLessThan: return a < b ? Tri::kTrue : Tri::kFalse;
    case Cmp::kLessThanEquals: return a <= b ? Tri::kTrue : Tri::kFalse;
    case Cmp::kGreaterThan: return a > b ? Tri::kTrue : Tri::kFalse;
    case Cmp::kGreaterThanEquals: return a >= b ? Tri::kTrue : Tri::kFalse;
    default: return Tri::kUnknown;
  }
}

}  // namespace

std::optional<Operator> ParseOperator(const std::string& name) {
  Operator op;
  std::string rest = name;
  if (rest.rfind("ForAnyValue:", 0) == 0) {
    op.set = SetQualifier::kForAnyValue;
    rest = rest.substr(12);
  } else if (rest.rfind("ForAllValues:", 0) == 0) {
    op.set = SetQualifier::kForAllValues;
    rest = rest.substr(13);
  }
  if (EndsWith(rest, "IfExists")) {
    op.if_exists = true;
    rest = rest.substr(0, rest.size() - 8);
  }
  for (const BaseOp& b : kOps) {
    if (rest == b.name) {
      if (b.family == OpFamily::kNull && (op.if_exists || op.set != SetQualifier::kNone))
        return std::nullopt;
      op.family = b.family;
      op.cmp = b.cmp;
      op.negated = b.negated;
      op.base = b.name;
      return op;
    }
  }
  return std::nullopt;
}

std::optional<double> ParseDate(const std::string& s) {
  if (auto n = ParseNumber(s)) return n;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  std::size_t n = s.size();
  if (n < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  y = std::atoi(s.substr(0, 4).c_str());
  mo = std::atoi(s.substr(5, 2).c_str());
  d = std::atoi(s.substr(8, 2).c_str());
  double offset = 0;
  if (n > 10) {
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    std::string t = s.substr(11);
    if (t.size() < 5 || t[2] != ':') return std::nullopt;
    h = std::atoi(t.substr(0, 2).c_str());
    mi = std::atoi(t.substr(3, 2).c_str());
    std::size_t i = 5;
    if (i < t.size() && t[i] == ':') {
      std::size_t j = i + 1;
      while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.')) ++j;
      auto v = ParseNumber(t.substr(i + 1, j - i - 1));
      if (!v) return std::nullopt;
      sec = *v;
      i = j;
    }
    std::string zone = t.substr(i);
    if (zone.empty() || zone == "Z" || zone == "z") {
      offset = 0;
    } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() >= 3) {
      std::string hh = zone.substr(1, 2);
      std::string mm = zone.size() >= 6 ? zone.substr(zone.size() - 2) : "00";
      offset = (std::atoi(hh.c_str()) * 3600 + std::atoi(mm.c_str()) * 60) * (zone[0] == '+' ? 1 : -1);
    } else {
      return std::nullopt;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec >= 61) return std::nullopt;
  // Days from civil (proleptic Gregorian), valid for all years here.
  int yy = y - (mo <= 2 ? 1 : 0);
  int era = (yy >= 0 ? yy : yy - 399) / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  double days = static_cast<double>(era) * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + sec - offset;
}

Tri CompareValue(const Operator& op, const std::string& rv, const std::string& pv) {
  switch (op.family) {
    case OpFamily::kString:
      if (op.cmp == Cmp::kEquals) return rv == pv ? Tri::kTrue : Tri::kFalse;
      if (op.cmp == Cmp::kEqualsIgnoreCase) return ToLower(rv) == ToLower(pv) ? Tri::kTrue : Tri::kFalse;
      return Glob(pv, rv) ? Tri::kTrue : Tri::kFalse;
    case OpFamily::kNumeric: {
      auto p = ParseNumber(pv);
      if (!p) return Tri::kUnknown;
      auto r = ParseNumber(rv);
      if (!r) return Tri::kFalse;
      return Ordered(op.cmp, *r, *p);
    }
    case OpFamily::kDate: {
      auto p = ParseDate(pv);
      if (!p) return Tri::kUnknown;
      auto r = ParseDate(rv);
      if (!r) return Tri::kFalse;
      return Ordered(op.cmp, *r, *p);
    }
    case OpFamily::kBool: {
      std::string p = ToLower(pv);
      if (p != "true" && p != "false") return Tri::kUnknown;
      return ToLower(rv) == p ? Tri::kTrue : Tri::kFalse;
    }
    case OpFamily::kBinary:
      return rv == pv ? Tri::kTrue : Tri::kFalse;
    case OpFamily::kIp: {
      auto p = net::ParseCidr(pv);
      if (!p) return Tri::kUnknown;
      auto r = net::ParseCidr(rv);
      if (!r) return Tri::kFalse;
      return p->Contains(*r) ? Tri::kTrue : Tri::kFalse;
    }
    case OpFamily::kArn:
      return ArnMatch(pv, rv) ? Tri::kTrue : Tri::kFalse;
    case OpFamily::kNull:
      return Tri::kUnknown;
  }
  return Tri::kUnknown;
}

Tri EvaluateCondition(const Condition& c, const Context& ctx, bool variables, std::string* why) {
  auto op = ParseOperator(c.op.value);
  if (!op) {
    if (why) *why = "unsupported condition operator '" + c.op.value + "'";
    return Tri::kUnknown;
  }
  std::string key = ToLower(c.key.value);
  auto it = ctx.find(key);
  bool present = it != ctx.end() && !it->second.empty();
  if (op->family == OpFamily::kNull) {
    for (const auto& v : c.values) {
      std::string p = ToLower(v.value);
      if (p != "true" && p != "false") {
        if (why) *why = "Null expects \"true\" or \"false\", got '" + v.value + "'";
        return Tri::kUnknown;
      }
      if ((p == "true") != present) return Tri::kTrue;
    }
    if (why) *why = c.key.value + (present ? " is present" : " is absent");
    return Tri::kFalse;
  }
  // Policy values, with variables substituted (a value whose variable has
  // no value matches nothing and is dropped).
  std::vector<std::string> pvals;
  for (const auto& v : c.values) {
    if (variables && HasVariables(v.value)) {
      auto s = SubstituteVariables(v.value, [&](const std::string& k) -> std::optional<std::string> {
        auto f = ctx.find(ToLower(k));
        if (f == ctx.end() || f->second.empty()) return std::nullopt;
        return f->second.front();
      });
      if (!s) continue;
      std::string plain;
      for (char ch : *s)
        plain.push_back(ch == kLiteralStar ? '*' : ch == kLiteralQuestion ? '?' : ch);
      // Substituted text is literal for StringLike/ArnLike: keep the
      // protected form for those.
      pvals.push_back(op->cmp == Cmp::kLike ? *s : plain);
    } else {
      pvals.push_back(v.value);
    }
  }
  auto match_one = [&](const std::string& rv) -> Tri {  // any policy value
    Tri r = Tri::kFalse;
    for (const auto& pv : pvals) r = TriOr(r, CompareValue(*op, rv, pv));
    return r;
  };
  Tri result = Tri::kFalse;
  if (!present) {
    if (op->if_exists) result = Tri::kTrue;
    else if (op->set == SetQualifier::kForAllValues) result = Tri::kTrue;
    else if (op->set == SetQualifier::kForAnyValue) result = Tri::kFalse;
    else result = op->negated ? Tri::kTrue : Tri::kFalse;
    if (result == Tri::kFalse && why) *why = c.key.value + " is absent from the request";
    return result;
  }
  const auto& rvals = it->second;
  switch (op->set) {
    case SetQualifier::kNone:
    case SetQualifier::kForAnyValue: {
      // Single-valued operators on a multi-valued key behave as "any".
      // Negated: some value matches none of the policy values (for
      // ForAnyValue), or no value matches any (single-valued operator).
      if (op->negated && op->set == SetQualifier::kNone) {
        Tri any = Tri::kFalse;
        for (const auto& rv : rvals) any = TriOr(any, match_one(rv));
        result = TriNot(any);
      } else {
        result = Tri::kFalse;
        for (const auto& rv : rvals)
          result = TriOr(result, op->negated ? TriNot(match_one(rv)) : match_one(rv));
      }
      break;
    }
    case SetQualifier::kForAllValues: {
      result = Tri::kTrue;
      for (const auto& rv : rvals)
        result = TriAnd(result, op->negated ? TriNot(match_one(rv)) : match_one(rv));
      break;
    }
  }
  if (result == Tri::kFalse && why) {
    *why = c.op.value + " " + c.key.value + " does not hold for '" + rvals.front() + "'";
  } else if (result == Tri::kUnknown && why) {
    *why = "a value of " + c.op.value + " " + c.key.value + " is malformed";
  }
  return result;
}

std::string GlobalKeyType(const std::string& k) {
  static const std::map<std::string, std::string> kTypes = {
      {"aws:calledvia", "ArrayOfString"}, {"aws:calledviafirst", "String"},
      {"aws:calledvialast", "String"}, {"aws:currenttime", "Date"},
      {"aws:epochtime", "Date"}, {"aws:federatedprovider", "String"},
      {"aws:multifactorauthage", "Numeric"}, {"aws:multifactorauthpresent", "Bool"},
      {"aws:principalaccount", "String"}, {"aws:principalarn", "ARN"},
      {"aws:principalisawsservice", "Bool"}, {"aws:principalorgid", "String"},
      {"aws:principalorgpaths", "ArrayOfString"}, {"aws:principalservicename", "String"},
      {"aws:principalservicenameslist", "ArrayOfString"}, {"aws:principaltype", "String"},
      {"aws:referer", "String"}, {"aws:requestedregion", "String"},
      {"aws:resourceaccount", "String"}, {"aws:resourceorgid", "String"},
      {"aws:resourceorgpaths", "ArrayOfString"}, {"aws:securetransport", "Bool"},
      {"aws:sourceaccount", "String"}, {"aws:sourcearn", "ARN"},
      {"aws:sourceidentity", "String"}, {"aws:sourceip", "IPAddress"},
      {"aws:sourceorgid", "String"}, {"aws:sourceorgpaths", "ArrayOfString"},
      {"aws:sourceowner", "String"}, {"aws:sourcevpc", "String"},
      {"aws:sourcevpce", "String"}, {"aws:tagkeys", "ArrayOfString"},
      {"aws:tokenissuetime", "Date"}, {"aws:useragent", "String"},
      {"aws:userid", "String"}, {"aws:username", "String"},
      {"aws:viaawsservice", "Bool"}, {"aws:vpcsourceip", "IPAddress"},
      {"aws:ec2instancesourceprivateipv4", "IPAddress"}, {"aws:ec2instancesourcevpc", "String"},
  };
  auto it = kTypes.find(k);
  if (it != kTypes.end()) return it->second;
  if (k.rfind("aws:principaltag/", 0) == 0 || k.rfind("aws:requesttag/", 0) == 0 ||
      k.rfind("aws:resourcetag/", 0) == 0)
    return "String";
  return "";
}

}  // namespace grantpath::iam

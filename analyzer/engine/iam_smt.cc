#include "engine/iam_smt.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include <z3++.h>

#include "engine/aws_catalog.h"
#include "engine/iam_match.h"
#include "engine/net_types.h"

namespace grantpath::iam::smt {

const char* SatName(Sat s) {
  switch (s) {
    case Sat::kSat: return "sat";
    case Sat::kUnsat: return "unsat";
    case Sat::kUnknown: return "unknown";
  }
  return "unknown";
}

namespace {

using z3::expr;

// Caller kinds in the symbolic encoding.
constexpr int kAws = 0, kService = 1, kFederated = 2, kAnonymous = 3;

bool IsLikeFamily(OpFamily f) {
  return f == OpFamily::kString || f == OpFamily::kArn || f == OpFamily::kBinary;
}

// Keys that identify where a caller is and which organization it belongs
// to: an outside caller cannot choose them.
bool IsRestrictingKey(const std::string& k) {
  static const std::set<std::string> kKeys = {
      "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
      "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce",
      "aws:sourceip", "aws:vpcsourceip", "aws:sourceorgid", "aws:sourceorgpaths", "aws:userid",
      "aws:username", "aws:principalservicename", "aws:principalservicenameslist",
      "aws:resourceorgid", "aws:resourceorgpaths", "aws:calledvia", "aws:calledviafirst",
      "aws:calledvialast", "aws:viaawsservice", "aws:principalisawsservice",
      "aws:ec2instancesourcevpc", "aws:ec2instancesourceprivateipv4", "aws:federatedprovider"};
  return kKeys.count(k) > 0 || k.rfind("aws:principaltag/", 0) == 0;
}

std::string Decimal(net::U128 v) {
  if (v == 0) return "0";
  std::string out;
  while (v > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return out;
}

// ISO 8601 UTC for seconds since the epoch (civil-from-days).
std::string FormatDate(long long t) {
  long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  long long secs = t - days * 86400;
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
                (secs / 60) % 60, secs % 60);
  return buf;
}

struct KeyVars {
  int slots = 1;
  std::vector<expr> present, sval, nval, dval, bval, ip, ip6;
  std::optional<OpFamily> family;  // the first non-Null family used
};

class Encoder {
 public:
  // `fresh`: a solver of its own instead of a scope of the shared one.
  explicit Encoder(const Options& opt, bool fresh = false)
      : own_(fresh ? std::make_unique<z3::solver>(SharedContext()) : nullptr),
        solver_(fresh ? *own_ : SharedSolver(opt.timeout_ms)),
        svc_(ctx_.string_const("action_service")),
        name_(ctx_.string_const("action_name")),
        is_arn_(ctx_.bool_const("resource_is_arn")),
        rother_(ctx_.string_const("resource_other")),
        ptype_(ctx_.int_const("principal_type")),
        parn_(ctx_.string_const("principal_arn")),
        pacct_(ctx_.string_const("principal_account")),
        pval_(ctx_.string_const("principal_value")) {
    if (own_) {
      z3::params p(ctx_);
      p.set("timeout", opt.timeout_ms);
      own_->set(p);
    } else {
      solver_.push();
    }
  }
  ~Encoder() {
    if (!own_) solver_.pop();
  }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // --- configuration -------------------------------------------------
  std::optional<std::string> fixed_action, fixed_resource;
  std::optional<Caller> fixed_caller;
  Context fixed;                    // fixed keys
  bool restrict_outside = false;    // PublicAccess: restricting keys absent
  std::set<std::string> free_ip_keys;
  std::map<std::string, bool> never_;  // KeyNeverInRequest, per key

  void Declare(const PolicyDocument& d) {
    for (const auto& st : d.statements)
      for (const auto& c : st.conditions) {
        auto op = ParseOperator(c.op.value);
        if (op && op->set != SetQualifier::kNone) ++set_uses_[ToLower(c.key.value)];
      }
  }

  // --- regular expressions -------------------------------------------
  expr AnyChar() { return z3::range(ctx_.string_val(" "), ctx_.string_val("~")); }
  expr NoColon() {
    return z3::range(ctx_.string_val(" "), ctx_.string_val("9")) +
           z3::range(ctx_.string_val(";"), ctx_.string_val("~"));
  }
  expr Lit(const std::string& s) { return ctx_.string_val(s.data(), static_cast<unsigned>(s.size())); }

  expr GlobRe(const std::string& p, const expr& any, bool icase) {
    // The alphabet is printable ASCII; AWS values may hold any character.
    // A '?' (one character) or non-ASCII text makes "no" depend on that.
    for (char ch : p)
      if (ch == '?' || static_cast<unsigned char>(ch) >= 0x80) alphabet_sensitive_ = true;
    std::vector<expr> parts;
    std::string run;
    auto flush = [&] {
      if (!run.empty()) parts.push_back(z3::to_re(Lit(run)));
      run.clear();
    };
    for (char ch : p) {
      if (ch == '*') {
        flush();
        parts.push_back(z3::star(any));
      } else if (ch == '?') {
        flush();
        parts.push_back(any);
      } else {
        char lit = ch == kLiteralStar ? '*' : ch == kLiteralQuestion ? '?' : ch;
        if (icase && std::isalpha(static_cast<unsigned char>(lit))) {
          flush();
          std::string lo(1, static_cast<char>(std::tolower(static_cast<unsigned char>(lit))));
          std::string up(1, static_cast<char>(std::toupper(static_cast<unsigned char>(lit))));
          parts.push_back(z3::to_re(Lit(lo)) + z3::to_re(Lit(up)));
        } else {
          run.push_back(lit);
        }
      }
    }
    flush();
    if (parts.empty()) return z3::to_re(Lit(""));
    expr r = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) r = z3::concat(r, parts[i]);
    return r;
  }

  expr ArnRe(const std::string& pattern) {
    if (pattern == "*") return z3::star(AnyChar());
    if (pattern.rfind("arn:", 0) != 0) return GlobRe(pattern, AnyChar(), false);
    auto segs = ArnPatternSegments(pattern);
    if (!segs) {
      z3::sort str = ctx_.string_sort();
      return z3::re_empty(ctx_.re_sort(str));
    }
    const std::vector<std::string>& pp = *segs;
    expr r = GlobRe(pp[0], NoColon(), false);
    for (int i = 1; i < 6; ++i)
      r = z3::concat(r, z3::concat(z3::to_re(Lit(":")), GlobRe(pp[i], i < 5 ? NoColon() : AnyChar(), false)));
    return r;
  }

  // --- request parts -------------------------------------------------
  // The action is a lower-case service prefix and name, matched apart
  // (Zelkova's encoding): a pattern's service part rarely has wildcards.
  expr ActionMatch(const std::string& pattern) {
    if (fixed_action) return ctx_.bool_val(Glob(pattern, *fixed_action, true));
    std::string p = ToLower(pattern);
    if (!p.empty() && p.find_first_not_of('*') == std::string::npos) return ctx_.bool_val(true);
    std::size_t colon = p.find(':');
    if (colon == std::string::npos) {
      return z3::in_re(z3::concat(svc_, z3::concat(Lit(":"), name_)), GlobRe(p, AnyChar(), false));
    }
    std::string sp = p.substr(0, colon), np = p.substr(colon + 1);
    expr sm = HasWildcard(sp) ? z3::in_re(svc_, GlobRe(sp, AnyChar(), false)) : svc_ == Lit(sp);
    if (HasWildcard(sp) && sp.find(':') != std::string::npos) sm = ctx_.bool_val(false);
    expr nm = (!np.empty() && np.find_first_not_of('*') == std::string::npos) ? ctx_.bool_val(true)
              : HasWildcard(np) ? z3::in_re(name_, GlobRe(np, AnyChar(), false))
                                : name_ == Lit(np);
    if (HasWildcard(sp) && np.find(':') != std::string::npos) {
      // A '*' in the service part could span the ':' ("a*:b" never does
      // in practice): match the whole action text.
      return z3::in_re(z3::concat(svc_, z3::concat(Lit(":"), name_)), GlobRe(p, AnyChar(), false));
    }
    return sm && nm;
  }

  // Looks up a variable's value when its key is fixed.
  std::optional<std::string> FixedValue(const std::string& key) {
    auto it = fixed.find(ToLower(key));
    if (it != fixed.end() && !it->second.empty()) return it->second.front();
    return std::nullopt;
  }
  bool KeyFixed(const std::string& key) {
    std::string k = ToLower(key);
    return fixed.count(k) > 0 || (restrict_outside && IsRestrictingKey(k) && !free_ip_keys.count(k)) ||
           KeyNeverInRequest(k);
  }
  // A service key that a request for the fixed action never carries (the
  // catalog's per-action keys): absent, not free.
  bool KeyNeverInRequest(const std::string& k) {
    if (!fixed_action || k.rfind("aws:", 0) == 0) return false;
    auto it = never_.find(k);
    if (it == never_.end()) it = never_.emplace(k, !aws::Catalog::Get().KeyMayBePresent(*fixed_action, k)).first;
    return it->second;
  }

  // A pattern with variables: substituted when every variable's key is
  // fixed, else an opaque truth value shared by equal texts.
  std::optional<std::string> Substitute(const std::string& pattern, bool* opaque) {
    bool all_fixed = true;
    auto s = SubstituteVariables(pattern, [&](const std::string& k) -> std::optional<std::string> {
      if (!KeyFixed(k)) {
        all_fixed = false;
        return std::string("x");
      }
      return FixedValue(k);
    });
    *opaque = !all_fixed;
    return s;
  }

  expr Opaque(const std::string& text, const std::string& reason, SourceRange where) {
    auto it = opaque_.find(text);
    if (it != opaque_.end()) return it->second;
    unknowns_.push_back({reason, where});
    expr v = ctx_.bool_const(("opaque!" + std::to_string(opaque_.size())).c_str());
    opaque_.emplace(text, v);
    return v;
  }

  expr ResourceMatch(const Statement& st, bool variables, bool missing_means_all) {
    if (!st.has_resource) return ctx_.bool_val(missing_means_all);
    expr any = ctx_.bool_val(false);
    for (const auto& r : st.resources) {
      std::string pattern = r.value;
      if (variables && HasVariables(pattern)) {
        bool opaque = false;
        auto s = Substitute(pattern, &opaque);
        if (opaque) {
          any = any || Opaque("resource:" + pattern + (fixed_resource ? "@" + *fixed_resource : ""),
                              "policy variable on a free context key in Resource '" + pattern + "'",
                              r.where);
          continue;
        }
        if (!s) continue;
        pattern = *s;
      }
      if (fixed_resource) any = any || ctx_.bool_val(ArnMatch(pattern, *fixed_resource));
      else any = any || ResourceIs(pattern);
    }
    return (st.not_resource ? !any : any).simplify();
  }

  // The symbolic resource (Zelkova's encoding): either an ARN held as its
  // six parts, the first five without ':', or a string with fewer than
  // five ':' that is not an ARN (such as "*").
  expr ResourceFull() {
    expr full = seg_[0];
    for (int i = 1; i < 6; ++i) full = z3::concat(full, z3::concat(Lit(":"), seg_[i]));
    return full;
  }
  expr ResourceIs(const std::string& pattern) {
    if (pattern == "*") return ctx_.bool_val(true);
    if (pattern.rfind("arn:", 0) != 0) {
      expr re = GlobRe(pattern, AnyChar(), false);
      return z3::ite(is_arn_, z3::in_re(ResourceFull(), re), z3::in_re(rother_, re));
    }
    auto segs = ArnPatternSegments(pattern);
    if (!segs) return ctx_.bool_val(false);
    const std::vector<std::string>& pp = *segs;
    expr m = is_arn_;
    for (int i = 0; i < 6; ++i) {
      const std::string& p = pp[i];
      if (!p.empty() && p.find_first_not_of('*') == std::string::npos) continue;
      if (!HasWildcard(p)) m = m && seg_[i] == Lit(p);
      else m = m && z3::in_re(seg_[i], GlobRe(p, i < 5 ? NoColon() : AnyChar(), false));
    }
    return m;
  }

  expr EntryMatch(const PrincipalEntry& e) {
    if (fixed_caller) {
      Statement one;
      one.principals = {e};
      return ctx_.bool_val(MatchPrincipal(one, *fixed_caller));
    }
    expr any = ctx_.bool_val(false);
    for (const auto& v : e.values) {
      const std::string& s = v.value;
      if (e.type == "*") return ctx_.bool_val(true);
      if (e.type == "AWS") {
        if (s == "*") return ctx_.bool_val(true);
        if (IsAccountId(s)) {
          any = any || (ptype_ == kAws && pacct_ == Lit(s));
          continue;
        }
        auto parts = SplitArn(s);
        if (!parts) continue;
        if ((*parts)[5] == "root" && (*parts)[2] == "iam") any = any || (ptype_ == kAws && pacct_ == Lit((*parts)[4]));
        else any = any || (ptype_ == kAws && parn_ == Lit(s));
      } else if (e.type == "Service") {
        any = any || (ptype_ == kService && pval_ == Lit(ToLower(s)));
      } else if (e.type == "Federated" || e.type == "CanonicalUser") {
        any = any || (ptype_ == kFederated && pval_ == Lit(s));
      }
    }
    return any;
  }

  expr PrincipalMatch(const Statement& st) {
    if (!st.has_principal) return ctx_.bool_val(false);
    expr any = ctx_.bool_val(false);
    for (const auto& e : st.principals) any = any || EntryMatch(e);
    return (st.not_principal ? !any : any).simplify();
  }

  // --- condition keys ------------------------------------------------
  KeyVars& Key(const std::string& k) {
    auto it = keys_.find(k);
    if (it != keys_.end()) return it->second;
    KeyVars kv;
    kv.slots = std::max(1, set_uses_.count(k) ? set_uses_[k] : 1);
    std::string base = "ctx!" + std::to_string(keys_.size()) + "!";
    for (int i = 0; i < kv.slots; ++i) {
      std::string b = base + std::to_string(i);
      kv.present.push_back(ctx_.bool_const((b + "!present").c_str()));
      kv.sval.push_back(ctx_.string_const((b + "!s").c_str()));
      kv.nval.push_back(ctx_.real_const((b + "!n").c_str()));
      kv.dval.push_back(ctx_.int_const((b + "!d").c_str()));
      kv.bval.push_back(ctx_.bool_const((b + "!b").c_str()));
      kv.ip.push_back(ctx_.bv_const((b + "!ip").c_str(), 128));
      kv.ip6.push_back(ctx_.bool_const((b + "!ip6").c_str()));
      // (no alphabet constraint: it slows the string solver down)
      solver_.add(z3::implies(!kv.ip6.back(), z3::ult(kv.ip.back(), ctx_.bv_val("4294967296", 128))));
    }
    // Time keys cannot lie in the past: the current time is now or later,
    // and temporary credentials live at most 36 hours.
    if (k == "aws:currenttime" || k == "aws:epochtime" || k == "aws:tokenissuetime") {
      long long now = static_cast<long long>(std::time(nullptr));
      long long floor = k == "aws:tokenissuetime" ? now - 36 * 3600 : now;
      for (int i = 0; i < kv.slots; ++i) solver_.add(kv.dval[i] >= ctx_.int_val(static_cast<int64_t>(floor)));
    }
    // A single-valued key: one slot, present iff it exists. Linked keys:
    // the caller's ARN and account, when the caller is symbolic.
    if (!fixed_caller && (k == "aws:principalarn" || k == "aws:principalaccount")) {
      solver_.add(kv.present[0] == (ptype_ == kAws));
      solver_.add(z3::implies(ptype_ == kAws, kv.sval[0] == (k == "aws:principalarn" ? parn_ : pacct_)));
      for (int i = 1; i < kv.slots; ++i) solver_.add(!kv.present[i]);
    }
    return keys_.emplace(k, std::move(kv)).first->second;
  }

  expr Exists(KeyVars& kv) {
    expr e = ctx_.bool_val(false);
    for (auto& p : kv.present) e = e || p;
    return e;
  }

  // One request value (slot i) against one policy value, positive form.
  std::optional<expr> Compare(const Operator& op, KeyVars& kv, int i, const std::string& pv,
                              const SourceRange& where) {
    switch (op.family) {
      case OpFamily::kString: {
        std::string plain;
        for (char ch : pv) plain.push_back(ch == kLiteralStar ? '*' : ch == kLiteralQuestion ? '?' : ch);
        if (op.cmp == Cmp::kEquals) return kv.sval[i] == Lit(plain);
        if (op.cmp == Cmp::kEqualsIgnoreCase) {
          std::string p;
          for (char ch : plain) p.push_back(ch == '*' ? kLiteralStar : ch == '?' ? kLiteralQuestion : ch);
          return z3::in_re(kv.sval[i], GlobRe(p, AnyChar(), true));
        }
        return z3::in_re(kv.sval[i], GlobRe(pv, AnyChar(), false));
      }
      case OpFamily::kBinary:
        return kv.sval[i] == Lit(pv);
      case OpFamily::kArn:
        return z3::in_re(kv.sval[i], ArnRe(pv));
      case OpFamily::kNumeric:
      case OpFamily::kDate: {
        std::optional<double> v;
        if (op.family == OpFamily::kDate) v = ParseDate(pv);
        else {
          char* end = nullptr;
          double d = std::strtod(pv.c_str(), &end);
          if (end != pv.c_str() && *end == '\0' && std::isfinite(d)) v = d;
        }
        if (!v) {
          unknowns_.push_back({"malformed value '" + pv + "' for " + op.base, where});
          return std::nullopt;
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", *v);
        expr lit = ctx_.real_val(buf);
        expr x = op.family == OpFamily::kDate ? z3::to_real(kv.dval[i]) : kv.nval[i];
        switch (op.cmp) {
          case Cmp::kEquals: return x == lit;
          case Cmp::kLessThan: return x < lit;
          case Cmp::kLessThanEquals: return x <= lit;
          case Cmp::kGreaterThan: return x > lit;
          case Cmp::kGreaterThanEquals: return x >= lit;
          default: return std::nullopt;
        }
      }
      case OpFamily::kBool: {
        std::string p = ToLower(pv);
        if (p != "true" && p != "false") {
          unknowns_.push_back({"Bool expects \"true\" or \"false\", got '" + pv + "'", where});
          return std::nullopt;
        }
        return kv.bval[i] == ctx_.bool_val(p == "true");
      }
      case OpFamily::kIp: {
        auto r = net::ParseCidr(pv);
        if (!r) {
          unknowns_.push_back({"malformed address '" + pv + "'", where});
          return std::nullopt;
        }
        auto bv = [&](net::U128 v) { return ctx_.bv_val(Decimal(v).c_str(), 128); };
        return kv.ip6[i] == ctx_.bool_val(r->family == 6) && z3::ule(bv(r->lo), kv.ip[i]) &&
               z3::ule(kv.ip[i], bv(r->hi));
      }
      case OpFamily::kNull:
        break;
    }
    return std::nullopt;
  }

  expr Condition(const iam::Condition& c, bool variables) {
    auto op = ParseOperator(c.op.value);
    if (!op) return Opaque("op:" + c.op.value + ":" + c.key.value, "unsupported condition operator '" + c.op.value + "'", c.op.where);
    std::string k = ToLower(c.key.value);
    if (KeyFixed(k)) {
      // A fixed (or, for outside callers, absent) key: concrete.
      Context ctx;
      if (auto it = fixed.find(k); it != fixed.end()) ctx[k] = it->second;
      for (auto& [fk, fv] : fixed) ctx[fk] = fv;
      Tri t = EvaluateCondition(c, ctx, variables, nullptr);
      if (t == Tri::kUnknown) return Opaque("cond:" + c.op.value + c.key.value, "condition " + c.op.value + " on " + c.key.value + " cannot be decided", c.op.where);
      return ctx_.bool_val(t == Tri::kTrue);
    }
    KeyVars& kv = Key(k);
    if (op->family == OpFamily::kNull) {
      expr any = ctx_.bool_val(false);
      for (const auto& v : c.values) {
        std::string p = ToLower(v.value);
        if (p == "true") any = any || !Exists(kv);
        else if (p == "false") any = any || Exists(kv);
        else return Opaque("null:" + v.value, "Null expects \"true\" or \"false\"", v.where);
      }
      return any;
    }
    if (!kv.family) kv.family = op->family;
    else if (*kv.family != op->family && !(IsLikeFamily(*kv.family) && IsLikeFamily(op->family)))
      unknowns_.push_back({"condition key " + c.key.value + " is compared both as " +
                               std::string(kv.family == OpFamily::kNumeric ? "a number" : "another type") +
                               " and with " + op->base + ": modeled as independent values",
                           c.key.where});
    // Policy values, with variables substituted where their keys are fixed.
    std::vector<std::string> pvals;
    std::vector<std::pair<expr, expr>> var_terms;  // (defined, value)
    for (const auto& v : c.values) {
      if (variables && HasVariables(v.value)) {
        bool opaque = false;
        auto s = Substitute(v.value, &opaque);
        if (opaque) {
          // PREFIX${key}SUFFIX compared for (in)equality: the value of the
          // other key, as a term.
          auto t = VariableTerm(*op, v.value);
          if (!t) return Opaque("condvar:" + c.op.value + c.key.value + v.value, "policy variable on a free context key in condition value '" + v.value + "'", v.where);
          var_terms.push_back(*t);
          continue;
        }
        if (s) pvals.push_back(op->cmp == Cmp::kLike ? *s : [&] {
            std::string p;
            for (char ch : *s) p.push_back(ch == kLiteralStar ? '*' : ch == kLiteralQuestion ? '?' : ch);
            return p;
          }());
      } else {
        pvals.push_back(v.value);
      }
    }
    std::vector<expr> match;  // per slot: matches some policy value
    for (int i = 0; i < kv.slots; ++i) {
      expr m = ctx_.bool_val(false);
      for (const auto& [defined, value] : var_terms) m = m || (defined && kv.sval[i] == value);
      for (const auto& pv : pvals) {
        auto e = Compare(*op, kv, i, pv, c.op.where);
        if (!e) return Opaque("cmp:" + c.op.value + c.key.value + pv, "condition value '" + pv + "' cannot be modeled", c.op.where);
        m = m || *e;
      }
      match.push_back(m);
    }
    expr exists = Exists(kv);
    expr result = ctx_.bool_val(false);
    expr any_match = ctx_.bool_val(false), any_miss = ctx_.bool_val(false);
    expr all_match = ctx_.bool_val(true), all_miss = ctx_.bool_val(true);
    for (int i = 0; i < kv.slots; ++i) {
      any_match = any_match || (kv.present[i] && match[i]);
      any_miss = any_miss || (kv.present[i] && !match[i]);
      all_match = all_match && z3::implies(kv.present[i], match[i]);
      all_miss = all_miss && z3::implies(kv.present[i], !match[i]);
    }
    // Excluding patterns can rule out every printable-ASCII value while a
    // value with other characters still passes.
    // (a negated pattern that an Allow needs avoided, or a Deny's pattern).
    if (op->cmp == Cmp::kLike && op->negated == in_allow_) alphabet_sensitive_ = true;
    switch (op->set) {
      case SetQualifier::kNone:
        result = op->negated ? (!exists || !any_match) : (exists && any_match);
        break;
      case SetQualifier::kForAnyValue:
        result = op->negated ? any_miss : any_match;
        break;
      case SetQualifier::kForAllValues:
        result = op->negated ? all_miss : all_match;
        break;
    }
    if (op->if_exists) result = !exists || result;
    return result;
  }

  // A condition value "PREFIX${key}SUFFIX" (or "${key, 'default'}") whose
  // key is free, for an equality-like operator: (defined, value) terms.
  std::optional<std::pair<expr, expr>> VariableTerm(const Operator& op, const std::string& v) {
    bool equality = (op.family == OpFamily::kString && (op.cmp == Cmp::kEquals || op.cmp == Cmp::kLike)) ||
                    op.family == OpFamily::kArn;
    if (!equality) return std::nullopt;
    std::size_t open = v.find("${");
    std::size_t close = v.find('}', open);
    if (open == std::string::npos || close == std::string::npos || HasVariables(v.substr(close + 1)))
      return std::nullopt;
    std::string prefix = v.substr(0, open), suffix = v.substr(close + 1);
    if (HasWildcard(prefix) || HasWildcard(suffix)) return std::nullopt;
    std::string body = v.substr(open + 2, close - open - 2);
    std::optional<std::string> def;
    if (std::size_t comma = body.find(','); comma != std::string::npos) {
      std::size_t q1 = body.find('\'', comma), q2 = body.rfind('\'');
      if (q1 == std::string::npos || q2 == q1) return std::nullopt;
      def = body.substr(q1 + 1, q2 - q1 - 1);
      body = body.substr(0, comma);
    }
    while (!body.empty() && body.back() == ' ') body.pop_back();
    if (body == "*" || body == "?" || body == "$" || KeyFixed(body)) return std::nullopt;
    KeyVars& other = Key(ToLower(body));
    expr val = other.sval[0];
    expr defined = other.present[0];
    if (def) {
      val = z3::ite(other.present[0], other.sval[0], Lit(*def));
      defined = ctx_.bool_val(true);
    }
    return std::make_pair(defined, z3::concat(Lit(prefix), z3::concat(val, Lit(suffix))));
  }

  expr StatementMatch(const Statement& st, bool variables, PolicyRole role) {
    expr a = ctx_.bool_val(false);
    for (const auto& p : st.actions) a = a || ActionMatch(p.value);
    if (st.not_action) a = !a;
    a = a.simplify();
    // With a fixed request most statements are decided before their
    // conditions: do not encode those (their keys would be free variables
    // for nothing).
    if (a.is_false()) return a;
    expr r = ResourceMatch(st, variables, role == PolicyRole::kTrust);
    if (r.is_false()) return r;
    expr m = a && r;
    if (role == PolicyRole::kResource || role == PolicyRole::kTrust) {
      expr p = PrincipalMatch(st);
      if (p.is_false()) return p;
      m = m && p;
    }
    in_allow_ = st.allow;
    for (const auto& c : st.conditions) m = m && Condition(c, variables);
    return m;
  }

  expr DocAllowed(const PolicyDocument& d, PolicyRole role) {
    expr allow = ctx_.bool_val(false), deny = ctx_.bool_val(false);
    bool vars = VariablesEnabled(d);
    for (const auto& st : d.statements) {
      expr m = StatementMatch(st, vars, role);
      if (st.allow) allow = allow || m;
      else deny = deny || m;
    }
    return allow && !deny;
  }

  // Constrains the symbolic caller to well-formed values.
  void CallerShape() {
    symbolic_caller_ = true;
    solver_.add(ptype_ >= 0 && ptype_ <= 3);
    expr digits = z3::range(ctx_.string_val("0"), ctx_.string_val("9"));
    expr pname = ctx_.string_const("principal_name");
    solver_.add(z3::in_re(pacct_, z3::star(digits)) && pacct_.length() == 12);
    solver_.add(z3::in_re(pname, z3::plus(z3::range(ctx_.string_val("a"), ctx_.string_val("z")))));
    solver_.add(z3::implies(ptype_ == kAws,
                            parn_ == z3::concat(Lit("arn:aws:iam::"),
                                                z3::concat(pacct_, z3::concat(Lit(":user/"), pname)))));
    solver_.add(z3::in_re(pval_, z3::star(AnyChar())));
    // A service or federated principal always has a name: a witness must
    // say which one.
    solver_.add(z3::implies(ptype_ == kService || ptype_ == kFederated, pval_.length() > 0));
  }

  Sat Check(const expr& f, Request* w) {
    solver_.add(f);
    if (!fixed_action) {
      expr lower = z3::range(ctx_.string_val("a"), ctx_.string_val("z"));
      expr digit = z3::range(ctx_.string_val("0"), ctx_.string_val("9"));
      solver_.add(z3::in_re(svc_, z3::plus(lower + digit + z3::to_re(Lit("-")))));
      solver_.add(z3::in_re(name_, z3::plus(lower + digit)));
    }
    if (!fixed_resource) {
      for (int i = 0; i < 6; ++i) solver_.add(z3::in_re(seg_[i], z3::star(i < 5 ? NoColon() : AnyChar())));
      solver_.add(seg_[0] == Lit("arn"));
      // A request names an ARN or, for actions without resource types, "*".
      solver_.add(rother_ == Lit("*"));
    }
    z3::check_result r;
    try {
      r = solver_.check();
    } catch (const z3::exception& e) {
      unknowns_.push_back({std::string("solver error: ") + e.msg(), {}});
      return Sat::kUnknown;
    }
    if (r == z3::unsat) return Sat::kUnsat;
    if (r == z3::unknown) {
      unknowns_.push_back({"solver gave up: " + solver_.reason_unknown(), {}});
      return Sat::kUnknown;
    }
    z3::model m = solver_.get_model();
    std::optional<std::string> known_name;
    if (!fixed_action) {
      // Prefer an action the catalog knows, in the service found: first an
      // action that satisfies every assertion with the rest of the model
      // unchanged (evaluation only), else the solver with the catalog's
      // names of that service as a disjunction (slower: hundreds of names).
      std::string svc = m.eval(svc_, true).get_string();
      const auto& cat = aws::Catalog::Get();
      if (auto si = cat.FindService(svc)) {
        const auto& cs = cat.services()[*si];
        z3::expr_vector assertions = solver_.assertions();
        for (std::uint32_t a = cs.first; a < cs.last && !known_name; ++a) {
          std::string nm = cat.actions()[a].lower.substr(svc.size() + 1);
          z3::expr_vector from(ctx_), to(ctx_);
          from.push_back(name_);
          to.push_back(Lit(nm));
          bool holds = true;
          for (unsigned i = 0; i < assertions.size() && holds; ++i)
            holds = m.eval(assertions[i].substitute(from, to), true).is_true();
          if (holds) known_name = nm;
        }
        if (!known_name) {
          expr known = ctx_.bool_val(false);
          for (std::uint32_t a = cs.first; a < cs.last; ++a)
            known = known || name_ == Lit(cat.actions()[a].lower.substr(svc.size() + 1));
          solver_.push();
          solver_.add(svc_ == Lit(svc) && known);
          try {
            if (solver_.check() == z3::sat) m = solver_.get_model();
          } catch (const z3::exception&) {
          }
          solver_.pop();
        }
      }
    }
    auto str = [&](const expr& e) { return m.eval(e, true).get_string(); };
    w->action = fixed_action ? *fixed_action : str(svc_) + ":" + (known_name ? *known_name : str(name_));
    if (!fixed_action) {
      if (auto idx = aws::Catalog::Get().Find(w->action)) w->action = aws::Catalog::Get().FullName(*idx);
    }
    if (fixed_resource) {
      w->resource = *fixed_resource;
    } else if (m.eval(is_arn_, true).is_true()) {
      w->resource = str(seg_[0]);
      for (int i = 1; i < 6; ++i) w->resource += ":" + str(seg_[i]);
    } else {
      w->resource = str(rother_);
    }
    if (fixed_caller) {
      w->caller = *fixed_caller;
    } else if (!symbolic_caller_) {
      w->caller = Caller{};
      w->caller.kind = Caller::Kind::kUser;  // whoever holds the policy
    } else {
      int t = m.eval(ptype_, true).get_numeral_int();
      Caller c;
      if (t == kAws) {
        c.kind = Caller::Kind::kUser;
        c.arn = str(parn_);
        c.account = str(pacct_);
        c.name = c.arn.substr(c.arn.rfind('/') + 1);
      } else if (t == kService) {
        c.kind = Caller::Kind::kService;
        c.value = str(pval_);
      } else if (t == kFederated) {
        c.kind = Caller::Kind::kFederated;
        c.value = str(pval_);
      }
      w->caller = c;
    }
    w->context = fixed;
    for (auto& [k, kv] : keys_) {
      if (!fixed_caller && (k == "aws:principalarn" || k == "aws:principalaccount")) continue;
      std::vector<std::string> vals;
      for (int i = 0; i < kv.slots; ++i) {
        if (!m.eval(kv.present[i], true).is_true()) continue;
        OpFamily f = kv.family.value_or(OpFamily::kString);
        switch (f) {
          case OpFamily::kNumeric: {
            std::string s = m.eval(kv.nval[i], true).get_decimal_string(6);
            if (s.size() && s.back() == '?') s.pop_back();
            vals.push_back(s);
            break;
          }
          case OpFamily::kDate: vals.push_back(FormatDate(std::stoll(m.eval(kv.dval[i], true).get_decimal_string(0)))); break;
          case OpFamily::kBool: vals.push_back(m.eval(kv.bval[i], true).is_true() ? "true" : "false"); break;
          case OpFamily::kIp: {
            std::string bits = m.eval(kv.ip[i], true).get_decimal_string(0);
            net::U128 v = 0;
            for (char ch : bits) v = v * 10 + static_cast<unsigned>(ch - '0');
            vals.push_back(net::FormatAddress(m.eval(kv.ip6[i], true).is_true() ? 6 : 4, v));
            break;
          }
          default: vals.push_back(str(kv.sval[i])); break;
        }
      }
      if (!vals.empty()) w->context[k] = vals;
    }
    // The holder of an identity policy is the user the context names.
    if (!fixed_caller && !symbolic_caller_) {
      auto it = w->context.find("aws:username");
      if (it != w->context.end() && !it->second.empty()) {
        w->caller.name = it->second.front();
        w->caller.account = "123456789012";
        w->caller.arn = "arn:aws:iam::123456789012:user/" + w->caller.name;
      }
    }
    return Sat::kSat;
  }

  // One context and one solver per thread, shared by the queries: each
  // query asserts inside its own scope (push in the constructor, pop in the
  // destructor), so nothing of one query is left for the next. A fresh
  // solver costs about 3.5 ms of setup before its first check, more than
  // most queries take. Neither is ever destroyed: tearing down a context
  // that saw large queries took minutes at exit, after the answer was
  // computed.
  static z3::context& SharedContext() {
    thread_local z3::context* c = new z3::context;
    return *c;
  }
  static z3::solver& SharedSolver(unsigned timeout_ms) {
    thread_local z3::solver* s = new z3::solver(SharedContext());
    thread_local unsigned timeout = 0;
    if (timeout != timeout_ms) {
      z3::params p(SharedContext());
      p.set("timeout", timeout_ms);
      s->set(p);
      timeout = timeout_ms;
    }
    return *s;
  }
  z3::context& ctx_ = SharedContext();
  std::unique_ptr<z3::solver> own_;
  z3::solver& solver_;
  expr svc_, name_, is_arn_, rother_, ptype_, parn_, pacct_, pval_;
  std::vector<expr> seg_ = [this] {
    std::vector<expr> v;
    for (int i = 0; i < 6; ++i) v.push_back(ctx_.string_const(("resource_part" + std::to_string(i)).c_str()));
    return v;
  }();
  bool symbolic_caller_ = false;
  std::map<std::string, int> set_uses_;
  std::map<std::string, KeyVars> keys_;
  std::map<std::string, expr> opaque_;
  std::vector<Unknown> unknowns_;
  bool alphabet_sensitive_ = false;  // see GlobRe
  bool in_allow_ = true;             // the effect of the statement being encoded
};

struct ExprLogic {
  z3::context* c;
  expr T() const { return c->bool_val(true); }
  expr F() const { return c->bool_val(false); }
  expr And(const expr& a, const expr& b) const { return a && b; }
  expr Or(const expr& a, const expr& b) const { return a || b; }
  expr Not(const expr& a) const { return !a; }
};

Stats& MutableStats() {
  static Stats stats;
  return stats;
}

// Charges one solver question to the statistics when it ends.
class Question {
 public:
  explicit Question(std::string what, SourceRange where = {})
      : what_(std::move(what)), where_(where), start_(std::chrono::steady_clock::now()) {}
  ~Question() {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    Stats& s = MutableStats();
    ++s.questions;
    s.total_ms += ms;
    if (ms > s.max_ms) {
      s.max_ms = ms;
      s.slowest = std::move(what_);
      s.slowest_where = where_;
    }
  }
  Question(const Question&) = delete;
  Question& operator=(const Question&) = delete;

 private:
  std::string what_;
  SourceRange where_;
  std::chrono::steady_clock::time_point start_;
};

// Reports kSat only when the witness replays; otherwise kUnknown.
Result Finish(Encoder& enc, Sat s, const Request& w, bool replayed) {
  Result r;
  r.unknowns = enc.unknowns_;
  if (s == Sat::kSat && !replayed) {
    r.sat = Sat::kUnknown;
    r.unknowns.push_back({"the solver's witness does not replay concretely", {}});
    return r;
  }
  if (s == Sat::kUnsat && enc.alphabet_sensitive_) {
    r.sat = Sat::kUnknown;
    r.unknowns.push_back({"the answer may depend on characters outside printable ASCII, which the solver's "
                          "alphabet leaves out ('?' or an excluding pattern)", {}});
    return r;
  }
  r.sat = s;
  if (s == Sat::kSat) r.witness = w;
  return r;
}

}  // namespace

const Stats& SolverStats() { return MutableStats(); }

Decision DocumentDecision(const PolicyDocument& doc, PolicyRole role, const Request& req) {
  Tri allow = Tri::kFalse, deny = Tri::kFalse;
  bool vars = VariablesEnabled(doc);
  for (const auto& st : doc.statements) {
    Tri t = MatchStatement(st, vars, role, req, nullptr);
    if (st.allow) allow = TriOr(allow, t);
    else deny = TriOr(deny, t);
  }
  Tri r = TriAnd(allow, TriNot(deny));
  return r == Tri::kTrue ? Decision::kAllow : r == Tri::kFalse ? Decision::kDeny : Decision::kUnknown;
}

namespace {

// Whether a statement that matches the request's action can depend on the
// context: it has conditions, or a variable in Resource or NotResource.
bool ContextCanMatter(const Account& acct, const Request& req, const RequestPolicies& rp) {
  auto any = [&](const std::vector<std::size_t>& v) {
    for (std::size_t pi : v)
      for (const auto& st : acct.model().iam_policies[pi].document.statements) {
        if (!ActionMatches(st, req.action)) continue;
        if (!st.conditions.empty()) return true;
        for (const auto& r : st.resources)
          if (HasVariables(r.value)) return true;
      }
    return false;
  };
  if (any(rp.identity) || any(rp.resource) || any(rp.trust)) return true;
  if (rp.boundary && any({*rp.boundary})) return true;
  for (const auto& level : rp.scp_levels)
    if (any(level)) return true;
  return false;
}

}  // namespace

Result AllowedForSomeContext(const Account& acct, const Request& in, const Options& opt) {
  Request req = in;
  for (auto& [k, v] : Account::DerivedContext(req.caller))
    if (!req.context.count(k)) req.context[k] = v;
  // Without a statement that reads the context, the concrete decision is
  // the answer for every context: the solver (and loading it) is not needed.
  if (!ContextCanMatter(acct, req, PoliciesFor(acct, req))) {
    Decision d = Evaluate(acct, req).decision;
    if (d != Decision::kUnknown) {  // an undecided evaluation goes to the solver, which says why
      Result r;
      r.sat = d == Decision::kAllow ? Sat::kSat : Sat::kUnsat;
      if (r.sat == Sat::kSat) r.witness = req;
      return r;
    }
  }
  Question q("whether " + req.caller.Display() + " may " + req.action + " on " + req.resource + " under some context");
  Encoder enc(opt);
  enc.fixed_action = req.action;
  enc.fixed_resource = req.resource;
  enc.fixed_caller = req.caller;
  enc.fixed = req.context;
  RequestPolicies rp = PoliciesFor(acct, req);
  auto declare = [&](const std::vector<std::size_t>& v) {
    for (auto i : v) enc.Declare(acct.model().iam_policies[i].document);
  };
  declare(rp.identity);
  declare(rp.resource);
  declare(rp.trust);
  if (rp.boundary) declare({*rp.boundary});
  for (const auto& l : rp.scp_levels) declare(l);
  auto stmt = [&](std::size_t pi, std::size_t si, PolicyRole role) -> expr {
    const Policy& p = acct.model().iam_policies[pi];
    return enc.StatementMatch(p.document.statements[si], VariablesEnabled(p.document), role);
  };
  DecisionParts<expr> d = CombineDecision<expr>(ExprLogic{&enc.ctx_}, acct, req, rp, stmt);
  Request w = req;
  Sat s = enc.Check(d.allowed && !d.deny, &w);
  bool replayed = s == Sat::kSat && Evaluate(acct, w).decision == Decision::kAllow;
  return Finish(enc, s, w, replayed);
}

Result DocumentAllowedForSomeContext(const PolicyDocument& doc, PolicyRole role, const Request& req,
                                     const Options& opt) {
  Question q("whether the policy allows " + req.action + " on " + req.resource + " under some context", doc.where);
  Encoder enc(opt);
  enc.fixed_action = req.action;
  enc.fixed_resource = req.resource;
  enc.fixed_caller = req.caller;
  enc.fixed = req.context;
  enc.Declare(doc);
  Request w = req;
  Sat s = enc.Check(enc.DocAllowed(doc, role), &w);
  bool replayed = s == Sat::kSat && DocumentDecision(doc, role, w) == Decision::kAllow;
  return Finish(enc, s, w, replayed);
}

Result Difference(const PolicyDocument& a, const PolicyDocument& b, PolicyRole role, const Options& opt) {
  Question q("what one policy allows that another does not", a.where);
  Encoder enc(opt, true);
  enc.Declare(a);
  enc.Declare(b);
  if (role == PolicyRole::kResource || role == PolicyRole::kTrust) enc.CallerShape();
  expr f = enc.DocAllowed(a, role) && !enc.DocAllowed(b, role);
  Request w;
  Sat s = enc.Check(f, &w);
  bool replayed = s == Sat::kSat && DocumentDecision(a, role, w) == Decision::kAllow &&
                  DocumentDecision(b, role, w) == Decision::kDeny;
  return Finish(enc, s, w, replayed);
}

Result GrantsAccess(const PolicyDocument& doc, PolicyRole role, const std::vector<std::string>& actions,
                    const std::vector<std::string>& resources, const Options& opt) {
  Question q("whether the policy grants " + (actions.empty() ? std::string("an action") : actions.front()) +
                 (actions.size() > 1 ? " or another of " + std::to_string(actions.size()) + " actions" : ""),
             doc.where);
  Encoder enc(opt);
  enc.Declare(doc);
  if (role == PolicyRole::kResource || role == PolicyRole::kTrust) enc.CallerShape();
  expr act = enc.ctx_.bool_val(false);
  for (const auto& a : actions) act = act || enc.ActionMatch(a);
  expr res = enc.ctx_.bool_val(resources.empty());
  for (const auto& r : resources) res = res || enc.ResourceIs(r);
  Request w;
  Sat s = enc.Check(enc.DocAllowed(doc, role) && act && res, &w);
  bool replayed = s == Sat::kSat && DocumentDecision(doc, role, w) == Decision::kAllow;
  return Finish(enc, s, w, replayed);
}

Result PublicAccess(const PolicyDocument& doc, const std::string& owner, const Options& opt, PolicyRole role) {
  Question q("whether the policy is public", doc.where);
  // Anonymous callers are asked about first: "anyone, unsigned" is the
  // clearest witness. Then any caller outside the owner's account.
  auto ask = [&](bool anonymous_only) {
    Encoder enc(opt);
    enc.Declare(doc);
    enc.restrict_outside = true;
    // IP keys compared with a whole address family are not a restriction.
    for (const auto& st : doc.statements)
      for (const auto& c : st.conditions)
        for (const auto& v : c.values)
          if (v.value == "0.0.0.0/0" || v.value == "::/0") enc.free_ip_keys.insert(ToLower(c.key.value));
    enc.CallerShape();
    // Outside callers: anonymous, or an AWS account other than the owner (and
    // other than every account the policy names when the owner is unknown).
    std::set<std::string> named;
    if (!owner.empty()) named.insert(owner);
    for (const auto& st : doc.statements) {
      for (const auto& e : st.principals)
        for (const auto& v : e.values) {
          if (IsAccountId(v.value)) named.insert(v.value);
          else if (auto a = ArnAccount(v.value); IsAccountId(a)) named.insert(a);
        }
    }
    // Role assumption needs signed AWS credentials: no anonymous callers.
    expr outside = role == PolicyRole::kTrust ? enc.ptype_ == kAws
                   : anonymous_only          ? enc.ptype_ == kAnonymous
                                             : (enc.ptype_ == kAnonymous || enc.ptype_ == kAws);
    for (const auto& a : named) outside = outside && (enc.ptype_ != kAws || enc.pacct_ != enc.Lit(a));
    Request w;
    Sat s = enc.Check(enc.DocAllowed(doc, role) && outside, &w);
    bool replayed = s == Sat::kSat && DocumentDecision(doc, role, w) == Decision::kAllow;
    return Finish(enc, s, w, replayed);
  };
  if (role != PolicyRole::kTrust) {
    Result anonymous = ask(true);
    if (anonymous.sat == Sat::kSat) return anonymous;
  }
  return ask(false);
}

}  // namespace grantpath::iam::smt

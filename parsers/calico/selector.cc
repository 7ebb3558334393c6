#include "calico/selector.h"

#include <cctype>
#include <string>

namespace grantpath::parsers {
namespace {

using Op = cni::CalicoSelector::Op;

class SelectorParser {
 public:
  SelectorParser(const std::string& text, cni::CalicoSelector* out) : t_(text), out_(out) {}

  bool Run(std::string* error, std::size_t* column) {
    Skip();
    if (pos_ == t_.size()) {
      out_->root = -1;  // empty: all()
      return true;
    }
    int root = Or();
    Skip();
    if (root >= 0 && pos_ != t_.size()) Fail("unexpected '" + t_.substr(pos_, 12) + "'");
    if (!error_.empty()) {
      *error = error_;
      *column = error_pos_;
      return false;
    }
    out_->root = root;
    return true;
  }

 private:
  void Skip() {
    while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
  }
  bool Eat(const char* s) {
    Skip();
    std::size_t n = std::char_traits<char>::length(s);
    if (t_.compare(pos_, n, s) != 0) return false;
    pos_ += n;
    return true;
  }
  // A word operator: the keyword followed by a non-key character.
  bool EatWord(const char* s) {
    Skip();
    std::size_t n = std::char_traits<char>::length(s);
    if (t_.compare(pos_, n, s) != 0) return false;
    if (pos_ + n < t_.size() && IsKeyChar(t_[pos_ + n])) return false;
    pos_ += n;
    return true;
  }
  static bool IsKeyChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' || c == '-';
  }
  int Fail(const std::string& m) {
    if (error_.empty()) {
      error_ = m;
      error_pos_ = pos_;
    }
    return -1;
  }
  int Add(cni::CalicoSelector::Node n) {
    out_->nodes.push_back(std::move(n));
    return static_cast<int>(out_->nodes.size() - 1);
  }
  int Nested(bool is_not) {
    ++pos_;
    if (is_not) {
      int a = Unary();
      if (a < 0) return -1;
      return Add({Op::kNot, "", {}, a, -1});
    }
    int a = Or();
    if (a < 0) return -1;
    if (!Eat(")")) return Fail("expected ')'");
    return a;
  }
  int Or() {
    int a = And();
    while (a >= 0 && Eat("||")) {
      int b = And();
      if (b < 0) return -1;
      a = Add({Op::kOr, "", {}, a, b});
    }
    return a;
  }
  int And() {
    int a = Unary();
    while (a >= 0 && Eat("&&")) {
      int b = Unary();
      if (b < 0) return -1;
      a = Add({Op::kAnd, "", {}, a, b});
    }
    return a;
  }
  // Each '(' and '!' costs a level of recursion here and in evaluation;
  // Calico's own selectors are a few levels deep.
  static constexpr int kMaxNesting = 100;
  int Unary() {
    Skip();
    const bool is_not = pos_ < t_.size() && t_[pos_] == '!' && (pos_ + 1 >= t_.size() || t_[pos_ + 1] != '=');
    if (is_not || (pos_ < t_.size() && t_[pos_] == '(')) {
      if (nesting_ >= kMaxNesting)
        return Fail("selector nested deeper than " + std::to_string(kMaxNesting) + " levels");
      ++nesting_;
      int a = Nested(is_not);
      --nesting_;
      return a;
    }
    if (EatWord("all")) {
      if (!Eat("(") || !Eat(")")) return Fail("expected 'all()'");
      return Add({Op::kAll, "", {}, -1, -1});
    }
    if (EatWord("global")) {
      if (!Eat("(") || !Eat(")")) return Fail("expected 'global()'");
      return Add({Op::kGlobal, "", {}, -1, -1});
    }
    if (EatWord("has")) {
      if (!Eat("(")) return Fail("expected '(' after has");
      std::string key = Key();
      if (key.empty()) return Fail("expected a label key in has()");
      if (!Eat(")")) return Fail("expected ')' after has(" + key);
      return Add({Op::kHas, key, {}, -1, -1});
    }
    std::string key = Key();
    if (key.empty()) return Fail(pos_ >= t_.size() ? "unexpected end of selector" : "expected a label key");
    Skip();
    Op op;
    if (Eat("==")) op = Op::kEq;
    else if (Eat("!=")) op = Op::kNe;
    else if (EatWord("in")) op = Op::kIn;
    else if (EatWord("not")) {
      if (!EatWord("in")) return Fail("expected 'not in'");
      op = Op::kNotIn;
    } else if (EatWord("contains")) op = Op::kContains;
    else if (EatWord("starts")) {
      if (!EatWord("with")) return Fail("expected 'starts with'");
      op = Op::kStartsWith;
    } else if (EatWord("ends")) {
      if (!EatWord("with")) return Fail("expected 'ends with'");
      op = Op::kEndsWith;
    } else {
      return Fail("expected an operator after '" + key + "'");
    }
    cni::CalicoSelector::Node n{op, key, {}, -1, -1};
    if (op == Op::kIn || op == Op::kNotIn) {
      if (!Eat("{")) return Fail("expected '{'");
      Skip();
      if (!Eat("}")) {
        do {
          std::string v;
          if (!Value(&v)) return -1;
          n.values.push_back(v);
        } while (Eat(","));
        if (!Eat("}")) return Fail("expected '}'");
      }
    } else {
      std::string v;
      if (!Value(&v)) return -1;
      n.values.push_back(v);
    }
    return Add(std::move(n));
  }
  std::string Key() {
    Skip();
    std::size_t start = pos_;
    while (pos_ < t_.size() && IsKeyChar(t_[pos_])) ++pos_;
    return t_.substr(start, pos_ - start);
  }
  bool Value(std::string* v) {
    Skip();
    if (pos_ >= t_.size() || (t_[pos_] != '\'' && t_[pos_] != '"')) {
      Fail("expected a quoted value");
      return false;
    }
    char q = t_[pos_];
    std::size_t end = t_.find(q, pos_ + 1);
    if (end == std::string::npos) {
      Fail("unterminated string");
      return false;
    }
    *v = t_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return true;
  }

  const std::string& t_;
  cni::CalicoSelector* out_;
  std::size_t pos_ = 0;
  std::string error_;
  std::size_t error_pos_ = 0;
  int nesting_ = 0;
};

}  // namespace

bool ParseCalicoSelector(const std::string& text, cni::CalicoSelector* out, std::string* error,
                         std::size_t* column) {
  out->text = text;
  out->nodes.clear();
  SelectorParser p(text, out);
  return p.Run(error, column);
}

}  // namespace grantpath::parsers

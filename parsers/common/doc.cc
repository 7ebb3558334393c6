#include "common/doc.h"

#include <algorithm>
#include <cctype>

namespace grantpath::parsers {

const DocEntry* DocNode::FindEntry(std::string_view key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

const DocNode* DocNode::Find(std::string_view key) const {
  const DocEntry* e = FindEntry(key);
  return e ? &e->value : nullptr;
}

namespace {
bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i >= s.size()) return false;
  bool digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+' && c != '_') {
      return false;
    }
  }
  return digit;
}
}  // namespace

std::string_view DocNode::Describe() const {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kSeq:
      return "a list";
    case Type::kMap:
      return "a map";
    case Type::kScalar:
      if (quoted) return "a string";
      if (text == "true" || text == "false" || text == "True" || text == "False" ||
          text == "TRUE" || text == "FALSE")
        return "a boolean";
      if (LooksNumeric(text)) return "a number";
      return "a string";
  }
  return "a value";
}

std::size_t DocNode::Count() const {
  std::size_t n = 1;
  for (const auto& i : items) n += i.Count();
  for (const auto& e : entries) n += 1 + e.value.Count();
  return n;
}

}  // namespace grantpath::parsers

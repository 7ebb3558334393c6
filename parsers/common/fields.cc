#include "common/fields.h"

#include <charconv>

namespace grantpath::parsers {

std::optional<bool> ScalarBool(const DocNode& n) {
  if (!n.is_scalar()) return std::nullopt;
  const std::string& t = n.text;
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  if (!n.quoted) {  // YAML 1.1 forms, which Kubernetes' decoder accepts
    if (t == "yes" || t == "Yes" || t == "YES" || t == "on" || t == "On" || t == "ON") return true;
    if (t == "no" || t == "No" || t == "NO" || t == "off" || t == "Off" || t == "OFF") return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ScalarInt(const DocNode& n) {
  if (!n.is_scalar() || n.text.empty()) return std::nullopt;
  std::int64_t v = 0;
  const char* b = n.text.data();
  const char* e = b + n.text.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

void Fields::WrongType(const DocNode& node, std::string_view field, std::string_view expected) {
  ok_ = false;
  sink_.Error("wrong-type",
              "'" + std::string(field) + "' must be " + std::string(expected) + ", got " +
                  std::string(node.Describe()) + Suffix(),
              Where(node));
}

void Fields::Invalid(const DocNode& node, const std::string& message) {
  ok_ = false;
  sink_.Error("invalid-value", message + Suffix(), Where(node));
}

const DocNode* Fields::Map(const DocNode& parent, std::string_view key) {
  const DocNode* n = parent.Find(key);
  if (n == nullptr || n->is_null()) return nullptr;
  if (!n->is_map()) {
    WrongType(*n, key, "a map");
    return nullptr;
  }
  return n;
}

const DocNode* Fields::Seq(const DocNode& parent, std::string_view key) {
  const DocNode* n = parent.Find(key);
  if (n == nullptr || n->is_null()) return nullptr;
  if (!n->is_seq()) {
    WrongType(*n, key, "a list");
    return nullptr;
  }
  return n;
}

std::optional<std::string> Fields::Str(const DocNode& parent, std::string_view key) {
  const DocNode* n = parent.Find(key);
  if (n == nullptr || n->is_null()) return std::nullopt;
  if (!n->is_scalar()) {
    WrongType(*n, key, "a string");
    return std::nullopt;
  }
  return n->text;
}

std::string Fields::Required(const DocNode& parent, std::string_view key) {
  const DocNode* n = parent.Find(key);
  if (n == nullptr || n->is_null()) {
    ok_ = false;
    sink_.Error("missing-field", "missing required field '" + std::string(key) + "'" + Suffix(),
                Where(parent));
    return {};
  }
  auto s = Str(parent, key);
  return s ? *s : std::string();
}

std::vector<Located<std::string>> Fields::LocatedStrList(const DocNode& parent,
                                                         std::string_view key) {
  std::vector<Located<std::string>> out;
  const DocNode* n = Seq(parent, key);
  if (n == nullptr) return out;
  out.reserve(n->items.size());
  for (const DocNode& item : n->items) {
    if (!item.is_scalar()) {
      WrongType(item, key, "a list of strings");
      continue;
    }
    out.push_back({item.text, Where(item)});
  }
  return out;
}

std::vector<std::string> Fields::StrList(const DocNode& parent, std::string_view key) {
  std::vector<std::string> out;
  const DocNode* n = Seq(parent, key);
  if (n == nullptr) return out;
  out.reserve(n->items.size());
  for (const DocNode& item : n->items) {
    if (!item.is_scalar()) {
      WrongType(item, key, "a list of strings");
      continue;
    }
    out.push_back(item.text);
  }
  return out;
}

std::optional<bool> Fields::Bool(const DocNode& parent, std::string_view key) {
  const DocNode* n = parent.Find(key);
  if (n == nullptr || n->is_null()) return std::nullopt;
  auto b = ScalarBool(*n);
  if (!b) WrongType(*n, key, "a boolean");
  return b;
}

std::optional<std::int64_t> Fields::Int(const DocNode& parent, std::string_view key) {
  const DocNode* n = parent.Find(key);
  if (n == nullptr || n->is_null()) return std::nullopt;
  auto v = ScalarInt(*n);
  if (!v) WrongType(*n, key, "an integer");
  return v;
}

std::map<std::string, std::string> Fields::StrMap(const DocNode& parent, std::string_view key) {
  std::map<std::string, std::string> out;
  const DocNode* n = Map(parent, key);
  if (n == nullptr) return out;
  for (const DocEntry& e : n->entries) {
    if (e.value.is_null()) {
      out[e.key] = "";
    } else if (!e.value.is_scalar()) {
      WrongType(e.value, e.key, "a string");
    } else {
      out[e.key] = e.value.text;
    }
  }
  return out;
}

}  // namespace grantpath::parsers

// A streaming, pretty-printing JSON writer for the reports: 2-space
// indentation, keys in the order written, strings escaped per RFC 8259 with
// invalid UTF-8 replaced by U+FFFD. Much faster than building a JSON tree
// for reports with tens of thousands of results.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grantpath::output {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  /// Writes an object key; the next call writes its value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Shorthands for a key and a value.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const std::string& value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, std::int64_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, std::uint32_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, std::size_t value) {
    return Key(key).Int(static_cast<std::int64_t>(value));
  }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }

  /// Appends `s` as a JSON string literal (quotes included).
  static void Escape(std::string_view s, std::string* out);

 private:
  void BeforeValue();
  void Newline(std::size_t depth);
  struct Level {
    bool object;
    std::size_t count;
  };
  std::string* out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace grantpath::output

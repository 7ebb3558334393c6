// Typed, located access to DocNode fields for the kind parsers. Each
// accessor reports a wrong type as a located `wrong-type` error naming the
// field and the object, and remembers that the object is invalid: the API
// server would reject such an object, so the caller skips it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/doc.h"
#include "grantpath/diagnostic.h"

namespace grantpath::parsers {

class Fields {
 public:
  /// `object` names the object in messages, e.g. "Role 'dev/reader'".
  Fields(FileId file, DiagnosticSink& sink, std::string object)
      : file_(file), sink_(sink), object_(std::move(object)) {}

  /// False once any accessor reported an error.
  bool ok() const { return ok_; }
  FileId file() const { return file_; }
  SourceRange Where(const DocNode& n) const { return At(file_, n.pos); }
  SourceRange Where(const DocEntry& e) const { return At(file_, e.key_pos); }

  /// The map at `key`, or nullptr when absent or null.
  const DocNode* Map(const DocNode& parent, std::string_view key);
  /// The list at `key`, or nullptr when absent or null.
  const DocNode* Seq(const DocNode& parent, std::string_view key);
  /// A scalar at `key` as text; nullopt when absent or null.
  std::optional<std::string> Str(const DocNode& parent, std::string_view key);
  /// A required scalar: reports `missing-field` when absent.
  std::string Required(const DocNode& parent, std::string_view key);
  /// A list of scalars; absent or null gives an empty list.
  std::vector<std::string> StrList(const DocNode& parent, std::string_view key);
  /// Same, with each element's position.
  std::vector<Located<std::string>> LocatedStrList(const DocNode& parent, std::string_view key);
  std::optional<bool> Bool(const DocNode& parent, std::string_view key);
  std::optional<std::int64_t> Int(const DocNode& parent, std::string_view key);
  /// A map of string to string (labels, matchLabels).
  std::map<std::string, std::string> StrMap(const DocNode& parent, std::string_view key);

  /// Reports a wrong type for `node` found at `field`.
  void WrongType(const DocNode& node, std::string_view field, std::string_view expected);
  /// Reports any other invalid value (the object is skipped).
  void Invalid(const DocNode& node, const std::string& message);

 private:
  std::string Suffix() const { return " (" + object_ + " not analyzed)"; }
  FileId file_;
  DiagnosticSink& sink_;
  std::string object_;
  bool ok_ = true;
};

/// Interprets a scalar as a YAML/JSON boolean; nullopt when it is not one.
std::optional<bool> ScalarBool(const DocNode& n);
/// Interprets a scalar as an integer; nullopt when it is not one.
std::optional<std::int64_t> ScalarInt(const DocNode& n);

}  // namespace grantpath::parsers

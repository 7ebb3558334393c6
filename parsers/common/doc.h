// A located document tree: the one shape both the YAML and the JSON
// backends produce and every kind parser reads. No third-party types.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "grantpath/diagnostic.h"
#include "grantpath/source.h"

namespace grantpath::parsers {

struct DocEntry;

/// A YAML/JSON value with its position. Scalars keep their text: typing is
/// left to the reader (Kubernetes' YAML decoder also types a scalar by the
/// field it lands in).
struct DocNode {
  enum class Type : std::uint8_t { kNull, kScalar, kSeq, kMap };
  Type type = Type::kNull;
  bool quoted = false;  // scalar was a quoted YAML scalar or a JSON string
  SourcePos pos;
  std::string text;               // scalars
  std::vector<DocNode> items;     // sequences
  std::vector<DocEntry> entries;  // maps, in input order

  bool is_null() const { return type == Type::kNull; }
  bool is_scalar() const { return type == Type::kScalar; }
  bool is_seq() const { return type == Type::kSeq; }
  bool is_map() const { return type == Type::kMap; }
  /// The value of `key` in a map (the last one when repeated), or nullptr.
  const DocNode* Find(std::string_view key) const;
  const DocEntry* FindEntry(std::string_view key) const;
  /// "a string", "a number", "a boolean", "null", "a list", "a map".
  std::string_view Describe() const;
  /// Number of nodes in this subtree (used for alias budgets).
  std::size_t Count() const;
};

struct DocEntry {
  std::string key;
  SourcePos key_pos;
  DocNode value;
};

/// The YAML library behind ParseYaml. Both build the same trees and
/// enforce the same limits; they differ in speed and in error wording.
enum class YamlBackend { kLibfyaml, kYamlCpp };

/// Limits that protect a scan from hostile input, and the YAML backend.
struct ParseLimits {
  YamlBackend yaml_backend = YamlBackend::kLibfyaml;
  std::uint32_t max_depth = 200;           // nesting of maps/lists
  std::size_t max_alias_nodes = 1000000;   // nodes copied by aliases, per file
  /// Lines that precede the text being parsed (when it is a piece of a
  /// larger file): added to every reported line.
  std::uint32_t line_offset = 0;
  /// Wall-clock seconds one YAML text may take to parse; past it the rest
  /// is not analysed and a located `parse-budget` error says where it
  /// stopped (checked between parser events).
  double max_parse_seconds = 60.0;
  /// JSON only: keys of the root object whose list elements are handed to
  /// the document callback one at a time, each as a root object of that one
  /// key and a one-element list (the root then keeps the key with an empty
  /// list). Large `aws ec2 describe-*` outputs are read so, in the memory of
  /// one element. nullptr: none.
  bool (*stream_list_key)(std::string_view key) = nullptr;
  /// With stream_list_key: an element of those lists is parsed and handed
  /// over only when this returns true for its list's key and its text;
  /// the others are checked for syntax and skipped. Empty: every element.
  std::function<bool(std::string_view key, std::string_view element)> keep_list_element;
};

/// `pos` moved down by the limits' line offset (unknown stays unknown).
inline SourcePos Shift(SourcePos pos, const ParseLimits& limits) {
  if (pos.line != 0) pos.line += limits.line_offset;
  return pos;
}

/// Called once per parsed document (a YAML document or the JSON value).
using DocumentCallback = std::function<void(DocNode& root)>;

/// Parses YAML text (one or more documents). Each complete document is
/// handed to `on_doc`; so is each Kubernetes object of a top-level
/// `items:` list, as soon as it is complete (the list then stays empty).
/// A syntax error is reported at its position. Parsing then resumes at the
/// next line that starts a document ("---"), as kubectl splits a stream
/// into documents before decoding each, so a broken document never hides
/// the ones after it. A document that hits a limit or an unsupported
/// construct is dropped with a located error and the next one is parsed.
/// Returns the number of documents delivered.
std::size_t ParseYaml(std::string_view text, FileId file, const ParseLimits& limits,
                      DiagnosticSink& sink, const DocumentCallback& on_doc);

/// Parses one JSON value. Objects of a top-level "items" array are
/// delivered one by one as in ParseYaml, and so are the elements of the
/// root's lists that `limits.stream_list_key` names; then the value itself. On a
/// syntax error reports it and returns false (items already delivered
/// stay delivered).
bool ParseJson(std::string_view text, FileId file, const ParseLimits& limits,
               DiagnosticSink& sink, const DocumentCallback& on_doc);

/// Location of a node as a range in `file`.
inline SourceRange At(FileId file, SourcePos pos) { return SourceRange{file, pos, pos}; }

}  // namespace grantpath::parsers

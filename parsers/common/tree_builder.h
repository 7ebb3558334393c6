// Builds located DocNode trees from a stream of YAML events, whatever the
// YAML library. Owns the limits (depth, alias expansion), anchors and merge
// keys, so both backends behave the same, and streams the items of a
// top-level `items:` list (kubectl List dumps) to the caller one at a time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/doc.h"

namespace grantpath::parsers {

/// Thrown by the builder when a limit is hit or a construct is not
/// supported; the backend turns it into a located diagnostic.
struct LimitHit {
  std::string code;
  std::string message;
  SourcePos pos;
};

class TreeBuilder {
 public:
  TreeBuilder(const ParseLimits& limits, const DocumentCallback& on_doc)
      : limits_(limits), on_doc_(on_doc) {}

  std::size_t delivered() const { return delivered_; }
  /// Problems met so far, one per abandoned document, in input order. A
  /// document in which a limit is hit or an unsupported construct appears is
  /// dropped whole; the documents after it are still built and delivered.
  const std::vector<LimitHit>& errors() const { return errors_; }

  void DocumentStart();
  // Every position passed in is relative to the parsed text; the builder
  // shifts it by the limits' line offset.
  void DocumentEnd();
  /// `anchor` is "" when the node has none.
  void Null(SourcePos pos, const std::string& anchor);
  void Scalar(SourcePos pos, bool quoted, std::string text, const std::string& anchor);
  void Alias(SourcePos pos, const std::string& anchor);
  void SequenceStart(SourcePos pos, const std::string& anchor);
  void SequenceEnd();
  void MapStart(SourcePos pos, const std::string& anchor);
  void MapEnd();

 private:
  struct Frame {
    DocNode* node;
    bool expect_key;
    std::string key;
    SourcePos key_pos;
    std::string anchor;
    bool root_items;  // the list at the document root's "items" key
  };

  DocNode* Place(DocNode&& n, SourcePos pos);
  void Finish(DocNode* n, const std::string& anchor);
  void Open(DocNode* n, const std::string& anchor, SourcePos pos);
  void CheckDepth(SourcePos pos) const;
  void StartContainer(DocNode::Type type, SourcePos pos, const std::string& anchor);
  void Close();
  bool Skipping() const { return skip_depth_ > 0; }
  static void ApplyMerges(DocNode& map);
  // Runs one event's work unless the current document was abandoned; a
  // LimitHit abandons it.
  template <class F>
  void Guarded(F&& work);

  const ParseLimits& limits_;
  const DocumentCallback& on_doc_;
  DocNode root_;
  std::vector<Frame> stack_;
  std::map<std::string, DocNode> anchors_;
  std::size_t alias_nodes_ = 0;
  std::size_t delivered_ = 0;
  int skip_depth_ = 0;  // > 0 while inside a subtree that is not kept
  bool abandoned_ = false;  // the current document hit a LimitHit
  std::vector<LimitHit> errors_;
};

/// Reports the builder's abandoned documents to `sink` (at most 20, then a
/// count of the rest).
void ReportAbandoned(const TreeBuilder& builder, FileId file, DiagnosticSink& sink);

/// True for keys whose subtrees no engine reads and that are large in
/// cluster dumps (metadata.managedFields).
bool SkippedKey(const std::string& key);

}  // namespace grantpath::parsers

// YAML backend: yaml-cpp's event API builds our located DocNode tree. The
// event API (rather than YAML::Load) lets us bound nesting depth and alias
// expansion ourselves and keep the exact position of every scalar.
#include <map>
#include <sstream>
#include <string>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "common/doc.h"

namespace grantpath::parsers {
namespace {

// Thrown from the event handler to stop yaml-cpp when a limit is hit.
struct LimitHit {
  std::string code;
  std::string message;
  SourcePos pos;
};

SourcePos PosOf(const YAML::Mark& m) {
  // yaml-cpp marks are 0-based; -1 means unknown.
  if (m.line < 0) return {};
  return {static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1)};
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const ParseLimits& limits, const DocumentCallback& on_doc)
      : limits_(limits), on_doc_(on_doc) {}

  std::size_t delivered() const { return delivered_; }

  void OnDocumentStart(const YAML::Mark&) override {
    root_ = DocNode();
    stack_.clear();
    anchors_.clear();
  }
  void OnDocumentEnd() override {
    if (!root_.is_null()) {
      ++delivered_;
      on_doc_(root_);
    }
    root_ = DocNode();
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    DocNode n;
    n.pos = PosOf(mark);
    Finish(Place(std::move(n), mark), anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw LimitHit{"yaml-syntax", "alias refers to an anchor that is not complete here",
                     PosOf(mark)};
    }
    std::size_t n = it->second.Count();
    alias_nodes_ += n;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      throw LimitHit{"alias-limit",
                     "aliases expand to more than " + std::to_string(limits_.max_alias_nodes) +
                         " nodes (alias bomb?); rest of file not analyzed",
                     PosOf(mark)};
    }
    DocNode copy = it->second;
    copy.pos = PosOf(mark);
    Place(std::move(copy), mark);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    DocNode n;
    n.type = DocNode::Type::kScalar;
    n.quoted = (tag == "!" || (tag != "?" && !tag.empty() && tag != "tag:yaml.org,2002:int" &&
                                tag != "tag:yaml.org,2002:bool"));
    n.pos = PosOf(mark);
    n.text = value;
    Finish(Place(std::move(n), mark), anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    CheckDepth(mark);
    DocNode n;
    n.type = DocNode::Type::kSeq;
    n.pos = PosOf(mark);
    Open(Place(std::move(n), mark), anchor, mark);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    CheckDepth(mark);
    DocNode n;
    n.type = DocNode::Type::kMap;
    n.pos = PosOf(mark);
    Open(Place(std::move(n), mark), anchor, mark);
  }
  void OnMapEnd() override {
    ApplyMerges(*stack_.back().node);
    Close();
  }

 private:
  struct Frame {
    DocNode* node;
    bool expect_key;
    std::string key;
    SourcePos key_pos;
    YAML::anchor_t anchor;
  };

  // Puts a finished or opened node where the parser is. Returns the node's
  // final address, or nullptr when it was consumed as a map key.
  DocNode* Place(DocNode&& n, const YAML::Mark& mark) {
    if (stack_.empty()) {
      root_ = std::move(n);
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.node->is_seq()) {
      f.node->items.push_back(std::move(n));
      return &f.node->items.back();
    }
    if (f.expect_key) {
      if (n.is_seq() || n.is_map()) {
        throw LimitHit{"unsupported-construct", "a list or map used as a map key is not supported",
                       PosOf(mark)};
      }
      f.key = n.text;
      f.key_pos = n.pos;
      f.expect_key = false;
      return nullptr;
    }
    f.node->entries.push_back(DocEntry{std::move(f.key), f.key_pos, std::move(n)});
    f.expect_key = true;
    return &f.node->entries.back().value;
  }

  void Finish(DocNode* n, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor && n != nullptr) anchors_[anchor] = *n;
  }

  void CheckDepth(const YAML::Mark& mark) const {
    if (stack_.size() >= limits_.max_depth) {
      throw LimitHit{"too-deep",
                     "nesting deeper than " + std::to_string(limits_.max_depth) +
                         " levels; rest of file not analyzed",
                     PosOf(mark)};
    }
  }

  void Open(DocNode* n, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (n == nullptr) {
      throw LimitHit{"unsupported-construct", "a list or map used as a map key is not supported",
                     PosOf(mark)};
    }
    stack_.push_back(Frame{n, true, {}, {}, anchor});
  }

  void Close() {
    Frame f = stack_.back();
    stack_.pop_back();
    Finish(f.node, f.anchor);
  }

  // YAML 1.1 merge keys ("<<: *base"), which Kubernetes' YAML decoder
  // honours: keys written in the map win over merged ones, and earlier maps
  // in a merge list win over later ones.
  static void ApplyMerges(DocNode& map) {
    bool any = false;
    for (const auto& e : map.entries) any |= (e.key == "<<" && !e.value.quoted);
    if (!any) return;
    std::vector<DocEntry> kept;
    std::vector<DocNode> sources;
    for (auto& e : map.entries) {
      if (e.key == "<<") {
        if (e.value.is_map()) sources.push_back(std::move(e.value));
        if (e.value.is_seq())
          for (auto& item : e.value.items)
            if (item.is_map()) sources.push_back(std::move(item));
      } else {
        kept.push_back(std::move(e));
      }
    }
    for (auto& src : sources) {
      for (auto& se : src.entries) {
        bool present = false;
        for (const auto& k : kept) present |= (k.key == se.key);
        if (!present) kept.push_back(std::move(se));
      }
    }
    map.entries = std::move(kept);
  }

  const ParseLimits& limits_;
  const DocumentCallback& on_doc_;
  DocNode root_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, DocNode> anchors_;
  std::size_t alias_nodes_ = 0;
  std::size_t delivered_ = 0;
};

}  // namespace

std::size_t ParseYaml(std::string_view text, FileId file, const ParseLimits& limits,
                      DiagnosticSink& sink, const DocumentCallback& on_doc) {
  std::istringstream in{std::string(text)};
  TreeBuilder builder(limits, on_doc);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const LimitHit& e) {
    sink.Error(e.code, e.message, At(file, e.pos));
  } catch (const YAML::DeepRecursion& e) {
    sink.Error("too-deep", "nesting too deep for the YAML parser; rest of file not analyzed",
               At(file, PosOf(e.mark)));
  } catch (const YAML::ParserException& e) {
    std::string msg = e.msg.empty() ? "invalid YAML" : e.msg;
    sink.Error("yaml-syntax", msg + (builder.delivered() ? "; later documents not analyzed" : ""),
               At(file, PosOf(e.mark)));
  } catch (const YAML::Exception& e) {
    sink.Error("yaml-syntax", e.msg, At(file, PosOf(e.mark)));
  }
  return builder.delivered();
}

}  // namespace grantpath::parsers

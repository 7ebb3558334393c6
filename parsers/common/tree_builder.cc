#include "common/tree_builder.h"

namespace grantpath::parsers {

bool SkippedKey(const std::string& key) { return key == "managedFields"; }

void ReportAbandoned(const TreeBuilder& builder, FileId file, DiagnosticSink& sink) {
  const auto& errors = builder.errors();
  constexpr std::size_t kMax = 20;
  for (std::size_t i = 0; i < errors.size() && i < kMax; ++i)
    sink.Error(errors[i].code, errors[i].message, At(file, errors[i].pos));
  if (errors.size() > kMax)
    sink.Error(errors[kMax].code,
               std::to_string(errors.size() - kMax) + " more documents not analyzed for the same reasons",
               At(file, errors[kMax].pos));
}

namespace {
bool LooksLikeObject(const DocNode& n) {
  return n.is_map() && n.Find("apiVersion") != nullptr && n.Find("kind") != nullptr;
}
}  // namespace

template <class F>
void TreeBuilder::Guarded(F&& work) {
  if (abandoned_) return;
  try {
    work();
  } catch (LimitHit& hit) {
    abandoned_ = true;
    stack_.clear();
    skip_depth_ = 0;
    root_ = DocNode();
    errors_.push_back(std::move(hit));
  }
}

void TreeBuilder::DocumentStart() {
  abandoned_ = false;
  root_ = DocNode();
  stack_.clear();
  anchors_.clear();
  skip_depth_ = 0;
}

void TreeBuilder::DocumentEnd() {
  if (!abandoned_ && !root_.is_null()) {
    ++delivered_;
    on_doc_(root_);
  }
  root_ = DocNode();
  abandoned_ = false;
}

void TreeBuilder::CheckDepth(SourcePos pos) const {
  if (stack_.size() + static_cast<std::size_t>(skip_depth_) >= limits_.max_depth) {
    throw LimitHit{"too-deep",
                   "nesting deeper than " + std::to_string(limits_.max_depth) +
                       " levels; rest of this document not analyzed",
                   pos};
  }
}

DocNode* TreeBuilder::Place(DocNode&& n, SourcePos pos) {
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
    if (n.is_seq() || n.is_map())
      throw LimitHit{"unsupported-construct", "a list or map used as a map key is not supported; rest of this document not analyzed",
                     pos};
    f.key = n.text;
    f.key_pos = n.pos;
    f.expect_key = false;
    return nullptr;
  }
  f.node->entries.push_back(DocEntry{std::move(f.key), f.key_pos, std::move(n)});
  f.expect_key = true;
  return &f.node->entries.back().value;
}

// A value about to be placed under a skipped key is dropped: it and its
// subtree are still parsed (and checked for depth) but never stored.
void TreeBuilder::Finish(DocNode* n, const std::string& anchor) {
  if (!anchor.empty() && n != nullptr) anchors_[anchor] = *n;
}

void TreeBuilder::Null(SourcePos pos, const std::string& anchor) {
  Guarded([&] {
    pos = Shift(pos, limits_);
    if (Skipping()) return;
    DocNode n;
    n.pos = pos;
    Finish(Place(std::move(n), pos), anchor);
  });
}

void TreeBuilder::Scalar(SourcePos pos, bool quoted, std::string text, const std::string& anchor) {
  Guarded([&] {
    pos = Shift(pos, limits_);
    if (Skipping()) return;
    if (!stack_.empty() && stack_.back().node->is_map() && !stack_.back().expect_key &&
        SkippedKey(stack_.back().key)) {
      stack_.back().expect_key = true;  // a scalar under a skipped key: drop it
      return;
    }
    DocNode n;
    n.type = DocNode::Type::kScalar;
    n.quoted = quoted;
    n.pos = pos;
    n.text = std::move(text);
    Finish(Place(std::move(n), pos), anchor);
  });
}

void TreeBuilder::Alias(SourcePos pos, const std::string& anchor) {
  Guarded([&] {
    pos = Shift(pos, limits_);
    if (Skipping()) return;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw LimitHit{"yaml-syntax", "alias '*" + anchor + "' refers to no complete anchor", pos};
    alias_nodes_ += it->second.Count();
    if (alias_nodes_ > limits_.max_alias_nodes) {
      throw LimitHit{"alias-limit",
                     "aliases expand to more than " + std::to_string(limits_.max_alias_nodes) +
                         " nodes (alias bomb?); rest of this document not analyzed",
                     pos};
    }
    DocNode copy = it->second;
    copy.pos = pos;
    Place(std::move(copy), pos);
  });
}

void TreeBuilder::Open(DocNode* n, const std::string& anchor, SourcePos pos) {
  if (n == nullptr)
    throw LimitHit{"unsupported-construct", "a list or map used as a map key is not supported; rest of this document not analyzed",
                   pos};
  bool root_items = stack_.size() == 1 && n->is_seq() && stack_[0].node->is_map() &&
                    !stack_[0].node->entries.empty() &&
                    stack_[0].node->entries.back().key == "items";
  stack_.push_back(Frame{n, true, {}, {}, anchor, root_items});
}

// Opens a list or map, unless it is the value of a skipped key (or inside
// one): then only its depth is tracked.
void TreeBuilder::StartContainer(DocNode::Type type, SourcePos pos, const std::string& anchor) {
  pos = Shift(pos, limits_);
  CheckDepth(pos);
  if (Skipping() || (!stack_.empty() && stack_.back().node->is_map() &&
                     !stack_.back().expect_key && SkippedKey(stack_.back().key))) {
    if (!Skipping()) stack_.back().expect_key = true;
    ++skip_depth_;
    return;
  }
  DocNode n;
  n.type = type;
  n.pos = pos;
  Open(Place(std::move(n), pos), anchor, pos);
}

void TreeBuilder::SequenceStart(SourcePos pos, const std::string& anchor) {
  Guarded([&] {
    StartContainer(DocNode::Type::kSeq, pos, anchor);
  });
}

void TreeBuilder::MapStart(SourcePos pos, const std::string& anchor) {
  Guarded([&] {
    StartContainer(DocNode::Type::kMap, pos, anchor);
  });
}

void TreeBuilder::SequenceEnd() {
  Guarded([&] {
    if (Skipping()) {
      --skip_depth_;
      return;
    }
    Close();
  });
}

void TreeBuilder::MapEnd() {
  Guarded([&] {
    if (Skipping()) {
      --skip_depth_;
      return;
    }
    ApplyMerges(*stack_.back().node);
    Close();
  });
}

void TreeBuilder::Close() {
  Frame f = stack_.back();
  stack_.pop_back();
  Finish(f.node, f.anchor);
  // Stream a completed Kubernetes object out of a root "items" list, so a
  // cluster dump never needs its whole tree in memory at once.
  if (!stack_.empty() && stack_.back().root_items && f.node->is_map() && f.anchor.empty() &&
      LooksLikeObject(*f.node)) {
    DocNode item = std::move(*f.node);
    stack_.back().node->items.pop_back();
    ++delivered_;
    on_doc_(item);
  }
}

// YAML 1.1 merge keys ("<<: *base"), which Kubernetes' YAML decoder
// honours: keys written in the map win over merged ones, and earlier maps
// in a merge list win over later ones.
void TreeBuilder::ApplyMerges(DocNode& map) {
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

}  // namespace grantpath::parsers

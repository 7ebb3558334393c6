// YAML backend on yaml-cpp's event API.
#include <chrono>
#include <sstream>
#include <string>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "common/doc.h"
#include "common/tree_builder.h"
#include "common/yaml_backend.h"

namespace grantpath::parsers {
namespace {

SourcePos PosOf(const YAML::Mark& m) {
  // yaml-cpp marks are 0-based; -1 means unknown.
  if (m.line < 0) return {};
  return {static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1)};
}

std::string AnchorName(YAML::anchor_t a) { return a == YAML::NullAnchor ? "" : std::to_string(a); }

class Handler : public YAML::EventHandler {
 public:
  Handler(TreeBuilder& b, const ParseLimits& limits) : b_(b), limits_(limits) {}
  // The parse budget, checked every 1024 events.
  void Tick(const YAML::Mark& mark) {
    if ((++events_ & 1023) != 0) return;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - clock_start_).count() > limits_.max_parse_seconds)
      throw LimitHit{"parse-budget",
                     "parsing took longer than " + std::to_string(static_cast<int>(limits_.max_parse_seconds)) +
                         " s; the rest of the file is not analysed",
                     Shift(PosOf(mark), limits_)};
  }
  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 can loop forever on some malformed input, starting the
    // same empty document again and again: stop when it makes no progress.
    if (started_ && mark.pos == last_start_) {
      if (++stalls_ > 3)
        throw LimitHit{"yaml-syntax", "invalid YAML: the parser stopped making progress",
                       Shift(PosOf(mark), limits_)};
    } else {
      stalls_ = 0;
    }
    started_ = true;
    last_start_ = mark.pos;
    b_.DocumentStart();
  }
  void OnDocumentEnd() override { b_.DocumentEnd(); }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Tick(mark);
    b_.Null(PosOf(mark), AnchorName(anchor));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Tick(mark);
    b_.Alias(PosOf(mark), AnchorName(anchor));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Tick(mark);
    // "?" marks a plain scalar, "!" a quoted one; an explicit tag other than
    // a numeric or boolean one makes the value a string.
    bool quoted = tag == "!" || (tag != "?" && !tag.empty() && tag != "tag:yaml.org,2002:int" &&
                                 tag != "tag:yaml.org,2002:bool");
    b_.Scalar(PosOf(mark), quoted, value, AnchorName(anchor));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Tick(mark);
    b_.SequenceStart(PosOf(mark), AnchorName(anchor));
  }
  void OnSequenceEnd() override { b_.SequenceEnd(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Tick(mark);
    b_.MapStart(PosOf(mark), AnchorName(anchor));
  }
  void OnMapEnd() override { b_.MapEnd(); }

 private:
  TreeBuilder& b_;
  const ParseLimits& limits_;
  bool started_ = false;
  int last_start_ = -1;
  int stalls_ = 0;
  std::size_t events_ = 0;
  std::chrono::steady_clock::time_point clock_start_ = std::chrono::steady_clock::now();
};

}  // namespace

std::size_t ParseYamlWithYamlCpp(std::string_view text, FileId file, const ParseLimits& limits,
                                 DiagnosticSink& sink, const DocumentCallback& on_doc, YamlStop* stop) {
  std::istringstream in{std::string(text)};
  TreeBuilder builder(limits, on_doc);
  Handler handler(builder, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const LimitHit& e) {
    *stop = YamlStop{true, e.code, e.message, e.pos};  // already shifted by the builder
  } catch (const YAML::DeepRecursion& e) {
    *stop = YamlStop{true, "too-deep", "nesting too deep for the YAML parser", Shift(PosOf(e.mark), limits)};
  } catch (const YAML::Exception& e) {
    *stop = YamlStop{true, "yaml-syntax", e.msg.empty() ? "invalid YAML" : e.msg, Shift(PosOf(e.mark), limits)};
  }
  ReportAbandoned(builder, file, sink);
  return builder.delivered();
}

}  // namespace grantpath::parsers

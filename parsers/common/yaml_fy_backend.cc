// YAML backend on libfyaml's event API (about four times faster than
// yaml-cpp on cluster dumps; see docs/performance.md).
#include <libfyaml.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/doc.h"
#include "common/tree_builder.h"
#include "common/yaml_backend.h"

namespace grantpath::parsers {
namespace {

SourcePos PosOf(const fy_mark* m) {
  if (m == nullptr || m->line < 0) return {};
  return {static_cast<std::uint32_t>(m->line + 1), static_cast<std::uint32_t>(m->column + 1)};
}

std::string Text(fy_token* t) {
  if (t == nullptr) return {};
  std::size_t len = 0;
  const char* s = fy_token_get_text(t, &len);
  return s ? std::string(s, len) : std::string();
}

struct ParserDeleter {
  void operator()(fy_parser* p) const { fy_parser_destroy(p); }
};

// libfyaml reports errors as formatted text "SOURCE:LINE:COL: error: MSG"
// through the diagnostic output function; keep the first one.
struct ErrorCapture {
  bool have = false;
  std::string message;
  SourcePos pos;
};

void CaptureOutput(fy_diag*, void* user, const char* buf, std::size_t len) {
  auto* cap = static_cast<ErrorCapture*>(user);
  if (cap->have) return;
  std::string text(buf, len);
  std::size_t err = text.find(": error: ");
  if (err == std::string::npos) return;
  cap->have = true;
  cap->message = text.substr(err + 9);
  while (!cap->message.empty() && (cap->message.back() == '\n' || cap->message.back() == ' '))
    cap->message.pop_back();
  // ...:LINE:COL before ": error: "
  std::size_t c2 = text.rfind(':', err - 1);
  std::size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : text.rfind(':', c2 - 1);
  if (c1 != std::string::npos) {
    try {
      cap->pos = {static_cast<std::uint32_t>(std::stoul(text.substr(c1 + 1, c2 - c1 - 1))),
                  static_cast<std::uint32_t>(std::stoul(text.substr(c2 + 1, err - c2 - 1)))};
    } catch (...) {
      cap->pos = {};
    }
  }
}

struct DiagDeleter {
  void operator()(fy_diag* d) const { fy_diag_destroy(d); }
};

bool IsNullText(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

}  // namespace

std::size_t ParseYamlWithLibfyaml(std::string_view text, FileId file, const ParseLimits& limits,
                                  DiagnosticSink& sink, const DocumentCallback& on_doc, YamlStop* stop) {
  ErrorCapture capture;
  fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = nullptr;
  dcfg.output_fn = CaptureOutput;
  dcfg.user = &capture;
  dcfg.level = FYET_ERROR;
  dcfg.colorize = false;
  dcfg.show_source = false;
  dcfg.show_position = true;
  dcfg.show_type = false;
  dcfg.show_module = false;
  dcfg.source_width = dcfg.position_width = dcfg.type_width = dcfg.module_width = 0;
  std::unique_ptr<fy_diag, DiagDeleter> diag(fy_diag_create(&dcfg));
  // Collected errors are never rendered: libfyaml 0.7.12's source display
  // (fy_diag_error_atom_display) overflows a stack buffer on some inputs, so
  // the message and position are taken from the collected records instead.
  if (diag) fy_diag_set_collect_errors(diag.get(), true);
  fy_parse_cfg cfg{};
  // Sloppy flow indentation: a multi-line quoted scalar or flow collection
  // whose continuation lines are not indented past its key, which the Go
  // YAML decoder of kubectl and the API server accepts.
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&cfg));
  TreeBuilder builder(limits, on_doc);
  if (!parser || fy_parser_set_string(parser.get(), text.data(), text.size()) != 0) {
    sink.Error("yaml-syntax", "cannot start the YAML parser", At(file, {1, 1}));
    return 0;
  }
  fy_parser* p = parser.get();
  SourcePos last;
  try {
    const auto started = std::chrono::steady_clock::now();
    std::size_t events = 0;
    while (fy_event* e = fy_parser_parse(p)) {
      if ((++events & 1023) == 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > limits.max_parse_seconds) {
        fy_parser_event_free(p, e);
        throw LimitHit{"parse-budget",
                       "parsing took longer than " + std::to_string(static_cast<int>(limits.max_parse_seconds)) +
                           " s; the rest of the file is not analysed",
                       Shift(last, limits)};
      }
      std::unique_ptr<fy_event, std::function<void(fy_event*)>> guard(
          e, [p](fy_event* ev) { fy_parser_event_free(p, ev); });
      SourcePos pos = PosOf(fy_event_start_mark(e));
      if (pos.line) last = pos;
      switch (e->type) {
        case FYET_DOCUMENT_START:
          builder.DocumentStart();
          break;
        case FYET_DOCUMENT_END:
          builder.DocumentEnd();
          break;
        case FYET_MAPPING_START:
          builder.MapStart(pos, Text(e->mapping_start.anchor));
          break;
        case FYET_MAPPING_END:
          builder.MapEnd();
          break;
        case FYET_SEQUENCE_START:
          builder.SequenceStart(pos, Text(e->sequence_start.anchor));
          break;
        case FYET_SEQUENCE_END:
          builder.SequenceEnd();
          break;
        case FYET_ALIAS:
          // libfyaml marks the anchor name; point at the '*' as yaml-cpp does.
          if (pos.column > 1) --pos.column;
          builder.Alias(pos, Text(e->alias.anchor));
          break;
        case FYET_SCALAR: {
          fy_token* v = e->scalar.value;
          std::string value = Text(v);
          bool plain = v == nullptr || fy_token_scalar_style(v) == FYSS_PLAIN;
          std::string tag = Text(e->scalar.tag);
          if (plain && tag.empty() && IsNullText(value)) {
            builder.Null(pos, Text(e->scalar.anchor));
          } else {
            bool quoted = !plain || (!tag.empty() && tag != "!!int" && tag != "!!bool" &&
                                     tag != "tag:yaml.org,2002:int" &&
                                     tag != "tag:yaml.org,2002:bool");
            builder.Scalar(pos, quoted, std::move(value), Text(e->scalar.anchor));
          }
          break;
        }
        default:
          break;
      }
    }
  } catch (const LimitHit& e) {
    ReportAbandoned(builder, file, sink);
    *stop = YamlStop{true, e.code, e.message, e.pos};  // already shifted by the builder
    return builder.delivered();
  }
  ReportAbandoned(builder, file, sink);
  if (fy_parser_get_stream_error(p)) {
    void* iter = nullptr;
    if (!capture.have && diag) {
      if (fy_diag_error* err = fy_diag_errors_iterate(diag.get(), &iter)) {
        capture.have = true;
        capture.message = err->msg ? err->msg : "";
        if (err->line > 0 && err->column > 0)
          capture.pos = {static_cast<std::uint32_t>(err->line), static_cast<std::uint32_t>(err->column)};
      }
    }
    std::string msg = capture.have && !capture.message.empty() ? capture.message : "invalid YAML";
    SourcePos pos = capture.have && capture.pos.line ? capture.pos : last;
    *stop = YamlStop{true, "yaml-syntax", msg, Shift(pos, limits)};
  }
  return builder.delivered();
}

}  // namespace grantpath::parsers

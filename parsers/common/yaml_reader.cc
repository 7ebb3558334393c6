// ParseYaml: dispatches to the configured YAML backend, and resumes after
// a syntax error at the next document marker.
#include "common/doc.h"
#include "common/text_check.h"
#include "common/yaml_backend.h"

namespace grantpath::parsers {
namespace {

// Byte offset of the start of 1-based `line` in `text` (text.size() past the end).
std::size_t LineOffset(std::string_view text, std::uint32_t line) {
  std::size_t off = 0;
  for (std::uint32_t l = 1; l < line; ++l) {
    std::size_t nl = text.find('\n', off);
    if (nl == std::string_view::npos) return text.size();
    off = nl + 1;
  }
  return off;
}

bool MarkerAt(std::string_view text, std::size_t off) {
  if (text.compare(off, 3, "---") != 0) return false;
  if (off + 3 == text.size()) return true;
  char c = text[off + 3];
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The first document marker line starting at or after `from`, and after 0.
std::size_t NextMarker(std::string_view text, std::size_t from) {
  std::size_t off = from;
  if (off == 0) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::string_view::npos;
    off = nl + 1;
  }
  while (off < text.size()) {
    if (MarkerAt(text, off)) return off;
    std::size_t nl = text.find('\n', off);
    if (nl == std::string_view::npos) break;
    off = nl + 1;
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t ParseYaml(std::string_view text, FileId file, const ParseLimits& limits,
                      DiagnosticSink& sink, const DocumentCallback& on_doc) {
  // Every caller gets the byte check (libfyaml 0.7.12 loops forever on a
  // directive followed by invalid UTF-8): files were checked when loaded
  // (a no-op here), YAML embedded in strings and intents files were not.
  std::optional<std::string> repaired = CheckText(text, file, sink, limits.line_offset);
  if (repaired) text = *repaired;
  std::size_t delivered = 0;
  ParseLimits piece_limits = limits;
  std::string_view rest = text;
  while (true) {
    YamlStop stop;
    delivered += limits.yaml_backend == YamlBackend::kYamlCpp
                     ? ParseYamlWithYamlCpp(rest, file, piece_limits, sink, on_doc, &stop)
                     : ParseYamlWithLibfyaml(rest, file, piece_limits, sink, on_doc, &stop);
    if (!stop.stopped) break;
    if (stop.code == "parse-budget") {  // the budget is for the whole text: no resuming
      sink.Error(stop.code, stop.message, At(file, stop.pos));
      break;
    }
    std::uint32_t rel_line = stop.pos.line ? stop.pos.line - piece_limits.line_offset : 1;
    std::size_t next = NextMarker(rest, LineOffset(rest, rel_line));
    SourcePos where = stop.pos;
    if (next == std::string_view::npos) {
      sink.Error(stop.code, stop.message + (delivered ? "; later documents not analyzed" : ""),
                 At(file, where));
      break;
    }
    std::uint32_t skipped_lines = 0;
    for (std::size_t i = 0; i < next; ++i) skipped_lines += rest[i] == '\n';
    piece_limits.line_offset += skipped_lines;
    sink.Error(stop.code,
               stop.message + "; parsing resumes at the next document (line " +
                   std::to_string(piece_limits.line_offset + 1) + ")",
               At(file, where));
    rest = rest.substr(next);
  }
  return delivered;
}

}  // namespace grantpath::parsers

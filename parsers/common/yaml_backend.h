// The two YAML backends behind ParseYaml. Each parses `text` until the end
// or the first error it cannot go past, delivers complete documents, reports
// abandoned documents to `sink`, and describes a fatal error in `stop`
// instead of reporting it, so that ParseYaml can resume after it.
#pragma once

#include <string>
#include <string_view>

#include "common/doc.h"

namespace grantpath::parsers {

/// Why a backend stopped before the end of its text. `pos` is already
/// shifted by the limits' line offset.
struct YamlStop {
  bool stopped = false;
  std::string code;
  std::string message;
  SourcePos pos;
};

std::size_t ParseYamlWithYamlCpp(std::string_view text, FileId file, const ParseLimits& limits,
                                 DiagnosticSink& sink, const DocumentCallback& on_doc, YamlStop* stop);
std::size_t ParseYamlWithLibfyaml(std::string_view text, FileId file, const ParseLimits& limits,
                                  DiagnosticSink& sink, const DocumentCallback& on_doc, YamlStop* stop);

}  // namespace grantpath::parsers

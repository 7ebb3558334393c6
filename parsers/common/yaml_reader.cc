// ParseYaml: dispatches to the configured YAML backend.
#include "common/doc.h"

namespace grantpath::parsers {

std::size_t ParseYamlWithYamlCpp(std::string_view text, FileId file, const ParseLimits& limits,
                                 DiagnosticSink& sink, const DocumentCallback& on_doc);
std::size_t ParseYamlWithLibfyaml(std::string_view text, FileId file, const ParseLimits& limits,
                                  DiagnosticSink& sink, const DocumentCallback& on_doc);

std::size_t ParseYaml(std::string_view text, FileId file, const ParseLimits& limits,
                      DiagnosticSink& sink, const DocumentCallback& on_doc) {
  if (limits.yaml_backend == YamlBackend::kYamlCpp)
    return ParseYamlWithYamlCpp(text, file, limits, sink, on_doc);
  return ParseYamlWithLibfyaml(text, file, limits, sink, on_doc);
}

}  // namespace grantpath::parsers

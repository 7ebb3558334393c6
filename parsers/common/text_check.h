// Byte-level checks of a whole input file before any parser sees it: NUL
// bytes and invalid UTF-8. YAML and JSON forbid both, and the YAML
// libraries misbehave on them (libfyaml 0.7.12 loops forever on a directive
// followed by invalid UTF-8; a NUL stops a C string parser early), so they
// are reported where they are and replaced before parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grantpath/diagnostic.h"
#include "grantpath/source.h"

namespace grantpath::parsers {

/// Length of the valid UTF-8 sequence that starts at text[i] (1 to 4), or 0
/// when the bytes there are not valid UTF-8 (overlong forms, surrogates and
/// code points above U+10FFFF are invalid).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

/// Returns nullopt when `text` holds no NUL byte and is valid UTF-8 (the
/// common case: one pass, no copy). Otherwise reports an error at the first
/// NUL (code "nul-byte") and at the first invalid byte ("invalid-utf8"),
/// each with the count of the others, and returns a copy without the NUL
/// bytes and with each invalid byte replaced by U+FFFD, so the rest of the
/// file is still analyzed and every line keeps its number.
std::optional<std::string> CheckText(std::string_view text, FileId file, DiagnosticSink& sink,
                                     std::uint32_t line_offset = 0);

}  // namespace grantpath::parsers

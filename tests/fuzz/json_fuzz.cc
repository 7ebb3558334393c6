// libFuzzer target for the position-tracking JSON reader alone: any bytes.
// Must never crash, hang or leak; a syntax error is a located diagnostic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/doc.h"
#include "common/text_check.h"
#include "grantpath/diagnostic.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace grantpath;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CollectingSink sink;
  auto repaired = parsers::CheckText(text, 1, sink);
  if (repaired) text = *repaired;
  parsers::ParseLimits limits;
  std::size_t docs = 0;
  parsers::ParseJson(text, 1, limits, sink, [&](parsers::DocNode& root) { docs += root.Count(); });
  for (const auto& d : sink.diagnostics())
    if (d.where.file != 1 || d.where.begin.line == 0) __builtin_trap();  // every diagnostic is located
  return 0;
}

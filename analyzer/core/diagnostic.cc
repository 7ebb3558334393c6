#include "grantpath/diagnostic.h"

namespace grantpath {

const char* DiagLevelName(DiagLevel level) {
  switch (level) {
    case DiagLevel::kNote:
      return "note";
    case DiagLevel::kWarning:
      return "warning";
    case DiagLevel::kError:
      return "error";
  }
  return "error";
}

std::size_t CollectingSink::CountAtLeast(DiagLevel level) const {
  std::size_t n = 0;
  for (const auto& d : diags_) n += d.level >= level;
  return n;
}

}  // namespace grantpath

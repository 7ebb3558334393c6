#include <cassert>
#include <tuple>

#include "grantpath/finding.h"
#include "grantpath/rule.h"

namespace grantpath {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "info";
}

bool ParseSeverity(const std::string& text, Severity* out) {
  for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh,
                     Severity::kCritical}) {
    if (text == SeverityName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

const char* SecurityScore(Severity s) {
  // GitHub maps >9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
  switch (s) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "3.0";
    case Severity::kInfo: return "0.1";
  }
  return "0.1";
}

bool FindingLess(const Finding& a, const Finding& b) {
  // References, not copies: this runs for every comparison of a sort.
  auto key = [](const Finding& f) {
    return std::tuple<FileId, const SourcePos&, std::string_view, const std::string&, const std::string&>(
        f.primary.file, f.primary.begin, f.rule->id, f.message, f.entity);
  };
  return key(a) < key(b);
}

void FindingSink::Add(Finding f) {
  assert(f.rule != nullptr && "finding without a rule");
  assert(f.primary.file != 0 && "finding without a location");
  findings_.push_back(std::move(f));
}

}  // namespace grantpath

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "grantpath/terminal.h"
#include "output/report.h"

namespace grantpath::output {

void Normalize(Report* report) {
  // Sorted through an index, then moved once: a finding is large.
  auto& fs = report->findings;
  if (!std::is_sorted(fs.begin(), fs.end(), FindingLess)) {
    std::vector<std::size_t> order(fs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return FindingLess(fs[a], fs[b]); });
    std::vector<Finding> sorted;
    sorted.reserve(fs.size());
    for (std::size_t i : order) sorted.push_back(std::move(fs[i]));
    fs = std::move(sorted);
  }
  for (auto& f : report->findings) {
    std::stable_sort(f.related.begin(), f.related.end(), [](const auto& a, const auto& b) {
      return std::tie(a.where, a.role) < std::tie(b.where, b.role);
    });
    f.related.erase(std::unique(f.related.begin(), f.related.end(),
                                [](const auto& a, const auto& b) {
                                  return a.where == b.where && a.role == b.role;
                                }),
                    f.related.end());
  }
  std::stable_sort(report->diagnostics.begin(), report->diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.where.file, a.where.begin, a.code, a.message) <
                            std::tie(b.where.file, b.where.begin, b.code, b.message);
                   });
}

std::string FormatDiagnostic(const Model& model, const Diagnostic& d) {
  std::string out = TerminalSafe(model.files.display_path(d.where.file));
  if (d.where.begin.line != 0) {
    out += ":" + std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column);
  }
  out += std::string(": ") + DiagLevelName(d.level) + ": " + TerminalSafe(d.message) + " [" + d.code + "]";
  return out;
}

std::string ArtifactPath(const Report& report, FileId file) {
  namespace fs = std::filesystem;
  const Model& m = *report.model;
  if (m.files.is_builtin(file) || report.repo_root.empty()) return m.files.relative_path(file);
  std::error_code ec;
  fs::path abs = fs::absolute(m.files.display_path(file), ec).lexically_normal();
  if (ec) return m.files.relative_path(file);
  std::string r = abs.lexically_relative(fs::path(report.repo_root)).generic_string();
  if (r.empty() || r.rfind("..", 0) == 0) return abs.generic_string();
  return r;
}

std::string GitRootOfCwd() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::current_path(ec);
  if (ec) return "";
  while (true) {
    if (fs::exists(p / ".git", ec)) return p.generic_string();
    fs::path parent = p.parent_path();
    if (parent == p || parent.empty()) return "";
    p = parent;
  }
}

std::string StableHash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace grantpath::output

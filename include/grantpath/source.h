// Source locations: where every value the engines reason about was written.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace grantpath {

/// Index into SourceFiles. 0 means "no file" (a built-in object such as a
/// default Kubernetes ClusterRole has file 0 and a synthetic origin).
using FileId = std::uint32_t;

/// A 1-based line and column, as printed and as SARIF `region` wants.
/// 0 means unknown. Columns count bytes, not code points.
struct SourcePos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  auto operator<=>(const SourcePos&) const = default;
};

/// A span in one file. `end` may equal `begin` when only a start is known.
struct SourceRange {
  FileId file = 0;
  SourcePos begin;
  SourcePos end;
  auto operator<=>(const SourceRange&) const = default;
  /// True when the range names a real file position.
  bool known() const { return file != 0 && begin.line != 0; }
};

/// A value read from input together with where it was written.
template <class T>
struct Located {
  T value{};
  SourceRange where;
};

/// The table of files a run has read. Owns their paths; ids are stable for
/// the lifetime of the table. Paths are kept twice: as given on the command
/// line (for messages) and relative to the scan root (for SARIF).
class SourceFiles {
 public:
  SourceFiles();
  /// Registers a file; returns its id (never 0). Registering the same
  /// display path twice returns the first id.
  FileId Add(const std::string& display_path, const std::string& relative_path);
  /// The path as the user should read it (relative to the working
  /// directory when the user gave a relative path). "" for id 0.
  const std::string& display_path(FileId id) const;
  /// The path relative to the scan root, '/'-separated (SARIF artifact uri).
  const std::string& relative_path(FileId id) const;
  /// Marks a file id as built-in (for example the bootstrap RBAC roles);
  /// built-in files are never read from disk.
  FileId AddBuiltin(const std::string& name);
  bool is_builtin(FileId id) const;
  /// Marks a file whose content was read and parsed (a scanned input).
  /// Output shows source lines only from such files: never from one that
  /// was skipped (too large, binary, unreadable) or is built in.
  void MarkLoaded(FileId id);
  bool is_loaded(FileId id) const;
  std::size_t size() const { return display_.size() - 1; }

 private:
  std::vector<std::string> display_;
  std::vector<std::string> relative_;
  std::vector<bool> builtin_;
  std::vector<bool> loaded_;
  std::unordered_map<std::string, FileId> index_;  // display path -> id (not built-ins)
};

}  // namespace grantpath

// Read-only access to the input tree. There is deliberately no write
// method: grantpath never writes into what it analyzes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grantpath {

enum class EntryType { kMissing, kFile, kDirectory, kSymlink, kOther };

/// Abstract read-only file system. All loader I/O goes through it, so tests
/// can run on an in-memory tree and check what was touched.
class FileReader {
 public:
  virtual ~FileReader() = default;
  /// Type of `path` without following a final symlink.
  virtual EntryType Type(const std::string& path) const = 0;
  /// Size in bytes of a regular file, or -1.
  virtual std::int64_t Size(const std::string& path) const = 0;
  /// Reads a whole file. On failure returns false and sets `*error` to a
  /// short reason ("Permission denied").
  virtual bool Read(const std::string& path, std::string* content,
                    std::string* error) const = 0;
  /// Lists the names in a directory (not "." or ".."), sorted bytewise.
  virtual bool List(const std::string& path, std::vector<std::string>* names,
                    std::string* error) const = 0;
  /// Canonical absolute path with symlinks resolved; "" when it does not
  /// exist.
  virtual std::string Canonical(const std::string& path) const = 0;
};

/// The real file system, read-only.
class DiskReader : public FileReader {
 public:
  EntryType Type(const std::string& path) const override;
  std::int64_t Size(const std::string& path) const override;
  bool Read(const std::string& path, std::string* content,
            std::string* error) const override;
  bool List(const std::string& path, std::vector<std::string>* names,
            std::string* error) const override;
  std::string Canonical(const std::string& path) const override;
};

}  // namespace grantpath

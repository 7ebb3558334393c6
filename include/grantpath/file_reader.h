// Read-only access to the input tree. There is deliberately no write
// method: grantpath never writes into what it analyzes.
#pragma once

#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

namespace grantpath {

/// kUnreadable: the entry exists (or may) but cannot be examined, for
/// example a path too long for the system or a permission error;
/// FileReader::Type then sets the reason.
enum class EntryType { kMissing, kFile, kDirectory, kSymlink, kOther, kUnreadable };

/// The bytes of a file, read-only: either a private read-only memory map
/// (large files: no copy) or an owned string. Move-only.
class FileContent {
 public:
  FileContent() = default;
  explicit FileContent(std::string text) : text_(std::move(text)) {}
  FileContent(FileContent&& other) noexcept { *this = std::move(other); }
  FileContent& operator=(FileContent&& other) noexcept;
  FileContent(const FileContent&) = delete;
  FileContent& operator=(const FileContent&) = delete;
  ~FileContent();

  /// Takes ownership of a mapping made with mmap (released with munmap).
  static FileContent Mapped(const char* data, std::size_t size);

  std::string_view view() const {
    return map_ != nullptr ? std::string_view(map_, map_size_) : std::string_view(text_);
  }

 private:
  std::string text_;
  const char* map_ = nullptr;
  std::size_t map_size_ = 0;
};

/// Abstract read-only file system. All loader I/O goes through it, so tests
/// can run on an in-memory tree and check what was touched.
class FileReader {
 public:
  virtual ~FileReader() = default;
  /// Type of `path` without following a final symlink. kUnreadable when it
  /// cannot be examined; `*error` (when given) then says why.
  virtual EntryType Type(const std::string& path, std::string* error = nullptr) const = 0;
  /// A token that is equal for two paths exactly when they name the same
  /// directory or file (following symlinks): how the walker detects a
  /// directory loop without resolving every path. "" when it does not exist.
  virtual std::string Identity(const std::string& path) const { return Canonical(path); }
  /// Size in bytes of a regular file, or -1.
  virtual std::int64_t Size(const std::string& path) const = 0;
  /// Reads a whole file. On failure returns false and sets `*error` to a
  /// short reason ("Permission denied").
  virtual bool Read(const std::string& path, FileContent* content,
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
  /// Paths of any length: beyond PATH_MAX the directories are opened one
  /// by one (openat), so a deep tree is read, not skipped.
  EntryType Type(const std::string& path, std::string* error = nullptr) const override;
  /// The device and inode.
  std::string Identity(const std::string& path) const override;
  std::int64_t Size(const std::string& path) const override;
  /// Files of 1 MiB or more are memory-mapped read-only (faulting in fresh
  /// memory for a copy costs more than parsing on some machines).
  bool Read(const std::string& path, FileContent* content,
            std::string* error) const override;
  bool List(const std::string& path, std::vector<std::string>* names,
            std::string* error) const override;
  std::string Canonical(const std::string& path) const override;
};

}  // namespace grantpath

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "grantpath/file_reader.h"

namespace grantpath {
namespace {

// A directory descriptor and the last component of `path`, so that a path
// longer than PATH_MAX can still be used through the *at() calls. Paths that
// fit use AT_FDCWD and the path itself.
class At {
 public:
  explicit At(const std::string& path) {
    if (path.size() < PATH_MAX - 1) {
      leaf_ = path;
      return;
    }
    std::size_t slash = path.rfind('/');
    leaf_ = path.substr(slash + 1);
    std::string dir = path.substr(0, slash);
    std::size_t pos = 0;
    if (!dir.empty() && dir[0] == '/') {
      fd_ = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      pos = 1;
    } else {
      fd_ = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    while (fd_ >= 0 && pos < dir.size()) {
      std::size_t next = dir.find('/', pos);
      if (next == std::string::npos) next = dir.size();
      std::string part = dir.substr(pos, next - pos);
      pos = next + 1;
      if (part.empty()) continue;
      int sub = ::openat(fd_, part.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      ::close(fd_);
      fd_ = sub;
    }
    if (fd_ < 0) error_ = errno;
  }
  ~At() {
    if (fd_ >= 0) ::close(fd_);
  }
  At(const At&) = delete;
  At& operator=(const At&) = delete;
  bool ok() const { return error_ == 0; }
  int error() const { return error_; }
  int dir() const { return fd_; }
  const char* leaf() const { return leaf_.c_str(); }

 private:
  int fd_ = AT_FDCWD;
  int error_ = 0;
  std::string leaf_;
};

}  // namespace

EntryType DiskReader::Type(const std::string& path, std::string* error) const {
  At at(path);
  struct stat st;
  int err = at.ok() ? (::fstatat(at.dir(), at.leaf(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno) : at.error();
  if (err != 0) {
    if (err == ENOENT || err == ENOTDIR) return EntryType::kMissing;
    if (error) *error = std::strerror(err);
    return EntryType::kUnreadable;
  }
  if (S_ISLNK(st.st_mode)) return EntryType::kSymlink;
  if (S_ISREG(st.st_mode)) return EntryType::kFile;
  if (S_ISDIR(st.st_mode)) return EntryType::kDirectory;
  return EntryType::kOther;
}

std::string DiskReader::Identity(const std::string& path) const {
  At at(path);
  struct stat st;
  if (!at.ok() || ::fstatat(at.dir(), at.leaf(), &st, 0) != 0) return "";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::int64_t DiskReader::Size(const std::string& path) const {
  At at(path);
  struct stat st;
  if (!at.ok() || ::fstatat(at.dir(), at.leaf(), &st, 0) != 0 || !S_ISREG(st.st_mode)) return -1;
  return static_cast<std::int64_t>(st.st_size);
}

FileContent& FileContent::operator=(FileContent&& other) noexcept {
  if (this != &other) {
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_size_);
    text_ = std::move(other.text_);
    map_ = other.map_;
    map_size_ = other.map_size_;
    other.map_ = nullptr;
    other.map_size_ = 0;
  }
  return *this;
}

FileContent::~FileContent() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_size_);
}

FileContent FileContent::Mapped(const char* data, std::size_t size) {
  FileContent c;
  c.map_ = data;
  c.map_size_ = size;
  return c;
}

bool DiskReader::Read(const std::string& path, FileContent* content, std::string* error) const {
  // O_RDONLY and PROT_READ only: this reader cannot create or modify anything.
  At at(path);
  int fd = at.ok() ? ::openat(at.dir(), at.leaf(), O_RDONLY | O_CLOEXEC) : -1;
  if (fd < 0) {
    *error = std::strerror(at.ok() ? errno : at.error());
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (1 << 20)) {
    void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ,
                     MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) {
      ::close(fd);
      *content = FileContent::Mapped(static_cast<const char*>(p), static_cast<std::size_t>(st.st_size));
      return true;
    }
  }
  std::string text;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  *content = FileContent(std::move(text));
  return true;
}

bool DiskReader::List(const std::string& path, std::vector<std::string>* names,
                      std::string* error) const {
  At at(path);
  int fd = at.ok() ? ::openat(at.dir(), at.leaf(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (d == nullptr) {
    *error = std::strerror(fd < 0 && !at.ok() ? at.error() : errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  names->clear();
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names->emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names->begin(), names->end());
  return true;
}

std::string DiskReader::Canonical(const std::string& path) const {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return "";
  return buf;
}

}  // namespace grantpath

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

EntryType DiskReader::Type(const std::string& path) const {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return EntryType::kMissing;
  if (S_ISLNK(st.st_mode)) return EntryType::kSymlink;
  if (S_ISREG(st.st_mode)) return EntryType::kFile;
  if (S_ISDIR(st.st_mode)) return EntryType::kDirectory;
  return EntryType::kOther;
}

std::int64_t DiskReader::Size(const std::string& path) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
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
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
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
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) {
    *error = std::strerror(errno);
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

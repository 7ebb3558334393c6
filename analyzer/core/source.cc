#include "grantpath/source.h"

namespace grantpath {

SourceFiles::SourceFiles() : display_(1), relative_(1), builtin_(1, false) {}

FileId SourceFiles::Add(const std::string& display_path, const std::string& relative_path) {
  auto it = index_.find(display_path);
  if (it != index_.end()) return it->second;
  index_.emplace(display_path, static_cast<FileId>(display_.size()));
  display_.push_back(display_path);
  relative_.push_back(relative_path);
  builtin_.push_back(false);
  return static_cast<FileId>(display_.size() - 1);
}

FileId SourceFiles::AddBuiltin(const std::string& name) {
  display_.push_back(name);
  relative_.push_back(name);
  builtin_.push_back(true);
  return static_cast<FileId>(display_.size() - 1);
}

const std::string& SourceFiles::display_path(FileId id) const {
  return id < display_.size() ? display_[id] : display_[0];
}
const std::string& SourceFiles::relative_path(FileId id) const {
  return id < relative_.size() ? relative_[id] : relative_[0];
}
bool SourceFiles::is_builtin(FileId id) const { return id < builtin_.size() && builtin_[id]; }

void SourceFiles::MarkLoaded(FileId id) {
  if (loaded_.size() <= id) loaded_.resize(id + 1, false);
  loaded_[id] = true;
}

bool SourceFiles::is_loaded(FileId id) const { return id < loaded_.size() && loaded_[id]; }

}  // namespace grantpath

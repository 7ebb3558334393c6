// Status: the outcome of an operation that can fail for environment or
// usage reasons (unreadable path, bad flag). Input problems are
// Diagnostics, not Statuses.
#pragma once

#include <string>
#include <utility>

namespace grantpath {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Usage(std::string msg) { return Status(kUsage, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(kIo, std::move(msg)); }
  static Status Invalid(std::string msg) { return Status(kInvalid, std::move(msg)); }

  bool ok() const { return code_ == kOk; }
  bool is_usage() const { return code_ == kUsage; }
  const std::string& message() const { return msg_; }

 private:
  enum Code { kOk, kUsage, kIo, kInvalid };
  Status(Code c, std::string m) : code_(c), msg_(std::move(m)) {}
  Code code_ = kOk;
  std::string msg_;
};

}  // namespace grantpath

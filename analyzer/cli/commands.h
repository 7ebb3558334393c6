// The subcommand table and what the subcommands share.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/session.h"
#include "grantpath/finding.h"

namespace grantpath::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // findings at or above --fail-on, or --expect differs
inline constexpr int kExitUsage = 2;     // usage error, or nothing could be analyzed

struct Command {
  std::string_view name;
  std::function<void(CLI::App&)> setup;  // adds the subcommand and its options
  std::function<int()> run;              // runs it once parsed; returns the exit code
};

/// Every subcommand, in help order.
const std::vector<Command>& Commands();

/// Options shared by commands that read inputs (scan and the queries):
/// the paths, -v, the Kubernetes reading options unless `kubernetes` is
/// false (AWS-only queries), and the size and depth limits.
void AddInputOptions(CLI::App* cmd, InputOptions* in, bool* verbose, bool kubernetes = true);
/// --default-namespace and --no-k8s-defaults.
void AddKubernetesInputOptions(CLI::App* cmd, InputOptions* in);
/// --max-file-size, --max-depth and --yaml-backend.
void AddLimitOptions(CLI::App* cmd, InputOptions* in);

/// Writes `text` to `path` ("" or "-" = standard output), escaped with
/// TerminalSafe (newlines kept) unless `escaped` says every untrusted part
/// of it was escaped already (the text report, whose colour codes must
/// pass). Returns false and prints an error when the file cannot be written.
bool WriteOutput(const std::string& path, const std::string& text, bool escaped = false);

/// Output written as it is produced, buffered: to a file, or to standard
/// output for "" and "-", escaped with TerminalSafe (newlines kept). For results too large to build in memory first.
class OutputStream {
 public:
  /// Opens the destination; when it cannot, prints an error and ok() is false.
  explicit OutputStream(const std::string& path);
  ~OutputStream();
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;
  bool ok() const { return file_ != nullptr && !failed_; }
  OutputStream& operator<<(std::string_view s);
  OutputStream& operator<<(char c) { return *this << std::string_view(&c, 1); }
  /// Flushes and closes; false (with an error printed) when writing failed.
  bool Close();

 private:
  // Writes the buffer (escaped for terminals), holding back an incomplete
  // UTF-8 sequence at its end unless `final`.
  void Flush(bool final);
  std::string path_;
  std::FILE* file_ = nullptr;
  bool opened_ = false;
  bool failed_ = false;
  std::string buffer_;
};

/// A location as query output shows it: {"file","line","column"}, and
/// "path:line:col" (just the path when the line is unknown).
nlohmann::ordered_json LocationJson(const Model& m, const SourceRange& r);
std::string LocationText(const Model& m, const SourceRange& r);

/// Reads a whole file; false when it cannot be read.
bool ReadWholeFile(const std::string& path, std::string* out);

/// Reads the FILE of a batch query (`--requests FILE`); prints the error and
/// returns false when it cannot be read.
bool ReadRequestsFile(const std::string& path, std::string* text);

/// Calls `f` for each non-blank line of a JSON Lines text with its 1-based
/// line number and its object, or nullptr when the line is not a JSON
/// object (its answer is then {"line": N, "error": kNotAnObject}). The batch
/// queries read their requests so.
void ForEachRequest(const std::string& text, const std::function<void(std::size_t line, const nlohmann::json* object)>& f);
inline constexpr const char* kNotAnObject = "not a JSON object";

/// The string field `key` of a request object; sets `*error` (when still
/// empty) and returns "" when it is missing or not a string.
std::string RequestField(const nlohmann::json& j, const char* key, bool required, std::string* error);

/// Prints the diagnostics of a session to stderr (text form).
void PrintDiagnostics(const Session& s);

/// The registration functions of each command file.
Command ScanCommand();
Command RulesCommand();
Command K8sCommand();
Command NetCommand();
Command AwsCommand();
Command PathsCommand();
Command GraphCommand();
Command DiffCommand();
Command CompletionCommand();

/// The whole command tree (set by main before parsing), for completion.
const CLI::App* RootApp();
void SetRootApp(const CLI::App* app);

}  // namespace grantpath::cli

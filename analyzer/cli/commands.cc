#include "cli/commands.h"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "grantpath/terminal.h"
#include "output/report.h"

namespace grantpath::cli {

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {ScanCommand(), RulesCommand(), K8sCommand(), NetCommand(), AwsCommand(), PathsCommand(), GraphCommand(), DiffCommand(), CompletionCommand()};
  return kCommands;
}

namespace {
const CLI::App* root_app = nullptr;
}  // namespace

const CLI::App* RootApp() { return root_app; }
void SetRootApp(const CLI::App* app) { root_app = app; }

void AddInputOptions(CLI::App* cmd, InputOptions* in, bool* verbose, bool kubernetes) {
  cmd->add_option("paths", in->paths, "Files and directories to analyze (recursively)")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_flag("-v,--verbose", *verbose, "Also list skipped files, symlinks and kinds");
  if (kubernetes) AddKubernetesInputOptions(cmd, in);
  AddLimitOptions(cmd, in);
}

void AddKubernetesInputOptions(CLI::App* cmd, InputOptions* in) {
  cmd->add_option("--default-namespace", in->load.k8s.default_namespace,
                  "Namespace of namespaced objects that name none")
      ->capture_default_str();
  cmd->add_flag("!--no-k8s-defaults", in->k8s_defaults,
                "Do not assume Kubernetes' default RBAC roles and bindings (use when the input is "
                "a full cluster dump)");
}

void AddLimitOptions(CLI::App* cmd, InputOptions* in) {
  cmd->add_option("--max-file-size", in->load.max_file_size, "Skip files larger than this (bytes)")
      ->capture_default_str();
  cmd->add_option("--max-depth", in->load.limits.max_depth, "Maximum nesting depth of a document")
      ->capture_default_str();
  cmd->add_option("--yaml-backend", in->load.limits.yaml_backend, "YAML parser: libfyaml or yaml-cpp")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, parsers::YamlBackend>{{"libfyaml", parsers::YamlBackend::kLibfyaml},
                                                      {"yaml-cpp", parsers::YamlBackend::kYamlCpp}}))
      ->default_str("libfyaml");
}

bool WriteOutput(const std::string& path, const std::string& raw, bool escaped) {
  // Untrusted names never reach a terminal or a report file raw (JSON and
  // SARIF keep their value: see TerminalSafe).
  const std::string text = escaped ? raw : TerminalSafe(raw, true);
  if (path.empty() || path == "-") {
    std::cout.flush();
    // Straight to stdout: the text has been escaped, and its own colour
    // codes must pass.
    bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
    return std::fflush(stdout) == 0 && ok;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    std::cerr << "error: cannot write '" << path << "'\n";
    return false;
  }
  return true;
}

OutputStream::OutputStream(const std::string& path) : path_(path) {
  if (path.empty() || path == "-") {
    std::cout.flush();
    file_ = stdout;
  } else {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) std::cerr << "error: cannot write '" << path << "'\n";
  }
  opened_ = file_ != nullptr;
  buffer_.reserve(1 << 20);
}

OutputStream::~OutputStream() { Close(); }

OutputStream& OutputStream::operator<<(std::string_view s) {
  buffer_.append(s);
  if (buffer_.size() >= (1 << 20)) Flush(false);
  return *this;
}

void OutputStream::Flush(bool final) {
  if (file_ == nullptr || failed_) {
    buffer_.clear();
    return;
  }
  std::size_t keep = final ? 0 : IncompleteUtf8Suffix(buffer_);
  std::string_view ready(buffer_.data(), buffer_.size() - keep);
  std::string escaped;
  if (!IsTerminalSafe(ready, true)) {
    escaped = TerminalSafe(ready, true);
    ready = escaped;
  }
  if (std::fwrite(ready.data(), 1, ready.size(), file_) != ready.size()) failed_ = true;
  buffer_.erase(0, buffer_.size() - keep);
}

bool OutputStream::Close() {
  if (file_ == nullptr) return opened_ && !failed_;
  Flush(true);
  if (std::fflush(file_) != 0) failed_ = true;
  if (file_ != stdout && std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  if (failed_) std::cerr << "error: cannot write '" << (path_.empty() ? "-" : path_) << "'\n";
  return !failed_;
}

nlohmann::ordered_json LocationJson(const Model& m, const SourceRange& r) {
  return {{"file", m.files.display_path(r.file)}, {"line", r.begin.line}, {"column", r.begin.column}};
}

std::string LocationText(const Model& m, const SourceRange& r) {
  std::string out = TerminalSafe(m.files.display_path(r.file));
  if (r.begin.line) out += ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
  return out;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return static_cast<bool>(in) || in.eof();
}

bool ReadRequestsFile(const std::string& path, std::string* text) {
  if (ReadWholeFile(path, text)) return true;
  std::cerr << "error: cannot read '" << path << "'\n";
  return false;
}

void ForEachRequest(const std::string& text, const std::function<void(std::size_t line, const nlohmann::json* object)>& f) {
  std::size_t n = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    f(n, !j.is_discarded() && j.is_object() ? &j : nullptr);
  }
}

std::string RequestField(const nlohmann::json& j, const char* key, bool required, std::string* error) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required && error->empty()) *error = std::string("missing \"") + key + "\"";
    return "";
  }
  if (!j[key].is_string()) {
    if (error->empty()) *error = std::string("\"") + key + "\" must be a string";
    return "";
  }
  return j[key].get<std::string>();
}

void PrintDiagnostics(const Session& s) {
  output::Report r;
  r.model = s.model.get();
  r.diagnostics = s.diagnostics.diagnostics();
  output::Normalize(&r);
  for (const auto& d : r.diagnostics) std::cerr << output::FormatDiagnostic(*s.model, d) << "\n";
}

}  // namespace grantpath::cli

#include "cli/project_config.h"

#include <filesystem>
#include <iostream>

#include "config/config_file.h"
#include "grantpath/file_reader.h"
#include "grantpath/spell.h"
#include "rules/registry.h"

namespace grantpath::cli {
namespace {

namespace fs = std::filesystem;

std::string Absolute(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().generic_string();
}

std::string Relative(const std::string& path) {
  std::error_code ec;
  fs::path rel = fs::path(Absolute(path)).lexically_relative(fs::current_path(ec));
  std::string r = rel.generic_string();
  return r.empty() || r.rfind("..", 0) == 0 ? Absolute(path) : r;
}

}  // namespace

bool LoadProjectConfig(const ConfigChoice& choice, const std::vector<std::string>& paths,
                       Session& session, Config* out) {
  if (choice.disabled) return true;
  std::string path = choice.path;
  if (path.empty()) {
    for (const auto& p : paths) {
      std::string found = parsers::FindConfig(p);
      if (found.empty()) continue;
      if (path.empty()) {
        path = found;
      } else if (found != path) {
        FileId id = session.model->files.Add(found, Relative(found));
        session.diagnostics.Warning("config",
                                    "this configuration applies to a scanned path, but only the first one "
                                    "found ('" + Relative(path) + "') is used; give --config to choose",
                                    SourceRange{id, {}, {}});
      }
    }
    if (path.empty()) return true;
  }
  FileId id = session.model->files.Add(path, Relative(path));
  std::string text;
  {
    DiskReader reader;
    FileContent content;
    std::string err;
    if (!reader.Read(path, &content, &err)) {
      session.diagnostics.Error("config", "cannot read the configuration file: " + err, SourceRange{id, {}, {}});
      return false;
    }
    text.assign(content.view());
  }
  session.model->files.MarkLoaded(id);
  out->path = path;
  out->dir = fs::path(Absolute(path)).parent_path().generic_string();
  bool ok = parsers::ParseConfig(text, id, out, session.diagnostics);
  std::vector<std::string> known;
  for (const auto& r : rules::AllRules()) known.emplace_back(r->info().id);
  auto check = [&](const std::string& rule, const SourceRange& where) {
    if (rules::FindRule(rule)) return;
    session.diagnostics.Error("config", "unknown rule id '" + rule + "'" + DidYouMean(rule, known), where);
    ok = false;
  };
  for (const auto& r : out->rules) check(r.id, r.where);
  for (const auto& e : out->ignore) check(e.rule, e.rule_where);
  return ok;
}

void ApplyExclude(const Config& config, InputOptions* options) {
  if (config.exclude.empty()) return;
  std::vector<std::string> globs;
  for (const auto& g : config.exclude) globs.push_back(g.glob);
  std::string dir = config.dir;
  options->load.exclude = [globs, dir](const std::string& path) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec).lexically_normal();
    std::string rel = abs.lexically_relative(fs::path(dir)).generic_string();
    if (rel.empty() || rel.rfind("..", 0) == 0) return false;  // outside the config's folder
    for (const auto& g : globs)
      if (PathGlobMatch(g, rel)) return true;
    return false;
  };
}

}  // namespace grantpath::cli

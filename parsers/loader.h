// The loader: walks the paths given to `grantpath scan`, recognises each
// document by content and fills the Model. Never writes anything.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/file_reader.h"
#include "grantpath/model/model.h"
#include "k8s/k8s_objects.h"

namespace grantpath::parsers {

struct LoadOptions {
  K8sOptions k8s;
  ParseLimits limits;
  std::int64_t max_file_size = 1ll << 30;  // bytes (1 GiB)
  bool verbose = false;  // report skipped files, symlinks and kinds as notes
  /// Threads used to parse the documents of one large multi-document YAML
  /// file; 0 = the number of cores. Files under `parallel_min_bytes` are
  /// parsed on one thread.
  unsigned threads = 0;
  std::size_t parallel_min_bytes = 16u << 20;
  /// Entries found while walking a folder for which this returns true are
  /// not read (paths named on the command line always are).
  std::function<bool(const std::string& path)> exclude;
  /// Files for which this returns a stage above 0 (given their text) are
  /// parsed after every other file, stage by stage, each stage once
  /// `before_stage` has seen the model the earlier ones made: a focused
  /// query reads the small exports first and then picks what it needs from
  /// the large ones (limits.keep_list_element).
  std::function<int(std::string_view text)> defer_stage;
  std::function<void(int stage, const Model& model)> before_stage;
};

struct LoadStats {
  std::size_t files_seen = 0;      // regular files considered
  std::size_t files_parsed = 0;    // parsed as YAML or JSON
  std::size_t files_with_objects = 0;
  std::size_t objects = 0;         // records added to the model
  std::size_t bytes = 0;           // bytes parsed
  std::size_t paths_unreadable = 0;
};

/// Loads every path (file or directory, recursively). Hidden entries
/// (names starting with '.') are skipped, symlinks are followed only when
/// they resolve inside the directory being scanned, and directory loops are
/// cut. Problems are reported to `sink` and loading goes on.
LoadStats Load(const std::vector<std::string>& paths, const FileReader& reader,
               const LoadOptions& options, Model& model, DiagnosticSink& sink);

/// Parses one file's content (already read) into the model; exposed for
/// tests and the fuzzer. `display_path` is used for messages and to decide
/// by extension whether an unrecognised file deserves a note.
std::size_t LoadContent(std::string_view content, FileId file, const std::string& display_path,
                        const LoadOptions& options, Model& model, DiagnosticSink& sink,
                        LoadStats* stats);

}  // namespace grantpath::parsers

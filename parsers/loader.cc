#include "loader.h"

#include <cstdlib>

#include <filesystem>
#include <optional>
#include <memory>
#include <set>
#include <tuple>

#include "aws/ec2.h"
#include "docker/compose.h"
#include "k8s/cni_settings.h"
#include "aws/eks.h"
#include "aws/iam_documents.h"
#include "common/split.h"
#include "common/text_check.h"

#include <cctype>
#include <algorithm>
#include <atomic>
#include <thread>

namespace grantpath::parsers {
namespace {

std::string Extension(const std::string& path) {
  auto slash = path.find_last_of('/');
  auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string BaseName(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  auto dot = base.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

bool HasLineStarting(std::string_view text, std::string_view prefix) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text.substr(pos, prefix.size()) == prefix) return true;
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) break;
    ++pos;
  }
  return false;
}

std::string RelativeToCwd(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path abs = fs::absolute(fs::path(path), ec);
  if (ec) return path;
  fs::path cwd = fs::current_path(ec);
  if (ec) return path;
  fs::path rel = abs.lexically_normal().lexically_relative(cwd);
  std::string r = rel.generic_string();
  if (r.empty() || r.rfind("..", 0) == 0) return abs.lexically_normal().generic_string();
  return r;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}


// What one parsed document adds to the model: Kubernetes objects, a bare
// list of them, or an AWS IAM document.
// Duplicate keys in one map: JSON leaves them undefined and YAML forbids
// them, yet parsers (and so the systems that read these files) keep the last
// value, which grantpath analyses too. A repeated "Effect" or "Statement"
// can hide what a reviewer reads first: both places are reported.
void ReportDuplicateKeys(const DocNode& n, FileId file, DiagnosticSink& sink, int depth = 0) {
  if (depth > 256) return;
  if (n.is_seq()) {
    for (const auto& item : n.items) ReportDuplicateKeys(item, file, sink, depth + 1);
    return;
  }
  if (!n.is_map()) return;
  const auto& es = n.entries;
  auto report = [&](const DocEntry& first, const DocEntry& later) {
    std::string at = std::to_string(later.key_pos.line) + ":" + std::to_string(later.key_pos.column);
    std::string was = std::to_string(first.key_pos.line) + ":" + std::to_string(first.key_pos.column);
    sink.Warning("duplicate-key", "key '" + first.key + "' is repeated at " + at + "; the later value replaces this one",
                 SourceRange{file, first.key_pos, first.key_pos});
    sink.Warning("duplicate-key", "duplicate key '" + later.key + "' (first at " + was + "): this value is the one analysed",
                 SourceRange{file, later.key_pos, later.key_pos});
  };
  if (es.size() <= 16) {
    for (std::size_t i = 0; i < es.size(); ++i)
      for (std::size_t j = i + 1; j < es.size(); ++j)
        if (es[i].key == es[j].key) report(es[i], es[j]);
  } else {
    std::vector<std::size_t> order(es.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return es[a].key < es[b].key; });
    for (std::size_t i = 1; i < order.size(); ++i)
      if (es[order[i]].key == es[order[i - 1]].key) report(es[order[i - 1]], es[order[i]]);
  }
  for (const auto& e : es) ReportDuplicateKeys(e.value, file, sink, depth + 1);
}

// `path` is the file's display path: the model a document is parsed into
// may be a piece of a parallel load, whose file table is empty.
std::size_t DispatchDocument(DocNode& root, FileId file, const std::string& path,
                             const LoadOptions& options, Model& model, DiagnosticSink& sink) {
  const std::string name = BaseName(path);
  ReportDuplicateKeys(root, file, sink);
  if (LooksLikeK8s(root)) return ParseK8sDocument(root, file, options.k8s, model, sink);
  if (root.is_seq()) {  // a bare JSON/YAML array of Kubernetes objects
    std::size_t added = 0;
    bool any = false;
    for (const DocNode& item : root.items) {
      if (LooksLikeK8s(item)) {
        any = true;
        added += ParseK8sDocument(item, file, options.k8s, model, sink);
      }
    }
    if (any) return added;
  }
  if (LooksLikeEks(root)) return ParseEksDocument(root, file, model, sink);
  if (LooksLikeEc2(root)) return ParseEc2Document(root, file, path, model, sink);
  if (LooksLikeCompose(root)) return ParseComposeDocument(root, file, path, model, sink);
  if (LooksLikeCiliumValues(root)) return ParseCiliumValues(root, file, name, model);
  IamShape shape = DetectIamShape(root);
  if (shape != IamShape::kNone) return ParseIamDocument(root, shape, file, name, model, sink);
  if (options.verbose)
    sink.Note("skipped", "document is neither a Kubernetes object nor an AWS IAM document",
              SourceRange{file, root.pos, root.pos});
  return 0;
}

// The offset of the first Helm template action in `content`, or npos: one
// that names Helm's objects or functions (.Values, .Release, .Chart,
// include, tpl...) anywhere, or any action at a structural place of the
// YAML: at the start of a line, or as an unquoted value (`key: {{`,
// `- {{`), outside block scalars.
std::size_t HelmDirective(std::string_view content) {
  std::size_t first = std::string_view::npos;
  for (const char* helm : {".Values", ".Release.", ".Chart.", ".Capabilities.", ".Files.", "include \"", "tpl ",
                           "toYaml", "nindent"}) {
    for (std::size_t p = content.find(helm); p != std::string_view::npos; p = content.find(helm, p + 1)) {
      std::size_t open = content.rfind("{{", p);
      std::size_t close = content.rfind("}}", p);
      std::size_t eol = content.rfind('\n', p);
      if (open != std::string_view::npos && (close == std::string_view::npos || close < open) &&
          (eol == std::string_view::npos || eol < open)) {
        first = std::min(first, open);
        break;
      }
    }
  }
  std::size_t block_indent = std::string_view::npos;  // inside a block scalar deeper than this
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t indent = line.find_first_not_of(' ');
    bool blank = indent == std::string_view::npos;
    if (block_indent != std::string_view::npos && (blank || indent > block_indent)) {
      pos = end + 1;
      continue;
    }
    block_indent = std::string_view::npos;
    if (!blank) {
      std::size_t t = line.find("{{");
      if (t != std::string_view::npos) {
        std::string_view before = line.substr(0, t);
        bool quoted = (std::count(before.begin(), before.end(), '\'') % 2) || (std::count(before.begin(), before.end(), '"') % 2);
        bool spaced = !before.empty() && before.back() == ' ';  // `key: {{`, not `key:{{` (a plain scalar)
        while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
        bool structural = before.find_first_not_of(' ') == std::string_view::npos ||
                          (spaced && (before.back() == ':' || before.back() == '-')) || before.back() == '[' ||
                          before.back() == ',';
        if (structural && !quoted) return std::min(first, pos + t);
      }
      // A block scalar starts after `key: |`, `key: >-`, `- |2`...
      std::string_view tail = line;
      if (std::size_t hash = tail.find(" #"); hash != std::string_view::npos) tail = tail.substr(0, hash);
      while (!tail.empty() && tail.back() == ' ') tail.remove_suffix(1);
      while (!tail.empty() && (std::isdigit(static_cast<unsigned char>(tail.back())) || tail.back() == '-' ||
                               tail.back() == '+'))
        tail.remove_suffix(1);
      if (!tail.empty() && (tail.back() == '|' || tail.back() == '>') && tail.size() >= 2 &&
          (tail[tail.size() - 2] == ' ' || tail[tail.size() - 2] == ':'))
        block_indent = indent;
    }
    pos = end + 1;
  }
  return first;
}

unsigned ThreadCount(const LoadOptions& options) {
  unsigned n = options.threads;
  if (n == 0)
    if (const char* env = std::getenv("GRANTPATH_THREADS"); env && *env) n = static_cast<unsigned>(std::atoi(env));
  if (n == 0) n = std::thread::hardware_concurrency();
  return std::clamp(n, 1u, 16u);
}

// The results of one piece of a large file, merged in file order.
struct Piece {
  std::vector<Span> spans;
  Model model;
  CollectingSink sink;
  std::size_t added = 0;
  bool failed = false;  // a syntax or limit error: the file is redone sequentially
};

template <class P, class Work>
void RunPieces(std::vector<P>& pieces, unsigned threads, Work work) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::min<std::size_t>(threads, pieces.size()); ++t) {
    pool.emplace_back([&] {
      for (std::size_t i; (i = next++) < pieces.size();) work(pieces[i]);
    });
  }
  for (auto& th : pool) th.join();
}

bool MergePieces(std::vector<Piece>& pieces, Model& model, DiagnosticSink& sink, std::size_t* added) {
  for (const auto& p : pieces)
    if (p.failed) return false;
  for (auto& p : pieces) {
    model.Absorb(std::move(p.model));
    for (auto& d : p.sink.mutable_diagnostics()) sink.Report(std::move(d));
    *added += p.added;
  }
  return true;
}

bool IsParseError(const std::string& code) {
  return code == "json-syntax" || code == "yaml-syntax" || code == "too-deep" ||
         code == "alias-limit" || code == "unsupported-construct";
}

// A large multi-document YAML stream: cut at document markers, parsed on
// every core. Any YAML-level error sends the file back to the sequential
// parser, which reports it exactly and stops there as usual.
bool ParallelYamlDocuments(std::string_view content, FileId file, const std::string& path,
                           const LoadOptions& options, Model& model, DiagnosticSink& sink,
                           std::size_t* added) {
  unsigned threads = ThreadCount(options);
  std::vector<Span> spans = SplitYamlDocuments(content, threads * 4);
  if (spans.size() < 2) return false;
  std::vector<Piece> pieces(spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) pieces[i].spans.push_back(spans[i]);
  RunPieces(pieces, threads, [&](Piece& p) {
    const Span& span = p.spans.front();
    ParseLimits limits = options.limits;
    limits.line_offset = span.line - 1;
    ParseYaml(content.substr(span.begin, span.end - span.begin), file, limits, p.sink,
              [&](DocNode& root) { p.added += DispatchDocument(root, file, path, options, p.model, p.sink); });
    for (const auto& d : p.sink.diagnostics()) p.failed |= IsParseError(d.code);
  });
  return MergePieces(pieces, model, sink, added);
}

class Walker {
 public:
  Walker(const FileReader& reader, const LoadOptions& options, Model& model,
         DiagnosticSink& sink)
      : reader_(reader), options_(options), model_(model), sink_(sink) {}

  void Top(const std::string& path) {
    std::string why;
    EntryType t = reader_.Type(path, &why);
    if (t == EntryType::kUnreadable) {
      Unreadable(path, why);
      return;
    }
    if (t == EntryType::kSymlink) {
      // A symlink named on the command line is the user's choice: follow it.
      std::string target = reader_.Canonical(path);
      t = target.empty() ? EntryType::kMissing : reader_.Type(target);
    }
    switch (t) {
      case EntryType::kMissing:
        Unreadable(path, "No such file or directory");
        return;
      case EntryType::kDirectory: {
        root_ = reader_.Canonical(path);
        // Kustomizations first: one may list files that the walk meets
        // before it (an overlay naming ../base).
        visited_.clear();
        FindKustomizations(path);
        visited_.clear();
        Dir(path);
        return;
      }
      case EntryType::kFile:
        File(path);
        return;
      default:
        Unreadable(path, "not a regular file or directory");
        return;
    }
  }

  LoadStats stats;

 private:
  void Unreadable(const std::string& path, const std::string& why) {
    ++stats.paths_unreadable;
    FileId id = model_.files.Add(path, RelativeToCwd(path));
    sink_.Error("unreadable", "cannot read '" + path + "': " + why, SourceRange{id, {}, {}});
  }

  void Verbose(const std::string& path, const std::string& what) {
    if (!options_.verbose) return;
    FileId id = model_.files.Add(path, RelativeToCwd(path));
    sink_.Note("skipped", what, SourceRange{id, {}, {}});
  }

  bool Inside(const std::string& canonical) const {
    return canonical == root_ || canonical.rfind(root_ + "/", 0) == 0;
  }

  void Dir(const std::string& path) {
    // Loops are found by device and inode: resolving every level's path
    // (realpath) made deep trees cost O(depth^3).
    std::string id = reader_.Identity(path);
    if (!visited_.insert(id).second) return;  // directory loop
    std::vector<std::string> names;
    std::string err;
    if (!reader_.List(path, &names, &err)) {
      Unreadable(path, err);
      return;
    }
    for (const std::string& name : names) {
      if (name.empty() || name[0] == '.') continue;  // .git and other hidden entries
      std::string child = Join(path, name);
      if (options_.exclude && options_.exclude(child)) {
        Verbose(child, "excluded by the configuration's 'exclude'");
        continue;
      }
      std::string why;
      EntryType t = reader_.Type(child, &why);
      if (t == EntryType::kUnreadable) {
        Unreadable(child, why);
        continue;
      }
      if (t == EntryType::kSymlink) {
        std::string target = reader_.Canonical(child);
        if (target.empty()) {
          Verbose(child, "dangling symlink skipped");
          continue;
        }
        if (!Inside(target)) {
          Verbose(child, "symlink points outside the scanned tree; not followed");
          continue;
        }
        t = reader_.Type(target);
      }
      if (t == EntryType::kDirectory) Dir(child);
      else if (t == EntryType::kFile) File(child);
    }
  }

  void File(const std::string& path) {
    ++stats.files_seen;
    std::int64_t size = reader_.Size(path);
    if (size > options_.max_file_size) {
      FileId id = model_.files.Add(path, RelativeToCwd(path));
      sink_.Error("file-too-large",
                  "file is " + std::to_string(size) + " bytes, over the limit of " +
                      std::to_string(options_.max_file_size) + " (--max-file-size); skipped",
                  SourceRange{id, {1, 1}, {1, 1}});
      return;
    }
    // Read and parsed later, with the other files of this path (Flush).
    pending_.push_back({path, model_.files.Add(path, RelativeToCwd(path)), KustomizeNamespace(path), nullptr});
  }

 public:
  // Parses the files the walk found, in walk order: on every core when
  // there are several, each into its own model, merged in order, so the
  // result is the one of a sequential load.
  void Flush() {
    struct Parsed {
      Model model;
      CollectingSink sink;
      LoadStats stats;
    };
    std::vector<char> deferred(pending_.size(), 0);
    auto load = [&](const Pending& f, Model& model, DiagnosticSink& sink, LoadStats* st) {
      std::shared_ptr<FileContent> held = f.content;
      if (!held) {
        held = std::make_shared<FileContent>();
        std::string err;
        if (!reader_.Read(f.path, held.get(), &err)) {
          ++st->paths_unreadable;
          sink.Error("unreadable", "cannot read '" + f.path + "': " + err, SourceRange{f.id, {}, {}});
          return;
        }
      }
      const FileContent& content = *held;
      if (stage_ == 0 && options_.defer_stage) {
        int stage = options_.defer_stage(content.view());
        if (stage > 0) {  // parsed later, from the text read now
          std::size_t i = static_cast<std::size_t>(&f - pending_.data());
          deferred[i] = static_cast<char>(stage);
          pending_[i].content = std::move(held);
          return;
        }
      }
      if (f.ns.empty()) {
        LoadContent(content.view(), f.id, f.path, options_, model, sink, st);
      } else {
        LoadOptions with = options_;
        with.k8s.force_namespace = f.ns;
        LoadContent(content.view(), f.id, f.path, with, model, sink, st);
      }
    };
    auto keep_deferred = [&] {
      for (std::size_t i = 0; i < pending_.size(); ++i)
        if (deferred[i]) deferred_.push_back({std::move(pending_[i]), deferred[i]});
      pending_.clear();
    };
    unsigned threads = ThreadCount(options_);
    if (threads <= 1 || pending_.size() < 2) {
      for (const auto& f : pending_) load(f, model_, sink_, &stats);
      keep_deferred();
      return;
    }
    std::vector<Parsed> parsed(pending_.size());
    RunPieces(parsed, threads, [&](Parsed& p) {
      const Pending& f = pending_[static_cast<std::size_t>(&p - parsed.data())];
      load(f, p.model, p.sink, &p.stats);
    });
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      Parsed& p = parsed[i];
      if (p.model.files.is_loaded(pending_[i].id)) model_.files.MarkLoaded(pending_[i].id);
      model_.Absorb(std::move(p.model));
      for (auto& d : p.sink.mutable_diagnostics()) sink_.Report(std::move(d));
      stats.files_parsed += p.stats.files_parsed;
      stats.files_with_objects += p.stats.files_with_objects;
      stats.objects += p.stats.objects;
      stats.bytes += p.stats.bytes;
      stats.paths_unreadable += p.stats.paths_unreadable;
    }
    keep_deferred();
  }

  // The files defer_stage set aside, parsed now stage by stage in walk
  // order, each stage after before_stage has seen the model so far.
  void FlushDeferred() {
    std::vector<std::pair<Pending, char>> deferred = std::move(deferred_);
    deferred_.clear();
    std::set<int> stages;
    for (const auto& d : deferred) stages.insert(d.second);
    for (int stage : stages) {
      if (options_.before_stage) options_.before_stage(stage, model_);
      stage_ = stage;
      for (auto& d : deferred)
        if (d.second == stage) pending_.push_back(std::move(d.first));
      Flush();
    }
  }

 private:
  struct Pending {
    std::string path;
    FileId id;
    std::string ns;  // the namespace a kustomization gives it
    std::shared_ptr<FileContent> content;  // its text, once read (a deferred file)
  };
  std::vector<Pending> pending_;
  std::vector<std::pair<Pending, char>> deferred_;  // with their stage
  int stage_ = 0;                                    // the stage being parsed

  void FindKustomizations(const std::string& path) {
    if (!visited_.insert(reader_.Identity(path)).second) return;
    std::vector<std::string> names;
    std::string err;
    if (!reader_.List(path, &names, &err)) return;
    for (const char* k : {"kustomization.yaml", "kustomization.yml", "Kustomization"})
      if (std::find(names.begin(), names.end(), k) != names.end()) {
        ReadKustomization(path, Join(path, k));
        break;
      }
    for (const std::string& name : names) {
      if (name.empty() || name[0] == '.') continue;
      std::string child = Join(path, name);
      if (options_.exclude && options_.exclude(child)) continue;
      if (reader_.Type(child) == EntryType::kDirectory) FindKustomizations(child);
    }
  }

  static std::string Normal(const std::string& p) {
    std::string n = std::filesystem::path(p).lexically_normal().string();
    while (n.size() > 1 && n.back() == '/') n.pop_back();
    return n;
  }

  // The namespace a kustomization gives this file: the outermost
  // kustomization that reaches it wins, as kustomize applies the outer
  // namespace last. One is inner when another match lists its folder.
  std::string KustomizeNamespace(const std::string& path) const {
    std::string p = Normal(path);
    std::vector<const Kustomized*> hits;
    for (const auto& k : kustomized_)
      if (k.dir ? p.rfind(k.path + "/", 0) == 0 : p == k.path) hits.push_back(&k);
    for (const auto* h : hits) {
      bool inner = false;
      for (const auto* o : hits)
        inner |= o != h && o->dir && (h->from == o->path || h->from.rfind(o->path + "/", 0) == 0);
      if (!inner) return h->ns;
    }
    return hits.empty() ? "" : hits.front()->ns;
  }

  // kustomization.yaml: `namespace:` applies to the files and folders of
  // `resources:` (and the older `bases:`). Other transformations are not
  // applied: the ones that change names, labels or content are a warning,
  // the rest a note with --verbose.
  void ReadKustomization(const std::string& dir, const std::string& file) {
    FileContent content;
    std::string err;
    if (!reader_.Read(file, &content, &err)) return;
    FileId id = model_.files.Add(file, RelativeToCwd(file));
    CollectingSink quiet;  // the file itself is loaded (and its syntax reported) as any other
    const std::string from = Normal(dir);
    ParseYaml(content.view(), id, options_.limits, quiet, [&](DocNode& root) {
      if (!root.is_map()) return;
      std::string ns;
      if (const DocNode* n = root.Find("namespace"); n && n->is_scalar()) ns = n->text;
      std::vector<std::string> changing, other;
      for (const char* k : {"namePrefix", "nameSuffix", "commonLabels", "labels", "patches", "patchesStrategicMerge",
                            "patchesJson6902", "components", "replacements", "helmCharts", "transformers"})
        if (root.Find(k)) changing.push_back(k);
      for (const char* k : {"commonAnnotations", "images", "replicas", "configMapGenerator", "secretGenerator",
                            "generators", "crds", "openapi"})
        if (root.Find(k)) other.push_back(k);
      auto list = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
        return out;
      };
      if (!changing.empty())
        sink_.Warning("kustomize-not-applied",
                      list(changing) + " of this kustomization " + (changing.size() > 1 ? "are" : "is") +
                          " not applied (grantpath applies only `namespace`): run `kustomize build " + dir +
                          "` and scan its output for exact results",
                      SourceRange{id, root.pos, root.pos});
      else if (!other.empty() && options_.verbose)
        sink_.Note("skipped", list(other) + " of this kustomization not applied (no effect on access analysis)",
                   SourceRange{id, root.pos, root.pos});
      if (ns.empty()) return;
      for (const char* key : {"resources", "bases"}) {
        const DocNode* res = root.Find(key);
        if (!res || !res->is_seq()) continue;
        for (const auto& r : res->items) {
          if (!r.is_scalar()) continue;
          if (r.text.find("://") != std::string::npos || r.text.rfind("github.com/", 0) == 0) {
            sink_.Note("skipped", "remote kustomization resource '" + r.text + "' is not fetched", At(id, r.pos));
            continue;
          }
          std::string target = Normal(Join(dir, r.text));
          EntryType t = reader_.Type(target);
          if (t == EntryType::kMissing) {
            sink_.Warning("unresolved-reference",
                          "kustomization resource '" + r.text + "' is not in the input; namespace '" + ns +
                              "' is applied to nothing for it",
                          At(id, r.pos));
            continue;
          }
          kustomized_.push_back({target, t == EntryType::kDirectory, ns, from});
        }
      }
    });
  }

  const FileReader& reader_;
  const LoadOptions& options_;
  Model& model_;
  DiagnosticSink& sink_;
  std::string root_;
  std::set<std::string> visited_;
  struct Kustomized {
    std::string path;  // lexically normal
    bool dir = false;
    std::string ns;
    std::string from;  // the kustomization's folder, lexically normal
  };
  std::vector<Kustomized> kustomized_;
};

}  // namespace

// Extensions of files that hold prose, code or other formats, never
// Kubernetes or AWS exports, even when a line starts with "apiVersion:".
static bool NotConfigurationExtension(const std::string& ext) {
  static const char* const kSkipped[] = {
      "adoc", "bash", "c", "cc", "cfg", "conf", "cpp", "css", "csv", "go", "h", "hcl", "html",
      "ini", "java", "js", "json5", "jsonl", "jsonnet", "libsonnet", "markdown", "md", "mdx", "ndjson", "org", "py",
      "rb", "rs", "rst", "sh", "sql", "tf", "tfvars", "toml", "tpl", "ts", "txt", "xml"};
  for (const char* e : kSkipped)
    if (ext == e) return true;
  return false;
}

std::size_t LoadContent(std::string_view content, FileId file, const std::string& display_path,
                        const LoadOptions& options, Model& model, DiagnosticSink& sink,
                        LoadStats* stats) {
  std::string ext = Extension(display_path);
  bool config_ext = ext == "yaml" || ext == "yml" || ext == "json";
  auto verbose_note = [&](const std::string& what) {
    if (options.verbose) sink.Note("skipped", what, SourceRange{file, {}, {}});
  };
  if (!config_ext && NotConfigurationExtension(ext)) {
    verbose_note("." + ext + " files are not configuration; skipped");
    return 0;
  }
  if (content.substr(0, std::min<std::size_t>(content.size(), 8192)).find('\0') !=
      std::string_view::npos) {
    if (config_ext) {
      sink.Error("binary-file", "file contains NUL bytes; not YAML or JSON", SourceRange{file, {1, 1}, {1, 1}});
    } else {
      verbose_note("binary file skipped");
    }
    return 0;
  }
  std::size_t first = content.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    if (config_ext) sink.Error("empty-file", "file is empty", SourceRange{file, {1, 1}, {1, 1}});
    else verbose_note("empty file skipped");
    return 0;
  }
  // Skip a UTF-8 byte order mark when sniffing.
  std::size_t sniff = first;
  if (content.substr(first, 3) == "\xEF\xBB\xBF") sniff = first + 3;
  // "{{" opens a Go template action, not a JSON object: a Helm template
  // that starts with `{{- if ... }}` is YAML to be recognised below.
  bool json = sniff < content.size() && (content[sniff] == '{' || content[sniff] == '[') &&
              content.substr(sniff, 2) != "{{";
  bool yaml = !json && (ext == "yaml" || ext == "yml" || HasLineStarting(content, "apiVersion:") ||
                        HasLineStarting(content, "kind:"));
  // An unrendered Helm (Go) template: one diagnostic for the file, not a
  // YAML error per line. Go template text inside YAML strings is data (the
  // alert descriptions of a PrometheusRule, an Alertmanager template in a
  // Secret): only a template action where YAML structure goes, or one that
  // uses Helm's own objects, marks a Helm template (HelmDirective).
  if (yaml && !json) {
    std::size_t at = HelmDirective(content);
    if (at != std::string_view::npos) {
      std::uint32_t line = 1, col = 1;
      for (std::size_t i = 0; i < at; ++i) {
        if (content[i] == '\n') {
          ++line;
          col = 1;
        } else {
          ++col;
        }
      }
      sink.Warning("helm-template",
                   "this is an unrendered Helm template, not a manifest: render it with `helm template` (or "
                   "`kustomize build`) and scan the output; the file is not analyzed",
                   SourceRange{file, {line, col}, {line, col}});
      return 0;
    }
  }
  if (!json && !yaml) {
    if (ext == "json")
      json = true;  // a .json file that does not start like JSON: report the syntax error
    else {
      verbose_note("not a YAML or JSON configuration file; skipped");
      return 0;
    }
  }
  ++stats->files_parsed;
  stats->bytes += content.size();
  model.files.MarkLoaded(file);
  // NUL bytes past the sniffed prefix and invalid UTF-8: reported where they
  // are, then replaced, so nothing after them is silently lost.
  std::optional<std::string> repaired = CheckText(content, file, sink);
  if (repaired) content = *repaired;
  std::size_t added = 0;
  auto on_doc = [&](DocNode& root) {
    added += DispatchDocument(root, file, display_path, options, model, sink);
  };
  // Large multi-document YAML is parsed on every core. (A JSON List was
  // measured too: splitting and merging cost what the second core saved.)
  bool done = !json && content.size() >= options.parallel_min_bytes && ThreadCount(options) > 1 &&
              ParallelYamlDocuments(content, file, display_path, options, model, sink, &added);
  if (!done && json) {
    CollectingSink json_errors;
    ParseLimits limits = options.limits;
    limits.stream_list_key = IsEc2ListKey;  // describe-* lists, one element at a time
    bool ok = ParseJson(content, file, limits, json_errors, on_doc);
    if (!ok && (ext == "yaml" || ext == "yml")) {
      // YAML flow style also starts with '{' or '['.
      ParseYaml(content, file, options.limits, sink, on_doc);
    } else {
      for (auto& d : json_errors.mutable_diagnostics()) sink.Report(std::move(d));
    }
  } else if (!done) {
    ParseYaml(content, file, options.limits, sink, on_doc);
  }
  if (added > 0) ++stats->files_with_objects;
  stats->objects += added;
  return added;
}

namespace {

// The same object (kind, namespace, name) defined twice: `kubectl apply` in
// input order keeps the later one. Both places are reported.
void ReportDuplicateObjects(const Model& m, DiagnosticSink& sink) {
  std::map<std::tuple<std::string, std::string, std::string>, SourceRange> seen;
  auto check = [&](const std::string& kind, const k8s::ObjectMeta& meta) {
    if (meta.name.empty()) return;
    auto key = std::make_tuple(kind, meta.ns, meta.name);
    auto [it, fresh] = seen.emplace(key, meta.where);
    if (fresh) return;
    const SourceRange& first = it->second;
    // One object read as several records (a Cilium policy's `specs:`).
    if (first.file == meta.where.file && first.begin == meta.where.begin) return;
    std::string where = m.files.display_path(first.file) + ":" + std::to_string(first.begin.line) + ":" +
                        std::to_string(first.begin.column);
    sink.Warning("duplicate-object",
                 kind + " '" + (meta.ns.empty() ? "" : meta.ns + "/") + meta.name + "' is also defined at " + where +
                     "; applied in this order, this definition replaces that one (grantpath analyzes both)",
                 meta.where);
  };
  for (const auto& r : m.k8s_roles)
    if (!r.builtin) check(r.cluster ? "ClusterRole" : "Role", r.meta);
  for (const auto& b : m.k8s_bindings)
    if (!b.builtin) check(b.cluster ? "ClusterRoleBinding" : "RoleBinding", b.meta);
  for (const auto& sa : m.k8s_service_accounts) check("ServiceAccount", sa.meta);
  for (const auto& w : m.k8s_workloads) check(w.kind, w.meta);
  for (const auto& p : m.k8s_network_policies) check(p.kind, p.meta);
  for (const auto& p : m.calico_policies) check("Calico " + p.kind, p.meta);
  for (const auto& p : m.calico_profiles) check("Calico Profile", p.meta);
  for (const auto& p : m.cilium_policies)
    check(p.clusterwide ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy", p.meta);
  for (const auto& p : m.istio_authz) check("AuthorizationPolicy", p.meta);
  for (const auto& p : m.istio_peer_auth) check("PeerAuthentication", p.meta);
  for (const auto& svc : m.k8s_services) check("Service", svc.meta);
}

// Install manifests without namespaces (Argo CD's install.yaml): a binding
// names "ns/sa", the input has no such account, but an account of that name
// whose namespace was defaulted. The binding then grants nothing to it:
// say so, with the flag that fixes it.
void ReportDefaultedNamespaces(const Model& m, DiagnosticSink& sink) {
  std::map<std::pair<std::string, std::string>, const k8s::ServiceAccount*> accounts;
  std::map<std::string, const k8s::ServiceAccount*> defaulted;  // name -> account
  for (const auto& sa : m.k8s_service_accounts) {
    accounts[{sa.meta.ns, sa.meta.name}] = &sa;
    if (sa.meta.ns_defaulted) defaulted.emplace(sa.meta.name, &sa);
  }
  if (defaulted.empty()) return;
  std::set<std::string> said;
  for (const auto& b : m.k8s_bindings) {
    if (b.builtin) continue;
    for (const auto& s : b.subjects) {
      if (s.kind != "ServiceAccount" || s.ns.empty() || accounts.count({s.ns, s.name})) continue;
      auto it = defaulted.find(s.name);
      if (it == defaulted.end() || it->second->meta.ns == s.ns) continue;
      if (!said.insert(s.ns + "/" + s.name).second) continue;
      const SourceRange& at = it->second->meta.where;
      sink.Warning("defaulted-namespace",
                   "ServiceAccount '" + s.ns + "/" + s.name + "' is not in the input, but '" + s.name + "' at " +
                       m.files.display_path(at.file) + ":" + std::to_string(at.begin.line) +
                       " has no namespace and was put in '" + it->second->meta.ns +
                       "': if this manifest is applied with -n " + s.ns + ", rerun with --default-namespace " + s.ns,
                   s.where);
    }
  }
}

}  // namespace

namespace {

// The pods an operator creates from a custom resource stand in for its
// StatefulSet; when the input has that StatefulSet, or pods it owns (a live
// dump), those are the real objects and the stand-in goes.
void DropOperatorStandIns(Model& m) {
  std::set<std::pair<std::string, std::string>> real;  // (namespace, "StatefulSet/name")
  for (const auto& w : m.k8s_workloads) {
    if (!w.managed_by.empty()) continue;
    if (w.kind == "StatefulSet") real.insert({w.meta.ns, "StatefulSet/" + w.meta.name});
    if (w.kind == "Pod" && w.owner_kind == "StatefulSet") real.insert({w.meta.ns, "StatefulSet/" + w.owner_name});
  }
  if (real.empty()) return;
  std::erase_if(m.k8s_workloads, [&](const k8s::Workload& w) {
    return !w.managed_by.empty() && real.count({w.meta.ns, w.managed_controller});
  });
}

}  // namespace

LoadStats Load(const std::vector<std::string>& paths, const FileReader& reader,
               const LoadOptions& options, Model& model, DiagnosticSink& sink) {
  Walker w(reader, options, model, sink);
  for (const auto& p : paths) {
    w.Top(p);
    w.Flush();
  }
  w.FlushDeferred();
  ReportDuplicateObjects(model, sink);
  ReportDefaultedNamespaces(model, sink);
  DropOperatorStandIns(model);
  return w.stats;
}

}  // namespace grantpath::parsers

// Loader throughput: parses each file given and reports MB/s, objects and
// the process's peak RSS. Usage: grantpath_loader_bench [--yaml-cpp] FILE...
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "grantpath/file_reader.h"
#include "grantpath/process.h"
#include "grantpath/model/model.h"
#include "loader.h"

int main(int argc, char** argv) {
  using namespace grantpath;
  TuneMemoryAllocator();
  bool yaml_cpp = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--yaml-cpp") {
      yaml_cpp = true;
      continue;
    }
    DiskReader reader;
    FileContent file;
    std::string err;
    if (!reader.Read(argv[i], &file, &err)) {
      std::fprintf(stderr, "%s: %s\n", argv[i], err.c_str());
      return 2;
    }
    std::string_view content = file.view();
    Model model;
    CollectingSink sink;
    parsers::LoadOptions opts;
    opts.max_file_size = 1ll << 40;
    if (yaml_cpp) opts.limits.yaml_backend = parsers::YamlBackend::kYamlCpp;
    FileId id = model.files.Add(argv[i], argv[i]);
    parsers::LoadStats stats;
    auto start = std::chrono::steady_clock::now();
    std::size_t objects = parsers::LoadContent(content, id, argv[i], opts, model, sink, &stats);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    std::printf("%s%s: %.1f MB in %.2f s = %.1f MB/s, %zu objects, %zu diagnostics, peak RSS %.0f MB\n",
                yaml_cpp ? "[yaml-cpp] " : "", argv[i], content.size() / 1e6, secs, content.size() / 1e6 / secs, objects,
                sink.diagnostics().size(), ru.ru_maxrss / 1024.0);
  }
  return 0;
}

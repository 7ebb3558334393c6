// libFuzzer target for the loader: any bytes, as YAML and as JSON, through
// both YAML backends and the Kubernetes and IAM parsers. Must never crash,
// hang or leak; diagnostics are fine.
#include <cstddef>
#include <cstdint>
#include <string>

#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"
#include "loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace grantpath;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"fuzz.yaml", "fuzz.json"}) {
    for (auto backend : {parsers::YamlBackend::kLibfyaml, parsers::YamlBackend::kYamlCpp}) {
      Model model;
      CollectingSink sink;
      parsers::LoadOptions options;
      options.limits.yaml_backend = backend;
      options.limits.max_alias_nodes = 10000;
      FileId id = model.files.Add(name, name);
      parsers::LoadStats stats;
      parsers::LoadContent(text, id, name, options, model, sink, &stats);
    }
  }
  return 0;
}

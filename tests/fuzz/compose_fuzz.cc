// libFuzzer target for the Compose reader and the overlay engines: the
// bytes are read as YAML (or JSON), every document that looks like a
// Compose file or a CNI setting goes to its parser, then the Compose engine
// answers every pair and the encryption report is built. Must never crash,
// hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/doc.h"
#include "docker/compose.h"
#include "engine/compose_net.h"
#include "engine/encryption.h"
#include "grantpath/diagnostic.h"
#include "k8s/cni_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace grantpath;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CollectingSink sink;
  Model model;
  FileId file = model.files.Add("fuzz/compose.yaml", "fuzz/compose.yaml");
  parsers::ParseLimits limits;
  limits.max_alias_nodes = 10000;
  auto on_doc = [&](parsers::DocNode& root) {
    if (parsers::LooksLikeCompose(root)) parsers::ParseComposeDocument(root, file, "fuzz/compose.yaml", model, sink);
    else if (parsers::LooksLikeCiliumValues(root)) parsers::ParseCiliumValues(root, file, "values.yaml", model);
    else if (root.is_map()) {
      parsers::ParseCniConfigMap(root, file, model, sink);
      parsers::ParseCalicoNetworkSettings(root, "IPPool", file, model, sink);
      parsers::ParseCalicoNetworkSettings(root, "FelixConfiguration", file, model, sink);
    }
  };
  if (!text.empty() && (text[0] == '{' || text[0] == '['))
    parsers::ParseJson(text, file, limits, sink, on_doc);
  else
    parsers::ParseYaml(text, file, limits, sink, on_doc);
  if (model.docker_services.size() > 200) return 0;  // pairs grow quadratically
  compose::Engine engine(model, sink);
  for (std::uint32_t a = 0; a < engine.endpoints().size(); ++a)
    for (std::uint32_t b = 0; b < engine.endpoints().size(); ++b) {
      std::vector<compose::Reason> why;
      (void)engine.Allowed(a, b, &why);
    }
  (void)overlay::EncryptionReport(model);
  overlay::ValidateOverlaySettings(model, sink);
  return 0;
}

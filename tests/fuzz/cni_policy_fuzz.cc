// libFuzzer target for Calico's selector language and the Calico and
// Cilium policy readers: every line of the input is parsed as a Calico
// selector (and, when it parses, evaluated on a few label sets), then the
// whole input is read as YAML (or JSON) and every document goes to the
// Calico and Cilium readers as each of their kinds. Must never crash, hang
// or leak.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "calico/calico_policy.h"
#include "calico/selector.h"
#include "cilium/cilium_policy.h"
#include "common/doc.h"
#include "grantpath/diagnostic.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace grantpath;
  std::string text(reinterpret_cast<const char*>(data), size);
  static const std::map<std::string, std::string> kLabels[] = {
      {}, {{"app", "web"}, {"tier", "front"}}, {{"projectcalico.org/namespace", "a"}, {"x", ""}}};
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    cni::CalicoSelector sel;
    std::string error;
    std::size_t column = 0;
    if (parsers::ParseCalicoSelector(text.substr(start, nl - start), &sel, &error, &column))
      for (const auto& l : kLabels) (void)sel.Matches(l, true), (void)sel.Matches(l, false);
    else if (column > nl - start)
      __builtin_trap();  // the reported column is inside the text
    start = nl + 1;
  }
  CollectingSink sink;
  Model model;
  FileId file = model.files.Add("fuzz/policy.yaml", "fuzz/policy.yaml");
  parsers::ParseLimits limits;
  limits.max_alias_nodes = 10000;
  parsers::K8sOptions options;
  auto on_doc = [&](parsers::DocNode& root) {
    if (!root.is_map()) return;
    for (const char* kind : {"NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "Tier", "NetworkSet",
                             "GlobalNetworkSet", "Profile", "HostEndpoint"})
      parsers::ParseCalicoObject(root, kind, file, model, sink, options);
    for (const char* kind : {"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "CiliumCIDRGroup"})
      parsers::ParseCiliumObject(root, kind, file, model, sink, options);
  };
  if (!text.empty() && (text[0] == '{' || text[0] == '['))
    parsers::ParseJson(text, file, limits, sink, on_doc);
  else
    parsers::ParseYaml(text, file, limits, sink, on_doc);
  return 0;
}

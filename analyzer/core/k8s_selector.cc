#include <algorithm>

#include "grantpath/model/k8s.h"

namespace grantpath::k8s {

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& [k, v] : match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& req : match_expressions) {
    auto it = labels.find(req.key);
    bool has = it != labels.end();
    bool in = has && std::find(req.values.begin(), req.values.end(), it->second) != req.values.end();
    switch (req.op) {
      case SelectorRequirement::Op::kIn:
        if (!in) return false;
        break;
      case SelectorRequirement::Op::kNotIn:  // also true when the key is absent
        if (in) return false;
        break;
      case SelectorRequirement::Op::kExists:
        if (!has) return false;
        break;
      case SelectorRequirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

}  // namespace grantpath::k8s

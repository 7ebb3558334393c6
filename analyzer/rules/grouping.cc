#include "rules/grouping.h"

#include <algorithm>
#include <map>

#include "grantpath/rule.h"

namespace grantpath::rules {

void GroupFindings(std::vector<Finding>* findings) {
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < findings->size(); ++i)
    if (!(*findings)[i].group_key.empty() && !(*findings)[i].suppression)  // accepted ones stay apart
      groups[(*findings)[i].group_key].push_back(i);
  std::vector<char> drop(findings->size(), 0);
  for (auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      const Finding& x = (*findings)[a];
      const Finding& y = (*findings)[b];
      if (x.severity != y.severity) return x.severity > y.severity;
      return FindingLess(x, y);
    });
    Finding& lead = (*findings)[members.front()];
    std::string also;
    for (std::size_t k = 1; k < members.size(); ++k) {
      Finding& other = (*findings)[members[k]];
      also += (also.empty() ? "" : "; ") + other.group_label;
      lead.related.push_back({other.primary, "also: " + other.group_label + ": " + other.message});
      drop[members[k]] = 1;
    }
    lead.message += "; also " + also;
    lead.witness.Add("also", also);
    lead.entity = key;
  }
  std::size_t w = 0;
  for (std::size_t i = 0; i < findings->size(); ++i)
    if (!drop[i]) {
      if (w != i) (*findings)[w] = std::move((*findings)[i]);
      ++w;
    }
  findings->resize(w);
}

std::string_view GroupingNote(std::string_view id) {
  static const std::map<std::string_view, std::string_view> kNotes = {
      {"netpol-ingress-not-isolated", "namespace"},
      {"netpol-egress-not-isolated", "namespace"},
      {"netpol-metadata-egress", "namespace"},
      {"rbac-impersonate", "binding"},
      {"rbac-nodes-proxy", "binding"},
      {"rbac-pod-exec", "binding"},
      {"rbac-sa-token-create", "binding"},
      {"rbac-secrets-read", "binding"},
      {"rbac-workload-create", "binding"},
      {"rbac-escalate-bind", "binding"},
      {"rbac-csr-approve", "binding"},
      {"rbac-webhook-config", "binding"},
  };
  auto it = kNotes.find(id);
  if (it == kNotes.end()) return "";
  if (it->second == "namespace")
    return "The workloads of one namespace that this rule reports are one finding: it is located at the first "
           "workload (in output order), its message names the others, and each other workload is a related "
           "location. `scan --no-group` reports one finding per workload.";
  return "The capability rules report one finding per subject and rule. When the same bindings give one subject "
         "several capabilities (say a RoleBinding to `edit` or `admin`), they are one finding: the most severe "
         "capability leads, the message names the others with their rule ids, and each of them is a related "
         "location. `scan --no-group` reports one finding per rule.";
}

}  // namespace grantpath::rules

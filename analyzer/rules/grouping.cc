#include "rules/grouping.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "grantpath/rule.h"

namespace grantpath::rules {

namespace {

bool LeadsBefore(const Finding& x, const Finding& y) {
  if (x.severity != y.severity) return x.severity > y.severity;
  return FindingLess(x, y);
}

std::string Join(const std::vector<std::string>& v, const char* sep, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < v.size(); ++i) out += (i > from ? sep : "") + v[i];
  return out;
}

// Labels mode: the members become related locations of the lead.
void MergeLabels(std::vector<Finding>* findings, const std::string& key, std::vector<std::size_t> members,
                 std::vector<char>* drop) {
  std::stable_sort(members.begin(), members.end(),
                   [&](std::size_t a, std::size_t b) { return LeadsBefore((*findings)[a], (*findings)[b]); });
  Finding& lead = (*findings)[members.front()];
  std::string also;
  for (std::size_t k = 1; k < members.size(); ++k) {
    Finding& other = (*findings)[members[k]];
    also += (also.empty() ? "" : "; ") + other.group_label;
    lead.related.push_back({other.primary, "also: " + other.group_label + ": " + other.message});
    (*drop)[members[k]] = 1;
  }
  lead.message += "; also " + also;
  lead.witness.Add("also", also);
  lead.entity = key;
}

// Subjects mode: per subject, the labels it has in the group; subjects with
// the same labels are one finding, located at the shared cause.
void MergeSubjects(std::vector<Finding>* findings, const std::string& key, std::vector<std::size_t> members,
                   std::vector<char>* drop) {
  std::stable_sort(members.begin(), members.end(),
                   [&](std::size_t a, std::size_t b) { return LeadsBefore((*findings)[a], (*findings)[b]); });
  std::vector<std::string> subjects;  // in lead order
  std::map<std::string, std::vector<std::size_t>> of;
  for (std::size_t i : members) {
    auto& v = of[(*findings)[i].group_subject];
    if (v.empty()) subjects.push_back((*findings)[i].group_subject);
    v.push_back(i);
  }
  std::map<std::vector<std::string>, std::vector<std::string>> buckets;  // labels -> subjects
  std::vector<std::vector<std::string>> order;
  for (const auto& subj : subjects) {
    std::vector<std::string> labels;
    for (std::size_t i : of[subj]) labels.push_back((*findings)[i].group_label);
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    auto& b = buckets[labels];
    if (b.empty()) order.push_back(labels);
    b.push_back(subj);
  }
  for (const auto& labels : order) {
    const auto& subs = buckets[labels];
    const auto& lead_members = of[subs.front()];
    if (subs.size() < 2 && lead_members.size() < 2) continue;
    Finding& lead = (*findings)[lead_members.front()];
    // The lead's labels first, in the lead's order.
    std::vector<std::string> ordered;
    for (std::size_t i : lead_members)
      if (std::find(ordered.begin(), ordered.end(), (*findings)[i].group_label) == ordered.end())
        ordered.push_back((*findings)[i].group_label);
    // One related location per place: roles said of the same place are
    // merged (their common leading words once, then each one's rest).
    std::map<SourceRange, std::size_t> at;
    for (std::size_t k = 0; k < lead.related.size(); ++k) at.emplace(lead.related[k].where, k);
    auto add_related = [&](const RelatedLocation& r) {
      auto [it, fresh] = at.emplace(r.where, lead.related.size());
      if (fresh) {
        lead.related.push_back(r);
        return;
      }
      std::string& role = lead.related[it->second].role;
      std::size_t common = 0;
      for (std::size_t c = 0; c < std::min(role.size(), r.role.size()) && role[c] == r.role[c]; ++c)
        if (role[c] == ' ') common = c + 1;
      std::string rest = r.role.substr(common);
      if (role.find(rest) == std::string::npos) role += ", " + rest;
    };
    for (std::size_t k = 1; k < lead_members.size(); ++k) {
      for (const auto& r : (*findings)[lead_members[k]].related) add_related(r);
      (*drop)[lead_members[k]] = 1;
    }
    if (ordered.size() > 1) lead.message += "; the same statements also allow " + Join(ordered, ", ", 1);
    if (subs.size() > 1) {
      constexpr std::size_t kNamed = 10;
      std::string names;
      for (std::size_t k = 1; k < subs.size() && k <= kNamed; ++k) names += (k > 1 ? ", " : "") + subs[k];
      if (subs.size() - 1 > kNamed) names += ", and " + std::to_string(subs.size() - 1 - kNamed) + " more";
      lead.message += "; the same holds for " + std::to_string(subs.size() - 1) + " more: " + names;
      // The shared cause (the first related location) leads; each subject
      // is a related location.
      if (!lead.related.empty()) {
        SourceRange subject_at = lead.primary;
        lead.primary = lead.related.front().where;
        lead.related.insert(lead.related.begin(), {subject_at, "subject: " + subs.front()});
      }
      for (std::size_t k = 1; k < subs.size(); ++k)
        for (std::size_t i : of[subs[k]]) {
          if (i == of[subs[k]].front()) lead.related.push_back({(*findings)[i].primary, "also: " + subs[k]});
          (*drop)[i] = 1;
        }
      lead.witness.Add("grouped_subjects", Join(subs, ", "));
    }
    if (ordered.size() > 1) lead.witness.Add("grouped_labels", Join(ordered, ", "));
    lead.entity = key + "|" + Join(labels, ",");
  }
}

}  // namespace

void GroupFindings(std::vector<Finding>* findings) {
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < findings->size(); ++i)
    if (!(*findings)[i].group_key.empty() && !(*findings)[i].suppression)  // accepted ones stay apart
      groups[(*findings)[i].group_key].push_back(i);
  std::vector<char> drop(findings->size(), 0);
  for (auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    if ((*findings)[members.front()].group_subject.empty()) MergeLabels(findings, key, members, &drop);
    else MergeSubjects(findings, key, members, &drop);
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
      {"iam-admin-equivalent", "statements"},
      {"iam-privilege-escalation", "statements"},
      {"iam-unrestricted-data-access", "statements"},
      {"iam-network-exposure-grant", "statements"},
      {"iam-supply-chain-write", "statements"},
      {"iam-broad-permissions", "statements"},
  };
  auto it = kNotes.find(id);
  if (it == kNotes.end()) return "";
  if (it->second == "statements")
    return "Findings that rest on exactly the same allowing statements are grouped. For one principal, they are "
           "one finding (for iam-privilege-escalation: every method those statements allow; the message says "
           "\"the same statements also allow ...\" and the witness field `grouped_labels` lists them all). "
           "Principals with the same result on the same statements, such as the holders of one managed or "
           "group policy, are one finding located at the first allowing statement: the message names the "
           "others (\"the same holds for N more: ...\", the first ten), the witness field `grouped_subjects` lists "
           "every principal, and each principal is a related location (`subject:` for the one whose witness "
           "is shown, `also:` for the others). A principal whose result differs (a permissions boundary "
           "that removes a method, say) keeps its own finding. `scan --no-group` reports one finding per "
           "principal and method.";
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

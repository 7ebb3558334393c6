// Grouping of findings that say one thing several times: the capabilities
// one binding grants one subject (rbac capability rules), and the
// workloads of one namespace that lack the same network isolation
// (netpol-ingress-not-isolated, netpol-egress-not-isolated,
// netpol-metadata-egress), and the IAM findings that rest on the same
// allowing statements (the methods of one principal, the principals of one
// shared policy). `--no-group` keeps every finding.
#pragma once

#include <string_view>
#include <vector>

#include "grantpath/finding.h"

namespace grantpath::rules {

/// Merges findings that share a group key (suppressed ones stay apart): the most severe one (then the
/// first in output order) stays, with its message extended by the others'
/// labels; each other finding becomes a related location ("also: LABEL:
/// MESSAGE"), and the witness gets "also" (the labels). The merged finding's
/// entity is the group key, so its fingerprint does not depend on which
/// member leads.
/// Findings with a `group_subject` are grouped per subject instead: the
/// labels each subject has in the group are collected, and the subjects
/// with the same set of labels become one finding; when that spans several
/// subjects it is located at the lead's first related location (the shared
/// cause), with a related location per subject and the witness fields
/// `grouped_subjects` and `grouped_labels`; its entity is the key plus the
/// labels.
void GroupFindings(std::vector<Finding>* findings);

/// How a rule's findings are grouped, for its documentation page; "" when
/// they are not.
std::string_view GroupingNote(std::string_view rule_id);

}  // namespace grantpath::rules

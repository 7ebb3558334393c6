// Amazon EKS records read from AWS CLI output: the cluster (its OIDC issuer),
// EKS Pod Identity associations and access entries.
#pragma once

#include <string>
#include <vector>

#include "grantpath/source.h"

namespace grantpath::eks {

/// `aws eks describe-cluster` (cluster).
struct Cluster {
  std::string name;
  std::string arn;
  std::string oidc_issuer;  // host/path, without "https://"; "" when absent
  /// resourcesVpcConfig: whether the API server endpoint is public, and
  /// from which CIDRs (AWS's default when public: 0.0.0.0/0).
  bool endpoint_public = false;
  bool endpoint_private = false;
  std::vector<std::string> public_access_cidrs;
  SourceRange where;
  SourceRange issuer_where;
  SourceRange endpoint_where;
};

/// `aws eks describe-pod-identity-association` (association).
struct PodIdentityAssociation {
  std::string cluster;
  std::string association_arn;
  std::string ns;
  std::string service_account;
  std::string role_arn;
  std::string target_role_arn;  // cross-account: the role assumed from role_arn
  bool disable_session_tags = false;
  SourceRange where;
};

/// One access policy associated with an access entry.
struct AccessPolicy {
  std::string policy_arn;  // arn:aws:eks::aws:cluster-access-policy/NAME
  bool cluster_scope = true;
  std::vector<std::string> namespaces;  // namespace scope
  SourceRange where;
};

/// `aws eks describe-access-entry` (accessEntry) and
/// `aws eks list-associated-access-policies`, joined by principal ARN.
struct AccessEntry {
  std::string cluster;
  std::string principal_arn;
  std::string username;  // "" when EKS derives it from the ARN
  std::vector<std::string> groups;
  std::string type;      // STANDARD, EC2_LINUX, ...
  std::vector<AccessPolicy> policies;
  SourceRange where;
};

}  // namespace grantpath::eks

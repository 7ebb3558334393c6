// AWS IAM records: policy documents and the principals they attach to.
// Values are kept as written; normalisation (lower-casing actions) is the
// engine's job.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grantpath/source.h"

namespace grantpath::iam {

/// One condition: operator (e.g. "StringEquals", "ForAnyValue:StringLike",
/// "ArnLikeIfExists"), key and values as written.
struct Condition {
  Located<std::string> op;
  Located<std::string> key;
  std::vector<Located<std::string>> values;
};

/// A principal entry: type ("AWS", "Service", "Federated",
/// "CanonicalUser", or "*" for the bare string "*") and values.
struct PrincipalEntry {
  std::string type;
  std::vector<Located<std::string>> values;
};

struct Statement {
  std::string sid;
  bool allow = true;
  SourceRange where;       // the statement object
  SourceRange effect_where;
  bool not_action = false;
  std::vector<Located<std::string>> actions;  // Action or NotAction
  bool has_resource = false;                   // Resource/NotResource present
  bool not_resource = false;
  std::vector<Located<std::string>> resources;
  bool has_principal = false;
  bool not_principal = false;
  std::vector<PrincipalEntry> principals;
  std::vector<Condition> conditions;
};

/// A policy document with the context it came from.
struct PolicyDocument {
  std::string version;  // "2012-10-17", "2008-10-17" or ""
  std::vector<Statement> statements;
  SourceRange where;
};

enum class PolicyKind { kIdentity, kResource, kTrust, kBoundary, kScp };

/// A named policy: managed (with ARN, default version only), inline (with
/// its owner), or a standalone document file.
struct Policy {
  std::string name;
  std::string arn;           // managed policies
  std::string owner_arn;     // inline policies: the user/group/role ARN
  PolicyKind kind = PolicyKind::kIdentity;
  PolicyDocument document;
  SourceRange where;
  /// A KMS key policy (`aws kms get-key-policy`): `arn` names its key, or
  /// is empty when the input does not say which key it belongs to.
  bool kms_key_policy = false;
};

enum class PrincipalType { kUser, kGroup, kRole };

/// An IAM user, group or role from an account authorization export.
struct Principal {
  PrincipalType type = PrincipalType::kUser;
  std::string name;
  std::string arn;
  std::string path;
  std::vector<std::size_t> inline_policies;   // indices into Model::iam_policies
  std::vector<std::string> managed_policy_arns;
  std::vector<std::string> group_names;       // users only
  std::optional<std::size_t> trust_policy;    // roles only
  std::string boundary_arn;                   // permissions boundary
  std::vector<std::string> instance_profile_arns;  // roles: InstanceProfileList
  SourceRange where;
};

}  // namespace grantpath::iam

// aws-iam-authenticator's identity rules, as the aws-auth ConfigMap is read:
// how a caller's ARN is canonicalised and matched, and how a username
// template is rendered.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace grantpath::awsauth {

/// The canonical ARN of a caller: an STS assumed-role session becomes its
/// role ("arn:aws:sts::A:assumed-role/R/S" -> "arn:aws:iam::A:role/R", a
/// role path kept); users, roles, roots and federated users are unchanged.
/// nullopt for text that is not an ARN.
std::optional<std::string> Canonicalize(const std::string& arn);

/// A role ARN without its path ("role/Org/Team/Admin" -> "role/Admin"), as
/// mappings are matched; other ARNs unchanged. nullopt for non-ARNs.
std::optional<std::string> StripPath(const std::string& arn);

/// Renders a username or group template. Identity keys: AccountID,
/// AccessKeyID, SessionName (rendered with '@' as '-'), SessionNameRaw
/// (the session name as is). {{EC2PrivateDNSName}} needs an EC2 lookup that
/// offline analysis cannot make: nullopt.
std::optional<std::string> RenderTemplate(const std::string& tmpl,
                                          const std::map<std::string, std::string>& identity);

}  // namespace grantpath::awsauth

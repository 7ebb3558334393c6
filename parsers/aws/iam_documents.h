// AWS IAM input shapes: policy documents, resource policies,
// `aws iam get-policy-version` and `aws iam get-account-authorization-details`.
#pragma once

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

/// Which IAM shape a JSON root has, by content.
/// kOrganizationsPolicy: `aws organizations describe-policy` output
/// ({"Policy": {"PolicySummary": {...,"Type": "SERVICE_CONTROL_POLICY"},
/// "Content": "..."}}), read as an SCP.
/// kResourcePolicyOutput: `aws s3api get-bucket-policy`, `kms get-key-policy`,
/// `lambda get-policy` ({"Policy": "<json>"}), `ecr get-repository-policy`
/// (policyText), `secretsmanager get-resource-policy` (ResourcePolicy),
/// `sqs get-queue-attributes` / `sns get-topic-attributes`
/// (Attributes.Policy) and `iam get-role` (Role.AssumeRolePolicyDocument).
enum class IamShape {
  kNone,
  kPolicyDocument,
  kPolicyVersion,
  kAuthorizationDetails,
  kOrganizationsPolicy,
  kResourcePolicyOutput
};
IamShape DetectIamShape(const DocNode& root);

/// Adds the policies and principals of an IAM document to the model.
/// `name` names a standalone document (usually its file name). Returns the
/// number of records added.
std::size_t ParseIamDocument(const DocNode& root, IamShape shape, FileId file,
                             const std::string& name, Model& model, DiagnosticSink& sink);

/// Parses one policy document (an object with Statement). Statements that
/// are malformed are reported and dropped; `ok` is cleared when any was.
iam::PolicyDocument ParsePolicyDocument(const DocNode& doc, FileId file, DiagnosticSink& sink,
                                        bool* ok);

}  // namespace grantpath::parsers

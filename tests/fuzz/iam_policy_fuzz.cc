// libFuzzer target for the IAM policy parser and the concrete matcher: the
// bytes are read as a policy document (JSON, or YAML for the same shape),
// then every statement is matched against a request built from the
// document's own strings. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/iam_documents.h"
#include "common/doc.h"
#include "engine/iam_eval.h"
#include "grantpath/diagnostic.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace grantpath;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CollectingSink sink;
  parsers::ParseLimits limits;
  limits.max_alias_nodes = 10000;
  auto on_doc = [&](parsers::DocNode& root) {
    bool ok = true;
    iam::PolicyDocument doc = parsers::ParsePolicyDocument(root, 1, sink, &ok);
    iam::Request req;
    req.caller.kind = iam::Caller::Kind::kUser;
    req.caller.arn = "arn:aws:iam::111122223333:user/fuzz";
    req.caller.account = "111122223333";
    req.action = "s3:GetObject";
    req.resource = "arn:aws:s3:::bucket/key";
    for (const auto& st : doc.statements) {
      if (!st.actions.empty()) req.action = st.actions.front().value;
      if (!st.resources.empty()) req.resource = st.resources.front().value;
      for (const auto& c : st.conditions)
        for (const auto& v : c.values) req.context[c.key.value].push_back(v.value);
      std::string why;
      for (auto role : {iam::PolicyRole::kIdentity, iam::PolicyRole::kResource, iam::PolicyRole::kTrust})
        (void)iam::MatchStatement(st, true, role, req, &why);
    }
  };
  if (!text.empty() && (text[0] == '{' || text[0] == '['))
    parsers::ParseJson(text, 1, limits, sink, on_doc);
  else
    parsers::ParseYaml(text, 1, limits, sink, on_doc);
  return 0;
}

#include "engine/aws_auth.h"

#include "engine/iam_match.h"

#include <vector>

namespace grantpath::awsauth {
namespace {

// The six ARN fields (iam::SplitArn), or nullopt for text that is not an ARN.
std::optional<std::vector<std::string>> Fields(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return std::nullopt;
  return iam::SplitArn(arn);
}

std::string Join(const std::vector<std::string>& f) {
  return f[0] + ":" + f[1] + ":" + f[2] + ":" + f[3] + ":" + f[4] + ":" + f[5];
}

}  // namespace

std::optional<std::string> Canonicalize(const std::string& arn) {
  auto f = Fields(arn);
  if (!f) return std::nullopt;
  auto& res = (*f)[5];
  if ((*f)[2] == "sts" && res.rfind("assumed-role/", 0) == 0) {
    std::size_t last = res.rfind('/');
    std::string role = res.substr(13, last == std::string::npos || last < 13 ? std::string::npos : last - 13);
    return (*f)[0] + ":" + (*f)[1] + ":iam::" + (*f)[4] + ":role/" + role;
  }
  return arn;
}

std::optional<std::string> StripPath(const std::string& arn) {
  auto f = Fields(arn);
  if (!f) return std::nullopt;
  auto& res = (*f)[5];
  if ((*f)[2] == "iam" && res.rfind("role/", 0) == 0) res = "role/" + res.substr(res.rfind('/') + 1);
  return Join(*f);
}

std::optional<std::string> RenderTemplate(const std::string& tmpl,
                                          const std::map<std::string, std::string>& identity) {
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    std::size_t open = tmpl.find("{{", i);
    if (open == std::string::npos) {
      out += tmpl.substr(i);
      break;
    }
    std::size_t close = tmpl.find("}}", open + 2);
    if (close == std::string::npos) {
      out += tmpl.substr(i);
      break;
    }
    out += tmpl.substr(i, open - i);
    std::string key = tmpl.substr(open + 2, close - open - 2);
    auto get = [&](const std::string& k) -> std::optional<std::string> {
      auto it = identity.find(k);
      if (it == identity.end()) return std::nullopt;
      return it->second;
    };
    std::optional<std::string> v;
    if (key == "SessionName") {
      v = get("SessionName");
      if (v)
        for (auto& c : *v)
          if (c == '@') c = '-';
    } else if (key == "SessionNameRaw") {
      v = get("SessionName");
    } else if (key == "AccountID" || key == "AccessKeyID") {
      v = get(key);
    }
    if (!v) return std::nullopt;  // EC2PrivateDNSName, or a key the identity lacks
    out += *v;
    i = close + 2;
  }
  return out;
}

}  // namespace grantpath::awsauth

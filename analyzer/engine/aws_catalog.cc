#include "engine/aws_catalog.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "engine/iam_match.h"

extern "C" const char grantpath_aws_catalog_begin[];
extern "C" const char grantpath_aws_catalog_end[];

namespace grantpath::aws {

const char* AccessLevelName(AccessLevel l) {
  switch (l) {
    case AccessLevel::kList: return "List";
    case AccessLevel::kRead: return "Read";
    case AccessLevel::kWrite: return "Write";
    case AccessLevel::kPermissions: return "Permissions management";
    case AccessLevel::kTagging: return "Tagging";
    case AccessLevel::kUnknown: break;
  }
  return "Unknown";
}

namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t t = line.find('\t', start);
    out.push_back(line.substr(start, t == std::string_view::npos ? t : t - start));
    if (t == std::string_view::npos) break;
    start = t + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string> SplitCatalogList(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t c = s.find(',', start);
    if (c == std::string_view::npos) c = s.size();
    if (c > start) out.emplace_back(s.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

namespace {

AccessLevel Level(std::string_view s) {
  if (s == "L") return AccessLevel::kList;
  if (s == "R") return AccessLevel::kRead;
  if (s == "W") return AccessLevel::kWrite;
  if (s == "P") return AccessLevel::kPermissions;
  if (s == "T") return AccessLevel::kTagging;
  return AccessLevel::kUnknown;
}

}  // namespace

Catalog Catalog::Parse(std::string_view text) {
  auto owned = std::make_unique<std::string>(text);
  Catalog c = ParseView(*owned);
  c.owned_ = std::move(owned);
  return c;
}

Catalog Catalog::ParseView(std::string_view text) {
  Catalog c;
  c.actions_.reserve(24000);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    auto f = SplitTabs(line);
    if (line[0] == '#') {
      if (f.size() >= 2 && f[0] == "# version") c.version_ = std::string(f[1]);
      continue;
    }
    if (f[0] == "S" && f.size() >= 3) {
      if (!c.services_.empty()) c.services_.back().last = static_cast<std::uint32_t>(c.actions_.size());
      CatalogService s;
      s.prefix = std::string(f[1]);
      s.name = std::string(f[2]);
      s.first = s.last = static_cast<std::uint32_t>(c.actions_.size());
      c.by_service_[iam::ToLower(s.prefix)] = static_cast<std::uint32_t>(c.services_.size());
      c.services_.push_back(std::move(s));
    } else if (c.services_.empty()) {
      continue;
    } else if (f[0] == "A" && f.size() >= 5) {
      CatalogAction a;
      a.service = static_cast<std::uint32_t>(c.services_.size() - 1);
      a.name = f[1];
      const std::string& prefix = c.services_.back().prefix;
      a.lower.reserve(prefix.size() + 1 + a.name.size());
      a.lower = prefix;
      a.lower.push_back(':');
      for (char ch : a.name) a.lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      a.level = Level(f[2]);
      a.resource_types = f[3];
      a.wildcard_only = a.resource_types.empty();
      a.condition_keys = f[4];
      c.actions_.push_back(std::move(a));
    } else if (f[0] == "R" && f.size() >= 3) {
      c.arn_templates_[c.services_.back().prefix + "/" + std::string(f[1])] = f[2];
    } else if (f[0] == "K" && f.size() >= 3) {
      std::string key = iam::ToLower(f[1]);
      if (std::size_t v = key.find("${"); v != std::string::npos)
        c.key_templates_.emplace_back(key.substr(0, v), std::string(f[2]));
      else
        c.key_types_[key] = std::string(f[2]);
    }
  }
  if (!c.services_.empty()) c.services_.back().last = static_cast<std::uint32_t>(c.actions_.size());
  std::sort(c.key_templates_.begin(), c.key_templates_.end());
  c.key_templates_.erase(std::unique(c.key_templates_.begin(), c.key_templates_.end()),
                         c.key_templates_.end());
  return c;
}

bool CatalogKnowsAction(std::string_view action) {
  std::size_t colon = action.find(':');
  if (colon == std::string_view::npos) return false;
  std::string svc = iam::ToLower(action.substr(0, colon));
  std::string name = iam::ToLower(action.substr(colon + 1));
  std::string_view text(grantpath_aws_catalog_begin,
                        static_cast<std::size_t>(grantpath_aws_catalog_end - grantpath_aws_catalog_begin));
  std::size_t at = text.find("\nS\t" + svc + "\t");
  if (at == std::string_view::npos) return false;
  std::size_t pos = text.find('\n', at + 1);
  while (pos != std::string_view::npos && pos + 1 < text.size()) {
    std::size_t end = text.find('\n', pos + 1);
    std::string_view line = text.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
    if (line.size() > 2 && line[0] == 'S' && line[1] == '\t') return false;  // next service
    if (line.size() > 2 && line[0] == 'A' && line[1] == '\t') {
      std::string_view n = line.substr(2, line.find('\t', 2) - 2);
      if (n.size() == name.size() && iam::ToLower(n) == name) return true;
    }
    pos = end;
  }
  return false;
}

const Catalog& Catalog::Get() {
  static std::once_flag once;
  static Catalog* catalog = nullptr;
  std::call_once(once, [] {
    catalog = new Catalog(ParseView(std::string_view(
        grantpath_aws_catalog_begin,
        static_cast<std::size_t>(grantpath_aws_catalog_end - grantpath_aws_catalog_begin))));
  });
  return *catalog;
}

std::optional<std::uint32_t> Catalog::Find(std::string_view action) const {
  // Within a service the catalog lists actions sorted by lower-case name:
  // a binary search, no index to build at start.
  std::size_t colon = action.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto svc = FindService(action.substr(0, colon));
  if (!svc) return std::nullopt;
  std::string want = iam::ToLower(action);
  const CatalogService& cs = services_[*svc];
  auto first = actions_.begin() + cs.first, last = actions_.begin() + cs.last;
  auto it = std::lower_bound(first, last, want, [](const CatalogAction& a, const std::string& w) { return a.lower < w; });
  if (it == last || it->lower != want) {
    // Not sorted the way we expect (a hand-edited catalog): scan.
    for (auto i = first; i != last; ++i)
      if (i->lower == want) return static_cast<std::uint32_t>(i - actions_.begin());
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(it - actions_.begin());
}

std::optional<std::uint32_t> Catalog::FindService(std::string_view prefix) const {
  auto it = by_service_.find(iam::ToLower(prefix));
  if (it == by_service_.end()) return std::nullopt;
  return it->second;
}

std::string Catalog::FullName(std::uint32_t a) const {
  return services_[actions_[a].service].prefix + ":" + std::string(actions_[a].name);
}

std::vector<std::uint32_t> Catalog::Match(std::string_view pattern) const {
  std::vector<std::uint32_t> out;
  std::string p = iam::ToLower(pattern);
  std::size_t colon = p.find(':');
  if (colon == std::string::npos) {
    if (p.find_first_not_of('*') == std::string::npos && !p.empty())
      for (std::uint32_t i = 0; i < actions_.size(); ++i) out.push_back(i);
    else
      for (std::uint32_t i = 0; i < actions_.size(); ++i)
        if (iam::Glob(p, actions_[i].lower)) out.push_back(i);
    return out;
  }
  std::string svc = p.substr(0, colon);
  if (!iam::HasWildcard(svc)) {
    auto s = by_service_.find(svc);
    if (s == by_service_.end()) return out;
    const CatalogService& cs = services_[s->second];
    std::string_view name = std::string_view(p).substr(colon + 1);
    bool all = !name.empty() && name.find_first_not_of('*') == std::string_view::npos;
    for (std::uint32_t i = cs.first; i < cs.last; ++i)
      if (all || iam::Glob(name, std::string_view(actions_[i].lower).substr(svc.size() + 1)))
        out.push_back(i);
    return out;
  }
  for (std::uint32_t i = 0; i < actions_.size(); ++i)
    if (iam::Glob(p, actions_[i].lower)) out.push_back(i);
  return out;
}

std::string Catalog::ExampleArn(std::string_view action, const std::string& account) const {
  auto idx = Find(action);
  if (!idx) return "*";
  const CatalogAction& a = actions_[*idx];
  auto types = SplitCatalogList(a.resource_types);
  if (types.empty()) return "*";
  // A required type first; else the plainest (shortest) name: "object"
  // rather than "accesspointobject".
  std::string pick = types.front();
  for (const auto& t : types)
    if (t.size() < pick.size()) pick = t;
  for (const auto& t : types)
    if (!t.empty() && t[0] == '*') {
      pick = t;
      break;
    }
  if (!pick.empty() && pick[0] == '*') pick.erase(0, 1);
  auto it = arn_templates_.find(services_[a.service].prefix + "/" + pick);
  if (it == arn_templates_.end()) return "*";
  std::string out;
  std::string_view t = it->second;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '$' && i + 1 < t.size() && t[i + 1] == '{') {
      std::size_t close = t.find('}', i);
      if (close == std::string_view::npos) break;
      std::string_view name = t.substr(i + 2, close - i - 2);
      out += name == "Partition" ? std::string("aws") : name == "Region" ? std::string("us-east-1")
             : name == "Account" ? account : std::string("grantpath-example");
      i = close;
    } else {
      out.push_back(t[i]);
    }
  }
  return out;
}

namespace {

// The service-prefixed keys that AWS adds to every request made with a
// role session's credentials (the "cross-service" global condition keys).
bool CrossServiceKey(const std::string& k) {
  static const char* const kKeys[] = {"ec2:roledelivery",          "ec2:sourceinstancearn",
                                      "glue:credentialissuingservice", "glue:roleassumedby",
                                      "identitystore:userid",      "lambda:sourcefunctionarn",
                                      "ssm:sourceinstancearn"};
  for (const char* x : kKeys)
    if (k == x) return true;
  return false;
}

// Whether a catalog key ("s3:ExistingObjectTag/<key>",
// "aws:RequestTag/${TagKey}", "s3:max-keys") names the lower-case key `k`.
bool CatalogKeyMatches(std::string_view entry, const std::string& k) {
  std::size_t var = entry.find("${");
  if (var == std::string_view::npos) var = entry.find('<');
  if (var == std::string_view::npos) {
    if (entry.size() != k.size()) return false;
    for (std::size_t i = 0; i < k.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(entry[i])) != k[i]) return false;
    return true;
  }
  if (k.size() <= var) return false;
  for (std::size_t i = 0; i < var; ++i)
    if (std::tolower(static_cast<unsigned char>(entry[i])) != k[i]) return false;
  return true;
}

}  // namespace

bool Catalog::KeyMayBePresent(std::string_view action, std::string_view key) const {
  std::string k = iam::ToLower(key);
  std::size_t colon = k.find(':');
  if (colon == std::string::npos) return true;
  std::string prefix = k.substr(0, colon);
  if (prefix == "aws" || CrossServiceKey(k) || !FindService(prefix)) return true;
  auto a = Find(action);
  if (!a) return true;
  std::string_view list = actions_[*a].condition_keys;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    if (CatalogKeyMatches(list.substr(start, comma - start), k)) return true;
    start = comma + 1;
  }
  return false;
}

std::string Catalog::KeyType(std::string_view key) const {
  std::string k = iam::ToLower(key);
  if (auto it = key_types_.find(k); it != key_types_.end()) return it->second;
  for (const auto& [prefix, type] : key_templates_)
    if (k.size() > prefix.size() && k.compare(0, prefix.size(), prefix) == 0) return type;
  return "";
}

}  // namespace grantpath::aws
